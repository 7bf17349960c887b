// Follow Stream in the desktop application: a connection's chunks laid out as lines
// (StreamDocument: ASCII, hex dump, UTF-8; both directions or one; gaps; the frame of each
// line; find), painted (StreamView: a click reports the line's frame) and followed off the GUI
// thread (FollowStreamPane: follow, layouts, save), and the main window's Follow Stream tab.

#include "CaptureBuilder.h"
#include "Waits.h"
#include "FollowStreamPane.h"
#include "MainWindow.h"
#include "FrameTableModel.h"
#include "StreamView.h"

#include "CaptureTracer.h"
#include "LoadBatchBuilder.h"
#include "TcpPacket.h"

#include <QComboBox>
#include <QFile>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>

using namespace fi;
using namespace fi::test;

namespace {

/// A client asks, the server answers in two segments, one of which was never captured (a
/// 4-byte gap), then both close.
CaptureSpec conversation()
{
    CaptureSpec spec;
    auto add = [&spec](bool fromClient, uint8_t flags, uint32_t seq, std::string data) {
        TcpSpec t;
        t.srcPort = fromClient ? 40000 : 80;
        t.dstPort = fromClient ? 80 : 40000;
        t.flags = flags;
        t.seq = seq;
        t.data = std::move(data);
        const uint32_t us = uint32_t(spec.frames.size()) * 1000;
        spec.add(tcpOverIpv4(fromClient ? "10.0.0.1" : "10.0.0.2", fromClient ? "10.0.0.2" : "10.0.0.1", t), 1000, us);
    };
    add(true, TcpFlag::SYN, 100, "");                                                  // 1
    add(false, TcpFlag::SYN | TcpFlag::ACK, 500, "");                                  // 2
    add(true, TcpFlag::ACK | TcpFlag::PSH, 101, "GET / HTTP/1.1\r\nHost:\tx\r\n\r\n"); // 3
    add(false, TcpFlag::ACK | TcpFlag::PSH, 501, "HTTP/1.1 200 OK\r\n\r\nh\xc3\xa9");  // 4
    add(false, TcpFlag::ACK | TcpFlag::PSH, 527, "end");                               // 5: 4 bytes lost before
    add(true, TcpFlag::ACK | TcpFlag::FIN, 128, "");                                   // 6
    return spec;
}

CaptureStore loaded(const QString& path)
{
    CaptureStore store;
    CaptureTracer tracer;
    if (tracer.open(path.toStdString()))
        loadCaptureStore(tracer, path.toStdString(), store);
    return store;
}

std::shared_ptr<const FollowStream> followed(const QString& path, uint32_t flow)
{
    const CaptureStore store = loaded(path);
    auto stream = std::make_shared<FollowStream>();
    std::string error;
    if (!stream->build(store, flow, error))
        return nullptr;
    return stream;
}

QStringList lines(const StreamDocument& doc)
{
    QStringList out;
    for (size_t i = 0; i < doc.lineCount(); ++i)
        out << QString::number(doc.direction(i)) + QLatin1Char('|') + QString::number(doc.frame(i)) +
                   QLatin1Char('|') + doc.text(i);
    return out;
}

} // namespace

class TestFollowStream : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_capture;

private slots:
    void initTestCase()
    {
        m_capture = m_dir.filePath("conversation.pcap");
        writeFile(m_capture, pcapFile(conversation()));
    }

    void layout_data()
    {
        QTest::addColumn<int>("format");
        QTest::addColumn<int>("shown");
        QTest::addColumn<QStringList>("expected"); ///< direction|frame|text
        using F = StreamDocument::Format;
        using S = StreamDocument::Shown;
        QTest::newRow("ascii, both") << int(F::Ascii) << int(S::Both)
                                     << QStringList{"0|3|GET / HTTP/1.1", "0|3|Host:   x", "0|3|",
                                                    "1|4|HTTP/1.1 200 OK", "1|4|", "1|4|h..",
                                                    "1|5|[4 bytes missing in capture]", "1|5|end"};
        QTest::newRow("utf-8, the server") << int(F::Utf8) << int(S::Backward)
                                           << QStringList{"1|4|HTTP/1.1 200 OK", "1|4|", "1|4|hé",
                                                          "1|5|[4 bytes missing in capture]", "1|5|end"};
        QTest::newRow("hex, the client")
            << int(F::Hex) << int(S::Forward)
            << QStringList{"0|3|00000000  47 45 54 20 2f 20 48 54  54 50 2f 31 2e 31 0d 0a  GET / HTTP/1.1..",
                           "0|3|00000010  48 6f 73 74 3a 09 78 0d  0a 0d 0a                 Host:.x...."};
    }
    void layout()
    {
        QFETCH(int, format);
        QFETCH(int, shown);
        QFETCH(QStringList, expected);
        const StreamDocument doc(followed(m_capture, 0), StreamDocument::Format(format), StreamDocument::Shown(shown));
        QCOMPARE(lines(doc), expected);
    }

    void countsAndBytes()
    {
        const StreamDocument doc(followed(m_capture, 0), StreamDocument::Format::Ascii, StreamDocument::Shown::Both);
        QCOMPARE(doc.shownBytes(), uint64_t(27 + 22 + 3));
        QCOMPARE(doc.missingBytes(), uint64_t(4));
        QCOMPARE(doc.lineOfFrame(4), std::optional<size_t>(3));
        QCOMPARE(doc.lineOfFrame(2), std::nullopt); // no payload
        QTemporaryDir dir;
        QFile file(dir.filePath("bytes"));
        QVERIFY(file.open(QIODevice::WriteOnly));
        QVERIFY(doc.writeBytes(file));
        file.close();
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), QByteArray("GET / HTTP/1.1\r\nHost:\tx\r\n\r\nHTTP/1.1 200 OK\r\n\r\nh\xc3\xa9" "end"));
    }

    void find_data()
    {
        QTest::addColumn<QByteArray>("needle");
        QTest::addColumn<qulonglong>("from"); ///< ULLONG_MAX: nothing current
        QTest::addColumn<bool>("forward");
        QTest::addColumn<int>("line");        ///< -1: not found
        QTest::addColumn<int>("offset");
        QTest::newRow("from the start, ignoring case") << QByteArray("http/1.1") << ~0ULL << true << 0 << 6;
        QTest::newRow("the next one") << QByteArray("http/1.1") << 0ULL << true << 3 << 0;
        QTest::newRow("wraps around") << QByteArray("http/1.1") << 3ULL << true << 0 << 6;
        QTest::newRow("backwards") << QByteArray("http/1.1") << 3ULL << false << 0 << 6;
        QTest::newRow("backwards from the end") << QByteArray("END") << ~0ULL << false << 7 << 0;
        QTest::newRow("not there") << QByteArray("absent") << ~0ULL << true << -1 << 0;
    }
    void find()
    {
        QFETCH(QByteArray, needle);
        QFETCH(qulonglong, from);
        QFETCH(bool, forward);
        QFETCH(int, line);
        QFETCH(int, offset);
        const StreamDocument doc(followed(m_capture, 0), StreamDocument::Format::Ascii, StreamDocument::Shown::Both);
        const auto match = doc.find(needle, size_t(from), forward);
        if (line < 0) {
            QVERIFY(!match);
            return;
        }
        QVERIFY(match);
        QCOMPARE(match->line, size_t(line));
        QCOMPARE(match->offset, uint32_t(offset));
    }

    void paneFollowsSavesAndReportsClicks()
    {
        const CaptureStore store = loaded(m_capture);
        FollowStreamPane pane;
        pane.resize(600, 400);
        pane.show();
        QSignalSpy ready(&pane, &FollowStreamPane::ready);
        pane.follow(store, 1); // the server's flow: its connection, with the server as direction 0
        QVERIFY2(ready.wait(kWorkerTimeoutMs), "the followed stream was not shown");
        QCOMPARE(pane.document()->lineCount(), size_t(8));
        QCOMPARE(pane.document()->direction(0), 1); // the client's request, the other direction
        QCOMPARE(pane.document()->text(0), QStringLiteral("GET / HTTP/1.1"));

        pane.setFormat(StreamDocument::Format::Hex);
        QVERIFY2(ready.wait(kWorkerTimeoutMs), "the followed stream was not shown");
        QCOMPARE(pane.document()->format(), StreamDocument::Format::Hex);
        pane.setShown(StreamDocument::Shown::Forward);
        QVERIFY2(ready.wait(kWorkerTimeoutMs), "the followed stream was not shown");
        QCOMPARE(pane.document()->lineCount(), size_t(4)); // 22 bytes, a gap, 3 bytes

        QSignalSpy clicked(&pane, &FollowStreamPane::frameClicked);
        StreamView* view = pane.view();
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, QPoint(20, view->lineHeight() * 3 + 2));
        QCOMPARE(clicked.count(), 1);
        QCOMPARE(clicked.front().front().toUInt(), 5u);
        QCOMPARE(view->currentLine(), std::optional<size_t>(3));

        QSignalSpy found(&pane, &FollowStreamPane::findFinished);
        pane.findEdit()->setText("200 ok");
        pane.find();
        QVERIFY2(found.wait(kWorkerTimeoutMs), "the find did not end");
        QCOMPARE(found.front().front().toBool(), true);
        QCOMPARE(view->currentLine(), std::optional<size_t>(0));

        QTemporaryDir dir;
        QSignalSpy saved(&pane, &FollowStreamPane::saveFinished);
        pane.saveTo(dir.filePath("server.bin"));
        QVERIFY2(saved.wait(kWorkerTimeoutMs), "the save did not end");
        QCOMPARE(saved.front().at(1).toString(), QString());
        QFile file(dir.filePath("server.bin"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), QByteArray("HTTP/1.1 200 OK\r\n\r\nh\xc3\xa9" "end"));

        pane.clear();
        QVERIFY(!pane.document());
        QVERIFY(!pane.followedFlow());
    }

    void aNewerFollowSupersedesAnOlderOne()
    {
        const CaptureStore store = loaded(m_capture);
        FollowStreamPane pane;
        QSignalSpy ready(&pane, &FollowStreamPane::ready);
        pane.follow(store, 0);
        pane.follow(store, 1);
        QVERIFY2(ready.wait(kWorkerTimeoutMs), "the followed stream was not shown");
        // the first follow's job has ended and whatever it posted was delivered
        QVERIFY2(drainThreadPool(), "the first follow's job did not end");
        QCOMPARE(ready.count(), 1);
        QCOMPARE(pane.followedFlow(), std::optional<uint32_t>(1));
        QCOMPARE(pane.document()->direction(0), 1);
    }

    void mainWindowFollowsTheCurrentFlowAndSelectsClickedFrames()
    {
        MainWindow window;
        window.resize(1024, 700);
        window.show();
        QSignalSpy loaded(&window, &MainWindow::loadFinished);
        window.openCapture(m_capture);
        QVERIFY2(loaded.wait(kWorkerTimeoutMs), "the capture did not load");
        QTreeView* flows = window.flowView();
        flows->setCurrentIndex(flows->model()->index(0, 0));
        QSignalSpy ready(window.followPane(), &FollowStreamPane::ready);
        window.followCurrentFlow();
        QCOMPARE(window.rightTabs()->currentWidget(), window.followPane());
        QVERIFY2(ready.wait(kWorkerTimeoutMs), "the followed stream was not shown");
        QCOMPARE(window.followPane()->followedFlow(), std::optional<uint32_t>(0));
        // the frames of the selected (client's) flow fill the frames table; a click on the
        // client's request selects its frame there
        QTRY_VERIFY(window.frameModel()->rowCount() > 0);
        StreamView* view = window.followPane()->view();
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, QPoint(20, 2));
        QTRY_COMPARE(window.frameView()->currentIndex().data(FrameTableModel::FrameNumberRole).toUInt(), 3u);
        // another current flow is followed while the tab is shown
        flows->setCurrentIndex(flows->model()->index(1, 0));
        QVERIFY2(ready.wait(kWorkerTimeoutMs), "the followed stream was not shown");
        QCOMPARE(window.followPane()->followedFlow(), std::optional<uint32_t>(1));
    }
};

QTEST_MAIN(TestFollowStream)
#include "tst_followstream.moc"
