#include "CaptureStore.h"

#include <algorithm>

namespace fi {

FlowPacket FlowPacket::from(uint32_t number, const TcpPacket& tcp)
{
    FlowPacket p;
    p.frame = number;
    p.seq = tcp.seq;
    p.ack = tcp.ack;
    p.payloadLength = tcp.payloadLength;
    p.window = tcp.window;
    p.flags = tcp.flags;
    return p;
}

const FlowPacket* CaptureStore::packetOfFrame(uint32_t number) const
{
    if (number == 0 || number > frameFlows.size())
        return nullptr;
    const uint32_t flow = flowOfFrame(number);
    if (flow == FlowTracker::kNoFlow)
        return nullptr;
    // a flow's packets are in capture order
    const std::vector<FlowPacket>& packets = flows[flow].packets;
    const auto it = std::lower_bound(packets.begin(), packets.end(), number,
                                     [](const FlowPacket& p, uint32_t n) { return p.frame < n; });
    return it != packets.end() && it->frame == number ? &*it : nullptr;
}

void CaptureStore::apply(const LoadBatch& batch)
{
    if (batch.layout)
        layout = *batch.layout;
    for (const FrameRecord& r : batch.frames) {
        frames.push_back(r);
        frameFlows.push_back(FlowTracker::kNoFlow);
    }
    for (const LoadBatch::NewFlow& opened : batch.newFlows) {
        FlowRecord& f = flows.emplace_back();
        f.id = opened.id;
        f.stats.firstNs = opened.firstNs;
        f.reverse = opened.reverse;
    }
    for (const auto& [earlier, later] : batch.reverseLinks)
        flows[earlier].reverse = later;
    for (size_t i = 0; i < batch.packets.size(); ++i) {
        const auto& [flow, packet] = batch.packets[i];
        FlowRecord& f = flows[flow];
        f.packets.push_back(packet);
        frameFlows[packet.frame - 1] = flow;
        if (i < batch.analyses.size()) {
            const SegmentAnalysis& a = batch.analyses[i];
            f.analysis.addSegment(a, packet.payloadLength);
            if (a.acksFrame)
                flows[a.ackedFlow].analysis.addAcknowledgement(a);
        }
    }
    for (const LoadBatch::FlowUpdate& u : batch.updates) {
        FlowRecord& f = flows[u.flow];
        f.stats = u.stats;
        // A flow closed by a FIN takes no more packets (the next one of its 4-tuple opens a
        // new flow): the room its vector kept for growing is given back.
        if (u.stats.closedByFin && f.packets.capacity() > f.packets.size())
            f.packets.shrink_to_fit();
    }
    for (const auto& [flow, connection] : batch.connectionUpdates)
        flows[flow].connection = connection;
}

} // namespace fi
