#include "LoadBatchAnalyzer.h"

#include <algorithm>

namespace fi {

void LoadBatchAnalyzer::analyze(LoadBatch& batch)
{
    batch.analyses.reserve(batch.packets.size());
    for (size_t i = 0; i < batch.packets.size(); ++i) {
        FlowPacket& packet = batch.packets[i];
        const uint32_t flow = packet.flow;
        // (a flow's first packet is in the batch it opened in, which has its BufferID)
        const BufferID* id = flow >= batch.firstNewFlow ? &batch.newFlows[flow - batch.firstNewFlow].id : nullptr;
        const SegmentAnalysis a = m_analyzer.analyze(batch.segments[i], flow, id);
        packet.analysis = a.flags;
        packet.acksFrame = a.acksFrame;
        packet.bytesInFlight = a.bytesInFlight;
        batch.analyses.push_back(a);

        const uint32_t c = a.connection;
        if (a.joinedConnection) { // a flow new to the connection: told its history, and chained
            if (c >= m_firstLink.size()) {
                m_firstLink.resize(size_t(c) + 1, kEnd);
                m_sent.resize(size_t(c) + 1);
            }
            m_links.push_back({flow, m_firstLink[c]});
            m_firstLink[c] = uint32_t(m_links.size() - 1);
            m_told.mark(flow);
        }
        m_touched.mark(c);
    }
    // a connection's history belongs to all its flows: those of every connection whose history
    // or state is not what they were told are told again (a history only grows: its length
    // says whether it changed)
    for (uint32_t c : m_touched.ids()) {
        const ZeekHistory& history = m_analyzer.history(c);
        const Sent now{uint16_t(std::min<size_t>(history.history().size(), UINT16_MAX)), history.connState()};
        if (now.length == m_sent[c].length && now.state == m_sent[c].state)
            continue;
        m_sent[c] = now;
        for (uint32_t at = m_firstLink[c]; at != kEnd; at = m_links[at].next)
            if (m_analyzer.connectionOfFlow(m_links[at].flow) == c)
                m_told.mark(m_links[at].flow);
    }
    m_touched.clear();
    batch.connectionUpdates.reserve(m_told.ids().size());
    for (uint32_t f : m_told.ids())
        batch.connectionUpdates.emplace_back(f, m_analyzer.history(m_analyzer.connectionOfFlow(f)).summary());
    m_told.clear();
    batch.segments = {}; // read: its memory goes
}

} // namespace fi
