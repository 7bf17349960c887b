// The main window as a person uses it: open a capture through the same code path as
// File > Open, see exactly the CLI's flows, select a frame (details and bytes), filter,
// cancel, and get clear errors.

#include "CaptureBuilder.h"
#include "Compressor.h"
#include "TestPaths.h"
#include "Waits.h"

#include "DetailsPane.h"
#include "ExportController.h"
#include "FieldTreeModel.h"
#include "FlowTableModel.h"
#include "FollowStreamPane.h"
#include "FrameTableModel.h"
#include "HexView.h"
#include "FlowPlot.h"
#include "CaptureLoader.h"
#include "MainWindow.h"
#include "StreamDocument.h"

#include <qcustomplot.h>

#include <functional>
#include <QComboBox>
#include <QDialog>
#include <QDir>
#include <QElapsedTimer>
#include <QLabel>
#include <QPushButton>
#include <QTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QProcess>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>
#include <QTableView>
#include <QTreeView>
#include <QHeaderView>
#include <QSplitter>

using namespace fi;
using namespace fi::test;

namespace {

QString demoCapture()
{
    return sourceDir() + QStringLiteral("/resources/demo/demo.pcapng");
}

LoadResult openAndWait(MainWindow& w, const QString& path)
{
    QSignalSpy done(&w, &MainWindow::loadFinished);
    w.openCapture(path);
    if (done.wait(kWorkerTimeoutMs))
        return done.front().front().value<LoadResult>();
    QTest::qFail(qPrintable("loading " + path + " did not finish"), __FILE__, __LINE__);
    LoadResult none; // (not a load that ended)
    none.summary.end = TraceSummary::End::Cancelled;
    return none;
}

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName("FlowInspectorTest");
        QCoreApplication::setApplicationName("tst_mainwindow");
        QSettings().clear();
        qRegisterMetaType<LoadResult>("LoadResult");
    }

    void accessibleNames()
    {
        MainWindow w;
        for (const char* name : {"Flows", "Frames of the selected flows", "Frame details", "Bytes", "Filter"}) {
            bool found = false;
            for (QWidget* child : w.findChildren<QWidget*>())
                found = found || child->accessibleName() == QLatin1String(name);
            QVERIFY2(found, name);
        }
    }

    /// The default layout (no saved settings): at 1600x1000 the flow table shows every column
    /// from the label to the state without scrolling, at 1024x700 the label to the packets;
    /// no pane is collapsed at either.
    void defaultLayoutShowsWhatMatters_data()
    {
        QTest::addColumn<QSize>("size");
        QTest::addColumn<int>("lastWhole"); ///< the last flow column seen whole
        QTest::newRow("1600x1000") << QSize(1600, 1000) << int(FlowTableModel::State);
        QTest::newRow("1024x700") << QSize(1024, 700) << int(FlowTableModel::Packets);
    }
    void defaultLayoutShowsWhatMatters()
    {
        QFETCH(QSize, size);
        QFETCH(int, lastWhole);
        QSettings().clear();
        MainWindow w;
        w.resize(size);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QCOMPARE(openAndWait(w, demoCapture()).summary.flows, size_t(29));
        QTreeView* view = w.flowView();
        const int visible = view->viewport()->width();
        for (int c = FlowTableModel::Label; c <= lastWhole; ++c) {
            const int right = view->header()->sectionViewportPosition(c) + view->header()->sectionSize(c);
            QVERIFY2(!view->header()->isSectionHidden(c) && view->header()->sectionSize(c) > 20 && right <= visible,
                     qPrintable(QString("column %1 ends at %2 of %3").arg(c).arg(right).arg(visible)));
        }
        for (QSplitter* splitter : w.findChildren<QSplitter*>())
            for (int s : splitter->isVisible() ? splitter->sizes() : QList<int>()) // (a frame's pane: once one is chosen)
                QVERIFY2(s > 50, qPrintable(splitter->objectName() + " has a pane of " + QString::number(s)));
        for (QWidget* pane : std::initializer_list<QWidget*>{view, w.frameView(), w.plot(), w.details()})
            QVERIFY(pane->isVisible() && pane->width() > 200 && pane->height() > 100);
    }

    void treeHoldsExactlyTheCliFlows()
    {
        MainWindow w;
        w.show();
        const LoadResult r = openAndWait(w, demoCapture());
        QCOMPARE(r.summary.end, TraceSummary::End::Complete);
        QVERIFY(w.windowTitle().startsWith("demo.pcapng"));
        QVERIFY2(w.statusText().contains("29 flows"), qPrintable(w.statusText()));

        QProcess cli;
        cli.start(cliPath(), {"index", demoCapture()});
        QVERIFY2(cli.waitForFinished(kWorkerTimeoutMs), "flowinspector-cli index did not finish");
        const QJsonArray flows = QJsonDocument::fromJson(cli.readAllStandardOutput()).object()["flows"].toArray();
        QVERIFY(flows.size() > 20);
        QMap<QString, int> expected, actual;
        for (const QJsonValue& f : flows)
            expected[f["label"].toString()] = int(f["frames"].toArray().size());
        const QAbstractItemModel* model = w.flowView()->model();
        for (int r2 = 0; r2 < model->rowCount(); ++r2)
            actual[model->index(r2, FlowTableModel::Label).data().toString()] =
                model->index(r2, FlowTableModel::Packets).data().toInt();
        QCOMPARE(actual, expected);
    }

    /// Several files opened together are one capture set: its flows span the files, the title
    /// names the set, and a frame's details say which file it came from.
    void aCaptureSetLoadsAsOneCapture()
    {
        CaptureSpec a, b;
        TcpSpec out, back;
        back.srcPort = 80;
        back.dstPort = 1234;
        for (int i = 0; i < 3; ++i) {
            a.add(tcpOverIpv4("192.0.2.1", "192.0.2.2", out), 1000 + 2 * i);
            b.add(tcpOverIpv4("192.0.2.2", "192.0.2.1", back), 1001 + 2 * i);
        }
        QTemporaryDir dir;
        const QString pa = dir.filePath("part1.pcap"), pb = dir.filePath("part2.pcap.gz");
        writeFile(pa, pcapFile(a));
        writeFile(pb, compressed(pcapFile(b), Packing::Gzip));
        MainWindow w;
        w.show();
        QSignalSpy done(&w, &MainWindow::loadFinished);
        w.openCaptures({pa, pb});
        QVERIFY2(done.wait(kWorkerTimeoutMs), "the load did not finish");
        const LoadResult r = done.front().front().value<LoadResult>();
        QCOMPARE(r.summary.end, TraceSummary::End::Complete);
        QCOMPARE(r.summary.framesRead, 6u);
        QCOMPARE(r.summary.flows, size_t(2));
        QVERIFY2(w.windowTitle().startsWith("part1.pcap and 1 more file"), qPrintable(w.windowTitle()));
        QTreeView* view = w.flowView();
        view->setCurrentIndex(view->model()->index(0, 0));
        QTableView* frames = w.frameView();
        QTRY_COMPARE(frames->model()->rowCount(), 3);
        QCOMPARE(frames->model()->index(1, FrameTableModel::Number).data().toString(), "3"); // numbered across files
        frames->setCurrentIndex(frames->model()->index(1, 0));
        const QAbstractItemModel* fields = w.details()->fieldView()->model();
        QTRY_VERIFY(fields->rowCount() > 0);
        const QModelIndexList file = fields->match(fields->index(0, 1, fields->index(0, 0)), Qt::DisplayRole, pa, 1,
                                                   Qt::MatchExactly);
        QVERIFY2(!file.isEmpty(), "the Capture group names the frame's file");
    }

    /// A pcapng file whose interfaces have different link types (libpcap refuses it past its
    /// first): every flow loads, and a frame's details say which interface captured it and
    /// decode it by that interface's link type.
    void framesOfSeveralLinkTypesShowTheirInterface()
    {
        MainWindow w;
        w.show();
        const QString path = sourceDir() + QStringLiteral("/tests/conformance/merged/three-link-types.pcapng");
        const LoadResult r = openAndWait(w, path);
        QCOMPARE(r.summary.end, TraceSummary::End::Complete);
        QCOMPARE(r.summary.flows, size_t(7));
        QCOMPARE(r.summary.skipped, 0u);
        QTreeView* view = w.flowView();
        const QModelIndexList sll = view->model()->match(view->model()->index(0, FlowTableModel::Label), Qt::DisplayRole,
                                                         "10.0.1.1_10000", 1, Qt::MatchStartsWith);
        QCOMPARE(sll.size(), 1);
        view->setCurrentIndex(sll.front());
        QTableView* frames = w.frameView();
        QTRY_VERIFY(frames->model()->rowCount() > 0);
        frames->setCurrentIndex(frames->model()->index(0, 0));
        const QAbstractItemModel* fields = w.details()->fieldView()->model();
        // every row's texts, one line each: `name | value`
        std::function<QString(const QModelIndex&)> text = [&](const QModelIndex& parent) {
            QString out;
            for (int r2 = 0; r2 < fields->rowCount(parent); ++r2) {
                const QModelIndex row = fields->index(r2, 0, parent);
                for (int c = 0; c < fields->columnCount(parent); ++c)
                    out += row.siblingAtColumn(c).data().toString() + " | ";
                out += '\n' + text(row);
            }
            return out;
        };
        QTRY_VERIFY(text({}).contains("Linux SLL")); // decoded by its interface's link type
        const QString shown = text({});
        QVERIFY2(shown.contains("113 (Linux cooked (SLL))"), qPrintable(shown));
        QVERIFY2(shown.contains("(id 2 of section 0)"), qPrintable(shown));
        QVERIFY2(shown.contains("TCP"), qPrintable(shown));
    }

    void selectingAFrameFillsDetailsAndBytes()
    {
        CaptureSpec spec;
        TcpSpec s;
        s.flags = TcpFlag::SYN;
        s.payload = 5;
        spec.add(tcpOverIpv4("192.0.2.1", "192.0.2.2", s), 1000, 1);
        spec.add(tcpOverIpv4("192.0.2.1", "192.0.2.2", s), 1000, 2);
        QTemporaryDir dir;
        const QString path = dir.filePath("one.pcapng");
        writeFile(path, pcapngFile(spec));

        MainWindow w;
        w.show();
        QCOMPARE(openAndWait(w, path).summary.end, TraceSummary::End::Complete);
        QTreeView* view = w.flowView();
        const QModelIndex flow = view->model()->index(0, 0);
        view->setCurrentIndex(flow);
        QCOMPARE(w.details()->currentWidget(), w.details()->flowSummary());
        // the summary lists the flow table's columns with the table's texts
        const QString summary = w.details()->flowSummary()->toPlainText();
        QVERIFY2(summary.contains("Source\n192.0.2.1\n"), qPrintable(summary));
        QVERIFY2(summary.contains("Src port\n1234\n"), qPrintable(summary));
        for (int c = FlowTableModel::Label + 1; c < FlowTableModel::ColumnCount; ++c)
            QVERIFY2(summary.contains(view->model()->headerData(c, Qt::Horizontal).toString() + "\n" +
                                      flow.siblingAtColumn(c).data().toString()),
                     qPrintable(summary));

        // the flow's frames fill the frames table, one row each, in capture order
        QTableView* frames = w.frameView();
        QTRY_COMPARE(frames->model()->rowCount(), 2);
        QCOMPARE(frames->model()->index(0, FrameTableModel::Number).data().toString(), "1");
        QCOMPARE(frames->model()->index(1, FrameTableModel::Number).data().toString(), "2");
        QCOMPARE(frames->model()->index(1, FrameTableModel::Flags).data().toString(), "SYN");
        QCOMPARE(frames->model()->index(1, FrameTableModel::Payload).data().toString(), "5");
        frames->setCurrentIndex(frames->model()->index(1, 0));
        HexView* hex = w.details()->hexView();
        QTRY_COMPARE(hex->bytes().size(), qsizetype(spec.frames[1].bytes.size()));
        QVERIFY(std::equal(spec.frames[1].bytes.begin(), spec.frames[1].bytes.end(),
                           reinterpret_cast<const uint8_t*>(hex->bytes().constData())));
        QVERIFY(w.details()->fieldModel()->rowCount() > 0);

        // selecting a field highlights its bytes
        QTreeView* fields = w.details()->fieldView();
        const QModelIndexList found = fields->model()->match(fields->model()->index(0, 0), Qt::DisplayRole, "IPv4", 1,
                                                             Qt::MatchStartsWith | Qt::MatchRecursive);
        QCOMPARE(found.size(), 1);
        const QModelIndex ipv4 = found.front();
        fields->setCurrentIndex(ipv4);
        QCOMPARE(hex->highlightOffset(), 14);
        QVERIFY(hex->highlightLength() >= 20);

        // clicking a byte selects the innermost field holding it: byte 26 is the IPv4 source
        QTest::mouseClick(hex->viewport(), Qt::LeftButton, Qt::NoModifier, hex->byteRect(26).center());
        QCOMPARE(fields->currentIndex().data().toString(), "src");
        QCOMPARE(fields->currentIndex().parent().data().toString(), "IPv4");
        QCOMPARE(hex->highlightOffset(), 26);
        QCOMPARE(hex->highlightLength(), 4);
    }

    void plotFollowsTheSelectionAndClicksSelectFrames()
    {
        MainWindow w;
        w.resize(1400, 900);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        openAndWait(w, demoCapture());
        QTreeView* view = w.flowView();
        QVERIFY(w.plot()->showsMessage());
        view->setCurrentIndex(view->model()->index(3, 0)); // a flow with data frames
        QTRY_COMPARE(w.plot()->flows().size(), size_t(1));
        const uint32_t flow = w.plot()->flows().front();
        QCOMPARE(w.plot()->flowGraph(0)->dataCount(),
                 int(w.flowModel()->store().flows[flow].packetCount));
        view->selectionModel()->select(view->model()->index(4, 0),
                                       QItemSelectionModel::Select | QItemSelectionModel::Rows);
        QTRY_COMPARE(w.plot()->flows().size(), size_t(2));

        // the frames table holds both flows' frames
        QTableView* frames = w.frameView();
        const auto& store = w.flowModel()->store();
        QCOMPARE(size_t(frames->model()->rowCount()),
                 size_t(store.flows[w.plot()->flows()[0]].packetCount + store.flows[w.plot()->flows()[1]].packetCount));

        // clicking a point selects its frame in the frames table and shows it
        w.plot()->plot()->replot();
        const uint32_t frame = w.flowModel()->store().lastPacketOf(flow)->frame;
        const QPoint at = w.plot()->pixelOfFrame(frame);
        QVERIFY(at.x() >= 0);
        QTest::mouseClick(w.plot()->plot(), Qt::LeftButton, Qt::NoModifier, at);
        const QModelIndex current = frames->currentIndex();
        QCOMPARE(current.data(FrameTableModel::FrameNumberRole).toUInt(), frame);
        QTRY_VERIFY(!w.details()->hexView()->bytes().isEmpty());
        QCOMPARE(w.plot()->flows().size(), size_t(2)); // the plotted flows stay
        QCOMPARE(w.plot()->markGraph()->dataCount(), 1); // and the clicked frame is marked

        // selecting a frame in the frames table marks it in the plot
        frames->setCurrentIndex(frames->model()->index(1, 0));
        const uint32_t selected = frames->currentIndex().data(FrameTableModel::FrameNumberRole).toUInt();
        QTRY_COMPARE(w.plot()->markGraph()->dataCount(), 1);
        QCOMPARE(w.plot()->frameAt(QPoint(int(w.plot()->plot()->xAxis->coordToPixel(w.plot()->markGraph()->data()->at(0)->key)),
                                          int(w.plot()->plot()->yAxis->coordToPixel(w.plot()->markGraph()->data()->at(0)->value)))),
                 selected);
    }

    /// A filter that hides the flow of the frame shown takes the frame away too: the details
    /// never show what the tables no longer hold.
    void filterHidingTheShownFrameClearsTheDetails()
    {
        MainWindow w;
        w.show();
        openAndWait(w, demoCapture());
        QTreeView* view = w.flowView();
        view->setCurrentIndex(view->model()->index(3, 0));
        const QString label = view->currentIndex().data().toString();
        QTableView* frames = w.frameView();
        QTRY_VERIFY(frames->model()->rowCount() > 1);
        frames->setCurrentIndex(frames->model()->index(1, 0));
        QTRY_VERIFY(!w.details()->hexView()->bytes().isEmpty());

        // still shown: nothing changes
        w.filterEdit()->setText(QStringLiteral("label contains \"%1\"").arg(label));
        QTRY_COMPARE(view->model()->rowCount(), 1);
        QTRY_COMPARE(frames->currentIndex().row(), 1);
        QVERIFY(!w.details()->hexView()->bytes().isEmpty());

        // hidden: the frames table, the plot and the details let go of it
        w.filterEdit()->setText(QStringLiteral("packets > 1000000"));
        QTRY_COMPARE(view->model()->rowCount(), 0);
        QTRY_COMPARE(frames->model()->rowCount(), 0);
        QTRY_VERIFY(w.details()->hexView()->bytes().isEmpty());
        QVERIFY(w.plot()->flows().empty());
    }

    /// Select all on a quarter of a million flows, as a person does before exporting: the
    /// window keeps answering (a check for freezes, not a speed goal: the figures are printed)
    /// and the plot ends up showing every flow.
    void selectAllOnAQuarterMillionFlows()
    {
        const uint32_t flows = 250'000;
        CaptureSpec spec;
        spec.frames.reserve(flows);
        for (uint32_t i = 0; i < flows; ++i) {
            TcpSpec t;
            t.srcPort = uint16_t(1024 + i % 60000);
            t.flags = TcpFlag::SYN;
            const std::string src = "10." + std::to_string(i / 60000) + ".0.1";
            spec.add(tcpOverIpv4(src, "192.0.2.1", t), 1'500'000'000 + i / 1000, (i % 1000) * 1000);
        }
        QTemporaryDir dir;
        const QString path = dir.filePath("many.pcap");
        writeFile(path, pcapFile(spec));
        spec = {};

        MainWindow w;
        w.resize(1024, 700);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QCOMPARE(openAndWait(w, path).summary.flows, size_t(flows));
        QTreeView* view = w.flowView();
        view->sortByColumn(FlowTableModel::Packets, Qt::DescendingOrder);
        QElapsedTimer clock, turn;
        clock.start();
        turn.start();
        QTest::keyClick(view, Qt::Key_A, Qt::ControlModifier);
        qint64 longest = turn.elapsed();
        while ((w.plot()->flows().size() != flows || w.plot()->isBuilding()) && clock.elapsed() < 120'000) {
            turn.start();
            QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
            longest = std::max(longest, turn.elapsed());
        }
        qInfo("select all: %u flows plotted %lld ms after Ctrl+A; longest time the GUI thread was "
              "held: %lld ms", flows, clock.elapsed(), longest);
        QCOMPARE(w.plot()->flows().size(), size_t(flows));
        QTRY_COMPARE(w.frameView()->model()->rowCount(), int(flows)); // one frame each
        QVERIFY(!w.plot()->isBuilding());
        QVERIFY2(longest < 2000, qPrintable(QString::number(longest)));
    }

    /// The capture changes on disk after it was loaded: renamed over or deleted, its frames
    /// still show the bytes loaded; cut short or rewritten in place, a frame that cannot be read
    /// as it was loaded says so in the details, naming the frame and the file, and Follow Stream
    /// names the frame and the file too, never showing other bytes.
    void aCaptureChangedOnDiskSaysSo_data()
    {
        QTest::addColumn<QString>("fault");
        QTest::addColumn<QString>("reason"); // empty: frame 4 reads as loaded
        QTest::newRow("renamed over") << "renamed over" << "";
        QTest::newRow("deleted") << "deleted" << "";
        QTest::newRow("cut short") << "cut short" << "the file was cut short since it was loaded: it now ends at byte ";
        QTest::newRow("rewritten") << "rewritten" << "the file changed since it was loaded: ";
    }
    void aCaptureChangedOnDiskSaysSo()
    {
        QFETCH(QString, fault);
        QFETCH(QString, reason);
        CaptureSpec spec, other;
        for (int i = 0; i < 4; ++i) {
            TcpSpec s;
            s.flags = i == 0 ? TcpFlag::SYN : TcpFlag::ACK;
            s.seq = uint32_t(1 + 10 * i);
            s.payload = i == 0 ? 0 : 10;
            spec.add(tcpOverIpv4("192.0.2.1", "192.0.2.2", s), 1000 + i);
            s.payload = 30;
            other.add(tcpOverIpv4("198.51.100.1", "198.51.100.2", s), 2000 + i);
        }
        QTemporaryDir dir;
        const QString path = dir.filePath("changes.pcap");
        const Bytes bytes = pcapFile(spec);
        writeFile(path, bytes);
        MainWindow w;
        w.resize(1024, 700);
        w.show();
        QCOMPARE(openAndWait(w, path).summary.end, TraceSummary::End::Complete);
        if (fault == "renamed over") {
            writeFile(path + ".new", pcapFile(other));
            QVERIFY(QFile::remove(path) && QFile::rename(path + ".new", path));
        } else if (fault == "deleted") {
            QVERIFY(QFile::remove(path));
        } else if (fault == "cut short") {
            QVERIFY(QFile::resize(path, qint64(bytes.size()) - 5)); // inside frame 4
        } else {
            writeFile(path, pcapFile(other)); // in place
        }

        QTreeView* view = w.flowView();
        view->setCurrentIndex(view->model()->index(0, 0));
        QTableView* frames = w.frameView();
        QTRY_COMPARE(frames->model()->rowCount(), 4);
        frames->setCurrentIndex(frames->model()->index(3, 0));
        HexView* hex = w.details()->hexView();
        QLabel* title = nullptr;
        for (QLabel* label : w.details()->findChildren<QLabel*>())
            if (label->text().startsWith("Frame 4"))
                title = label;
        QVERIFY(title);
        QTRY_VERIFY2_WITH_TIMEOUT(!title->text().endsWith("reading…"), "frame 4 was not read", kWorkerTimeoutMs);
        if (reason.isEmpty()) {
            QCOMPARE(hex->bytes(), QByteArray(reinterpret_cast<const char*>(spec.frames[3].bytes.data()),
                                              qsizetype(spec.frames[3].bytes.size())));
        } else {
            QVERIFY2(title->text().startsWith("Frame 4 cannot be read: " + path + ": " + reason), qPrintable(title->text()));
            QVERIFY(hex->bytes().isEmpty());
            QVERIFY2(w.width() <= 1024, "a long message widened the window"); // it wraps
        }

        QSignalSpy ready(w.followPane(), &FollowStreamPane::ready);
        w.followCurrentFlow();
        if (reason.isEmpty()) {
            QVERIFY2(ready.wait(kWorkerTimeoutMs), "the followed stream was not shown");
            QCOMPARE(w.followPane()->document()->stream()->bytes(0).size(), size_t(30));
            return;
        }
        QLabel* header = nullptr;
        QTRY_VERIFY2_WITH_TIMEOUT(
            [&] {
                for (QLabel* label : w.followPane()->findChildren<QLabel*>())
                    if (label->text().startsWith("Cannot follow"))
                        header = label;
                return header != nullptr;
            }(),
            "Follow Stream did not say why it cannot follow", kWorkerTimeoutMs);
        // (cut short: frames 1 to 3 are read, frame 4 is not; rewritten: frame 1 is not)
        const QString frame = fault == "cut short" ? "4" : "1";
        QVERIFY2(header->text().contains(": " + path + ": frame " + frame + ": " + reason), qPrintable(header->text()));
        QVERIFY(ready.isEmpty());
    }

    void aCaptureWithoutTcpSaysWhy()
    {
        CaptureSpec spec;
        spec.add(ethernet(0x0806, Bytes(28, 0)), 1'500'000'000); // ARP
        spec.add(ipv4("10.0.0.1", "10.0.0.2", 17, udp(53, 53, Bytes(12, 0))), 1'500'000'001);
        QTemporaryDir dir;
        const QString path = dir.filePath("no-tcp.pcap");
        writeFile(path, pcapFile(spec));
        MainWindow w;
        QCOMPARE(openAndWait(w, path).summary.flows, size_t(0));
        QCOMPARE(w.statusText(), "no-tcp.pcap: no TCP flows: none of its 2 frames carries TCP (0 could not be decoded)");
    }

    void ctrlEExportsTheSelectedFlows()
    {
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        openAndWait(w, demoCapture());
        QTreeView* view = w.flowView();
        view->setFocus();
        view->setCurrentIndex(view->model()->index(0, 0));
        view->selectionModel()->select(view->model()->index(1, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
        QTemporaryDir out;
        bool dialogSeen = false;
        QTimer::singleShot(0, this, [&] {
            for (QWidget* top : QApplication::topLevelWidgets()) {
                auto* dialog = qobject_cast<QDialog*>(top);
                if (!dialog || !dialog->isVisible())
                    continue;
                dialogSeen = true;
                for (auto* edit : dialog->findChildren<QLineEdit*>())
                    if (edit->accessibleName() == "Export directory")
                        edit->setText(out.path());
                for (auto* combo : dialog->findChildren<QComboBox*>())
                    if (combo->accessibleName() == "Export format")
                        combo->setCurrentIndex(combo->findText("json"));
                for (auto* button : dialog->findChildren<QPushButton*>())
                    if (button->text() == "Export")
                        button->click();
            }
        });
        QSignalSpy finished(w.exporter(), &ExportController::finished);
        QTest::keyClick(view, Qt::Key_E, Qt::ControlModifier);
        QVERIFY(dialogSeen);
        QVERIFY2(finished.wait(kWorkerTimeoutMs), "the export did not finish");
        QStringList expected;
        for (int r : {0, 1})
            expected << view->model()->index(r, 0).data().toString() + ".json";
        expected.sort();
        QCOMPARE(QDir(out.path()).entryList(QDir::Files | QDir::Hidden, QDir::Name), expected);
        bool linkShown = false;
        for (QLabel* label : w.findChildren<QLabel*>())
            linkShown = linkShown || (label->accessibleName() == "Export status" && label->text().contains("Open folder"));
        QVERIFY(linkShown);
    }

    void filterNarrowsTheRows()
    {
        MainWindow w;
        w.show();
        openAndWait(w, demoCapture());
        const int all = w.flowView()->model()->rowCount();
        QTest::keyClicks(w.filterEdit(), "8081");
        QTRY_VERIFY(w.flowView()->model()->rowCount() < all); // after the debounce
        const int narrowed = w.flowView()->model()->rowCount();
        QVERIFY(narrowed > 0);
        for (int r = 0; r < narrowed; ++r)
            QVERIFY(w.flowView()->model()->index(r, 0).data().toString().contains("8081"));
        w.filterEdit()->clear();
        QTRY_COMPARE(w.flowView()->model()->rowCount(), all);
        w.stateFilter()->setCurrentIndex(2); // closed flows
        QVERIFY(w.flowView()->model()->rowCount() < all);
    }

    /// The filter language in the window: "N of M flows" beside the box; a typo turns the box
    /// red and says why (beneath it and in its tooltip) while the rows stay those of the last
    /// filter that parsed.
    void filterErrorsAndFlowCounts()
    {
        MainWindow w;
        w.show();
        QLabel* count = nullptr;
        QLabel* error = nullptr;
        for (QLabel* label : w.findChildren<QLabel*>()) {
            if (label->accessibleName() == "Flows shown")
                count = label;
            if (label->accessibleName() == "Filter error")
                error = label;
        }
        QVERIFY(count && error);
        QVERIFY(w.filterEdit()->placeholderText().contains("host 10.0.0.1 and port 443"));
        QCOMPARE(count->text(), "0 flows");
        openAndWait(w, demoCapture());
        const QAbstractItemModel* rows = w.flowView()->model();
        const int all = rows->rowCount();
        QCOMPARE(count->text(), QString("%1 flows").arg(all));
        const QColor normalBase = w.filterEdit()->palette().color(QPalette::Base);

        QTest::keyClicks(w.filterEdit(), "tcp.port == 8080 and packets > 5");
        QTRY_VERIFY(rows->rowCount() < all);
        const int narrowed = rows->rowCount();
        QVERIFY(narrowed > 0);
        for (int r = 0; r < narrowed; ++r) {
            QVERIFY(rows->index(r, FlowTableModel::Packets).data().toInt() > 5);
            QVERIFY(rows->index(r, FlowTableModel::SourcePort).data().toInt() == 8080 ||
                    rows->index(r, FlowTableModel::DestinationPort).data().toInt() == 8080);
        }
        QCOMPARE(count->text(), QString("%1 of %2 flows").arg(narrowed).arg(all));
        QVERIFY(error->isHidden());

        w.filterEdit()->clear();
        QTest::keyClicks(w.filterEdit(), "tcp.prot == 8080");
        QTRY_VERIFY(!error->isHidden());
        QCOMPARE(error->text(), "Filter not applied: unknown field 'tcp.prot' (did you mean tcp.port?) at 0");
        QCOMPARE(w.filterEdit()->toolTip(), "unknown field 'tcp.prot' (did you mean tcp.port?) at 0");
        QVERIFY(w.filterEdit()->palette().color(QPalette::Base) != normalBase);
        QCOMPARE(rows->rowCount(), narrowed); // the last filter that parsed
        QCOMPARE(count->text(), QString("%1 of %2 flows").arg(narrowed).arg(all));

        w.filterEdit()->setText("tcp.port == 8080");
        QTRY_VERIFY(error->isHidden());
        QCOMPARE(w.filterEdit()->palette().color(QPalette::Base), normalBase);
        QVERIFY(w.filterEdit()->toolTip().contains("tcpdump"));
        QVERIFY(rows->rowCount() > narrowed);
        QCOMPARE(count->text(), QString("%1 of %2 flows").arg(rows->rowCount()).arg(all));

        w.filterEdit()->clear();
        QTRY_COMPARE(rows->rowCount(), all);
        QCOMPARE(count->text(), QString("%1 flows").arg(all));
        w.stateFilter()->setCurrentIndex(2); // closed flows
        QCOMPARE(count->text(), QString("%1 of %2 flows").arg(rows->rowCount()).arg(all));
    }

    void notACaptureShowsADialog()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("notes.txt");
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("not packets\n");
        f.close();
        MainWindow w;
        w.show();
        openAndWait(w, path);
        QMessageBox* box = nullptr;
        QTRY_VERIFY((box = w.findChild<QMessageBox*>()) != nullptr);
        QVERIFY(box->text().contains(path));
        QVERIFY(box->text().contains("not a pcap"));
        QVERIFY(w.statusText().contains("Cannot open notes.txt"));
        box->accept();
    }

    void truncatedCaptureKeepsFlowsAndSaysWhere()
    {
        CaptureSpec spec;
        for (int i = 0; i < 6; ++i)
            spec.add(tcpOverIpv4("192.0.2.1", "192.0.2.2", {}), 1000 + i);
        Bytes bytes = pcapFile(spec);
        bytes.resize(bytes.size() - 5);
        QTemporaryDir dir;
        const QString path = dir.filePath("cut.pcap");
        writeFile(path, bytes);
        MainWindow w;
        w.show();
        const LoadResult r = openAndWait(w, path);
        QCOMPARE(r.summary.end, TraceSummary::End::Truncated);
        QCOMPARE(w.flowView()->model()->rowCount(), 1);
        QVERIFY2(w.statusText().contains("after frame 5"), qPrintable(w.statusText()));
        QTRY_VERIFY(w.findChild<QMessageBox*>() != nullptr);
    }

    void escapeCancelsAndCloseDuringLoadIsClean()
    {
        CaptureSpec spec;
        for (int i = 0; i < 200000; ++i) {
            TcpSpec s;
            s.srcPort = uint16_t(1000 + i % 5000);
            spec.add(tcpOverIpv4("192.0.2.1", "192.0.2.2", s), 1000 + i);
        }
        QTemporaryDir dir;
        const QString path = dir.filePath("big.pcap");
        writeFile(path, pcapFile(spec));
        {
            MainWindow w;
            w.show();
            w.activateWindow();
            QVERIFY(QTest::qWaitForWindowActive(&w));
            QSignalSpy done(&w, &MainWindow::loadFinished);
            w.openCapture(path);
            QTest::keyClick(w.flowView(), Qt::Key_Escape);
            QVERIFY2(done.wait(kWorkerTimeoutMs), "the load did not finish");
            QCOMPARE(done.front().front().value<LoadResult>().summary.end, TraceSummary::End::Cancelled);
            QVERIFY(w.statusText().contains("cancelled"));
        }
        {
            auto* w = new MainWindow;
            w->show();
            w->openCapture(path);
            w->close();
            Watchdog watchdog("closing the window during a load");
            delete w; // must not hang or crash with the worker running
        }
        {
            // no export of flows still growing; a failed open that stopped a load clears it
            MainWindow w;
            QSignalSpy done(&w, &MainWindow::loadFinished);
            w.openCapture(path);
            QVERIFY(!w.exportAction()->isEnabled());
            QTemporaryDir other;
            const QString notes = other.filePath("notes.txt");
            writeFile(notes, Bytes{'n', 'o'});
            w.openCapture(notes);
            QVERIFY2(done.wait(kWorkerTimeoutMs), "the load did not finish");
            // nothing of the stopped load arrives late: its worker has ended, all it posted delivered
            QTRY_VERIFY2_WITH_TIMEOUT(w.findChild<CaptureLoader*>()->workerCount() == 0,
                                      "the stopped load's worker did not end", kWorkerTimeoutMs);
            QCOMPARE(done.size(), 1);
            QCOMPARE(w.flowView()->model()->rowCount(), 0);
            QVERIFY2(w.statusText().contains("loading big.pcap was stopped"), qPrintable(w.statusText()));
            QVERIFY(w.exportAction()->isEnabled());
            if (auto* box = w.findChild<QMessageBox*>())
                box->accept();
        }
        {
            // a second open during a load: only the second capture is shown
            MainWindow w;
            QSignalSpy done(&w, &MainWindow::loadFinished);
            w.openCapture(path);
            w.openCapture(demoCapture());
            QVERIFY2(done.wait(kWorkerTimeoutMs), "the load did not finish");
            // nothing of the stopped load arrives late: its worker has ended, all it posted delivered
            QTRY_VERIFY2_WITH_TIMEOUT(w.findChild<CaptureLoader*>()->workerCount() == 0,
                                      "the stopped load's worker did not end", kWorkerTimeoutMs);
            QCOMPARE(done.size(), 1);
            QVERIFY(w.windowTitle().startsWith("demo.pcapng"));
        }
    }

    void recentFilesAreRemembered()
    {
        MainWindow w;
        openAndWait(w, demoCapture());
        const QStringList recent = QSettings().value("recentFiles").toStringList();
        QVERIFY(!recent.isEmpty());
        QCOMPARE(recent.front(), QFileInfo(demoCapture()).absoluteFilePath());

        // the menu names the file and its folder, first the most recent
        emit w.recentMenu()->aboutToShow();
        const QAction* first = w.recentMenu()->actions().front();
        QVERIFY2(first->text().startsWith("&1 demo.pcapng \u2014 "), qPrintable(first->text()));
        QVERIFY2(first->text().endsWith("demo"), qPrintable(first->text())); // resources/demo
        QCOMPARE(first->toolTip(), QFileInfo(demoCapture()).absoluteFilePath());
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
