// The flow rule of spec section 2: FIN closes, the next packet reopens with a new label,
// the index order, callbacks, per-flow statistics, and the open-flow table under load.

#include "FlowPacketBuilder.h"

#include "TraceFlow.h"

#include <QTest>

#include <map>
#include <random>
#include <tuple>

using namespace fi;
using namespace fi::test;

namespace {

std::vector<std::vector<uint32_t>> framesOf(const std::vector<const Index*>& index)
{
    std::vector<std::vector<uint32_t>> out;
    for (const Index* f : index)
        out.push_back(f->index);
    return out;
}

using Frames = std::vector<std::vector<uint32_t>>;

} // namespace

class TestTraceFlow : public QObject
{
    Q_OBJECT

private slots:
    void finClosesAndNextPacketReopens()
    {
        TraceFlow t;
        t.trace(flowPacket(1, "10.0.0.1", 1000, "10.0.0.2", 80, TcpFlag::SYN));
        t.trace(flowPacket(2, "10.0.0.1", 1000, "10.0.0.2", 80));
        t.trace(flowPacket(3, "10.0.0.1", 1000, "10.0.0.2", 80, TcpFlag::FIN | TcpFlag::ACK));
        t.trace(flowPacket(4, "10.0.0.1", 1000, "10.0.0.2", 80)); // the final ACK opens a new flow
        auto index = t.submit();
        QCOMPARE(framesOf(index), (Frames{{4}, {1, 2, 3}}));
        QCOMPARE(QString::fromStdString(index[1]->label), "10.0.0.1_1000-10.0.0.2_80-1001.0");
        QCOMPARE(QString::fromStdString(index[0]->label), "10.0.0.1_1000-10.0.0.2_80-1004.0");
        QVERIFY(t.stats(*index[1]).closedByFin);
        QVERIFY(!t.stats(*index[0]).closedByFin);
    }

    void buffersAreTheOpenFlows()
    {
        TraceFlow t;
        const Packet first = flowPacket(1, "10.0.0.1", 1000, "10.0.0.2", 80, TcpFlag::SYN);
        QVERIFY(!t.buffer(first.bufferId()));
        t.trace(first);
        t.trace(flowPacket(2, "10.0.0.1", 1000, "10.0.0.2", 80));
        const Buffer* b = t.buffer(first.bufferId());
        QVERIFY(b);
        QCOMPARE(b->index, (std::vector<uint32_t>{1, 2}));
        QCOMPARE(QString::fromStdString(b->label), "10.0.0.1_1000-10.0.0.2_80-1001.0");
        QVERIFY(b->fpout.empty()); // no output format
        QVERIFY(!t.buffer(first.bufferId().mirrored()));
        t.trace(flowPacket(3, "10.0.0.1", 1000, "10.0.0.2", 80, TcpFlag::FIN));
        QVERIFY(!t.buffer(first.bufferId())); // closed: an Index now, no longer a Buffer
    }

    void directionsAreSeparateFlows()
    {
        TraceFlow t;
        t.trace(flowPacket(1, "10.0.0.1", 1000, "10.0.0.2", 80, TcpFlag::SYN));
        t.trace(flowPacket(2, "10.0.0.2", 80, "10.0.0.1", 1000, TcpFlag::SYN | TcpFlag::ACK));
        t.trace(flowPacket(3, "10.0.0.1", 1000, "10.0.0.2", 80));
        QCOMPARE(framesOf(t.index()), (Frames{{1, 3}, {2}}));
    }

    void synDoesNotOpenOrClose()
    {
        TraceFlow t;
        t.trace(flowPacket(1, "10.0.0.1", 1000, "10.0.0.2", 80, TcpFlag::SYN));
        t.trace(flowPacket(2, "10.0.0.1", 1000, "10.0.0.2", 80, TcpFlag::SYN)); // retransmission
        t.trace(flowPacket(3, "10.0.0.1", 1000, "10.0.0.2", 80, TcpFlag::SYN)); // port reuse
        QCOMPARE(framesOf(t.index()), (Frames{{1, 2, 3}}));
    }

    void rstDoesNotClose()
    {
        TraceFlow t;
        t.trace(flowPacket(1, "10.0.0.1", 1000, "10.0.0.2", 80, TcpFlag::RST));
        t.trace(flowPacket(2, "10.0.0.1", 1000, "10.0.0.2", 80));
        QCOMPARE(framesOf(t.index()), (Frames{{1, 2}}));
        QCOMPARE(t.stats(t.flows()[0]).rst, 1u);
    }

    void indexOrderIsOpenThenClosedInClosingOrder()
    {
        TraceFlow t;
        t.trace(flowPacket(1, "10.0.0.1", 1, "10.0.0.9", 80));                  // X opens
        t.trace(flowPacket(2, "10.0.0.2", 2, "10.0.0.9", 80));                  // Y opens
        t.trace(flowPacket(3, "10.0.0.3", 3, "10.0.0.9", 80));                  // Z opens
        t.trace(flowPacket(4, "10.0.0.3", 3, "10.0.0.9", 80, TcpFlag::FIN));    // Z closes
        t.trace(flowPacket(5, "10.0.0.1", 1, "10.0.0.9", 80, TcpFlag::FIN));    // X closes
        t.trace(flowPacket(6, "10.0.0.4", 4, "10.0.0.9", 80));                  // W opens
        t.trace(flowPacket(7, "10.0.0.2", 2, "10.0.0.9", 80));                  // Y goes on
        QCOMPARE(framesOf(t.index()), (Frames{{2, 7}, {6}, {3, 4}, {1, 5}}));
        QCOMPARE(t.openCount(), size_t(2));
    }

    void callbacksGetEveryClosedFlowAsItCloses()
    {
        TraceFlow t;
        std::vector<std::pair<std::string, std::vector<uint32_t>>> seen;
        t.registerCallback([&](const Index& f) { seen.emplace_back(f.label, f.index); });
        int calls2 = 0;
        t.registerCallback([&](const Index&) { ++calls2; });
        t.trace(flowPacket(1, "10.0.0.1", 1, "10.0.0.9", 80));
        t.trace(flowPacket(2, "10.0.0.2", 2, "10.0.0.9", 80, TcpFlag::FIN));
        QCOMPARE(seen.size(), size_t(1));
        t.trace(flowPacket(3, "10.0.0.1", 1, "10.0.0.9", 80, TcpFlag::FIN));
        t.trace(flowPacket(4, "10.0.0.5", 5, "10.0.0.9", 80)); // stays open: no callback
        t.submit();
        QCOMPARE(seen.size(), size_t(2));
        QCOMPARE(calls2, 2);
        QCOMPARE(QString::fromStdString(seen[0].first), "10.0.0.2_2-10.0.0.9_80-1002.0");
        QCOMPARE(seen[0].second, (std::vector<uint32_t>{2}));
        QCOMPARE(seen[1].second, (std::vector<uint32_t>{1, 3}));
    }

    void statistics()
    {
        TraceFlow t;
        t.trace(flowPacket(1, "2001:db8::1", 5, "2001:db8::2", 6, TcpFlag::SYN, 74));
        t.trace(flowPacket(2, "2001:db8::1", 5, "2001:db8::2", 6, TcpFlag::ACK, 1514));
        t.trace(flowPacket(5, "2001:db8::1", 5, "2001:db8::2", 6, TcpFlag::RST | TcpFlag::ACK, 60));
        t.trace(flowPacket(9, "2001:db8::1", 5, "2001:db8::2", 6, TcpFlag::FIN | TcpFlag::ACK, 60));
        const Index& f = t.flows()[0];
        const FlowStats& stats = t.stats(f);
        QCOMPARE(stats.packets, 4u);
        QCOMPARE(stats.bytes, uint64_t(74 + 1514 + 60 + 60));
        QCOMPARE(stats.syn, 1u);
        QCOMPARE(stats.fin, 1u);
        QCOMPARE(stats.rst, 1u);
        QCOMPARE(stats.firstNs, int64_t(1001) * 1'000'000'000);
        QCOMPARE(stats.lastNs, int64_t(1009) * 1'000'000'000);
        QVERIFY(stats.closedByFin);
        QCOMPARE(QString::fromStdString(f.label), "2001.db8..1_5-2001.db8..2_6-1001.0");
        QCOMPARE(t.id(f).mirrored(), (BufferID{ipAddress("2001:db8::2"), 6, ipAddress("2001:db8::1"), 5}));
    }

    /// Many concurrent flows, opened and closed in random order, against a plain std::map
    /// implementation of the same rule: exercises table growth and deletion.
    void manyFlowsMatchReference()
    {
        std::mt19937 rng(12345);
        TraceFlow t;
        using Key = std::tuple<int, int>;
        std::map<Key, size_t> open; // key -> position in `reference`
        std::vector<std::vector<uint32_t>> reference;
        std::vector<size_t> closedOrder;
        for (uint32_t frame = 1; frame <= 200000; ++frame) {
            int host = int(rng() % 3000), port = int(rng() % 7);
            bool fin = rng() % 5 == 0;
            const std::string src = "10." + std::to_string(host / 256) + "." +
                                    std::to_string(host % 256) + ".1";
            t.trace(flowPacket(frame, src, uint16_t(1000 + port), "192.0.2.1", 443,
                           fin ? TcpFlag::FIN : TcpFlag::ACK));
            Key key{host, port};
            auto it = open.find(key);
            if (it == open.end()) {
                it = open.emplace(key, reference.size()).first;
                reference.emplace_back();
            }
            reference[it->second].push_back(frame);
            if (fin) {
                closedOrder.push_back(it->second);
                open.erase(it);
            }
        }
        Frames expected;
        std::vector<bool> closed(reference.size());
        for (size_t c : closedOrder)
            closed[c] = true;
        for (size_t i = 0; i < reference.size(); ++i)
            if (!closed[i])
                expected.push_back(reference[i]);
        for (size_t c : closedOrder)
            expected.push_back(reference[c]);
        QCOMPARE(t.openCount(), open.size());
        QVERIFY(framesOf(t.index()) == expected);
    }
};

QTEST_GUILESS_MAIN(TestTraceFlow)
#include "tst_traceflow.moc"
