#include "CaptureStore.h"

namespace fi {

FlowPacket FlowPacket::from(uint32_t number, uint32_t flow, const TcpPacket& tcp)
{
    FlowPacket p;
    p.frame = number;
    p.flow = flow;
    p.seq = tcp.seq;
    p.ack = tcp.ack;
    p.payloadLength = tcp.payloadLength;
    p.window = tcp.window;
    p.flags = tcp.flags;
    return p;
}

uint32_t CaptureStore::addPacket(FlowPacket packet)
{
    const auto index = uint32_t(packets.size());
    FlowRecord& f = flows[packet.flow];
    packet.previous = f.lastPacket;
    packets.push_back(packet);
    if (f.packetCount++ == 0)
        f.firstPacket = index;
    f.lastPacket = index;
    if (packet.frame >= 1 && packet.frame <= framePackets.size())
        framePackets[packet.frame - 1] = index;
    return index;
}

FlowPacketList CaptureStore::packetsOf(uint32_t flow) const
{
    const FlowRecord& f = flows[flow];
    if (size_t(flow) + 1 < m_flowStart.size() && m_flowStart[flow + 1] - m_flowStart[flow] == f.packetCount)
        return FlowPacketList(packets, m_packetsByFlow.data() + m_flowStart[flow], f.packetCount);
    std::vector<uint32_t> indexes(f.packetCount);
    uint32_t at = f.lastPacket;
    for (size_t i = indexes.size(); i-- > 0; at = packets[at].previous)
        indexes[i] = at;
    return FlowPacketList(packets, std::move(indexes));
}

void CaptureStore::indexPackets()
{
    m_flowStart.resize(flows.size() + 1);
    uint32_t start = 0;
    for (size_t f = 0; f < flows.size(); ++f) {
        m_flowStart[f] = start;
        start += flows[f].packetCount;
    }
    m_flowStart[flows.size()] = start;
    m_packetsByFlow.resize(start);
    std::vector<uint32_t> next(m_flowStart.begin(), m_flowStart.end() - 1); // by flow: where its next goes
    for (size_t i = 0; i < packets.size(); ++i)
        m_packetsByFlow[next[packets[i].flow]++] = uint32_t(i);
}

const FlowPacket* CaptureStore::firstPacketOf(uint32_t flow) const
{
    const FlowRecord& f = flows[flow];
    return f.packetCount ? &packets[f.firstPacket] : nullptr;
}

const FlowPacket* CaptureStore::lastPacketOf(uint32_t flow) const
{
    const FlowRecord& f = flows[flow];
    return f.packetCount ? &packets[f.lastPacket] : nullptr;
}

void CaptureStore::apply(const LoadBatch& batch)
{
    if (batch.layout)
        layout = *batch.layout;
    for (const FrameRecord& r : batch.frames) {
        frames.push_back(r);
        framePackets.push_back(FlowPacket::kNone);
    }
    for (const LoadBatch::NewFlow& opened : batch.newFlows) {
        FlowRecord& f = flows.emplace_back();
        f.id = opened.id;
        f.stats.firstNs = opened.firstNs;
        f.reverse = opened.reverse;
    }
    for (const auto& [earlier, later] : batch.reverseLinks)
        flows[earlier].reverse = later;
    for (size_t i = 0; i < batch.packets.size(); ++i) {
        const FlowPacket& packet = batch.packets[i];
        addPacket(packet);
        if (i < batch.analyses.size()) {
            const SegmentAnalysis& a = batch.analyses[i];
            flows[packet.flow].analysis.addSegment(a, packet.payloadLength);
            if (a.acksFrame)
                flows[a.ackedFlow].analysis.addAcknowledgement(a);
        }
    }
    for (const LoadBatch::FlowUpdate& u : batch.updates)
        flows[u.flow].stats = u.stats;
    for (const auto& [flow, connection] : batch.connectionUpdates)
        flows[flow].connection = connection;
}

} // namespace fi
