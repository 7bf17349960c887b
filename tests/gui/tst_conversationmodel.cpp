// The flow table's Conversations mode: ConversationModel under QAbstractItemModelTester while
// a capture loads batch by batch, its rows and columns, the flow table's filter choosing its
// conversations, its sort keeping the current row, and the main window's mode switch, where a
// selected conversation stands for its flows.

#include "CaptureBuilder.h"
#include "LoadBatches.h"
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

void load(FlowTableModel& flows, const std::vector<LoadBatch>& batches)
{
    flows.reset("c.pcap", 1, false, 65535);
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
        flows.reset("d.pcap", 1, false, 65535);
        QCOMPARE(model.rowCount(), 0);
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
        QVERIFY(loaded.wait(10000));
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
