#include "FlowBuffers.h"

#include <algorithm>

namespace fi {

FlowBuffers::FlowBuffers(size_t budget) : m_budget(budget), m_chunk(std::max<size_t>(1, budget / 8))
{
}

size_t FlowBuffers::memoryOf(const std::string& bytes)
{
    // a short string lives inside the entry itself and holds no memory of its own
    static const size_t inlineCapacity = std::string().capacity();
    return bytes.capacity() > inlineCapacity ? bytes.capacity() : 0;
}

std::string& FlowBuffers::bufferOf(uint32_t flow)
{
    if (flow >= m_entries.size())
        m_entries.resize(size_t(flow) + 1);
    return m_entries[flow].bytes;
}

void FlowBuffers::added(uint32_t flow)
{
    Entry& e = m_entries[flow];
    const size_t memory = memoryOf(e.bytes);
    m_held = m_held - e.counted + memory;
    e.counted = memory;
    m_peak = std::max(m_peak, m_held);
    if (m_newest != flow) {
        if (e.listed)
            unlink(flow);
        pushNewest(flow);
    }
}

void FlowBuffers::release(uint32_t flow)
{
    if (flow >= m_entries.size())
        return;
    Entry& e = m_entries[flow];
    if (e.listed)
        unlink(flow);
    m_held -= e.counted;
    e.counted = 0;
    std::string().swap(e.bytes);
}

void FlowBuffers::releaseAll()
{
    std::vector<Entry>().swap(m_entries);
    m_held = 0;
    m_oldest = m_newest = kNone;
}

void FlowBuffers::unlink(uint32_t flow)
{
    Entry& e = m_entries[flow];
    (e.older == kNone ? m_oldest : m_entries[e.older].newer) = e.newer;
    (e.newer == kNone ? m_newest : m_entries[e.newer].older) = e.older;
    e.older = e.newer = kNone;
    e.listed = false;
}

void FlowBuffers::pushNewest(uint32_t flow)
{
    Entry& e = m_entries[flow];
    e.older = m_newest;
    e.newer = kNone;
    e.listed = true;
    (m_newest == kNone ? m_oldest : m_entries[m_newest].newer) = flow;
    m_newest = flow;
}

} // namespace fi
