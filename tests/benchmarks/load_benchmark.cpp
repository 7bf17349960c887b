// fi-load-benchmark CAPTURE: loads a capture the way the desktop application does (worker
// thread, batches applied to the flow model on the GUI thread, offscreen) and prints the time
// to the last batch, the number of batches, the longest time the GUI thread spent applying
// one batch (what a person would feel as a stall), and the peak resident memory.

#include "CaptureLoader.h"
#include "FlowTreeModel.h"

#include <QApplication>
#include <QElapsedTimer>

#include <sys/resource.h>

#include <cstdio>

int main(int argc, char** argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    if (argc != 2) {
        std::fprintf(stderr, "usage: fi-load-benchmark CAPTURE\n");
        return 2;
    }
    CaptureLoader loader;
    FlowTreeModel model;
    int batches = 0;
    qint64 longestApply = 0;
    QObject::connect(&loader, &CaptureLoader::started, &model,
                     [&](const QString& path, int lt, bool ng, int snap) { model.reset(path, lt, ng, snap); });
    QObject::connect(&loader, &CaptureLoader::batchReady, &model,
                     [&](const std::shared_ptr<const fi::LoadBatch>& batch) {
                         QElapsedTimer t;
                         t.start();
                         model.applyBatch(*batch);
                         longestApply = std::max(longestApply, t.nsecsElapsed() / 1000);
                         ++batches;
                     });
    QElapsedTimer clock;
    LoadResult result;
    QObject::connect(&loader, &CaptureLoader::finished, &app, [&](const LoadResult& r) {
        result = r;
        app.quit();
    });
    QObject::connect(&loader, &CaptureLoader::failed, &app, [&](const QString&, const QString& reason) {
        std::fprintf(stderr, "fi-load-benchmark: %s\n", qPrintable(reason));
        app.exit(1);
    });
    clock.start();
    loader.load(QString::fromLocal8Bit(argv[1]));
    if (app.exec() != 0)
        return 1;
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    std::printf("loaded %u frames, %zu flows in %lld ms: %d batches, longest batch on the GUI "
                "thread %.1f ms, peak RSS %ld MiB\n",
                result.summary.framesRead, result.summary.flows, static_cast<long long>(clock.elapsed()),
                batches, double(longestApply) / 1000.0, usage.ru_maxrss / 1024);
    return 0;
}
