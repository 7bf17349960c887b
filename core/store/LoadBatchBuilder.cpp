#include "LoadBatchBuilder.h"

#include "LoadBatchAnalyzer.h"

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
    if (flow >= m_reverse.size())
        m_reverse.resize(size_t(flow) + 1, FlowTracker::kNoFlow);
    m_reverse[flow] = reverse;
    if (reverse != FlowTracker::kNoFlow && m_reverse[reverse] == FlowTracker::kNoFlow) {
        m_reverse[reverse] = flow;
        m_batch->reverseLinks.emplace_back(reverse, flow);
    }
}

void LoadBatchBuilder::packetAdded(uint32_t flow, const Packet& packet)
{
    m_batch->packets.push_back(FlowPacket::from(packet.index(), flow, packet.tcp));
    m_batch->segments.push_back(TcpSegment::of(packet.frame, packet.tcp));
    m_touched.mark(flow);
}

std::shared_ptr<LoadBatch> LoadBatchBuilder::take(const CaptureReader& reader)
{
    std::shared_ptr<LoadBatch> done = std::move(m_batch);
    done->updates.reserve(m_touched.ids().size());
    for (uint32_t f : m_touched.ids())
        done->updates.push_back({f, m_tracker.stats(f)});
    m_touched.clear();
    done->bytesRead = reader.bytesRead();
    done->fileSize = reader.fileSize();
    if (reader.layout().interfaces.size() != m_sentInterfaces || m_nextFrame == 1) {
        done->layout = reader.layout();
        m_sentInterfaces = reader.layout().interfaces.size();
    }
    m_nextFrame += uint32_t(done->frames.size());

    m_batch = std::make_shared<LoadBatch>();
    m_batch->packets.reserve(done->packets.size()); // (the next is likely as big)
    m_batch->segments.reserve(done->segments.size());
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
    const std::shared_ptr<LoadBatch> batch = builder.take(tracer.reader());
    LoadBatchAnalyzer().analyze(*batch);
    store.apply(*batch);
    store.indexPackets();
    return summary;
}

} // namespace fi
