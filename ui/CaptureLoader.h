#pragma once

#include "CaptureStore.h"
#include "CaptureTracer.h"

#include <QElapsedTimer>
#include <QObject>
#include <QString>

#include <atomic>
#include <memory>
#include <vector>

class QThread;

/// How a load ended.
struct LoadResult
{
    QString path;
    fi::TraceSummary summary;
    qint64 elapsedMs = 0;
};

Q_DECLARE_METATYPE(LoadResult)

/// Reads and traces a capture on a worker thread (never on the GUI thread) and hands the
/// results to the GUI thread in batches, about every 50 ms, while the file is still read.
///
/// Each load has a generation: results of a cancelled or superseded load are dropped. Opening
/// another file while one loads cancels the first; destroying the loader cancels and waits.
/// All signals are emitted on the loader's (GUI) thread.
class CaptureLoader final : public QObject
{
    Q_OBJECT

public:
    explicit CaptureLoader(QObject* parent = nullptr);
    ~CaptureLoader() override;

    /// Starts loading `path`, cancelling a load in progress.
    void load(const QString& path) { load(QStringList{path}); }
    /// Starts loading a capture set: the files read as one capture (their frames merged in
    /// time order); its name in the signals is the first file's.
    void load(const QStringList& paths);
    /// Cancels the load in progress (finished() follows with End::Cancelled).
    void cancel();
    bool isLoading() const { return m_loading; }
    quint64 generation() const { return m_generation; }
    /// Worker threads not yet ended, a cancelled load's too. A worker's end is handled after
    /// all it posted: at 0, nothing of an earlier load can still arrive.
    int workerCount() const { return int(m_threads.size()); }

signals:
    /// The file opened: a new capture begins (its frames, flows and layout follow in batches).
    void started(const QString& path);
    void batchReady(std::shared_ptr<const fi::LoadBatch> batch);
    void progress(qint64 bytesRead, qint64 fileSize);
    void finished(const LoadResult& result);
    /// The file could not be opened as a capture.
    void failed(const QString& path, const QString& reason);

private:
    struct Job;
    void run(const std::shared_ptr<Job>& job);
    void post(quint64 generation, std::function<void()> action);

    quint64 m_generation = 0;
    bool m_loading = false;
    std::shared_ptr<Job> m_current;
    std::vector<QThread*> m_threads;
};
