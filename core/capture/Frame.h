#pragma once

#include "Timestamp.h"

#include <cstdint>

namespace fi {

/// Where a frame lies in its file and what its record header says. 24 bytes, stored for every
/// frame so that any frame can be read again later without rescanning the file.
struct FrameRecord
{
    /// pcap: file offset of the frame's first byte. pcapng: file offset of the end of the
    /// block holding it (the data offset is resolved from the block when the frame is read).
    uint64_t position = 0;
    int64_t timeNs = 0; ///< epoch time in nanoseconds
    uint32_t capturedLength = 0;
    uint32_t originalLength = 0;

    Timestamp timestamp() const { return Timestamp::fromNanoseconds(timeNs); }
};
static_assert(sizeof(FrameRecord) == 24);

/// One frame as it is read: its record plus its number and a view of its captured bytes.
struct FrameView
{
    uint32_t number = 0; ///< from 1, in file order, every frame counted
    FrameRecord record;
    const uint8_t* data = nullptr; ///< capturedLength bytes, valid until the next read
};

} // namespace fi
