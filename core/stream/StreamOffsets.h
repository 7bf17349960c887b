#pragma once

#include <cstdint>

namespace fi {

/// Where the bytes of one direction of a TCP connection are in its stream: the 64-bit offset of
/// a segment's first payload byte, counted from the stream's base. The base is the SYN's
/// sequence number + 1, or without a SYN the first segment's sequence number (bytes sent before
/// it, seen later, get negative offsets). Sequence numbers wrap at 2^32; each is taken as the
/// one of its 2^32 aliases nearest the last segment's offset, so offsets do not wrap.
class StreamOffsets
{
public:
    /// The offset of the payload of the segment (`seq`, `syn`) that comes next in capture
    /// order. A SYN's sequence number is the byte before its data (a SYN retransmitted, or a
    /// SYN carrying data, as TCP Fast Open does).
    int64_t next(uint32_t seq, bool syn)
    {
        const uint32_t first = syn ? seq + 1 : seq;
        if (!m_based) {
            m_based = true;
            m_base = first;
            m_last = 0;
            return 0;
        }
        // the difference to the last offset's sequence number, taken as a signed 32-bit step
        const uint32_t lastSeq = m_base + uint32_t(uint64_t(m_last));
        m_last += int64_t(int32_t(first - lastSeq));
        return m_last;
    }

    /// Whether a segment has been placed.
    bool based() const { return m_based; }

private:
    bool m_based = false;
    uint32_t m_base = 0; ///< sequence number of offset 0
    int64_t m_last = 0;  ///< offset of the last segment, for unwrapping
};

} // namespace fi
