#include "CaptureLayout.h"

#include <algorithm>

namespace fi {

uint32_t CaptureLayout::largestSnapLength() const
{
    uint32_t largest = 0;
    for (const CaptureInterface& i : interfaces)
        largest = std::max(largest, i.snapLength);
    return largest;
}

CaptureLayout CaptureLayout::ofFile(std::string path, bool pcapng, int linkType, uint32_t snapLength)
{
    CaptureLayout layout;
    CaptureFile file;
    file.path = std::move(path);
    file.pcapng = pcapng;
    layout.files.push_back(std::move(file));
    CaptureInterface i;
    i.linkType = linkType;
    i.snapLength = snapLength;
    i.wholeFile = pcapng;
    layout.interfaces.push_back(std::move(i));
    return layout;
}

} // namespace fi
