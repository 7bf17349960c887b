#pragma once

#include "CaptureStore.h"
#include "TraceFlow.h"

#include <memory>
#include <vector>

namespace fi {

/// Collects what a CaptureTracer reports, frame by frame, into LoadBatch values: the frames,
/// the flow packets, the flows opened and the statistics of the flows touched since the last
/// batch. The loader takes a batch every ~50 ms; applied in order, the batches rebuild the
/// CaptureStore of the whole capture.
class LoadBatchBuilder
{
public:
    LoadBatchBuilder(uint64_t generation, const TraceFlow& trace);

    /// Call from CaptureTracer's frame hook.
    void add(const FrameView& frame, const TcpPacket& tcp, uint32_t flow);
    size_t pendingFrames() const { return m_batch->frames.size(); }
    /// Completes the current batch and starts the next.
    std::shared_ptr<const LoadBatch> take(uint64_t bytesRead, uint64_t fileSize);

private:
    uint64_t m_generation;
    const TraceFlow& m_trace;
    std::shared_ptr<LoadBatch> m_batch;
    std::vector<uint8_t> m_touched; ///< by flow id: packets in the current batch
    uint32_t m_knownFlows = 0;
    uint32_t m_nextFrame = 1;
};

} // namespace fi
