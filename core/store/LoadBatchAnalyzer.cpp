#include "LoadBatchAnalyzer.h"

#include <algorithm>

namespace fi {

void LoadBatchAnalyzer::analyze(LoadBatch& batch)
{
    batch.analyses.reserve(batch.packets.size());
    for (size_t i = 0; i < batch.packets.size(); ++i) {
        auto& [flow, packet] = batch.packets[i];
        FrameView frame; // (the analysis reads the number and the record, not the bytes)
        frame.number = packet.frame;
        frame.record = batch.frames[packet.frame - batch.firstFrame]; // (a packet's frame is in its batch)
        const SegmentAnalysis a = m_analyzer.analyze(frame, batch.tcp[i], flow);
        packet.analysis = a.flags;
        packet.acksFrame = a.acksFrame;
        packet.bytesInFlight = a.bytesInFlight;
        batch.analyses.push_back(a);

        if (flow >= m_connectionOf.size()) {
            m_connectionOf.resize(size_t(flow) + 1, kNoConnection);
            m_nextFlow.resize(size_t(flow) + 1, kNoConnection);
        }
        const uint32_t c = a.connection;
        if (c >= m_firstFlow.size()) {
            m_firstFlow.resize(size_t(c) + 1, kNoConnection);
            m_sentLength.resize(size_t(c) + 1, 0);
            m_sentState.resize(size_t(c) + 1, ZeekConnState::None);
        }
        if (m_connectionOf[flow] != c) { // its first packet, or its 4-tuple used again
            m_connectionOf[flow] = c;
            m_nextFlow[flow] = m_firstFlow[c];
            m_firstFlow[c] = flow;
            m_told.mark(flow);
        }
        // (a history only grows: its length says whether it changed)
        const ZeekHistory& history = m_analyzer.history(c);
        const ZeekConnState state = history.connState();
        if (history.history().size() != m_sentLength[c] || state != m_sentState[c]) {
            m_sentLength[c] = uint16_t(std::min<size_t>(history.history().size(), UINT16_MAX));
            m_sentState[c] = state;
            m_changedConnections.push_back(c);
        }
    }
    // a connection's history belongs to all its flows
    for (uint32_t c : m_changedConnections)
        for (uint32_t f = m_firstFlow[c]; f != kNoConnection; f = m_nextFlow[f])
            if (m_connectionOf[f] == c)
                m_told.mark(f);
    m_changedConnections.clear();
    batch.connectionUpdates.reserve(m_told.flows().size());
    for (uint32_t f : m_told.flows())
        batch.connectionUpdates.emplace_back(f, m_analyzer.history(m_connectionOf[f]).summary());
    m_told.clear();
    batch.tcp = {}; // read: its memory goes
}

} // namespace fi
