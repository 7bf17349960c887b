#include "PlotPoints.h"

#include "ConversationIndex.h"

#include <QElapsedTimer>

#include <algorithm>
#include <numeric>

using namespace fi;

void PlotPoints::add(double key, double value, uint32_t frame, uint32_t flow)
{
    data.push_back(QCPGraphData(key, value));
    frames.push_back(frame);
    flows.push_back(flow);
}

PlotPointsBuilder::PlotPointsBuilder(const CaptureStore& store, PlotRequest request)
    : m_store(store), m_request(std::move(request))
{
    m_request.groupCount = std::max<size_t>(1, m_request.groupCount);
    m_groups.resize(std::min(m_request.groupCount, std::max<size_t>(1, m_request.flows.size())));
    if (m_request.ackLines && !m_request.lanes) {
        m_ackLines.resize(m_request.flows.size());
        m_windowLines.resize(m_request.flows.size());
    }
    if (m_request.flows.empty())
        m_phase = Phase::Done;
    if (!plotsAcknowledgements()) {
        // Each graph's room for a point per packet of its flows, made once: grown by doubling,
        // two million points held both the old and the new copy (the peak of a select all).
        std::vector<qsizetype> points(m_groups.size(), 0);
        for (size_t lane = 0; lane < m_request.flows.size(); ++lane)
            if (m_request.flows[lane] < store.flows.size())
                points[lane % m_groups.size()] += qsizetype(store.flows[m_request.flows[lane]].packetCount);
        for (size_t g = 0; g < m_groups.size(); ++g) {
            m_groups[g].data.reserve(points[g]);
            m_groups[g].frames.reserve(size_t(points[g]));
            m_groups[g].flows.reserve(size_t(points[g]));
        }
    }
    if (plotsAcknowledgements()) {
        m_laneOf.assign(store.flows.size(), kNoLane);
        for (size_t lane = 0; lane < m_request.flows.size(); ++lane)
            if (m_request.flows[lane] < m_laneOf.size())
                m_laneOf[m_request.flows[lane]] = uint32_t(lane);
    }
}

int64_t PlotPointsBuilder::originOf(const FlowRecord& flow) const
{
    return m_request.origin == PlotOrigin::FlowStart ? flow.stats.firstNs : m_store.startNs();
}

bool PlotPointsBuilder::plotsAcknowledgements() const
{
    return m_request.value == PlotValue::AckRtt && !m_request.lanes;
}

size_t PlotPointsBuilder::flowSteps() const
{
    // the RTTs of a flow's segments are in the ACKs of other flows: every flow is read once
    return plotsAcknowledgements() ? m_laneOf.size() : m_request.flows.size();
}

double PlotPointsBuilder::progress() const
{
    const double flows = double(flowSteps());
    const double sorts = double(m_groups.size() + m_markers.size());
    switch (m_phase) {
    case Phase::Flows: return 0.8 * double(m_next) / std::max(1.0, flows);
    case Phase::Sort: return 0.8 + 0.2 * double(m_next) / sorts;
    case Phase::Done: return 1.0;
    }
    return 1.0;
}

bool PlotPointsBuilder::step(int budgetMs)
{
    QElapsedTimer clock;
    clock.start();
    while (m_phase != Phase::Done && clock.elapsed() < budgetMs) {
        if (m_phase == Phase::Flows) {
            // a few flows between looks at the clock: most flows are a handful of packets
            for (int i = 0; i < 64 && m_next < flowSteps(); ++i) {
                if (plotsAcknowledgements())
                    addAcknowledgements(uint32_t(m_next++));
                else
                    addFlow(m_next++);
            }
            if (m_next == flowSteps()) {
                m_phase = Phase::Sort;
                m_next = 0;
            }
        } else {
            // one sort a slice, begun only at its start: a sort is the longest single piece
            if (clock.elapsed() > 0 && m_next < m_groups.size() && m_groups[m_next].size() > 100'000)
                break;
            if (m_next < m_groups.size())
                sortByKey(m_groups[m_next]);
            else
                sortByKey(m_markers[m_next - m_groups.size()]);
            if (++m_next == m_groups.size() + m_markers.size())
                m_phase = Phase::Done;
        }
    }
    return m_phase == Phase::Done;
}

void PlotPointsBuilder::addFlow(size_t lane)
{
    const uint32_t flow = m_request.flows[lane];
    if (flow >= m_store.flows.size())
        return;
    const FlowRecord& f = m_store.flows[flow];
    PlotPoints& group = m_groups[lane % m_groups.size()];
    const int64_t zero = originOf(f);
    const FlowPacketList packets = m_store.packetsOf(flow);
    const size_t n = packets.size();
    const uint32_t firstSeq = packets.empty() ? 0 : packets.front().seq;

    // The flow's packets in time order: capture order, unless the capture's clock stepped
    // back (then a stable sort by time), so that cumulative values add up in time.
    auto timeOf = [&](size_t i) { return m_store.frame(packets[i].frame).timeNs; };
    std::vector<uint32_t> order;
    bool inOrder = true;
    for (size_t i = 1; i < n && inOrder; ++i)
        inOrder = timeOf(i - 1) <= timeOf(i);
    if (!inOrder) {
        order.resize(n);
        std::iota(order.begin(), order.end(), 0u);
        std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return timeOf(a) < timeOf(b); });
    }

    auto packetAt = [&](size_t k) -> const FlowPacket& { return packets[inOrder ? k : order[k]]; };
    double cumulative = 0;
    uint64_t windowPayload = 0; // Throughput: the payload of packets oldest..k
    size_t oldest = 0;
    for (size_t k = 0; k < n; ++k) {
        const FlowPacket& p = packetAt(k);
        const FrameRecord& r = m_store.frame(p.frame);
        const double key = double(r.timeNs - zero) / 1e9;
        double y = double(lane);
        if (!m_request.lanes) {
            switch (m_request.value) {
            case PlotValue::FrameLength: y = r.originalLength; break;
            case PlotValue::PayloadLength: y = p.payloadLength; break;
            case PlotValue::RelativeSequence: y = double(uint32_t(p.seq - firstSeq)); break;
            case PlotValue::CumulativeBytes: y = cumulative += r.originalLength; break;
            case PlotValue::TimeSequence: y = double(uint32_t(p.seq + p.payloadLength - firstSeq)); break;
            case PlotValue::AckRtt: break; // (addAcknowledgements())
            case PlotValue::Throughput:
                // as Wireshark: a packet leaves the window once it is more than its length old
                for (; r.timeNs - m_store.frame(packetAt(oldest).frame).timeNs > kThroughputWindowNs; ++oldest)
                    windowPayload -= packetAt(oldest).payloadLength;
                windowPayload += p.payloadLength;
                y = double(windowPayload) * 8.0 * (1e9 / double(kThroughputWindowNs));
                break;
            case PlotValue::BytesInFlight:
                if (p.bytesInFlight == 0)
                    continue; // not a segment with data, or not known
                y = p.bytesInFlight;
                break;
            }
        }
        addPoint(group, key, y, p, flow);
    }
    if (!m_ackLines.empty())
        addAckLines(lane, firstSeq, zero);
}

void PlotPointsBuilder::addPoint(PlotPoints& group, double key, double y, const FlowPacket& p, uint32_t flow)
{
    group.add(key, y, p.frame, flow);
    if ((p.flags & (TcpFlag::SYN | TcpFlag::FIN | TcpFlag::RST)) || p.analysis)
        for (int m = 0; m < kPlotMarkerCount; ++m)
            if (hasPlotMarker(p, PlotMarker(m)))
                m_markers[size_t(m)].add(key, y, p.frame, flow);
}

void PlotPointsBuilder::addAcknowledgements(uint32_t ackFlow)
{
    // Each ACK that acknowledged a segment of a plotted flow gives that segment its point.
    for (const FlowPacket& ack : m_store.packetsOf(ackFlow)) {
        if (ack.acksFrame == 0)
            continue;
        const uint32_t flow = m_store.flowOfFrame(ack.acksFrame);
        if (flow >= m_laneOf.size() || m_laneOf[flow] == kNoLane)
            continue;
        const FlowPacket* segment = m_store.packetOfFrame(ack.acksFrame);
        const double key = double(m_store.frame(ack.acksFrame).timeNs - originOf(m_store.flows[flow])) / 1e9;
        addPoint(m_groups[m_laneOf[flow] % m_groups.size()], key, double(*m_store.ackRttNs(ack)) / 1e6, *segment, flow);
    }
}

void PlotPointsBuilder::addAckLines(size_t lane, uint32_t firstSeq, int64_t zero)
{
    const uint32_t flow = m_request.flows[lane];
    const BufferID other = m_store.flows[flow].id.mirrored();
    PlotPoints& acks = m_ackLines[lane];
    PlotPoints& window = m_windowLines[lane];
    for (uint32_t reverse : ConversationIndex::connection(m_store, flow)) {
        const FlowRecord& r = m_store.flows[reverse];
        if (!(r.id == other))
            continue;
        for (const FlowPacket& p : m_store.packetsOf(reverse)) {
            if (!(p.flags & TcpFlag::ACK))
                continue;
            const double key = double(m_store.frame(p.frame).timeNs - zero) / 1e9;
            const uint32_t acked = p.ack - firstSeq;
            acks.add(key, double(acked), p.frame, reverse);
            window.add(key, double(acked) + double(r.analysis.scaledWindow(p.window, p.flags & TcpFlag::SYN)), p.frame, reverse);
        }
    }
    sortByKey(acks);
    sortByKey(window);
}

void PlotPointsBuilder::sortByKey(PlotPoints& points)
{
    const QVector<QCPGraphData>& d = points.data;
    if (std::is_sorted(d.begin(), d.end(), [](const QCPGraphData& a, const QCPGraphData& b) { return a.key < b.key; }))
        return;
    std::vector<uint32_t> order(size_t(points.size()));
    std::iota(order.begin(), order.end(), 0u);
    std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return d[a].key < d[b].key; });
    PlotPoints sorted;
    sorted.data.reserve(points.size());
    sorted.frames.reserve(order.size());
    sorted.flows.reserve(order.size());
    for (uint32_t i : order)
        sorted.add(d[i].key, d[i].value, points.frames[i], points.flows[i]);
    points = std::move(sorted);
}
