#pragma once

#include "CaptureLayout.h"
#include "Frame.h"
#include "ReadBuffer.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace fi {

class ByteSource;

/// Reads a pcapng file block by block, as the pcapng specification describes it, where
/// libpcap cannot: every section (in its own byte order) and every interface with its own link
/// type, snap length, timestamp resolution (if_tsresol) and offset (if_tsoffset). Enhanced,
/// simple and obsolete packet blocks are frames; other blocks are stepped over. Each interface
/// becomes an entry of the capture's CaptureLayout as its description is read.
class PcapNgReader
{
public:
    enum class Step {
        Frame,     ///< a frame: record, link type and data filled in
        End,       ///< the file ends after the previous block
        Truncated, ///< the file ends inside a block
        Error,     ///< a block is invalid or reading failed; errorString()
    };

    PcapNgReader() = default;
    PcapNgReader(const PcapNgReader&) = delete;
    PcapNgReader& operator=(const PcapNgReader&) = delete;

    /// Starts at the beginning of `source` (not owned), whose file is `file` in `layout`; the
    /// interfaces described are appended to `layout` (not owned).
    void start(ByteSource& source, uint32_t file, CaptureLayout& layout);

    /// The next frame. Its record (position: the end of its block), link type and bytes (valid
    /// until the next call) go to `frame`; frame.number is left alone.
    Step next(FrameView& frame);

    /// Bytes consumed so far.
    uint64_t offset() const { return m_buffer.offset(); }
    const std::string& errorString() const { return m_error; }

    /// The largest block read (libpcap's limit is 16 MiB).
    static constexpr uint32_t kLargestBlock = 64u << 20;

private:
    /// An interface of the current section: its layout entry and its clock.
    struct Interface
    {
        uint32_t layoutIndex = 0;
        uint32_t snapLength = 0;
        int linkType = 0;
        uint64_t unitsPerSecond = 1'000'000; ///< of its timestamps (if_tsresol)
        int64_t offsetSeconds = 0;
    };

    uint32_t u32(size_t at) const;
    uint16_t u16(size_t at) const;
    Step fail(std::string message);
    Step readSectionHeader(size_t length);
    Step readInterface(size_t length);
    Step readPacket(uint32_t type, size_t length, FrameView& frame);
    /// Nanoseconds since the epoch of a pcapng timestamp of `iface`; false when out of range.
    static bool toNanoseconds(uint64_t units, const Interface& iface, int64_t& out);

    CaptureLayout* m_layout = nullptr;
    uint32_t m_file = 0;
    ReadBuffer m_buffer; ///< its cursor at the start of the next block
    bool m_swapped = false; ///< the section is in the other byte order
    int m_section = -1;     ///< sections met so far minus one
    std::vector<Interface> m_interfaces;
    std::string m_error;
};

} // namespace fi
