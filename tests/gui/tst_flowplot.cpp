// The packet timeline: points per packet, SYN/FIN/RST markers, value modes on a made-up flow,
// several flows and lanes, click mapping, saving, empty states and the reverse direction.

#include "FlowPlot.h"
#include "TcpAnalysis.h"

#include <qcustomplot.h>

#include <QElapsedTimer>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <numeric>
#include <set>

using namespace fi;

namespace {

IpAddress v4(uint8_t last)
{
    const uint8_t a[4] = {192, 0, 2, last};
    return IpAddress::v4(a);
}

/// A store with flows given as (src host, dst host, [(time ms, length, payload, seq, flags)]).
struct PacketSpec
{
    int64_t ms;
    uint32_t length;
    uint32_t payload;
    uint32_t seq;
    uint8_t flags;
};

void addFlow(CaptureStore& store, uint8_t src, uint8_t dst, const std::vector<PacketSpec>& packets)
{
    const auto flow = uint32_t(store.flows.size());
    FlowRecord& f = store.flows.emplace_back();
    f.id = {v4(src), uint16_t(1000 + src), v4(dst), 80};
    for (const PacketSpec& p : packets) {
        FrameRecord r;
        r.timeNs = (1000'000 + p.ms) * 1'000'000;
        r.capturedLength = r.originalLength = p.length;
        store.frames.push_back(r);
        store.framePackets.push_back(FlowPacket::kNone);
        FlowPacket fp;
        fp.frame = uint32_t(store.frames.size());
        fp.flow = flow;
        fp.payloadLength = p.payload;
        fp.seq = p.seq;
        fp.flags = p.flags;
        store.addPacket(fp);
        f.stats.packets++;
        f.stats.syn += (p.flags & TcpFlag::SYN) != 0;
        f.stats.fin += (p.flags & TcpFlag::FIN) != 0;
        f.stats.rst += (p.flags & TcpFlag::RST) != 0;
    }
    f.stats.firstNs = store.frames[store.firstPacketOf(flow)->frame - 1].timeNs;
    f.stats.lastNs = store.frames[store.lastPacketOf(flow)->frame - 1].timeNs;
}

/// Flow `flow`'s packet `i` (to change what the analysis said of it).
FlowPacket& packetOf(CaptureStore& store, uint32_t flow, size_t i)
{
    return store.packets[store.packetsOf(flow).index(i)];
}

/// Flow 0: 192.0.2.1 → .2, five packets with a SYN, a RST and a FIN; flow 1 its reverse;
/// flow 2 a one-packet flow.
CaptureStore madeUp()
{
    CaptureStore s;
    addFlow(s, 1, 2,
            {{0, 74, 0, 4294967290u, TcpFlag::SYN},
             {10, 1514, 1448, 4294967291u, TcpFlag::ACK},
             {20, 1514, 1448, 1443u, TcpFlag::ACK | TcpFlag::PSH},
             {35, 60, 0, 2891u, TcpFlag::RST},
             {50, 66, 0, 2891u, TcpFlag::FIN | TcpFlag::ACK}});
    addFlow(s, 2, 1, {{5, 74, 0, 7, TcpFlag::SYN | TcpFlag::ACK}, {40, 66, 0, 8, TcpFlag::ACK}});
    s.flows[1].id = s.flows[0].id.mirrored(); // 192.0.2.2:80 → 192.0.2.1:1001
    s.flows[0].reverse = 1;
    s.flows[1].reverse = 0;
    addFlow(s, 9, 2, {{60, 100, 46, 1, TcpFlag::ACK}});
    return s;
}

/// `count` flows of `packets` packets each, interleaved in time, every other flow the reverse
/// of the one before: what selecting every flow of a large capture plots.
CaptureStore manyFlows(uint32_t count, uint32_t packets)
{
    CaptureStore s;
    for (uint32_t f = 0; f < count; ++f) {
        FlowRecord& r = s.flows.emplace_back();
        const uint8_t a[4] = {10, uint8_t(f >> 16), uint8_t(f >> 8), uint8_t(f)};
        r.id = {IpAddress::v4(a), uint16_t(1024 + f % 50000), v4(1), 443};
        r.reverse = f ^ 1;
    }
    for (uint32_t p = 0; p < packets; ++p)
        for (uint32_t f = 0; f < count; ++f) {
            FrameRecord fr;
            fr.timeNs = 1000'000'000'000 + int64_t(s.frames.size()) * 1000;
            fr.capturedLength = fr.originalLength = 60 + (f + p) % 1400;
            s.frames.push_back(fr);
            s.framePackets.push_back(FlowPacket::kNone);
            FlowPacket fp;
            fp.frame = uint32_t(s.frames.size());
            fp.flow = f;
            fp.flags = p == 0 ? TcpFlag::SYN : TcpFlag::ACK;
            s.addPacket(fp);
            FlowStats& st = s.flows[f].stats;
            if (p == 0)
                st.firstNs = fr.timeNs;
            st.lastNs = fr.timeNs;
            ++st.packets;
        }
    return s;
}

QVector<double> valuesOf(QCPGraph* g)
{
    QVector<double> out;
    for (auto it = g->data()->constBegin(); it != g->data()->constEnd(); ++it)
        out << it->value;
    return out;
}

QVector<double> keysOf(QCPGraph* g)
{
    QVector<double> out;
    for (auto it = g->data()->constBegin(); it != g->data()->constEnd(); ++it)
        out << it->key;
    return out;
}

} // namespace

class TestFlowPlot : public QObject
{
    Q_OBJECT

private slots:
    void pointsAndMarkers()
    {
        const CaptureStore store = madeUp();
        FlowPlot plot;
        plot.setFlows(&store, {0});
        QVERIFY(!plot.showsMessage());
        QCOMPARE(plot.flowGraph(0)->dataCount(), 5);
        QCOMPARE(plot.markerGraph(PlotMarker::Syn)->dataCount(), 1);
        QCOMPARE(plot.markerGraph(PlotMarker::Fin)->dataCount(), 1);
        QCOMPARE(plot.markerGraph(PlotMarker::Rst)->dataCount(), 1);
        QCOMPARE(plot.markerGraph(PlotMarker::Syn)->name(), "SYN (1)");
        QCOMPARE(plot.markerGraph(PlotMarker::Rst)->name(), "RST (1)");
        QVERIFY(plot.markerGraph(PlotMarker::Syn)->scatterStyle().shape() != plot.markerGraph(PlotMarker::Fin)->scatterStyle().shape());
        QVERIFY(plot.markerGraph(PlotMarker::Fin)->scatterStyle().shape() != plot.markerGraph(PlotMarker::Rst)->scatterStyle().shape());
        plot.setMarkerVisible(PlotMarker::Syn, false);
        QVERIFY(!plot.markerGraph(PlotMarker::Syn)->visible());
        QVERIFY(plot.markerGraph(PlotMarker::Fin)->visible());
        // no analysis flags in these flows: those markers are empty and out of the legend
        QCOMPARE(plot.markerGraph(PlotMarker::Retransmission)->dataCount(), 0);
        QVERIFY(!plot.markerLegend()->hasItemWithPlottable(plot.markerGraph(PlotMarker::Retransmission)));
        QVERIFY(plot.markerLegend()->hasItemWithPlottable(plot.markerGraph(PlotMarker::Syn)));
        QVERIFY(!plot.plot()->legend->hasItemWithPlottable(plot.markerGraph(PlotMarker::Syn)));
    }

    /// The time-sequence graph of a few flows: for each, the other side's ACKs and the right
    /// edge of the window it offered (scaled, a SYN's not), relative to the flow's first
    /// sequence number, as steps; many flows get no such lines.
    void timeSequenceHasAckAndWindowLines()
    {
        CaptureStore store = madeUp();
        packetOf(store, 1, 0).ack = 4294967291u; // the SYN/ACK
        packetOf(store, 1, 0).window = 100;
        packetOf(store, 1, 1).ack = 2891;
        packetOf(store, 1, 1).window = 200;
        store.flows[1].analysis.windowScale = 2;
        FlowPlot plot;
        plot.setValue(PlotValue::TimeSequence);
        plot.setFlows(&store, {0});
        QCOMPARE(plot.ackGraphCount(), size_t(1));
        QCOMPARE(valuesOf(plot.ackGraph(0)), (QVector<double>{1, 2897}));
        QCOMPARE(valuesOf(plot.windowGraph(0)), (QVector<double>{101, 2897 + 800}));
        QCOMPARE(plot.ackGraph(0)->lineStyle(), QCPGraph::lsStepLeft);
        QVERIFY(plot.plot()->legend->hasItemWithPlottable(plot.ackGraph(0)));
        // other values have none
        plot.setValue(PlotValue::RelativeSequence);
        QCOMPARE(plot.ackGraphCount(), size_t(0));
        // and beyond the named flows neither
        plot.setValue(PlotValue::TimeSequence);
        std::vector<uint32_t> many;
        for (uint32_t i = 0; i < FlowPlot::kNamedFlows + 1; ++i)
            many.push_back(i % 3);
        plot.setFlows(&store, many);
        QTRY_VERIFY(!plot.isBuilding());
        QCOMPARE(plot.ackGraphCount(), size_t(0));
    }

    /// What TCP analysis flagged has markers of its own: retransmissions, duplicate ACKs and
    /// zero windows, each at its packet's point, each switchable.
    void analysisMarkers()
    {
        CaptureStore store = madeUp();
        packetOf(store, 0, 2).analysis = TcpAnalysisFlag::Retransmission | TcpAnalysisFlag::SpuriousRetransmission;
        packetOf(store, 0, 4).analysis = TcpAnalysisFlag::DuplicateAck;
        packetOf(store, 1, 1).analysis = TcpAnalysisFlag::ZeroWindow;
        FlowPlot plot;
        plot.setFlows(&store, {0, 1});
        QCOMPARE(valuesOf(plot.markerGraph(PlotMarker::Retransmission)), QVector<double>{1514});
        QCOMPARE(valuesOf(plot.markerGraph(PlotMarker::DuplicateAck)), QVector<double>{66});
        QCOMPARE(plot.markerGraph(PlotMarker::ZeroWindow)->dataCount(), 1);
        QCOMPARE(plot.markerGraph(PlotMarker::DuplicateAck)->name(), "Dup ACK (1)");
        QVERIFY(plot.markerLegend()->hasItemWithPlottable(plot.markerGraph(PlotMarker::ZeroWindow)));
        std::set<int> shapes;
        for (int m = 0; m < kPlotMarkerCount; ++m)
            shapes.insert(int(plot.markerGraph(PlotMarker(m))->scatterStyle().shape()));
        QCOMPARE(int(shapes.size()), kPlotMarkerCount);
        // the switch hides the series, and the next plot keeps it hidden
        plot.setMarkerVisible(PlotMarker::Retransmission, false);
        QVERIFY(!plot.markerGraph(PlotMarker::Retransmission)->visible());
        plot.setFlows(&store, {0});
        QVERIFY(!plot.isMarkerVisible(PlotMarker::Retransmission));
        QVERIFY(!plot.markerGraph(PlotMarker::Retransmission)->visible());
    }

    void valueModes_data()
    {
        QTest::addColumn<int>("mode");
        QTest::addColumn<QVector<double>>("expected");
        QTest::newRow("frame length") << int(PlotValue::FrameLength) << QVector<double>{74, 1514, 1514, 60, 66};
        QTest::newRow("payload") << int(PlotValue::PayloadLength) << QVector<double>{0, 1448, 1448, 0, 0};
        // relative to the first sequence number, across the 2^32 wrap
        QTest::newRow("relative seq") << int(PlotValue::RelativeSequence) << QVector<double>{0, 1, 1449, 2897, 2897};
        QTest::newRow("time-sequence: segment ends") << int(PlotValue::TimeSequence) << QVector<double>{0, 1449, 2897, 2897, 2897};
        QTest::newRow("cumulative") << int(PlotValue::CumulativeBytes)
                                    << QVector<double>{74, 1588, 3102, 3162, 3228};
    }
    void valueModes()
    {
        QFETCH(int, mode);
        QFETCH(QVector<double>, expected);
        const CaptureStore store = madeUp();
        FlowPlot plot;
        plot.setFlows(&store, {0});
        plot.setValue(PlotValue(mode));
        QCOMPARE(valuesOf(plot.flowGraph(0)), expected);
        // keys: seconds since the capture start, or since the flow start
        plot.setOrigin(PlotOrigin::FlowStart);
        QCOMPARE(plot.flowGraph(0)->data()->at(4)->key, 0.050);
    }

    /// The y modes of the TCP analysis: the RTT of each acknowledged segment (from the ACKs of
    /// the other direction), bytes in flight, and throughput over a 1 s moving window.
    void analysisValueModes()
    {
        CaptureStore store = madeUp();
        // flow 1's SYN/ACK acknowledges the SYN (frame 1, 5 ms before it), its ACK frame 3
        // (20 ms before)
        packetOf(store, 1, 0).acksFrame = 1;
        packetOf(store, 1, 1).acksFrame = 3;
        packetOf(store, 0, 1).bytesInFlight = 1448;
        packetOf(store, 0, 2).bytesInFlight = 2896;
        packetOf(store, 0, 2).analysis = TcpAnalysisFlag::Retransmission;
        FlowPlot plot;
        plot.setFlows(&store, {0});
        plot.setValue(PlotValue::AckRtt);
        QCOMPARE(valuesOf(plot.flowGraph(0)), (QVector<double>{5, 20}));
        QCOMPARE(keysOf(plot.flowGraph(0)), (QVector<double>{0.0, 0.020})); // when sent
        QCOMPARE(plot.markerGraph(PlotMarker::Syn)->dataCount(), 1);
        QCOMPARE(plot.markerGraph(PlotMarker::Retransmission)->data()->at(0)->value, 20.0);
        QCOMPARE(plot.markerGraph(PlotMarker::Fin)->dataCount(), 0);
        plot.resize(800, 400);
        plot.show();
        QVERIFY(QTest::qWaitForWindowExposed(&plot));
        plot.plot()->replot();
        QCOMPARE(plot.frameAt(plot.pixelOfFrame(3)), 3u); // a point stands for its segment
        // the ACK flow has no segment acknowledged
        plot.setFlows(&store, {1});
        QCOMPARE(plot.flowGraph(0)->dataCount(), 0);

        plot.setFlows(&store, {0});
        plot.setValue(PlotValue::BytesInFlight);
        QCOMPARE(valuesOf(plot.flowGraph(0)), (QVector<double>{1448, 2896}));

        // throughput: the payload of the last second in bits/s; a packet leaves the window
        // once it is more than a second old
        addFlow(store, 5, 6,
                {{0, 140, 100, 1, TcpFlag::ACK},
                 {500, 240, 200, 101, TcpFlag::ACK},
                 {1000, 340, 300, 301, TcpFlag::ACK},
                 {1001, 440, 400, 601, TcpFlag::ACK}});
        plot.setFlows(&store, {3});
        plot.setValue(PlotValue::Throughput);
        QCOMPARE(valuesOf(plot.flowGraph(0)), (QVector<double>{800, 2400, 4800, 7200}));
    }

    /// Frames whose times step back are drawn in time order; cumulative bytes add up in it.
    void timeOrderAndCumulativeBytes()
    {
        CaptureStore store;
        addFlow(store, 1, 2,
                {{30, 100, 0, 1, TcpFlag::ACK}, {10, 200, 0, 1, TcpFlag::SYN}, {20, 300, 0, 1, TcpFlag::FIN}});
        store.flows[0].stats.firstNs = store.frames[1].timeNs;
        FlowPlot plot;
        plot.setFlows(&store, {0});
        plot.setValue(PlotValue::CumulativeBytes);
        QCOMPARE(valuesOf(plot.flowGraph(0)), (QVector<double>{200, 500, 600}));
        QCOMPARE(plot.markerGraph(PlotMarker::Syn)->data()->at(0)->value, 200.0);
        QCOMPARE(plot.markerGraph(PlotMarker::Fin)->data()->at(0)->value, 500.0);
        plot.resize(800, 400);
        plot.show();
        QVERIFY(QTest::qWaitForWindowExposed(&plot));
        plot.plot()->replot();
        QCOMPARE(plot.frameAt(plot.pixelOfFrame(1)), 1u); // frame 1 is the last point in time
    }

    void severalFlowsAndLanes()
    {
        const CaptureStore store = madeUp();
        FlowPlot plot;
        plot.setFlows(&store, {0, 1, 2});
        QSet<QRgb> colours;
        for (size_t i = 0; i < 3; ++i) {
            colours.insert(plot.flowGraph(i)->pen().color().rgb());
            QCOMPARE(plot.flowGraph(i)->name(), QString::fromStdString(store.flows[i].label()));
        }
        QCOMPARE(colours.size(), 3);
        QCOMPARE(plot.markerGraph(PlotMarker::Syn)->dataCount(), 2); // the SYN and the SYN ACK
        plot.setLanes(true);
        for (size_t i = 0; i < 3; ++i)
            for (double v : valuesOf(plot.flowGraph(i)))
                QCOMPARE(v, double(i));
        plot.resize(900, 500);
        plot.plot()->replot();
        const QVector<QString> labels = plot.plot()->yAxis->tickVectorLabels();
        QCOMPARE(labels.size(), 3);
        QVERIFY(labels.value(1).startsWith("192.0.2.2_80-192.0.2.1_1001"));
        QVERIFY(plot.plot()->yAxis->range().contains(-0.4) && plot.plot()->yAxis->range().contains(2.4));
    }

    /// A plot too short for the y axis' title shows it elided, not cut mid-letter, and whole
    /// again once there is room.
    void yAxisTitleFitsTheAxes()
    {
        const CaptureStore store = madeUp();
        FlowPlot plot;
        plot.setFlows(&store, {0});
        const QString whole = plotValueName(PlotValue::FrameLength);
        QCPAxis* y = plot.plot()->yAxis;
        const QFontMetrics metrics(y->labelFont());
        plot.resize(600, 900);
        plot.show();
        QVERIFY(QTest::qWaitForWindowExposed(&plot));
        plot.plot()->replot();
        QCOMPARE(y->label(), whole);
        plot.resize(600, plot.minimumSizeHint().height()); // (the plot at its least height)
        QCoreApplication::processEvents(); // (the layout gives the plot its new size)
        plot.plot()->replot();
        QVERIFY2(plot.plot()->axisRect()->height() < metrics.horizontalAdvance(whole), "the test needs a shorter plot");
        QVERIFY(y->label().endsWith(QChar(0x2026)));
        QVERIFY(whole.startsWith(y->label().chopped(1)));
        QVERIFY(metrics.horizontalAdvance(y->label()) <= plot.plot()->axisRect()->height());
        plot.resize(600, 900);
        QCoreApplication::processEvents();
        plot.plot()->replot();
        QCOMPARE(y->label(), whole);
    }

    void reverseDirection()
    {
        const CaptureStore store = madeUp();
        FlowPlot plot;
        plot.setFlows(&store, {0});
        QVERIFY(plot.addReverseDirection());
        QCOMPARE(plot.flows(), (std::vector<uint32_t>{0, 1}));
        QVERIFY(!plot.addReverseDirection()); // already there
    }

    void reverseDirectionOfEveryFlow()
    {
        const CaptureStore store = manyFlows(40, 2);
        FlowPlot plot;
        plot.setFlows(&store, {0, 2, 4, 7});
        QVERIFY(plot.addReverseDirection());
        QCOMPARE(plot.flows(), (std::vector<uint32_t>{0, 2, 4, 7, 1, 3, 5, 6}));
        QVERIFY(!plot.addReverseDirection());
    }

    /// Beyond a handful of flows the flows share a few graphs, the legend says what it shows,
    /// and every point is still there and findable.
    void manyFlowsShareColourGraphs()
    {
        const CaptureStore store = manyFlows(300, 3);
        std::vector<uint32_t> all(300);
        std::iota(all.begin(), all.end(), 0u);
        FlowPlot plot;
        plot.resize(1000, 600);
        plot.setFlows(&store, all);
        QVERIFY(!plot.isBuilding());
        QCOMPARE(plot.flowGraphCount(), FlowPlot::kColourGroups);
        int points = 0, inLegend = 0;
        for (size_t g = 0; g < plot.flowGraphCount(); ++g) {
            points += plot.flowGraph(g)->dataCount();
            inLegend += plot.plot()->legend->hasItemWithPlottable(plot.flowGraph(g));
        }
        QCOMPARE(points, 900);
        QCOMPARE(inLegend, 1);
        QVERIFY(plot.flowGraph(0)->name().startsWith("300 flows, 900 packets"));
        QCOMPARE(plot.markerGraph(PlotMarker::Syn)->dataCount(), 300);
        for (uint32_t frame : {1u, 450u, 900u}) {
            plot.markFrame(frame);
            QCOMPARE(plot.markGraph()->dataCount(), 1);
        }
        plot.setLanes(true); // lanes: a readable window of them, scrolling
        QVERIFY(plot.plot()->yAxis->range().size() <= FlowPlot::kVisibleLanes + 1);
        plot.plot()->replot();
        QVERIFY(plot.plot()->yAxis->tickVectorLabels().size() <= FlowPlot::kVisibleLanes + 1);
        QVERIFY(plot.plot()->yAxis->tickVectorLabels().value(0).startsWith("10.0.0.0_1024-"));
    }

    /// Every flow of a 2-million-packet capture: built a slice at a time between events (the
    /// event loop keeps turning: a check for freezes, not for speed), a new selection drops
    /// the building one, and at the end every point is plotted.
    void selectingEveryFlowNeverFreezes()
    {
        const CaptureStore store = manyFlows(250'000, 8);
        std::vector<uint32_t> all(store.flows.size());
        std::iota(all.begin(), all.end(), 0u);
        FlowPlot plot;
        plot.resize(1024, 400);
        plot.show();
        QVERIFY(QTest::qWaitForWindowExposed(&plot));
        QSignalSpy plotted(&plot, &FlowPlot::plotted);
        plot.setFlows(&store, all);
        QVERIFY(plot.isBuilding());
        QVERIFY(plot.showsMessage());
        plot.setFlows(&store, {0, 1}); // changed the selection: the big one is dropped
        QVERIFY(!plot.isBuilding());
        QCOMPARE(plot.flowGraph(0)->dataCount(), 8);
        plot.setFlows(&store, all);
        QElapsedTimer clock, turn;
        clock.start();
        qint64 longest = 0;
        while (plot.isBuilding() && clock.elapsed() < 120'000) {
            turn.start();
            QCoreApplication::processEvents(QEventLoop::AllEvents);
            longest = std::max(longest, turn.elapsed());
        }
        QVERIFY2(!plot.isBuilding(), "the plot was still being built after 120 s");
        qInfo("plotted 2,000,000 points of 250,000 flows in %lld ms; longest event %lld ms",
              clock.elapsed(), longest);
        QVERIFY2(longest < 1000, qPrintable(QString::number(longest))); // a freeze, not a speed goal
        int points = 0;
        for (size_t g = 0; g < plot.flowGraphCount(); ++g)
            points += plot.flowGraph(g)->dataCount();
        QCOMPARE(points, 2'000'000);
        QVERIFY(plotted.size() >= 2);
    }

    void clickSelectsThatFrame()
    {
        const CaptureStore store = madeUp();
        FlowPlot plot;
        plot.resize(900, 500);
        plot.show();
        QVERIFY(QTest::qWaitForWindowExposed(&plot));
        plot.setFlows(&store, {0, 1});
        plot.plot()->replot();
        QSignalSpy clicked(&plot, &FlowPlot::frameClicked);
        for (uint32_t frame : {3u, 6u}) {
            const QPoint at = plot.pixelOfFrame(frame);
            QVERIFY(at.x() >= 0);
            QCOMPARE(plot.frameAt(at), frame);
            QTest::mouseClick(plot.plot(), Qt::LeftButton, Qt::NoModifier, at);
        }
        QCOMPARE(clicked.size(), 2);
        QCOMPARE(clicked[0][0].toUInt(), 0u);
        QCOMPARE(clicked[0][1].toUInt(), 3u);
        QCOMPARE(clicked[1][0].toUInt(), 1u);
        QCOMPARE(clicked[1][1].toUInt(), 6u);
        QCOMPARE(plot.frameAt(QPoint(2, 2)), 0u); // nothing there
    }

    void keyboardPansZoomsAndSteps()
    {
        const CaptureStore store = madeUp();
        FlowPlot plot;
        plot.resize(900, 500);
        plot.show();
        QVERIFY(QTest::qWaitForWindowExposed(&plot));
        plot.setFlows(&store, {0, 1});
        plot.plot()->setFocus();
        QSignalSpy clicked(&plot, &FlowPlot::frameClicked);
        // Shift+Right walks the points in time order: frames 1, 6 (the reverse's 5 ms), 2, 3…
        std::vector<uint32_t> walked;
        while (plot.stepPoint(true))
            walked.push_back(clicked.back()[1].toUInt());
        QCOMPARE(walked, (std::vector<uint32_t>{1, 6, 2, 3, 4, 7, 5}));
        QTest::keyClick(plot.plot(), Qt::Key_Left, Qt::ShiftModifier);
        QCOMPARE(clicked.back()[1].toUInt(), 7u);
        QCOMPARE(clicked.back()[0].toUInt(), 1u); // frame 7 is flow 1's
        QCOMPARE(plot.markGraph()->dataCount(), 1);
        const QCPRange before = plot.plot()->xAxis->range();
        QTest::keyClick(plot.plot(), Qt::Key_Right);
        QVERIFY(plot.plot()->xAxis->range().lower > before.lower);
        QTest::keyClick(plot.plot(), Qt::Key_Plus);
        QVERIFY(plot.plot()->xAxis->range().size() < before.size() * 0.6);
        QTest::keyClick(plot.plot(), Qt::Key_Home);
        QCOMPARE(plot.plot()->xAxis->range().size(), before.size());
        QCOMPARE(plot.plot()->xAxis->basePen().color(), plot.palette().color(QPalette::Highlight)); // focus shown
    }

    void saving()
    {
        const CaptureStore store = madeUp();
        FlowPlot plot;
        plot.resize(700, 400);
        plot.setFlows(&store, {0, 1});
        QTemporaryDir dir;
        QVERIFY(plot.save(dir.filePath("p.png"), 640, 360));
        QImage png(dir.filePath("p.png"));
        QCOMPARE(png.size(), QSize(640, 360));
        QVERIFY(plot.save(dir.filePath("p.jpg"), 320, 200));
        QCOMPARE(QImage(dir.filePath("p.jpg")).size(), QSize(320, 200));
        QVERIFY(plot.save(dir.filePath("p.pdf"), 800, 500));
        QFile pdf(dir.filePath("p.pdf"));
        QVERIFY(pdf.open(QIODevice::ReadOnly));
        const QByteArray bytes = pdf.readAll();
        QVERIFY(bytes.startsWith("%PDF"));
        QVERIFY(bytes.size() > 1000);
        const QRegularExpressionMatch box = QRegularExpression(R"(/MediaBox \[0 0 ([\d.]+) ([\d.]+)\])").match(QString::fromLatin1(bytes));
        QVERIFY(box.hasMatch());
        QCOMPARE(qRound(box.captured(1).toDouble() / box.captured(2).toDouble() * 100), 160); // 800:500
    }

    void emptyStates()
    {
        FlowPlot plot;
        QVERIFY(plot.showsMessage());
        const CaptureStore store = madeUp();
        plot.setFlows(&store, {2}); // one packet
        QVERIFY(!plot.showsMessage());
        const QCPRange x = plot.plot()->xAxis->range(), y = plot.plot()->yAxis->range();
        QVERIFY(x.size() > 0 && x.contains(0.060));
        QVERIFY(y.size() > 0 && y.contains(100));
        QVERIFY(!(x.lower == 0 && x.upper == 1 && y.lower == 0 && y.upper == 1));
        plot.clear();
        QVERIFY(plot.showsMessage());
    }
};

QTEST_MAIN(TestFlowPlot)
#include "tst_flowplot.moc"
