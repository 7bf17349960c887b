#include "CaptureLoader.h"

#include "LoadBatchAnalyzer.h"
#include "LoadBatchBuilder.h"
#include "FlowTracker.h"

#include <QThread>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include <pthread.h>

using namespace fi;

namespace {
constexpr size_t kFramesPerBatch = 16384;

/// The batches the reading thread made, in order, waiting for the analysis thread; at most
/// kMaxBatches (the reader waits), and an empty one at the end.
class BatchQueue
{
public:
    static constexpr size_t kMaxBatches = 3;

    void push(std::shared_ptr<LoadBatch> batch)
    {
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [this] { return m_batches.size() < kMaxBatches; });
        m_batches.push_back(std::move(batch));
        m_changed.notify_all();
    }
    std::shared_ptr<LoadBatch> pop()
    {
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [this] { return !m_batches.empty(); });
        std::shared_ptr<LoadBatch> batch = std::move(m_batches.front());
        m_batches.pop_front();
        m_changed.notify_all();
        return batch;
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::deque<std::shared_ptr<LoadBatch>> m_batches;
};
} // namespace

struct CaptureLoader::Job
{
    QString path;                   ///< the first file's
    std::vector<std::string> files; ///< all of them
    quint64 generation = 0;
    std::atomic<bool> cancel{false};

    /// Batches sent but not yet handed to the GUI thread's slots. The worker waits while
    /// kMaxQueuedBatches are: a reader faster than the window would otherwise pile the whole
    /// capture up in batches (a hundred MB for 2 million frames) before the window took them.
    static constexpr int kMaxQueuedBatches = 3;
    std::mutex mutex;
    std::condition_variable consumed;
    int queuedBatches = 0;

    void waitForRoom()
    {
        std::unique_lock lock(mutex);
        while (queuedBatches >= kMaxQueuedBatches && !cancel)
            consumed.wait_for(lock, std::chrono::milliseconds(20)); // (cancel() does not notify)
        ++queuedBatches;
    }
    void batchTaken()
    {
        {
            std::lock_guard lock(mutex);
            --queuedBatches;
        }
        consumed.notify_one();
    }
};


CaptureLoader::CaptureLoader(QObject* parent) : QObject(parent) {}

CaptureLoader::~CaptureLoader()
{
    if (m_current)
        m_current->cancel = true;
    for (QThread* t : m_threads) {
        t->requestInterruption();
        t->wait();
        delete t;
    }
}

void CaptureLoader::post(quint64 generation, std::function<void()> action)
{
    QMetaObject::invokeMethod(
        this,
        [this, generation, action = std::move(action)] {
            if (generation == m_generation)
                action();
        },
        Qt::QueuedConnection);
}

void CaptureLoader::load(const QStringList& paths)
{
    cancel();
    auto job = std::make_shared<Job>();
    job->path = paths.value(0);
    for (const QString& p : paths)
        job->files.push_back(p.toStdString());
    job->generation = ++m_generation;
    m_current = job;
    m_loading = true;
    QThread* thread = QThread::create([this, job] { run(job); });
    thread->setObjectName(QStringLiteral("capture-loader"));
    connect(thread, &QThread::finished, this, [this, thread] {
        m_threads.erase(std::remove(m_threads.begin(), m_threads.end(), thread), m_threads.end());
        thread->deleteLater();
    });
    m_threads.push_back(thread);
    thread->start();
}

void CaptureLoader::cancel()
{
    if (m_current)
        m_current->cancel = true;
}

void CaptureLoader::run(const std::shared_ptr<Job>& job)
{
    QElapsedTimer clock;
    clock.start();
    const quint64 generation = job->generation;
    CaptureTracer tracer;
    if (!tracer.open(job->files)) {
        const QString reason = QString::fromStdString(tracer.errorString());
        post(generation, [this, path = job->path, reason] {
            m_loading = false;
            emit failed(path, reason);
        });
        return;
    }
    const CaptureReader& reader = tracer.reader();
    post(generation, [this, path = job->path] { emit started(path); });

    FlowTracker tracker;
    LoadBatchBuilder batches(generation, tracker);
    // TCP analysis on a thread of its own, batch by batch in order, while this one reads and
    // traces the next: it hands each batch to the GUI thread.
    BatchQueue toAnalyse;
    std::thread analysis([this, job, &toAnalyse] {
        pthread_setname_np(pthread_self(), "load-analysis"); // (as top and perf show it)
        LoadBatchAnalyzer analyzer;
        while (std::shared_ptr<LoadBatch> batch = toAnalyse.pop()) {
            analyzer.analyze(*batch);
            job->waitForRoom();
            QMetaObject::invokeMethod(
                this,
                [this, job, batch = std::shared_ptr<const LoadBatch>(std::move(batch))] {
                    if (job->generation == m_generation) {
                        emit batchReady(batch);
                        emit progress(qint64(batch->bytesRead), qint64(batch->fileSize));
                    }
                    job->batchTaken(); // also when dropped: the worker may be waiting for room
                },
                Qt::QueuedConnection);
        }
    });
    QElapsedTimer sinceBatch;
    sinceBatch.start();
    auto send = [&] {
        toAnalyse.push(batches.take(reader));
        sinceBatch.restart();
    };
    tracer.setCancelFlag(&job->cancel);
    tracer.setFrameHook([&](const FrameView& frame, const TcpPacket&, uint32_t) {
        batches.addFrame(frame);
        // Every 50 ms, or sooner for a fast reader: a batch is applied on the GUI thread in
        // one piece, and 32,768 frames take it about 20 ms.
        if ((frame.number & 255) == 0 && (sinceBatch.elapsed() >= 50 || batches.pendingFrames() >= kFramesPerBatch))
            send();
    });
    LoadResult result;
    result.path = job->path;
    result.summary = tracer.run(tracker);
    send(); // the rest, with the final statistics
    toAnalyse.push(nullptr);
    analysis.join(); // (so every batch is posted before the finish)
    result.elapsedMs = clock.elapsed();
    // A cancelled load was superseded or stopped: its finish is reported to the generation
    // that asked for it only if no newer load started.
    post(generation, [this, result] {
        m_loading = false;
        emit finished(result);
    });
}
