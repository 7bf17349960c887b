#pragma once

#include "CaptureStore.h"
#include "ExportOptions.h"

#include <QMetaType>
#include <QObject>
#include <QStringList>
#include <functional>
#include <memory>
#include <vector>

class QThread;
class QWidget;

Q_DECLARE_METATYPE(fi::ExportResult)

/// Runs an export of chosen flows (fi::FlowExporter) on a worker thread, never on the GUI
/// thread, with progress and cancel; all signals are emitted on the controller's (GUI) thread.
///
/// Before an export starts, the files it would create that exist already are put to the
/// overwrite question (by default a QMessageBox offering Overwrite, Skip and Cancel; tests and
/// automation replace it with setOverwriteQuestion()). What the export needs is copied from
/// the capture's store when it starts, so the loaded capture and the selection are untouched
/// whatever happens to the export.
class ExportController final : public QObject
{
    Q_OBJECT

public:
    enum class OverwriteAnswer
    {
        Overwrite,
        Skip,
        Cancel
    };
    /// Asked with the paths of the target files that exist, before the export starts.
    using OverwriteQuestion = std::function<OverwriteAnswer(const QStringList& existing)>;

    /// The default overwrite question's message box is parented to `parent` when it is a
    /// widget.
    explicit ExportController(QObject* parent = nullptr);
    /// Cancels an export in progress and waits for its thread (its files are removed).
    ~ExportController() override;

    void setOverwriteQuestion(OverwriteQuestion question);

    /// Starts exporting the flows `flows` (flow ids) of `store` with `options`, asking the
    /// overwrite question first when target files exist. Returns false, and starts nothing
    /// and emits nothing, when an export is running already, when there is no flow to
    /// export, or when the question was answered Cancel; otherwise started() follows at once
    /// and finished() when the export ends.
    bool start(const fi::CaptureStore& store, const std::vector<uint32_t>& flows,
               const fi::ExportOptions& options);
    /// Cancels the export in progress: finished() follows with End::Cancelled and no file
    /// of it is left.
    void cancel();
    bool isRunning() const { return m_running; }

    /// One line for the status bar: how many files and bytes were written and where, or why
    /// the export failed or that it was cancelled.
    static QString summaryText(const fi::ExportResult& result);

signals:
    /// An export started: `total` frames to write (CSV: rows).
    void started(qint64 total);
    void progress(qint64 done, qint64 total);
    void finished(const fi::ExportResult& result);

private:
    struct Job;
    OverwriteAnswer askOverwrite(const QStringList& existing) const;
    void post(std::function<void()> action);

    OverwriteQuestion m_question;
    std::shared_ptr<Job> m_job;
    QThread* m_thread = nullptr;
    bool m_running = false;
};
