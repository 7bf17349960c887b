#pragma once

#include "Frame.h"
#include "PcapFileFormat.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace fi {

/// Walks the records of a classic pcap file without copying each one: the file is read in
/// large blocks and every frame's data is a view into the block. Gives what libpcap 1.10's
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

    /// Starts at file offset `offset` of `fd` (not owned; read with pread, so its file offset is
    /// left alone). Records whose captured length exceeds `longestCaptured` are LongRecords.
    void start(int fd, uint64_t offset, const PcapFileFormat& format, uint32_t longestCaptured);

    /// The next record. Its position, lengths and time go to frame.record, its bytes to
    /// frame.data (valid until the next call); frame.number is left alone. After a LongRecord
    /// the walker stands after it.
    Step next(FrameView& frame);

    /// File offset of the next record: the bytes consumed so far (all of them after Truncated).
    uint64_t offset() const { return m_bufferOffset + m_cursor; }
    /// File offset of the record the last next() looked at.
    uint64_t recordOffset() const { return m_recordOffset; }
    const std::string& errorString() const { return m_error; }

    /// Bytes read from the file at a time; a record up to the largest limit always fits.
    static constexpr size_t kBlockSize = size_t(1) << 20;

private:
    /// Makes `bytes` bytes from the cursor on available, reading more of the file as needed;
    /// false when the file ends first or reading fails (then m_error is set).
    bool ensureBuffered(size_t bytes);
    uint32_t field(const uint8_t* header, size_t index) const;

    std::unique_ptr<uint8_t[]> m_buffer; ///< kBlockSize bytes, allocated by the first start()
    uint64_t m_bufferOffset = 0;         ///< file offset of m_buffer[0]
    size_t m_filled = 0;                 ///< bytes of the file in the buffer
    size_t m_cursor = 0;                 ///< where the next record starts in the buffer
    uint64_t m_recordOffset = 0;
    int m_fd = -1;
    PcapFileFormat m_format;
    uint32_t m_longestCaptured = 0;
    bool m_readFailed = false;
    std::string m_error;
};

} // namespace fi
