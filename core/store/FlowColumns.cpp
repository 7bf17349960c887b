#include "FlowColumns.h"

#include <cstdio>

namespace fi {

namespace {

struct ColumnInfo
{
    const char* title;
    const char* description;
    bool numeric;
};

constexpr ColumnInfo kColumns[FlowColumns::ColumnCount] = {
    {"Label", "pcapkit's flow label: source, port, destination, port, first frame's time", false},
    {"Source", "Source address", false},
    {"Src port", "Source TCP port", true},
    {"Destination", "Destination address", false},
    {"Dst port", "Destination TCP port", true},
    {"Packets", "Packets in the flow", true},
    {"Bytes", "Bytes of the flow's frames (original lengths)", true},
    {"Start", "Time of the flow's first frame, in seconds after the capture's first frame", true},
    {"Duration", "Seconds from the flow's first frame to its last", true},
    {"SYN", "Packets with SYN set", true},
    {"FIN", "Packets with FIN set", true},
    {"RST", "Packets with RST set", true},
    {"State", "Whether a FIN ended the flow or it was still open when the capture ended", false},
};

} // namespace

const char* FlowColumns::title(Column column)
{
    return kColumns[column].title;
}

const char* FlowColumns::description(Column column)
{
    return kColumns[column].description;
}

bool FlowColumns::isNumeric(Column column)
{
    return kColumns[column].numeric;
}

int64_t FlowColumns::number(const FlowRecord& flow, Column column, int64_t captureStartNs)
{
    const FlowStats& s = flow.stats;
    switch (column) {
    case SourcePort: return flow.id.srcport;
    case DestinationPort: return flow.id.dstport;
    case Packets: return s.packets;
    case Bytes: return int64_t(s.bytes);
    case Start: return s.firstNs - captureStartNs;
    case Duration: return s.lastNs - s.firstNs;
    case Syn: return s.syn;
    case Fin: return s.fin;
    case Rst: return s.rst;
    case State: return s.closedByFin;
    default: return 0;
    }
}

std::string FlowColumns::text(const FlowRecord& flow, Column column, int64_t captureStartNs)
{
    switch (column) {
    case Label: return flow.label;
    case Source: return flow.id.src.toString();
    case Destination: return flow.id.dst.toString();
    case Start:
    case Duration: return secondsText(number(flow, column, captureStartNs));
    case State: return stateText(flow.stats.closedByFin);
    default: return std::to_string(number(flow, column, captureStartNs));
    }
}

const char* FlowColumns::stateText(bool closedByFin)
{
    return closedByFin ? "closed by FIN" : "open at end";
}

std::string FlowColumns::secondsText(int64_t ns)
{
    char text[64];
    std::snprintf(text, sizeof text, "%.6f", double(ns) / 1e9);
    return text;
}

} // namespace fi
