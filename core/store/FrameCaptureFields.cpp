#include "FrameCaptureFields.h"

#include "Decoder.h"

namespace fi {

namespace {

std::string interfaceText(const CaptureLayout& layout, const CaptureInterface& i)
{
    if (i.wholeFile)
        return "one of the file's interfaces (libpcap reads this file and does not say which)";
    const CaptureFile& file = layout.files[i.file];
    if (!file.pcapng)
        return "the file's one interface";
    std::string text = i.name.empty() ? std::string("(no name)") : i.name;
    text += " (id " + std::to_string(i.idInSection) + " of section " + std::to_string(i.section) + ")";
    if (!i.description.empty())
        text += ": " + i.description;
    return text;
}

} // namespace

FieldNode frameCaptureFields(const CaptureLayout& layout, const FrameRecord& record)
{
    FieldNode layer = fieldNode("Capture", FieldNode::Type::Group);
    const CaptureInterface* i = layout.interfaceOf(record.interface);
    if (!i || i->file >= layout.files.size())
        return layer;
    layer.children.push_back(textField("interface", interfaceText(layout, *i)));
    layer.children.push_back(textField("link_type", std::to_string(i->linkType) + " (" + linkTypeName(i->linkType) + ")"));
    if (i->snapLength > 0)
        layer.children.push_back(numberField("snap_length", i->snapLength));
    if (layout.files.size() > 1)
        layer.children.push_back(textField("file", layout.files[i->file].path));
    return layer;
}

void addFrameCaptureFields(FieldNode& root, const CaptureLayout& layout, const FrameRecord& record)
{
    root.children.insert(root.children.begin(), frameCaptureFields(layout, record));
}

} // namespace fi
