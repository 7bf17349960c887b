#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace fi {

class ByteSource;

/// Reads a ByteSource forward in large blocks for the record walkers: the bytes from a cursor
/// on are kept in one buffer, so that a record is a view into it, never copied on its own.
class ReadBuffer
{
public:
    /// Bytes asked of the source at a time.
    static constexpr size_t kReadSize = size_t(1) << 20;

    /// Starts at `offset` of `source` (not owned).
    void start(ByteSource& source, uint64_t offset);

    /// Makes `bytes` bytes from the cursor on available (growing the buffer if it must); false
    /// when the source ends first (available() says how many there are) or reading fails
    /// (failed(), errorString()).
    bool ensure(size_t bytes);
    size_t available() const { return m_filled - m_cursor; }
    const uint8_t* data() const { return m_buffer.data() + m_cursor; }
    /// Steps the cursor over `bytes` bytes (up to available()).
    void advance(size_t bytes) { m_cursor += bytes; }
    /// Moves the cursor to `offset`, forward, without reading what lies before it.
    void skipTo(uint64_t offset);
    /// Offset in the source of the cursor.
    uint64_t offset() const { return m_bufferOffset + m_cursor; }
    bool failed() const { return m_failed; }
    const std::string& errorString() const { return m_error; }

private:
    ByteSource* m_source = nullptr;
    std::vector<uint8_t> m_buffer;
    uint64_t m_bufferOffset = 0; ///< source offset of m_buffer[0]
    size_t m_filled = 0;
    size_t m_cursor = 0;
    bool m_failed = false;
    std::string m_error;
};

} // namespace fi
