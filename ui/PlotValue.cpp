#include "PlotValue.h"

#include <QCoreApplication>

QString plotValueName(PlotValue value)
{
    switch (value) {
    case PlotValue::FrameLength: return QCoreApplication::translate("FlowPlot", "Frame length (bytes)");
    case PlotValue::PayloadLength: return QCoreApplication::translate("FlowPlot", "TCP payload length (bytes)");
    case PlotValue::RelativeSequence: return QCoreApplication::translate("FlowPlot", "Relative sequence number");
    case PlotValue::CumulativeBytes: return QCoreApplication::translate("FlowPlot", "Cumulative bytes (frame lengths)");
    }
    return {};
}
