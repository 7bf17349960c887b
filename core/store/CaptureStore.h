#pragma once

#include "CaptureLayout.h"
#include "ChunkedArray.h"
#include "FlowAnalysis.h"
#include "FlowTracker.h"
#include "FlowTypes.h"
#include "TcpAnalysis.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace fi {

/// One flow packet as the views need it: its frame number, TCP fields and the TCP analysis
/// flags (TcpAnalysisFlag bits). 32 bytes.
struct FlowPacket
{
    uint32_t frame = 0;
    uint32_t seq = 0;
    uint32_t ack = 0;
    uint32_t payloadLength = 0;
    /// TCP analysis of an ACK: the other side's segment it acknowledged (Wireshark's
    /// `tcp.analysis.acks_frame`; its RTT is the time between the two frames); 0: none.
    uint32_t acksFrame = 0;
    /// TCP analysis of a segment with data: the bytes in flight once it is sent; 0: not known.
    uint32_t bytesInFlight = 0;
    uint16_t window = 0;
    uint8_t flags = 0;
    uint16_t analysis = 0; ///< fi::TcpAnalysisFlag bits

    /// The packet of frame `number` with the TCP fields of its decode.
    static FlowPacket from(uint32_t number, const TcpPacket& tcp);
};

/// A flow as the views need it: the seed's Index fields plus its packets' TCP fields.
struct FlowRecord
{
    /// Its label, made from its key and its first packet's time when asked for (not kept: the
    /// labels of 250,000 flows took 24 MB).
    LabelText labelText() const { return LabelText(id, stats.first()); }
    std::string label() const { return labelText().str(); }

    BufferID id;
    FlowStats stats;
    FlowAnalysis analysis;
    /// Its connection's history and state as Zeek gives them (the same for every flow of a
    /// connection), as of the latest batch.
    ConnectionSummary connection;
    std::vector<FlowPacket> packets;
    /// The other direction of the same connection: the flow of the mirrored BufferID that was
    /// open when this one opened, or that opened while this one was open; kNoFlow if none.
    uint32_t reverse = FlowTracker::kNoFlow;
};

/// What a loader found since its previous batch: new frames (in order), the new flow packets,
/// flows opened, the statistics of every flow the batch touched, and what TCP analysis made
/// of the packets. Made in two stages (LoadBatchBuilder: the flow rule's part, with what the
/// analysis reads of the packets in `segments`; LoadBatchAnalyzer: the analysis'), immutable
/// once sent.
struct LoadBatch
{
    uint64_t generation = 0;
    uint32_t firstFrame = 1; ///< number of frames[0]
    std::vector<FrameRecord> frames;
    std::vector<std::pair<uint32_t, FlowPacket>> packets; ///< (flow id, packet)
    std::vector<SegmentAnalysis> analyses; ///< of each packet, as packets (summed into the flows' figures)
    /// Of each packet, as packets, what the analysis reads of it, until it has (then empty)
    std::vector<TcpSegment> segments;
    struct NewFlow
    {
        BufferID id;
        int64_t firstNs = 0; ///< its first packet's time (its label's)
        uint32_t reverse = FlowTracker::kNoFlow;
    };
    std::vector<NewFlow> newFlows; ///< in flow id order
    uint32_t firstNewFlow = 0;     ///< flow id of newFlows[0]
    /// (earlier flow, new flow): an earlier flow whose other direction opened in this batch
    std::vector<std::pair<uint32_t, uint32_t>> reverseLinks;
    /// A flow's statistics as they stand at the end of the batch.
    struct FlowUpdate
    {
        uint32_t flow;
        FlowStats stats;
    };
    /// Of every flow the batch touched.
    std::vector<FlowUpdate> updates;
    /// (flow, its connection's history and state) of every flow whose connection the batch
    /// changed.
    std::vector<std::pair<uint32_t, ConnectionSummary>> connectionUpdates;
    uint64_t bytesRead = 0;
    uint64_t fileSize = 0;
    /// The capture's files and interfaces when they changed since the previous batch.
    std::optional<CaptureLayout> layout;
};

/// A loaded capture: where it is, every frame's record and every flow, filled batch by batch.
class CaptureStore
{
public:
    std::string path; ///< the capture as the user named it (its first file)
    CaptureLayout layout; ///< its files and interfaces, as far as loaded

    ChunkedArray<FrameRecord> frames; ///< frame number n is frames[n - 1]
    ChunkedArray<uint32_t> frameFlows; ///< by frame as frames: its flow id, or kNoFlow (not TCP)
    /// By flow id (opening order). In chunks: growing never moves a flow (a copy of every
    /// flow at each doubling held the window for a tenth of a second at 250,000 flows).
    ChunkedArray<FlowRecord, 12> flows;

    /// Applies a batch; batches must come in order.
    void apply(const LoadBatch& batch);
    const FrameRecord& frame(uint32_t number) const { return frames[number - 1]; }
    /// The flow of frame `number`, or FlowTracker::kNoFlow.
    uint32_t flowOfFrame(uint32_t number) const { return frameFlows[number - 1]; }
    /// Time of the capture's first frame (0 when empty).
    int64_t startNs() const { return frames.empty() ? 0 : frames[0].timeNs; }
    /// The flow packet of frame `number`, or nullptr when it is none.
    const FlowPacket* packetOfFrame(uint32_t number) const;
    /// An ACK's round trip time: from the segment it acknowledged (`acksFrame`) to it
    /// (Wireshark's `tcp.analysis.ack_rtt`; negative if the capture's clock stepped back).
    std::optional<int64_t> ackRttNs(const FlowPacket& ack) const
    {
        if (ack.acksFrame == 0)
            return std::nullopt;
        return frame(ack.frame).timeNs - frame(ack.acksFrame).timeNs;
    }
};

} // namespace fi
