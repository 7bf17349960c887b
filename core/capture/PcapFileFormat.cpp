#include "PcapFileFormat.h"

#include "ByteSwap.h"

#include <cstring>

namespace fi {

namespace {

constexpr uint32_t kMicrosecondMagic = 0xA1B2C3D4;
constexpr uint32_t kNanosecondMagic = 0xA1B23C4D;
constexpr uint32_t kKuznetzovMagic = 0xA1B2CD34; // microseconds, 24-byte record headers

bool isMagic(uint32_t value)
{
    return value == kMicrosecondMagic || value == kNanosecondMagic || value == kKuznetzovMagic;
}

} // namespace

std::optional<PcapFileFormat> PcapFileFormat::fromGlobalHeader(const uint8_t (&header)[24])
{
    uint32_t magic = 0;
    std::memcpy(&magic, header, 4);
    PcapFileFormat format;
    if (!isMagic(magic)) {
        magic = fi::byteSwapped(magic);
        if (!isMagic(magic))
            return std::nullopt;
        format.byteSwapped = true;
    }
    format.nanosecond = magic == kNanosecondMagic;
    format.recordHeaderSize = magic == kKuznetzovMagic ? 24 : 16;

    uint16_t major = 0;
    uint16_t minor = 0;
    std::memcpy(&major, header + 4, 2);
    std::memcpy(&minor, header + 6, 2);
    if (format.byteSwapped) {
        major = fi::byteSwapped(major);
        minor = fi::byteSwapped(minor);
    }
    if (major == 2 && minor < 3)
        format.lengthFields = LengthFields::Exchanged;
    else if (major == 2 && minor == 3)
        format.lengthFields = LengthFields::ExchangedWhenCapturedExceedsOriginal;
    else if (major == 543)
        format.lengthFields = LengthFields::Exchanged;
    return format;
}

} // namespace fi
