#include "TraceFlow.h"

namespace fi {

TraceFlow::TraceFlow(OutputOptions output) : m_options(std::move(output))
{
    if (m_options.format != OutputFormat::None)
        m_output = std::make_unique<FlowWriterPool>(m_options);
    if (m_options.flowLabels)
        m_wanted.insert(m_options.flowLabels->begin(), m_options.flowLabels->end());
    m_table.resize(1024);
}

TraceFlow::~TraceFlow() = default;

bool TraceFlow::selected(uint32_t flow)
{
    if (!m_options.flowLabels)
        return true;
    while (m_selected.size() <= flow)
        m_selected.push_back(m_wanted.count(m_flows[m_selected.size()].label) ? 1 : 0);
    return m_selected[flow];
}

void TraceFlow::setError(const std::string& message)
{
    if (m_error.empty())
        m_error = message;
}

uint32_t TraceFlow::findOpen(const BufferID& id, uint64_t hash) const
{
    const size_t mask = m_table.size() - 1;
    const uint32_t tag = uint32_t(hash);
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
        const Slot& s = m_table[i];
        if (s.flow == kNoFlow)
            return kNoFlow;
        if (s.hashTag == tag && m_flows[s.flow].id == id)
            return s.flow;
    }
}

void TraceFlow::insertOpen(uint32_t flow, uint64_t hash)
{
    if ((m_openCount + 1) * 2 > m_table.size())
        growTable();
    const size_t mask = m_table.size() - 1;
    size_t i = hash & mask;
    while (m_table[i].flow != kNoFlow)
        i = (i + 1) & mask;
    m_table[i] = {flow, uint32_t(hash)};
    ++m_openCount;
}

void TraceFlow::growTable()
{
    std::vector<Slot> old(m_table.size() * 2);
    old.swap(m_table);
    const size_t mask = m_table.size() - 1;
    for (const Slot& s : old) {
        if (s.flow == kNoFlow)
            continue;
        size_t i = s.hashTag & mask;
        while (m_table[i].flow != kNoFlow)
            i = (i + 1) & mask;
        m_table[i] = s;
    }
}

void TraceFlow::eraseOpen(uint32_t flow, uint64_t hash)
{
    const size_t mask = m_table.size() - 1;
    size_t i = hash & mask;
    while (m_table[i].flow != flow)
        i = (i + 1) & mask;
    // Backward-shift deletion keeps every probe chain unbroken without tombstones.
    for (size_t j = (i + 1) & mask; m_table[j].flow != kNoFlow; j = (j + 1) & mask) {
        size_t home = m_table[j].hashTag & mask;
        bool movable = (j > i) ? (home <= i || home > j) : (home <= i && home > j);
        if (movable) {
            m_table[i] = m_table[j];
            i = j;
        }
    }
    m_table[i] = Slot{};
    --m_openCount;
}

const Buffer* TraceFlow::buffer(const BufferID& id) const
{
    const uint32_t flow = findOpen(id, id.hash());
    return flow == kNoFlow ? nullptr : &m_flows[flow];
}

uint32_t TraceFlow::join(const Packet& packet, uint64_t hash)
{
    const BufferID id = packet.bufferId();
    uint32_t flow = findOpen(id, hash);
    if (flow == kNoFlow) {
        flow = uint32_t(m_flows.size());
        Index& opened = m_flows.emplace_back();
        opened.id = id;
        opened.label = makeLabel(id, packet.timestamp);
        opened.stats.firstNs = packet.frame.timeNs;
        m_closed.push_back(0);
        insertOpen(flow, hash);
    }
    Index& f = m_flows[flow];
    f.index.push_back(packet.index);
    FlowStats& s = f.stats;
    ++s.packets;
    s.bytes += packet.frame.originalLength;
    s.lastNs = packet.frame.timeNs;
    s.syn += packet.syn;
    s.fin += packet.fin;
    s.rst += (packet.tcpFlags & TcpFlag::RST) != 0;
    ++m_packets;
    return flow;
}

uint32_t TraceFlow::trace(const Packet& packet)
{
    const uint64_t hash = packet.bufferId().hash();
    uint32_t flow = join(packet, hash);
    if (packet.fin)
        close(flow, hash);
    return flow;
}

uint32_t TraceFlow::dump(const Packet& packet, const FrameView& frame)
{
    const uint64_t hash = packet.bufferId().hash();
    uint32_t flow = join(packet, hash);
    // Write before a FIN closes the flow, so that its file is completed holding this frame.
    if (m_output && selected(flow) && !m_output->write(flow, m_flows[flow].label, frame))
        setError(m_output->errorString());
    if (packet.fin)
        close(flow, hash);
    return flow;
}

void TraceFlow::close(uint32_t flow, uint64_t hash)
{
    m_flows[flow].stats.closedByFin = true;
    eraseOpen(flow, hash);
    m_closed[flow] = 1;
    m_closedOrder.push_back(flow);
    Index& f = m_flows[flow];
    if (m_output) {
        if (!m_output->finish(flow))
            setError(m_output->errorString());
        f.fpout = m_output->pathOf(flow);
    }
    for (const Callback& cb : m_callbacks)
        cb(f);
}

std::vector<const Index*> TraceFlow::submit()
{
    if (m_submitted)
        return index();
    m_submitted = true;
    if (m_options.flowLabels) {
        std::unordered_set<std::string> seen;
        for (const Index& f : m_flows)
            seen.insert(f.label);
        for (const std::string& label : *m_options.flowLabels)
            if (!seen.count(label)) {
                setError("no flow is labelled '" + label + "'");
                break;
            }
    }
    if (m_output) {
        for (uint32_t flow = 0; flow < m_flows.size(); ++flow) {
            if (m_closed[flow])
                continue;
            if (!m_output->finish(flow))
                setError(m_output->errorString());
            m_flows[flow].fpout = m_output->pathOf(flow);
        }
        if (m_error.empty() && !m_output->commit())
            setError(m_output->errorString());
        if (!m_error.empty())
            m_output->abort();
    }
    return index();
}

std::vector<const Index*> TraceFlow::index() const
{
    std::vector<const Index*> out;
    out.reserve(m_flows.size());
    for (uint32_t flow = 0; flow < m_flows.size(); ++flow)
        if (!m_closed[flow])
            out.push_back(&m_flows[flow]);
    for (uint32_t flow : m_closedOrder)
        out.push_back(&m_flows[flow]);
    return out;
}

} // namespace fi
