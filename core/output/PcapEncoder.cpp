#include "PcapEncoder.h"

#include "ByteSwap.h"

#include <bit>

namespace fi {

PcapEncoder::PcapEncoder(const OutputOptions& o)
    : m_swap(o.byteOrder == ByteOrder::Host
                 ? false
                 : (o.byteOrder == ByteOrder::Big) != (std::endian::native == std::endian::big)),
      m_nano(o.nanosecond)
{
}

std::string PcapEncoder::fileHeader(int linkType, uint32_t snapLength) const
{
    std::string out;
    put32(out, m_nano ? 0xA1B23C4D : 0xA1B2C3D4);
    put16(out, 2);
    put16(out, 4);
    put32(out, 0);
    put32(out, 0);
    put32(out, snapLength > 0 ? snapLength : 262144);
    put32(out, uint32_t(linkType));
    return out;
}

void PcapEncoder::appendRecord(std::string& out, const FrameView& frame) const
{
    const Timestamp ts = frame.record.timestamp();
    uint32_t header[4] = {uint32_t(ts.seconds), m_nano ? ts.nanoseconds : ts.nanoseconds / 1000,
                          frame.record.capturedLength, frame.record.originalLength};
    if (m_swap)
        for (uint32_t& v : header)
            v = byteSwapped(v);
    out.reserve(out.size() + sizeof header + frame.record.capturedLength);
    out.append(reinterpret_cast<const char*>(header), sizeof header);
    out.append(reinterpret_cast<const char*>(frame.data), frame.record.capturedLength);
}

void PcapEncoder::put32(std::string& out, uint32_t v) const
{
    if (m_swap)
        v = byteSwapped(v);
    out.append(reinterpret_cast<const char*>(&v), 4);
}

void PcapEncoder::put16(std::string& out, uint16_t v) const
{
    if (m_swap)
        v = byteSwapped(v);
    out.append(reinterpret_cast<const char*>(&v), 2);
}

} // namespace fi
