#include "SequenceBase.h"

#include "TcpPacket.h"

namespace fi {

namespace {

/// The base of the direction `flow` sends in: its first segment's, unless an ACK of the
/// other direction `reverse` came first.
uint32_t directionBase(const CaptureStore& store, uint32_t flow, uint32_t reverse)
{
    const std::vector<FlowPacket>& packets = store.flows[flow].packets;
    if (packets.empty())
        return 0;
    const FlowPacket& first = packets.front();
    if (reverse != FlowTracker::kNoFlow) {
        for (const FlowPacket& p : store.flows[reverse].packets) {
            if (p.frame > first.frame)
                break;
            if (p.flags & TcpFlag::ACK)
                return p.ack - 1;
        }
    }
    return (first.flags & TcpFlag::SYN) ? first.seq : first.seq - 1;
}

} // namespace

SequenceBase SequenceBase::of(const CaptureStore& store, uint32_t flow)
{
    SequenceBase base;
    const uint32_t reverse = store.flows[flow].reverse;
    base.seq = directionBase(store, flow, reverse);
    if (reverse != FlowTracker::kNoFlow && !store.flows[reverse].packets.empty()) {
        base.ack = directionBase(store, reverse, flow);
        base.hasAck = true;
        return base;
    }
    for (const FlowPacket& p : store.flows[flow].packets) { // the other direction unseen
        if (p.flags & TcpFlag::ACK) {
            base.ack = p.ack - 1;
            base.hasAck = true;
            break;
        }
    }
    return base;
}

} // namespace fi
