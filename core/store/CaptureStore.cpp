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
    for (const auto& [flow, packet] : batch.packets) {
        flows[flow].packets.push_back(packet);
        frameFlows[packet.frame - 1] = flow;
    }
    for (const LoadBatch::FlowUpdate& u : batch.updates) {
        flows[u.flow].stats = u.stats;
        flows[u.flow].analysis = u.analysis;
    }
}

} // namespace fi
