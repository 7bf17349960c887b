// The flow table's Conversations mode: ConversationModel under QAbstractItemModelTester while
// a capture loads batch by batch, its rows and columns, the flow table's filter choosing its
// conversations, its sort keeping the current row, and the main window's mode switch, where a
// selected conversation stands for its flows.

#include "CaptureBuilder.h"
#include "LoadBatches.h"
#include "Waits.h"
#include "PacketBuilder.h"

#include "ConversationModel.h"
#include "DetailsPane.h"
#include "FlowTableModel.h"
#include "FrameTableModel.h"
#include "MainWindow.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QItemSelectionModel>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTextBrowser>
#include <QTest>
#include <QTreeView>

using namespace fi;
using namespace fi::test;

namespace {

/// `count` connections from 10.0.0.c:(2000 + c) to 10.0.1.1:80, interleaved: SYN, SYN/ACK,
/// then `rounds` request (10 bytes) and response (100 * (c + 1) bytes), then the client's FIN.
CaptureSpec twoWay(int count, int rounds)
{
    CaptureSpec spec;
    auto add = [&](int c, bool fromClient, uint8_t flags, size_t payload, int step) {
        TcpSpec s;
        s.srcPort = uint16_t(fromClient ? 2000 + c : 80);
        s.dstPort = uint16_t(fromClient ? 80 : 2000 + c);
        s.flags = flags;
        s.payload = payload;
        const std::string client = "10.0.0." + std::to_string(c);
        spec.add(tcpOverIpv4(fromClient ? client : "10.0.1.1", fromClient ? "10.0.1.1" : client, s), 1000 + step,
                 uint32_t(c) * 10);
    };
    for (int c = 0; c < count; ++c)
        add(c, true, TcpFlag::SYN, 0, 0);
    for (int c = 0; c < count; ++c)
        add(c, false, TcpFlag::SYN | TcpFlag::ACK, 0, 0);
    for (int r = 1; r <= rounds; ++r)
        for (int c = 0; c < count; ++c) {
            add(c, true, TcpFlag::ACK, 10, r);
            add(c, false, TcpFlag::ACK, size_t(100 * (c + 1)), r);
        }
    for (int c = 0; c < count; ++c)
        add(c, true, TcpFlag::FIN | TcpFlag::ACK, 0, rounds + 1);
    return spec;
}

/// Two connections, frames 1 ms apart: 10.0.0.1:2001 ⇄ 10.0.1.1:80 clean (a request and its
/// ACK), then 10.0.0.2:2002 ⇄ 10.0.1.1:80 where TCP struggled: after the handshake 100 bytes
/// and their ACK, that ACK again, 100 bytes after 100 never captured, the first 100 again.
CaptureSpec struggling()
{
    CaptureSpec spec;
    auto add = [&](int client, bool fromClient, uint8_t flags, uint32_t seq, uint32_t ack, size_t payload) {
        TcpSpec s;
        s.srcPort = uint16_t(fromClient ? 2000 + client : 80);
        s.dstPort = uint16_t(fromClient ? 80 : 2000 + client);
        s.flags = flags;
        s.seq = seq;
        s.ack = ack;
        s.payload = payload;
        const std::string host = "10.0.0." + std::to_string(client);
        spec.add(tcpOverIpv4(fromClient ? host : "10.0.1.1", fromClient ? "10.0.1.1" : host, s), 1000,
                 uint32_t(spec.frames.size()) * 1000);
    };
    const uint8_t syn = TcpFlag::SYN, synAck = TcpFlag::SYN | TcpFlag::ACK, ack = TcpFlag::ACK;
    add(1, true, syn, 1000, 0, 0);
    add(1, false, synAck, 5000, 1001, 0);
    add(1, true, ack, 1001, 5001, 10);
    add(1, false, ack, 5001, 1011, 0);
    add(2, true, syn, 1000, 0, 0);
    add(2, false, synAck, 5000, 1001, 0);
    add(2, true, ack, 1001, 5001, 0);
    add(2, true, ack, 1001, 5001, 100);
    add(2, false, ack, 5001, 1101, 0);
    add(2, false, ack, 5001, 1101, 0);  // duplicate ACK
    add(2, true, ack, 1201, 5001, 100); // previous segment not captured
    add(2, true, ack, 1001, 5001, 100); // retransmission
    return spec;
}

void load(FlowTableModel& flows, const std::vector<LoadBatch>& batches)
{
    flows.reset("c.pcap", fi::CaptureLayout::ofFile("c.pcap", false, 1, 65535));
    for (const LoadBatch& b : batches)
        flows.applyBatch(b);
    flows.finishLoading();
}

/// A flow table and its conversations under the model tester, loaded with `batches`.
struct Loaded
{
    FlowTableModel flows;
    ConversationModel model{&flows};
    QAbstractItemModelTester tester{&model, QAbstractItemModelTester::FailureReportingMode::QtTest};

    explicit Loaded(const std::vector<LoadBatch>& batches) { load(flows, batches); }
};

QStringList columnOf(const QAbstractItemModel& model, int column, const QModelIndex& parent = {})
{
    QStringList out;
    for (int r = 0; r < model.rowCount(parent); ++r)
        out << model.index(r, column, parent).data().toString();
    return out;
}

} // namespace

class TestConversationModel : public QObject
{
    Q_OBJECT

private slots:
    void followsALoadUnderTheTester()
    {
        Loaded loaded(batchesOf(twoWay(5, 2), 3)); // the tester watches the load batch by batch
        FlowTableModel& flows = loaded.flows;
        ConversationModel& model = loaded.model;
        QCOMPARE(model.rowCount(), 5);
        for (int r = 0; r < 5; ++r)
            QCOMPARE(model.rowCount(model.index(r, 0)), 2);
        const QModelIndex first = model.index(0, 0);
        QCOMPARE(first.data().toString(), QStringLiteral("10.0.0.0:2000 \u21c4 10.0.1.1:80"));
        auto text = [&](int column) { return model.index(0, column).data().toString(); };
        QCOMPARE(text(ConversationModel::Client), QStringLiteral("10.0.0.0:2000"));
        QCOMPARE(text(ConversationModel::Server), QStringLiteral("10.0.1.1:80"));
        QCOMPARE(text(ConversationModel::ClientPackets), QStringLiteral("4"));
        QCOMPARE(text(ConversationModel::ServerPackets), QStringLiteral("3"));
        QCOMPARE(text(ConversationModel::ServerBytes), QStringLiteral("%1").arg(QLocale().toString(54 + 2 * 154)));
        QCOMPARE(text(ConversationModel::State), QStringLiteral("half-closed"));
        QCOMPARE(text(ConversationModel::Flows), QStringLiteral("2"));
        QCOMPARE(columnOf(model, ConversationModel::Conversation, first),
                 (QStringList{"10.0.0.0_2000-10.0.1.1_80-1000.0", "10.0.1.1_80-10.0.0.0_2000-1000.0"}));
        std::vector<uint32_t> flowsOfRow;
        model.appendFlowsOf(first, flowsOfRow);
        QCOMPARE(flowsOfRow.size(), size_t(2));
        QCOMPARE(model.flowOf(model.index(1, 0, first)), std::optional<uint32_t>(flowsOfRow[1]));

        // a new capture empties it
        flows.reset("d.pcap", fi::CaptureLayout::ofFile("d.pcap", false, 1, 65535));
        QCOMPARE(model.rowCount(), 0);
    }

    void analysisColumnsCoverBothDirections_data()
    {
        QTest::addColumn<int>("framesPerBatch");
        for (int n : {1, 4, 0}) // (0: all in one)
            QTest::newRow(qPrintable(QStringLiteral("%1 frames a batch").arg(n))) << n;
    }
    /// Each TCP analysis figure of the flow table is a column over both directions, sortable.
    void analysisColumnsCoverBothDirections()
    {
        QFETCH(int, framesPerBatch);
        Loaded loaded(batchesOf(struggling(), framesPerBatch));
        ConversationModel& model = loaded.model;
        QCOMPARE(model.rowCount(), 2);
        const int row = model.index(0, ConversationModel::Client).data().toString() == "10.0.0.2:2002" ? 0 : 1;
        auto texts = [&](int r, const QModelIndex& parent = {}) {
            QStringList out;
            for (int c = ConversationModel::Retransmissions; c < ConversationModel::ColumnCount; ++c)
                out << model.index(r, c, parent).data().toString();
            return out;
        };
        // throughput: the frame bytes of both directions over the conversation's 7 ms
        const FlowTableModel& flows = loaded.flows;
        const std::vector<uint32_t> flowIds = [&] {
            std::vector<uint32_t> out;
            model.appendFlowsOf(model.index(row, 0), out);
            return out;
        }();
        uint64_t bytes = 0;
        for (uint32_t f : flowIds)
            bytes += flows.store().flows[f].stats.bytes;
        const QString throughput = QString::number(qint64(double(bytes) * 1e9 / 7e6));
        QCOMPARE(texts(row), (QStringList{"1", "100", "0", "1", "1", "0", "0.002000", "0.001000", "0.001000",
                                          "0.001000", "100", throughput, "S1", "ShADaT"}));
        // a flow row shows its own: the client's direction sent the retransmission, the
        // server's the duplicate ACK
        const QModelIndex parent = model.index(row, 0);
        const int clientRow = model.index(0, ConversationModel::Client, parent).data().toString().isEmpty() ? 1 : 0;
        QCOMPARE(texts(clientRow, parent).mid(0, 5), (QStringList{"1", "100", "0", "1", "0"}));
        QCOMPARE(texts(1 - clientRow, parent).mid(0, 5), (QStringList{"0", "0", "0", "0", "1"}));
        // the connection's history and state are every flow's, whichever batch changed them
        for (int r : {clientRow, 1 - clientRow})
            QCOMPARE(texts(r, parent).mid(12), (QStringList{"S1", "ShADaT"}));
        // the clean conversation: nothing found, RTTs measured
        QCOMPARE(texts(1 - row).mid(0, 7), (QStringList{"0", "0", "0", "0", "0", "0", "0.002000"}));

        QCOMPARE(model.headerData(ConversationModel::RttMean, Qt::Horizontal).toString(), "RTT mean");
        QVERIFY(model.headerData(ConversationModel::Retransmissions, Qt::Horizontal, Qt::ToolTipRole)
                    .toString()
                    .endsWith("both directions"));
        QCOMPARE(model.index(0, ConversationModel::MaxInFlight).data(Qt::TextAlignmentRole).toInt(),
                 int(Qt::AlignRight | Qt::AlignVCenter));
        for (int column : {int(ConversationModel::Retransmissions), int(ConversationModel::DuplicateAcks),
                           int(ConversationModel::MaxInFlight)}) {
            model.sort(column, Qt::DescendingOrder);
            QCOMPARE(model.index(0, ConversationModel::Client).data().toString(), "10.0.0.2:2002");
            model.sort(column, Qt::AscendingOrder);
            QCOMPARE(model.index(0, ConversationModel::Client).data().toString(), "10.0.0.1:2001");
        }
    }

    void theFlowFilterChoosesConversations()
    {
        Loaded loaded(batchesOf(twoWay(5, 1), 0));
        FlowTableModel& flows = loaded.flows;
        ConversationModel& model = loaded.model;
        QVERIFY(flows.setFilterText("port 2003"));
        QCOMPARE(columnOf(model, ConversationModel::Client), QStringList{"10.0.0.3:2003"});
        // a filter only the server's flow matches still shows the conversation, with both flows
        QVERIFY(flows.setFilterText("src port 80 and dst port 2001"));
        QCOMPARE(columnOf(model, ConversationModel::Client), QStringList{"10.0.0.1:2001"});
        QCOMPARE(model.rowCount(model.index(0, 0)), 2);
        QVERIFY(flows.setFilterText(""));
        QCOMPARE(model.rowCount(), 5);
    }

    void sortsAndKeepsTheCurrentRow()
    {
        Loaded loaded(batchesOf(twoWay(4, 1), 0));
        ConversationModel& model = loaded.model;
        QItemSelectionModel selection(&model);
        selection.setCurrentIndex(model.index(1, 0), QItemSelectionModel::ClearAndSelect);
        model.sort(ConversationModel::ServerBytes, Qt::DescendingOrder);
        QCOMPARE(columnOf(model, ConversationModel::Client),
                 (QStringList{"10.0.0.3:2003", "10.0.0.2:2002", "10.0.0.1:2001", "10.0.0.0:2000"}));
        QCOMPARE(selection.currentIndex().data(ConversationModel::ConversationRole).toUInt(), 1u);
        QCOMPARE(selection.currentIndex().row(), 2);
        model.sort(ConversationModel::Client, Qt::AscendingOrder);
        QCOMPARE(columnOf(model, ConversationModel::Client),
                 (QStringList{"10.0.0.0:2000", "10.0.0.1:2001", "10.0.0.2:2002", "10.0.0.3:2003"}));
        model.sort(-1);
        QCOMPARE(model.index(0, 0).data(ConversationModel::ConversationRole).toUInt(), 0u);
    }

    void mainWindowSelectsConversationsAsTheirFlows()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("two-way.pcap");
        writeFile(path, pcapFile(twoWay(3, 2)));
        MainWindow window;
        window.resize(1024, 700);
        window.show();
        QSignalSpy loaded(&window, &MainWindow::loadFinished);
        window.openCapture(path);
        QVERIFY2(loaded.wait(kWorkerTimeoutMs), "the capture did not load");
        QCOMPARE(window.flowView()->model(), window.flowModel());
        window.modeBox()->setCurrentIndex(1);
        QVERIFY(window.conversationsMode());
        QCOMPARE(window.flowView()->model(), window.conversationModel());
        QTreeView* view = window.flowView();
        view->selectionModel()->setCurrentIndex(view->model()->index(1, 0), QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        std::vector<uint32_t> selected = window.selectedFlows();
        std::sort(selected.begin(), selected.end());
        std::vector<uint32_t> both;
        window.conversationModel()->appendFlowsOf(view->model()->index(1, 0), both);
        QCOMPARE(selected, both);
        QTRY_COMPARE(window.frameModel()->rowCount(), 4 + 3); // the client's 4 frames and the server's 3
        // the details sum it up
        const QString summary = window.details()->flowSummary()->toPlainText();
        QVERIFY2(summary.contains("10.0.0.1:2001 \u21c4 10.0.1.1:80") && summary.contains("half-closed") &&
                     summary.contains("10.0.1.1_80-10.0.0.1_2001-"),
                 qPrintable(summary));
        // one flow of it
        const QModelIndex child = view->model()->index(1, 0, view->model()->index(1, 0));
        view->selectionModel()->setCurrentIndex(child, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        QCOMPARE(window.selectedFlows(), std::vector<uint32_t>{both[1]});
        QTRY_COMPARE(window.frameModel()->rowCount(), 3);
        // and back: the flows, as they were
        window.modeBox()->setCurrentIndex(0);
        QVERIFY(!window.conversationsMode());
        QCOMPARE(view->model()->rowCount(), 6);
    }
};

QTEST_MAIN(TestConversationModel)
#include "tst_conversationmodel.moc"
