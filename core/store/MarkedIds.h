#pragma once

#include <cstdint>
#include <vector>

namespace fi {

/// Ids (of flows, of connections) marked since the set was last cleared, each once, in the order
/// first marked: a flag per id and the list of those marked, so that a batch's work and clear()
/// cost what the batch marked, not a pass over every id.
class MarkedIds
{
public:
    void mark(uint32_t id)
    {
        if (id >= m_marked.size())
            m_marked.resize(size_t(id) + 1, 0);
        if (!m_marked[id]) {
            m_marked[id] = 1;
            m_ids.push_back(id);
        }
    }
    const std::vector<uint32_t>& ids() const { return m_ids; }
    void clear()
    {
        for (uint32_t id : m_ids)
            m_marked[id] = 0;
        m_ids.clear();
    }

private:
    std::vector<uint8_t> m_marked; ///< by id
    std::vector<uint32_t> m_ids;
};

} // namespace fi
