#pragma once

// The fuzzer's bytes read as a sequence of TCP segments over a few connections, for the targets
// that take packet sequences (fuzz_stream, fuzz_analysis). Each segment is described in 9 bytes
// and then its payload:
//   0  bits 0-1 connection (of 4), bit 2 direction (1: from the server), bit 3 payload cut
//      short by the capture, bit 4 seq delta in 4096-byte steps, bit 5 a window scale option
//      (7), bit 6 SACK blocks covering bytes, bit 7 ack delta in 4096-byte steps
//   1  TCP flags
//   2-3 seq delta (signed) from the direction's next sequence number
//   4-5 ack delta (signed) from the other direction's next sequence number
//   6  payload length (its bytes follow, as far as the input goes)
//   7  window: 0, or the byte times 257
//   8  time step: bits 0-6 times 100 µs, bit 7 backwards
// The input's first four bytes, when there are more than four, give the initial sequence
// numbers (near 2^32 for some values, so that sequence numbers wrap).
// Positions are also kept unwrapped (64-bit) so that a target can model where each byte goes;
// every step is under 2^31, so the nearest alias of a sequence number is the intended one.

#include "TcpPacket.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>

namespace fi::fuzz {

[[noreturn]] inline void failed(const char* target, const char* what)
{
    std::fprintf(stderr, "%s: %s\n", target, what);
    std::abort();
}

constexpr int kConnections = 4;

struct FuzzSegment
{
    int connection = 0;           ///< 0 to kConnections - 1
    int direction = 0;            ///< 0 client to server, 1 back
    uint8_t flags = 0;            ///< TcpFlag bits
    uint32_t seq = 0;
    uint32_t ack = 0;
    int64_t position = 0;         ///< seq unwrapped: the direction's ISN is at 0
    uint16_t window = 0;
    uint32_t length = 0;          ///< payload length as the IP header says
    std::span<const uint8_t> payload; ///< what was captured of it (at most length)
    int8_t windowScale = -1;
    uint32_t sackedBytes = 0;
    int64_t timeNs = 0;

    /// Sequence space taken: the payload, and one for a SYN and for a FIN.
    uint32_t sequenceLength() const
    {
        return length + ((flags & TcpFlag::SYN) ? 1 : 0) + ((flags & TcpFlag::FIN) ? 1 : 0);
    }
};

/// Reads segments one by one from the fuzzer's input.
class PacketSequence
{
public:
    PacketSequence(const uint8_t* data, size_t size) : m_data(data), m_size(size)
    {
        uint32_t isnSeed = 0x9e3779b9;
        if (m_size > 4) {
            isnSeed = uint32_t(m_data[0]) | uint32_t(m_data[1]) << 8 | uint32_t(m_data[2]) << 16 | uint32_t(m_data[3]) << 24;
            m_at = 4;
        }
        for (int c = 0; c < kConnections; ++c)
            for (int d = 0; d < 2; ++d) {
                Direction& dir = m_dirs[c][d];
                dir.isn = isnSeed + uint32_t(c) * 0x40000000u + uint32_t(d) * 0x1234567u;
                dir.next = 0;
            }
    }

    /// The next segment; false at the input's end.
    bool next(FuzzSegment& s)
    {
        if (m_size - m_at < 9)
            return false;
        const uint8_t* p = m_data + m_at;
        m_at += 9;
        s = FuzzSegment();
        s.connection = p[0] & 3;
        s.direction = (p[0] >> 2) & 1;
        const bool cut = p[0] & 8;
        s.flags = p[1];
        const int64_t seqDelta = int64_t(int16_t(uint16_t(p[2] | p[3] << 8))) * ((p[0] & 0x10) ? 4096 : 1);
        const int64_t ackDelta = int64_t(int16_t(uint16_t(p[4] | p[5] << 8))) * ((p[0] & 0x80) ? 4096 : 1);
        s.length = p[6];
        s.window = uint16_t(p[7] * 257);
        const int64_t step = int64_t(p[8] & 0x7f) * 100'000;
        m_time += (p[8] & 0x80) ? -step : step;
        s.timeNs = m_time;
        const size_t available = m_size - m_at < s.length ? m_size - m_at : s.length;
        const size_t captured = cut && available > 0 ? available / 2 : available;
        s.payload = {m_data + m_at, captured};
        m_at += available;

        Direction& dir = m_dirs[s.connection][s.direction];
        const Direction& other = m_dirs[s.connection][s.direction ^ 1];
        s.position = dir.next + seqDelta;
        s.seq = dir.isn + uint32_t(uint64_t(s.position));
        s.ack = other.isn + uint32_t(uint64_t(other.next + ackDelta));
        if ((s.flags & TcpFlag::SYN) && (p[0] & 0x20))
            s.windowScale = 7;
        if (p[0] & 0x40)
            s.sackedBytes = s.length ? s.length : 1;
        dir.next = s.position + s.sequenceLength();
        return true;
    }

    /// A fast decode's result for the segment: client 10.0.0.1:(40000 + connection), server
    /// 10.0.0.2 on port 80 (connections 0 and 2) or 5001.
    static TcpPacket tcpPacket(const FuzzSegment& s)
    {
        static constexpr uint8_t kClient[4] = {10, 0, 0, 1}, kServer[4] = {10, 0, 0, 2};
        TcpPacket t;
        t.valid = true;
        t.outcome = DecodeOutcome::Tcp;
        const uint16_t clientPort = uint16_t(40000 + s.connection);
        const uint16_t serverPort = (s.connection % 2) ? 5001 : 80;
        const bool fromClient = s.direction == 0;
        t.src = IpAddress::v4(fromClient ? kClient : kServer);
        t.dst = IpAddress::v4(fromClient ? kServer : kClient);
        t.srcPort = fromClient ? clientPort : serverPort;
        t.dstPort = fromClient ? serverPort : clientPort;
        t.seq = s.seq;
        t.ack = s.ack;
        t.window = s.window;
        t.flags = s.flags;
        t.payloadLength = s.length;
        t.payloadOffset = 54;
        t.windowScale = s.windowScale;
        t.sackedBytes = s.sackedBytes;
        return t;
    }

private:
    struct Direction
    {
        uint32_t isn = 0;
        int64_t next = 0; ///< unwrapped position of the next byte it would send
    };
    const uint8_t* m_data;
    size_t m_size;
    size_t m_at = 0;
    int64_t m_time = 1'700'000'000'000'000'000;
    Direction m_dirs[kConnections][2];
};

} // namespace fi::fuzz
