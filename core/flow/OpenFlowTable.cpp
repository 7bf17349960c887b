#include "OpenFlowTable.h"

namespace fi {

OpenFlowTable::OpenFlowTable() : m_slots(1024) {}

void OpenFlowTable::insert(uint64_t hash, uint32_t flow)
{
    if ((m_size + 1) * 2 > m_slots.size())
        grow();
    const size_t mask = m_slots.size() - 1;
    size_t i = hash & mask;
    while (m_slots[i].flow != kNone)
        i = (i + 1) & mask;
    m_slots[i] = {flow, uint32_t(hash)};
    ++m_size;
}

void OpenFlowTable::grow()
{
    std::vector<Slot> old(m_slots.size() * 2);
    old.swap(m_slots);
    const size_t mask = m_slots.size() - 1;
    for (const Slot& s : old) {
        if (s.flow == kNone)
            continue;
        size_t i = s.tag & mask;
        while (m_slots[i].flow != kNone)
            i = (i + 1) & mask;
        m_slots[i] = s;
    }
}

void OpenFlowTable::erase(uint64_t hash, uint32_t flow)
{
    const size_t mask = m_slots.size() - 1;
    size_t i = hash & mask;
    while (m_slots[i].flow != flow)
        i = (i + 1) & mask;
    // Backward-shift deletion keeps every probe chain unbroken without tombstones.
    for (size_t j = (i + 1) & mask; m_slots[j].flow != kNone; j = (j + 1) & mask) {
        const size_t home = m_slots[j].tag & mask;
        const bool movable = (j > i) ? (home <= i || home > j) : (home <= i && home > j);
        if (movable) {
            m_slots[i] = m_slots[j];
            i = j;
        }
    }
    m_slots[i] = Slot{};
    --m_size;
}

} // namespace fi
