#include "FlowFileWriter.h"

namespace fi {

FlowFileWriter::FlowFileWriter(OutputOptions options)
    : m_options(std::move(options)), m_pool(m_options)
{
    if (m_options.flowLabels) {
        m_asked.insert(m_options.flowLabels->begin(), m_options.flowLabels->end());
        m_unseen = m_asked;
    }
}

bool FlowFileWriter::prepare()
{
    if (!m_pool.prepare()) {
        fail(m_pool.errorString());
        return false;
    }
    return true;
}

void FlowFileWriter::flowOpened(uint32_t flow, const Packet& first)
{
    const std::string label = makeLabel(first.bufferId(), first.timestamp());
    const bool wanted = !m_options.flowLabels || m_asked.count(label);
    if (m_options.flowLabels)
        m_unseen.erase(label);
    if (flow >= m_selected.size())
        m_selected.resize(size_t(flow) + 1, 0);
    m_selected[flow] = wanted;
    if (wanted)
        m_pool.reserve(flow, label);
}

void FlowFileWriter::packetAdded(uint32_t flow, const Packet& packet)
{
    if (selected(flow) && !m_pool.write(flow, packet.frame))
        fail(m_pool.errorString());
}

void FlowFileWriter::flowClosed(uint32_t flow)
{
    if (selected(flow) && !m_pool.finish(flow))
        fail(m_pool.errorString());
}

void FlowFileWriter::traceEnded()
{
    if (!m_unseen.empty()) {
        // the first label asked for that no flow has, in the order they were given
        for (const std::string& label : *m_options.flowLabels)
            if (m_unseen.count(label)) {
                fail("no flow is labelled '" + label + "'");
                break;
            }
    }
    if (!failed() && !m_pool.commit())
        fail(m_pool.errorString());
    if (failed())
        m_pool.abort();
}

void FlowFileWriter::traceAborted()
{
    m_pool.abort();
}

} // namespace fi
