#include "PcapRecordWalker.h"

#include "ByteSwap.h"

#include <cstdio>
#include <cstring>
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
    uint32_t captured = field(header, kCaptured);
    uint32_t original = field(header, kOriginal);
    if (m_format.lengthFields == PcapFileFormat::LengthFields::Exchanged ||
        (m_format.lengthFields == PcapFileFormat::LengthFields::ExchangedWhenCapturedExceedsOriginal &&
         captured > original))
        std::swap(captured, original);

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
    m_buffer.advance(headerSize + captured);
    return Step::Record;
}

} // namespace fi
