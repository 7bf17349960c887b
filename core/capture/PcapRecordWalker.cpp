#include "PcapRecordWalker.h"

#include <cstdio>

namespace fi {

void PcapRecordWalker::start(ByteSource& source, uint64_t offset, const PcapFileFormat& format,
                             uint32_t longestCaptured)
{
    static_assert(kLongestRecord >= 24 + 262144, "a record of libpcap's largest usual snap length fits");
    m_buffer.start(source, offset);
    m_recordOffset = offset;
    m_format = format;
    m_longestCaptured = longestCaptured < kLongestRecord - format.recordHeaderSize
                            ? longestCaptured
                            : uint32_t(kLongestRecord - format.recordHeaderSize);
    m_error.clear();
}

bool PcapRecordWalker::ensureBuffered(size_t bytes)
{
    if (m_buffer.ensure(bytes))
        return true;
    if (m_buffer.failed())
        m_error = "error reading dump file: " + m_buffer.errorString();
    return false;
}

PcapRecordWalker::Step PcapRecordWalker::next(FrameView& frame)
{
    m_recordOffset = offset();
    const size_t headerSize = m_format.recordHeaderSize;
    if (!ensureBuffered(headerSize)) {
        if (m_buffer.failed())
            return Step::Error;
        const size_t got = m_buffer.available();
        if (got == 0)
            return Step::End;
        char message[128];
        std::snprintf(message, sizeof message,
                      "truncated dump file; tried to read %zu header bytes, only got %zu",
                      headerSize, got);
        m_error = message;
        m_buffer.advance(got);
        return Step::Truncated;
    }

    const uint8_t* header = m_buffer.data();
    const PcapFileFormat::Record record = m_format.record(header);
    const uint32_t captured = record.captured;

    if (captured > m_longestCaptured) {
        // Step over it; whoever reads it instead reads exactly these bytes.
        m_buffer.skipTo(m_recordOffset + headerSize + uint64_t(captured));
        return Step::LongRecord;
    }

    if (!ensureBuffered(headerSize + captured)) {
        if (m_buffer.failed())
            return Step::Error;
        char message[128];
        std::snprintf(message, sizeof message,
                      "truncated dump file; tried to read %u captured bytes, only got %zu",
                      captured, m_buffer.available() - headerSize);
        m_error = message;
        m_buffer.advance(m_buffer.available());
        return Step::Truncated;
    }
    header = m_buffer.data(); // the block may have moved

    frame.record.timeNs = record.timeNs;
    frame.record.capturedLength = captured;
    frame.record.originalLength = record.original;
    frame.record.position = m_recordOffset + headerSize;
    frame.data = header + headerSize;
    m_buffer.advance(headerSize + captured);
    return Step::Record;
}

} // namespace fi
