#include "FlowSortKeys.h"

#include <algorithm>
#include <numeric>
#include <string_view>

namespace fi {

FlowSortKeys FlowSortKeys::take(const CaptureStore& store, FlowColumns::Column column)
{
    FlowSortKeys keys;
    keys.m_column = column;
    keys.m_count = store.flows.size();
    switch (column) {
    case FlowColumns::Label:
        keys.m_textEnds.reserve(keys.m_count);
        for (const FlowRecord& f : store.flows) {
            for (char c : f.label) // labels are ASCII: lower case orders them ignoring case
                keys.m_text.push_back(c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c);
            keys.m_textEnds.push_back(uint32_t(keys.m_text.size()));
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
    } else if (!m_textEnds.empty()) {
        auto text = [this](uint32_t f) {
            const uint32_t begin = f == 0 ? 0 : m_textEnds[f - 1];
            return std::string_view(m_text).substr(begin, m_textEnds[f] - begin);
        };
        sortBy([&text](uint32_t a, uint32_t b) { return text(a) < text(b); });
    }
    return order;
}

} // namespace fi
