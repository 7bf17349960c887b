#include "LoadBatchBuilder.h"

namespace fi {

LoadBatchBuilder::LoadBatchBuilder(uint64_t generation, const TraceFlow& trace)
    : m_generation(generation), m_trace(trace), m_batch(std::make_shared<LoadBatch>())
{
    m_batch->generation = generation;
}

void LoadBatchBuilder::add(const FrameView& frame, const TcpPacket& tcp, uint32_t flow)
{
    m_batch->frames.push_back(frame.record);
    if (flow == TraceFlow::kNoFlow)
        return;
    m_batch->packets.emplace_back(flow, FlowPacket::from(frame.number, tcp));
    if (flow >= m_touched.size())
        m_touched.resize(flow + 1, 0);
    m_touched[flow] = 1;
}

std::shared_ptr<const LoadBatch> LoadBatchBuilder::take(uint64_t bytesRead, uint64_t fileSize)
{
    const std::vector<Index>& flows = m_trace.flows();
    std::shared_ptr<LoadBatch> done = std::move(m_batch);
    done->firstNewFlow = m_knownFlows;
    for (uint32_t f = m_knownFlows; f < flows.size(); ++f)
        done->newFlows.emplace_back(flows[f].label, flows[f].id);
    m_knownFlows = uint32_t(flows.size());
    for (uint32_t f = 0; f < m_touched.size(); ++f)
        if (m_touched[f])
            done->stats.emplace_back(f, flows[f].stats);
    m_touched.assign(m_touched.size(), 0);
    done->bytesRead = bytesRead;
    done->fileSize = fileSize;
    m_nextFrame += uint32_t(done->frames.size());

    m_batch = std::make_shared<LoadBatch>();
    m_batch->generation = m_generation;
    m_batch->firstFrame = m_nextFrame;
    return done;
}

} // namespace fi
