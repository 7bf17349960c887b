#pragma once

#include "CaptureStore.h"
#include "StreamReassembler.h"

#include <array>
#include <atomic>
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

    /// What following a connection reads: its frames in capture order, each with its record
    /// and direction, and where the capture is. Taken from the store (quickly, on the thread
    /// that owns it), it lets build() read and reassemble on another thread.
    struct Input
    {
        struct Frame
        {
            uint32_t number = 0;
            FrameRecord record;
            int direction = 0;
        };
        CaptureLayout layout; ///< of the capture the frames are read from
        BufferID id;                    ///< the flow followed: direction 0
        std::vector<Frame> frames;      ///< both directions, in capture order
        uint64_t payloadBytes[2] = {0, 0}; ///< payload the frames sent, each direction
    };
    static Input input(const CaptureStore& store, uint32_t flow);

    /// Follows flow `flow` of `store`; false with `error` when the capture cannot be read.
    bool build(const CaptureStore& store, uint32_t flow, std::string& error);
    /// Reads and reassembles `input`'s frames; false with `error` (naming the file, and the
    /// frame that could not be read) when the capture cannot be read, or when `cancel` became
    /// true (error empty).
    bool build(const Input& input, std::string& error, const std::atomic<bool>* cancel = nullptr);

    /// Every flow of `flow`'s connection, with its direction (0: as `flow`, 1: the other), in
    /// opening order: its conversation (ConversationIndex::connection).
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
