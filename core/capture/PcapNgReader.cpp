#include "PcapNgReader.h"

#include "ByteSource.h"
#include "ByteSwap.h"

#include <algorithm>
#include <cstring>
#include <limits>

namespace fi {

namespace {

constexpr uint32_t kSectionHeader = 0x0A0D0D0A;
constexpr uint32_t kInterfaceDescription = 1;
constexpr uint32_t kObsoletePacket = 2;
constexpr uint32_t kSimplePacket = 3;
constexpr uint32_t kEnhancedPacket = 6;
constexpr uint32_t kByteOrderMagic = 0x1A2B3C4D;

// Interface description options.
constexpr uint16_t kEndOfOptions = 0;
constexpr uint16_t kIfName = 2;
constexpr uint16_t kIfDescription = 3;
constexpr uint16_t kIfTsresol = 9;
constexpr uint16_t kIfTsoffset = 14;

__extension__ using WideUnsigned = unsigned __int128; // a fraction times 10^9 exactly

} // namespace

void PcapNgReader::start(ByteSource& source, uint32_t file, CaptureLayout& layout)
{
    m_layout = &layout;
    m_file = file;
    m_buffer.start(source, 0);
    m_swapped = false;
    m_section = -1;
    m_interfaces.clear();
    m_error.clear();
}

uint32_t PcapNgReader::u32(size_t at) const
{
    uint32_t v;
    std::memcpy(&v, m_buffer.data() + at, 4);
    return m_swapped ? byteSwapped(v) : v;
}

uint16_t PcapNgReader::u16(size_t at) const
{
    uint16_t v;
    std::memcpy(&v, m_buffer.data() + at, 2);
    return m_swapped ? byteSwapped(v) : v;
}

PcapNgReader::Step PcapNgReader::fail(std::string message)
{
    m_error = std::move(message);
    return Step::Error;
}

PcapNgReader::Step PcapNgReader::next(FrameView& frame)
{
    for (;;) {
        if (!m_buffer.ensure(12)) {
            if (m_buffer.failed())
                return fail("error reading the file: " + m_buffer.errorString());
            if (m_buffer.available() == 0)
                return m_section < 0 ? fail("not a pcapng file (it is empty)") : Step::End;
            m_error = "truncated pcapng file: the file ends inside a block header";
            m_buffer.advance(m_buffer.available());
            return Step::Truncated;
        }
        uint32_t type;
        std::memcpy(&type, m_buffer.data(), 4); // the same in either byte order
        if (type == kSectionHeader) {
            uint32_t magic;
            std::memcpy(&magic, m_buffer.data() + 8, 4);
            if (magic != kByteOrderMagic && magic != byteSwapped(kByteOrderMagic))
                return fail("pcapng section header with an unknown byte-order magic");
            m_swapped = magic != kByteOrderMagic;
        } else if (m_section < 0) {
            return fail("not a pcapng file (it does not start with a section header)");
        } else {
            type = u32(0);
        }
        const uint32_t length = u32(4);
        const uint64_t blockOffset = offset();
        if (length < 12 || length % 4 != 0)
            return fail("pcapng block at offset " + std::to_string(blockOffset) + " has the invalid length " +
                        std::to_string(length));
        if (length > kLargestBlock)
            return fail("pcapng block at offset " + std::to_string(blockOffset) + " is " +
                        std::to_string(length) + " bytes long, more than the " +
                        std::to_string(kLargestBlock >> 20) + " MiB this reader takes");
        if (!m_buffer.ensure(length)) {
            if (m_buffer.failed())
                return fail("error reading the file: " + m_buffer.errorString());
            m_error = "truncated pcapng file: a block of " + std::to_string(length) + " bytes at offset " +
                      std::to_string(blockOffset) + " is cut off";
            m_buffer.advance(m_buffer.available());
            return Step::Truncated;
        }
        if (u32(length - 4) != length)
            return fail("pcapng block at offset " + std::to_string(blockOffset) +
                        ": its trailing length differs from its leading length");

        Step step = Step::End; // End here: not a frame, go on
        switch (type) {
        case kSectionHeader:
            step = readSectionHeader(length);
            break;
        case kInterfaceDescription:
            step = readInterface(length);
            break;
        case kEnhancedPacket:
        case kSimplePacket:
        case kObsoletePacket:
            step = readPacket(type, length, frame);
            break;
        default:
            break; // statistics, name resolution, custom and unknown blocks
        }
        if (step == Step::Error)
            return step;
        m_buffer.advance(length);
        if (step == Step::Frame)
            return step;
    }
}

PcapNgReader::Step PcapNgReader::readSectionHeader(size_t length)
{
    if (length < 28)
        return fail("pcapng section header too short");
    const uint16_t major = u16(12);
    if (major != 1)
        return fail("pcapng section of unsupported major version " + std::to_string(major));
    ++m_section;
    m_interfaces.clear(); // each section describes its own interfaces
    return Step::End;
}

PcapNgReader::Step PcapNgReader::readInterface(size_t length)
{
    if (length < 20)
        return fail("pcapng interface description too short");
    if (m_layout->interfaces.size() >= FrameRecord::kMaxInterfaces)
        return fail("more than " + std::to_string(FrameRecord::kMaxInterfaces) + " interfaces");
    Interface iface;
    iface.linkType = u16(8);
    iface.snapLength = u32(12);
    CaptureInterface entry;
    entry.file = m_file;
    entry.linkType = iface.linkType;
    entry.snapLength = iface.snapLength;
    entry.section = uint32_t(m_section);
    entry.idInSection = uint32_t(m_interfaces.size());
    // Options: code, length, value padded to 4 bytes; up to the trailing length.
    size_t at = 16;
    const size_t end = length - 4;
    while (at + 4 <= end) {
        const uint16_t code = u16(at);
        const uint16_t size = u16(at + 2);
        const size_t value = at + 4;
        if (code == kEndOfOptions || value + size > end)
            break;
        const char* text = reinterpret_cast<const char*>(m_buffer.data() + value);
        if (code == kIfName)
            entry.name.assign(text, strnlen(text, size));
        else if (code == kIfDescription)
            entry.description.assign(text, strnlen(text, size));
        else if (code == kIfTsresol && size >= 1) {
            const uint8_t resolution = m_buffer.data()[value];
            const bool binary = resolution & 0x80;
            const int exponent = resolution & 0x7F;
            if (exponent > (binary ? 63 : 19))
                return fail("pcapng interface with a timestamp resolution finer than can be read (" +
                            std::string(binary ? "2" : "10") + "^-" + std::to_string(exponent) + " s)");
            iface.unitsPerSecond = 1;
            for (int i = 0; i < exponent; ++i)
                iface.unitsPerSecond *= binary ? 2 : 10;
        } else if (code == kIfTsoffset && size >= 8) {
            uint64_t raw; // a 64-bit integer in the section's byte order
            std::memcpy(&raw, m_buffer.data() + value, 8);
            iface.offsetSeconds = int64_t(m_swapped ? __builtin_bswap64(raw) : raw);
        }
        at = value + ((size + 3u) & ~3u);
    }
    iface.layoutIndex = uint32_t(m_layout->interfaces.size());
    m_layout->interfaces.push_back(std::move(entry));
    m_interfaces.push_back(iface);
    return Step::End;
}

bool PcapNgReader::toNanoseconds(uint64_t units, const Interface& iface, int64_t& out)
{
    const uint64_t perSecond = iface.unitsPerSecond;
    const uint64_t seconds = units / perSecond;
    const uint64_t fraction = uint64_t(WideUnsigned(units % perSecond) * 1'000'000'000u / perSecond);
    constexpr int64_t kMaxSeconds = std::numeric_limits<int64_t>::max() / 1'000'000'000 - 1;
    if (seconds > uint64_t(kMaxSeconds))
        return false;
    int64_t total = 0;
    if (__builtin_add_overflow(int64_t(seconds), iface.offsetSeconds, &total) || total > kMaxSeconds ||
        total < -kMaxSeconds)
        return false;
    out = total * 1'000'000'000 + int64_t(fraction);
    return true;
}

PcapNgReader::Step PcapNgReader::readPacket(uint32_t type, size_t length, FrameView& frame)
{
    const uint64_t blockOffset = offset();
    auto where = [&] { return " (block at offset " + std::to_string(blockOffset) + ")"; };
    uint32_t interfaceId = 0;
    uint64_t units = 0;
    uint32_t captured = 0, original = 0;
    size_t dataAt = 0;
    if (type == kSimplePacket) {
        if (length < 16)
            return fail("pcapng simple packet block too short" + where());
        original = u32(8);
        dataAt = 12;
        captured = std::min<uint32_t>(original, uint32_t(length - 16));
    } else {
        if (length < 32)
            return fail("pcapng packet block too short" + where());
        interfaceId = type == kEnhancedPacket ? u32(8) : u16(8);
        units = uint64_t(u32(12)) << 32 | u32(16);
        captured = u32(20);
        original = u32(24);
        dataAt = 28;
        if (captured > length - 32)
            return fail("pcapng packet block's captured length " + std::to_string(captured) +
                        " exceeds the block" + where());
    }
    if (interfaceId >= m_interfaces.size())
        return fail("pcapng packet block of interface " + std::to_string(interfaceId) +
                    ", which its section has not described" + where());
    const Interface& iface = m_interfaces[interfaceId];
    if (type == kSimplePacket && iface.snapLength != 0)
        captured = std::min(captured, iface.snapLength);
    int64_t timeNs = 0;
    if (!toNanoseconds(units, iface, timeNs))
        return fail("pcapng packet block whose timestamp lies beyond the year 2262" + where());
    const uint64_t end = blockOffset + length;
    if (end > FrameRecord::kMaxPosition)
        return fail("the capture is larger than this reader's 256 TiB");
    frame.record.position = end;
    frame.record.interface = iface.layoutIndex;
    frame.record.timeNs = timeNs;
    frame.record.capturedLength = captured;
    frame.record.originalLength = original;
    frame.linkType = iface.linkType;
    frame.snapLength = iface.snapLength;
    frame.data = m_buffer.data() + dataAt;
    return Step::Frame;
}

} // namespace fi
