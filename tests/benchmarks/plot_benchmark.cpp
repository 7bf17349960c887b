// fi-plot-benchmark [PACKETS]: how long the timeline of one flow of a million packets takes to
// build, to draw, and to redraw when zoomed and panned (offscreen). Prints milliseconds; a
// replot well under 100 ms keeps the window responsive.

#include "FlowPlot.h"

#include <qcustomplot.h>

#include <QApplication>
#include <QElapsedTimer>

#include <cstdio>
#include <cstdlib>

using namespace fi;

int main(int argc, char** argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const uint32_t packets = argc > 1 ? uint32_t(std::strtoul(argv[1], nullptr, 10)) : 1'000'000;

    CaptureStore store;
    FlowRecord& flow = store.flows.emplace_back();
    const uint8_t a[4] = {10, 0, 0, 1}, b[4] = {10, 0, 0, 2};
    flow.id = {IpAddress::v4(a), 1234, IpAddress::v4(b), 80};
    flow.stats.firstNs = Timestamp{1000, 0}.totalNanoseconds();
    uint32_t seq = 1;
    for (uint32_t i = 0; i < packets; ++i) {
        FrameRecord r;
        r.timeNs = int64_t(1000) * 1'000'000'000 + int64_t(i) * 20'000; // 50,000 packets/s
        r.capturedLength = r.originalLength = i % 3 ? 1514 : 66;
        store.frames.push_back(r);
        store.framePackets.push_back(FlowPacket::kNone);
        FlowPacket p;
        p.frame = i + 1;
        p.flow = 0;
        p.seq = seq;
        p.payloadLength = r.originalLength - 66;
        p.flags = i == 0 ? TcpFlag::SYN : (i + 1 == packets ? TcpFlag::FIN : TcpFlag::ACK);
        seq += p.payloadLength;
        store.addPacket(p);
    }
    flow.stats.packets = packets;
    flow.stats.firstNs = store.frames[0].timeNs;
    flow.stats.lastNs = store.frames[packets - 1].timeNs;

    FlowPlot plot;
    plot.resize(1200, 600);
    plot.show();
    QElapsedTimer t;
    t.start();
    plot.setFlows(&store, {0});
    const qint64 build = t.restart();
    plot.plot()->replot(QCustomPlot::rpImmediateRefresh);
    const qint64 first = t.restart();
    QCPAxis* x = plot.plot()->xAxis;
    for (int i = 0; i < 10; ++i) { // zoom in step by step, then pan
        x->scaleRange(0.7, x->range().center());
        plot.plot()->replot(QCustomPlot::rpImmediateRefresh);
    }
    const qint64 zoom = t.restart();
    for (int i = 0; i < 10; ++i) {
        x->moveRange(x->range().size() * 0.3);
        plot.plot()->replot(QCustomPlot::rpImmediateRefresh);
    }
    const qint64 pan = t.restart();
    plot.setValue(PlotValue::RelativeSequence);
    plot.plot()->replot(QCustomPlot::rpImmediateRefresh);
    const qint64 mode = t.elapsed();
    std::printf("%u packets: build %lld ms, first replot %lld ms, zoomed replot %.1f ms, "
                "panned replot %.1f ms, switch to sequence view %lld ms\n",
                packets, static_cast<long long>(build), static_cast<long long>(first),
                double(zoom) / 10, double(pan) / 10, static_cast<long long>(mode));
    return 0;
}
