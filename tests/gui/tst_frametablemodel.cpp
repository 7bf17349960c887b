// The frames table model under QAbstractItemModelTester: the frames of the selected flows in
// capture order, frames arriving during a load, sorting, and Wireshark's relative sequence
// and acknowledgement numbers, from captures traced by the real tracer.

#include "CaptureBuilder.h"
#include "LoadBatches.h"
#include "ModelTexts.h"
#include "PacketBuilder.h"

#include "CaptureStore.h"
#include "FlowTracker.h"
#include "FrameAnalysisFields.h"
#include "FrameTableModel.h"
#include "LayerTree.h"

#include <QAbstractItemModelTester>
#include <QItemSelectionModel>
#include <QSignalSpy>
#include <QTest>

#include <functional>

using namespace fi;
using namespace fi::test;

namespace {

/// The store of a whole capture, applied batch by batch.
void load(CaptureStore& store, const std::vector<LoadBatch>& batches)
{
    store = CaptureStore();
    for (const LoadBatch& b : batches)
        store.apply(b);
}

/// `count` conversations of `packets` packets, interleaved: packet i of conversation c is frame
/// i * count + c + 1, from 10.0.0.c port 2000 + c to 10.0.1.1 port 80, at 1000 + i seconds and
/// c * 10 microseconds, with sequence number 100 * i and 10 * i bytes of data; the first is a
/// SYN, the others ACKs.
CaptureSpec conversations(int count, int packets)
{
    CaptureSpec spec;
    for (int i = 0; i < packets; ++i)
        for (int c = 0; c < count; ++c) {
            TcpSpec s;
            s.srcPort = uint16_t(2000 + c);
            s.dstPort = 80;
            s.seq = uint32_t(100 * i);
            s.ack = 7;
            s.window = uint16_t(1000 + c);
            s.flags = i == 0 ? TcpFlag::SYN : TcpFlag::ACK;
            s.payload = size_t(i) * 10;
            spec.add(tcpOverIpv4("10.0.0." + std::to_string(c), "10.0.1.1", s), 1000 + i, uint32_t(c) * 10);
        }
    return spec;
}

/// Seven frames of two flows whose payloads and lengths are not in capture order, with ties:
/// flow 0 (IPv4, 54 bytes of headers) and flow 1 (IPv6, 74), then a UDP frame (8) and a frame
/// of a third flow (9).
///   frame   1   2   3   4   5   6   7
///   flow    0   1   0   1   0   1   0
///   payload 30  10  10  30  0   20  20
///   length  84  84  64  104 54  94  74
CaptureSpec unorderedFrames()
{
    CaptureSpec spec;
    const int flows[] = {0, 1, 0, 1, 0, 1, 0};
    const size_t payloads[] = {30, 10, 10, 30, 0, 20, 20};
    for (int i = 0; i < 7; ++i) {
        TcpSpec s;
        s.srcPort = uint16_t(3000 + flows[i]);
        s.seq = uint32_t(1000 * (i + 1));
        s.payload = payloads[i];
        spec.add(flows[i] == 0 ? tcpOverIpv4("10.0.0.1", "10.0.0.2", s) : tcpOverIpv6("2001:db8::1", "2001:db8::2", s),
                 1000 + i);
    }
    spec.add(ethernet(0x0800, ipv4("10.0.0.1", "10.0.0.2", 17, udp(53, 53, Bytes(12, 0)))), 1007);
    TcpSpec other;
    other.srcPort = 4000;
    spec.add(tcpOverIpv4("10.0.0.9", "10.0.0.2", other), 1008);
    return spec;
}

QList<uint> rowFrames(const FrameTableModel& model)
{
    QList<uint> frames;
    for (int r = 0; r < model.rowCount(); ++r)
        frames << model.index(r, FrameTableModel::Payload).data(FrameTableModel::FrameNumberRole).toUInt();
    return frames;
}

/// One segment of a connection between A (10.1.1.1:51000) and B (10.2.2.2:80).
struct Segment
{
    bool fromA = true;
    uint8_t flags = TcpFlag::ACK;
    uint32_t seq = 0;
    uint32_t ack = 0;
    size_t payload = 0;
};

Bytes segmentFrame(const Segment& s)
{
    TcpSpec t;
    t.srcPort = s.fromA ? 51000 : 80;
    t.dstPort = s.fromA ? 80 : 51000;
    t.flags = s.flags;
    t.seq = s.seq;
    t.ack = s.ack;
    t.payload = s.payload;
    return s.fromA ? tcpOverIpv4("10.1.1.1", "10.2.2.2", t) : tcpOverIpv4("10.2.2.2", "10.1.1.1", t);
}

CaptureSpec connection(const QList<Segment>& segments)
{
    CaptureSpec spec;
    for (qsizetype i = 0; i < segments.size(); ++i)
        spec.add(segmentFrame(segments[i]), 1000, uint32_t(i) * 1000);
    return spec;
}

/// Every frame's `flags|seq|raw seq|ack|raw ack`, in capture order.
QStringList sequenceColumns(const FrameTableModel& model)
{
    QStringList rows;
    for (int r = 0; r < model.rowCount(); ++r) {
        QStringList cells;
        for (int c : {FrameTableModel::Flags, FrameTableModel::Seq, FrameTableModel::RawSeq, FrameTableModel::Ack,
                      FrameTableModel::RawAck})
            cells << model.index(r, c).data().toString();
        rows << cells.join('|');
    }
    return rows;
}

} // namespace

Q_DECLARE_METATYPE(Segment)

class TestFrameTableModel : public QObject
{
    Q_OBJECT

private slots:
    /// Selecting flows mid-load, frames arriving, sorting, selecting again, clearing.
    void modelPassesTheTester()
    {
        CaptureStore store;
        FrameTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.rowCount(), 0);
        const std::vector<LoadBatch> batches = batchesOf(conversations(4, 5), 3);
        QVERIFY(batches.size() > 5);
        for (size_t b = 0; b < batches.size(); ++b) {
            store.apply(batches[b]);
            if (b == 1)
                model.setFlows(&store, {0, 2});
            else
                model.appendBatch(batches[b]);
            if (b == 3)
                model.sort(FrameTableModel::Payload, Qt::DescendingOrder);
        }
        QCOMPARE(model.rowCount(), 10);
        model.sort(FrameTableModel::Seq, Qt::AscendingOrder);
        model.sort(FrameTableModel::Ack, Qt::DescendingOrder);
        model.sort(-1);
        model.setAbsoluteTimes(true);
        model.setFlows(&store, {1, 2, 3});
        QCOMPARE(model.rowCount(), 15);
        model.clear();
        QCOMPARE(model.rowCount(), 0);
        QVERIFY(model.flows().empty());
        model.appendBatch(batches.front()); // nothing shown: nothing added
        QCOMPARE(model.rowCount(), 0);
    }

    /// The frames of two interleaved flows, in capture order, with every column.
    void framesOfTheSelectedFlowsInCaptureOrder()
    {
        CaptureStore store;
        load(store, batchesOf(conversations(3, 4), 1000));
        FrameTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setFlows(&store, {2, 0});
        QCOMPARE(model.flows(), (std::vector<uint32_t>{2, 0}));
        QCOMPARE(model.columnCount(), int(FrameTableModel::ColumnCount));
        QCOMPARE(rowFrames(model), (QList<uint>{1, 3, 4, 6, 7, 9, 10, 12}));
        QList<uint> flows;
        for (int r = 0; r < model.rowCount(); ++r) {
            flows << model.index(r, 0).data(FrameTableModel::FlowIdRole).toUInt();
            QCOMPARE(model.flowAt(r), flows.last());
            QCOMPARE(model.frameAt(r), rowFrames(model)[r]);
        }
        QCOMPARE(flows, (QList<uint>{0, 2, 0, 2, 0, 2, 0, 2}));

        QCOMPARE(columnTexts(model, FrameTableModel::Number), (QStringList{"1", "3", "4", "6", "7", "9", "10", "12"}));
        QCOMPARE(columnTexts(model, FrameTableModel::Time).mid(0, 4),
                 (QStringList{"0.000000", "0.000020", "1.000000", "1.000020"}));
        QCOMPARE(columnTexts(model, FrameTableModel::Delta).mid(0, 4),
                 (QStringList{"0.000000", "0.000000", "1.000000", "1.000000"}));
        QCOMPARE(model.index(0, FrameTableModel::Flow).data().toString(), QString("10.0.0.0:2000 → 10.0.1.1:80"));
        QCOMPARE(model.index(1, FrameTableModel::Flow).data().toString(), QString("10.0.0.2:2002 → 10.0.1.1:80"));
        QCOMPARE(model.index(1, FrameTableModel::Flow).data(Qt::ToolTipRole).toString(),
                 QString::fromStdString(store.flows[2].label()));
        QCOMPARE(columnTexts(model, FrameTableModel::Length).mid(0, 4), (QStringList{"54", "54", "64", "64"}));
        QCOMPARE(columnTexts(model, FrameTableModel::Flags).mid(0, 4), (QStringList{"SYN", "SYN", "ACK", "ACK"}));
        QCOMPARE(columnTexts(model, FrameTableModel::RawSeq), (QStringList{"0", "0", "100", "100", "200", "200", "300", "300"}));
        QCOMPARE(columnTexts(model, FrameTableModel::Seq), (QStringList{"0", "0", "100", "100", "200", "200", "300", "300"}));
        QCOMPARE(columnTexts(model, FrameTableModel::RawAck).first(), "7");
        QCOMPARE(columnTexts(model, FrameTableModel::Ack), (QStringList{"", "", "1", "1", "1", "1", "1", "1"}));
        QCOMPARE(columnTexts(model, FrameTableModel::Window).mid(0, 2), (QStringList{"1000", "1002"}));
        QCOMPARE(columnTexts(model, FrameTableModel::Payload), (QStringList{"0", "0", "10", "10", "20", "20", "30", "30"}));

        QCOMPARE(model.index(0, FrameTableModel::Flow).data(Qt::TextAlignmentRole).toInt(),
                 int(Qt::AlignLeft | Qt::AlignVCenter));
        QCOMPARE(model.index(0, FrameTableModel::Seq).data(Qt::TextAlignmentRole).toInt(),
                 int(Qt::AlignRight | Qt::AlignVCenter));
        for (int c = 0; c < FrameTableModel::ColumnCount; ++c) {
            QCOMPARE(model.headerData(c, Qt::Horizontal).toString(), FrameTableModel::columnTitle(c));
            QVERIFY(!model.headerData(c, Qt::Horizontal).toString().isEmpty());
            QVERIFY(!model.headerData(c, Qt::Horizontal, Qt::ToolTipRole).toString().isEmpty());
        }
        QVERIFY(!model.headerData(FrameTableModel::ColumnCount, Qt::Horizontal).isValid());

        QSignalSpy header(&model, &QAbstractItemModel::headerDataChanged);
        model.setAbsoluteTimes(true);
        QCOMPARE(header.size(), 1);
        QCOMPARE(model.index(0, FrameTableModel::Time).data().toString().left(19), "1970-01-01 00:16:40");
        QCOMPARE(model.headerData(FrameTableModel::Time, Qt::Horizontal).toString(), "Time (UTC)");

        model.setFlows(&store, {1});
        QCOMPARE(rowFrames(model), (QList<uint>{2, 5, 8, 11}));
        model.setFlows(nullptr, {1});
        QCOMPARE(model.rowCount(), 0);
    }

    /// Frames arriving while loading: those of the shown flows are added at the end, the others
    /// (other flows, flows opened since, other protocols) are not.
    void appendBatchAddsTheShownFlowsFrames()
    {
        CaptureSpec spec = conversations(3, 4);
        TcpSpec late;
        late.srcPort = 5000;
        for (int i = 0; i < 3; ++i) // a flow that opens after the selection
            spec.add(tcpOverIpv4("10.0.0.7", "10.0.1.1", late), 1010 + i);
        const std::vector<LoadBatch> batches = batchesOf(spec, 3); // a packet of every flow a batch
        QCOMPARE(batches.size(), size_t(6));
        CaptureStore store;
        FrameTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        store.apply(batches[0]);
        model.setFlows(&store, {1});
        QCOMPARE(rowFrames(model), (QList<uint>{2}));
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        for (size_t b = 1; b < 4; ++b) {
            store.apply(batches[b]);
            model.appendBatch(batches[b]);
            QCOMPARE(inserted.size(), int(b));
            QCOMPARE(inserted.last()[1].toInt(), int(b));
            QCOMPARE(inserted.last()[2].toInt(), int(b));
        }
        QCOMPARE(rowFrames(model), (QList<uint>{2, 5, 8, 11}));
        QCOMPARE(columnTexts(model, FrameTableModel::Delta), (QStringList{"0.000000", "1.000000", "1.000000", "1.000000"}));
        for (size_t b = 4; b < batches.size(); ++b) { // the late flow's frames only
            store.apply(batches[b]);
            model.appendBatch(batches[b]);
        }
        QCOMPARE(inserted.size(), 3);
        QCOMPARE(rowFrames(model), (QList<uint>{2, 5, 8, 11}));
        QCOMPARE(model.rowOfFrame(11), 3);
        QCOMPARE(model.rowOfFrame(13), -1);

        // two flows, sorted: new frames still go at the end
        store = CaptureStore();
        store.apply(batches[0]);
        store.apply(batches[1]);
        model.setFlows(&store, {0, 2});
        model.sort(FrameTableModel::Number, Qt::DescendingOrder);
        QCOMPARE(rowFrames(model), (QList<uint>{6, 4, 3, 1}));
        store.apply(batches[2]);
        model.appendBatch(batches[2]);
        QCOMPARE(rowFrames(model), (QList<uint>{6, 4, 3, 1, 7, 9}));
        QCOMPARE(model.rowOfFrame(7), 4);
        QCOMPARE(model.index(4, FrameTableModel::Delta).data().toString(), "1.000000");
        model.sort(-1);
        QCOMPARE(rowFrames(model), (QList<uint>{1, 3, 4, 6, 7, 9}));
    }

    /// Sorting by a number keeps frames of equal values in capture order, either way.
    void sortKeepsTiesInCaptureOrder_data()
    {
        QTest::addColumn<int>("column");
        QTest::addColumn<Qt::SortOrder>("order");
        QTest::addColumn<QList<uint>>("frames");
        // see unorderedFrames()
        QTest::newRow("payload ascending") << int(FrameTableModel::Payload) << Qt::AscendingOrder
                                           << QList<uint>{5, 2, 3, 6, 7, 1, 4};
        QTest::newRow("payload descending") << int(FrameTableModel::Payload) << Qt::DescendingOrder
                                            << QList<uint>{1, 4, 6, 7, 2, 3, 5};
        QTest::newRow("length ascending") << int(FrameTableModel::Length) << Qt::AscendingOrder
                                          << QList<uint>{5, 3, 7, 1, 2, 6, 4};
        QTest::newRow("length descending") << int(FrameTableModel::Length) << Qt::DescendingOrder
                                           << QList<uint>{4, 6, 1, 2, 7, 3, 5};
        QTest::newRow("number descending") << int(FrameTableModel::Number) << Qt::DescendingOrder
                                           << QList<uint>{7, 6, 5, 4, 3, 2, 1};
        QTest::newRow("flow ascending") << int(FrameTableModel::Flow) << Qt::AscendingOrder
                                        << QList<uint>{1, 3, 5, 7, 2, 4, 6};
    }
    void sortKeepsTiesInCaptureOrder()
    {
        QFETCH(int, column);
        QFETCH(Qt::SortOrder, order);
        QFETCH(QList<uint>, frames);
        CaptureStore store;
        load(store, batchesOf(unorderedFrames(), 4));
        QCOMPARE(store.flows.size(), size_t(3));
        QCOMPARE(store.frames.size(), size_t(9));
        FrameTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setFlows(&store, {0, 1});
        QCOMPARE(rowFrames(model), (QList<uint>{1, 2, 3, 4, 5, 6, 7}));
        QCOMPARE(::columnTexts(model, FrameTableModel::Length), (QStringList{"84", "84", "64", "104", "54", "94", "74"}));

        // the current frame and a selected one stay with their frames
        QItemSelectionModel selection(&model);
        selection.setCurrentIndex(model.index(model.rowOfFrame(6), FrameTableModel::Payload),
                                  QItemSelectionModel::NoUpdate);
        selection.select(model.index(model.rowOfFrame(2), 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
        QSignalSpy layout(&model, &QAbstractItemModel::layoutChanged);

        model.sort(column, order);
        QCOMPARE(layout.size(), 1);
        QCOMPARE(rowFrames(model), frames);
        QCOMPARE(selection.currentIndex().data(FrameTableModel::FrameNumberRole).toUInt(), 6u);
        QCOMPARE(selection.currentIndex().column(), int(FrameTableModel::Payload));
        QCOMPARE(selection.currentIndex().row(), int(frames.indexOf(6u)));
        QCOMPARE(selection.selectedRows().size(), 1);
        QCOMPARE(selection.selectedRows().first().data(FrameTableModel::FrameNumberRole).toUInt(), 2u);
        for (uint n = 1; n <= 7; ++n)
            QCOMPARE(model.rowOfFrame(n), int(frames.indexOf(n)));
        QCOMPARE(model.rowOfFrame(8), -1); // UDP
        QCOMPARE(model.rowOfFrame(9), -1); // another flow
        QCOMPARE(model.rowOfFrame(99), -1);

        model.sort(column, order); // already so: nothing happens
        QCOMPARE(layout.size(), 1);

        // back to capture order
        model.sort(-1);
        QCOMPARE(rowFrames(model), (QList<uint>{1, 2, 3, 4, 5, 6, 7}));
        QCOMPARE(selection.currentIndex().row(), 5);
        QCOMPARE(selection.currentIndex().data(FrameTableModel::FrameNumberRole).toUInt(), 6u);
        QCOMPARE(selection.selectedRows().first().row(), 1);
        for (uint n = 1; n <= 7; ++n)
            QCOMPARE(model.rowOfFrame(n), int(n) - 1);
        QCOMPARE(model.rowOfFrame(8), -1);

        // selecting again keeps the sort
        model.sort(column, order);
        model.setFlows(&store, {1, 0});
        QCOMPARE(rowFrames(model), frames);
    }

    /// Relative sequence and acknowledgement numbers as Wireshark (tshark) shows them for
    /// cuts of a real capture.
    void relativeNumbers_data()
    {
        QTest::addColumn<QList<Segment>>("segments");
        QTest::addColumn<QStringList>("expected"); // flags|seq|raw seq|ack|raw ack, in capture order
        const uint8_t syn = TcpFlag::SYN, synAck = TcpFlag::SYN | TcpFlag::ACK, ack = TcpFlag::ACK,
                      pshAck = TcpFlag::PSH | TcpFlag::ACK;
        QTest::newRow("handshake") << QList<Segment>{{true, syn, 356838981, 0, 0},
                                                     {false, synAck, 2861508787, 356838982, 0},
                                                     {true, ack, 356838982, 2861508788, 0}}
                                   << QStringList{"SYN|0|356838981||0", "SYN, ACK|0|2861508787|1|356838982",
                                                  "ACK|1|356838982|1|2861508788"};
        QTest::newRow("mid-connection, A first")
            << QList<Segment>{{true, ack, 356838982, 2861508788, 0}, {false, ack, 2861508788, 356839070, 0}}
            << QStringList{"ACK|1|356838982|1|2861508788", "ACK|1|2861508788|89|356839070"};
        QTest::newRow("mid-connection, B's ACK first")
            << QList<Segment>{{false, ack, 2861508788, 356839070, 0}, {true, pshAck, 356839070, 2861508788, 40}}
            << QStringList{"ACK|1|2861508788|1|356839070", "PSH, ACK|1|356839070|1|2861508788"};
        // one direction only: the acknowledgement counts from the first one less one
        QTest::newRow("one direction")
            << QList<Segment>{{true, syn, 4294967290u, 0, 0}, {true, ack, 4294967291u, 5001, 0},
                              {true, pshAck, 4294967291u, 5001, 100}, {true, ack, 95, 5101, 0}}
            << QStringList{"SYN|0|4294967290||0", "ACK|1|4294967291|1|5001", "PSH, ACK|1|4294967291|1|5001",
                           "ACK|101|95|101|5101"};
    }
    void relativeNumbers()
    {
        QFETCH(QList<Segment>, segments);
        QFETCH(QStringList, expected);
        CaptureStore store;
        load(store, batchesOf(connection(segments), 1));
        FrameTableModel model;
        std::vector<uint32_t> flows;
        for (uint32_t f = 0; f < store.flows.size(); ++f)
            flows.push_back(f);
        model.setFlows(&store, flows);
        QCOMPARE(sequenceColumns(model), expected);
        QCOMPARE(model.rowCount(), int(segments.size()));

        // sorting by the relative numbers orders them as shown (frames without ACK first)
        auto number = [&](int row, int column) {
            const QString text = model.index(row, column).data().toString();
            return text.isEmpty() ? -1 : text.toLongLong();
        };
        for (int column : {int(FrameTableModel::Seq), int(FrameTableModel::Ack)}) {
            model.sort(column, Qt::AscendingOrder);
            for (int r = 1; r < model.rowCount(); ++r)
                QVERIFY(number(r - 1, column) <= number(r, column));
        }
    }

    /// The TCP analysis the loader computed: each frame's flags in the Analysis column (with
    /// Wireshark's explanations as the tooltip), its row coloured by the gravest, and each
    /// flow's figures in the store.
    void analysisColumnAndColours()
    {
        const uint8_t syn = TcpFlag::SYN, synAck = TcpFlag::SYN | TcpFlag::ACK, ack = TcpFlag::ACK;
        const QList<Segment> segments = {
            {true, syn, 1000, 0, 0}, {false, synAck, 5000, 1001, 0}, {true, ack, 1001, 5001, 0},
            {true, ack, 1001, 5001, 100},  // 4: data
            {false, ack, 5001, 1101, 0},   // 5: its ACK
            {false, ack, 5001, 1101, 0},   // 6: the same ACK again
            {true, ack, 1201, 5001, 100},  // 7: after 100 bytes never seen
            {true, ack, 1001, 5001, 100}}; // 8: frame 4 again, already acknowledged
        CaptureStore store;
        load(store, batchesOf(connection(segments), 3));
        FrameTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setFlows(&store, {0, 1});
        QStringList texts;
        for (int r = 0; r < model.rowCount(); ++r)
            texts << model.index(r, FrameTableModel::Analysis).data().toString();
        QCOMPARE(texts, (QStringList{"", "", "", "", "", "Dup ACK", "Previous segment not captured", "Spurious retransmission"}));
        QCOMPARE(model.index(7, FrameTableModel::Analysis).data(Qt::ToolTipRole).toString(),
                 "This frame is a (suspected) retransmission\nThis frame is a (suspected) spurious retransmission");

        // each ACK's RTT from the segment it acknowledged (the SYN and SYN/ACK count as one
        // byte); each segment with data its bytes in flight, unknown after a lost segment until
        // the other side ACKs again (as Wireshark)
        QCOMPARE(columnTexts(model, FrameTableModel::AckRtt),
                 (QStringList{"", "0.001000", "0.001000", "", "0.001000", "", "", ""}));
        QCOMPARE(columnTexts(model, FrameTableModel::BytesInFlight),
                 (QStringList{"", "", "", "100", "", "", "", ""}));
        QCOMPARE(model.index(1, FrameTableModel::AckRtt).data(Qt::TextAlignmentRole).toInt(),
                 int(Qt::AlignRight | Qt::AlignVCenter));
        // rows without an RTT sort first, then by RTT
        model.sort(FrameTableModel::AckRtt, Qt::AscendingOrder);
        QCOMPARE(model.frameAt(0), 1u);
        QCOMPARE(model.frameAt(7), 5u);
        model.sort(-1);

        // the frame details: Wireshark's SEQ/ACK analysis
        QCOMPARE(store.packetOfFrame(5)->acksFrame, 4u);
        QVERIFY(store.packetOfFrame(99) == nullptr);
        QCOMPARE(*store.ackRttNs(*store.packetOfFrame(5)), int64_t(1'000'000));
        QVERIFY(!store.ackRttNs(*store.packetOfFrame(4)));
        auto fields = [&store](uint32_t frame) {
            QStringList lines;
            std::function<void(const FieldNode&, QString)> walk = [&](const FieldNode& node, QString indent) {
                lines << indent + QString::fromStdString(node.name) +
                             (node.isContainer() ? QString() : " = " + QString::fromStdString(node.displayValue()));
                for (const FieldNode& child : node.children)
                    walk(child, indent + "  ");
            };
            walk(frameAnalysisFields(store, frame), QString());
            return lines;
        };
        QCOMPARE(fields(5), (QStringList{"SEQ/ACK analysis", "  iRTT = 0.002000 s",
                                         "  This is an ACK to the segment in frame = 4",
                                         "  The RTT to ACK the segment was = 0.001000 s",
                                         "  Window size scaling factor = -2 (no window scaling used)",
                                         "  Calculated window size = 65535"}));
        QCOMPARE(fields(4), (QStringList{"SEQ/ACK analysis", "  iRTT = 0.002000 s", "  Bytes in flight = 100",
                                         "  Window size scaling factor = -2 (no window scaling used)",
                                         "  Calculated window size = 65535"}));
        QCOMPARE(fields(8), (QStringList{"SEQ/ACK analysis", "  iRTT = 0.002000 s",
                                         "  Window size scaling factor = -2 (no window scaling used)",
                                         "  Calculated window size = 65535", "  TCP Analysis Flags",
                                         "    Retransmission = This frame is a (suspected) retransmission",
                                         "    Spurious retransmission = This frame is a (suspected) spurious retransmission"}));
        // under the frame's TCP layer, after its header fields, before its payload
        LayerTree tree;
        tree.root.children.push_back(fieldNode("ipv4", FieldNode::Type::Layer));
        FieldNode& tcpLayer = tree.root.children[0].children.emplace_back(fieldNode("tcp", FieldNode::Type::Layer));
        tcpLayer.children = {numberField("srcport", 51000), fieldNode("payload", FieldNode::Type::Layer)};
        addFrameAnalysisFields(tree.root, store, 5);
        QStringList names;
        for (const FieldNode& child : tcpLayer.children)
            names << QString::fromStdString(child.name);
        QCOMPARE(names, (QStringList{"srcport", "SEQ/ACK analysis", "payload"}));

        // warnings and notes have colours of their own, on every cell of the row
        const QVariant note = model.index(5, FrameTableModel::Number).data(Qt::BackgroundRole);
        const QVariant warning = model.index(6, FrameTableModel::Seq).data(Qt::BackgroundRole);
        QVERIFY(note.canConvert<QColor>() && warning.canConvert<QColor>());
        QVERIFY(note != warning);
        QCOMPARE(model.index(7, FrameTableModel::Flow).data(Qt::BackgroundRole), note);
        QVERIFY(!model.index(4, FrameTableModel::Number).data(Qt::BackgroundRole).isValid());

        // sorted by analysis, gravest first
        model.sort(FrameTableModel::Analysis, Qt::DescendingOrder);
        QCOMPARE(model.frameAt(0), 7u);

        // the flows' figures
        QCOMPARE(store.flows[0].analysis.retransmissions, 1u);
        QCOMPARE(store.flows[0].analysis.lostSegments, 1u);
        QCOMPARE(store.flows[1].analysis.duplicateAcks, 1u);
        QCOMPARE(store.flows[0].analysis.handshakeRttNs, int64_t(2'000'000));
        QCOMPARE(store.flows[1].analysis.handshakeRttNs, int64_t(2'000'000));
        QCOMPARE(store.flows[0].analysis.rttSamples, 2u); // the SYN, frame 4
    }

    /// Win size is the window as the receiver reads it: shifted by the sender's window scale
    /// from its SYN, except in the SYN itself (Wireshark's calculated window size).
    void windowSizeIsScaled()
    {
        CaptureSpec spec;
        auto add = [&spec](bool fromA, uint8_t flags, uint32_t seq, uint32_t ack, int scale) {
            TcpSpec t;
            t.srcPort = fromA ? 51000 : 80;
            t.dstPort = fromA ? 80 : 51000;
            t.flags = flags;
            t.seq = seq;
            t.ack = ack;
            t.window = 100;
            t.dataOffset = scale >= 0 ? 6 : 5;
            Bytes segment = tcp(t);
            if (scale >= 0) { // the window scale option, then a NOP
                const uint8_t option[4] = {3, 3, uint8_t(scale), 1};
                std::copy(option, option + 4, segment.begin() + 20);
            }
            spec.add(ethernet(0x0800, ipv4(fromA ? "10.1.1.1" : "10.2.2.2", fromA ? "10.2.2.2" : "10.1.1.1", 6, segment)),
                     1000 + int(spec.frames.size()));
        };
        add(true, TcpFlag::SYN, 1000, 0, 3);
        add(false, TcpFlag::SYN | TcpFlag::ACK, 5000, 1001, 1);
        add(true, TcpFlag::ACK, 1001, 5001, -1);
        add(false, TcpFlag::ACK, 5001, 1001, -1);
        CaptureStore store;
        load(store, batchesOf(spec, 0));
        FrameTableModel model;
        model.setFlows(&store, {0, 1});
        QStringList sizes;
        for (int r = 0; r < model.rowCount(); ++r)
            sizes << model.index(r, FrameTableModel::Window).data().toString() + "/" +
                         model.index(r, FrameTableModel::WindowSize).data().toString();
        QCOMPARE(sizes, (QStringList{"100/100", "100/100", "100/800", "100/200"}));
    }

    /// The frames of a flow selected while loading, its other direction arriving later: the
    /// numbers count from the bases of the whole connection, not of what was there when the
    /// rows were first shown.
    void relativeNumbersFollowTheLoad()
    {
        const QList<Segment> handshake = {{true, TcpFlag::SYN, 356838981, 0, 0},
                                          {false, TcpFlag::SYN | TcpFlag::ACK, 2861508787, 356838982, 0},
                                          {true, TcpFlag::ACK, 356838982, 2861508788, 0}};
        const std::vector<LoadBatch> batches = batchesOf(connection(handshake), 1);
        CaptureStore store;
        FrameTableModel model;
        store.apply(batches[0]);
        model.setFlows(&store, {0});
        QCOMPARE(sequenceColumns(model), (QStringList{"SYN|0|356838981||0"})); // the view paints it
        for (size_t b = 1; b < batches.size(); ++b) {
            store.apply(batches[b]);
            model.appendBatch(batches[b]);
        }
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(sequenceColumns(model), (QStringList{"SYN|0|356838981||0", "ACK|1|356838982|1|2861508788"}));
        // selected again, the rows have the right bases
        model.setFlows(&store, {0});
        QCOMPARE(sequenceColumns(model), (QStringList{"SYN|0|356838981||0", "ACK|1|356838982|1|2861508788"}));
    }

    /// The frames of a big selection (found a slice at a time): every frame of the flows, each
    /// with its place in its flow; a new selection replaces the one before, and a sort asked
    /// for meanwhile applies when the frames are all there.
    void aBigSelectionComesWholeAndSorted()
    {
        // 3 flows, 900,000 frames: flow f holds every frame n with n % 3 == f (made here, not
        // traced: only the store's frame-to-flow index and the packet lists matter)
        CaptureStore store;
        for (uint32_t f = 0; f < 3; ++f)
            store.flows.emplace_back();
        const uint32_t frames = 900'000;
        for (uint32_t n = 1; n <= frames; ++n) {
            FrameRecord record;
            record.timeNs = int64_t(n) * 1000;
            record.capturedLength = record.originalLength = 60;
            store.frames.push_back(record);
            store.framePackets.push_back(FlowPacket::kNone);
            FlowPacket p;
            p.frame = p.seq = n;
            p.flow = n % 3;
            store.addPacket(p);
        }
        FrameTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy ready(&model, &FrameTableModel::framesReady);
        QSignalSpy sorted(&model, &FrameTableModel::sortingFinished);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        model.setFlows(&store, {0, 2});
        model.setFlows(&store, {1, 2}); // before the first one's scan ends
        model.sort(FrameTableModel::Number, Qt::DescendingOrder); // waits for the scan
        // (the first scan ends at once on a fast machine, or is dropped unfinished); more rows
        // than kRowsSortedAtOnce: the sort ends on a later turn of the event loop
        QTRY_VERIFY(!model.isScanning());
        QVERIFY(ready.size() == 1 || ready.size() == 2);
        QVERIFY(model.rowCount() > int(FrameTableModel::kRowsSortedAtOnce));
        QTRY_COMPARE(sorted.size(), 1);
        QVERIFY(!model.isSorting());
        QCOMPARE(model.rowCount(), int(frames / 3 * 2));
        QVERIFY(inserted.size() >= 1);
        // every frame of flows 1 and 2, newest first, each with its place in its flow
        uint32_t previous = UINT32_MAX;
        for (int r = 0; r < model.rowCount(); ++r) {
            const uint32_t n = model.frameAt(r);
            QVERIFY(n < previous);
            QVERIFY(n % 3 != 0);
            QCOMPARE(model.flowAt(r), n % 3);
            previous = n;
        }
        QCOMPARE(model.index(model.rowCount() - 1, FrameTableModel::RawSeq).data().toString(), "1");
        QCOMPARE(model.rowOfFrame(3), -1); // flow 0's

        // a big sort on the worker keeps the current row on its frame, and rows stay put
        // until it ends
        QItemSelectionModel selection(&model);
        selection.setCurrentIndex(model.index(5, 0), QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        const uint32_t current = model.frameAt(5);
        model.sort(-1);
        QVERIFY(model.isSorting());
        QCOMPARE(model.frameAt(5), current);
        QTRY_COMPARE(sorted.size(), 2);
        QCOMPARE(model.frameAt(0), 1u);
        QCOMPARE(model.frameAt(model.rowCount() - 1), frames - 1);
        QCOMPARE(model.frameAt(selection.currentIndex().row()), current);
        QCOMPARE(selection.selectedRows().size(), 1);
        QCOMPARE(model.rowOfFrame(current), selection.currentIndex().row());
    }
};

QTEST_MAIN(TestFrameTableModel)
#include "tst_frametablemodel.moc"
