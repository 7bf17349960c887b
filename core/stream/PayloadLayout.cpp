#include "PayloadLayout.h"

#include <algorithm>

namespace fi {

const std::vector<PayloadLayout::Run>& PayloadLayout::add(uint32_t seq, bool syn, bool fin,
                                                          uint32_t sentLength,
                                                          std::span<const uint8_t> captured)
{
    m_runs.clear();
    const int64_t start = m_offsets.next(seq, syn);
    const int64_t sentStop = start + int64_t(sentLength);
    if (sentLength > 0) {
        if (start > m_end + kLargestFilledGap)
            m_jumps.push_back({m_end, start});
        m_end = std::max(m_end, sentStop);
    }
    if (fin && !m_hasFin) {
        m_hasFin = true;
        m_end = std::max(m_end, sentStop);
    }
    const int64_t stop = start + int64_t(std::min<size_t>(captured.size(), sentLength));
    if (stop <= start)
        return m_runs;
    if (start < 0)
        m_dropped += uint64_t(std::min<int64_t>(stop, 0) - start);
    if (stop <= 0)
        return m_runs;
    cover(std::max<int64_t>(start, 0), stop, [&](int64_t from, int64_t to) {
        m_coveredBytes += uint64_t(to - from);
        place(from, to, start);
    });
    return m_runs;
}

template <class Keep> void PayloadLayout::cover(int64_t from, int64_t to, Keep&& keep)
{
    // the first range that reaches `from` (a range that touches it merges with it)
    const auto first = std::lower_bound(m_covered.begin(), m_covered.end(), from,
                                        [](const Range& r, int64_t x) { return r.to < x; });
    auto last = first;
    int64_t at = from;
    for (; last != m_covered.end() && last->from <= to; ++last) {
        if (last->from > at)
            keep(at, last->from);
        at = std::max(at, last->to);
    }
    if (at < to)
        keep(at, to);
    if (first == last) {
        m_covered.insert(first, {from, to});
    } else {
        first->from = std::min(first->from, from);
        first->to = std::max(std::prev(last)->to, to);
        m_covered.erase(std::next(first), last);
    }
}

void PayloadLayout::place(int64_t from, int64_t to, int64_t start)
{
    auto run = [&](int64_t a, int64_t b, int64_t shift) {
        m_runs.push_back({uint64_t(a - shift), uint32_t(a - start), uint32_t(b - a)});
        m_placed += uint64_t(b - a);
        m_fileSize = std::max(m_fileSize, uint64_t(b - shift));
    };
    // A byte after a jump is that jump's length earlier in the file; one inside it is dropped.
    int64_t shift = 0;
    int64_t at = from;
    for (const Range& jump : m_jumps) {
        if (jump.from >= to)
            break;
        if (jump.to > at) {
            if (jump.from > at)
                run(at, jump.from, shift);
            const int64_t resume = std::min(to, jump.to);
            m_dropped += uint64_t(resume - std::max(at, jump.from));
            at = resume;
        }
        shift += jump.to - jump.from;
    }
    if (at < to)
        run(at, to, shift);
}

uint64_t PayloadLayout::missingBytes() const
{
    return uint64_t(m_end) - m_coveredBytes;
}

} // namespace fi
