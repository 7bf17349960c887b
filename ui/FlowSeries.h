#pragma once

#include "CaptureStore.h"

#include <QString>
#include <QVector>

/// What the plot's y axis shows.
enum class PlotValue { FrameLength, PayloadLength, RelativeSequence, CumulativeBytes };
/// Where the plot's time axis starts.
enum class PlotOrigin { CaptureStart, FlowStart };

/// The points of one flow as the plot draws them: one per packet (sorted by time, as capture
/// order is), with the frame each came from, and the SYN, FIN and RST packets again as markers.
struct FlowSeries
{
    uint32_t flow = 0;
    QVector<double> keys;   ///< seconds since the origin
    QVector<double> values; ///< per PlotValue, or the lane number in lanes mode
    QVector<uint32_t> frames;
    QVector<double> synKeys, synValues;
    QVector<double> finKeys, finValues;
    QVector<double> rstKeys, rstValues;

    /// The index of the point nearest to `key` (by key), or -1 when empty.
    int nearestPoint(double key) const;
};

/// Builds a flow's series. With `lane` >= 0 every value is the lane number (lanes mode).
FlowSeries buildFlowSeries(const fi::CaptureStore& store, uint32_t flow, PlotValue value,
                           PlotOrigin origin, int lane = -1);

/// The flow whose BufferID mirrors `flow`'s and whose time span overlaps it (the other
/// direction of the same connection), or UINT32_MAX when there is none.
uint32_t reverseFlow(const fi::CaptureStore& store, uint32_t flow);

/// Axis title of a value mode.
QString plotValueName(PlotValue value);
