#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace fi {

/// The open flows by BufferID's hash (and the TCP analysis's latest connection of each 4-tuple):
/// open addressing with linear probing and backward-shift deletion. A slot is 8 bytes, a flow
/// number and 32 bits of its key's hash, so the table of even 100,000 open flows stays in the
/// cache; a probe looks at a flow's key (through the caller's `matches`) only when those 32 bits
/// agree. At most half of the slots are used.
class OpenFlowTable
{
public:
    static constexpr uint32_t kNone = UINT32_MAX;

    OpenFlowTable();

    /// The open flow whose key hashes to `hash` and for which `matches(flow)` says the key is
    /// the one looked for; kNone if there is none.
    template <typename Matches>
    uint32_t find(uint64_t hash, Matches&& matches) const
    {
        const size_t mask = m_slots.size() - 1;
        const uint32_t tag = uint32_t(hash);
        for (size_t i = hash & mask;; i = (i + 1) & mask) {
            const Slot& s = m_slots[i];
            if (s.flow == kNone)
                return kNone;
            if (s.tag == tag && matches(s.flow))
                return s.flow;
        }
    }
    /// Adds `flow`, whose key hashes to `hash` and is not in the table.
    void insert(uint64_t hash, uint32_t flow);
    /// Removes the entry of `flow`, whose key hashes to `hash`.
    void erase(uint64_t hash, uint32_t flow);
    size_t size() const { return m_size; }

private:
    struct Slot
    {
        uint32_t flow = kNone;
        uint32_t tag = 0; ///< the low 32 bits of the key's hash: its home slot and a quick check
    };
    void grow();

    std::vector<Slot> m_slots;
    size_t m_size = 0;
};

} // namespace fi
