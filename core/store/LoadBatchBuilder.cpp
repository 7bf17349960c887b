#include "LoadBatchBuilder.h"

#include <algorithm>

namespace fi {

LoadBatchBuilder::LoadBatchBuilder(uint64_t generation, FlowTracker& tracker)
    : m_generation(generation), m_tracker(tracker), m_batch(std::make_shared<LoadBatch>())
{
    m_batch->generation = generation;
    m_batch->firstNewFlow = uint32_t(tracker.flowCount());
    tracker.addListener(*this);
}

void LoadBatchBuilder::flowOpened(uint32_t flow, const Packet& first)
{
    const BufferID id = first.bufferId();
    // The other direction: the mirrored BufferID's open flow, which gets this one as its
    // other direction unless it has one already.
    uint32_t reverse = m_tracker.openFlow(id.mirrored());
    if (reverse == flow)
        reverse = FlowTracker::kNoFlow; // a flow from a socket to itself
    m_batch->newFlows.push_back({id, first.frame.record.timeNs, reverse});
    if (flow >= m_touched.size()) {
        m_touched.resize(size_t(flow) + 1, 0);
        m_reverse.resize(size_t(flow) + 1, FlowTracker::kNoFlow);
        m_connectionOf.resize(size_t(flow) + 1, kNoConnection);
        m_nextFlow.resize(size_t(flow) + 1, kNoConnection);
    }
    m_reverse[flow] = reverse;
    if (reverse != FlowTracker::kNoFlow && m_reverse[reverse] == FlowTracker::kNoFlow) {
        m_reverse[reverse] = flow;
        m_batch->reverseLinks.emplace_back(reverse, flow);
    }
}

void LoadBatchBuilder::packetAdded(uint32_t flow, const Packet& packet)
{
    const SegmentAnalysis a = m_analyzer.analyze(packet, flow);
    FlowPacket p = FlowPacket::from(packet.index(), packet.tcp);
    p.analysis = a.flags;
    p.acksFrame = a.acksFrame;
    p.bytesInFlight = a.bytesInFlight;
    m_batch->packets.emplace_back(flow, p);
    m_batch->analyses.push_back(a);
    m_touched[flow] |= kStats;
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
        m_touched[flow] |= kConnection;
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

std::shared_ptr<const LoadBatch> LoadBatchBuilder::take(const CaptureReader& reader)
{
    std::shared_ptr<LoadBatch> done = std::move(m_batch);
    // a connection's history belongs to all its flows
    for (uint32_t c : m_changedConnections)
        for (uint32_t f = m_firstFlow[c]; f != kNoConnection; f = m_nextFlow[f])
            if (m_connectionOf[f] == c)
                m_touched[f] |= kConnection;
    m_changedConnections.clear();
    done->updates.reserve(size_t(m_touched.size() - size_t(std::count(m_touched.begin(), m_touched.end(), uint8_t(0)))));
    for (uint32_t f = 0; f < m_touched.size(); ++f) {
        if (!m_touched[f])
            continue;
        LoadBatch::FlowUpdate& u = done->updates.emplace_back();
        u.flow = f;
        u.stats = m_tracker.stats(f);
        if (m_touched[f] & kConnection)
            u.connection = m_analyzer.history(m_connectionOf[f]).summary();
    }
    m_touched.assign(m_touched.size(), 0);
    done->bytesRead = reader.bytesRead();
    done->fileSize = reader.fileSize();
    if (reader.layout().interfaces.size() != m_sentInterfaces || m_nextFrame == 1) {
        done->layout = reader.layout();
        m_sentInterfaces = reader.layout().interfaces.size();
    }
    m_nextFrame += uint32_t(done->frames.size());

    m_batch = std::make_shared<LoadBatch>();
    m_batch->packets.reserve(done->packets.size()); // (the next is likely as big)
    m_batch->analyses.reserve(done->analyses.size());
    m_batch->generation = m_generation;
    m_batch->firstFrame = m_nextFrame;
    m_batch->firstNewFlow = uint32_t(m_tracker.flowCount());
    return done;
}

TraceSummary loadCaptureStore(CaptureTracer& tracer, const std::string& path, CaptureStore& store)
{
    store = CaptureStore{};
    store.path = path;
    FlowTracker tracker;
    LoadBatchBuilder builder(0, tracker);
    tracer.setFrameHook([&](const FrameView& frame, const TcpPacket&, uint32_t) { builder.addFrame(frame); });
    const TraceSummary summary = tracer.run(tracker);
    tracer.setFrameHook(nullptr);
    store.apply(*builder.take(tracer.reader()));
    return summary;
}

} // namespace fi
