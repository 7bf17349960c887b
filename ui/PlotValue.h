#pragma once

#include <QString>

#include <cstdint>

namespace fi {
struct FlowPacket;
}

/// What the plot's y axis shows.
/// TimeSequence: the Stevens/tcptrace graph: each segment at the relative sequence number of its
/// end; for a few flows also the other side's ACK line and receive window line.
/// AckRtt: each segment the other side acknowledged, at the time it was sent, with the RTT of
/// the ACK that acknowledged it (Wireshark's ack_rtt, in milliseconds).
/// Throughput: at each packet, the payload the flow sent in the last kThroughputWindowNs, in
/// bits per second (Wireshark's throughput graph with its 1 s moving average).
/// BytesInFlight: each segment with data at its bytes in flight.
enum class PlotValue {
    FrameLength,
    PayloadLength,
    RelativeSequence,
    CumulativeBytes,
    TimeSequence,
    AckRtt,
    Throughput,
    BytesInFlight
};
constexpr int64_t kThroughputWindowNs = 1'000'000'000;
/// Where the plot's time axis starts.
enum class PlotOrigin { CaptureStart, FlowStart };

/// Axis title of a value mode.
QString plotValueName(PlotValue value);

/// The packets the plot marks with a symbol of their own, each series switchable: TCP flags,
/// and what TCP analysis found.
enum class PlotMarker { Syn, Fin, Rst, Retransmission, DuplicateAck, ZeroWindow };
constexpr int kPlotMarkerCount = 6;
/// Its name in the legend and on its switch: `SYN`, `Retransmission`.
QString plotMarkerName(PlotMarker marker);
/// Whether `packet` gets the marker.
bool hasPlotMarker(const fi::FlowPacket& packet, PlotMarker marker);
