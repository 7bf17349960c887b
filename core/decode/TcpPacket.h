#pragma once

#include "IpAddress.h"

#include <cstddef>
#include <cstdint>
#include <utility>

namespace fi {

/// TCP flag bits as they stand in the TCP header's flags byte.
namespace TcpFlag {
constexpr uint8_t FIN = 0x01;
constexpr uint8_t SYN = 0x02;
constexpr uint8_t RST = 0x04;
constexpr uint8_t PSH = 0x08;
constexpr uint8_t ACK = 0x10;
constexpr uint8_t URG = 0x20;
constexpr uint8_t ECE = 0x40;
constexpr uint8_t CWR = 0x80;
} // namespace TcpFlag

/// How decoding a frame ended.
enum class DecodeOutcome : uint8_t {
    Tcp,         ///< a valid TCP header: a flow packet
    NotTcp,      ///< well-formed, but carries no TCP (ARP, UDP, ICMP, a later fragment…)
    Malformed,   ///< a header is cut short or invalid
    UnknownLink, ///< the link type is not decoded
};

/// What the fast decode finds in a frame: whether it is a flow packet and its TCP fields.
struct TcpPacket
{
    bool valid = false; ///< a valid TCP header was reached (spec section 1)
    DecodeOutcome outcome = DecodeOutcome::NotTcp;
    IpAddress src;
    IpAddress dst;
    uint16_t srcPort = 0;
    uint16_t dstPort = 0;
    uint32_t seq = 0;
    uint32_t ack = 0;
    uint16_t window = 0;
    uint8_t flags = 0;
    uint32_t payloadLength = 0;
    uint32_t payloadOffset = 0; ///< where the payload starts in the frame (its captured part
                                ///< is what lies before the captured length)
    int8_t windowScale = -1;    ///< a SYN's window scale option (shift count); -1: none
    uint32_t sackedBytes = 0;   ///< the bytes its SACK option's first three blocks cover
    /// It sits in an IP first fragment (not reassembled): its payload goes on in the later
    /// fragments, so payloadLength is only what this one holds.
    bool inFirstFragment = false;

    /// Where the payload starts in a frame of `capturedLength` bytes and how much of it was
    /// captured (a snapshot length may have cut it short): [first, first + second).
    std::pair<size_t, size_t> capturedPayload(size_t capturedLength) const
    {
        const size_t from = payloadOffset < capturedLength ? payloadOffset : capturedLength;
        const size_t to = size_t(payloadOffset) + payloadLength;
        return {from, (to < capturedLength ? to : capturedLength) - from};
    }

    bool syn() const { return flags & TcpFlag::SYN; }
    bool fin() const { return flags & TcpFlag::FIN; }
    bool rst() const { return flags & TcpFlag::RST; }
};

} // namespace fi
