// libFuzzer target: the stream reassembly fed with arbitrary segment sequences (PacketSequence.h:
// four connections, both directions, each direction its own StreamReassembler, as
// FollowStream uses it). Each direction is also modelled byte by byte from the unwrapped
// positions the sequence intends, and the reassembler's contract is checked against it:
// - offsets count from the SYN's sequence number + 1, or the first segment's;
// - each byte captured is kept once, the first captured copy (its bytes and its frame);
// - pieces in increasing offset, never overlapping, each inside bytes();
// - duplicateBytes() is the bytes added less those kept;
// - begin() is the lowest offset (or 0), end() one past the highest byte or the first FIN's
//   place when later, missingBytes() what lies between them and was not kept;
// - empty() until a segment is added, finished() once a FIN is.

#include "PacketSequence.h"
#include "StreamReassembler.h"

#include <map>
#include <utility>

namespace {

constexpr const char* kTarget = "fuzz_stream";

void check(bool ok, const char* what)
{
    if (!ok)
        fi::fuzz::failed(kTarget, what);
}

/// What one direction's stream must hold.
struct Model
{
    bool based = false;
    int64_t base = 0;                               ///< unwrapped position of offset 0
    std::map<int64_t, std::pair<uint8_t, uint32_t>> bytes; ///< offset → first copy (byte, frame)
    uint64_t added = 0;                             ///< payload bytes given to add()
    bool fin = false;
    int64_t finOffset = 0;

    void add(const fi::fuzz::FuzzSegment& s, uint32_t frame)
    {
        const bool syn = s.flags & fi::TcpFlag::SYN;
        const int64_t first = s.position + (syn ? 1 : 0);
        if (!based) {
            based = true;
            base = first;
        }
        const int64_t start = first - base;
        for (size_t i = 0; i < s.payload.size(); ++i)
            bytes.try_emplace(start + int64_t(i), s.payload[i], frame);
        added += s.payload.size();
        if ((s.flags & fi::TcpFlag::FIN) && !fin) {
            fin = true;
            finOffset = start + int64_t(s.payload.size());
        }
    }
};

void compare(const fi::StreamReassembler& stream, const Model& model)
{
    check(stream.empty() == !model.based, "empty() does not say whether a segment was added");
    check(stream.finished() == model.fin, "finished() does not say whether a FIN was added");
    const std::vector<fi::StreamReassembler::Piece> pieces = stream.pieces();
    uint64_t kept = 0;
    int64_t previousEnd = INT64_MIN;
    auto expected = model.bytes.begin();
    for (const fi::StreamReassembler::Piece& p : pieces) {
        check(p.length > 0, "an empty piece");
        check(p.offset >= previousEnd, "pieces overlap or are out of order");
        check(p.data <= stream.bytes().size() && p.length <= stream.bytes().size() - p.data,
              "a piece's bytes lie outside bytes()");
        previousEnd = p.offset + p.length;
        kept += p.length;
        for (uint32_t i = 0; i < p.length; ++i, ++expected) {
            check(expected != model.bytes.end(), "a piece holds bytes no segment carried");
            check(expected->first == p.offset + int64_t(i), "a byte is at the wrong offset, or one is missing");
            check(uint8_t(stream.bytes()[p.data + i]) == expected->second.first,
                  "a byte is not the first captured copy");
            check(p.frame == expected->second.second, "a piece names a frame other than its bytes' first copy");
        }
    }
    check(expected == model.bytes.end(), "captured bytes are missing from the pieces");
    check(kept == stream.bytes().size(), "bytes() holds bytes no piece uses (a byte kept twice)");
    check(stream.duplicateBytes() == model.added - kept, "duplicateBytes() is not the bytes added less those kept");
    const int64_t begin = model.bytes.empty() ? 0 : std::min<int64_t>(model.bytes.begin()->first, 0);
    int64_t end = model.bytes.empty() ? 0 : model.bytes.rbegin()->first + 1;
    if (model.fin)
        end = std::max(end, model.finOffset);
    check(stream.begin() == begin, "begin() is not the lowest offset (or 0)");
    check(stream.end() == end, "end() is not one past the highest byte or the FIN's place");
    check(stream.missingBytes() == uint64_t(end - begin) - kept, "missingBytes() is not what lies between begin() and end() uncaptured");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    fi::fuzz::PacketSequence sequence(data, size);
    fi::StreamReassembler streams[fi::fuzz::kConnections][2];
    Model models[fi::fuzz::kConnections][2];
    fi::fuzz::FuzzSegment s;
    uint32_t frame = 0;
    while (sequence.next(s)) {
        ++frame;
        fi::StreamReassembler& stream = streams[s.connection][s.direction];
        Model& model = models[s.connection][s.direction];
        const uint64_t duplicateBefore = stream.duplicateBytes();
        stream.add(frame, s.seq, s.flags & fi::TcpFlag::SYN, s.flags & fi::TcpFlag::FIN, s.payload);
        model.add(s, frame);
        check(stream.duplicateBytes() >= duplicateBefore, "duplicateBytes() went down");
        check(stream.duplicateBytes() - duplicateBefore <= s.payload.size(),
              "a segment counted more duplicate bytes than it carried");
    }
    for (int c = 0; c < fi::fuzz::kConnections; ++c)
        for (int d = 0; d < 2; ++d)
            compare(streams[c][d], models[c][d]);
    return 0;
}
