#include "PcapRecordWalker.h"

#include "ByteSwap.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <unistd.h>
#include <utility>

namespace fi {

namespace {

// A record header: seconds, fraction of a second, captured length, original length (then, in
// Kuznetzov's format, 8 bytes the reader does not use).
constexpr size_t kSeconds = 0;
constexpr size_t kFraction = 1;
constexpr size_t kCaptured = 2;
constexpr size_t kOriginal = 3;

} // namespace

void PcapRecordWalker::start(int fd, uint64_t offset, const PcapFileFormat& format,
                             uint32_t longestCaptured)
{
    static_assert(kBlockSize >= 24 + 262144, "a record of libpcap's largest usual snap length fits");
    if (!m_buffer)
        m_buffer = std::make_unique_for_overwrite<uint8_t[]>(kBlockSize);
    m_fd = fd;
    m_bufferOffset = offset;
    m_filled = 0;
    m_cursor = 0;
    m_recordOffset = offset;
    m_format = format;
    m_longestCaptured = longestCaptured < kBlockSize - format.recordHeaderSize
                            ? longestCaptured
                            : uint32_t(kBlockSize - format.recordHeaderSize);
    m_readFailed = false;
    m_error.clear();
}

bool PcapRecordWalker::ensureBuffered(size_t bytes)
{
    if (m_filled - m_cursor >= bytes)
        return true;
    if (m_readFailed)
        return false;
    // Keep the unread tail (part of a record at most), then fill the rest of the block.
    std::memmove(m_buffer.get(), m_buffer.get() + m_cursor, m_filled - m_cursor);
    m_bufferOffset += m_cursor;
    m_filled -= m_cursor;
    m_cursor = 0;
    while (m_filled < bytes) {
        const ssize_t got = ::pread(m_fd, m_buffer.get() + m_filled, kBlockSize - m_filled,
                                    off_t(m_bufferOffset + m_filled));
        if (got < 0) {
            if (errno == EINTR)
                continue;
            m_error = std::string("error reading dump file: ") + std::strerror(errno);
            m_readFailed = true;
            return false;
        }
        if (got == 0)
            return false; // the end of the file
        m_filled += size_t(got);
    }
    return true;
}

uint32_t PcapRecordWalker::field(const uint8_t* header, size_t index) const
{
    uint32_t value;
    std::memcpy(&value, header + 4 * index, 4);
    return m_format.byteSwapped ? byteSwapped(value) : value;
}

PcapRecordWalker::Step PcapRecordWalker::next(FrameView& frame)
{
    m_recordOffset = offset();
    const size_t headerSize = m_format.recordHeaderSize;
    if (!ensureBuffered(headerSize)) {
        if (m_readFailed)
            return Step::Error;
        const size_t got = m_filled - m_cursor;
        if (got == 0)
            return Step::End;
        char message[128];
        std::snprintf(message, sizeof message,
                      "truncated dump file; tried to read %zu header bytes, only got %zu",
                      headerSize, got);
        m_error = message;
        m_cursor = m_filled;
        return Step::Truncated;
    }

    const uint8_t* header = m_buffer.get() + m_cursor;
    uint32_t captured = field(header, kCaptured);
    uint32_t original = field(header, kOriginal);
    if (m_format.lengthFields == PcapFileFormat::LengthFields::Exchanged ||
        (m_format.lengthFields == PcapFileFormat::LengthFields::ExchangedWhenCapturedExceedsOriginal &&
         captured > original))
        std::swap(captured, original);

    if (captured > m_longestCaptured) {
        // Step over it; whoever reads it instead reads exactly these bytes.
        const uint64_t recordSize = headerSize + uint64_t(captured);
        if (m_filled - m_cursor >= recordSize) {
            m_cursor += size_t(recordSize);
        } else {
            m_bufferOffset = m_recordOffset + recordSize;
            m_filled = 0;
            m_cursor = 0;
        }
        return Step::LongRecord;
    }

    if (!ensureBuffered(headerSize + captured)) {
        if (m_readFailed)
            return Step::Error;
        char message[128];
        std::snprintf(message, sizeof message,
                      "truncated dump file; tried to read %u captured bytes, only got %zu",
                      captured, m_filled - m_cursor - headerSize);
        m_error = message;
        m_cursor = m_filled;
        return Step::Truncated;
    }
    header = m_buffer.get() + m_cursor; // the block may have moved

    // pcap seconds are unsigned 32-bit (libpcap reads them signed, so 2038 and later would be
    // negative). libpcap reads the fraction signed in this machine's byte order but unsigned
    // when it swaps the bytes; a microsecond fraction is scaled up.
    const uint32_t fractionField = field(header, kFraction);
    const int64_t fraction = m_format.byteSwapped ? int64_t(fractionField) : int64_t(int32_t(fractionField));
    frame.record.timeNs = int64_t(field(header, kSeconds)) * 1'000'000'000 +
                          (m_format.nanosecond ? fraction : fraction * 1000);
    frame.record.capturedLength = captured;
    frame.record.originalLength = original;
    frame.record.position = m_recordOffset + headerSize;
    frame.data = header + headerSize;
    m_cursor += headerSize + captured;
    return Step::Record;
}

} // namespace fi
