#pragma once

// The seed's data structures (pcapkit.foundation.traceflow): BufferID, Packet and Index.

#include "Frame.h"
#include "IpAddress.h"
#include "TcpPacket.h"

#include <cstdint>
#include <string>
#include <vector>

namespace fi {

/// `(src, srcport, dst, dstport)`: directional, so the two directions of one TCP connection
/// are two flows.
struct BufferID
{
    IpAddress src;
    uint16_t srcport = 0;
    IpAddress dst;
    uint16_t dstport = 0;

    friend bool operator==(const BufferID&, const BufferID&) = default;
    /// The other direction of the same connection.
    BufferID mirrored() const { return {dst, dstport, src, srcport}; }
    uint64_t hash() const;
};

/// `trace.packet`: what the flow rule needs of one flow packet (plus the TCP fields that
/// per-flow statistics and views use).
struct Packet
{
    int protocol = 0;  ///< data link type from the global header
    uint32_t index = 0; ///< frame number
    FrameRecord frame; ///< frame info
    bool syn = false;
    bool fin = false;
    IpAddress src;
    IpAddress dst;
    uint16_t srcport = 0;
    uint16_t dstport = 0;
    Timestamp timestamp;
    uint8_t tcpFlags = 0;

    static Packet from(int linkType, const FrameView& frame, const TcpPacket& tcp);
    BufferID bufferId() const { return {src, srcport, dst, dstport}; }
};

/// Per-flow figures kept beside the index.
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
};

/// `trace.index`: one flow. While its BufferID is open it is the seed's `Buffer` (its frame
/// list still growing, its output file open in the writer pool); a FIN closes it.
struct Index
{
    std::string fpout;          ///< output file name, empty when there is no output format
    std::vector<uint32_t> index; ///< frame numbers, in order
    std::string label;          ///< `{src}_{srcport}-{dst}_{dstport}-{timestamp}`
    BufferID id;
    FlowStats stats;
};

/// `trace.buffer`: the flow open for a BufferID. It holds the same fields as the Index record it
/// becomes when closed (fpout, index, label), so it is that record while still open.
using Buffer = Index;

/// pcapkit's flow label for a flow whose first packet is `packet`.
std::string makeLabel(const BufferID& id, const Timestamp& first);

} // namespace fi
