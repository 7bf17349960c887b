#include "CaptureStore.h"

namespace fi {

void CaptureStore::apply(const LoadBatch& batch)
{
    for (const FrameRecord& r : batch.frames)
        frames.push_back(r);
    for (const auto& [label, id] : batch.newFlows) {
        FlowRecord& f = flows.emplace_back();
        f.label = label;
        f.id = id;
    }
    for (const auto& [flow, packet] : batch.packets)
        flows[flow].packets.push_back(packet);
    for (const auto& [flow, stats] : batch.stats)
        flows[flow].stats = stats;
}

} // namespace fi
