#pragma once

#include "FlowTypes.h"

#include <cstdint>
#include <vector>

namespace fi {

/// The open flows by BufferID: open addressing with linear probing and backward-shift
/// deletion. Each slot holds its key, so a lookup compares within the slot it probes and never
/// touches the flow's record. 48 bytes a slot, at most half of them used.
class OpenFlowTable
{
public:
    static constexpr uint32_t kNone = UINT32_MAX;

    OpenFlowTable();

    /// The open flow of `id` (whose hash() is `hash`), or kNone.
    uint32_t find(const BufferID& id, uint64_t hash) const
    {
        const size_t mask = m_slots.size() - 1;
        const uint32_t tag = uint32_t(hash);
        for (size_t i = hash & mask;; i = (i + 1) & mask) {
            const Slot& s = m_slots[i];
            if (s.flow == kNone)
                return kNone;
            if (s.tag == tag && s.key == id)
                return s.flow;
        }
    }
    /// Adds `id` → `flow`; `id` must not be in the table.
    void insert(const BufferID& id, uint64_t hash, uint32_t flow);
    /// Removes the entry of `flow`, whose key hashes to `hash`.
    void erase(uint64_t hash, uint32_t flow);
    size_t size() const { return m_size; }

private:
    struct Slot
    {
        BufferID key;
        uint32_t flow = kNone;
        uint32_t tag = 0; ///< the low 32 bits of the key's hash: its home slot and a quick check
    };
    void grow();

    std::vector<Slot> m_slots;
    size_t m_size = 0;
};

} // namespace fi
