#pragma once

#include "Frame.h"

#include <cstdint>
#include <memory>
#include <string>

struct pcap;

namespace fi {

/// Reads a pcap or pcapng capture (any byte order, micro- or nanosecond) frame by frame
/// through libpcap, with nanosecond timestamps and the position of every frame in the file.
class CaptureReader
{
public:
    enum class Status { Frame, End, Truncated, Error };

    CaptureReader() = default;
    ~CaptureReader();
    CaptureReader(const CaptureReader&) = delete;
    CaptureReader& operator=(const CaptureReader&) = delete;

    /// Opens the file; on failure returns false and sets errorString().
    bool open(const std::string& path);
    void close();

    /// Reads the next frame into `frame` (its data stays valid until the next call).
    /// End: no more frames. Truncated: the file ends inside a record. Error: see errorString().
    Status next(FrameView& frame);

    int linkType() const { return m_linkType; }
    int snapLength() const { return m_snapLength; }
    bool isPcapNg() const { return m_pcapng; }
    uint64_t fileSize() const { return m_fileSize; }
    /// Bytes of the file consumed so far (for progress).
    uint64_t bytesRead() const;
    uint32_t framesRead() const { return m_framesRead; }
    const std::string& errorString() const { return m_error; }

private:
    pcap* m_pcap = nullptr;
    std::unique_ptr<char[]> m_fileBuffer; ///< libpcap's FILE reads through it
    int m_linkType = 0;
    int m_snapLength = 0;
    bool m_pcapng = false;
    uint64_t m_fileSize = 0;
    uint32_t m_framesRead = 0;
    uint64_t m_recordEnd = 0;        ///< pcap: where the previous record ended
    uint32_t m_recordHeaderSize = 16; ///< pcap: bytes of a record header
    std::string m_error;
};

} // namespace fi
