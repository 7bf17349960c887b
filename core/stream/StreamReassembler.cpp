#include "StreamReassembler.h"

#include <algorithm>

namespace fi {

void StreamReassembler::add(uint32_t frame, uint32_t seq, bool syn, bool fin, std::span<const uint8_t> payload)
{
    const int64_t start = m_offsets.next(seq, syn);
    const int64_t stop = start + int64_t(payload.size());
    if (fin && !m_hasFin) {
        m_hasFin = true;
        m_fin = stop;
    }
    if (payload.empty())
        return;

    // Keep only the parts no earlier segment carried: walk the pieces that overlap
    // [start, stop) and add what lies between them.
    int64_t at = start;
    auto it = m_pieces.upper_bound(start);
    if (it != m_pieces.begin()) {
        auto before = std::prev(it);
        if (before->first + before->second.length > start)
            it = before;
    }
    auto keep = [&](int64_t from, int64_t to) {
        if (to <= from)
            return;
        Piece piece;
        piece.offset = from;
        piece.length = uint32_t(to - from);
        piece.frame = frame;
        piece.data = m_bytes.size();
        m_bytes.append(reinterpret_cast<const char*>(payload.data()) + (from - start), size_t(to - from));
        m_pieces.emplace(from, piece);
    };
    for (; it != m_pieces.end() && it->first < stop; ++it) {
        const int64_t pieceEnd = it->first + it->second.length;
        keep(at, std::min(it->first, stop));
        const int64_t overlapFrom = std::max(at, it->first);
        const int64_t overlapTo = std::min(stop, pieceEnd);
        if (overlapTo > overlapFrom)
            m_duplicate += uint64_t(overlapTo - overlapFrom);
        at = std::max(at, pieceEnd);
    }
    keep(at, stop);
}

std::vector<StreamReassembler::Piece> StreamReassembler::pieces() const
{
    std::vector<Piece> out;
    out.reserve(m_pieces.size());
    for (const auto& [offset, piece] : m_pieces)
        out.push_back(piece);
    return out;
}

int64_t StreamReassembler::begin() const
{
    // (a FIN sent again with an older sequence number does not reach back: only data does)
    return m_pieces.empty() ? 0 : std::min<int64_t>(m_pieces.begin()->first, 0);
}

int64_t StreamReassembler::end() const
{
    int64_t end = 0;
    if (!m_pieces.empty()) {
        const Piece& last = m_pieces.rbegin()->second;
        end = last.offset + last.length;
    }
    return m_hasFin ? std::max(end, m_fin) : end;
}

uint64_t StreamReassembler::missingBytes() const
{
    uint64_t captured = 0;
    for (const auto& [offset, piece] : m_pieces)
        captured += piece.length;
    return uint64_t(end() - begin()) - captured;
}

} // namespace fi
