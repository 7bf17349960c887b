#include "ZeekHistory.h"

#include "TcpPacket.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <climits>
#include <cstdlib>

namespace fi {

namespace {

// Zeek's history mask bits (Session.h); the responder's are 16 bits up.
constexpr uint32_t kSynBit = 0x1, kFinBit = 0x2, kRstBit = 0x4, kFinRstBit = 0x8, kDataBit = 0x10,
                   kAckBit = 0x20, kMultiFlagBit = 0x40;

/// Sequence numbers a - b as a signed distance (wrapping).
int64_t seqDelta(uint32_t a, uint32_t b)
{
    return int32_t(a - b);
}

/// A relative position as an endpoint keeps it.
int32_t clamped(int64_t position)
{
    return int32_t(std::clamp<int64_t>(position, INT32_MIN, INT32_MAX));
}

struct StateText
{
    const char* name;
    const char* description;
};
constexpr std::array<StateText, kZeekConnStateCount> kStates = {{
    {"", ""},
    {"S0", "Connection attempt seen, no reply"},
    {"S1", "Connection established, not terminated"},
    {"SF", "Normal establishment and termination"},
    {"REJ", "Connection attempt rejected"},
    {"S2", "Connection established and close attempt by originator seen (but no reply from responder)"},
    {"S3", "Connection established and close attempt by responder seen (but no reply from originator)"},
    {"RSTO", "Connection established, originator aborted (sent a RST)"},
    {"RSTR", "Responder sent a RST"},
    {"RSTOS0", "Originator sent a SYN followed by a RST, never saw a SYN/ACK from the responder"},
    {"RSTRH", "Responder sent a SYN/ACK followed by a RST, never saw a SYN from the (purported) originator"},
    {"SH", "Originator sent a SYN followed by a FIN, never saw a SYN/ACK from the responder"},
    {"SHR", "Responder sent a SYN/ACK followed by a FIN, never saw a SYN from the originator"},
    {"OTH", "No SYN seen, just midstream traffic"},
}};

/// Whether the whole history is `^?S[^HAFGIQ]*R.*` (conn_state's test for RSTOS0).
bool synThenReset(const std::string& h)
{
    size_t i = !h.empty() && h[0] == '^' ? 1 : 0;
    if (i >= h.size() || h[i] != 'S')
        return false;
    for (++i; i < h.size(); ++i) {
        if (h[i] == 'R')
            return true;
        if (std::string_view("HAFGIQ").find(h[i]) != std::string_view::npos)
            return false;
    }
    return false;
}

} // namespace

const char* zeekConnStateName(ZeekConnState state)
{
    return kStates[size_t(state)].name;
}

const char* zeekConnStateDescription(ZeekConnState state)
{
    return kStates[size_t(state)].description;
}

std::optional<ZeekConnState> zeekConnStateOf(std::string_view name)
{
    for (size_t i = 1; i < kStates.size(); ++i) {
        const std::string_view n = kStates[i].name;
        if (n.size() == name.size() &&
            std::equal(n.begin(), n.end(), name.begin(), [](char a, char b) { return a == std::toupper(uint8_t(b)); }))
            return ZeekConnState(i);
    }
    return std::nullopt;
}

bool ZeekHistory::isLikelyServerPort(uint16_t port)
{
    static constexpr uint16_t kPorts[] = {21,   22,   25,   53,   79,   80,   81,   88,   135,  139,  143,  389,
                                          443,  445,  465,  502,  514,  563,  585,  587,  614,  631,  636,  989,
                                          990,  992,  993,  995,  1080, 1434, 1883, 2811, 3128, 3268, 3306, 3389,
                                          5222, 5223, 5269, 5432, 6379, 6666, 6667, 6668, 6669, 8000, 8080, 8888,
                                          20000};
    return std::binary_search(std::begin(kPorts), std::end(kPorts), port);
}

bool ZeekHistory::Scaled::next()
{
    if (++count != threshold)
        return false;
    if (threshold > UINT32_MAX / 10)
        count = 0; // (as Zeek: the count starts again, the threshold stays)
    else
        threshold *= 10;
    return true;
}

void ZeekHistory::flip()
{
    m_origSide = int8_t(m_origSide ^ 1);
    m_partial = false;
    m_firstPackets = uint8_t(((m_firstPackets & kOrigFirstPacket) << 1) | ((m_firstPackets & kRespFirstPacket) >> 1));
    m_history += '^';
}

void ZeekHistory::setState(Endpoint& e, State s)
{
    if (e.state != s) {
        e.prevState = e.state;
        e.state = s;
    }
}

void ZeekHistory::append(const Endpoint& e, char code)
{
    m_history += isOrig(e) ? code : char(std::tolower(uint8_t(code)));
}

bool ZeekHistory::seen(const Endpoint& e, uint32_t bit, char code)
{
    const uint32_t mask = isOrig(e) ? bit : bit << 16;
    if (m_seen & mask)
        return true;
    m_seen |= mask;
    append(e, code);
    return false;
}

void ZeekHistory::add(const Segment& s)
{
    const bool syn = s.flags & TcpFlag::SYN, fin = s.flags & TcpFlag::FIN, rst = s.flags & TcpFlag::RST,
               ack = s.flags & TcpFlag::ACK;
    if (!m_started) {
        m_started = true;
        m_origSide = int8_t(s.side);
        // Zeek takes the first packet's sender for the originator, unless the packet is not a
        // plain SYN and its source port is a likely server port (and its destination port is
        // not, or is and is the higher, for a packet that is not a SYN/ACK)
        if ((!syn || ack) && isLikelyServerPort(s.srcPort) &&
            (!isLikelyServerPort(s.dstPort) || (!syn && s.srcPort < s.dstPort)))
            flip();
    }
    Endpoint& ep = m_ep[s.side];
    Endpoint& peer = m_ep[s.side ^ 1];
    const bool wasOrig = isOrig(ep); // what the state machine is told, whatever flips meanwhile

    if (wasOrig && !(m_firstPackets & kOrigFirstPacket))
        m_partial = !syn || ack;
    else if (!wasOrig && !(m_firstPackets & kRespFirstPacket) && !m_partial)
        m_partial = !syn;

    uint32_t segmentLength = s.length + (syn ? 1 : 0) + (fin ? 1 : 0);
    if (rst)
        segmentLength -= s.length; // an RST's payload takes no sequence space
    const uint32_t oneAfter = s.seq + segmentLength;
    auto initialise = [&] {
        ep.start = ep.ackSeq = s.seq;
        ep.lastSeq = oneAfter;
    };
    switch (ep.state) {
    case State::Inactive:
        if (syn) {
            initialise();
        } else { // as if after a SYN just before
            ep.start = ep.ackSeq = s.seq - 1;
            ep.lastSeq = s.seq;
        }
        break;
    case State::SynSent:
    case State::SynAckSent:
        if (syn && s.seq != ep.start)
            initialise();
        break;
    case State::Established:
    case State::Partial:
        if (syn)
            initialise();
        break;
    case State::Reset:
        if (syn && ep.prevState == State::Inactive)
            initialise();
        break;
    case State::Closed: break;
    }
    const int64_t relSeq = seqDelta(s.seq, ep.start);

    updateHistory(ep, s.flags, relSeq, s.length);
    if (s.window == 0 && !rst && peer.state != State::Closed && ep.state != State::Reset && ep.zeroWindows.next())
        append(ep, 'W');
    if (fin) {
        ep.finSeen = true;
        ep.finSeq = clamped(relSeq + segmentLength);
    }
    int64_t relAck = 0;
    if (ack) {
        if (peer.state == State::Inactive) {
            relAck = 1;
            peer.start = peer.ackSeq = peer.lastSeq = s.ack - 1;
        } else {
            relAck = std::max<int64_t>(0, seqDelta(s.ack, peer.start));
            if (relAck > 0 && !rst && seqDelta(s.ack, peer.ackSeq) > 0 &&
                !(s.ack == 0 && seqDelta(s.ack, peer.ackSeq) > 1'048'576))
                peer.ackSeq = s.ack;
        }
    }
    updateLastSeq(ep, oneAfter, s.flags, s.length);
    updateStateMachine(ep, peer, wasOrig, s.flags, s.length);
    if (ack)
        ackReceived(peer, relAck);
    m_firstPackets |= wasOrig ? kOrigFirstPacket : kRespFirstPacket;
    if (s.length > 0 && !rst && relSeq >= 0 && s.wholePayload)
        dataSent(ep, relSeq + (syn ? 1 : 0), s.length);
}

void ZeekHistory::updateLastSeq(Endpoint& ep, uint32_t oneAfter, uint8_t flags, uint32_t length)
{
    const int64_t d = seqDelta(oneAfter, ep.lastSeq);
    if ((flags & (TcpFlag::SYN | TcpFlag::RST)) && std::abs(d) > 1'048'576)
        return; // a SYN or RST far off: not believed
    if ((flags & TcpFlag::FIN) && ep.lastSeq == ep.start + 1) {
        ep.lastSeq = oneAfter; // a FIN as the first thing after the SYN
        return;
    }
    if (ep.state == State::Reset)
        return;
    if (d > 0)
        ep.lastSeq = oneAfter;
    else if (length > 0 && ep.retransmissions.next()) // payload that does not go past it
        append(ep, 'T');
}

void ZeekHistory::updateHistory(Endpoint& ep, uint8_t flags, int64_t relSeq, uint32_t length)
{
    const bool syn = flags & TcpFlag::SYN, fin = flags & TcpFlag::FIN, rst = flags & TcpFlag::RST;
    const int controls = int(syn) + int(fin) + int(rst);
    if (controls > 1) {
        if (fin && rst)
            seen(ep, kFinRstBit, 'I');
        else
            seen(ep, kMultiFlagBit, 'Q');
        return;
    }
    if (controls == 1) {
        if (syn) {
            const char code = (flags & TcpFlag::ACK) ? 'H' : 'S';
            if (seen(ep, kSynBit, code) && relSeq != ep.histLastSyn)
                append(ep, code);
            ep.histLastSyn = int32_t(relSeq);
        } else if (fin) {
            if (seen(ep, kFinBit, 'F') && int32_t(relSeq + length) != ep.histLastFin)
                append(ep, 'F');
            ep.histLastFin = int32_t(relSeq + length);
        } else {
            if (seen(ep, kRstBit, 'R') && relSeq != ep.histLastRst)
                append(ep, 'R');
            ep.histLastRst = int32_t(relSeq);
        }
        return;
    }
    if (length == 0 && !(flags & TcpFlag::ACK))
        return;
    // A connection whose history is only a SYN/ACK takes its sender for the responder at the
    // next ACK or data, from either side (Zeek 5.1 and later)
    if (m_history == "H") {
        flip();
        m_history = "^h";
        m_firstPackets |= kOrigFirstPacket;
    }
    if (length > 0)
        seen(ep, kDataBit, 'D');
    else
        seen(ep, kAckBit, 'A');
}

void ZeekHistory::updateStateMachine(Endpoint& ep, Endpoint& peer, bool wasOrig, uint8_t flags, uint32_t length)
{
    const bool syn = flags & TcpFlag::SYN, fin = flags & TcpFlag::FIN, rst = flags & TcpFlag::RST,
               ack = flags & TcpFlag::ACK;
    switch (ep.state) {
    case State::Inactive:
        if (syn) {
            if (wasOrig) {
                setState(ep, ack ? State::SynAckSent : State::SynSent);
            } else {
                if (!ack && peer.state == State::SynAckSent) { // the SYN/ACK came first
                    flip();
                    setState(peer, State::Established);
                    m_firstPackets |= kOrigFirstPacket;
                }
                if (peer.state == State::SynSent)
                    setState(peer, State::Established);
                setState(ep, State::Established);
            }
        }
        if (fin)
            setState(ep, State::Closed);
        if (rst)
            setState(ep, State::Reset);
        if (ep.state == State::Inactive) {
            if (!wasOrig && length == 0 && m_ep[m_origSide].state == State::SynSent) {
                // an ACK before the SYN/ACK: wait for it
            } else if (ack && peer.state == State::Established) {
                setState(ep, State::Established);
                m_partial = false;
                m_firstPackets |= wasOrig ? kOrigFirstPacket : kRespFirstPacket;
            } else {
                setState(ep, State::Partial);
            }
        }
        break;
    case State::SynSent:
    case State::SynAckSent:
        if (fin)
            setState(ep, State::Closed);
        if (rst)
            setState(ep, State::Reset);
        break;
    case State::Established:
    case State::Partial:
        if (syn && ep.state == State::Partial && peer.state == State::Inactive && !ack)
            setState(ep, State::SynSent);
        if (fin && !rst) {
            setState(ep, State::Closed);
            if (peer.state == State::Reset && peer.prevState == State::Closed)
                setState(peer, State::Closed); // a FIN then an RST ended it normally
        }
        if (rst)
            setState(ep, State::Reset);
        break;
    case State::Closed:
        if (rst && peer.state != State::Closed)
            setState(ep, State::Reset);
        break;
    case State::Reset: break;
    }
}

void ZeekHistory::dataSent(Endpoint& e, int64_t from, uint32_t length)
{
    if (e.skipping)
        return;
    const int32_t upper = clamped(from + int64_t(length));
    const int32_t seq = std::max({clamped(from), clamped(seqDelta(e.ackSeq, e.start)), e.trimmed, e.delivered});
    if (seq >= upper)
        return;
    if ((!e.above || e.above->empty()) && seq <= e.delivered) { // in order, nothing waiting: delivered
        e.delivered = std::max(e.delivered, upper);
        return;
    }
    // else it waits in order of sequence numbers, merged with what it touches, until what is
    // delivered reaches it
    if (!e.above)
        e.above = std::make_unique<std::vector<std::pair<int32_t, int32_t>>>();
    auto& above = *e.above;
    auto at = std::lower_bound(above.begin(), above.end(), std::make_pair(seq, upper));
    at = above.insert(at, {seq, upper});
    if (at != above.begin() && std::prev(at)->second >= at->first) {
        std::prev(at)->second = std::max(std::prev(at)->second, at->second);
        at = std::prev(above.erase(at));
    }
    while (std::next(at) != above.end() && std::next(at)->first <= at->second) {
        at->second = std::max(at->second, std::next(at)->second);
        above.erase(std::next(at));
    }
    if (!above.empty() && above.front().first <= e.delivered) {
        e.delivered = std::max(e.delivered, above.front().second);
        above.erase(above.begin());
    }
    // nothing acknowledged yet and much waiting above a hole: Zeek stops reassembling
    const bool noDataAcked = e.ackSeq == e.start || e.ackSeq == e.start + 1;
    if (noDataAcked && !above.empty() && int64_t(above.back().second) - e.delivered > 16384) {
        e.above.reset();
        e.skipping = true;
    }
}

void ZeekHistory::ackReceived(Endpoint& e, int64_t acknowledged)
{
    int32_t ack = clamped(acknowledged);
    if (e.finSeen && ack >= e.finSeq)
        ack = e.finSeq - 1; // the FIN is no byte of data
    if (ack <= e.trimmed)
        return;
    if (ack > e.delivered && !(ack <= 2 && m_partial)) {
        // bytes acknowledged that never arrived, between what did
        if (!e.skipping) {
            if (e.above) {
                auto& above = *e.above;
                size_t taken = 0;
                for (; taken < above.size() && above[taken].first < ack; ++taken) {
                    if (above[taken].first > e.delivered)
                        gap(e);
                    e.delivered = std::max(e.delivered, above[taken].second);
                }
                above.erase(above.begin(), above.begin() + std::ptrdiff_t(taken));
            }
            if (ack > e.delivered)
                gap(e);
        }
        e.delivered = std::max(e.delivered, ack);
    }
    e.trimmed = ack;
}

bool ZeekHistory::clean(const Endpoint& e) const
{
    return e.state == State::Established || (e.state == State::Closed && e.prevState == State::Established);
}

void ZeekHistory::gap(Endpoint& e)
{
    const Endpoint& peer = &e == &m_ep[0] ? m_ep[1] : m_ep[0];
    if (clean(e) && clean(peer) && e.gaps.next())
        append(e, 'G');
}

int64_t ZeekHistory::size(const Endpoint& e, const Endpoint& peer) const
{
    const bool noDataAcked = e.ackSeq == e.start || e.ackSeq == e.start + 1;
    if (e.prevState == State::SynSent && e.state == State::Reset && peer.state == State::Inactive && !noDataAcked)
        return 0;
    int64_t n = std::max(seqDelta(e.lastSeq, e.start), seqDelta(e.ackSeq, e.start));
    if (n > 0)
        --n; // the SYN, or the one before the first byte
    if (n > 0 && e.finSeen)
        --n;
    return std::max<int64_t>(0, n);
}

ZeekConnState ZeekHistory::connState() const
{
    if (!m_started)
        return ZeekConnState::None;
    const Endpoint& orig = m_ep[m_origSide];
    const Endpoint& resp = m_ep[m_origSide ^ 1];
    const State os = orig.state, rs = resp.state;
    const bool origInactive = os == State::Inactive || os == State::Partial;
    const bool respInactive = rs == State::Inactive || rs == State::Partial;
    if (rs == State::Reset) {
        if (os == State::SynSent || os == State::SynAckSent ||
            (os == State::Reset && size(orig, resp) == 0 && size(resp, orig) == 0))
            return ZeekConnState::REJ;
        return origInactive ? ZeekConnState::RSTRH : ZeekConnState::RSTR;
    }
    if (os == State::Reset) {
        if (respInactive)
            return synThenReset(m_history) ? ZeekConnState::RSTOS0 : ZeekConnState::OTH;
        return ZeekConnState::RSTO;
    }
    if (os == State::Closed && rs == State::Closed)
        return ZeekConnState::SF;
    if (os == State::Closed)
        return respInactive ? ZeekConnState::SH : ZeekConnState::S2;
    if (rs == State::Closed)
        return origInactive ? ZeekConnState::SHR : ZeekConnState::S3;
    if (os == State::SynSent && rs == State::Inactive)
        return ZeekConnState::S0;
    if (os == State::Established && rs == State::Established)
        return ZeekConnState::S1;
    return ZeekConnState::OTH;
}

} // namespace fi
