#pragma once

#include <cstddef>
#include <memory>
#include <type_traits>
#include <vector>

namespace fi {

/// An append-only array stored in fixed-size chunks: growing it never copies what it holds
/// (so peak memory stays at its size), and element addresses stay valid.
template <typename T, size_t ChunkBits = 16>
class ChunkedArray
{
public:
    static constexpr size_t kChunkSize = size_t(1) << ChunkBits;

    void push_back(const T& value) { emplace_back() = value; }
    /// Appends an element and returns it: default-initialised (trivial types: indeterminate).
    T& emplace_back()
    {
        if ((m_size & (kChunkSize - 1)) == 0 && (m_size >> ChunkBits) == m_chunks.size())
            m_chunks.push_back(std::make_unique_for_overwrite<T[]>(kChunkSize));
        T& slot = m_chunks[m_size >> ChunkBits][m_size & (kChunkSize - 1)];
        ++m_size;
        return slot;
    }
    const T& operator[](size_t i) const { return m_chunks[i >> ChunkBits][i & (kChunkSize - 1)]; }
    T& operator[](size_t i) { return m_chunks[i >> ChunkBits][i & (kChunkSize - 1)]; }
    const T& back() const { return (*this)[m_size - 1]; }
    T& back() { return (*this)[m_size - 1]; }
    size_t size() const { return m_size; }
    bool empty() const { return m_size == 0; }
    void clear()
    {
        m_chunks.clear();
        m_size = 0;
    }

    /// In index order.
    template <typename Array, typename Value>
    class Iterator
    {
    public:
        using value_type = std::remove_const_t<Value>;
        using difference_type = std::ptrdiff_t;
        Iterator() = default;
        Iterator(Array* array, size_t i) : m_array(array), m_i(i) {}
        Value& operator*() const { return (*m_array)[m_i]; }
        Value* operator->() const { return &(*m_array)[m_i]; }
        Iterator& operator++()
        {
            ++m_i;
            return *this;
        }
        Iterator operator++(int)
        {
            Iterator before = *this;
            ++m_i;
            return before;
        }
        friend bool operator==(const Iterator& a, const Iterator& b) { return a.m_i == b.m_i; }

    private:
        Array* m_array = nullptr;
        size_t m_i = 0;
    };
    using iterator = Iterator<ChunkedArray, T>;
    using const_iterator = Iterator<const ChunkedArray, const T>;
    iterator begin() { return {this, 0}; }
    iterator end() { return {this, m_size}; }
    const_iterator begin() const { return {this, 0}; }
    const_iterator end() const { return {this, m_size}; }

private:
    std::vector<std::unique_ptr<T[]>> m_chunks;
    size_t m_size = 0;
};

} // namespace fi
