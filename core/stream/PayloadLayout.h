#pragma once

#include "StreamOffsets.h"

#include <cstdint>
#include <span>
#include <vector>

namespace fi {

/// Where one direction's payload goes in a file that holds it in sequence order, as tcpflow
/// writes it: a byte's place in the file is its stream offset (StreamOffsets), so bytes never
/// captured are left as zeros, except that a jump of more than kLargestFilledGap past the
/// stream's end is not filled: the file goes on after it. Each byte is placed once (the first
/// captured copy wins); segments come in capture order and are told where their new bytes go.
///
/// Not placed, and counted as dropped: bytes before the stream's base (offset < 0: sent before
/// the first segment of a stream without SYN, or before the SYN), and bytes that fall, late,
/// inside a jump that was not filled.
class PayloadLayout
{
public:
    static constexpr int64_t kLargestFilledGap = int64_t(16) << 20;

    /// A run of a segment's payload that no earlier segment carried, and its place in the file.
    struct Run
    {
        uint64_t fileOffset = 0;
        uint32_t from = 0;   ///< its first byte in the segment's captured payload
        uint32_t length = 0;
    };

    /// Adds the next segment in capture order: its sequence number and flags, the payload
    /// length it sent and the part of it captured (a snapshot length may cut it short). Returns
    /// the runs of `captured` to write, in increasing offset (valid until the next call).
    const std::vector<Run>& add(uint32_t seq, bool syn, bool fin, uint32_t sentLength,
                                std::span<const uint8_t> captured);

    /// Bytes between the stream's start and its end (one past the highest byte sent, or the
    /// FIN's place when later) that no captured segment carried: zero-filled in the file,
    /// skipped with a jump, or at its end.
    uint64_t missingBytes() const;
    /// Captured bytes that were not placed (see above).
    uint64_t droppedBytes() const { return m_dropped; }
    /// Bytes placed in the file, and the file's size (its last placed byte + 1).
    uint64_t placedBytes() const { return m_placed; }
    uint64_t fileSize() const { return m_fileSize; }

private:
    /// A stream range [from, to).
    struct Range
    {
        int64_t from = 0;
        int64_t to = 0;
    };

    /// Marks [from, to) covered and calls keep(a, b) for each part of it that was not.
    template <class Keep> void cover(int64_t from, int64_t to, Keep&& keep);
    /// Adds the runs of stream range [from, to) outside the jumps: `start` is the segment's
    /// offset.
    void place(int64_t from, int64_t to, int64_t start);

    StreamOffsets m_offsets;
    std::vector<Range> m_covered; ///< stream ranges carried so far: sorted, disjoint, apart
    std::vector<Range> m_jumps;   ///< stream ranges skipped in the file, in increasing order
    int64_t m_end = 0;            ///< one past the highest byte sent (or the FIN)
    uint64_t m_coveredBytes = 0;  ///< in m_covered
    bool m_hasFin = false;
    uint64_t m_dropped = 0;
    uint64_t m_placed = 0;
    uint64_t m_fileSize = 0;
    std::vector<Run> m_runs;
};

} // namespace fi
