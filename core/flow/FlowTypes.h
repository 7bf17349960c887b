#pragma once

// What the flow rule works on: the seed's BufferID and Packet, and per-flow statistics.

#include "Frame.h"
#include "IpAddress.h"
#include "TcpPacket.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace fi {

/// `(src, srcport, dst, dstport)`: directional, so the two directions of one TCP connection
/// are two flows.
struct BufferID
{
    IpAddress src;
    uint16_t srcport = 0;
    IpAddress dst;
    uint16_t dstport = 0;

    friend bool operator==(const BufferID& a, const BufferID& b)
    {
        return a.srcport == b.srcport && a.dstport == b.dstport && a.src == b.src && a.dst == b.dst;
    }
    /// The other direction of the same connection.
    BufferID mirrored() const { return {dst, dstport, src, srcport}; }
    /// Both directions of the 4-tuple as one: this one or its mirror, whichever's source sorts
    /// first (by address family, address bytes, port).
    BufferID connectionKey() const;
    uint64_t hash() const;
};

/// The seed's `trace.packet`: one flow packet, the input of the flow rule. It is the frame as
/// read (its number is the seed's `index`, its record the seed's `frame`, its bytes valid while
/// the packet is being traced) and what decoding found in it (syn, fin, src, dst, ports).
struct Packet
{
    int protocol = 0; ///< link type of the frame's interface
    FrameView frame;
    TcpPacket tcp;

    uint32_t index() const { return frame.number; }
    Timestamp timestamp() const { return frame.record.timestamp(); }
    bool syn() const { return tcp.syn(); }
    bool fin() const { return tcp.fin(); }
    BufferID bufferId() const { return {tcp.src, tcp.srcPort, tcp.dst, tcp.dstPort}; }
};

/// What the flow rule counts for every flow. 48 bytes.
struct FlowStats
{
    uint32_t packets = 0;
    uint64_t bytes = 0; ///< sum of the frames' original lengths
    int64_t firstNs = 0;
    int64_t lastNs = 0;
    uint32_t syn = 0;
    uint32_t fin = 0;
    uint32_t rst = 0;
    bool closedByFin = false;

    Timestamp first() const { return Timestamp::fromNanoseconds(firstNs); }
};

/// pcapkit's flow label `{src}_{srcport}-{dst}_{dstport}-{timestamp}` of a flow whose first
/// packet has `first` as its timestamp, written into a buffer of its own: a label costs no
/// allocation where it is only looked at (a filter's pass over every flow, a table cell).
class LabelText
{
public:
    LabelText(const BufferID& id, const Timestamp& first);
    std::string_view view() const { return {m_text, m_size}; }
    std::string str() const { return std::string(view()); }

private:
    /// two endpoints `address_port`, two '-' and the time
    static constexpr size_t kMaxSize = 2 * (IpAddress::kMaxTextLength + 1 + 5) + 2 + kMaxPythonFloatRepr;
    char m_text[kMaxSize];
    uint8_t m_size = 0;
};

/// The label as a string: LabelText(id, first).str().
std::string makeLabel(const BufferID& id, const Timestamp& first);

} // namespace fi
