#pragma once

#include "CompressedByteSource.h"
#include "PcapFileFormat.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace fi {

/// One file of a capture.
struct CaptureFile
{
    std::string path;
    bool pcapng = false;
    Compression compression = Compression::None;
    /// A compressed file's access points, shared by all that read it.
    std::shared_ptr<CompressedIndex> index;
    /// Classic pcap: how its records are laid out, as its header said when it was loaded
    /// (nullopt: not known, read from the file when a frame is read again).
    std::optional<PcapFileFormat> pcapFormat;
    /// The file as it was opened when it was loaded, shared by every copy of the layout
    /// (null: frames are read again from the file at `path`).
    std::shared_ptr<const FileHandle> handle;
};

/// An interface that captured frames: a classic pcap file's one link type, or one pcapng
/// interface description (each section numbers its own). Frames name theirs by index
/// (FrameRecord::interface).
struct CaptureInterface
{
    uint32_t file = 0;       ///< index in CaptureLayout::files
    int linkType = 0;        ///< LINKTYPE_* value
    uint32_t snapLength = 0; ///< 0: not limited
    /// pcapng: the section (counted from 0) and the interface id within it; pcap: 0 and 0.
    /// A pcapng file libpcap reads whole has one entry standing for all its interfaces (they
    /// share link type and snap length; libpcap does not say which one captured a frame).
    uint32_t section = 0;
    uint32_t idInSection = 0;
    bool wholeFile = false;  ///< the entry stands for every interface of its file
    std::string name;        ///< pcapng if_name (may be empty)
    std::string description; ///< pcapng if_description (may be empty)
};

/// Where a capture's frames come from: its files and the interfaces that captured them, in
/// the order they were met while reading.
struct CaptureLayout
{
    std::vector<CaptureFile> files;
    std::vector<CaptureInterface> interfaces;

    /// The largest snap length of any interface (for an output file that holds frames of all).
    uint32_t largestSnapLength() const;
    /// The interface of a frame, or nullptr when the layout has no such interface.
    const CaptureInterface* interfaceOf(uint64_t index) const
    {
        return index < interfaces.size() ? &interfaces[index] : nullptr;
    }

    /// A capture of one file with one interface.
    static CaptureLayout ofFile(std::string path, bool pcapng, int linkType, uint32_t snapLength);
};

} // namespace fi
