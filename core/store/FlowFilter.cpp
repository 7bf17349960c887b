#include "FlowFilter.h"

#include "FlowFilterParser.h"

namespace fi {

namespace {

char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c;
}

/// Whether `haystack` holds `needle` (lower case), ignoring the case of ASCII letters.
bool containsIgnoringCase(std::string_view haystack, std::string_view needle)
{
    if (needle.size() > haystack.size())
        return false;
    const size_t last = haystack.size() - needle.size();
    for (size_t i = 0; i <= last; ++i) {
        size_t j = 0;
        while (j < needle.size() && lower(haystack[i + j]) == needle[j])
            ++j;
        if (j == needle.size())
            return true;
    }
    return false;
}

bool equalsIgnoringCase(std::string_view text, std::string_view lowerCase)
{
    if (text.size() != lowerCase.size())
        return false;
    for (size_t i = 0; i < text.size(); ++i)
        if (lower(text[i]) != lowerCase[i])
            return false;
    return true;
}

bool addressTextContains(const IpAddress& address, std::string_view needle)
{
    char text[IpAddress::kMaxTextLength];
    return containsIgnoringCase(std::string_view(text, address.writeText(text)), needle);
}

} // namespace

std::string FlowFilterError::message() const
{
    return reason + " at " + std::to_string(begin);
}

std::optional<FlowFilter> FlowFilter::parse(std::string_view text, FlowFilterError* error)
{
    return FlowFilterParser(text).parse(error);
}

bool FlowFilter::matches(uint32_t index, const FlowRecord& flow, int64_t captureStartNs) const
{
    const Node& node = m_nodes[index];
    const BufferID& id = flow.id;

    // Either end: every comparison holds for one end or the other, except != (neither end equals).
    auto compare = [&node](int64_t actual) {
        switch (node.compare) {
        case Compare::Equal: return actual == node.value;
        case Compare::NotEqual: return actual != node.value;
        case Compare::Less: return actual < node.value;
        case Compare::LessOrEqual: return actual <= node.value;
        case Compare::Greater: return actual > node.value;
        case Compare::GreaterOrEqual: return actual >= node.value;
        }
        return false;
    };
    auto atEnds = [&node](auto&& holds) {
        switch (node.ends) {
        case Ends::Source: return holds(true);
        case Ends::Destination: return holds(false);
        case Ends::Either: break;
        }
        return holds(true) || holds(false);
    };
    const bool negate = node.compare == Compare::NotEqual;

    switch (node.test) {
    case Test::All:
        for (uint32_t c = 0; c < node.count; ++c)
            if (!matches(m_children[node.first + c], flow, captureStartNs))
                return false;
        return true;
    case Test::Any:
        for (uint32_t c = 0; c < node.count; ++c)
            if (matches(m_children[node.first + c], flow, captureStartNs))
                return true;
        return false;
    case Test::Not: return !matches(m_children[node.first], flow, captureStartNs);
    case Test::Address:
        return negate != atEnds([&](bool source) { return node.block.contains(source ? id.src : id.dst); });
    case Test::Port:
        if (negate)
            return !atEnds([&](bool source) { return (source ? id.srcport : id.dstport) == node.value; });
        return atEnds([&](bool source) { return compare(source ? id.srcport : id.dstport); });
    case Test::PortRange:
        return negate != atEnds([&](bool source) {
                   const int64_t port = source ? id.srcport : id.dstport;
                   return port >= node.value && port <= node.upper;
               });
    case Test::Number: // a figure not measured compares as nothing (as a field absent in Wireshark)
        return FlowColumns::known(flow, node.column) && compare(FlowColumns::number(flow, node.column, captureStartNs));
    case Test::Closed: return flow.stats.closedByFin;
    case Test::ConnState: return negate != (int64_t(flow.connection.state) == node.value);
    case Test::Family: return int64_t(id.src.family) == node.value;
    case Test::Label: {
        const std::string& needle = m_needles[node.first];
        if (node.column == FlowColumns::History) { // as written: its case tells the sides apart
            const std::string& history = flow.connection.history;
            return negate != (node.contains ? history.find(needle) != std::string::npos : history == needle);
        }
        const LabelText label = flow.labelText();
        const bool found = node.contains ? containsIgnoringCase(label.view(), needle) : equalsIgnoringCase(label.view(), needle);
        return negate != found;
    }
    case Test::Word: {
        if (node.value >= 0 && (id.srcport == node.value || id.dstport == node.value))
            return true;
        const std::string& needle = m_needles[node.first];
        // The label spells out both addresses, IPv6 ones with '.' for ':' (makeLabel), and has
        // no ':' of its own: a needle without ':' is in an address text only if it is in the
        // label, and one with ':' only in an IPv6 address text.
        if (!node.hasColon)
            return containsIgnoringCase(flow.labelText().view(), needle);
        return id.src.isV6() && (addressTextContains(id.src, needle) || addressTextContains(id.dst, needle));
    }
    }
    return false;
}

} // namespace fi
