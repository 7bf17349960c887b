#pragma once

#include <QString>

/// What the plot's y axis shows.
enum class PlotValue { FrameLength, PayloadLength, RelativeSequence, CumulativeBytes };
/// Where the plot's time axis starts.
enum class PlotOrigin { CaptureStart, FlowStart };

/// Axis title of a value mode.
QString plotValueName(PlotValue value);
