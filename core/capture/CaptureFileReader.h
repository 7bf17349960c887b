#pragma once

#include "ByteSource.h"
#include "CaptureLayout.h"
#include "Frame.h"
#include "PcapNgReader.h"
#include "PcapRecordWalker.h"

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

struct pcap;

namespace fi {

/// Reads one pcap or pcapng file (any byte order, micro- or nanosecond; plain or compressed)
/// frame by frame for CaptureReader, with
/// nanosecond timestamps, the position of every frame in the file and the interface (and so
/// the link type) that captured it. libpcap opens every file and reads pcapng; the records of
/// classic pcap are walked directly (PcapRecordWalker), giving what libpcap gives, and libpcap
/// reads the few records the walker leaves to it. A pcapng file libpcap refuses (interfaces of
/// different link types or snap lengths, a snap length beyond its limit) is read by
/// PcapNgReader: from its start when libpcap cannot open it, else from where libpcap stopped.
class CaptureFileReader
{
public:
    enum class Status { Frame, End, Truncated, Error };

    CaptureFileReader() = default;
    ~CaptureFileReader();
    CaptureFileReader(const CaptureFileReader&) = delete;
    CaptureFileReader& operator=(const CaptureFileReader&) = delete;

    /// Opens the file as file `fileIndex` of `layout` (not owned), which gets the file and its
    /// interfaces as they are met; on failure returns false and sets errorString().
    bool open(const std::string& path, uint32_t fileIndex, CaptureLayout& layout,
              FramesReadAgain readAgain = FramesReadAgain::Yes);
    void close();

    /// Reads the next frame into `frame` (its data stays valid until the next call); its
    /// number is left alone.
    /// End: no more frames. Truncated: the file ends inside a record. Error: see errorString().
    Status next(FrameView& frame);

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
    /// The next frame of PcapNgReader (a pending one first).
    Status nextFromPcapNg(FrameView& frame);
    /// End or Truncated as `status` says, or Truncated when the file is smaller now than when it
    /// was opened (it shrank while it was read; errorString() says so).
    Status endedEarlyIfShrunk(Status status);
    /// Starts PcapNgReader on the file and steps over the first `frames` frames; true when it
    /// then reads on where libpcap could not (its next frame is kept pending), false when it
    /// fails there too.
    bool takeOverFromLibpcap(uint32_t frames);

    pcap* m_pcap = nullptr;
    std::unique_ptr<char[]> m_fileBuffer; ///< pcapng: libpcap's FILE reads through it
    std::shared_ptr<FileHandle> m_handle; ///< the file (the layout shares it)
    std::FILE* m_stream = nullptr;        ///< what libpcap reads (its pcap_t closes it)
    std::unique_ptr<ByteSource> m_source; ///< its bytes (uncompressed), for the walker and PcapNgReader
    bool m_compressed = false;
    PcapRecordWalker m_walker;
    bool m_walking = false; ///< classic pcap read by m_walker
    PcapNgReader m_pcapNgReader;
    bool m_ownPcapNg = false;     ///< pcapng read by m_pcapNgReader
    FrameView m_pending;          ///< a frame m_pcapNgReader read ahead
    bool m_hasPending = false;
    CaptureLayout* m_layout = nullptr;
    uint32_t m_fileIndex = 0;
    uint32_t m_libpcapInterface = 0; ///< the layout entry of frames libpcap reads
    bool m_pcapng = false;
    uint64_t m_fileSize = 0;
    uint32_t m_framesRead = 0;
    uint64_t m_recordEnd = 0;        ///< pcap read by libpcap: where the previous record ended
    uint32_t m_recordHeaderSize = 16; ///< pcap: bytes of a record header
    std::string m_error;
};

} // namespace fi
