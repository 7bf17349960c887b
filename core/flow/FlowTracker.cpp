#include "FlowTracker.h"

namespace fi {

uint32_t FlowTracker::trace(const Packet& packet)
{
    const BufferID id = packet.bufferId();
    const uint64_t hash = id.hash();
    uint32_t flow = findOpen(id, hash);
    const bool opened = flow == kNoFlow;
    if (opened) {
        flow = uint32_t(m_flows.size());
        m_flows.push_back({id, {}});
        m_flows[flow].stats.firstNs = packet.frame.record.timeNs;
        m_open.insert(hash, flow);
    }
    FlowStats& s = m_flows[flow].stats;
    ++s.packets;
    s.bytes += packet.frame.record.originalLength;
    s.lastNs = packet.frame.record.timeNs;
    s.syn += packet.tcp.syn();
    s.fin += packet.tcp.fin();
    s.rst += packet.tcp.rst();
    ++m_packets;
    if (packet.tcp.fin()) {
        s.closedByFin = true;
        m_open.erase(hash, flow);
    }
    for (FlowListener* l : m_listeners) {
        if (opened)
            l->flowOpened(flow, packet);
        l->packetAdded(flow, packet);
        if (packet.tcp.fin())
            l->flowClosed(flow);
    }
    return flow;
}

void FlowTracker::finish()
{
    if (m_ended)
        return;
    m_ended = true;
    for (FlowListener* l : m_listeners)
        l->traceEnded();
}

void FlowTracker::abort()
{
    if (m_ended)
        return;
    m_ended = true;
    for (FlowListener* l : m_listeners)
        l->traceAborted();
}

bool FlowTracker::failed() const
{
    for (const FlowListener* l : m_listeners)
        if (l->failed())
            return true;
    return false;
}

std::string FlowTracker::errorString() const
{
    for (const FlowListener* l : m_listeners)
        if (l->failed())
            return l->errorString();
    return {};
}

} // namespace fi
