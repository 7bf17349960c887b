#include "PacketBuilder.h"

#include <arpa/inet.h>
#include <stdexcept>

namespace fi::test {

Bytes operator+(Bytes a, const Bytes& b)
{
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

Bytes be16(uint16_t v)
{
    return {uint8_t(v >> 8), uint8_t(v)};
}

Bytes be32(uint32_t v)
{
    return {uint8_t(v >> 24), uint8_t(v >> 16), uint8_t(v >> 8), uint8_t(v)};
}

Bytes ipBytes(const std::string& text)
{
    uint8_t buffer[16];
    const bool v6 = text.find(':') != std::string::npos;
    if (inet_pton(v6 ? AF_INET6 : AF_INET, text.c_str(), buffer) != 1)
        throw std::invalid_argument("bad IP address " + text);
    return Bytes(buffer, buffer + (v6 ? 16 : 4));
}

Bytes tcp(const TcpSpec& s)
{
    Bytes h = be16(s.srcPort) + be16(s.dstPort) + be32(s.seq) + be32(s.ack);
    h.push_back(uint8_t(s.dataOffset << 4));
    h.push_back(s.flags);
    h = h + be16(s.window) + be16(0) + be16(0);
    if (s.dataOffset > 5)
        h.resize(size_t(s.dataOffset) * 4, 0x01); // NOP options
    h.resize(h.size() + s.payload, 'x');
    h.insert(h.end(), s.data.begin(), s.data.end());
    return h;
}

Bytes udp(uint16_t srcPort, uint16_t dstPort, const Bytes& payload)
{
    return be16(srcPort) + be16(dstPort) + be16(uint16_t(8 + payload.size())) + be16(0) + payload;
}

Bytes ipv4(const std::string& src, const std::string& dst, uint8_t protocol, const Bytes& payload,
           uint16_t fragmentOffset, bool moreFragments)
{
    Bytes h = {0x45, 0x00};
    h = h + be16(uint16_t(20 + payload.size())) + be16(0x1234) +
        be16(uint16_t((moreFragments ? 0x2000 : 0) | (fragmentOffset & 0x1FFF)));
    h.push_back(64);
    h.push_back(protocol);
    h = h + be16(0) + ipBytes(src) + ipBytes(dst);
    return h + payload;
}

Bytes ipv6(const std::string& src, const std::string& dst, uint8_t protocol, const Bytes& payload,
           const std::vector<std::pair<uint8_t, Bytes>>& extensions)
{
    Bytes chain;
    uint8_t first = protocol;
    // Each extension header's first byte is the next header: link them up back to front.
    for (size_t i = extensions.size(); i-- > 0;) {
        Bytes ext = extensions[i].second;
        ext[0] = first;
        first = extensions[i].first;
        chain = ext + chain;
    }
    chain = chain + payload;
    Bytes h = {0x60, 0x00, 0x00, 0x00};
    h = h + be16(uint16_t(chain.size()));
    h.push_back(first);
    h.push_back(64);
    return h + ipBytes(src) + ipBytes(dst) + chain;
}

Bytes ethernet(uint16_t etherType, const Bytes& payload)
{
    Bytes h = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb};
    return h + be16(etherType) + payload;
}

Bytes vlan(uint16_t vlanId, uint16_t innerType, const Bytes& payload)
{
    return be16(vlanId & 0x0FFF) + be16(innerType) + payload;
}

Bytes tcpOverIpv4(const std::string& src, const std::string& dst, const TcpSpec& spec)
{
    return ethernet(0x0800, ipv4(src, dst, 6, tcp(spec)));
}

Bytes tcpOverIpv6(const std::string& src, const std::string& dst, const TcpSpec& spec)
{
    return ethernet(0x86DD, ipv6(src, dst, 6, tcp(spec)));
}

} // namespace fi::test
