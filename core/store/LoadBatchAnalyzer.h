#pragma once

#include "CaptureStore.h"
#include "MarkedIds.h"
#include "TcpAnalysis.h"

#include <cstdint>
#include <vector>

namespace fi {

/// The TCP analysis' part of LoadBatch values: given the batches LoadBatchBuilder made, in
/// order, it analyses their packets (each packet's flags, the segment it acknowledged, its
/// bytes in flight; `analyses`, which the store sums up per flow) and adds the history and
/// state of every flow whose connection changed. It keeps the analysis of the whole capture
/// so far, so one analyzer sees every batch of a load, on any one thread.
class LoadBatchAnalyzer
{
public:
    void analyze(LoadBatch& batch);

private:
    static constexpr uint32_t kEnd = UINT32_MAX; ///< of a chain of links
    TcpAnalyzer m_analyzer;
    /// The flows of each connection, to tell them all when its history changed: by connection
    /// the first of a chain of links, newest first. A flow that moved on to a connection anew is
    /// in both chains; the older one skips it.
    struct Link
    {
        uint32_t flow;
        uint32_t next;
    };
    std::vector<uint32_t> m_firstLink;
    std::vector<Link> m_links;
    /// What a connection's flows were last told: its history's length and its state
    struct Sent
    {
        uint16_t length = 0;
        ZeekConnState state = ZeekConnState::None;
    };
    std::vector<Sent> m_sent; ///< by connection
    MarkedIds m_touched; ///< the connections of the current batch's packets
    MarkedIds m_told;    ///< the flows the current batch tells their connection
};

} // namespace fi
