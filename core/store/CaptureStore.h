#pragma once

#include "CaptureLayout.h"
#include "ChunkedArray.h"
#include "FlowAnalysis.h"
#include "FlowTracker.h"
#include "FlowTypes.h"
#include "TcpAnalysis.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace fi {

/// One flow packet as the views need it: its frame number, its flow, TCP fields and the TCP
/// analysis flags (TcpAnalysisFlag bits). 40 bytes.
struct FlowPacket
{
    static constexpr uint32_t kNone = UINT32_MAX;
    uint32_t frame = 0;
    uint32_t flow = FlowTracker::kNoFlow;
    /// In CaptureStore::packets: the index of the same flow's packet before it; kNone: none
    /// (set by CaptureStore::addPacket).
    uint32_t previous = kNone;
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

    /// The packet of frame `number` of flow `flow` with the TCP fields of its decode.
    static FlowPacket from(uint32_t number, uint32_t flow, const TcpPacket& tcp);
};

/// A flow's packets in capture order, as indexes into CaptureStore::packets: a part of the
/// store's index of every flow's packets once it has one (CaptureStore::indexPackets), else
/// its own, found by following FlowPacket::previous from the flow's last.
class FlowPacketList
{
public:
    FlowPacketList() = default;
    /// `count` indexes at `indexes` (which must outlive the list).
    FlowPacketList(const ChunkedArray<FlowPacket>& packets, const uint32_t* indexes, size_t count)
        : m_packets(&packets), m_indexes(indexes), m_size(count)
    {
    }
    FlowPacketList(const ChunkedArray<FlowPacket>& packets, std::vector<uint32_t> own)
        : m_packets(&packets), m_own(std::move(own))
    {
        m_indexes = m_own.data();
        m_size = m_own.size();
    }
    // (moving a vector keeps its elements where they are; a copy would not)
    FlowPacketList(FlowPacketList&&) = default;
    FlowPacketList& operator=(FlowPacketList&&) = default;
    FlowPacketList(const FlowPacketList&) = delete;
    FlowPacketList& operator=(const FlowPacketList&) = delete;

    size_t size() const { return m_size; }
    bool empty() const { return m_size == 0; }
    const FlowPacket& operator[](size_t i) const { return (*m_packets)[m_indexes[i]]; }
    const FlowPacket& front() const { return (*this)[0]; }
    const FlowPacket& back() const { return (*this)[size() - 1]; }
    /// The index in CaptureStore::packets of the i-th.
    uint32_t index(size_t i) const { return m_indexes[i]; }

    /// In capture order.
    class const_iterator
    {
    public:
        using value_type = FlowPacket;
        using difference_type = std::ptrdiff_t;
        const_iterator() = default;
        const_iterator(const FlowPacketList* list, size_t i) : m_list(list), m_i(i) {}
        const FlowPacket& operator*() const { return (*m_list)[m_i]; }
        const FlowPacket* operator->() const { return &(*m_list)[m_i]; }
        const_iterator& operator++()
        {
            ++m_i;
            return *this;
        }
        const_iterator operator++(int)
        {
            const_iterator before = *this;
            ++m_i;
            return before;
        }
        friend bool operator==(const const_iterator& a, const const_iterator& b) { return a.m_i == b.m_i; }

    private:
        const FlowPacketList* m_list = nullptr;
        size_t m_i = 0;
    };
    const_iterator begin() const { return {this, 0}; }
    const_iterator end() const { return {this, size()}; }

private:
    const ChunkedArray<FlowPacket>* m_packets = nullptr;
    const uint32_t* m_indexes = nullptr;
    size_t m_size = 0;
    std::vector<uint32_t> m_own;
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
    /// Its packets in CaptureStore::packets: how many, the first's and the last's index (the
    /// others chained by FlowPacket::previous; CaptureStore::packetsOf lists them).
    uint32_t packetCount = 0;
    uint32_t firstPacket = FlowPacket::kNone;
    uint32_t lastPacket = FlowPacket::kNone;
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
    std::vector<FlowPacket> packets; ///< (their `previous` is set by CaptureStore::addPacket)
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
    /// By frame as frames: its packet's index in `packets`, or FlowPacket::kNone (not TCP).
    ChunkedArray<uint32_t> framePackets;
    /// Every flow packet, in capture order (so in frame order); a flow's are chained by
    /// FlowPacket::previous.
    ChunkedArray<FlowPacket> packets;
    /// By flow id (opening order). In chunks: growing never moves a flow (a copy of every
    /// flow at each doubling held the window for a tenth of a second at 250,000 flows).
    ChunkedArray<FlowRecord, 12> flows;

    /// Applies a batch; batches must come in order.
    void apply(const LoadBatch& batch);
    /// Appends a packet of flow `packet.flow` (a flow of `flows`; frames in order): to
    /// `packets`, chained to the flow's others, and as its frame's in framePackets when
    /// that frame is there. Returns its index in `packets`.
    uint32_t addPacket(FlowPacket packet);
    /// Flow `flow`'s packets in capture order.
    FlowPacketList packetsOf(uint32_t flow) const;
    /// Indexes the packets of every flow by flow, so that packetsOf() reads a flow's from one
    /// array where it followed their chain from packet to packet (a miss of the cache each,
    /// one after the other: a select all of 250,000 flows took 0.3 s longer). For when no more
    /// packets come (a load's end); a flow given packets since is read from its chain again.
    void indexPackets();
    /// The first and the last packet of flow `flow`, or nullptr when it has none.
    const FlowPacket* firstPacketOf(uint32_t flow) const;
    const FlowPacket* lastPacketOf(uint32_t flow) const;
    const FrameRecord& frame(uint32_t number) const { return frames[number - 1]; }
    /// The flow of frame `number`, or FlowTracker::kNoFlow.
    uint32_t flowOfFrame(uint32_t number) const
    {
        const uint32_t index = framePackets[number - 1];
        return index == FlowPacket::kNone ? FlowTracker::kNoFlow : packets[index].flow;
    }
    /// Time of the capture's first frame (0 when empty).
    int64_t startNs() const { return frames.empty() ? 0 : frames[0].timeNs; }
    /// The flow packet of frame `number`, or nullptr when it is none.
    const FlowPacket* packetOfFrame(uint32_t number) const
    {
        const uint32_t index = packetIndexOfFrame(number);
        return index == FlowPacket::kNone ? nullptr : &packets[index];
    }
    /// Its index in `packets`, or FlowPacket::kNone.
    uint32_t packetIndexOfFrame(uint32_t number) const
    {
        return number >= 1 && number <= framePackets.size() ? framePackets[number - 1] : FlowPacket::kNone;
    }
private:
    /// indexPackets()'s: every flow's packets, flow by flow; by flow, where its start (and
    /// after the last, the end)
    std::vector<uint32_t> m_packetsByFlow;
    std::vector<uint32_t> m_flowStart;

public:
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
