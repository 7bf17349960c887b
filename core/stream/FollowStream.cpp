#include "FollowStream.h"

#include "ConversationIndex.h"
#include "Decoder.h"
#include "FrameSource.h"
#include "TcpPacket.h"

#include <algorithm>

namespace fi {

FollowStream::Input FollowStream::input(const CaptureStore& store, uint32_t flow)
{
    Input in;
    in.layout = store.layout;
    if (flow >= store.flows.size())
        return in;
    in.id = store.flows[flow].id;
    for (const auto& [f, d] : connectionFlows(store, flow))
        for (const FlowPacket& p : store.packetsOf(f)) {
            in.frames.push_back({p.frame, store.frame(p.frame), d});
            in.payloadBytes[d] += p.payloadLength;
        }
    // Both directions' frames in capture order: the order their bytes were sent.
    std::sort(in.frames.begin(), in.frames.end(),
              [](const Input::Frame& a, const Input::Frame& b) { return a.number < b.number; });
    return in;
}

bool FollowStream::build(const CaptureStore& store, uint32_t flow, std::string& error)
{
    if (flow >= store.flows.size()) {
        *this = FollowStream();
        error = "no such flow";
        return false;
    }
    return build(input(store, flow), error);
}

bool FollowStream::build(const Input& input, std::string& error, const std::atomic<bool>* cancel)
{
    *this = FollowStream();
    FrameSource source;
    if (!source.open(input.layout)) {
        error = input.layout.files.empty() ? source.errorString()
                                           : input.layout.files[0].path + ": " + source.errorString();
        return false;
    }
    std::vector<uint8_t> bytes;
    for (const Input::Frame& f : input.frames) {
        if (cancel && cancel->load(std::memory_order_relaxed)) {
            error.clear();
            return false;
        }
        FrameView frame{.number = f.number, .record = f.record};
        if (!source.read(frame, bytes)) {
            error = source.pathOf(frame.record) + ": frame " + std::to_string(frame.number) + ": " +
                    source.errorString();
            return false;
        }
        const TcpPacket tcp = decodeTcp(frame.linkType, bytes.data(), bytes.size(), frame.record.originalLength);
        if (!tcp.valid)
            continue; // (cannot happen: it was a flow packet when traced)
        const auto [from, length] = tcp.capturedPayload(bytes.size());
        m_streams[size_t(f.direction)].add(frame.number, tcp.seq, tcp.syn(), tcp.fin(),
                                               std::span(bytes.data() + from, length));
    }
    return true;
}

std::vector<std::pair<uint32_t, int>> FollowStream::connectionFlows(const CaptureStore& store, uint32_t flow)
{
    // The seed's rule ends a flow at a FIN, so one connection can be several flows a side
    // (the last ACK after a FIN, data after a FIN sent early): the connection is the flow's
    // conversation.
    const BufferID& id = store.flows[flow].id;
    std::vector<std::pair<uint32_t, int>> flows;
    for (uint32_t f : ConversationIndex::connection(store, flow))
        flows.emplace_back(f, store.flows[f].id == id ? 0 : 1);
    return flows;
}

std::vector<FollowStream::Chunk> FollowStream::chunks() const
{
    // A piece can be read once the bytes before it have come: an out-of-order segment waits
    // for the one that fills the hole before it (as Wireshark's Follow TCP Stream delivers
    // them). After bytes never captured, the next piece is read when it comes.
    struct Delivered
    {
        uint32_t at; ///< the frame by which the chunk could be read
        Chunk chunk;
    };
    std::vector<Delivered> out;
    for (int d = 0; d < 2; ++d) {
        const StreamReassembler& s = m_streams[size_t(d)];
        if (s.empty())
            continue;
        int64_t at = s.begin();
        uint32_t readable = 0;
        for (const StreamReassembler::Piece& p : s.pieces()) {
            if (p.offset > at) {
                out.push_back({p.frame, {d, p.frame, at, uint64_t(p.offset - at), true, 0}});
                readable = p.frame;
            } else {
                readable = std::max(readable, p.frame);
            }
            out.push_back({readable, {d, p.frame, p.offset, p.length, false, p.data}});
            at = p.offset + p.length;
        }
        if (s.end() > at)
            out.push_back({UINT32_MAX, {d, UINT32_MAX, at, uint64_t(s.end() - at), true, 0}});
    }
    // by when each could be read (what one frame makes readable is one direction's), then in
    // stream order
    std::sort(out.begin(), out.end(), [](const Delivered& a, const Delivered& b) {
        if (a.at != b.at)
            return a.at < b.at;
        if (a.chunk.direction != b.chunk.direction)
            return a.chunk.direction < b.chunk.direction;
        return a.chunk.offset < b.chunk.offset;
    });
    std::vector<Chunk> chunks;
    chunks.reserve(out.size());
    for (const Delivered& d : out)
        chunks.push_back(d.chunk);
    return chunks;
}

} // namespace fi
