#pragma once

#include "ChunkedArray.h"
#include "FlowTypes.h"
#include "OpenFlowTable.h"
#include "ZeekHistory.h"

#include <cstdint>
#include <string>
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
/// "Retransmission", "Previous segment not captured"… as Wireshark's Info column says it.
const char* tcpAnalysisFlagTitle(int bit);
/// "This frame is a (suspected) retransmission"… as Wireshark's expert info explains it.
const char* tcpAnalysisFlagDescription(int bit);

/// How much a flag matters, as Wireshark's expert info grades it.
enum class TcpAnalysisSeverity : uint8_t { None, Chat, Note, Warning };
/// The gravest of `flags`' severities (None for no flag).
TcpAnalysisSeverity tcpAnalysisSeverity(uint16_t flags);
/// The titles of `flags` joined by ", ", the most specific only (a fast or spurious
/// retransmission is not also called a retransmission).
std::string tcpAnalysisText(uint16_t flags);

/// One segment's analysis.
struct SegmentAnalysis
{
    uint16_t flags = 0;           ///< TcpAnalysisFlag bits
    uint32_t duplicateAckNumber = 0; ///< DuplicateAck: the how-many-th duplicate of its ACK
    uint32_t duplicateOfFrame = 0;   ///< DuplicateAck: the frame whose ACK it repeats
    /// The other side's segment this ACK acknowledged: the oldest not yet acknowledged whose
    /// end is exactly the ACK number; 0: none.
    uint32_t acksFrame = 0;
    uint32_t ackedFlow = UINT32_MAX; ///< the flow of acksFrame
    int64_t ackRttNs = 0;            ///< from acksFrame to this ACK (negative if time ran back)
    /// The connection's handshake RTT (Wireshark's initial RTT) as known so far; 0: not yet.
    int64_t handshakeRttNs = 0;
    /// The sender's window scale (shift count) as its handshake settled it: -1 not known
    /// (no SYN seen), -2 not in use.
    int8_t windowScale = -1;
    /// A segment with data: the bytes sent and not yet acknowledged once it is sent, less what
    /// the other side's latest SACK reported (as Wireshark's default way, from the segments
    /// not yet acknowledged); 0: not known.
    uint32_t bytesInFlight = 0;
    /// The connection it belongs to (TcpAnalyzer's numbering: a 4-tuple until a SYN with a new
    /// initial sequence number), whose history() the packet updated.
    uint32_t connection = UINT32_MAX;
    /// Its flow's first packet in that connection (the flow's first, or its first since the
    /// 4-tuple began anew).
    bool joinedConnection = false;
};

/// What the analysis reads of one flow packet (40 bytes, where a frame and its decode are over
/// 100: a load batch carries these from the reading thread to the analysis').
struct TcpSegment
{
    int64_t timeNs = 0;
    uint32_t frame = 0;
    uint32_t seq = 0;
    uint32_t ack = 0;
    uint32_t payloadLength = 0;
    uint32_t sackedBytes = 0; ///< as TcpPacket
    uint16_t window = 0;
    uint8_t flags = 0;
    int8_t windowScale = -1; ///< as TcpPacket
    bool wholePayload = true; ///< the capture holds all of its payload
    bool inFirstFragment = false; ///< as TcpPacket

    static TcpSegment of(const FrameView& frame, const TcpPacket& tcp);
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
    /// Analyses the next flow packet, of flow `flow` (the flow rule's id) whose BufferID is
    /// `id`: the flow finds its connection once, at its first packet, by its 4-tuple, and keeps
    /// it (so `id` is read only then; later packets may give nullptr).
    /// (FlowAnalysis::addSegment and addAcknowledgement sum the results up per flow.)
    SegmentAnalysis analyze(const TcpSegment& segment, uint32_t flow, const BufferID* id);
    /// The same for a flow packet, or a frame read and its decode (as CaptureTracer's frame
    /// hook gives them).
    SegmentAnalysis analyze(const Packet& packet, uint32_t flow);
    SegmentAnalysis analyze(const FrameView& frame, const TcpPacket& tcp, uint32_t flow);

    /// At most this many segments of a side wait for their ACK (as Wireshark); later ones are
    /// not remembered until ACKs make room.
    static constexpr uint32_t kMaxUnacked = 10'000;

    /// The connection of flow `flow`'s latest packet; UINT32_MAX before its first.
    uint32_t connectionOfFlow(uint32_t flow) const
    {
        return flow < m_connectionOfFlow.size() && m_connectionOfFlow[flow] != kNone ? m_connectionOfFlow[flow] >> 1
                                                                                      : UINT32_MAX;
    }
    /// A connection's history and state as Zeek gives them, as of its latest packet.
    const ZeekHistory& history(uint32_t connection) const { return m_histories[connection]; }

private:
    static constexpr uint32_t kNone = UINT32_MAX;
    /// A segment (data, SYN or FIN) not yet acknowledged; in a pool, chained newest first.
    struct Unacked
    {
        uint32_t seq;
        uint32_t nextSeq;
        uint32_t frame;
        uint32_t next;
        uint32_t flow;
        int64_t ns;
    };
    struct Direction
    {
        uint32_t nextSeq = 0;         ///< 0: not known yet (as Wireshark)
        int64_t nextSeqNs = 0;
        uint32_t maxSeqToBeAcked = 0;
        uint32_t lastAck = 0;
        int64_t lastAckNs = 0;
        uint32_t lastNonDuplicateAck = 0; ///< frame
        uint32_t duplicateAcks = 0;
        uint32_t window = UINT32_MAX; ///< as sent (not scaled); UINT32_MAX: none seen yet
        int8_t windowScale = -1;      ///< -1: not known; -2: not in use (a SYN without the option)
        bool isFirstAck = false;      ///< its latest SYN has not been followed by an ACK of its own:
                                      ///< its window is the SYN's, never scaled
        bool baseSet = false;
        uint32_t base = 0;            ///< the SYN's sequence number, or one before the first
        uint16_t lastSegmentFlags = 0;
        uint32_t sackedBytes = 0;       ///< what its latest segment's SACK blocks cover
        bool bytesInFlightValid = true; ///< false from a lost segment to the other side's next ACK
        uint32_t flow = kNone;          ///< the flow of this side's latest segment
        uint32_t unacked = kNone;       ///< its segments not yet acknowledged, newest first
        uint32_t unackedCount = 0;
    };
    struct Connection
    {
        uint32_t replacedBy = UINT32_MAX; ///< the connection that reused its 4-tuple (first:
                                          ///< every packet reads it)
        Direction side[2]; ///< [0] the key's source, [1] the other
        int64_t synNs = -1;       ///< the latest SYN (without ACK)
        int64_t firstRttNs = 0;   ///< from it to the first ACK (not a SYN) after; 0: not known
    };
    /// A new connection of 4-tuple `key` (its sequence state and its history); its number.
    uint32_t addConnection(const BufferID& key);
    /// The connection of a flow's packets (following replacedBy, which the flow then keeps), in
    /// `side` which of its sides the flow is (0: its key's source), and in `joined` whether the
    /// flow was not in it before. A flow's first packet finds it by its 4-tuple.
    uint32_t connectionOf(uint32_t flow, const BufferID* id, int& side, bool& joined);
    void remember(Direction& side, const Unacked& segment);
    /// Walks `side`'s segments for those ACK number `ack` acknowledges: drops them, trims the
    /// partly acknowledged, and says which one it matched exactly.
    void acknowledge(Direction& side, uint32_t ack, int64_t now, SegmentAnalysis& a);
    /// The bytes `side` has in flight: from the lowest start to the highest end of its
    /// segments not yet acknowledged.
    uint32_t inFlight(const Direction& side) const;
    /// Returns a connection's segments to the pool.
    void forget(Connection& c);

    /// (in chunks: no copy of them all as they grow, which doubled their memory at times)
    ChunkedArray<Connection, 12> m_connections;
    /// By connection as m_connections (apart: the lookups that read a connection's first
    /// fields stay on fewer cache lines)
    ChunkedArray<ZeekHistory, 12> m_histories;
    ChunkedArray<BufferID, 12> m_keys; ///< by connection: its 4-tuple (BufferID::connectionKey)
    /// By flow id: the connection of its latest packet << 1 | its side (as connectionOf says
    /// them); kNone: not yet
    std::vector<uint32_t> m_connectionOfFlow;
    /// 4-tuple → its latest connection (looked up once a flow, by the key's hash; the keys
    /// compared are m_keys')
    OpenFlowTable m_latest;
    std::vector<Unacked> m_unacked;                                ///< the pool
    uint32_t m_freeUnacked = kNone;                                ///< its free entries, chained
};

} // namespace fi
