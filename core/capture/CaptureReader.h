#pragma once

#include "Frame.h"
#include "PcapRecordWalker.h"

#include <cstdint>
#include <memory>
#include <string>

struct pcap;

namespace fi {

/// Reads a pcap or pcapng capture (any byte order, micro- or nanosecond) frame by frame, with
/// nanosecond timestamps and the position of every frame in the file. libpcap opens every file
/// and reads pcapng; the records of classic pcap are walked directly (PcapRecordWalker), giving
/// what libpcap gives, and libpcap reads the few records the walker leaves to it.
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
    /// The next record of a classic pcap file, from the walker or, for a long one, libpcap.
    Status nextWalked(FrameView& frame);
    /// The next frame of a file libpcap reads throughout (pcapng, or pcap whose records
    /// libpcap rewrites), positioned by where libpcap's reading stands.
    Status nextFromLibpcap(FrameView& frame);
    /// One pcap_next_ex: the frame's lengths, time and data (not its position or number).
    Status readWithLibpcap(FrameView& frame);

    pcap* m_pcap = nullptr;
    std::unique_ptr<char[]> m_fileBuffer; ///< pcapng: libpcap's FILE reads through it
    PcapRecordWalker m_walker;
    bool m_walking = false; ///< classic pcap read by m_walker
    int m_linkType = 0;
    int m_snapLength = 0;
    bool m_pcapng = false;
    uint64_t m_fileSize = 0;
    uint32_t m_framesRead = 0;
    uint64_t m_recordEnd = 0;        ///< pcap read by libpcap: where the previous record ended
    uint32_t m_recordHeaderSize = 16; ///< pcap: bytes of a record header
    std::string m_error;
};

} // namespace fi
