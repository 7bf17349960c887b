#include "ReadBuffer.h"

#include "ByteSource.h"

#include <algorithm>
#include <cstring>

namespace fi {

void ReadBuffer::start(ByteSource& source, uint64_t offset)
{
    m_source = &source;
    if (m_buffer.size() < kReadSize)
        m_buffer.resize(kReadSize);
    m_bufferOffset = offset;
    m_filled = 0;
    m_cursor = 0;
    m_failed = false;
    m_error.clear();
}

bool ReadBuffer::ensure(size_t bytes)
{
    if (m_filled - m_cursor >= bytes)
        return true;
    if (m_failed)
        return false;
    // Keep the unread tail (part of a record at most), then fill the rest of the buffer.
    std::memmove(m_buffer.data(), m_buffer.data() + m_cursor, m_filled - m_cursor);
    m_bufferOffset += m_cursor;
    m_filled -= m_cursor;
    m_cursor = 0;
    if (m_buffer.size() < bytes)
        m_buffer.resize(bytes);
    while (m_filled < bytes) {
        const size_t want = std::min(m_buffer.size(), std::max(bytes, m_filled + kReadSize)) - m_filled;
        const ssize_t got = m_source->readAt(m_bufferOffset + m_filled, m_buffer.data() + m_filled, want);
        if (got < 0) {
            m_error = m_source->errorString();
            m_failed = true;
            return false;
        }
        if (got == 0)
            return false; // the end of the source
        m_filled += size_t(got);
    }
    return true;
}

void ReadBuffer::skipTo(uint64_t offset)
{
    if (offset <= m_bufferOffset + m_filled) {
        m_cursor = size_t(offset - m_bufferOffset);
    } else {
        m_bufferOffset = offset;
        m_filled = 0;
        m_cursor = 0;
    }
}

} // namespace fi
