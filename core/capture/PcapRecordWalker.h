#pragma once

#include "Frame.h"
#include "PcapFileFormat.h"
#include "ReadBuffer.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace fi {

/// Walks the records of a classic pcap file without copying each one: the file is read in
/// large blocks (ReadBuffer) and every frame's data is a view into the block. Gives what libpcap 1.10's
/// pcap_next_packet gives (lengths, timestamps scaled to nanoseconds, its messages for a file
/// that ends inside a record) for every record up to a given captured length; a longer record
/// is reported, not read, for libpcap to decide (it may be an error or cut to the snap length).
class PcapRecordWalker
{
public:
    enum class Step {
        Record,     ///< a frame: record fields and data filled in
        End,        ///< the file ends after the previous record
        Truncated,  ///< the file ends inside this record; errorString() says where
        Error,      ///< reading failed; errorString()
        LongRecord, ///< captured length above the limit: not read, see recordOffset()
    };

    PcapRecordWalker() = default;
    PcapRecordWalker(const PcapRecordWalker&) = delete;
    PcapRecordWalker& operator=(const PcapRecordWalker&) = delete;

    /// Starts at offset `offset` of `source` (not owned). Records whose captured length exceeds
    /// `longestCaptured` are LongRecords.
    void start(ByteSource& source, uint64_t offset, const PcapFileFormat& format, uint32_t longestCaptured);

    /// The next record. Its position, lengths and time go to frame.record, its bytes to
    /// frame.data (valid until the next call); frame.number is left alone. After a LongRecord
    /// the walker stands after it.
    Step next(FrameView& frame);

    /// File offset of the next record: the bytes consumed so far (all of them after Truncated).
    uint64_t offset() const { return m_buffer.offset(); }
    /// File offset of the record the last next() looked at.
    uint64_t recordOffset() const { return m_recordOffset; }
    const std::string& errorString() const { return m_error; }

    /// The largest record read here; a longer one is left to libpcap.
    static constexpr size_t kLongestRecord = ReadBuffer::kReadSize;

private:
    /// ReadBuffer::ensure(), with libpcap's message when reading fails.
    bool ensureBuffered(size_t bytes);

    ReadBuffer m_buffer;
    uint64_t m_recordOffset = 0;
    PcapFileFormat m_format;
    uint32_t m_longestCaptured = 0;
    std::string m_error;
};

} // namespace fi
