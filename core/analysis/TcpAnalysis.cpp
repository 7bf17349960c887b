#include "TcpAnalysis.h"

#include <cassert>

namespace fi {

namespace {

// Sequence number order as Wireshark's GT_SEQ, LT_SEQ, LE_SEQ (so at exactly 2^31 apart
// each of two numbers is both greater and less than the other, as there).
bool gt(uint32_t a, uint32_t b) { return int32_t(b - a) < 0; }
bool lt(uint32_t a, uint32_t b) { return int32_t(a - b) < 0; }
bool le(uint32_t a, uint32_t b) { return int32_t(a - b) <= 0; }

constexpr int kScaleUnknown = -1; ///< no SYN seen
constexpr int kNoScale = -2;      ///< a SYN without the window scale option
constexpr uint32_t kMuted = UINT32_MAX; ///< a duplicate ACK count after an ACK of unseen bytes
constexpr uint8_t kSynFinRst = TcpFlag::SYN | TcpFlag::FIN | TcpFlag::RST;

} // namespace

const char* tcpAnalysisFlagName(int bit)
{
    static const char* const kNames[TcpAnalysisFlag::kCount] = {
        "retransmission", "fast_retransmission", "spurious_retransmission", "out_of_order",
        "lost_segment", "ack_lost_segment", "duplicate_ack", "zero_window", "zero_window_probe",
        "zero_window_probe_ack", "window_full", "window_update", "keep_alive", "keep_alive_ack"};
    return bit >= 0 && bit < TcpAnalysisFlag::kCount ? kNames[bit] : "";
}

const char* tcpAnalysisFlagTitle(int bit)
{
    static const char* const kTitles[TcpAnalysisFlag::kCount] = {
        "Retransmission", "Fast retransmission", "Spurious retransmission", "Out-of-order",
        "Previous segment not captured", "ACKed unseen segment", "Dup ACK", "Zero window",
        "Zero window probe", "Zero window probe ACK", "Window full", "Window update", "Keep-alive",
        "Keep-alive ACK"};
    return bit >= 0 && bit < TcpAnalysisFlag::kCount ? kTitles[bit] : "";
}

const char* tcpAnalysisFlagDescription(int bit)
{
    static const char* const kDescriptions[TcpAnalysisFlag::kCount] = {
        "This frame is a (suspected) retransmission",
        "This frame is a (suspected) fast retransmission",
        "This frame is a (suspected) spurious retransmission",
        "This frame is a (suspected) out-of-order segment",
        "Previous segment(s) not captured (common at capture start)",
        "ACKed segment that wasn't captured (common at capture start)",
        "Duplicate ACK",
        "TCP Zero Window segment",
        "TCP Zero Window Probe",
        "ACK to a TCP Zero Window Probe",
        "TCP window specified by the receiver is now completely full",
        "TCP window update",
        "TCP keep-alive segment",
        "ACK to a TCP keep-alive segment"};
    return bit >= 0 && bit < TcpAnalysisFlag::kCount ? kDescriptions[bit] : "";
}

TcpAnalysisSeverity tcpAnalysisSeverity(uint16_t flags)
{
    using namespace TcpAnalysisFlag;
    if (flags & (OutOfOrder | LostSegment | AckLostSegment | ZeroWindow | WindowFull))
        return TcpAnalysisSeverity::Warning;
    if (flags & ~WindowUpdate)
        return TcpAnalysisSeverity::Note;
    return flags ? TcpAnalysisSeverity::Chat : TcpAnalysisSeverity::None;
}

std::string tcpAnalysisText(uint16_t flags)
{
    using namespace TcpAnalysisFlag;
    if (flags & (FastRetransmission | SpuriousRetransmission))
        flags &= uint16_t(~Retransmission);
    std::string text;
    for (int bit = 0; bit < kCount; ++bit)
        if (flags & (1u << bit))
            text.append(text.empty() ? "" : ", ").append(tcpAnalysisFlagTitle(bit));
    return text;
}

TcpSegment TcpSegment::of(const FrameView& frame, const TcpPacket& tcp)
{
    TcpSegment s;
    s.timeNs = frame.record.timeNs;
    s.frame = frame.number;
    s.seq = tcp.seq;
    s.ack = tcp.ack;
    s.payloadLength = tcp.payloadLength;
    s.sackedBytes = tcp.sackedBytes;
    s.window = tcp.window;
    s.flags = tcp.flags;
    s.windowScale = tcp.windowScale;
    s.wholePayload = tcp.capturedPayload(frame.record.capturedLength).second >= tcp.payloadLength;
    s.inFirstFragment = tcp.inFirstFragment;
    return s;
}

uint32_t TcpAnalyzer::connectionOf(uint32_t flow, const BufferID* id, int& side, bool& joined)
{
    if (flow >= m_connectionOfFlow.size())
        m_connectionOfFlow.resize(size_t(flow) + 1, kNone);
    uint32_t& slot = m_connectionOfFlow[flow];
    if (slot == kNone) {
        assert(id && "a flow's first packet comes with its BufferID");
        const BufferID key = id->connectionKey();
        const uint64_t hash = key.hash();
        uint32_t c = m_latest.find(hash, [this, &key](uint32_t connection) { return m_keys[connection] == key; });
        if (c == OpenFlowTable::kNone) {
            c = addConnection(key);
            m_latest.insert(hash, c);
        }
        slot = c << 1 | (*id == key ? 0u : 1u);
        joined = true;
    }
    side = int(slot & 1);
    uint32_t c = slot >> 1;
    if (m_connections[c].replacedBy != UINT32_MAX) { // the 4-tuple began anew
        while (m_connections[c].replacedBy != UINT32_MAX)
            c = m_connections[c].replacedBy;
        slot = c << 1 | uint32_t(side);
        joined = true;
    }
    return c;
}

uint32_t TcpAnalyzer::addConnection(const BufferID& key)
{
    m_keys.push_back(key);
    m_connections.emplace_back();
    m_histories.emplace_back();
    return uint32_t(m_connections.size() - 1);
}

void TcpAnalyzer::remember(Direction& side, const Unacked& segment)
{
    uint32_t at = m_freeUnacked;
    if (at != kNone) {
        m_freeUnacked = m_unacked[at].next;
        m_unacked[at] = segment;
    } else {
        at = uint32_t(m_unacked.size());
        m_unacked.push_back(segment);
    }
    m_unacked[at].next = side.unacked;
    side.unacked = at;
    ++side.unackedCount;
}

void TcpAnalyzer::acknowledge(Direction& side, uint32_t ack, int64_t now, SegmentAnalysis& a)
{
    uint32_t* link = &side.unacked;
    while (*link != kNone) {
        Unacked& u = m_unacked[*link];
        if (ack == u.nextSeq) { // exactly this one: the oldest such is the last to match
            a.acksFrame = u.frame;
            a.ackedFlow = u.flow;
            a.ackRttNs = now - u.ns;
        } else if (gt(ack, u.seq) && le(ack, u.nextSeq)) {
            u.seq = ack; // partly acknowledged: the rest still waits
            link = &u.next;
            continue;
        } else if (gt(u.nextSeq, ack)) {
            link = &u.next; // not reached yet
            continue;
        }
        const uint32_t done = *link; // acknowledged: back to the pool
        *link = u.next;
        u.next = m_freeUnacked;
        m_freeUnacked = done;
        --side.unackedCount;
    }
}

uint32_t TcpAnalyzer::inFlight(const Direction& side) const
{
    uint32_t first = UINT32_MAX, last = 0;
    for (uint32_t at = side.unacked; at != kNone; at = m_unacked[at].next) {
        const uint32_t from = m_unacked[at].seq - side.base, to = m_unacked[at].nextSeq - side.base;
        first = from < first ? from : first;
        last = to > last ? to : last;
    }
    return last - first;
}

void TcpAnalyzer::forget(Connection& c)
{
    for (Direction& side : c.side) {
        while (side.unacked != kNone) {
            const uint32_t at = side.unacked;
            side.unacked = m_unacked[at].next;
            m_unacked[at].next = m_freeUnacked;
            m_freeUnacked = at;
        }
        side.unackedCount = 0;
    }
}

SegmentAnalysis TcpAnalyzer::analyze(const Packet& packet, uint32_t flow)
{
    return analyze(packet.frame, packet.tcp, flow);
}

SegmentAnalysis TcpAnalyzer::analyze(const FrameView& frame, const TcpPacket& tcp, uint32_t flow)
{
    const BufferID id{tcp.src, tcp.srcPort, tcp.dst, tcp.dstPort};
    return analyze(TcpSegment::of(frame, tcp), flow, &id);
}

SegmentAnalysis TcpAnalyzer::analyze(const TcpSegment& segment, uint32_t flow, const BufferID* id)
{
    using namespace TcpAnalysisFlag;
    const int64_t now = segment.timeNs;
    const uint32_t frame = segment.frame;
    const uint32_t seq = segment.seq, ack = segment.ack, seglen = segment.payloadLength, window = segment.window;
    const uint8_t flags = segment.flags;
    int s = 0;
    bool joined = false;
    uint32_t index = connectionOf(flow, id, s, joined);
    const bool pureSyn = (flags & (TcpFlag::SYN | TcpFlag::ACK)) == TcpFlag::SYN;
    if (pureSyn && m_connections[index].side[s].baseSet && m_connections[index].side[s].base != seq) {
        // a SYN that does not repeat this side's first sequence number: the 4-tuple used again
        forget(m_connections[index]);
        const BufferID k = m_keys[index];
        const uint32_t fresh = addConnection(k);
        m_connections[index].replacedBy = fresh;
        const uint64_t hash = k.hash(); // (index was the 4-tuple's latest: connectionOf follows replacedBy)
        m_latest.erase(hash, index);
        m_latest.insert(hash, fresh);
        m_connectionOfFlow[flow] = fresh << 1 | uint32_t(s);
        index = fresh;
        joined = true;
    }
    Connection& c = m_connections[index];
    ZeekHistory::Segment z;
    z.side = s;
    z.flags = flags;
    z.seq = seq;
    z.ack = ack;
    z.length = seglen;
    z.wholePayload = segment.wholePayload;
    z.window = segment.window;
    ZeekHistory& history = m_histories[index];
    if (!history.started()) { // (the only packet whose ports it reads: the connection's first)
        const BufferID& key = m_keys[index];
        z.srcPort = s == 0 ? key.srcport : key.dstport;
        z.dstPort = s == 0 ? key.dstport : key.srcport;
    }
    history.add(z);
    Direction& fwd = c.side[s];
    Direction& rev = c.side[1 - s];
    fwd.flow = flow;
    if (flags & TcpFlag::ACK)
        rev.bytesInFlightValid = true;
    // each side's base: its SYN's sequence number, else one before its first segment's, else
    // one before the other side's first ACK of it
    if (pureSyn && fwd.baseSet)
        fwd.nextSeq = fwd.maxSeqToBeAcked; // the SYN again
    else if ((flags & TcpFlag::SYN) && fwd.baseSet && fwd.base != seq)
        fwd.base = seq; // a SYN/ACK answering anew
    if (!fwd.baseSet) {
        fwd.base = (flags & TcpFlag::SYN) ? seq : seq - 1;
        fwd.baseSet = true;
    }
    if (!rev.baseSet && (flags & TcpFlag::ACK)) {
        rev.base = ack - 1;
        rev.baseSet = true;
    }

    if ((flags & TcpFlag::SYN) && !(flags & TcpFlag::ACK))
        c.synNs = now; // the latest SYN

    SegmentAnalysis a;
    a.connection = index;
    a.joinedConnection = joined;
    const bool plain = !(flags & kSynFinRst);
    // A repeat of this side's previous segment: no data, the next sequence number, the same ACK.
    const bool repeats = seglen == 0 && seq == fwd.nextSeq && ack == fwd.lastAck && plain;
    // A zero window probe (one byte, the next expected, into a closed window) is nothing else.
    if (seglen == 1 && seq == fwd.nextSeq && rev.window == 0) {
        a.flags |= ZeroWindowProbe;
    } else {
        if (window == 0 && plain)
            a.flags |= ZeroWindow;
        if (fwd.nextSeq && gt(seq, fwd.nextSeq) && !(flags & TcpFlag::RST)) {
            a.flags |= LostSegment;
            fwd.bytesInFlightValid = false; // until the other side ACKs again
        }
        if ((seglen == 0 || seglen == 1) && seq == fwd.nextSeq - 1 && plain)
            a.flags |= KeepAlive;
        if (repeats && window && window != fwd.window)
            a.flags |= WindowUpdate;
        if (seglen > 0 && rev.windowScale != kScaleUnknown && plain &&
            seq + seglen == rev.lastAck + (rev.window << (rev.isFirstAck || rev.windowScale < 0 ? 0 : rev.windowScale)))
            a.flags |= WindowFull;
        // a keep-alive's ACK, a zero window probe's ACK, or else a duplicate ACK
        if (repeats && window && window == fwd.window && (rev.lastSegmentFlags & KeepAlive)) {
            a.flags |= KeepAliveAck;
        } else if (repeats && window == 0 && fwd.window == 0 && (rev.lastSegmentFlags & ZeroWindowProbe)) {
            a.flags |= ZeroWindowProbeAck;
        } else if (repeats && window && window == fwd.window) {
            fwd.duplicateAcks = fwd.duplicateAcks == kMuted ? 1 : fwd.duplicateAcks + 1;
            a.flags |= DuplicateAck;
            a.duplicateAckNumber = uint32_t(fwd.duplicateAcks);
            a.duplicateOfFrame = fwd.lastNonDuplicateAck;
        }
    }
    if (ack != fwd.lastAck) { // a new ACK: counting duplicates starts again
        fwd.lastNonDuplicateAck = frame;
        fwd.duplicateAcks = 0;
    }

    // An ACK for bytes the other side was never seen to send. Said once for each hole: the
    // limit moves on to what was sent; an ACK beyond anything sent mutes the other side's
    // duplicate ACK count (Wireshark's "-1", which then also counts as two or more).
    if (rev.maxSeqToBeAcked && gt(ack, rev.maxSeqToBeAcked) && (flags & TcpFlag::ACK)) {
        if (lt(rev.maxSeqToBeAcked, rev.nextSeq)) {
            rev.maxSeqToBeAcked = rev.nextSeq;
            a.flags |= AckLostSegment;
        } else {
            if (rev.duplicateAcks == 0)
                a.flags |= AckLostSegment;
            rev.duplicateAcks = kMuted;
        }
    }

    // A segment with data (or a SYN or FIN) that does not advance the sequence: which repeat.
    if ((seglen > 0 || (flags & (TcpFlag::SYN | TcpFlag::FIN))) && !(a.flags & KeepAlive)) {
        bool notAdvanced = fwd.nextSeq && lt(seq, fwd.nextSeq);
        if (seglen > 1 && fwd.nextSeq - 1 == seq)
            notAdvanced = false; // new data after what may have been a zero window probe
        const uint32_t end = seq + seglen + ((flags & (TcpFlag::SYN | TcpFlag::FIN)) ? 1 : 0);
        const int64_t outOfOrderThreshold = c.firstRttNs > 0 ? c.firstRttNs : 3'000'000;
        // (a spurious or fast retransmission is a retransmission too, as Wireshark's fields say)
        if (seglen > 0 && rev.lastAck && le(seq + seglen, rev.lastAck))
            a.flags |= SpuriousRetransmission | Retransmission; // only bytes already acknowledged
        else if (notAdvanced && rev.duplicateAcks >= 2 && rev.lastAck == seq && now - rev.lastAckNs < 20'000'000)
            a.flags |= FastRetransmission | Retransmission; // the bytes duplicate ACKs asked for
        else if (notAdvanced && now - fwd.nextSeqNs < outOfOrderThreshold && fwd.nextSeq != end)
            a.flags |= OutOfOrder; // soon after the highest, within the handshake's RTT
        else if (notAdvanced)
            a.flags |= Retransmission;
    }

    // the highest sequence number sent (a zero window probe does not advance it), and the
    // highest sent without a hole, up to which the other side may acknowledge
    // (a SYN or FIN counts one more, except when too many segments wait: as Wireshark)
    uint32_t next = seq + seglen;
    if ((seglen > 0 || (flags & (TcpFlag::SYN | TcpFlag::FIN))) && fwd.unackedCount < kMaxUnacked) {
        if (flags & (TcpFlag::SYN | TcpFlag::FIN))
            next += 1;
        remember(fwd, {seq, next, frame, kNone, flow, now});
    }
    if ((gt(next, fwd.nextSeq) || !fwd.nextSeq) && !(a.flags & ZeroWindowProbe)) {
        fwd.nextSeq = next;
        fwd.nextSeqNs = now;
    }
    if ((seq == fwd.maxSeqToBeAcked || !fwd.maxSeqToBeAcked) && !(a.flags & ZeroWindowProbe))
        fwd.maxSeqToBeAcked = fwd.nextSeq;
    if (segment.inFirstFragment)
        fwd.nextSeq = 0; // where the segment ends is in a later fragment: not known (so the next
                         // segment is not taken for one after a lost one)
    fwd.window = window;
    fwd.lastAck = ack;
    fwd.lastAckNs = now;
    fwd.lastSegmentFlags = a.flags;
    fwd.sackedBytes = segment.sackedBytes;

    // what this ACK acknowledged of the other side, then what this side has in flight
    acknowledge(rev, ack, now, a);
    if (seglen > 0 && fwd.unacked != kNone && fwd.bytesInFlightValid) {
        const uint32_t bytes = inFlight(fwd) - rev.sackedBytes;
        if (bytes > 0 && bytes < 2'000'000'000)
            a.bytesInFlight = bytes - ((flags & (TcpFlag::SYN | TcpFlag::FIN)) ? 1 : 0);
    }
    // After the analysis, as Wireshark: window scaling as the handshake says (a SYN without the
    // option, or a SYN/ACK without it, means no scaling either way; a SYN/ACK with it after a
    // SYN without it, none either), and whether this side's window is still its SYN's.
    if (flags & TcpFlag::SYN) {
        if (segment.windowScale >= 0)
            fwd.windowScale = segment.windowScale;
        if (fwd.windowScale == kScaleUnknown)
            fwd.windowScale = rev.windowScale = kNoScale;
        else if ((flags & TcpFlag::ACK) && rev.windowScale == kNoScale)
            fwd.windowScale = kNoScale;
        fwd.isFirstAck = true;
    } else if (flags & TcpFlag::ACK) {
        fwd.isFirstAck = false;
    }

    // the handshake's RTT: from the latest SYN to the first ACK after it, from either side
    // (after this segment's analysis: its own out-of-order test does not use it yet)
    if ((flags & (TcpFlag::SYN | TcpFlag::ACK)) == TcpFlag::ACK && c.firstRttNs == 0 && c.synNs >= 0)
        c.firstRttNs = now - c.synNs;
    a.handshakeRttNs = c.firstRttNs;
    a.windowScale = fwd.windowScale;
    return a;
}

} // namespace fi
