#include "SequenceBase.h"

#include "TcpPacket.h"

namespace fi {

namespace {

/// The base of the direction `flow` sends in: its first segment's, unless an ACK of the
/// other direction `reverse` came first.
uint32_t directionBase(const CaptureStore& store, uint32_t flow, uint32_t reverse)
{
    const FlowRecord& f = store.flows[flow];
    if (f.packetCount == 0)
        return 0;
    const FlowPacket& first = store.packets[f.firstPacket];
    if (reverse != FlowTracker::kNoFlow && store.flows[reverse].packetCount > 0) {
        // the packets before `first` (in capture order, as `packets` is) from its first on
        for (uint32_t i = store.flows[reverse].firstPacket; i < f.firstPacket; ++i) {
            const FlowPacket& p = store.packets[i];
            if (p.flow == reverse && (p.flags & TcpFlag::ACK))
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
    if (reverse != FlowTracker::kNoFlow && store.flows[reverse].packetCount > 0) {
        base.ack = directionBase(store, reverse, flow);
        base.hasAck = true;
        return base;
    }
    for (const FlowPacket& p : store.packetsOf(flow)) { // the other direction unseen
        if (p.flags & TcpFlag::ACK) {
            base.ack = p.ack - 1;
            base.hasAck = true;
            break;
        }
    }
    return base;
}

} // namespace fi
