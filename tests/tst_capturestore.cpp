// A loaded capture as the desktop application builds it, batch by batch: the same store
// whatever the batches, and each flow's other direction found while tracing.

#include "CaptureBuilder.h"

#include "CaptureTracer.h"
#include "LoadBatchBuilder.h"

#include <QTemporaryDir>
#include <QTest>

using namespace fi;
using namespace fi::test;

namespace {

/// Loads `spec` in batches of `perBatch` frames (0: one batch at the end).
CaptureStore loadInBatches(const CaptureSpec& spec, size_t perBatch)
{
    QTemporaryDir dir;
    const QString path = dir.filePath("c.pcap");
    writeFile(path, pcapFile(spec));
    CaptureTracer tracer;
    if (!tracer.open(path.toStdString()))
        return {};
    CaptureStore store;
    FlowTracker tracker;
    LoadBatchBuilder builder(0, tracker);
    tracer.setFrameHook([&](const FrameView& f, const TcpPacket&, uint32_t) {
        builder.addFrame(f);
        if (perBatch && builder.pendingFrames() == perBatch)
            store.apply(*builder.take(0, 0));
    });
    tracer.run(tracker);
    store.apply(*builder.take(0, 0));
    return store;
}

TestFrame segment(const std::string& src, uint16_t sport, const std::string& dst, uint16_t dport,
                  uint8_t flags, int64_t second)
{
    TcpSpec t;
    t.srcPort = sport;
    t.dstPort = dport;
    t.flags = flags;
    return {second, 0, tcpOverIpv4(src, dst, t), 0};
}

/// A connection with its handshake and teardown, the final ACK, and an unrelated flow.
CaptureSpec connection()
{
    CaptureSpec spec;
    const std::string a = "10.0.0.1", b = "10.0.0.2";
    spec.frames = {
        segment(a, 1000, b, 80, TcpFlag::SYN, 1),                      // flow 0 a→b
        segment(b, 80, a, 1000, TcpFlag::SYN | TcpFlag::ACK, 2),       // flow 1 b→a
        segment("10.9.9.9", 5, b, 80, TcpFlag::SYN, 3),                // flow 2, alone
        segment(a, 1000, b, 80, TcpFlag::FIN | TcpFlag::ACK, 4),       // flow 0 closes
        segment(b, 80, a, 1000, TcpFlag::FIN | TcpFlag::ACK, 5),       // flow 1 closes
        segment(a, 1000, b, 80, TcpFlag::ACK, 6),                      // flow 3: the final ACK
    };
    return spec;
}

} // namespace

class TestCaptureStore : public QObject
{
    Q_OBJECT

private slots:
    void reverseDirectionsAreLinkedWhileTracing_data()
    {
        QTest::addColumn<int>("perBatch");
        QTest::newRow("one batch") << 0;
        QTest::newRow("a batch per frame") << 1;
        QTest::newRow("batches of two") << 2;
    }
    void reverseDirectionsAreLinkedWhileTracing()
    {
        QFETCH(int, perBatch);
        const CaptureStore store = loadInBatches(connection(), size_t(perBatch));
        QCOMPARE(store.frames.size(), size_t(6));
        QCOMPARE(store.flows.size(), size_t(4));
        QCOMPARE(store.flows[0].reverse, 1u); // linked back when its other direction opened
        QCOMPARE(store.flows[1].reverse, 0u);
        QCOMPARE(store.flows[2].reverse, FlowTracker::kNoFlow);
        QCOMPARE(store.flows[3].reverse, FlowTracker::kNoFlow); // b→a had closed by then
        QCOMPARE(store.flows[0].packets.size(), size_t(2));
        QCOMPARE(store.flows[0].stats.fin, 1u);
        QVERIFY(store.flows[0].stats.closedByFin);
        QCOMPARE(QString::fromStdString(store.flows[3].label), "10.0.0.1_1000-10.0.0.2_80-6.0");
    }

    void aFlowToItselfHasNoOtherDirection()
    {
        CaptureSpec spec;
        spec.frames = {segment("10.0.0.1", 7, "10.0.0.1", 7, TcpFlag::SYN, 1)};
        const CaptureStore store = loadInBatches(spec, 0);
        QCOMPARE(store.flows.size(), size_t(1));
        QCOMPARE(store.flows[0].reverse, FlowTracker::kNoFlow);
    }
};

QTEST_GUILESS_MAIN(TestCaptureStore)
#include "tst_capturestore.moc"
