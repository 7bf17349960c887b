#pragma once

#include "Timestamp.h"

#include <cstdint>

namespace fi {

/// Where a frame lies in its file, which interface captured it and what its record header
/// says. 24 bytes, stored for every frame so that any frame can be read again later without
/// rescanning the file.
struct FrameRecord
{
    /// Positions and interface indexes fit these bits (256 TiB; 65,536 interfaces).
    static constexpr int kPositionBits = 48;
    static constexpr uint64_t kMaxPosition = (uint64_t(1) << kPositionBits) - 1;
    static constexpr uint32_t kMaxInterfaces = 1u << (64 - kPositionBits);

    /// pcap: file offset of the frame's first byte. pcapng: file offset of the end of the
    /// block holding it (the data offset is resolved from the block when the frame is read).
    /// Of the uncompressed bytes, for a compressed file.
    uint64_t position : kPositionBits = 0;
    /// Index of the interface that captured it in its capture's CaptureLayout (which also says
    /// its file and link type).
    uint64_t interface : 64 - kPositionBits = 0;
    int64_t timeNs = 0; ///< epoch time in nanoseconds
    uint32_t capturedLength = 0;
    uint32_t originalLength = 0;

    Timestamp timestamp() const { return Timestamp::fromNanoseconds(timeNs); }
};
static_assert(sizeof(FrameRecord) == 24);

/// One frame as it is read: its record plus its number, its interface's link type and snap
/// length, and a view of its captured bytes.
struct FrameView
{
    uint32_t number = 0; ///< from 1, in capture order, every frame counted
    int linkType = 0;    ///< LINKTYPE_* of its interface
    uint32_t snapLength = 0;
    FrameRecord record;
    const uint8_t* data = nullptr; ///< capturedLength bytes, valid until the next read
};

} // namespace fi
