#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fi {

/// Zeek's summary of how a TCP connection went (conn.log's `conn_state`); None: no packet yet.
enum class ZeekConnState : uint8_t { None, S0, S1, SF, REJ, S2, S3, RSTO, RSTR, RSTOS0, RSTRH, SH, SHR, OTH };
constexpr int kZeekConnStateCount = 14;
/// `S0`, `REJ`… ("" for None).
const char* zeekConnStateName(ZeekConnState state);
/// What it means, as Zeek's documentation says it.
const char* zeekConnStateDescription(ZeekConnState state);
/// The state of a name, in any case (`rej`); nullopt for anything else.
std::optional<ZeekConnState> zeekConnStateOf(std::string_view name);

/// What Zeek's conn.log says of a connection: its history string and state.
struct ConnectionSummary
{
    std::string history;
    ZeekConnState state = ZeekConnState::None;
    bool operator==(const ConnectionSummary&) const = default;
};

/// A TCP connection's history string and connection state, decided as Zeek (6.0 and later)
/// decides them (TCPSessionAdapter, TCP_Endpoint, the reassembler's gaps and conn_state()),
/// fed with the connection's packets in capture order, both directions:
/// - the originator is the first packet's sender, unless that packet is not a plain SYN and
///   comes from a likely server port (Zeek's `likely_server_ports`), or a SYN/ACK seen first
///   is answered; a flip adds `^`;
/// - letters, upper case from the originator, lower case from the responder: S (SYN), H
///   (SYN/ACK), A (pure ACK), D (data), F (FIN), R (RST), I (FIN with RST), Q (SYN with FIN or
///   RST), once per direction (S, H, F and R again at a new sequence number); T
///   (retransmitted payload), W (zero window) and G (a gap: the peer acknowledged bytes never
///   seen, in an established connection) at their 1st, 10th, 100th… time;
/// - each endpoint's state (inactive, SYN sent, SYN/ACK sent, partial, established, closed,
///   reset), and from both the connection state.
/// Checksums are not checked (Zeek's `-C`: no C letter). Zeek also ends a connection on timers
/// (5 s after a close or an unanswered SYN, inactivity) and at any SYN after a close: the
/// caller decides what a connection is (TcpAnalyzer: the 4-tuple until a SYN with a new
/// initial sequence number).
class ZeekHistory
{
public:
    /// One packet of the connection; `side` 0 or 1 tells the two hosts apart (any fixed way).
    struct Segment
    {
        int side = 0;
        uint8_t flags = 0; ///< fi::TcpFlag bits
        uint32_t seq = 0;
        uint32_t ack = 0;
        uint32_t length = 0;   ///< TCP payload length, from the IP header's lengths
        bool wholePayload = true; ///< the capture holds all of it (cut payload leaves gaps)
        uint16_t window = 0;   ///< as sent
        uint16_t srcPort = 0; ///< (read at the first packet only: see started())
        uint16_t dstPort = 0;
    };
    void add(const Segment& segment);

    const std::string& history() const { return m_history; }
    ZeekConnState connState() const;
    ConnectionSummary summary() const { return {m_history, connState()}; }
    /// Whether a packet was added (only the first one's ports are read).
    bool started() const { return m_started; }
    /// The side (as given to add()) that is the originator now; -1 before the first packet.
    int originatorSide() const { return m_started ? m_origSide : -1; }
    /// Whether `port` is one of Zeek's likely server ports (master's list, TCP).
    static bool isLikelyServerPort(uint16_t port);

private:
    enum class State : uint8_t { Inactive, SynSent, SynAckSent, Partial, Established, Closed, Reset };
    /// A letter recorded at its 1st, 10th, 100th… occurrence (Zeek's ScaledHistoryEntry).
    struct Scaled
    {
        uint32_t count = 0;
        uint32_t threshold = 1;
        bool next();
    };
    /// (Positions relative to `start` fit 31 bits: a direction is followed to 2 GiB.)
    struct Endpoint
    {
        State state = State::Inactive;
        State prevState = State::Inactive;
        bool finSeen = false;
        bool skipping = false; ///< too much above a hole without any ACK: no gaps any more
        uint32_t start = 0;  ///< its initial sequence number (one before its first byte)
        uint32_t lastSeq = 0; ///< one past the highest sequence number it sent
        uint32_t ackSeq = 0;  ///< the highest ACK the peer sent for its bytes
        int32_t histLastSyn = 0, histLastFin = 0, histLastRst = 0; ///< relative
        int32_t finSeq = 0;
        Scaled retransmissions, zeroWindows, gaps;
        // its bytes as the reassembler sees them, relative to start (data starts at 1)
        int32_t delivered = 1; ///< everything before this arrived in order
        int32_t trimmed = 1;   ///< acknowledged up to here
        /// [from, to) arrived above `delivered`, in order; made at the first such bytes
        std::unique_ptr<std::vector<std::pair<int32_t, int32_t>>> above;
    };
    static constexpr uint8_t kOrigFirstPacket = 1, kRespFirstPacket = 2;

    bool isOrig(const Endpoint& e) const { return &e == &m_ep[m_origSide]; }
    void flip();
    void setState(Endpoint& e, State s);
    /// Appends `code` for `e` (lower case for the responder) unless the role has it already
    /// (`bit`, Zeek's history mask); true when it had.
    bool seen(const Endpoint& e, uint32_t bit, char code);
    void append(const Endpoint& e, char code);
    void updateHistory(Endpoint& ep, uint8_t flags, int64_t relSeq, uint32_t length);
    /// The highest sequence number `ep` sent, and T for payload that does not go past it.
    void updateLastSeq(Endpoint& ep, uint32_t oneAfter, uint8_t flags, uint32_t length);
    void updateStateMachine(Endpoint& ep, Endpoint& peer, bool wasOrig, uint8_t flags, uint32_t length);
    void dataSent(Endpoint& e, int64_t from, uint32_t length);
    void ackReceived(Endpoint& e, int64_t acknowledged);
    void gap(Endpoint& e);
    bool clean(const Endpoint& e) const;
    int64_t size(const Endpoint& e, const Endpoint& peer) const;

    Endpoint m_ep[2];
    std::string m_history;
    uint32_t m_seen = 0; ///< letters recorded: by role, the responder's 16 bits up
    uint8_t m_firstPackets = 0;
    int8_t m_origSide = 0;
    bool m_partial = false;
    bool m_started = false; ///< a packet was added
};

} // namespace fi
