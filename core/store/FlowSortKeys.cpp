#include "FlowSortKeys.h"

#include <algorithm>
#include <numeric>

namespace fi {

FlowSortKeys FlowSortKeys::take(const CaptureStore& store, FlowColumns::Column column)
{
    FlowSortKeys keys;
    keys.m_count = store.flows.size();
    switch (column) {
    case FlowColumns::Label:
        keys.m_ids.reserve(keys.m_count);
        keys.m_firstNs.reserve(keys.m_count);
        for (const FlowRecord& f : store.flows) {
            keys.m_ids.push_back(&f.id);
            keys.m_firstNs.push_back(f.stats.firstNs);
        }
        break;
    case FlowColumns::Source:
    case FlowColumns::Destination:
        keys.m_addresses.reserve(keys.m_count);
        for (const FlowRecord& f : store.flows)
            keys.m_addresses.push_back(column == FlowColumns::Source ? f.id.src : f.id.dst);
        break;
    default:
        // (Start's offset is the same for every flow: it does not change the order.)
        keys.m_numbers.reserve(keys.m_count);
        for (const FlowRecord& f : store.flows)
            keys.m_numbers.push_back(FlowColumns::number(f, column, 0));
        break;
    }
    return keys;
}

std::vector<uint32_t> FlowSortKeys::sortedFlows(bool descending) const
{
    std::vector<uint32_t> order(m_count);
    std::iota(order.begin(), order.end(), 0u);
    // One stable sort by `less`, its arguments swapped for descending: ties keep capture order.
    auto sortBy = [&order, descending](auto less) {
        if (descending)
            std::stable_sort(order.begin(), order.end(), [&less](uint32_t a, uint32_t b) { return less(b, a); });
        else
            std::stable_sort(order.begin(), order.end(), less);
    };
    if (!m_numbers.empty()) {
        sortBy([this](uint32_t a, uint32_t b) { return m_numbers[a] < m_numbers[b]; });
    } else if (!m_addresses.empty()) {
        // network byte order: the bytes compare as the numbers do
        sortBy([this](uint32_t a, uint32_t b) {
            const IpAddress& x = m_addresses[a];
            const IpAddress& y = m_addresses[b];
            return x.family != y.family ? x.family < y.family : x.bytes < y.bytes;
        });
    } else if (!m_firstNs.empty()) {
        // every label in one piece of memory, label i at [start[i], start[i + 1])
        std::string text;
        text.reserve(m_count * 56); // about an IPv4 flow's
        std::vector<uint32_t> start(m_count + 1, 0);
        for (size_t i = 0; i < m_count; ++i) {
            text += LabelText(*m_ids[i], Timestamp::fromNanoseconds(m_firstNs[i])).view();
            start[i + 1] = uint32_t(text.size());
        }
        auto label = [&text, &start](uint32_t i) {
            return std::string_view(text).substr(start[i], start[i + 1] - start[i]);
        };
        // labels are ASCII: comparing their bytes in lower case orders them ignoring case
        auto lower = [](char c) { return uint8_t(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c); };
        sortBy([&label, &lower](uint32_t a, uint32_t b) {
            const std::string_view x = label(a);
            const std::string_view y = label(b);
            return std::lexicographical_compare(x.begin(), x.end(), y.begin(), y.end(),
                                                [&lower](char c, char d) { return lower(c) < lower(d); });
        });
    }
    return order;
}

} // namespace fi
