#pragma once

#include "FieldNode.h"
#include "Frame.h"

#include <cstdio>
#include <string>

namespace fi {

/// The document tree of one frame as the json/plist/tree outputs hold it (spec section 4):
/// `Frame N` → frame_info, time, number, time_epoch, len, cap_len, the decoded layers nested
/// outermost first (each with a `packet` holding its bytes as hex), protocols, packet.
FieldNode frameDocument(int linkType, const FrameView& frame, bool nanosecond);

/// Renders document entries in one text format. An output file is prolog(), the entries
/// (separator() between two), epilog().
class DocumentFormat
{
public:
    virtual ~DocumentFormat() = default;
    virtual std::string prolog() const = 0;
    virtual std::string separator() const = 0;
    virtual std::string entry(const FieldNode& frame) const = 0;
    virtual std::string epilog() const = 0;
};

std::string jsonEscaped(const std::string& text);

class JsonFormat final : public DocumentFormat
{
public:
    std::string prolog() const override { return "{\n"; }
    std::string separator() const override { return ",\n"; }
    std::string entry(const FieldNode& frame) const override;
    std::string epilog() const override { return "\n}\n"; }
};

class PlistFormat final : public DocumentFormat
{
public:
    std::string prolog() const override;
    std::string separator() const override { return ""; }
    std::string entry(const FieldNode& frame) const override;
    std::string epilog() const override { return "</dict>\n</plist>\n"; }
};

class TreeFormat final : public DocumentFormat
{
public:
    std::string prolog() const override { return ""; }
    std::string separator() const override { return "\n"; }
    std::string entry(const FieldNode& frame) const override;
    std::string epilog() const override { return ""; }
};

} // namespace fi
