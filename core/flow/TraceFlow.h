#pragma once

#include "FlowListener.h"
#include "FlowTracker.h"
#include "FlowTypes.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace fi {

/// The seed's `trace.index` record of one flow: its output file name (empty when there is no
/// output), its frame numbers in order and its label. While its BufferID is open it is the
/// seed's `trace.buffer` (frame list still growing); a FIN closes it.
struct Index
{
    std::string fpout;
    std::vector<uint32_t> index; ///< frame numbers, in order
    std::string label;           ///< `{src}_{srcport}-{dst}_{dstport}-{timestamp}`
    uint32_t flow = 0;           ///< the flow's number in the FlowTracker (opening order)
};

/// `trace.buffer`: the flow open for a BufferID; the same record as the Index it becomes.
using Buffer = Index;

/// pcapkit's TraceFlow (spec section 3) on top of the flow rule: it runs a FlowTracker and
/// listens to it to keep every flow's label and frame list, the index order (open flows in
/// opening order, then closed flows in closing order) and the callbacks on closed flows.
/// Per-flow files are another listener's work (FlowFileWriter), given to the constructor so
/// that a flow's file is complete, and its fpout known, when callbacks see it closed.
class TraceFlow : private FlowListener
{
public:
    using Callback = std::function<void(const Index&)>;
    static constexpr uint32_t kNoFlow = FlowTracker::kNoFlow;

    /// `output`, when given, is told of every packet before this TraceFlow and names fpout.
    explicit TraceFlow(FlowListener* output = nullptr);
    TraceFlow(const TraceFlow&) = delete;
    TraceFlow& operator=(const TraceFlow&) = delete;

    /// Registers a callback called with every flow a FIN closes, as it closes.
    void registerCallback(Callback callback) { m_callbacks.push_back(std::move(callback)); }

    /// Applies the flow rule to one packet (the output stage, if any, writes its frame);
    /// returns the id of the flow it joined. The seed's dump() is the same call.
    uint32_t trace(const Packet& packet) { return m_tracker.trace(packet); }
    uint32_t dump(const Packet& packet) { return m_tracker.trace(packet); }
    /// Ends tracing (FlowTracker::finish: the output stage completes its files) and returns the
    /// flow index; errorString() says whether a stage failed.
    std::vector<const Index*> submit();

    /// The flow index: open flows in opening order, then closed flows in closing order.
    std::vector<const Index*> index() const;
    /// The seed's `Buffer` of `id`: its open flow; nullptr if none.
    const Buffer* buffer(const BufferID& id) const;

    /// All flows by id (opening order).
    const std::vector<Index>& flows() const { return m_index; }
    const FlowStats& stats(const Index& flow) const { return m_tracker.stats(flow.flow); }
    const BufferID& id(const Index& flow) const { return m_tracker.id(flow.flow); }
    bool isOpen(uint32_t flow) const { return m_tracker.isOpen(flow); }
    size_t openCount() const { return m_tracker.openCount(); }
    uint64_t packetCount() const { return m_tracker.packetCount(); }

    FlowTracker& tracker() { return m_tracker; }
    const FlowTracker& tracker() const { return m_tracker; }
    std::string errorString() const { return m_tracker.errorString(); }

private:
    void flowOpened(uint32_t flow, const Packet& first) override;
    void packetAdded(uint32_t flow, const Packet& packet) override;
    void flowClosed(uint32_t flow) override;
    void traceEnded() override;

    FlowTracker m_tracker;
    FlowListener* m_output = nullptr;
    std::vector<Index> m_index;          ///< by flow id
    std::vector<uint32_t> m_closedOrder; ///< flow ids in the order they closed
    std::vector<Callback> m_callbacks;
};

} // namespace fi
