#pragma once

#include "CaptureStore.h"
#include "StreamReassembler.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace fi {

/// Both directions of a TCP connection put back together, as Wireshark's Follow TCP Stream
/// does: the flows of a loaded capture that make up one connection (connectionFlows()), their
/// frames read again from the capture file and their payloads reassembled (StreamReassembler).
class FollowStream
{
public:
    /// A run of one direction's bytes in the order the connection sent them: the bytes one
    /// frame carried first, or a gap of bytes never captured.
    struct Chunk
    {
        int direction = 0;     ///< 0: the flow followed, 1: its other direction
        uint32_t frame = 0;    ///< the frame that carried the bytes (for a gap: the next one)
        int64_t offset = 0;    ///< in its direction's stream
        uint64_t length = 0;
        bool missing = false;  ///< a gap: `length` bytes never captured
        size_t data = 0;       ///< where the bytes are in bytes(direction)
    };

    /// Follows flow `flow` of `store`; false with `error` when the capture cannot be read.
    bool build(const CaptureStore& store, uint32_t flow, std::string& error);

    /// Every flow of `flow`'s connection, with its direction (0: as `flow`, 1: the other), in
    /// capture order: the flows of its BufferID and the mirrored one from the client's SYN
    /// that opened the connection (a flow starting with SYN, not SYN/ACK) up to the next such
    /// SYN; without one, from the first of those flows.
    static std::vector<std::pair<uint32_t, int>> connectionFlows(const CaptureStore& store, uint32_t flow);
    const StreamReassembler& direction(int d) const { return m_streams[size_t(d)]; }
    const std::string& bytes(int d) const { return m_streams[size_t(d)].bytes(); }
    /// Both directions' chunks in the order they could be read: a chunk when the frame that
    /// carried it came, or, out of order, when the hole before it was filled; a direction's
    /// gap just before its next chunk (or at its end).
    std::vector<Chunk> chunks() const;

private:
    std::array<StreamReassembler, 2> m_streams;
};

} // namespace fi
