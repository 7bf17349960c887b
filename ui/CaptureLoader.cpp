#include "CaptureLoader.h"

#include "LoadBatchBuilder.h"
#include "FlowTracker.h"

#include <QThread>

using namespace fi;

struct CaptureLoader::Job
{
    QString path;
    quint64 generation = 0;
    std::atomic<bool> cancel{false};
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

void CaptureLoader::load(const QString& path)
{
    cancel();
    auto job = std::make_shared<Job>();
    job->path = path;
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
    if (!tracer.open(job->path.toStdString())) {
        const QString reason = QString::fromStdString(tracer.errorString());
        post(generation, [this, path = job->path, reason] {
            m_loading = false;
            emit failed(path, reason);
        });
        return;
    }
    const CaptureReader& reader = tracer.reader();
    post(generation, [this, path = job->path, lt = reader.linkType(), ng = reader.isPcapNg(),
                      snap = reader.snapLength()] { emit started(path, lt, ng, snap); });

    FlowTracker tracker;
    LoadBatchBuilder batches(generation, tracker);
    QElapsedTimer sinceBatch;
    sinceBatch.start();
    auto send = [&] {
        std::shared_ptr<const LoadBatch> batch = batches.take(reader.bytesRead(), reader.fileSize());
        sinceBatch.restart();
        post(generation, [this, batch] {
            emit batchReady(batch);
            emit progress(qint64(batch->bytesRead), qint64(batch->fileSize));
        });
    };
    tracer.setCancelFlag(&job->cancel);
    tracer.setFrameHook([&](const FrameView& frame, const TcpPacket&, uint32_t) {
        batches.addFrame(frame);
        if ((frame.number & 255) == 0 && sinceBatch.elapsed() >= 50)
            send();
    });
    LoadResult result;
    result.path = job->path;
    result.summary = tracer.run(tracker);
    send(); // the rest, with the final statistics
    result.elapsedMs = clock.elapsed();
    // A cancelled load was superseded or stopped: its finish is reported to the generation
    // that asked for it only if no newer load started.
    post(generation, [this, result] {
        m_loading = false;
        emit finished(result);
    });
}
