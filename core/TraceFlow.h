#pragma once

#include "FlowTypes.h"
#include "FlowWriterPool.h"
#include "OutputOptions.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

namespace fi {

/// pcapkit's TraceFlow: groups flow packets into flows by the seed's rule (spec section 2).
///
/// A packet whose BufferID has no open flow opens one, labelled by its first packet; every
/// packet appends its frame number; a FIN closes the flow, which then is final (callbacks are
/// called with it) and the next packet of that BufferID opens a new flow.
///
/// Flows are kept in the order they were opened (their id is that position); index() lists the
/// open ones in that order followed by the closed ones in the order they closed.
class TraceFlow
{
public:
    using Callback = std::function<void(const Index&)>;
    static constexpr uint32_t kNoFlow = UINT32_MAX;

    explicit TraceFlow(OutputOptions output = {});
    ~TraceFlow();
    TraceFlow(const TraceFlow&) = delete;
    TraceFlow& operator=(const TraceFlow&) = delete;

    /// Registers a callback called with every flow a FIN closes, as it closes.
    void registerCallback(Callback callback) { m_callbacks.push_back(std::move(callback)); }

    /// Applies the flow rule to one packet; returns the id of the flow it joined.
    uint32_t trace(const Packet& packet);
    /// trace(), writing the frame to its flow's output file (when an output format is set
    /// and the flow is one of the options' flowLabels, if those are given).
    /// When writing fails, errorString() says why.
    uint32_t dump(const Packet& packet, const FrameView& frame);
    /// Ends tracing: the flows still open are finished, and when all went well every output
    /// file is given its final name (FlowWriterPool::commit); otherwise, or when a label of
    /// the options' flowLabels belongs to no flow, errorString() says why and the output
    /// files are removed. Returns the flow index.
    std::vector<const Index*> submit();

    /// The flow index: open flows in opening order, then closed flows in closing order.
    std::vector<const Index*> index() const;

    /// The seed's `Buffer` (trace.buffer) of `id`: its open flow, whose fpout, index and label
    /// are still growing (an open flow is an Index record not yet closed); nullptr if none.
    const Buffer* buffer(const BufferID& id) const;

    /// All flows by id (opening order).
    const std::vector<Index>& flows() const { return m_flows; }
    bool isOpen(uint32_t flow) const { return !m_closed[flow]; }
    size_t openCount() const { return m_openCount; }
    uint64_t packetCount() const { return m_packets; }

    FlowWriterPool* output() { return m_output.get(); }
    const std::string& errorString() const { return m_error; }

private:
    uint32_t findOpen(const BufferID& id, uint64_t hash) const;
    void insertOpen(uint32_t flow, uint64_t hash);
    void eraseOpen(uint32_t flow, uint64_t hash);
    void growTable();
    uint32_t join(const Packet& packet, uint64_t hash);
    void close(uint32_t flow, uint64_t hash);
    /// Whether the flow's frames are written (its label is among the options' flowLabels).
    bool selected(uint32_t flow);
    void setError(const std::string& message);

    struct Slot
    {
        uint32_t flow = kNoFlow;
        uint32_t hashTag = 0;
    };

    OutputOptions m_options;
    std::unique_ptr<FlowWriterPool> m_output;
    std::vector<Index> m_flows;
    std::vector<uint8_t> m_closed;       ///< by flow id
    std::vector<uint32_t> m_closedOrder; ///< flow ids in the order they closed
    std::vector<Slot> m_table;           ///< open addressing: BufferID → open flow
    size_t m_openCount = 0;
    uint64_t m_packets = 0;
    bool m_submitted = false;
    std::vector<Callback> m_callbacks;
    std::unordered_set<std::string> m_wanted; ///< the options' flowLabels
    std::vector<uint8_t> m_selected;          ///< by flow id, filled as flows are written
    std::string m_error;
};

} // namespace fi
