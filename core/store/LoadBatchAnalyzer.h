#pragma once

#include "CaptureStore.h"
#include "MarkedFlows.h"
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
    static constexpr uint32_t kNoConnection = UINT32_MAX; ///< (and the end of a chain)
    TcpAnalyzer m_analyzer;
    /// The flows of each connection, to update them all when its history changed: by flow id
    /// its connection, and the next flow of that connection (a chain from m_firstFlow, by
    /// connection)
    std::vector<uint32_t> m_connectionOf, m_nextFlow, m_firstFlow;
    /// By connection: the history length and state its flows were last told
    std::vector<uint16_t> m_sentLength;
    std::vector<ZeekConnState> m_sentState;
    MarkedFlows m_told; ///< the flows the current batch tells their connection
    std::vector<uint32_t> m_changedConnections;
};

} // namespace fi
