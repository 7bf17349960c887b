#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace fi {

/// The bytes of every flow's file that are not written yet, held in memory within a budget, so
/// that most files are written whole, with one open, one write and one close, however the
/// flows interleave. It counts the memory the buffers hold (their capacity) and keeps the flows
/// that hold memory in the order they were last added to, least recent first: when the budget
/// is exceeded, the owner writes out and releases the least recently added buffers (a flow that
/// went quiet has often ended) until half the budget is free again. A buffer that reaches an
/// eighth of the budget is written out by itself (chunk()), so one long flow never holds more.
class FlowBuffers
{
public:
    static constexpr uint32_t kNone = UINT32_MAX;

    /// `budget`: bytes of memory the buffers may hold; 0 writes every addition at once.
    explicit FlowBuffers(size_t budget);

    /// The flow's buffer, to append to; call added() after appending.
    std::string& bufferOf(uint32_t flow);
    /// Counts what was appended to the flow's buffer and makes it the most recent.
    void added(uint32_t flow);
    /// Whether the flow's buffer is large enough to be written out by itself.
    bool chunkFull(uint32_t flow) const { return m_entries[flow].bytes.size() >= m_chunk; }
    /// Empties the flow's buffer (its bytes were written) and frees its memory.
    void release(uint32_t flow);
    /// Empties every buffer and frees their memory.
    void releaseAll();

    /// Whether buffers should be written out and released, least recent first, to respect the
    /// budget: true from when the budget is exceeded until half of it is free.
    bool overBudget() const { return m_held > m_budget; }
    bool relieved() const { return m_held <= m_budget / 2; }
    /// The flow whose buffer holds memory and was added to least recently; kNone if none.
    uint32_t leastRecent() const { return m_oldest; }

    /// Memory held by the buffers now, and the most they held at once.
    size_t heldBytes() const { return m_held; }
    size_t peakHeldBytes() const { return m_peak; }

private:
    struct Entry
    {
        std::string bytes;
        size_t counted = 0; ///< the memory of `bytes` that m_held counts
        uint32_t older = kNone, newer = kNone;
        bool listed = false;
    };

    static size_t memoryOf(const std::string& bytes);
    void unlink(uint32_t flow);
    void pushNewest(uint32_t flow);

    size_t m_budget;
    size_t m_chunk;
    size_t m_held = 0;
    size_t m_peak = 0;
    std::vector<Entry> m_entries; ///< by flow id
    uint32_t m_oldest = kNone, m_newest = kNone;
};

} // namespace fi
