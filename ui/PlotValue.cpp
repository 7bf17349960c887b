#include "PlotValue.h"

#include "CaptureStore.h"
#include "TcpAnalysis.h"

#include <QCoreApplication>

QString plotValueName(PlotValue value)
{
    switch (value) {
    case PlotValue::FrameLength: return QCoreApplication::translate("FlowPlot", "Frame length (bytes)");
    case PlotValue::PayloadLength: return QCoreApplication::translate("FlowPlot", "TCP payload length (bytes)");
    case PlotValue::RelativeSequence: return QCoreApplication::translate("FlowPlot", "Relative sequence number");
    case PlotValue::CumulativeBytes: return QCoreApplication::translate("FlowPlot", "Cumulative bytes (frame lengths)");
    case PlotValue::TimeSequence: return QCoreApplication::translate("FlowPlot", "Time-sequence (tcptrace): relative seq");
    case PlotValue::AckRtt: return QCoreApplication::translate("FlowPlot", "ACK RTT of each segment (ms)");
    case PlotValue::Throughput: return QCoreApplication::translate("FlowPlot", "Throughput, last 1 s (bit/s)");
    case PlotValue::BytesInFlight: return QCoreApplication::translate("FlowPlot", "Bytes in flight");
    }
    return {};
}

QString plotMarkerName(PlotMarker marker)
{
    switch (marker) {
    case PlotMarker::Syn: return QStringLiteral("SYN");
    case PlotMarker::Fin: return QStringLiteral("FIN");
    case PlotMarker::Rst: return QStringLiteral("RST");
    case PlotMarker::Retransmission: return QCoreApplication::translate("FlowPlot", "Retransmission");
    case PlotMarker::DuplicateAck: return QCoreApplication::translate("FlowPlot", "Dup ACK");
    case PlotMarker::ZeroWindow: return QCoreApplication::translate("FlowPlot", "Zero window");
    }
    return {};
}

bool hasPlotMarker(const fi::FlowPacket& packet, PlotMarker marker)
{
    using namespace fi;
    switch (marker) {
    case PlotMarker::Syn: return packet.flags & TcpFlag::SYN;
    case PlotMarker::Fin: return packet.flags & TcpFlag::FIN;
    case PlotMarker::Rst: return packet.flags & TcpFlag::RST;
    case PlotMarker::Retransmission: return packet.analysis & TcpAnalysisFlag::Retransmission;
    case PlotMarker::DuplicateAck: return packet.analysis & TcpAnalysisFlag::DuplicateAck;
    case PlotMarker::ZeroWindow: return packet.analysis & TcpAnalysisFlag::ZeroWindow;
    }
    return false;
}
