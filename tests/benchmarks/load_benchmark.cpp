// fi-load-benchmark CAPTURE [SORT_COLUMN]: opens a capture in the real main window (offscreen,
// 1024x700, the flow table sorted by Packets unless another column is given, -1 for capture
// order) as a person does, and prints the time until the load finished, the longest time the
// GUI thread spent on one event while loading (what a person feels as a stall), and the peak
// resident memory. Compare the time with `flowinspector-cli stats CAPTURE` (run_core_benchmark.sh
// does, in the same run). Then, as a person does next, it selects every flow (Ctrl+A) and waits
// for the frames table and the plot, and sorts the frames table by payload, printing the
// longest GUI-thread event of each.

#include "ConversationModel.h"
#include "FlowPlot.h"
#include "FlowTableModel.h"
#include "FrameTableModel.h"
#include "FollowStreamPane.h"
#include "MainWindow.h"
#include "StreamView.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTest>
#include <QTableView>
#include <QTreeView>

#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>

namespace {

/// Times every event the GUI thread handles at the top level (nested event loops count as part
/// of the event that started them).
class TimedApplication final : public QApplication
{
public:
    using QApplication::QApplication;
    qint64 longestNs = 0;
    int longestType = 0;

    bool notify(QObject* receiver, QEvent* event) override
    {
        if (m_depth++ > 0) {
            const bool r = QApplication::notify(receiver, event);
            --m_depth;
            return r;
        }
        QElapsedTimer t;
        t.start();
        const int type = event->type();
        const bool r = QApplication::notify(receiver, event);
        const qint64 ns = t.nsecsElapsed();
        if (ns > longestNs) {
            longestNs = ns;
            longestType = type;
        }
        --m_depth;
        return r;
    }

private:
    int m_depth = 0;
};

} // namespace

int main(int argc, char** argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    TimedApplication app(argc, argv);
    if (argc < 2 || argc > 3) {
        std::fprintf(stderr, "usage: fi-load-benchmark CAPTURE [SORT_COLUMN]\n");
        return 2;
    }
    const int sortColumn = argc == 3 ? std::atoi(argv[2]) : int(FlowTableModel::Packets);
    MainWindow window;
    window.resize(1024, 700);
    window.show();
    window.flowView()->sortByColumn(sortColumn, Qt::DescendingOrder);
    LoadResult result;
    // Done when the load has ended and the table is in its final order (the last sort runs
    // on a worker after the load).
    QObject::connect(&window, &MainWindow::loadFinished, &app, [&](const LoadResult& r) {
        result = r;
        if (!window.flowModel()->isSorting())
            app.quit();
    });
    QObject::connect(window.flowModel(), &FlowTableModel::sortingFinished, &app, [&] {
        if (result.summary.framesRead > 0)
            app.quit();
    });
    QCoreApplication::processEvents();
    app.longestNs = 0;
    QElapsedTimer clock;
    clock.start();
    window.openCapture(QString::fromLocal8Bit(argv[1]));
    app.exec();
    const qint64 elapsed = clock.elapsed();
    if (result.summary.end != fi::TraceSummary::End::Complete) {
        std::fprintf(stderr, "fi-load-benchmark: %s: the load did not complete\n", argv[1]);
        return 1;
    }
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    std::printf("loaded %u frames, %zu flows in the main window in %lld ms (table sorted by column "
                "%d); longest GUI-thread event %.1f ms (event type %d); peak RSS %ld MiB\n",
                result.summary.framesRead, result.summary.flows, static_cast<long long>(elapsed),
                sortColumn, double(app.longestNs) / 1e6, app.longestType, usage.ru_maxrss / 1024);
    if (qEnvironmentVariableIsSet("FI_LOAD_ONLY")) // profiling the load alone
        return 0;

    // Select all, as before an export: the frames table and the plot follow.
    app.longestNs = 0;
    clock.restart();
    QTest::keyClick(window.flowView(), Qt::Key_A, Qt::ControlModifier);
    while ((window.plot()->flows().size() != result.summary.flows || window.plot()->isBuilding()) &&
           clock.elapsed() < 120'000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
    std::printf("select all: %d frames in the frames table, %zu flows plotted in %lld ms; longest GUI-thread "
                "event %.1f ms (event type %d)\n",
                window.frameModel()->rowCount(), window.plot()->flows().size(),
                static_cast<long long>(clock.elapsed()), double(app.longestNs) / 1e6, app.longestType);
    app.longestNs = 0;
    clock.restart();
    window.frameView()->sortByColumn(FrameTableModel::Payload, Qt::DescendingOrder);
    while (window.frameModel()->isSorting() && clock.elapsed() < 120'000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
    std::printf("frames table sorted by payload in %lld ms; longest GUI-thread event %.1f ms\n",
                static_cast<long long>(clock.elapsed()), double(app.longestNs) / 1e6);

    // Follow Stream on the first flow (the most packets): reassembly and layout, a hex dump of
    // it, a find that scans it all, and a jump to its end.
    FollowStreamPane* follow = window.followPane();
    auto waitFor = [&](auto done) {
        while (!done() && clock.elapsed() < 120'000)
            QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
    };
    auto report = [&](const char* what) {
        std::printf("%s in %lld ms; longest GUI-thread event %.1f ms\n", what,
                    static_cast<long long>(clock.elapsed()), double(app.longestNs) / 1e6);
        app.longestNs = 0;
        clock.restart();
    };
    window.flowView()->setCurrentIndex(window.flowModel()->index(0, 0));
    QCoreApplication::processEvents();
    app.longestNs = 0;
    clock.restart();
    window.followCurrentFlow();
    waitFor([&] { return follow->document() && !follow->isBusy(); });
    const auto doc = follow->document();
    std::printf("follow stream: %llu bytes, %zu lines; ",
                static_cast<unsigned long long>(doc ? doc->shownBytes() : 0), doc ? doc->lineCount() : 0);
    report("followed");
    follow->setFormat(StreamDocument::Format::Hex);
    waitFor([&] { return follow->document() != doc && !follow->isBusy(); });
    report("follow stream as a hex dump");
    bool found = true;
    QObject::connect(follow, &FollowStreamPane::findFinished, &app, [&](bool f) { found = f; });
    follow->findEdit()->setText(QStringLiteral("no such text in the stream"));
    QSignalSpy finished(follow, &FollowStreamPane::findFinished);
    follow->find();
    waitFor([&] { return finished.count() > 0; });
    report(found ? "find (found)" : "find through the whole stream (not found)");
    QTest::keyClick(follow->view(), Qt::Key_End);
    follow->view()->viewport()->repaint();
    report("scrolled to the end and painted");

    // Conversations: the mode switch, a sort, and a select all of every conversation.
    window.setConversationsMode(true);
    QCoreApplication::processEvents();
    std::printf("conversations: %d; ", window.conversationModel()->shownConversations());
    report("switched to conversations");
    window.flowView()->sortByColumn(ConversationModel::ServerBytes, Qt::DescendingOrder);
    QCoreApplication::processEvents();
    report("conversations sorted by bytes from the server");
    window.flowView()->clearSelection();
    waitFor([&] { return window.frameModel()->rowCount() == 0 && window.plot()->flows().empty(); });
    app.longestNs = 0;
    clock.restart();
    QTest::keyClick(window.flowView(), Qt::Key_A, Qt::ControlModifier);
    waitFor([&] {
        return window.plot()->flows().size() == result.summary.flows && !window.plot()->isBuilding() &&
               !window.frameModel()->isScanning();
    });
    std::printf("select all conversations: %d frames, %zu flows plotted; ", window.frameModel()->rowCount(),
                window.plot()->flows().size());
    report("selected");
    return 0;
}
