#pragma once

#include "StreamOffsets.h"

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

namespace fi {

/// One direction of a TCP connection put back together: the payload of its segments, given in
/// capture order, laid out by sequence number. Each byte is kept once (a retransmitted byte
/// counts once, and the first captured copy wins, as Wireshark's Follow TCP Stream shows it);
/// out-of-order segments take their place; bytes never captured are gaps.
///
/// Offsets are those of StreamOffsets: from the SYN's sequence number + 1, or from the first
/// segment's; 64-bit, they do not wrap.
class StreamReassembler
{
public:
    /// A run of bytes as captured, all from one frame.
    struct Piece
    {
        int64_t offset = 0;   ///< of its first byte in the stream
        uint32_t length = 0;
        uint32_t frame = 0;   ///< the frame that carried it (its first copy)
        size_t data = 0;      ///< where its bytes are in bytes()
    };

    /// Adds a segment: its frame number, TCP sequence number and flags, and its payload (as
    /// captured: a payload cut short by the snapshot length is added as far as it goes).
    void add(uint32_t frame, uint32_t seq, bool syn, bool fin, std::span<const uint8_t> payload);

    /// The captured bytes in stream order, each once: pieces in increasing offset, never
    /// overlapping; where one ends before the next begins, the bytes between were not captured.
    std::vector<Piece> pieces() const;
    /// The bytes of the pieces (Piece::data indexes it).
    const std::string& bytes() const { return m_bytes; }

    /// Whether a segment has been added, and where the stream starts (0, or its lowest offset
    /// below) and ends (one past its highest byte, or the FIN's place when later).
    bool empty() const { return !m_offsets.based(); }
    int64_t begin() const;
    int64_t end() const;
    /// Bytes between begin() and end() that no segment carried.
    uint64_t missingBytes() const;
    /// Bytes that arrived again (retransmitted or overlapping) and were not kept.
    uint64_t duplicateBytes() const { return m_duplicate; }
    bool finished() const { return m_hasFin; }

private:
    StreamOffsets m_offsets;
    bool m_hasFin = false;
    int64_t m_fin = 0;         ///< offset of the FIN
    uint64_t m_duplicate = 0;
    std::map<int64_t, Piece> m_pieces; ///< by offset; never overlapping
    std::string m_bytes;
};

} // namespace fi
