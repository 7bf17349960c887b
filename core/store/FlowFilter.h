#pragma once

#include "CaptureStore.h"
#include "FilterValues.h"
#include "FlowColumns.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fi {

/// Why a text is not a flow filter, and where.
struct FlowFilterError
{
    std::string reason; ///< `unknown field 'tcp.prot' (did you mean tcp.port?)`
    size_t begin = 0;   ///< where, as a cursor position (characters before it) in the text
    size_t end = 0;     ///< one past the last character concerned (== begin at the end)

    /// The reason and where: `expected a port number after '==' at 12`.
    std::string message() const;
};

/// A flow filter as a Wireshark or tcpdump user types it, parsed once and then matched
/// against any number of flows without allocating.
///
///     filter  := or
///     or      := and { ("or" | "||") and }
///     and     := not { ["and" | "&&"] not }          a term after a term means "and"
///     not     := ("not" | "!") not | "(" or ")" | term
///     term    := field op value | field value        (implied ==: addresses and ports)
///              | [src | dst] (host | net | port | portrange) value   (tcpdump)
///              | [src | dst] ADDRESS[/PREFIX]        (a bare address: either end)
///              | open | closed | ip | ipv4 | ipv6 | ip6 | tcp | syn | fin | rst
///              | WORD | "QUOTED WORD"                (text: see below)
///     op      := == | = | != | < | <= | > | >= | eq | ne | lt | le | gt | ge | contains
///
/// Fields (any case; the flow table's column titles, without spaces, are fields too):
///   addresses  ip.addr ip.src ip.dst ipv6.addr ipv6.src ipv6.dst host net source destination
///   ports      tcp.port tcp.srcport tcp.dstport port srcport dstport portrange (1000-2000)
///   numbers    packets, syn, fin, rst (k M G = 1000s, Ki Mi Gi = 1024s), bytes (also B KB MB
///              GB KiB MiB GiB), start and duration (seconds: 2, 0.5, 500ms, 2s, 1min)
///   analysis   retransmissions (retrans), retransmitted_bytes, out_of_order (ooo), lost,
///              dupacks (duplicate_acks), zerowin, rtt.min rtt.mean rtt.max irtt (seconds),
///              bytes_in_flight (the most), throughput (bytes/s); a figure not measured
///              (an RTT without samples) fails every comparison
///   state      state == open|closed, flow.open, flow.closed; label contains|==|!= TEXT
/// `flow.` may precede a column's name (flow.bytes). A field naming both ends (ip.addr,
/// tcp.port, host, port) matches when either end does, except != which means neither does
/// (as in Wireshark). Addresses compare with == and != only, as a block with a prefix.
///
/// A word that is none of the above matches as today's filter box did: it is found, ignoring
/// case, in the flow's label or either address text, or, being a number, equals either port.
/// A quoted word is always such text, never an address or a keyword.
class FlowFilter
{
public:
    /// The filter of an empty text: every flow.
    FlowFilter() = default;

    /// The filter `text` means, or nullopt and (if `error` is given) why not.
    static std::optional<FlowFilter> parse(std::string_view text, FlowFilterError* error = nullptr);

    /// Whether the filter keeps every flow (its text was empty or blank).
    bool matchesEverything() const { return m_nodes.empty(); }
    /// Whether `flow` passes; `captureStartNs` is the time `start` counts from.
    bool matches(const FlowRecord& flow, int64_t captureStartNs) const
    {
        return m_nodes.empty() || matches(uint32_t(m_nodes.size() - 1), flow, captureStartNs);
    }

private:
    friend class FlowFilterParser;

    enum class Test : uint8_t {
        All,       ///< every child (and)
        Any,       ///< some child (or)
        Not,       ///< not its one child
        Address,   ///< the end(s) in `block`
        Port,      ///< port(s) against `value`
        PortRange, ///< port(s) within [value, upper]
        Number,    ///< FlowColumns::number of `column` against `value`
        Closed,    ///< closed by a FIN
        ConnState, ///< its connection's fi::ZeekConnState is `value`
        Family,    ///< addresses of IpAddress::Family `value`
        Label,     ///< `needle` in the label, or the history (`column`) (Compare::Equal: all of it)
        Word,      ///< `needle` in the label or an address text, or port `value` (if >= 0)
    };
    enum class Ends : uint8_t { Source, Destination, Either };
    enum class Compare : uint8_t { Equal, NotEqual, Less, LessOrEqual, Greater, GreaterOrEqual };

    /// One test of the filter; children come before their parent, the root is the last node.
    struct Node
    {
        Test test = Test::All;
        Ends ends = Ends::Either;
        Compare compare = Compare::Equal;
        bool contains = false;  ///< Label: a substring (else the whole label)
        bool hasColon = false;  ///< Word: only an IPv6 address text can hold the needle
        FlowColumns::Column column = FlowColumns::Label;
        uint32_t first = 0;     ///< All, Any, Not: first child in m_children; Label, Word: needle
        uint32_t count = 0;     ///< All, Any, Not: number of children
        int64_t value = 0;
        int64_t upper = 0;
        AddressBlock block;
    };

    bool matches(uint32_t node, const FlowRecord& flow, int64_t captureStartNs) const;

    std::vector<Node> m_nodes;
    std::vector<uint32_t> m_children;
    std::vector<std::string> m_needles; ///< texts of Label and Word tests (lower case but a history's)
};

} // namespace fi
