#pragma once

#include "CaptureStore.h"

#include <cstdint>
#include <string>

namespace fi {

/// The columns of the flow table: the one list that the desktop application's table, its
/// details pane and the CSV export all show, with each column's title, description and text.
struct FlowColumns
{
    enum Column : int {
        Label,
        Source,
        SourcePort,
        Destination,
        DestinationPort,
        Packets,
        Bytes,
        Start,
        Duration,
        Syn,
        Fin,
        Rst,
        State,
        // TCP analysis (fi::FlowAnalysis)
        Retransmissions,
        RetransmittedBytes,
        OutOfOrder,
        LostSegments,
        DuplicateAcks,
        ZeroWindows,
        HandshakeRtt,
        RttMin,
        RttMean,
        RttMax,
        MaxInFlight,
        Throughput,
        // the connection as Zeek sums it up (fi::ConnectionSummary)
        ConnState,
        History,
        ColumnCount
    };

    /// The header: `Src port`.
    static const char* title(Column column);
    /// What the column holds, a sentence for tooltips: `Source TCP port`.
    static const char* description(Column column);
    /// Numeric columns are right-aligned and sorted by number().
    static bool isNumeric(Column column);

    /// The flow's value in a numeric column (Start, Duration and the RTTs in nanoseconds, Start
    /// after `captureStartNs`; State 1 when closed by a FIN; Throughput in bytes per second);
    /// -1 where not known(). A sort key for ConnState (fi::ZeekConnState) and History (its
    /// first 8 letters, by byte value); 0 for the other text columns.
    static int64_t number(const FlowRecord& flow, Column column, int64_t captureStartNs);
    /// Whether the flow has a value in the column: an RTT needs its measurement, Throughput
    /// a duration.
    static bool known(const FlowRecord& flow, Column column);
    /// The flow's text in a column, in the C locale: addresses in canonical form, numbers in
    /// digits, times in seconds with six decimals, the state in words. The CSV writes exactly
    /// this; the table shows it too, with the user's digit grouping for Bytes. Empty where
    /// not known().
    static std::string text(const FlowRecord& flow, Column column, int64_t captureStartNs);

    /// `closed by FIN` or `open at end`.
    static const char* stateText(bool closedByFin);
    /// Nanoseconds as seconds with six decimals: `2.000000`.
    static std::string secondsText(int64_t ns);
};

} // namespace fi
