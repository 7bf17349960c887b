// A loaded capture as the desktop application builds it, batch by batch: the same store
// whatever the batches, each flow's other direction found while tracing, each frame's flow;
// and the flows' sort orders (FlowSortKeys).

#include "CaptureBuilder.h"
#include "LoadBatches.h"

#include "FlowSortKeys.h"

#include <QTest>

using namespace fi;
using namespace fi::test;

namespace {

/// Loads `spec` in batches of `perBatch` frames (0: one batch at the end).
CaptureStore loadInBatches(const CaptureSpec& spec, size_t perBatch)
{
    CaptureStore store;
    for (const LoadBatch& batch : batchesOf(spec, perBatch))
        store.apply(batch);
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
        CaptureStore store = loadInBatches(connection(), size_t(perBatch));
        QCOMPARE(store.frames.size(), size_t(6));
        QCOMPARE(store.flows.size(), size_t(4));
        QCOMPARE(store.flows[0].reverse, 1u); // linked back when its other direction opened
        QCOMPARE(store.flows[1].reverse, 0u);
        QCOMPARE(store.flows[2].reverse, FlowTracker::kNoFlow);
        QCOMPARE(store.flows[3].reverse, FlowTracker::kNoFlow); // b→a had closed by then
        QCOMPARE(store.flows[0].packetCount, 2u);
        QCOMPARE(store.flows[0].stats.fin, 1u);
        QVERIFY(store.flows[0].stats.closedByFin);
        QCOMPARE(QString::fromStdString(store.flows[3].label()), "10.0.0.1_1000-10.0.0.2_80-6.0");
        const std::vector<uint32_t> flowOfFrame = {0, 1, 2, 0, 1, 3};
        for (uint32_t n = 1; n <= 6; ++n)
            QCOMPARE(store.flowOfFrame(n), flowOfFrame[n - 1]);
        // every flow packet once, in capture order, and each flow's chained in that order
        QCOMPARE(store.packets.size(), size_t(6));
        for (uint32_t i = 0; i < 6; ++i) {
            QCOMPARE(store.packets[i].frame, i + 1);
            QCOMPARE(store.packetOfFrame(i + 1), &store.packets[i]);
        }
        std::vector<std::vector<uint32_t>> framesOfFlow = {{1, 4}, {2, 5}, {3}, {6}};
        auto checkPacketsOfFlows = [&] {
            for (uint32_t f = 0; f < 4; ++f) {
                const FlowPacketList list = store.packetsOf(f);
                std::vector<uint32_t> frames;
                for (const FlowPacket& p : list) {
                    QCOMPARE(p.flow, f);
                    frames.push_back(p.frame);
                }
                QCOMPARE(frames, framesOfFlow[f]);
                QCOMPARE(store.firstPacketOf(f)->frame, frames.front());
                QCOMPARE(store.lastPacketOf(f)->frame, frames.back());
                QCOMPARE(list.back().previous, frames.size() > 1 ? list.index(list.size() - 2) : FlowPacket::kNone);
            }
        };
        checkPacketsOfFlows(); // from their chains
        store.indexPackets();
        checkPacketsOfFlows(); // from the index
        // a packet after the index: that flow is read from its chain again
        store.frames.push_back(store.frames.back());
        store.framePackets.push_back(FlowPacket::kNone);
        FlowPacket late;
        late.frame = 7;
        late.flow = 2;
        QCOMPARE(store.addPacket(late), 6u);
        QCOMPARE(store.flowOfFrame(7), 2u);
        framesOfFlow[2].push_back(7);
        checkPacketsOfFlows();
    }

    void framesWithoutTcpHaveNoFlow()
    {
        CaptureSpec spec = connection();
        TestFrame arp = spec.frames[0];
        arp.bytes.resize(20); // an Ethernet frame cut inside its IPv4 header: not a flow packet
        spec.frames.insert(spec.frames.begin() + 1, arp);
        const CaptureStore store = loadInBatches(spec, 2);
        QCOMPARE(store.frames.size(), size_t(7));
        QCOMPARE(store.flowOfFrame(1), 0u);
        QCOMPARE(store.flowOfFrame(2), FlowTracker::kNoFlow);
        QCOMPARE(store.flowOfFrame(3), 1u);
    }

    void sortKeysOrderFlows_data()
    {
        QTest::addColumn<int>("column");
        QTest::addColumn<bool>("descending");
        QTest::addColumn<QList<int>>("order"); // flow ids
        // the flows of the capture below: labels 10.0.0.10_5-…, 10.0.0.9_7-…, 2001.db8..a_6-…,
        // 10.0.0.9_8-…; flow 0 has 3 packets, the others 1
        QTest::newRow("label, as text") << int(FlowColumns::Label) << false << QList<int>{0, 1, 3, 2};
        QTest::newRow("source, as numbers, IPv4 first") << int(FlowColumns::Source) << false << QList<int>{1, 3, 0, 2};
        QTest::newRow("packets, ties in capture order") << int(FlowColumns::Packets) << false << QList<int>{1, 2, 3, 0};
        QTest::newRow("source port") << int(FlowColumns::SourcePort) << false << QList<int>{0, 2, 1, 3};
        QTest::newRow("start") << int(FlowColumns::Start) << false << QList<int>{0, 1, 2, 3};
        QTest::newRow("packets descending, ties in capture order") << int(FlowColumns::Packets) << true << QList<int>{0, 1, 2, 3};
        QTest::newRow("label descending") << int(FlowColumns::Label) << true << QList<int>{2, 3, 1, 0};
        QTest::newRow("source descending") << int(FlowColumns::Source) << true << QList<int>{2, 0, 1, 3};
    }
    void sortKeysOrderFlows()
    {
        QFETCH(int, column);
        QFETCH(bool, descending);
        QFETCH(QList<int>, order);
        CaptureSpec spec;
        auto add = [&spec](const std::string& src, uint16_t sport, int64_t second, bool v6 = false) {
            TcpSpec t;
            t.srcPort = sport;
            t.dstPort = 80;
            t.flags = TcpFlag::ACK;
            spec.add(v6 ? tcpOverIpv6(src, "2001:db8::ff", t) : tcpOverIpv4(src, "10.0.0.2", t), second, 0);
        };
        add("10.0.0.10", 5, 1);       // flow 0
        add("10.0.0.9", 7, 2);        // flow 1
        add("2001:db8::a", 6, 3, true); // flow 2
        add("10.0.0.9", 8, 4);        // flow 3
        add("10.0.0.10", 5, 5);       // flow 0 again
        add("10.0.0.10", 5, 6);       // flow 0, 3 packets
        const CaptureStore store = loadInBatches(spec, 0);
        QCOMPARE(store.flows.size(), size_t(4));
        const FlowSortKeys keys = FlowSortKeys::take(store, FlowColumns::Column(column));
        QCOMPARE(keys.count(), size_t(4));
        const std::vector<uint32_t> sorted = keys.sortedFlows(descending);
        QCOMPARE(QList<int>(sorted.begin(), sorted.end()), order);
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
