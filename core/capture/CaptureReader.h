#pragma once

#include "CaptureFileReader.h"
#include "CaptureLayout.h"
#include "Frame.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace fi {

/// Reads a capture frame by frame: one pcap or pcapng file (CaptureFileReader: any byte order
/// and resolution, plain or compressed, several interfaces), or a capture set, several files
/// read as one: their frames merged in time order (the earliest first; of equal times, the
/// earlier file's, as mergecap merges), numbered across them, each with the interface (and so
/// the file) it came from. A file of a set that ends early or is damaged ends there; the others
/// are read to their end, and the set then ends as that file did.
class CaptureReader
{
public:
    using Status = CaptureFileReader::Status;

    CaptureReader() = default;
    CaptureReader(const CaptureReader&) = delete;
    CaptureReader& operator=(const CaptureReader&) = delete;

    /// Opens the file; on failure returns false and sets errorString().
    bool open(const std::string& path, FramesReadAgain readAgain = FramesReadAgain::Yes)
    {
        return open(std::vector<std::string>{path}, readAgain);
    }
    /// Opens the files as one capture; on failure (of any) returns false and sets
    /// errorString(), which names the file when there are several.
    bool open(const std::vector<std::string>& paths, FramesReadAgain readAgain = FramesReadAgain::Yes);
    void close();

    /// Reads the next frame into `frame` (its data stays valid until the next call).
    /// End: no more frames. Truncated: a file ends inside a record. Error: see errorString().
    Status next(FrameView& frame);

    /// The files and the interfaces met so far (frames name theirs by FrameRecord::interface).
    const CaptureLayout& layout() const { return m_layout; }
    /// The first interface's link type and snap length (a classic pcap file's).
    int linkType() const { return m_layout.interfaces.empty() ? 0 : m_layout.interfaces[0].linkType; }
    int snapLength() const { return m_layout.interfaces.empty() ? 0 : int(m_layout.interfaces[0].snapLength); }
    /// Whether the (first) file is pcapng.
    bool isPcapNg() const { return !m_files.empty() && m_files[0]->isPcapNg(); }
    /// Size of the files, and how much of them has been consumed (for progress).
    uint64_t fileSize() const;
    uint64_t bytesRead() const;
    uint32_t framesRead() const { return m_framesRead; }
    const std::string& errorString() const { return m_error; }

private:
    /// A file of a set: its reader and the frame it has read ahead.
    struct Head
    {
        FrameView frame;
        bool ready = false; ///< `frame` is its next one
        bool done = false;  ///< it has no more
    };
    /// Reads file i's next frame into its head; records how a file that ends early ended.
    void advance(size_t i);

    std::vector<std::unique_ptr<CaptureFileReader>> m_files;
    std::vector<Head> m_heads;
    size_t m_taken = SIZE_MAX; ///< the file whose head the previous next() returned
    CaptureLayout m_layout;
    uint32_t m_framesRead = 0;
    Status m_endedEarly = Status::End; ///< how the first file that ended early ended
    std::string m_error;
};

} // namespace fi
