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
    {"Retrans", "Segments TCP analysis found retransmitted (fast and spurious ones too)", true},
    {"Retrans bytes", "Payload bytes of the retransmitted segments", true},
    {"Out of order", "Segments found out of order", true},
    {"Lost", "Segments after bytes that were not captured (previous segment not captured)", true},
    {"Dup ACKs", "Duplicate ACKs the flow sent", true},
    {"Zero win", "Segments the flow sent announcing a zero window", true},
    {"Handshake RTT", "Seconds from the connection's SYN to the first ACK after it (Wireshark's initial RTT)", true},
    {"RTT min", "Shortest round trip of the flow's segments: seconds to the ACK of exactly their end", true},
    {"RTT mean", "Mean round trip of the flow's segments", true},
    {"RTT max", "Longest round trip of the flow's segments", true},
    {"Max in flight", "Most bytes the flow had sent and not yet seen acknowledged", true},
    {"Throughput", "Bytes per second: the flow's bytes over its duration", true},
    {"Conn state", "The connection's state as Zeek's conn.log gives it: S0 attempt without reply, S1 established, SF normal end, REJ rejected, RSTO/RSTR reset by the originator/responder, SH/SHR half-open, OTH midstream…", false},
    {"History", "The connection's history as Zeek writes it: S SYN, H SYN/ACK, A ACK, D data, F FIN, R RST, T retransmission, W zero window, G gap, ^ roles flipped; upper case from the originator, lower case from the responder", false},
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
    case ConnState: return int64_t(flow.connection.state);
    case History: {
        uint64_t key = 0; // its first 8 letters, the first the most significant
        for (size_t i = 0; i < 8; ++i)
            key = key << 8 | (i < flow.connection.history.size() ? uint8_t(flow.connection.history[i]) : 0u);
        return int64_t(key >> 1); // (non-negative; letters are ASCII, so nothing is lost)
    }
    default: break;
    }
    if (!known(flow, column))
        return -1;
    const FlowAnalysis& a = flow.analysis;
    switch (column) {
    case Retransmissions: return a.retransmissions;
    case RetransmittedBytes: return int64_t(a.retransmittedBytes);
    case OutOfOrder: return a.outOfOrder;
    case LostSegments: return a.lostSegments;
    case DuplicateAcks: return a.duplicateAcks;
    case ZeroWindows: return a.zeroWindows;
    case HandshakeRtt: return a.handshakeRttNs;
    case RttMin: return a.rttMinNs;
    case RttMean: return a.rttMeanNs();
    case RttMax: return a.rttMaxNs;
    case MaxInFlight: return a.maxBytesInFlight;
    case Throughput: return int64_t(double(s.bytes) * 1e9 / double(s.lastNs - s.firstNs));
    default: return 0;
    }
}

bool FlowColumns::known(const FlowRecord& flow, Column column)
{
    switch (column) {
    case HandshakeRtt: return flow.analysis.handshakeRttNs != 0;
    case RttMin:
    case RttMean:
    case RttMax: return flow.analysis.rttSamples > 0;
    case Throughput: return flow.stats.lastNs > flow.stats.firstNs;
    default: return true;
    }
}

std::string FlowColumns::text(const FlowRecord& flow, Column column, int64_t captureStartNs)
{
    switch (column) {
    case Label: return flow.label();
    case Source: return flow.id.src.toString();
    case Destination: return flow.id.dst.toString();
    case Start:
    case Duration: return secondsText(number(flow, column, captureStartNs));
    case HandshakeRtt:
    case RttMin:
    case RttMean:
    case RttMax: return known(flow, column) ? secondsText(number(flow, column, captureStartNs)) : std::string();
    case Throughput: return known(flow, column) ? std::to_string(number(flow, column, captureStartNs)) : std::string();
    case State: return stateText(flow.stats.closedByFin);
    case ConnState: return zeekConnStateName(flow.connection.state);
    case History: return flow.connection.history;
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
