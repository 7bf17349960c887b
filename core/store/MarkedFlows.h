#pragma once

#include <cstdint>
#include <vector>

namespace fi {

/// Flow ids marked since the set was last cleared, each once, in the order first marked: a flag
/// per flow id and the list of those marked, so that a batch's work and clear() cost what the
/// batch marked, not a pass over every flow.
class MarkedFlows
{
public:
    void mark(uint32_t flow)
    {
        if (flow >= m_marked.size())
            m_marked.resize(size_t(flow) + 1, 0);
        if (!m_marked[flow]) {
            m_marked[flow] = 1;
            m_flows.push_back(flow);
        }
    }
    const std::vector<uint32_t>& flows() const { return m_flows; }
    void clear()
    {
        for (uint32_t f : m_flows)
            m_marked[f] = 0;
        m_flows.clear();
    }

private:
    std::vector<uint8_t> m_marked; ///< by flow id
    std::vector<uint32_t> m_flows;
};

} // namespace fi
