#include "FlowPacketBuilder.h"

#include "PacketBuilder.h"

namespace fi::test {

IpAddress ipAddress(const std::string& text)
{
    const Bytes b = ipBytes(text);
    return b.size() == 4 ? IpAddress::v4(b.data()) : IpAddress::v6(b.data());
}

Packet flowPacket(uint32_t frame, const std::string& src, uint16_t srcPort, const std::string& dst,
                  uint16_t dstPort, uint8_t flags, uint32_t length)
{
    Packet p;
    p.protocol = 1;
    p.frame.number = frame;
    p.frame.record.timeNs = (int64_t(1000) + frame) * 1'000'000'000;
    p.frame.record.capturedLength = length;
    p.frame.record.originalLength = length;
    p.tcp.valid = true;
    p.tcp.outcome = DecodeOutcome::Tcp;
    p.tcp.src = ipAddress(src);
    p.tcp.dst = ipAddress(dst);
    p.tcp.srcPort = srcPort;
    p.tcp.dstPort = dstPort;
    p.tcp.flags = flags;
    return p;
}

} // namespace fi::test
