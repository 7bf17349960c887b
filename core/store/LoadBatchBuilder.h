#pragma once

#include "CaptureStore.h"
#include "CaptureTracer.h"
#include "FlowListener.h"
#include "FlowTracker.h"
#include "MarkedIds.h"

#include <memory>
#include <vector>

namespace fi {

/// Collects what tracing a capture finds into LoadBatch values, the flow rule's part: it
/// listens to the FlowTracker for flows opened and flow packets, and is given every frame read
/// (addFrame, from CaptureTracer's frame hook). The desktop application's loader takes a batch
/// every ~50 ms and has LoadBatchAnalyzer add the TCP analysis (on a thread of its own);
/// applied in order, the batches rebuild the CaptureStore of the whole capture.
class LoadBatchBuilder final : public FlowListener
{
public:
    /// Listens to `tracker` from now on.
    LoadBatchBuilder(uint64_t generation, FlowTracker& tracker);

    /// Call for every frame read, in order.
    void addFrame(const FrameView& frame) { m_batch->frames.push_back(frame.record); }
    size_t pendingFrames() const { return m_batch->frames.size(); }
    /// Completes the current batch (with how far `reader` has read, and its layout when that
    /// changed) and starts the next. Its packets are not analysed yet (LoadBatchAnalyzer).
    std::shared_ptr<LoadBatch> take(const CaptureReader& reader);

    void flowOpened(uint32_t flow, const Packet& first) override;
    void packetAdded(uint32_t flow, const Packet& packet) override;

private:
    uint64_t m_generation;
    const FlowTracker& m_tracker;
    std::shared_ptr<LoadBatch> m_batch;
    MarkedIds m_touched;           ///< the flows the current batch added packets to
    std::vector<uint32_t> m_reverse; ///< by flow id: the other direction, once known
    uint32_t m_nextFrame = 1;
    size_t m_sentInterfaces = 0; ///< of the reader's layout, as of the last batch that had it
};

/// Reads the whole capture `tracer` has open (from `path`) into `store` at once, as the
/// desktop application's loader does batch by batch; blocking.
TraceSummary loadCaptureStore(CaptureTracer& tracer, const std::string& path, CaptureStore& store);

} // namespace fi
