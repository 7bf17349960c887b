#include "CaptureLoader.h"

#include "TraceFlow.h"

#include <QThread>

using namespace fi;

struct CaptureLoader::Job
{
    QString path;
    quint64 generation = 0;
    std::atomic<bool> cancel{false};
};

namespace {

/// Collects what the tracer reports into batches of at most ~50 ms of work.
class BatchCollector
{
public:
    BatchCollector(quint64 generation, const TraceFlow& trace) : m_generation(generation), m_trace(trace)
    {
        m_timer.start();
        m_batch = std::make_shared<LoadBatch>();
        m_batch->generation = generation;
    }

    void add(const FrameView& frame, const TcpPacket& tcp, uint32_t flow)
    {
        m_batch->frames.push_back(frame.record);
        if (flow == TraceFlow::kNoFlow)
            return;
        m_batch->packets.emplace_back(flow, FlowPacket::from(frame.number, tcp));
        if (flow >= m_touched.size())
            m_touched.resize(flow + 1, 0);
        m_touched[flow] = 1;
    }

    bool due() const { return m_timer.elapsed() >= 50; }

    /// Completes the current batch (new flows, touched flows' stats) and starts the next.
    std::shared_ptr<const LoadBatch> take(uint64_t bytesRead, uint64_t fileSize)
    {
        const std::vector<Index>& flows = m_trace.flows();
        std::shared_ptr<LoadBatch> done = std::move(m_batch);
        done->firstNewFlow = m_knownFlows;
        for (uint32_t f = m_knownFlows; f < flows.size(); ++f)
            done->newFlows.emplace_back(flows[f].label, flows[f].id);
        m_knownFlows = uint32_t(flows.size());
        for (uint32_t f = 0; f < m_touched.size(); ++f)
            if (m_touched[f])
                done->stats.emplace_back(f, flows[f].stats);
        m_touched.assign(m_touched.size(), 0);
        done->bytesRead = bytesRead;
        done->fileSize = fileSize;
        m_nextFrame += uint32_t(done->frames.size());

        m_batch = std::make_shared<LoadBatch>();
        m_batch->generation = m_generation;
        m_batch->firstFrame = m_nextFrame;
        m_timer.restart();
        return done;
    }

private:
    quint64 m_generation;
    const TraceFlow& m_trace;
    QElapsedTimer m_timer;
    std::shared_ptr<LoadBatch> m_batch;
    std::vector<uint8_t> m_touched;
    uint32_t m_knownFlows = 0;
    uint32_t m_nextFrame = 1;
};

} // namespace

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

    TraceFlow trace;
    BatchCollector collector(generation, trace);
    auto send = [&] {
        std::shared_ptr<const LoadBatch> batch = collector.take(reader.bytesRead(), reader.fileSize());
        post(generation, [this, batch] {
            emit batchReady(batch);
            emit progress(qint64(batch->bytesRead), qint64(batch->fileSize));
        });
    };
    tracer.setCancelFlag(&job->cancel);
    tracer.setFrameHook([&](const FrameView& frame, const TcpPacket& tcp, uint32_t flow) {
        collector.add(frame, tcp, flow);
        if ((frame.number & 255) == 0 && collector.due())
            send();
    });
    LoadResult result;
    result.path = job->path;
    result.summary = tracer.run(trace);
    send(); // the rest, with the final statistics
    result.elapsedMs = clock.elapsed();
    // A cancelled load was superseded or stopped: its finish is reported to the generation
    // that asked for it only if no newer load started.
    post(generation, [this, result] {
        m_loading = false;
        emit finished(result);
    });
}
