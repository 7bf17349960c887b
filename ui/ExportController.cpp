#include "ExportController.h"

#include "FlowExporter.h"

#include <QDir>
#include <QElapsedTimer>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QThread>
#include <QWidget>
#include <atomic>

using namespace fi;

struct ExportController::Job
{
    explicit Job(FlowExporter e) : exporter(std::move(e)) {}
    FlowExporter exporter;
    std::atomic<bool> cancel{false};
};

ExportController::ExportController(QObject* parent) : QObject(parent)
{
    qRegisterMetaType<ExportResult>("fi::ExportResult");
}

ExportController::~ExportController()
{
    cancel();
    if (m_thread) {
        m_thread->wait();
        delete m_thread;
    }
}

void ExportController::setOverwriteQuestion(OverwriteQuestion question)
{
    m_question = std::move(question);
}

ExportController::OverwriteAnswer ExportController::askOverwrite(const QStringList& existing) const
{
    if (m_question)
        return m_question(existing);
    QStringList names;
    for (const QString& path : existing.mid(0, 10))
        names << QDir::toNativeSeparators(path);
    if (existing.size() > names.size())
        names << tr("…and %n more", nullptr, int(existing.size() - names.size()));
    QMessageBox box(QMessageBox::Warning, tr("Files Exist"),
                    tr("%n of the files to export exist already:", nullptr, int(existing.size())),
                    QMessageBox::NoButton, qobject_cast<QWidget*>(parent()));
    box.setInformativeText(names.join(QLatin1Char('\n')));
    QPushButton* overwrite = box.addButton(tr("Overwrite"), QMessageBox::DestructiveRole);
    QPushButton* skip = box.addButton(tr("Skip Existing"), QMessageBox::AcceptRole);
    box.addButton(QMessageBox::Cancel);
    box.setDefaultButton(skip);
    box.exec();
    if (box.clickedButton() == overwrite)
        return OverwriteAnswer::Overwrite;
    return box.clickedButton() == skip ? OverwriteAnswer::Skip : OverwriteAnswer::Cancel;
}

void ExportController::post(std::function<void()> action)
{
    QMetaObject::invokeMethod(this, std::move(action), Qt::QueuedConnection);
}

bool ExportController::start(const CaptureStore& store, const std::vector<uint32_t>& flows,
                             const ExportOptions& options)
{
    if (m_running)
        return false;
    auto job = std::make_shared<Job>(FlowExporter(store, flows, options));
    FlowExporter& exporter = job->exporter;
    if (exporter.flowIds().empty())
        return false;
    QStringList existing;
    for (const std::string& path : exporter.existingTargets())
        existing << QString::fromStdString(path);
    if (!existing.isEmpty()) {
        switch (askOverwrite(existing)) {
        case OverwriteAnswer::Overwrite:
            exporter.setOverwritePolicy(OverwritePolicy::Overwrite);
            break;
        case OverwriteAnswer::Skip:
            exporter.setOverwritePolicy(OverwritePolicy::SkipExisting);
            break;
        case OverwriteAnswer::Cancel:
            return false;
        }
    }
    if (m_thread) { // the previous export's thread has ended (m_running was false)
        m_thread->wait();
        delete m_thread;
    }
    const qint64 total = options.format == ExportFormat::Csv ? qint64(exporter.flowIds().size())
                                                             : qint64(exporter.frameCount());
    m_job = job;
    m_running = true;
    m_thread = QThread::create([this, job] {
        QElapsedTimer sinceReport;
        sinceReport.start();
        job->exporter.setCancelFlag(&job->cancel);
        job->exporter.setProgressHook([&](uint64_t done, uint64_t all) {
            if (done < all && sinceReport.elapsed() < 50)
                return;
            sinceReport.restart();
            post([this, done, all] { emit progress(qint64(done), qint64(all)); });
        });
        ExportResult result = job->exporter.run();
        post([this, result] {
            m_running = false;
            m_job.reset();
            emit finished(result);
        });
    });
    m_thread->setObjectName(QStringLiteral("flow-export"));
    m_thread->start();
    emit started(total);
    return true;
}

void ExportController::cancel()
{
    if (m_job)
        m_job->cancel = true;
}

QString ExportController::summaryText(const ExportResult& result)
{
    const QString directory = QDir::toNativeSeparators(QString::fromStdString(result.directory));
    switch (result.end) {
    case ExportResult::End::Cancelled:
        return tr("Export cancelled; no file was written.");
    case ExportResult::End::Failed:
        return tr("Export failed: %1").arg(QString::fromStdString(result.error));
    case ExportResult::End::Complete:
        break;
    }
    QString text = tr("Exported %n file(s) (%1 bytes) to %2", nullptr, int(result.files.size()))
                       .arg(QLocale().toString(qulonglong(result.bytesWritten)), directory);
    if (result.skipped > 0)
        text += tr("; %n existing file(s) skipped", nullptr, int(result.skipped));
    if (result.flowsWithMissingBytes > 0)
        text += tr("; %n flow(s) with bytes missing from the capture (%1 bytes, written as zeros "
                   "where later bytes follow)",
                   nullptr, int(result.flowsWithMissingBytes))
                    .arg(QLocale().toString(qulonglong(result.missingBytes)));
    return text;
}
