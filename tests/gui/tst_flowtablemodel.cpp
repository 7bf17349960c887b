// The flow table model under QAbstractItemModelTester, fed batch by batch as the loader feeds
// it; columns, roles, its filter, its sort on a worker thread, and selections across both.

#include "CaptureBuilder.h"
#include "LoadBatches.h"
#include "Waits.h"
#include "ModelTexts.h"
#include "PacketBuilder.h"

#include "FlowTableModel.h"
#include "FlowTracker.h"

#include <QAbstractItemModelTester>
#include <QElapsedTimer>
#include <QItemSelectionModel>
#include <QSignalSpy>
#include <QTest>
#include <QThreadPool>

#include <algorithm>

using namespace fi;
using namespace fi::test;

namespace {

/// `count` conversations of `packets` packets, interleaved: conversation c is 10.0.0.c (or
/// 2001:db8::c when c % 4 == 3), port 2000 + c, to port 443 (odd c) or 80; its first packet is
/// a SYN, its last a FIN when c % 3 == 0; packet i carries 10 * i bytes, at 1000 + i seconds
/// and c * 10 microseconds.
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

void load(FlowTableModel& model, const std::vector<LoadBatch>& batches)
{
    model.reset("c.pcap", fi::CaptureLayout::ofFile("c.pcap", false, 1, 65535));
    for (const LoadBatch& b : batches)
        model.applyBatch(b);
}

void load(FlowTableModel& model, const LoadBatch& batch)
{
    load(model, std::vector<LoadBatch>{batch});
}

/// A batch of flows without packets, one per source address (IPv4 or IPv6), port 80.
LoadBatch flowsFrom(const std::vector<std::string>& sources, uint16_t port = 80)
{
    LoadBatch batch;
    for (size_t f = 0; f < sources.size(); ++f) {
        const Bytes a = ipBytes(sources[f]);
        BufferID id;
        id.src = a.size() == 4 ? IpAddress::v4(a.data()) : IpAddress::v6(a.data());
        id.dst = id.src;
        id.srcport = id.dstport = port;
        batch.newFlows.push_back({id, Timestamp{1000, uint32_t(f)}.totalNanoseconds()});
    }
    return batch;
}

/// `count` IPv4 flows 10.x.y.z with source port f (their flow id, modulo 65536), port 80.
LoadBatch manyFlows(uint32_t count)
{
    LoadBatch batch;
    batch.newFlows.reserve(count);
    for (uint32_t f = 0; f < count; ++f) {
        BufferID id;
        uint8_t a[4] = {10, uint8_t(f >> 16), uint8_t(f >> 8), uint8_t(f)};
        id.src = IpAddress::v4(a);
        id.dst = IpAddress::v4(a);
        id.srcport = uint16_t(f);
        id.dstport = 80;
        batch.newFlows.push_back({id, Timestamp{1000, f}.totalNanoseconds()});
    }
    return batch;
}

/// The flow ids of the rows, top to bottom, as the view reads them.
QList<int> rowFlows(const FlowTableModel& model)
{
    QList<int> flows;
    for (int r = 0; r < model.rowCount(); ++r)
        flows << model.index(r, 0).data(FlowTableModel::FlowIdRole).toInt();
    return flows;
}

/// Whether the rows are in order of their labels, ignoring case (and there are rows to order).
bool sortedByLabel(const FlowTableModel& model, Qt::SortOrder order = Qt::AscendingOrder)
{
    for (int r = 1; r < model.rowCount(); ++r) {
        const int c = QString::compare(model.index(r - 1, 0).data().toString(), model.index(r, 0).data().toString(),
                                       Qt::CaseInsensitive);
        if (order == Qt::AscendingOrder ? c > 0 : c < 0)
            return false;
    }
    return model.rowCount() > 1;
}

/// The flows of the rows, each once, sorted: what is shown whatever the order.
QList<int> sortedFlows(QList<int> flows)
{
    std::sort(flows.begin(), flows.end());
    return flows;
}

QList<int> selectedFlows(const QItemSelectionModel& selection)
{
    QList<int> flows;
    for (const QModelIndex& i : selection.selectedRows())
        flows << i.data(FlowTableModel::FlowIdRole).toInt();
    return sortedFlows(flows);
}

} // namespace

/// Sorts and waits for the rows to take the order (sortingFinished).
#define SORT_AND_WAIT(model, column, order)                                                                            \
    do {                                                                                                               \
        QSignalSpy sorted_(&(model), &FlowTableModel::sortingFinished);                                                \
        (model).sort(column, order);                                                                                   \
        QTRY_VERIFY(!sorted_.isEmpty());                                                                               \
        QVERIFY(!(model).isSorting());                                                                                 \
    } while (false)

class TestFlowTableModel : public QObject
{
    Q_OBJECT

private slots:
    /// With an insert interval, the first batch's flows are rows at once and later ones wait
    /// for the interval; finishLoading(), a filter change or a sort take in the held flows
    /// too, and a reset drops them; all under the tester.
    void rowsInsertedAtMostEveryInterval()
    {
        FlowTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setRowInsertInterval(60'000); // (no batch here comes that late)
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        const std::vector<LoadBatch> batches = batchesOf(conversations(12, 6), 5);
        QVERIFY(batches.size() > 4);
        model.reset("c.pcap", fi::CaptureLayout::ofFile("c.pcap", false, 1, 65535));
        model.applyBatch(batches[0]);
        const int first = model.rowCount();
        QVERIFY(first > 0);
        QCOMPARE(inserted.size(), 1);
        for (size_t b = 1; b < batches.size(); ++b)
            model.applyBatch(batches[b]);
        QCOMPARE(model.rowCount(), first); // held back
        QCOMPARE(inserted.size(), 1);
        QCOMPARE(model.totalFlows(), 12);
        QVERIFY(model.setFilterText("port 443")); // a filter change shows every flow it accepts
        QCOMPARE(model.rowCount(), 6);
        QVERIFY(model.setFilterText({}));
        QCOMPARE(model.rowCount(), 12);

        model.reset("c.pcap", fi::CaptureLayout::ofFile("c.pcap", false, 1, 65535));
        inserted.clear();
        for (const LoadBatch& b : batches)
            model.applyBatch(b);
        QCOMPARE(inserted.size(), 1);
        QVERIFY(model.rowCount() < 12);
        model.finishLoading();
        QCOMPARE(model.rowCount(), 12);
        QCOMPARE(inserted.size(), 2);
        for (int row = 0; row < 12; ++row)
            QCOMPARE(model.flowAt(row), uint32_t(row)); // capture order, each flow once

        model.setRowInsertInterval(0); // every batch's flows at once
        model.reset("c.pcap", fi::CaptureLayout::ofFile("c.pcap", false, 1, 65535));
        inserted.clear();
        for (const LoadBatch& b : batches)
            model.applyBatch(b);
        QCOMPARE(model.rowCount(), 12);
    }

    /// Loading batch by batch, filtering, sorting (on the worker) and resetting, all under
    /// the tester.
    void modelPassesTheTesterWhileLoading()
    {
        FlowTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.reset("c.pcap", fi::CaptureLayout::ofFile("c.pcap", false, 1, 65535));
        const std::vector<LoadBatch> batches = batchesOf(conversations(12, 6), 5);
        QVERIFY(batches.size() > 10);
        QSignalSpy sorted(&model, &FlowTableModel::sortingFinished);
        for (size_t b = 0; b < batches.size(); ++b) {
            model.applyBatch(batches[b]);
            if (b == 1)
                model.sort(FlowTableModel::Packets, Qt::DescendingOrder); // ends while loading
            if (b == 3)
                QVERIFY(model.setFilterText("port 443 or ip6"));
            if (b == 5)
                model.setStateFilter(FlowTableModel::StateFilter::Open);
            if (b == 7)
                QVERIFY(model.setFilterText({}));
            QCoreApplication::processEvents();
        }
        QTRY_VERIFY(!sorted.isEmpty());
        model.setStateFilter(FlowTableModel::StateFilter::All);
        sorted.clear();
        model.finishLoading();
        QTRY_COMPARE(sorted.size(), 1);
        QCOMPARE(model.rowCount(), 12);
        QCOMPARE(model.columnCount(), int(FlowTableModel::ColumnCount));
        SORT_AND_WAIT(model, FlowTableModel::Label, Qt::AscendingOrder);
        SORT_AND_WAIT(model, FlowTableModel::Label, Qt::DescendingOrder);
        model.sort(-1);
        model.setAbsoluteTimes(true);
        model.reset("d.pcap", fi::CaptureLayout::ofFile("d.pcap", false, 1, 65535));
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(model.totalFlows(), 0);
    }

    void flowColumnsAndRoles()
    {
        FlowTableModel model;
        load(model, batchesOf(conversations(4, 3), 100));
        QCOMPARE(model.rowCount(), 4);
        QCOMPARE(model.columnCount(), int(FlowColumns::ColumnCount));
        QCOMPARE(model.rowCount(model.index(0, 0)), 0); // a table: no children
        const QModelIndex flow0 = model.index(0, 0);
        QCOMPARE(flow0.data().toString(), "10.0.0.0_2000-10.0.1.1_80-1000.0");
        auto cell = [&](int column) { return model.index(0, column).data().toString(); };
        QCOMPARE(cell(FlowTableModel::Source), "10.0.0.0");
        QCOMPARE(cell(FlowTableModel::SourcePort), "2000");
        QCOMPARE(cell(FlowTableModel::Destination), "10.0.1.1");
        QCOMPARE(cell(FlowTableModel::DestinationPort), "80");
        QCOMPARE(cell(FlowTableModel::Packets), "3");
        QCOMPARE(cell(FlowTableModel::Bytes), QLocale().toString(54 + 64 + 74)); // frames of 0, 10, 20 bytes of data
        QCOMPARE(cell(FlowTableModel::Start), "0.000000");
        QCOMPARE(cell(FlowTableModel::Duration), "2.000000");
        QCOMPARE(cell(FlowTableModel::Syn), "1");
        QCOMPARE(cell(FlowTableModel::Fin), "1");
        QCOMPARE(cell(FlowTableModel::Rst), "0");
        QCOMPARE(cell(FlowTableModel::State), "closed by FIN");
        QCOMPARE(model.index(1, FlowTableModel::State).data().toString(), "open at end");
        QCOMPARE(model.index(1, FlowTableModel::Start).data().toString(), "0.000010");
        QCOMPARE(model.index(3, 0).data().toString(), "2001.db8..3_2003-2001.db8..ff_443-1000.00003");
        QCOMPARE(model.index(3, FlowTableModel::Source).data().toString(), "2001:db8::3");

        // roles
        for (int r = 0; r < 4; ++r) {
            QCOMPARE(model.index(r, FlowTableModel::Packets).data(FlowTableModel::FlowIdRole).toUInt(), uint(r));
            QCOMPARE(model.flowAt(r), uint32_t(r));
            QCOMPARE(model.rowOf(uint32_t(r)), r);
            QCOMPARE(model.flowIndex(uint32_t(r), FlowTableModel::Bytes), model.index(r, FlowTableModel::Bytes));
        }
        QCOMPARE(model.rowOf(4), -1);
        QVERIFY(!model.flowIndex(4).isValid());
        QCOMPARE(flow0.data(FlowTableModel::IsOpenRole).toBool(), false);
        QCOMPARE(model.index(1, 0).data(FlowTableModel::IsOpenRole).toBool(), true);
        QCOMPARE(model.index(0, FlowTableModel::Label).data(Qt::ToolTipRole).toString(), flow0.data().toString());
        QCOMPARE(model.index(0, FlowTableModel::Packets).data(Qt::TextAlignmentRole).toInt(),
                 int(Qt::AlignRight | Qt::AlignVCenter));
        QCOMPARE(model.index(0, FlowTableModel::Source).data(Qt::TextAlignmentRole).toInt(),
                 int(Qt::AlignLeft | Qt::AlignVCenter));
        QVERIFY(!model.index(0, 0).data(Qt::DecorationRole).isValid());

        // header
        for (int c = 0; c < FlowTableModel::ColumnCount; ++c) {
            QCOMPARE(model.headerData(c, Qt::Horizontal).toString(), QString(FlowColumns::title(FlowColumns::Column(c))));
            QVERIFY(!model.headerData(c, Qt::Horizontal, Qt::ToolTipRole).toString().isEmpty());
        }
        QVERIFY(!model.headerData(FlowTableModel::ColumnCount, Qt::Horizontal).isValid());

        // absolute times: the cells and the header change, and say so
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QSignalSpy header(&model, &QAbstractItemModel::headerDataChanged);
        const QString relativeTitle = model.headerData(FlowTableModel::Start, Qt::Horizontal).toString();
        model.setAbsoluteTimes(true);
        QCOMPARE(cell(FlowTableModel::Start), "1970-01-01 00:16:40.000");
        QCOMPARE(changed.size(), 1);
        QCOMPARE(header.size(), 1);
        QVERIFY(model.headerData(FlowTableModel::Start, Qt::Horizontal).toString() != relativeTitle);
    }

    /// A batch's statistics change the cells of the flows it touched, as dataChanged.
    void statisticsFollowTheLoad()
    {
        FlowTableModel model;
        model.reset("c.pcap", fi::CaptureLayout::ofFile("c.pcap", false, 1, 65535));
        const std::vector<LoadBatch> batches = batchesOf(conversations(2, 3), 2); // one packet of each a batch
        QCOMPARE(batches.size(), size_t(4));
        model.applyBatch(batches[0]);
        QCOMPARE(model.index(0, FlowTableModel::Packets).data().toString(), "1");
        // one statisticsChanged for the batch, no dataChanged a view would walk row by row
        QSignalSpy changed(&model, &FlowTableModel::statisticsChanged);
        QSignalSpy dataChanged(&model, &QAbstractItemModel::dataChanged);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        model.applyBatch(batches[1]);
        QCOMPARE(inserted.size(), 0);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(dataChanged.size(), 0);
        QCOMPARE(model.index(0, FlowTableModel::Packets).data().toString(), "2");
        QCOMPARE(model.index(1, FlowTableModel::Packets).data().toString(), "2");
    }

    void filterAndSort()
    {
        FlowTableModel model;
        load(model, batchesOf(conversations(8, 2), 1000));
        QCOMPARE(model.rowCount(), 8);
        QVERIFY(model.setFilterText("443"));
        QCOMPARE(model.rowCount(), 4);
        QVERIFY(model.setFilterText("2001:db8::3"));
        QCOMPARE(model.rowCount(), 1);
        QVERIFY(model.setFilterText("10.0.0 80"));
        QCOMPARE(model.rowCount(), 4); // IPv4 flows to port 80: c = 0, 2, 4, 6
        QVERIFY(model.setFilterText("ffff"));
        QCOMPARE(model.rowCount(), 0);
        QVERIFY(model.setFilterText({}));
        model.setStateFilter(FlowTableModel::StateFilter::Closed);
        QCOMPARE(rowFlows(model), (QList<int>{0, 3, 6}));
        model.setStateFilter(FlowTableModel::StateFilter::Open);
        QCOMPARE(rowFlows(model), (QList<int>{1, 2, 4, 5, 7}));
        model.setStateFilter(FlowTableModel::StateFilter::All);
        SORT_AND_WAIT(model, FlowTableModel::SourcePort, Qt::DescendingOrder);
        QCOMPARE(model.index(0, FlowTableModel::SourcePort).data().toInt(), 2007);
        QCOMPARE(rowFlows(model), (QList<int>{7, 6, 5, 4, 3, 2, 1, 0}));
        SORT_AND_WAIT(model, FlowTableModel::Label, Qt::AscendingOrder);
        QVERIFY(model.index(0, 0).data().toString().startsWith("10.0.0.0_"));
        QVERIFY(sortedByLabel(model));
        // the filter keeps the sort order
        QVERIFY(model.setFilterText("port 443"));
        QCOMPARE(rowFlows(model), (QList<int>{1, 5, 3, 7})); // 10.0.0.1, 10.0.0.5, 2001.db8..3, ..7
        QVERIFY(sortedByLabel(model));
        // and the sort the filter
        SORT_AND_WAIT(model, FlowTableModel::Label, Qt::DescendingOrder);
        QCOMPARE(rowFlows(model), (QList<int>{7, 3, 5, 1}));
        QCOMPARE(model.sortColumn(), int(FlowTableModel::Label));
        QCOMPARE(model.sortOrder(), Qt::DescendingOrder);
    }

    /// The filter language: what each filter keeps of twelve flows.
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
        FlowTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        load(model, batchesOf(conversations(12, 6), 7));
        model.finishLoading(); // the statistics of the whole capture
        QVERIFY2(model.setFilterText(filter), qPrintable(model.filterError()));
        QCOMPARE(rowFlows(model), flows); // capture order
        QCOMPARE(model.shownFlows(), int(flows.size()));
        QCOMPARE(model.totalFlows(), 12);
        QVERIFY(model.isFiltering());
        for (int r = 0; r < model.rowCount(); ++r)
            QCOMPARE(model.rowOf(uint32_t(flows[r])), r);
        // sorted, the same flows
        SORT_AND_WAIT(model, FlowTableModel::Label, Qt::DescendingOrder);
        QCOMPARE(sortedFlows(rowFlows(model)), flows);
    }

    /// A text that is not a filter keeps the rows of the last one that was, and says why.
    void badFilterKeepsThePreviousRows()
    {
        FlowTableModel model;
        load(model, batchesOf(conversations(8, 2), 1000));
        QVERIFY(model.setFilterText("port 443"));
        QCOMPARE(model.rowCount(), 4);
        QSignalSpy counts(&model, &FlowTableModel::flowCountsChanged);
        QSignalSpy layout(&model, &QAbstractItemModel::layoutChanged);
        QVERIFY(!model.setFilterText("tcp.prot == 80"));
        QCOMPARE(model.filterError(), "unknown field 'tcp.prot' (did you mean tcp.port?) at 0");
        QCOMPARE(model.filterText(), "port 443");
        QCOMPARE(rowFlows(model), (QList<int>{1, 3, 5, 7}));
        QVERIFY(!model.setFilterText("ip.addr == 10.0.0.300"));
        QCOMPARE(model.filterError(), "'10.0.0.300' is not an address (300 is more than 255) at 11");
        QCOMPARE(rowFlows(model), (QList<int>{1, 3, 5, 7}));
        QCOMPARE(counts.size(), 0);
        QCOMPARE(layout.size(), 0);
        QVERIFY(model.setFilterText("tcp.port == 80"));
        QVERIFY(model.filterError().isEmpty());
        QCOMPARE(rowFlows(model), (QList<int>{0, 2, 4, 6}));
        QVERIFY(counts.size() > 0);
        QVERIFY(model.setFilterText(""));
        QCOMPARE(model.rowCount(), 8);
        QVERIFY(!model.isFiltering());
    }

    /// The counts follow a load even when the filter hides every new flow.
    void flowCountsFollowTheLoad()
    {
        FlowTableModel model;
        model.reset("c.pcap", fi::CaptureLayout::ofFile("c.pcap", false, 1, 65535));
        QVERIFY(model.setFilterText("port 1"));
        QSignalSpy counts(&model, &FlowTableModel::flowCountsChanged);
        int lastTotal = 0;
        for (const LoadBatch& b : batchesOf(conversations(12, 3), 4)) {
            model.applyBatch(b);
            if (model.totalFlows() != lastTotal) {
                QVERIFY(counts.size() > 0);
                counts.clear();
                lastTotal = model.totalFlows();
            }
            QCOMPARE(model.shownFlows(), 0);
            QCOMPARE(model.rowCount(), 0);
        }
        QCOMPARE(lastTotal, 12);
        counts.clear();
        QVERIFY(model.setFilterText("port 443"));
        QCOMPARE(counts.size(), 1);
        QCOMPARE(model.shownFlows(), 6);
        model.setStateFilter(FlowTableModel::StateFilter::Closed);
        QCOMPARE(counts.size(), 2);
        QCOMPARE(model.shownFlows(), 2); // c = 3, 9
        model.reset("d.pcap", fi::CaptureLayout::ofFile("d.pcap", false, 1, 65535));
        QCOMPARE(counts.size(), 3);
        QCOMPARE(model.totalFlows(), 0);
        QCOMPARE(model.filterText(), "port 443"); // the filter stays
    }

    /// A flow is filtered by its statistics when it opens; finishLoading() filters again by
    /// the statistics of the whole capture.
    void finishLoadingFiltersAgain()
    {
        FlowTableModel model;
        model.reset("c.pcap", fi::CaptureLayout::ofFile("c.pcap", false, 1, 65535));
        model.setStateFilter(FlowTableModel::StateFilter::Closed);
        for (const LoadBatch& b : batchesOf(conversations(12, 3), 12)) // a packet of each flow a batch
            model.applyBatch(b);
        QCOMPARE(model.rowCount(), 0); // none had its FIN when it opened
        QSignalSpy counts(&model, &FlowTableModel::flowCountsChanged);
        model.finishLoading();
        QCOMPARE(rowFlows(model), (QList<int>{0, 3, 6, 9}));
        QCOMPARE(counts.size(), 1);
    }

    /// sort() returns at once: the rows keep their order until the worker's sort ends.
    void sortIsAsynchronous()
    {
        FlowTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        load(model, batchesOf(conversations(12, 2), 1000));
        const QList<int> captureOrder = rowFlows(model);
        QCOMPARE(captureOrder, (QList<int>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}));
        QSignalSpy sorted(&model, &FlowTableModel::sortingFinished);
        QSignalSpy aboutToChange(&model, &QAbstractItemModel::layoutAboutToBeChanged);
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        model.sort(FlowTableModel::SourcePort, Qt::DescendingOrder);
        QCOMPARE(model.sortColumn(), int(FlowTableModel::SourcePort));
        QCOMPARE(model.sortOrder(), Qt::DescendingOrder);
        QCOMPARE(rowFlows(model), captureOrder); // not yet
        QCOMPARE(sorted.size(), 0);
        QCOMPARE(aboutToChange.size(), 0);
        QTRY_COMPARE(sorted.size(), 1);
        QCOMPARE(rowFlows(model), (QList<int>{11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0}));
        QCOMPARE(aboutToChange.size(), 1); // one layout change, no reset
        QCOMPARE(reset.size(), 0);
        for (int r = 0; r < model.rowCount(); ++r)
            QCOMPARE(model.rowOf(model.flowAt(r)), r);

        // a sort started while one runs: the last one wins, and only it says it finished
        sorted.clear();
        model.sort(FlowTableModel::Source, Qt::AscendingOrder);
        model.sort(FlowTableModel::Label, Qt::AscendingOrder);
        QTRY_COMPARE(sorted.size(), 1);
        QVERIFY(sortedByLabel(model));
        QCOMPARE(rowFlows(model), (QList<int>{0, 10, 1, 2, 4, 5, 6, 8, 9, 11, 3, 7}));
    }

    /// isSorting() is true until the rows have taken the new order, even once the worker is
    /// done: whoever waits for !isSorting() then reads sorted rows.
    void isSortingUntilTheRowsAreSorted()
    {
        FlowTableModel model;
        load(model, batchesOf(conversations(12, 2), 1000));
        QSignalSpy sorted(&model, &FlowTableModel::sortingFinished);
        model.sort(FlowTableModel::SourcePort, Qt::DescendingOrder);
        // the worker's sort is done, not applied
        QVERIFY2(QThreadPool::globalInstance()->waitForDone(kWorkerTimeoutMs), "the sort did not end");
        QCOMPARE(sorted.size(), 0);
        QCOMPARE(model.rowOf(11), 11);
        QVERIFY(model.isSorting());
        QTRY_COMPARE(sorted.size(), 1);
        QVERIFY(!model.isSorting());
        QCOMPARE(model.rowOf(11), 0);
    }

    void descendingOrder()
    {
        FlowTableModel model;
        load(model, flowsFrom({"10.0.1.137", "2001:db8::1", "10.0.1.35", "9.255.255.255", "10.0.1.4"}));
        SORT_AND_WAIT(model, FlowTableModel::Source, Qt::DescendingOrder);
        QCOMPARE(columnTexts(model, FlowTableModel::Source),
                 (QStringList{"2001:db8::1", "10.0.1.137", "10.0.1.35", "10.0.1.4", "9.255.255.255"}));
        // the other way round on the same column
        SORT_AND_WAIT(model, FlowTableModel::Source, Qt::AscendingOrder);
        QCOMPARE(columnTexts(model, FlowTableModel::Source),
                 (QStringList{"9.255.255.255", "10.0.1.4", "10.0.1.35", "10.0.1.137", "2001:db8::1"}));
        // the same column and order again: nothing to do, at once
        QSignalSpy sorted(&model, &FlowTableModel::sortingFinished);
        model.sort(FlowTableModel::Source, Qt::AscendingOrder);
        QCOMPARE(sorted.size(), 1);
        QVERIFY(!model.isSorting());
        // equal values stay in capture order both ways
        load(model, batchesOf(conversations(6, 2), 1000));
        model.finishLoading();
        SORT_AND_WAIT(model, FlowTableModel::DestinationPort, Qt::AscendingOrder);
        QCOMPARE(rowFlows(model), (QList<int>{0, 2, 4, 1, 3, 5}));
        SORT_AND_WAIT(model, FlowTableModel::DestinationPort, Qt::DescendingOrder);
        QCOMPARE(rowFlows(model), (QList<int>{1, 3, 5, 0, 2, 4}));
    }

    /// Column -1 puts the rows back in capture order, at once.
    void sortBackToCaptureOrder()
    {
        FlowTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        load(model, batchesOf(conversations(8, 2), 1000));
        SORT_AND_WAIT(model, FlowTableModel::SourcePort, Qt::DescendingOrder);
        QCOMPARE(model.flowAt(0), 7u);
        QVERIFY(model.setFilterText("port 80"));
        QCOMPARE(rowFlows(model), (QList<int>{6, 4, 2, 0}));
        model.sort(-1);
        QCOMPARE(model.sortColumn(), -1);
        QCOMPARE(rowFlows(model), (QList<int>{0, 2, 4, 6})); // at once, filtered still
        QVERIFY(model.setFilterText({}));
        QCOMPARE(rowFlows(model), (QList<int>{0, 1, 2, 3, 4, 5, 6, 7}));
    }

    /// Capture order asked for while a sort runs: the sort's result must not come back.
    void captureOrderWinsOverARunningSort()
    {
        FlowTableModel model;
        load(model, batchesOf(conversations(8, 2), 1000));
        QSignalSpy layout(&model, &QAbstractItemModel::layoutChanged);
        model.sort(FlowTableModel::Source, Qt::AscendingOrder); // 0, 1, 2, 4, 5, 6, then IPv6 3, 7
        model.sort(-1);
        QCOMPARE(rowFlows(model), (QList<int>{0, 1, 2, 3, 4, 5, 6, 7}));
        QCOMPARE(layout.size(), 1);
        QVERIFY2(drainThreadPool(), "the sort did not end"); // and its end delivered, if anyone listens
        QCOMPARE(model.sortColumn(), -1);
        QVERIFY(!model.isSorting());
        QCOMPARE(rowFlows(model), (QList<int>{0, 1, 2, 3, 4, 5, 6, 7}));
        QCOMPARE(layout.size(), 1);
    }

    /// A selection (rows and the current index) stays on its flows when the rows are sorted
    /// or filtered; a flow the filter hides leaves it.
    void selectionFollowsFlows()
    {
        FlowTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        load(model, batchesOf(conversations(8, 2), 1000));
        QItemSelectionModel selection(&model);
        selection.select(model.flowIndex(2), QItemSelectionModel::Select | QItemSelectionModel::Rows);
        selection.select(model.flowIndex(5), QItemSelectionModel::Select | QItemSelectionModel::Rows);
        selection.setCurrentIndex(model.flowIndex(5, FlowTableModel::Packets), QItemSelectionModel::NoUpdate);
        QCOMPARE(selectedFlows(selection), (QList<int>{2, 5}));

        SORT_AND_WAIT(model, FlowTableModel::SourcePort, Qt::DescendingOrder);
        QCOMPARE(model.rowOf(2), 5);
        QCOMPARE(model.rowOf(5), 2);
        QCOMPARE(selectedFlows(selection), (QList<int>{2, 5}));
        QVERIFY(selection.isRowSelected(2));
        QVERIFY(selection.isRowSelected(5));
        QVERIFY(!selection.isRowSelected(0));
        QCOMPARE(selection.currentIndex(), model.flowIndex(5, FlowTableModel::Packets));

        SORT_AND_WAIT(model, FlowTableModel::Label, Qt::AscendingOrder);
        QCOMPARE(selectedFlows(selection), (QList<int>{2, 5}));
        QCOMPARE(selection.currentIndex().data(FlowTableModel::FlowIdRole).toInt(), 5);

        // the filter hides flow 2 (port 80): it leaves the selection; flow 5 stays
        QVERIFY(model.setFilterText("port 443"));
        QCOMPARE(selectedFlows(selection), (QList<int>{5}));
        QCOMPARE(selection.currentIndex(), model.flowIndex(5, FlowTableModel::Packets));
        QVERIFY(model.setFilterText({}));
        QCOMPARE(selectedFlows(selection), (QList<int>{5}));
        QVERIFY(!selection.isRowSelected(model.rowOf(2)));

        // a hidden current flow leaves no current index behind
        QVERIFY(model.setFilterText("port 80"));
        QVERIFY(!selection.currentIndex().isValid());
        QVERIFY(selection.selectedRows().isEmpty());

        model.sort(-1);
        QVERIFY(model.setFilterText({}));
        selection.select(model.flowIndex(1), QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        model.setStateFilter(FlowTableModel::StateFilter::Open);
        QCOMPARE(selectedFlows(selection), (QList<int>{1}));
        QCOMPARE(selection.selectedRows().first().row(), 0); // flow 0 is closed: flow 1 is the first row
    }

    /// A new capture while a sort runs: the sort of the old flows is never applied to the new
    /// ones; the new ones are sorted instead.
    void resetDuringASort()
    {
        FlowTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.reset("big.pcap", fi::CaptureLayout::ofFile("big.pcap", false, 1, 65535));
        model.applyBatch(manyFlows(200000));
        QSignalSpy sorted(&model, &FlowTableModel::sortingFinished);
        model.sort(FlowTableModel::Label, Qt::DescendingOrder); // a while for 200,000 labels
        model.reset("c.pcap", fi::CaptureLayout::ofFile("c.pcap", false, 1, 65535));
        QCOMPARE(model.rowCount(), 0);
        model.applyBatch(flowsFrom({"10.0.1.137", "2001:db8::1", "10.0.1.35", "9.255.255.255", "10.0.1.4"}));
        QTRY_VERIFY(!sorted.isEmpty());
        QTRY_VERIFY(!model.isSorting());
        QCOMPARE(model.rowCount(), 5);
        QCOMPARE(model.totalFlows(), 5);
        QVERIFY(sortedByLabel(model, Qt::DescendingOrder));
        QCOMPARE(rowFlows(model), (QList<int>{3, 1, 4, 2, 0})); // 9.., 2001.., 10.0.1.4_, 10.0.1.35_, 10.0.1.137_

        // a reset to nothing
        model.reset("big.pcap", fi::CaptureLayout::ofFile("big.pcap", false, 1, 65535));
        model.applyBatch(manyFlows(200000));
        sorted.clear();
        model.sort(FlowTableModel::Source, Qt::AscendingOrder);
        model.reset("empty.pcap", fi::CaptureLayout::ofFile("empty.pcap", false, 1, 65535));
        QTRY_VERIFY(!sorted.isEmpty());
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(model.totalFlows(), 0);
    }

    /// The same when the worker is already done but its result is still on its way: the new
    /// capture has more flows than the old, so only the sort itself can tell.
    void resetWhileASortResultIsPending()
    {
        FlowTableModel model;
        load(model, flowsFrom({"10.0.0.3", "10.0.0.1", "10.0.0.2"}));
        QSignalSpy sorted(&model, &FlowTableModel::sortingFinished);
        model.sort(FlowTableModel::Source, Qt::AscendingOrder); // 1, 2, 0
        QVERIFY2(QThreadPool::globalInstance()->waitForDone(kWorkerTimeoutMs), "the sort did not end");
        model.reset("c.pcap", fi::CaptureLayout::ofFile("c.pcap", false, 1, 65535));
        model.applyBatch(flowsFrom({"10.0.0.1", "10.0.0.4", "10.0.0.3", "10.0.0.2"}));
        QTRY_VERIFY(!sorted.isEmpty());
        QTRY_VERIFY(!model.isSorting());
        QCOMPARE(columnTexts(model, FlowTableModel::Source), (QStringList{"10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4"}));
    }

    /// Flows that arrive while the rows are sorted go at the end; finishLoading() sorts them
    /// in.
    void flowsArrivingDuringASortedView()
    {
        FlowTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.reset("c.pcap", fi::CaptureLayout::ofFile("c.pcap", false, 1, 65535));
        const std::vector<LoadBatch> batches = batchesOf(conversations(8, 2), 4); // 4 flows, then 4
        QCOMPARE(batches.size(), size_t(5));
        model.applyBatch(batches[0]);
        SORT_AND_WAIT(model, FlowTableModel::SourcePort, Qt::DescendingOrder);
        QCOMPARE(rowFlows(model), (QList<int>{3, 2, 1, 0}));
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        model.applyBatch(batches[1]);
        QCOMPARE(inserted.size(), 1);
        QCOMPARE(inserted[0][1].toInt(), 4);
        QCOMPARE(inserted[0][2].toInt(), 7);
        QCOMPARE(rowFlows(model), (QList<int>{3, 2, 1, 0, 4, 5, 6, 7}));
        for (size_t b = 2; b < batches.size(); ++b)
            model.applyBatch(batches[b]);
        QCOMPARE(rowFlows(model), (QList<int>{3, 2, 1, 0, 4, 5, 6, 7}));
        // a filter changed while loading: the new flows stay at the end
        QVERIFY(model.setFilterText("port 80 or port 443"));
        QCOMPARE(model.rowCount(), 8);
        QCOMPARE(rowFlows(model), (QList<int>{3, 2, 1, 0, 4, 5, 6, 7}));
        QSignalSpy sorted(&model, &FlowTableModel::sortingFinished);
        model.finishLoading();
        QTRY_COMPARE(sorted.size(), 1);
        QCOMPARE(rowFlows(model), (QList<int>{7, 6, 5, 4, 3, 2, 1, 0}));
        QCOMPARE(model.sortColumn(), int(FlowTableModel::SourcePort));
    }

    /// Sorting by the label, a text column: flows added after the sort, and a new capture of
    /// as many flows in another order, are sorted in when the load ends.
    void textSortFollowsNewFlows()
    {
        FlowTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        auto flows = [](const std::string& firstOctet, int count, int step, int from = 0) {
            std::vector<std::string> sources;
            for (int f = from; f < count; ++f)
                sources.push_back(firstOctet + ".0.0." + std::to_string((f * step) % count));
            return flowsFrom(sources);
        };
        model.reset("c.pcap", fi::CaptureLayout::ofFile("c.pcap", false, 1, 65535));
        model.applyBatch(flows("10", 12, 7));
        model.sort(FlowTableModel::Source, Qt::AscendingOrder);
        SORT_AND_WAIT(model, FlowTableModel::Label, Qt::AscendingOrder);
        QVERIFY(model.setFilterText("port 80"));
        QVERIFY(sortedByLabel(model));
        QCOMPARE(model.rowCount(), 12);

        // flows added after the sort: at the end, then sorted in
        LoadBatch more = flowsFrom({"10.0.0.5", "9.0.0.1", "10.0.0.50"});
        more.firstNewFlow = 12;
        model.applyBatch(more);
        QCOMPARE(model.rowCount(), 15);
        QCOMPARE(rowFlows(model).mid(12), (QList<int>{12, 13, 14}));
        QVERIFY(!sortedByLabel(model));
        QSignalSpy sorted(&model, &FlowTableModel::sortingFinished);
        model.finishLoading();
        QTRY_COMPARE(sorted.size(), 1);
        QVERIFY(sortedByLabel(model));
        QCOMPARE(model.rowCount(), 15);

        // a new capture of as many flows, in another order
        model.reset("d.pcap", fi::CaptureLayout::ofFile("d.pcap", false, 1, 65535));
        model.applyBatch(flows("11", 15, 4));
        QVERIFY(model.setFilterText("80"));
        sorted.clear();
        model.finishLoading();
        QTRY_COMPARE(sorted.size(), 1);
        QVERIFY(sortedByLabel(model));
        QCOMPARE(model.rowCount(), 15);
        QCOMPARE(model.index(0, FlowTableModel::Source).data().toString(), "11.0.0.0");
    }

    /// Addresses sort as numbers (IPv4 before IPv6), not as text.
    void addressesSortNumerically()
    {
        FlowTableModel model;
        load(model, flowsFrom({"10.0.1.137", "2001:db8::1", "10.0.1.35", "9.255.255.255", "10.0.1.4", "::1"}));
        SORT_AND_WAIT(model, FlowTableModel::Source, Qt::AscendingOrder);
        QCOMPARE(columnTexts(model, FlowTableModel::Source),
                 (QStringList{"9.255.255.255", "10.0.1.4", "10.0.1.35", "10.0.1.137", "::1", "2001:db8::1"}));
        SORT_AND_WAIT(model, FlowTableModel::Destination, Qt::AscendingOrder);
        QCOMPARE(columnTexts(model, FlowTableModel::Destination),
                 (QStringList{"9.255.255.255", "10.0.1.4", "10.0.1.35", "10.0.1.137", "::1", "2001:db8::1"}));
    }

    /// Filtering and sorting 250,000 flows: measured, not timed (the machines are shared).
    void filterManyFlows()
    {
        FlowTableModel model;
        model.reset("c.pcap", fi::CaptureLayout::ofFile("c.pcap", false, 1, 65535));
        model.applyBatch(manyFlows(250000));
        QCOMPARE(model.rowCount(), 250000);
        for (const char* filter : {"10.1.2", "net 10.1.0.0/16 and port 80", "srcport > 60000", ""}) {
            QElapsedTimer timer;
            timer.start();
            QVERIFY(model.setFilterText(filter));
            qInfo("filtering 250,000 flows by '%s' took %lld ms: %d shown", filter, timer.elapsed(), model.rowCount());
        }
        QVERIFY(model.setFilterText("10.1.2"));
        QVERIFY(model.rowCount() > 0);
        for (int r = 0; r < model.rowCount(); ++r)
            QVERIFY(model.index(r, 0).data().toString().contains("10.1.2"));
        QVERIFY(model.setFilterText("net 10.1.0.0/16 and srcport < 300"));
        QCOMPARE(model.rowCount(), 300);

        QElapsedTimer timer;
        timer.start();
        SORT_AND_WAIT(model, FlowTableModel::Label, Qt::DescendingOrder);
        qInfo("sorting 250,000 flows by label took %lld ms", timer.elapsed());
        QCOMPARE(model.rowCount(), 300);
        QVERIFY(sortedByLabel(model, Qt::DescendingOrder));
        QVERIFY(model.setFilterText({}));
        QCOMPARE(model.rowCount(), 250000);
        QVERIFY(sortedByLabel(model, Qt::DescendingOrder));
    }
};

QTEST_MAIN(TestFlowTableModel)
#include "tst_flowtablemodel.moc"
