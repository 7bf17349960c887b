#pragma once

#include "CaptureStore.h"
#include "FlowColumns.h"

#include <cstdint>
#include <string>
#include <vector>

namespace fi {

/// What sorting the flows by one column needs, copied out of a store in one quick pass on the
/// thread that owns it (take()), so that the sort itself (sortedFlows()) can run on any
/// thread while the store keeps growing.
///
/// A Label sort copies each flow's first time and points to its key, which never changes (flows
/// never move: CaptureStore::flows is chunked), and sortedFlows() makes the labels: making
/// 250,000 of them is work for the sorting thread, not the store's. The store may gain flows and
/// statistics meanwhile, but must outlive sortedFlows() of a Label sort.
class FlowSortKeys
{
public:
    /// The keys of flows 0..store.flows.size()-1 for `column`.
    static FlowSortKeys take(const CaptureStore& store, FlowColumns::Column column);

    /// Flow ids 0..count()-1 in ascending (or descending) order of the column (labels
    /// ignoring case, addresses as numbers with IPv4 before IPv6, the other columns by
    /// FlowColumns::number); flows with equal values stay in flow id (capture) order.
    std::vector<uint32_t> sortedFlows(bool descending = false) const;

    size_t count() const { return m_count; }

private:
    size_t m_count = 0;
    std::vector<int64_t> m_numbers;      ///< numeric columns
    std::vector<IpAddress> m_addresses;  ///< Source, Destination
    std::vector<const BufferID*> m_ids; ///< Label: each flow's key, in the store
    std::vector<int64_t> m_firstNs;     ///< Label: each flow's first time
};

} // namespace fi
