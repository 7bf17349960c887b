// The flow rule as a stage: what it tells its listeners, in which order, how tracing ends or
// stops, what it keeps without listeners, and how a failing listener stops the pipeline.

#include "CaptureBuilder.h"
#include "FlowPacketBuilder.h"

#include "CaptureTracer.h"
#include "FlowTracker.h"

#include <QTemporaryDir>
#include <QTest>

#include <string>
#include <vector>

using namespace fi;
using namespace fi::test;

namespace {

/// Writes down every event as text: `open 0 @1`, `add 0 @1`, `close 0`, `end`, `abort`.
class Recorder : public FlowListener
{
public:
    explicit Recorder(std::string name = {}) : m_prefix(name.empty() ? "" : name + " ") {}
    std::vector<std::string> events;

    void flowOpened(uint32_t flow, const Packet& first) override
    {
        log("open " + std::to_string(flow) + " @" + std::to_string(first.index()));
    }
    void packetAdded(uint32_t flow, const Packet& packet) override
    {
        log("add " + std::to_string(flow) + " @" + std::to_string(packet.index()));
    }
    void flowClosed(uint32_t flow) override { log("close " + std::to_string(flow)); }
    void traceEnded() override { log("end"); }
    void traceAborted() override { log("abort"); }

protected:
    void log(const std::string& event) { events.push_back(m_prefix + event); }

private:
    std::string m_prefix;
};

/// Fails when it is told of frame `failAt`, as a file writer does when the disk is full.
class FailingListener : public Recorder
{
public:
    explicit FailingListener(uint32_t failAt) : m_failAt(failAt) {}
    void packetAdded(uint32_t flow, const Packet& packet) override
    {
        Recorder::packetAdded(flow, packet);
        if (packet.index() == m_failAt)
            fail("disk full at frame " + std::to_string(m_failAt));
    }

private:
    uint32_t m_failAt;
};

using Events = std::vector<std::string>;

} // namespace

class TestFlowTracker : public QObject
{
    Q_OBJECT

private slots:
    void listenersHearOpenAddCloseInOrder()
    {
        FlowTracker tracker;
        Recorder r;
        tracker.addListener(r);
        tracker.trace(flowPacket(1, "10.0.0.1", 1000, "10.0.0.2", 80, TcpFlag::SYN));
        tracker.trace(flowPacket(2, "10.0.0.2", 80, "10.0.0.1", 1000, TcpFlag::SYN | TcpFlag::ACK));
        tracker.trace(flowPacket(3, "10.0.0.1", 1000, "10.0.0.2", 80, TcpFlag::FIN | TcpFlag::ACK));
        tracker.trace(flowPacket(4, "10.0.0.1", 1000, "10.0.0.2", 80)); // reopens: a new flow
        tracker.finish();
        tracker.finish(); // once only
        QCOMPARE(r.events, (Events{"open 0 @1", "add 0 @1", "open 1 @2", "add 1 @2", "add 0 @3",
                                   "close 0", "open 2 @4", "add 2 @4", "end"}));
        QVERIFY(tracker.finished());
    }

    void listenersAreToldInTheOrderTheyWereAdded()
    {
        FlowTracker tracker;
        Recorder a("a"), b("b");
        tracker.addListener(a);
        tracker.addListener(b);
        tracker.trace(flowPacket(1, "10.0.0.1", 1, "10.0.0.2", 2, TcpFlag::FIN));
        QCOMPARE(a.events, (Events{"a open 0 @1", "a add 0 @1", "a close 0"}));
        QCOMPARE(b.events, (Events{"b open 0 @1", "b add 0 @1", "b close 0"}));
    }

    void abortTellsListenersToUndoOnce()
    {
        FlowTracker tracker;
        Recorder r;
        tracker.addListener(r);
        tracker.trace(flowPacket(1, "10.0.0.1", 1, "10.0.0.2", 2));
        tracker.abort();
        tracker.finish(); // after an abort, tracing has ended: no "end"
        QCOMPARE(r.events, (Events{"open 0 @1", "add 0 @1", "abort"}));
    }

    void withoutListenersItKeepsIdsStatisticsAndOpenFlows()
    {
        FlowTracker tracker;
        const Packet first = flowPacket(7, "2001:db8::1", 5, "2001:db8::2", 6, TcpFlag::SYN, 74);
        QCOMPARE(tracker.trace(first), 0u);
        QCOMPARE(tracker.trace(flowPacket(8, "10.0.0.1", 1, "10.0.0.2", 2, TcpFlag::RST)), 1u);
        QCOMPARE(tracker.trace(flowPacket(9, "2001:db8::1", 5, "2001:db8::2", 6, TcpFlag::FIN, 60)), 0u);
        QCOMPARE(tracker.flowCount(), size_t(2));
        QCOMPARE(tracker.packetCount(), uint64_t(3));
        QCOMPARE(tracker.openCount(), size_t(1));
        QVERIFY(!tracker.isOpen(0));
        QVERIFY(tracker.isOpen(1));
        QCOMPARE(tracker.openFlow(first.bufferId()), FlowTracker::kNoFlow);
        QCOMPARE(tracker.openFlow(flowPacket(10, "10.0.0.1", 1, "10.0.0.2", 2).bufferId()), 1u);
        QVERIFY(tracker.id(0) == first.bufferId());
        const FlowStats& s = tracker.stats(0);
        QCOMPARE(s.packets, 2u);
        QCOMPARE(s.bytes, uint64_t(134));
        QCOMPARE(s.syn, 1u);
        QCOMPARE(s.fin, 1u);
        QCOMPARE(s.rst, 0u);
        QCOMPARE(s.firstNs, int64_t(1007) * 1'000'000'000);
        QCOMPARE(s.lastNs, int64_t(1009) * 1'000'000'000);
        QVERIFY(s.closedByFin);
        QCOMPARE(tracker.stats(1).rst, 1u);
        // labels are made when asked for, from the first packet's time
        QCOMPARE(QString::fromStdString(tracker.label(0)), "2001.db8..1_5-2001.db8..2_6-1007.0");
        QCOMPARE(QString::fromStdString(tracker.label(1)), "10.0.0.1_1-10.0.0.2_2-1008.0");
    }

    /// Tens of thousands of flows open at once and closing in any order: the table grows and
    /// deletes without losing one (checked against the ids the rule must give).
    void manyOpenFlowsKeepTheirIds()
    {
        FlowTracker tracker;
        const uint32_t n = 40000;
        auto host = [](uint32_t i) {
            return "10." + std::to_string(i >> 16) + "." + std::to_string((i >> 8) & 255) + "." +
                   std::to_string(i & 255);
        };
        for (uint32_t i = 0; i < n; ++i)
            QCOMPARE(tracker.trace(flowPacket(i + 1, host(i), 1, "192.0.2.1", 443)), i);
        for (uint32_t i = 0; i < n; i += 2) // close every other flow
            QCOMPARE(tracker.trace(flowPacket(n + i + 1, host(i), 1, "192.0.2.1", 443, TcpFlag::FIN)), i);
        QCOMPARE(tracker.openCount(), size_t(n / 2));
        for (uint32_t i = 0; i < n; ++i) {
            const uint32_t expected = i % 2 ? i : n + i / 2; // closed ones reopen as new flows
            QCOMPARE(tracker.trace(flowPacket(3 * n + i, host(i), 1, "192.0.2.1", 443)), expected);
        }
        QCOMPARE(tracker.flowCount(), size_t(n + n / 2));
        QCOMPARE(tracker.openCount(), size_t(n));
    }

    void aFailingListenerStopsThePipelineAndAbortsEveryListener()
    {
        CaptureSpec spec;
        for (uint16_t i = 0; i < 6; ++i) {
            TcpSpec t;
            t.srcPort = uint16_t(1000 + i % 2);
            spec.add(tcpOverIpv4("10.0.0.1", "10.0.0.2", t), 1'500'000'000 + i);
        }
        QTemporaryDir dir;
        const QString path = dir.filePath("c.pcap");
        writeFile(path, pcapFile(spec));
        CaptureTracer tracer;
        QVERIFY(tracer.open(path.toStdString()));
        FlowTracker tracker;
        Recorder before;
        FailingListener failing(3);
        tracker.addListener(before);
        tracker.addListener(failing);
        const TraceSummary s = tracer.run(tracker);
        QCOMPARE(s.end, TraceSummary::End::OutputError);
        QCOMPARE(QString::fromStdString(s.message), "disk full at frame 3");
        QCOMPARE(s.framesRead, 3u); // stopped at the frame that failed
        QVERIFY(tracker.failed());
        QCOMPARE(before.events.back(), "abort");
        QCOMPARE(failing.events.back(), "abort");
        QVERIFY(std::find(before.events.begin(), before.events.end(), "end") == before.events.end());
    }

    void aCompleteRunEndsEveryListener()
    {
        CaptureSpec spec;
        spec.add(tcpOverIpv4("10.0.0.1", "10.0.0.2", TcpSpec{}), 1'500'000'000);
        spec.add(ethernet(0x0806, Bytes(28, 0)), 1'500'000'001); // ARP: read, not a flow packet
        QTemporaryDir dir;
        const QString path = dir.filePath("c.pcap");
        writeFile(path, pcapFile(spec));
        CaptureTracer tracer;
        QVERIFY(tracer.open(path.toStdString()));
        FlowTracker tracker;
        Recorder r;
        tracker.addListener(r);
        const TraceSummary s = tracer.run(tracker);
        QCOMPARE(s.end, TraceSummary::End::Complete);
        QCOMPARE(s.framesRead, 2u);
        QCOMPARE(s.flowPackets, uint64_t(1));
        QCOMPARE(r.events, (Events{"open 0 @1", "add 0 @1", "end"}));
    }
};

QTEST_GUILESS_MAIN(TestFlowTracker)
#include "tst_flowtracker.moc"
