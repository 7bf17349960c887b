#include "CaptureStore.h"


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

void CaptureStore::apply(const LoadBatch& batch)
{
    for (const FrameRecord& r : batch.frames) {
        frames.push_back(r);
        frameFlows.push_back(FlowTracker::kNoFlow);
    }
    for (const LoadBatch::NewFlow& opened : batch.newFlows) {
        FlowRecord& f = flows.emplace_back();
        f.label = opened.label;
        f.id = opened.id;
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
    for (const LoadBatch::FlowUpdate& u : batch.updates)
        flows[u.flow].stats = u.stats;
}

} // namespace fi
