#pragma once

#include "Frame.h"
#include "OutputOptions.h"

#include <cstdint>
#include <string>

namespace fi {

/// The pcap global header and record headers in the requested byte order and resolution.
class PcapEncoder
{
public:
    explicit PcapEncoder(const OutputOptions& options);

    /// The 24-byte global header of a file of frames of this link type and snap length (0: not
    /// limited, written as 262144).
    std::string fileHeader(int linkType, uint32_t snapLength) const;
    /// Appends one record (16-byte header and the captured bytes) to `out`.
    void appendRecord(std::string& out, const FrameView& frame) const;

private:
    void put32(std::string& out, uint32_t v) const;
    void put16(std::string& out, uint16_t v) const;

    bool m_swap;
    bool m_nano;
};

} // namespace fi
