#pragma once

#include "ChunkedArray.h"
#include "FlowListener.h"
#include "FlowTypes.h"
#include "OpenFlowTable.h"

#include <cstdint>
#include <string>
#include <vector>

namespace fi {

/// The flow rule (spec section 2) as a stage: it takes flow packets in frame order and tells
/// its listeners what happened. A packet whose BufferID has no open flow opens one; every
/// packet joins its BufferID's open flow; a FIN closes it, and the next packet of that BufferID
/// opens a new flow. Flows are numbered in the order they open.
///
/// It keeps only what the rule needs, 88 bytes a flow (BufferID and statistics) plus the open
/// flows' table: no labels and no frame lists, which listeners build when they need them.
class FlowTracker
{
public:
    static constexpr uint32_t kNoFlow = UINT32_MAX;

    /// Listeners are told in the order they were added; add them before tracing.
    void addListener(FlowListener& listener) { m_listeners.push_back(&listener); }

    /// Applies the rule to one packet; returns the flow it joined.
    uint32_t trace(const Packet& packet);
    /// Every packet was traced: listeners complete their work (once; later calls do nothing).
    void finish();
    /// Tracing stopped early (cancelled, or a listener failed): listeners undo their work.
    void abort();
    bool finished() const { return m_ended; }

    /// Whether a listener failed, and the first one's reason.
    bool failed() const;
    std::string errorString() const;

    size_t flowCount() const { return m_flows.size(); }
    const BufferID& id(uint32_t flow) const { return m_flows[flow].id; }
    const FlowStats& stats(uint32_t flow) const { return m_flows[flow].stats; }
    bool isOpen(uint32_t flow) const { return !m_flows[flow].stats.closedByFin; }
    /// pcapkit's label of the flow, made now.
    std::string label(uint32_t flow) const { return makeLabel(id(flow), stats(flow).first()); }
    /// The open flow of `id` (the seed's buffer), or kNoFlow.
    uint32_t openFlow(const BufferID& id) const { return findOpen(id, id.hash()); }
    size_t openCount() const { return m_open.size(); }
    uint64_t packetCount() const { return m_packets; }

private:
    uint32_t findOpen(const BufferID& id, uint64_t hash) const
    {
        return m_open.find(hash, [&](uint32_t flow) { return m_flows[flow].id == id; });
    }

    /// What the rule keeps of a flow: its key and statistics, side by side, so that the packet
    /// that finds its flow's key has found the statistics it updates.
    struct Flow
    {
        BufferID id;
        FlowStats stats;
    };

    ChunkedArray<Flow, 14> m_flows; ///< by flow id
    OpenFlowTable m_open;
    uint64_t m_packets = 0;
    bool m_ended = false;
    std::vector<FlowListener*> m_listeners;
};

} // namespace fi
