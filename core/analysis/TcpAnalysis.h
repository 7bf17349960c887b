#pragma once

#include "FlowTypes.h"

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace fi {

/// What TCP did in a segment, as Wireshark's TCP sequence analysis flags it (its
/// `tcp.analysis.*` fields; the names are those fields' suffixes).
namespace TcpAnalysisFlag {
enum : uint16_t {
    Retransmission = 1 << 0,
    FastRetransmission = 1 << 1,
    SpuriousRetransmission = 1 << 2,
    OutOfOrder = 1 << 3,
    LostSegment = 1 << 4,        ///< previous segment not captured
    AckLostSegment = 1 << 5,     ///< ACKed segment that was not captured
    DuplicateAck = 1 << 6,
    ZeroWindow = 1 << 7,
    ZeroWindowProbe = 1 << 8,
    ZeroWindowProbeAck = 1 << 9,
    WindowFull = 1 << 10,
    WindowUpdate = 1 << 11,
    KeepAlive = 1 << 12,
    KeepAliveAck = 1 << 13,
};
constexpr int kCount = 14;
} // namespace TcpAnalysisFlag

/// `retransmission`, `fast_retransmission`… for bit `bit` (0 to kCount - 1).
const char* tcpAnalysisFlagName(int bit);

/// One segment's analysis.
struct SegmentAnalysis
{
    uint16_t flags = 0;           ///< TcpAnalysisFlag bits
    uint32_t duplicateAckNumber = 0; ///< DuplicateAck: the how-many-th duplicate of its ACK
    uint32_t duplicateOfFrame = 0;   ///< DuplicateAck: the frame whose ACK it repeats
};

/// Wireshark's TCP sequence analysis, computed over both directions of every connection, one
/// flow packet at a time in capture order. Each direction keeps what Wireshark keeps: the next
/// expected sequence number (and the frame and time that set it), the highest sequence number
/// to be acknowledged, the last ACK (its time and the last frame that was not a duplicate),
/// the duplicate ACK count, the window and its scale, and the last segment's flags. A SYN
/// without ACK that does not repeat its side's first sequence number starts the 4-tuple over
/// (a port reused).
/// Where the decisions differ from Wireshark's on purpose, the README says so.
class TcpAnalyzer
{
public:
    /// Analyses the next flow packet, of flow `flow` (the flow rule's id): the flow finds its
    /// connection once, by its 4-tuple, and keeps it.
    SegmentAnalysis analyze(const Packet& packet, uint32_t flow);

private:
    struct Direction
    {
        uint32_t nextSeq = 0;         ///< 0: not known yet (as Wireshark)
        uint32_t nextSeqFrame = 0;
        int64_t nextSeqNs = 0;
        uint32_t maxSeqToBeAcked = 0;
        uint32_t lastAck = 0;
        int64_t lastAckNs = 0;
        uint32_t lastNonDuplicateAck = 0; ///< frame
        uint32_t duplicateAcks = 0;
        uint32_t window = UINT32_MAX; ///< as sent (not scaled); UINT32_MAX: none seen yet
        int windowScale = -1;         ///< -1: no SYN seen; -2: a SYN without the option
        bool baseSet = false;
        uint32_t base = 0;            ///< the SYN's sequence number, or one before the first
        uint16_t lastSegmentFlags = 0;
    };
    struct Connection
    {
        Direction side[2]; ///< [0] the key's source, [1] the other
        int64_t synNs = -1;       ///< the latest SYN (without ACK)
        int64_t firstRttNs = 0;   ///< from it to the first ACK (not a SYN) after; 0: not known
        uint32_t replacedBy = UINT32_MAX; ///< the connection that reused its 4-tuple
    };
    struct KeyHash
    {
        size_t operator()(const BufferID& id) const { return size_t(id.hash()); }
    };

    /// The connection of a flow's packets (following replacedBy).
    uint32_t connectionOf(uint32_t flow, const BufferID& key);

    std::vector<Connection> m_connections;
    std::vector<uint32_t> m_connectionOfFlow;                      ///< by flow id
    std::unordered_map<BufferID, uint32_t, KeyHash> m_latest;      ///< 4-tuple → its latest connection
};

} // namespace fi
