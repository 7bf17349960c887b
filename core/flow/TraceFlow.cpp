#include "TraceFlow.h"

namespace fi {

TraceFlow::TraceFlow(FlowListener* output) : m_output(output)
{
    if (m_output)
        m_tracker.addListener(*m_output);
    m_tracker.addListener(*this);
}

void TraceFlow::flowOpened(uint32_t flow, const Packet& first)
{
    Index& opened = m_index.emplace_back();
    opened.flow = flow;
    opened.label = makeLabel(first.bufferId(), first.timestamp());
}

void TraceFlow::packetAdded(uint32_t flow, const Packet& packet)
{
    m_index[flow].index.push_back(packet.index());
}

void TraceFlow::flowClosed(uint32_t flow)
{
    m_closedOrder.push_back(flow);
    Index& closed = m_index[flow];
    if (m_output)
        closed.fpout = m_output->outputPath(flow);
    for (const Callback& cb : m_callbacks)
        cb(closed);
}

void TraceFlow::traceEnded()
{
    if (!m_output)
        return;
    for (Index& f : m_index)
        if (m_tracker.isOpen(f.flow))
            f.fpout = m_output->outputPath(f.flow);
}

std::vector<const Index*> TraceFlow::submit()
{
    m_tracker.finish();
    return index();
}

std::vector<const Index*> TraceFlow::index() const
{
    std::vector<const Index*> out;
    out.reserve(m_index.size());
    for (const Index& f : m_index)
        if (m_tracker.isOpen(f.flow))
            out.push_back(&f);
    for (uint32_t flow : m_closedOrder)
        out.push_back(&m_index[flow]);
    return out;
}

const Buffer* TraceFlow::buffer(const BufferID& id) const
{
    const uint32_t flow = m_tracker.openFlow(id);
    return flow == kNoFlow ? nullptr : &m_index[flow];
}

} // namespace fi
