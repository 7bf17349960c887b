// libFuzzer target: the TCP analysis (TcpAnalyzer, and through it ZeekHistory) and the per-flow
// sums (FlowAnalysis) fed with arbitrary segment sequences over four connections
// (PacketSequence.h; flow id = connection * 2 + direction, as the flow rule numbers them per
// 4-tuple). Checked at every segment:
// - only known analysis flag bits; a fast or spurious retransmission is a retransmission too;
//   a duplicate ACK has its number (from 1) and an earlier frame;
// - an ACK's acksFrame is an earlier segment of the other direction of the same connection
//   whose end is exactly the ACK number, of the flow named, with the RTT from its time;
// - the bytes in flight lie within the sequence space that direction sent in its connection
//   (checked while that span is under 2^30: no wrap can make an alias of it);
// - the history has only Zeek's letters: A, D, I, Q at most once per case, T, W and G at most
//   at their 1st, 10th, 100th… time per endpoint, S/H/F/R/I/Q one per packet at most; the
//   connection state is a known one, not None once a packet came;
// - each flow's FlowAnalysis counts no more segments than the flow had, no more retransmitted
//   bytes than it carried, no more RTT samples than the other side's packets, and its
//   maxBytesInFlight is the highest of its segments'.

#include "FlowAnalysis.h"
#include "PacketSequence.h"
#include "TcpAnalysis.h"
#include "ZeekHistory.h"

#include <algorithm>
#include <cstring>
#include <vector>

namespace {

constexpr const char* kTarget = "fuzz_analysis";
constexpr int kFlows = fi::fuzz::kConnections * 2;

void check(bool ok, const char* what)
{
    if (!ok)
        fi::fuzz::failed(kTarget, what);
}

struct Sent
{
    uint32_t flow;
    uint32_t connection; ///< TcpAnalyzer's
    uint32_t end;        ///< seq + payload + SYN/FIN
    int64_t ns;
};

/// What a direction sent in its current connection, unwrapped.
struct Span
{
    uint32_t connection = UINT32_MAX;
    int64_t low = 0, high = 0;
};

struct FlowSums
{
    uint32_t packets = 0;
    uint64_t payload = 0;
    uint32_t maxInFlight = 0;
};

uint32_t digits(uint32_t n)
{
    uint32_t d = 1;
    while (n >= 10) {
        n /= 10;
        ++d;
    }
    return d;
}

void checkHistory(const fi::ZeekHistory& h, uint32_t packets)
{
    static const char kLetters[] = "SHADFRIQTWGshadfriqtwg^";
    const std::string& text = h.history();
    uint32_t count[256] = {};
    for (const char c : text) {
        check(c != 0 && std::strchr(kLetters, c) != nullptr, "a history letter Zeek does not have");
        ++count[uint8_t(c)];
    }
    for (const char c : {'A', 'D', 'I', 'Q', 'a', 'd', 'i', 'q'})
        check(count[uint8_t(c)] <= 1, "A, D, I or Q more than once for one role");
    const uint32_t scaledMax = 2 * digits(packets); // two endpoints may each have held the role
    for (const char c : {'T', 'W', 'G', 't', 'w', 'g'})
        check(count[uint8_t(c)] <= scaledMax, "T, W or G more often than at the 1st, 10th, 100th… time");
    uint32_t controls = 0;
    for (const char c : {'S', 'H', 'F', 'R', 'I', 'Q', 's', 'h', 'f', 'r', 'i', 'q'})
        controls += count[uint8_t(c)];
    check(controls <= packets, "more SYN/FIN/RST letters than packets");
    check(count[uint8_t('^')] <= packets + 1, "more flips than packets");
    const fi::ZeekConnState state = h.connState();
    check(uint8_t(state) < fi::kZeekConnStateCount, "an unknown connection state");
    check(packets == 0 || state != fi::ZeekConnState::None, "no connection state after a packet");
    check(packets == 0 || h.originatorSide() == 0 || h.originatorSide() == 1, "an originator side other than 0 or 1");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace fi::TcpAnalysisFlag;
    fi::fuzz::PacketSequence sequence(data, size);
    fi::TcpAnalyzer analyzer;
    fi::FlowAnalysis flows[kFlows];
    FlowSums sums[kFlows];
    Span spans[kFlows];
    std::vector<Sent> sent(1); // by frame, from 1
    std::vector<uint32_t> packetsOf; // by TcpAnalyzer's connection
    fi::fuzz::FuzzSegment s;
    uint32_t frame = 0;
    while (sequence.next(s)) {
        ++frame;
        const uint32_t flow = uint32_t(s.connection * 2 + s.direction);
        fi::Packet packet;
        packet.protocol = 1;
        packet.frame.number = frame;
        packet.frame.linkType = 1;
        packet.tcp = fi::fuzz::PacketSequence::tcpPacket(s);
        packet.frame.record.timeNs = s.timeNs;
        packet.frame.record.capturedLength = uint32_t(packet.tcp.payloadOffset + s.payload.size());
        packet.frame.record.originalLength = packet.tcp.payloadOffset + s.length;
        const fi::SegmentAnalysis a = analyzer.analyze(packet, flow);

        check(a.flags < (1u << kCount), "an analysis flag bit that has no name");
        if (a.flags & (FastRetransmission | SpuriousRetransmission))
            check(a.flags & Retransmission, "a fast or spurious retransmission not called a retransmission");
        if (a.flags & DuplicateAck)
            check(a.duplicateAckNumber >= 1 && a.duplicateOfFrame < frame, "a duplicate ACK without its number or frame");
        check(a.connection == analyzer.connectionOfFlow(flow), "the segment's connection is not its flow's");
        if (a.connection >= packetsOf.size())
            packetsOf.resize(a.connection + 1, 0);
        const uint32_t packets = ++packetsOf[a.connection];

        if (a.acksFrame) {
            check(a.acksFrame < frame, "an ACK of a frame not yet seen");
            const Sent& acked = sent[a.acksFrame];
            check(acked.flow == (flow ^ 1) && a.ackedFlow == acked.flow, "an ACK of a segment of another flow");
            check(acked.connection == a.connection, "an ACK of a segment of another connection");
            check(acked.end == s.ack, "an ACK of a segment that does not end at the ACK number");
            check(a.ackRttNs == s.timeNs - acked.ns, "an ACK's RTT is not the time since its segment");
            flows[acked.flow].addAcknowledgement(a);
        } else {
            check(a.ackedFlow == UINT32_MAX && a.ackRttNs == 0, "an acknowledged flow or RTT without an acknowledged frame");
        }
        // (a SYN or FIN counts one more, both together one, as Wireshark's nextseq)
        const uint32_t controls = (s.flags & (fi::TcpFlag::SYN | fi::TcpFlag::FIN)) ? 1 : 0;
        sent.push_back({flow, a.connection, s.seq + s.length + controls, s.timeNs});

        Span& span = spans[flow];
        if (span.connection != a.connection) {
            span.connection = a.connection;
            span.low = s.position;
            span.high = s.position + s.sequenceLength();
        } else {
            span.low = std::min(span.low, s.position);
            span.high = std::max(span.high, s.position + int64_t(s.sequenceLength()));
        }
        if (span.high - span.low < (int64_t(1) << 30))
            check(a.bytesInFlight <= uint64_t(span.high - span.low), "more bytes in flight than the direction's sequence space");

        flows[flow].addSegment(a, s.length);
        FlowSums& sum = sums[flow];
        ++sum.packets;
        sum.payload += s.length;
        sum.maxInFlight = std::max(sum.maxInFlight, a.bytesInFlight);
        const fi::FlowAnalysis& f = flows[flow];
        check(f.retransmissions <= sum.packets && f.outOfOrder <= sum.packets && f.lostSegments <= sum.packets &&
                  f.duplicateAcks <= sum.packets && f.zeroWindows <= sum.packets,
              "a flow counts more flagged segments than it had");
        check(f.retransmittedBytes <= sum.payload, "a flow counts more retransmitted bytes than it carried");
        check(f.maxBytesInFlight == sum.maxInFlight, "a flow's most bytes in flight is not its segments' highest");
        check(flows[flow ^ 1].rttSamples <= sum.packets, "a flow has more RTT samples than ACKs came back");
        check(f.windowScale == -1 || f.windowScale == -2 || (f.windowScale >= 0 && f.windowScale <= 14),
              "a window scale outside the option's range");

        checkHistory(analyzer.history(a.connection), packets);
    }
    return 0;
}
