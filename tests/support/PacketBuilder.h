#pragma once

// Builds frames byte by byte for the tests: each function wraps a payload in one header.

#include <cstdint>
#include <string>
#include <vector>

namespace fi::test {

using Bytes = std::vector<uint8_t>;

Bytes operator+(Bytes a, const Bytes& b);

/// Network-order 2- and 4-byte values.
Bytes be16(uint16_t v);
Bytes be32(uint32_t v);

/// "10.0.0.1" or "2001:db8::1" to 4 or 16 bytes.
Bytes ipBytes(const std::string& text);

struct TcpSpec
{
    uint16_t srcPort = 1234;
    uint16_t dstPort = 80;
    uint8_t flags = 0x10; // ACK
    uint32_t seq = 1;
    uint32_t ack = 1;
    uint16_t window = 65535;
    uint8_t dataOffset = 5; ///< in 32-bit words; options are filled with NOPs
    size_t payload = 0; ///< 'x's of payload, before `data`
    std::string data;   ///< payload bytes
};

Bytes tcp(const TcpSpec& spec);
Bytes udp(uint16_t srcPort, uint16_t dstPort, const Bytes& payload);
/// IPv4 with correct total length; `fragmentOffset` in 8-byte units, `moreFragments` sets MF.
Bytes ipv4(const std::string& src, const std::string& dst, uint8_t protocol, const Bytes& payload,
           uint16_t fragmentOffset = 0, bool moreFragments = false);
/// IPv6 with correct payload length; `extensions` are (next header, bytes) pairs placed in
/// order before the payload.
Bytes ipv6(const std::string& src, const std::string& dst, uint8_t protocol, const Bytes& payload,
           const std::vector<std::pair<uint8_t, Bytes>>& extensions = {});
Bytes ethernet(uint16_t etherType, const Bytes& payload);
/// An 802.1Q/802.1ad tag body (TCI and inner EtherType) followed by the payload; the TPID is
/// the EtherType of the header around it.
Bytes vlan(uint16_t vlanId, uint16_t innerType, const Bytes& payload);

/// A TCP/IPv4 Ethernet frame, the most common test frame.
Bytes tcpOverIpv4(const std::string& src, const std::string& dst, const TcpSpec& spec);
Bytes tcpOverIpv6(const std::string& src, const std::string& dst, const TcpSpec& spec);

} // namespace fi::test
