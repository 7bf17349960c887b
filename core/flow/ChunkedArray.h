#pragma once

#include <cstddef>
#include <memory>
#include <vector>

namespace fi {

/// An append-only array stored in fixed-size chunks: growing it never copies what it holds
/// (so peak memory stays at its size), and element addresses stay valid.
template <typename T, size_t ChunkBits = 16>
class ChunkedArray
{
public:
    static constexpr size_t kChunkSize = size_t(1) << ChunkBits;

    void push_back(const T& value)
    {
        if ((m_size & (kChunkSize - 1)) == 0 && (m_size >> ChunkBits) == m_chunks.size())
            m_chunks.push_back(std::make_unique_for_overwrite<T[]>(kChunkSize));
        m_chunks[m_size >> ChunkBits][m_size & (kChunkSize - 1)] = value;
        ++m_size;
    }
    const T& operator[](size_t i) const { return m_chunks[i >> ChunkBits][i & (kChunkSize - 1)]; }
    T& operator[](size_t i) { return m_chunks[i >> ChunkBits][i & (kChunkSize - 1)]; }
    size_t size() const { return m_size; }
    bool empty() const { return m_size == 0; }
    void clear()
    {
        m_chunks.clear();
        m_size = 0;
    }

private:
    std::vector<std::unique_ptr<T[]>> m_chunks;
    size_t m_size = 0;
};

} // namespace fi
