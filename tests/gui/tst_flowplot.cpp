// The packet timeline: points per packet, SYN/FIN/RST markers, value modes on a made-up flow,
// several flows and lanes, click mapping, saving, empty states and the reverse direction.

#include "FlowPlot.h"

#include <qcustomplot.h>

#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

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
    FlowRecord f;
    f.id = {v4(src), uint16_t(1000 + src), v4(dst), 80};
    f.label = makeLabel(f.id, Timestamp::fromNanoseconds((1000'000 + packets.front().ms) * 1'000'000));
    for (const PacketSpec& p : packets) {
        FrameRecord r;
        r.timeNs = (1000'000 + p.ms) * 1'000'000;
        r.capturedLength = r.originalLength = p.length;
        store.frames.push_back(r);
        FlowPacket fp;
        fp.frame = uint32_t(store.frames.size());
        fp.payloadLength = p.payload;
        fp.seq = p.seq;
        fp.flags = p.flags;
        f.packets.push_back(fp);
        f.stats.packets++;
        f.stats.syn += (p.flags & TcpFlag::SYN) != 0;
        f.stats.fin += (p.flags & TcpFlag::FIN) != 0;
        f.stats.rst += (p.flags & TcpFlag::RST) != 0;
    }
    f.stats.firstNs = store.frames[f.packets.front().frame - 1].timeNs;
    f.stats.lastNs = store.frames[f.packets.back().frame - 1].timeNs;
    store.flows.push_back(std::move(f));
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
    s.flows[1].label = makeLabel(s.flows[1].id, Timestamp::fromNanoseconds(s.flows[1].stats.firstNs));
    addFlow(s, 9, 2, {{60, 100, 46, 1, TcpFlag::ACK}});
    return s;
}

QVector<double> valuesOf(QCPGraph* g)
{
    QVector<double> out;
    for (auto it = g->data()->constBegin(); it != g->data()->constEnd(); ++it)
        out << it->value;
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
        QCOMPARE(plot.synGraph()->dataCount(), 1);
        QCOMPARE(plot.finGraph()->dataCount(), 1);
        QCOMPARE(plot.rstGraph()->dataCount(), 1);
        QCOMPARE(plot.synGraph()->name(), "SYN (1)");
        QCOMPARE(plot.rstGraph()->name(), "RST (1)");
        QVERIFY(plot.synGraph()->scatterStyle().shape() != plot.finGraph()->scatterStyle().shape());
        QVERIFY(plot.finGraph()->scatterStyle().shape() != plot.rstGraph()->scatterStyle().shape());
        plot.setMarkersVisible(false, true, true);
        QVERIFY(!plot.synGraph()->visible());
        QVERIFY(plot.finGraph()->visible());
    }

    void valueModes_data()
    {
        QTest::addColumn<int>("mode");
        QTest::addColumn<QVector<double>>("expected");
        QTest::newRow("frame length") << int(PlotValue::FrameLength) << QVector<double>{74, 1514, 1514, 60, 66};
        QTest::newRow("payload") << int(PlotValue::PayloadLength) << QVector<double>{0, 1448, 1448, 0, 0};
        // relative to the first sequence number, across the 2^32 wrap
        QTest::newRow("relative seq") << int(PlotValue::RelativeSequence) << QVector<double>{0, 1, 1449, 2897, 2897};
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
        QCOMPARE(plot.synGraph()->data()->at(0)->value, 200.0);
        QCOMPARE(plot.finGraph()->data()->at(0)->value, 500.0);
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
            QCOMPARE(plot.flowGraph(i)->name(), QString::fromStdString(store.flows[i].label));
        }
        QCOMPARE(colours.size(), 3);
        QCOMPARE(plot.synGraph()->dataCount(), 2); // the SYN and the SYN ACK
        plot.setLanes(true);
        for (size_t i = 0; i < 3; ++i)
            for (double v : valuesOf(plot.flowGraph(i)))
                QCOMPARE(v, double(i));
        auto ticker = plot.plot()->yAxis->ticker().dynamicCast<QCPAxisTickerText>();
        QVERIFY(ticker);
        QCOMPARE(ticker->ticks().size(), 3);
        QVERIFY(ticker->ticks().value(1).startsWith("192.0.2.2_80-192.0.2.1_1001"));
        QVERIFY(plot.plot()->yAxis->range().contains(-0.4) && plot.plot()->yAxis->range().contains(2.4));
    }

    void reverseDirection()
    {
        const CaptureStore store = madeUp();
        QCOMPARE(reverseFlow(store, 0), 1u);
        QCOMPARE(reverseFlow(store, 2), UINT32_MAX);
        FlowPlot plot;
        plot.setFlows(&store, {0});
        QVERIFY(plot.addReverseDirection());
        QCOMPARE(plot.flows(), (std::vector<uint32_t>{0, 1}));
        QVERIFY(!plot.addReverseDirection()); // already there
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
