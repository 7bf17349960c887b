#pragma once

#include "CaptureStore.h"
#include "CaptureTracer.h"
#include "FlowListener.h"
#include "FlowTracker.h"
#include "TcpAnalysis.h"

#include <memory>
#include <vector>

namespace fi {

/// Collects what tracing a capture finds into LoadBatch values: it listens to the FlowTracker
/// for flows opened and flow packets (which it gives to the TCP analysis), and is given every
/// frame read (addFrame, from
/// CaptureTracer's frame hook). The desktop application's loader takes a batch every ~50 ms;
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
    /// changed) and starts the next.
    std::shared_ptr<const LoadBatch> take(const CaptureReader& reader);

    void flowOpened(uint32_t flow, const Packet& first) override;
    void packetAdded(uint32_t flow, const Packet& packet) override;

private:
    static constexpr uint32_t kNoConnection = UINT32_MAX; ///< (and the end of a chain)
    uint64_t m_generation;
    const FlowTracker& m_tracker;
    TcpAnalyzer m_analyzer;
    std::shared_ptr<LoadBatch> m_batch;
    /// By flow id, what the current batch changed: kStats (packets), kConnection (its
    /// connection's history or state)
    std::vector<uint8_t> m_touched;
    static constexpr uint8_t kStats = 1, kConnection = 2;
    /// The flows of each connection, to update them all when its history changed: by flow id
    /// its connection, and the next flow of that connection (a chain from m_firstFlow, by
    /// connection)
    std::vector<uint32_t> m_connectionOf, m_nextFlow, m_firstFlow;
    /// By connection: the history length and state its flows were last told
    std::vector<uint16_t> m_sentLength;
    std::vector<ZeekConnState> m_sentState;
    std::vector<uint32_t> m_changedConnections; ///< in the current batch
    std::vector<uint32_t> m_reverse; ///< by flow id: the other direction, once known
    uint32_t m_nextFrame = 1;
    size_t m_sentInterfaces = 0; ///< of the reader's layout, as of the last batch that had it
};

/// Reads the whole capture `tracer` has open (from `path`) into `store` at once, as the
/// desktop application's loader does batch by batch; blocking.
TraceSummary loadCaptureStore(CaptureTracer& tracer, const std::string& path, CaptureStore& store);

} // namespace fi
