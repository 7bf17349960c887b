// The flow model and its filter/sort proxy under QAbstractItemModelTester, fed batch by batch
// as the loader feeds them; columns, roles, fetching frames, filtering and sorting.

#include "CaptureBuilder.h"
#include "PacketBuilder.h"

#include "CaptureTracer.h"
#include "FlowFilterProxyModel.h"
#include "FlowTreeModel.h"
#include "LoadBatchBuilder.h"
#include "FlowTracker.h"

#include <QAbstractItemModelTester>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

using namespace fi;
using namespace fi::test;

namespace {

/// Traces frames into batches of `perBatch` frames, as the loader does by time.
std::vector<LoadBatch> batchesOf(const CaptureSpec& spec, size_t perBatch)
{
    QTemporaryDir dir;
    const QString path = dir.filePath("c.pcap");
    writeFile(path, pcapFile(spec));
    CaptureTracer tracer;
    tracer.open(path.toStdString());
    FlowTracker tracker;
    LoadBatchBuilder builder(0, tracker);
    std::vector<LoadBatch> out;
    tracer.setFrameHook([&](const FrameView& f, const TcpPacket&, uint32_t) {
        builder.addFrame(f);
        if (builder.pendingFrames() == perBatch)
            out.push_back(*builder.take(0, 0));
    });
    tracer.run(tracker);
    out.push_back(*builder.take(0, 0));
    return out;
}

CaptureSpec conversations(int count, int packets)
{
    CaptureSpec spec;
    for (int i = 0; i < packets; ++i)
        for (int c = 0; c < count; ++c) {
            TcpSpec s;
            s.srcPort = uint16_t(2000 + c);
            s.dstPort = c % 2 ? 443 : 80;
            s.seq = uint32_t(100 * i);
            s.flags = i == 0 ? TcpFlag::SYN : (i + 1 == packets && c % 3 == 0 ? TcpFlag::FIN | TcpFlag::ACK : TcpFlag::ACK);
            s.payload = size_t(i) * 10;
            spec.add(c % 4 == 3 ? tcpOverIpv6("2001:db8::" + std::to_string(c), "2001:db8::ff", s)
                                : tcpOverIpv4("10.0.0." + std::to_string(c), "10.0.1.1", s),
                     1000 + i, uint32_t(c) * 10);
        }
    return spec;
}

} // namespace

class TestFlowTreeModel : public QObject
{
    Q_OBJECT

private slots:
    void modelPassesTheTesterWhileLoading()
    {
        FlowTreeModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.reset("c.pcap", 1, false, 65535);
        const std::vector<LoadBatch> batches = batchesOf(conversations(12, 6), 5);
        QVERIFY(batches.size() > 10);
        for (size_t b = 0; b < batches.size(); ++b) {
            model.applyBatch(batches[b]);
            if (b == 2) { // expand a flow mid-load: its frames then arrive live
                model.fetchMore(model.index(0, 0));
                QTRY_VERIFY(model.rowCount(model.index(0, 0)) > 0); // on the next loop turn
            }
            QCoreApplication::processEvents(); // the tester's own fetches
        }
        QCOMPARE(model.rowCount(), 12);
        QCOMPARE(model.rowCount(model.index(0, 0)), 6);
        model.setAbsoluteTimes(true);
        model.reset("d.pcap", 1, false, 65535);
        QCOMPARE(model.rowCount(), 0);
    }

    /// The proxy under the tester: loading, filtering by text and state, sorting.
    void proxyPassesTheTester()
    {
        FlowTreeModel model;
        FlowFilterProxyModel proxy;
        proxy.setSourceModel(&model);
        model.reset("c.pcap", 1, false, 65535);
        const std::vector<LoadBatch> batches = batchesOf(conversations(12, 6), 5);
        const size_t half = batches.size() / 2;
        for (size_t b = 0; b < half; ++b)
            model.applyBatch(batches[b]);
        for (int r = 0; r < model.rowCount(); ++r)
            model.showFrames(uint32_t(r));
        QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        proxy.sort(FlowTreeModel::Packets, Qt::DescendingOrder);
        for (size_t b = half; b < batches.size(); ++b) { // frames of expanded flows arrive live
            model.applyBatch(batches[b]);
            QCoreApplication::processEvents();
        }
        proxy.setFilterText("443");
        QCOMPARE(proxy.rowCount(), 6);
        QVERIFY(proxy.setFilterText("tcp.dstport == 443 and not closed or ip6"));
        QCOMPARE(proxy.rowCount(), 5); // c = 1, 5, 7, 11 (to 443, open), 3, 7, 11 (IPv6)
        QVERIFY(!proxy.setFilterText("tcp.dstport == "));
        QCOMPARE(proxy.rowCount(), 5);
        proxy.setStateFilter(FlowFilterProxyModel::StateFilter::Closed);
        proxy.setFilterText({});
        proxy.sort(FlowTreeModel::Label, Qt::AscendingOrder);
        proxy.setStateFilter(FlowFilterProxyModel::StateFilter::All);
        QCOMPARE(proxy.rowCount(), 12);
        QCOMPARE(proxy.rowCount(proxy.index(0, 0)), 6);
    }

    void flowColumnsAndRoles()
    {
        FlowTreeModel model;
        model.reset("c.pcap", 1, false, 65535);
        for (const LoadBatch& b : batchesOf(conversations(4, 3), 100))
            model.applyBatch(b);
        const QModelIndex flow0 = model.index(0, 0);
        QCOMPARE(flow0.data().toString(), "10.0.0.0_2000-10.0.1.1_80-1000.0");
        auto cell = [&](int column) { return model.index(0, column).data().toString(); };
        QCOMPARE(cell(FlowTreeModel::Source), "10.0.0.0");
        QCOMPARE(cell(FlowTreeModel::SourcePort), "2000");
        QCOMPARE(cell(FlowTreeModel::Destination), "10.0.1.1");
        QCOMPARE(cell(FlowTreeModel::DestinationPort), "80");
        QCOMPARE(cell(FlowTreeModel::Packets), "3");
        QCOMPARE(cell(FlowTreeModel::Start), "0.000000");
        QCOMPARE(cell(FlowTreeModel::Duration), "2.000000");
        QCOMPARE(cell(FlowTreeModel::Syn), "1");
        QCOMPARE(cell(FlowTreeModel::Fin), "1");
        QCOMPARE(cell(FlowTreeModel::Rst), "0");
        QCOMPARE(cell(FlowTreeModel::State), "closed by FIN");
        QCOMPARE(model.index(1, FlowTreeModel::State).data().toString(), "open at end");
        QCOMPARE(model.index(1, FlowTreeModel::Start).data().toString(), "0.000010");
        QCOMPARE(model.index(3, 0).data().toString(), "2001.db8..3_2003-2001.db8..ff_443-1000.00003");
        QCOMPARE(model.index(3, FlowTreeModel::Source).data().toString(), "2001:db8::3");
        model.setAbsoluteTimes(true);
        QCOMPARE(cell(FlowTreeModel::Start), "1970-01-01 00:16:40.000");

        // frames, fetched on demand
        QVERIFY(model.hasChildren(flow0));
        QCOMPARE(model.rowCount(flow0), 0);
        QVERIFY(model.canFetchMore(flow0));
        model.fetchMore(flow0);
        QTRY_COMPARE(model.rowCount(flow0), 3);
        auto frameCell = [&](int row, int column) { return model.index(row, column, flow0).data().toString(); };
        QCOMPARE(frameCell(0, FlowTreeModel::FrameNumber), "Frame 1");
        QCOMPARE(frameCell(1, FlowTreeModel::FrameNumber), "Frame 5");
        QCOMPARE(frameCell(1, FlowTreeModel::FrameTime), "+1.000000 s");
        QCOMPARE(frameCell(0, FlowTreeModel::FrameFlags), "SYN");
        QCOMPARE(frameCell(2, FlowTreeModel::FrameFlags), "FIN, ACK");
        QCOMPARE(frameCell(1, FlowTreeModel::FrameSeq), "seq 100");
        QCOMPARE(frameCell(1, FlowTreeModel::FramePayload), "len 10");
        QCOMPARE(frameCell(1, FlowTreeModel::FrameLength), "64 B");
        QCOMPARE(model.index(1, 0, flow0).data(FlowTreeModel::FrameNumberRole).toUInt(), 5u);
        QCOMPARE(model.frameIndex(0, 9), model.index(2, 0, flow0));
        QVERIFY(!model.frameIndex(0, 2).isValid());
    }

    void filterAndSort()
    {
        FlowTreeModel model;
        FlowFilterProxyModel proxy;
        proxy.setSourceModel(&model);
        model.reset("c.pcap", 1, false, 65535);
        for (const LoadBatch& b : batchesOf(conversations(8, 2), 1000))
            model.applyBatch(b);
        QCOMPARE(proxy.rowCount(), 8);
        proxy.setFilterText("443");
        QCOMPARE(proxy.rowCount(), 4);
        proxy.setFilterText("2001:db8::3");
        QCOMPARE(proxy.rowCount(), 1);
        proxy.setFilterText("10.0.0 80");
        QCOMPARE(proxy.rowCount(), 4); // IPv4 flows to port 80: c = 0, 2, 4, 6
        proxy.setFilterText("ffff");
        QCOMPARE(proxy.rowCount(), 0);
        proxy.setFilterText({});
        proxy.setStateFilter(FlowFilterProxyModel::StateFilter::Closed);
        QCOMPARE(proxy.rowCount(), 3); // c = 0, 3, 6
        proxy.setStateFilter(FlowFilterProxyModel::StateFilter::Open);
        QCOMPARE(proxy.rowCount(), 5);
        proxy.setStateFilter(FlowFilterProxyModel::StateFilter::All);
        proxy.sort(FlowTreeModel::SourcePort, Qt::DescendingOrder);
        QCOMPARE(proxy.index(0, FlowTreeModel::SourcePort).data().toInt(), 2007);
        proxy.sort(FlowTreeModel::Label, Qt::AscendingOrder);
        QVERIFY(proxy.index(0, 0).data().toString().startsWith("10.0.0.0_"));
        // frames keep capture order under any sort
        model.showFrames(0);
        proxy.sort(FlowTreeModel::Packets, Qt::DescendingOrder);
        const QModelIndex flow0 = proxy.mapFromSource(model.index(0, 0));
        QCOMPARE(proxy.rowCount(flow0), 2);
        QVERIFY(proxy.index(0, 0, flow0).data(FlowTreeModel::FrameNumberRole).toUInt() <
                proxy.index(1, 0, flow0).data(FlowTreeModel::FrameNumberRole).toUInt());
    }

    /// The filter language through the proxy: what each filter keeps of twelve flows.
    void filterLanguage_data()
    {
        QTest::addColumn<QString>("filter");
        QTest::addColumn<QList<int>>("flows"); // the c of conversations() kept, by flow id
        // c = 0..11: 10.0.0.c, or 2001:db8::c when c % 4 == 3; port 2000 + c to 443 (odd c)
        // or 80; closed when c % 3 == 0
        QTest::newRow("bare address") << "10.0.0.1" << QList<int>{1};
        QTest::newRow("quoted text") << "\"10.0.0.1\"" << QList<int>{1, 10};
        QTest::newRow("old words") << "10.0.0 80" << QList<int>{0, 2, 4, 6, 8, 10};
        QTest::newRow("host") << "host 10.0.0.10 or host 2001:db8::3" << QList<int>{3, 10};
        QTest::newRow("cidr") << "src net 10.0.0.8/30" << QList<int>{8, 9, 10};
        QTest::newRow("ipv6 block") << "ip.src == 2001:db8::/120" << QList<int>{3, 7, 11};
        QTest::newRow("ports") << "port 443 and srcport < 2005" << QList<int>{1, 3};
        QTest::newRow("state") << "closed and tcp.dstport == 80" << QList<int>{0, 6};
        QTest::newRow("not") << "!(port 80) && !ip6" << QList<int>{1, 5, 9};
        QTest::newRow("packets") << "packets == 6" << QList<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
        QTest::newRow("start") << "start >= 0.0001" << QList<int>{10, 11}; // c * 10 us after the first
    }
    void filterLanguage()
    {
        QFETCH(QString, filter);
        QFETCH(QList<int>, flows);
        FlowTreeModel model;
        FlowFilterProxyModel proxy;
        proxy.setSourceModel(&model);
        QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.reset("c.pcap", 1, false, 65535);
        for (const LoadBatch& b : batchesOf(conversations(12, 6), 7))
            model.applyBatch(b);
        QVERIFY2(proxy.setFilterText(filter), qPrintable(proxy.filterError()));
        QList<int> shown;
        for (int r = 0; r < proxy.rowCount(); ++r)
            shown << proxy.index(r, 0).data(FlowTreeModel::FlowIdRole).toInt();
        std::sort(shown.begin(), shown.end());
        QCOMPARE(shown, flows);
        QCOMPARE(proxy.shownFlows(), int(flows.size()));
        QCOMPARE(proxy.totalFlows(), 12);
        QVERIFY(proxy.isFiltering());
    }

    /// A text that is not a filter keeps the rows of the last one that was, and says why.
    void badFilterKeepsThePreviousRows()
    {
        FlowTreeModel model;
        FlowFilterProxyModel proxy;
        proxy.setSourceModel(&model);
        model.reset("c.pcap", 1, false, 65535);
        for (const LoadBatch& b : batchesOf(conversations(8, 2), 1000))
            model.applyBatch(b);
        QVERIFY(proxy.setFilterText("port 443"));
        QCOMPARE(proxy.rowCount(), 4);
        QSignalSpy counts(&proxy, &FlowFilterProxyModel::flowCountsChanged);
        QVERIFY(!proxy.setFilterText("tcp.prot == 80"));
        QCOMPARE(proxy.filterError(), "unknown field 'tcp.prot' (did you mean tcp.port?) at 0");
        QCOMPARE(proxy.filterText(), "port 443");
        QCOMPARE(proxy.rowCount(), 4);
        QVERIFY(!proxy.setFilterText("ip.addr == 10.0.0.300"));
        QCOMPARE(proxy.filterError(), "'10.0.0.300' is not an address (300 is more than 255) at 11");
        QCOMPARE(proxy.rowCount(), 4);
        QCOMPARE(counts.size(), 0);
        QVERIFY(proxy.setFilterText("tcp.port == 80"));
        QVERIFY(proxy.filterError().isEmpty());
        QCOMPARE(proxy.rowCount(), 4);
        QVERIFY(counts.size() > 0);
        QVERIFY(proxy.setFilterText(""));
        QCOMPARE(proxy.rowCount(), 8);
        QVERIFY(!proxy.isFiltering());
    }

    /// The counts follow a load even when the filter hides every new flow.
    void flowCountsFollowTheLoad()
    {
        FlowTreeModel model;
        FlowFilterProxyModel proxy;
        proxy.setSourceModel(&model);
        model.reset("c.pcap", 1, false, 65535);
        QVERIFY(proxy.setFilterText("port 1"));
        QSignalSpy counts(&proxy, &FlowFilterProxyModel::flowCountsChanged);
        int lastTotal = 0;
        for (const LoadBatch& b : batchesOf(conversations(12, 3), 4)) {
            model.applyBatch(b);
            if (proxy.totalFlows() != lastTotal) {
                QVERIFY(counts.size() > 0);
                counts.clear();
                lastTotal = proxy.totalFlows();
            }
            QCOMPARE(proxy.shownFlows(), 0);
        }
        QCOMPARE(lastTotal, 12);
        counts.clear();
        QVERIFY(proxy.setFilterText("port 443"));
        QCOMPARE(counts.size(), 1);
        QCOMPARE(proxy.shownFlows(), 6);
        proxy.setStateFilter(FlowFilterProxyModel::StateFilter::Closed);
        QCOMPARE(counts.size(), 2);
        QCOMPARE(proxy.shownFlows(), 2); // c = 3, 9
    }

    /// Sorting by a text column keeps each flow's rank between filter changes: a new capture
    /// (even of as many flows) or new flows rank anew.
    void textSortFollowsNewFlows()
    {
        FlowTreeModel model;
        FlowFilterProxyModel proxy;
        proxy.setSourceModel(&model);
        QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        auto load = [&](const std::string& firstOctet, int count, int step) {
            model.reset("c.pcap", 1, false, 65535);
            LoadBatch batch;
            for (int f = 0; f < count; ++f) {
                BufferID id;
                const Bytes a = ipBytes(firstOctet + ".0.0." + std::to_string((f * step) % count));
                id.src = id.dst = IpAddress::v4(a.data());
                id.srcport = id.dstport = 80;
                batch.newFlows.emplace_back(makeLabel(id, Timestamp{1000, uint32_t(f)}), id);
            }
            model.applyBatch(batch);
        };
        auto sortedByLabel = [&] {
            for (int r = 1; r < proxy.rowCount(); ++r)
                if (QString::compare(proxy.index(r - 1, 0).data().toString(), proxy.index(r, 0).data().toString(),
                                     Qt::CaseInsensitive) > 0)
                    return false;
            return proxy.rowCount() > 1;
        };
        load("10", 12, 7);
        proxy.sort(FlowTreeModel::Source, Qt::AscendingOrder);
        proxy.sort(FlowTreeModel::Label, Qt::AscendingOrder);
        QVERIFY(proxy.setFilterText("port 80"));
        QVERIFY(sortedByLabel());
        load("11", 12, 5); // as many flows, in another order
        QVERIFY(proxy.setFilterText("80"));
        QVERIFY(sortedByLabel());
        QCOMPARE(proxy.rowCount(), 12);
    }

    /// Addresses sort as numbers (IPv4 before IPv6), not as text.
    void addressesSortNumerically()
    {
        FlowTreeModel model;
        FlowFilterProxyModel proxy;
        proxy.setSourceModel(&model);
        model.reset("c.pcap", 1, false, 65535);
        LoadBatch batch;
        const std::vector<std::string> sources = {"10.0.1.137", "2001:db8::1", "10.0.1.35", "9.255.255.255", "10.0.1.4"};
        for (size_t f = 0; f < sources.size(); ++f) {
            const Bytes a = ipBytes(sources[f]);
            BufferID id;
            id.src = a.size() == 4 ? IpAddress::v4(a.data()) : IpAddress::v6(a.data());
            id.dst = id.src;
            id.srcport = id.dstport = 80;
            batch.newFlows.push_back({makeLabel(id, Timestamp{1000, uint32_t(f)}), id});
        }
        model.applyBatch(batch);
        proxy.sort(FlowTreeModel::Source, Qt::AscendingOrder);
        QStringList shown;
        for (int r = 0; r < proxy.rowCount(); ++r)
            shown << proxy.index(r, FlowTreeModel::Source).data().toString();
        QCOMPARE(shown, (QStringList{"9.255.255.255", "10.0.1.4", "10.0.1.35", "10.0.1.137", "2001:db8::1"}));
    }

    /// Filtering 250,000 flows: measured, not timed (the machines are shared).
    void filterManyFlows()
    {
        FlowTreeModel model;
        FlowFilterProxyModel proxy;
        proxy.setSourceModel(&model);
        model.reset("c.pcap", 1, false, 65535);
        LoadBatch batch;
        for (uint32_t f = 0; f < 250000; ++f) {
            BufferID id;
            uint8_t a[4] = {10, uint8_t(f >> 16), uint8_t(f >> 8), uint8_t(f)};
            id.src = IpAddress::v4(a);
            id.dst = IpAddress::v4(a);
            id.srcport = uint16_t(f);
            id.dstport = 80;
            batch.newFlows.push_back({makeLabel(id, Timestamp{1000, f}), id});
        }
        model.applyBatch(batch);
        for (const char* filter : {"10.1.2", "net 10.1.0.0/16 and port 80", "srcport > 60000", ""}) {
            QElapsedTimer timer;
            timer.start();
            QVERIFY(proxy.setFilterText(filter));
            qInfo("filtering 250,000 flows by '%s' took %lld ms: %d shown", filter, timer.elapsed(), proxy.rowCount());
        }
        QVERIFY(proxy.setFilterText("10.1.2"));
        QVERIFY(proxy.rowCount() > 0);
        for (int r = 0; r < proxy.rowCount(); ++r)
            QVERIFY(proxy.index(r, 0).data().toString().contains("10.1.2"));
        QVERIFY(proxy.setFilterText("net 10.1.0.0/16 and srcport < 300"));
        QCOMPARE(proxy.rowCount(), 300);
    }
};

QTEST_MAIN(TestFlowTreeModel)
#include "tst_flowtreemodel.moc"
