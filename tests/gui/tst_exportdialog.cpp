// Export Selected Flows as a person uses it: select flows in the tree, open the dialog, choose
// a directory and a format, press Export; the files are the CLI's, the CSV is the tree's, the
// choices are remembered, existing files are asked about, and a cancelled or failed export
// leaves nothing behind and the loaded capture as it was.

#include "CaptureBuilder.h"
#include "CaptureLoader.h"
#include "ExportController.h"
#include "ExportDialog.h"
#include "FlowTableModel.h"
#include "SmallDisk.h"
#include "TestPaths.h"
#include "Waits.h"

#include <QComboBox>
#include <QDir>
#include <QGroupBox>
#include <QItemSelectionModel>
#include <QLineEdit>
#include <QLocale>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>
#include <algorithm>
#include <cstring>
#include <numeric>
#include <unistd.h>

using namespace fi;
using namespace fi::test;

namespace {

void useOffscreenPlatform()
{
    if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
}

QString demoCapture()
{
    return sourceDir() + QStringLiteral("/resources/demo/demo.pcapng");
}

/// Loads `path` into `model` through the application's loader; false on timeout.
bool load(FlowTableModel& model, const QString& path)
{
    CaptureLoader loader;
    QObject::connect(&loader, &CaptureLoader::started, &model, [&model](const QString& opened) { model.reset(opened); });
    QObject::connect(&loader, &CaptureLoader::batchReady, &model,
                     [&model](const std::shared_ptr<const LoadBatch>& b) { model.applyBatch(*b); });
    QSignalSpy done(&loader, &CaptureLoader::finished);
    loader.load(path);
    if (done.wait(kWorkerTimeoutMs))
        return true;
    QTest::qFail(qPrintable("loading " + path + " did not finish"), __FILE__, __LINE__);
    return false;
}

template <typename T> T* byAccessibleName(QWidget* parent, const QString& name)
{
    for (T* w : parent->findChildren<T*>())
        if (w->accessibleName() == name)
            return w;
    return nullptr;
}

QPushButton* buttonWithText(QWidget* parent, const QString& text)
{
    for (QPushButton* b : parent->findChildren<QPushButton*>())
        if (b->text() == text)
            return b;
    return nullptr;
}

/// Every file of `dir` (hidden ones too) by name, with its content.
QMap<QString, QByteArray> filesIn(const QString& dir)
{
    QMap<QString, QByteArray> files;
    for (const QFileInfo& info :
         QDir(dir).entryInfoList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot)) {
        QFile f(info.filePath());
        files[info.fileName()] = f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray("?");
    }
    return files;
}

/// The flow ids of the view's selected rows, in row order.
std::vector<uint32_t> selectedFlows(const QTreeView& view)
{
    std::vector<uint32_t> flows;
    for (const QModelIndex& row : view.selectionModel()->selectedRows())
        flows.push_back(row.data(FlowTableModel::FlowIdRole).toUInt());
    std::sort(flows.begin(), flows.end());
    return flows;
}

} // namespace

Q_CONSTRUCTOR_FUNCTION(useOffscreenPlatform)

class TestExportDialog : public QObject
{
    Q_OBJECT

private:
    FlowTableModel m_model;
    QTreeView m_view;
    std::vector<uint32_t> m_chosen;

    /// Opens the dialog, fills it in as a person does, presses Export; true when it closed
    /// accepted (`options` then holds what it says).
    bool fillInAndExport(const QString& directory, const QString& format, ExportOptions& options)
    {
        ExportDialog dialog(int(m_chosen.size()));
        dialog.show();
        if (!QTest::qWaitForWindowExposed(&dialog))
            return false;
        auto* dir = byAccessibleName<QLineEdit>(&dialog, "Export directory");
        auto* formats = byAccessibleName<QComboBox>(&dialog, "Export format");
        QPushButton* exportButton = buttonWithText(&dialog, "Export");
        if (!dir || !formats || !exportButton || formats->findText(format) < 0)
            return false;
        dir->selectAll();
        QTest::keyClicks(dir, directory);
        formats->setCurrentIndex(formats->findText(format));
        QTest::mouseClick(exportButton, Qt::LeftButton);
        options = dialog.options();
        return dialog.result() == QDialog::Accepted && !dialog.isVisible();
    }

    /// Runs an export of the chosen flows to its end.
    ExportResult exportChosen(ExportController& controller, const ExportOptions& options)
    {
        QSignalSpy finished(&controller, &ExportController::finished);
        if (!controller.start(m_model.store(), m_chosen, options))
            return ended(ExportResult::End::Failed, "the export did not start");
        if (!finished.wait(kWorkerTimeoutMs))
            return ended(ExportResult::End::Failed, "the export did not finish");
        return finished.front().front().value<ExportResult>();
    }

    static ExportResult ended(ExportResult::End end, const std::string& why)
    {
        ExportResult r;
        r.end = end;
        r.error = why;
        return r;
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName("FlowInspectorTest");
        QCoreApplication::setApplicationName("tst_exportdialog");
        QSettings().clear();
        QVERIFY(load(m_model, demoCapture()));
        QCOMPARE(m_model.rowCount(), 29);
        m_view.setModel(&m_model);
        m_view.setSelectionMode(QAbstractItemView::ExtendedSelection);
        m_view.setSelectionBehavior(QAbstractItemView::SelectRows);
        for (int row : {7, 0, 3})
            m_view.selectionModel()->select(m_model.index(row, 0), QItemSelectionModel::Select |
                                                                       QItemSelectionModel::Rows);
        m_chosen = selectedFlows(m_view);
        QCOMPARE(m_chosen, (std::vector<uint32_t>{0, 3, 7}));
    }

    void fieldsAndValidation()
    {
        ExportDialog dialog(3);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        auto* dir = byAccessibleName<QLineEdit>(&dialog, "Export directory");
        auto* formats = byAccessibleName<QComboBox>(&dialog, "Export format");
        auto* byteOrder = byAccessibleName<QComboBox>(&dialog, "Byte order");
        QVERIFY(dir && formats && byteOrder);
        QStringList titles;
        for (int i = 0; i < formats->count(); ++i)
            titles << formats->itemText(i);
        QCOMPARE(titles, (QStringList{"pcap", "json", "plist", "tree", "payload", "merged pcap", "CSV"}));
        QPushButton* exportButton = buttonWithText(&dialog, "Export");
        QVERIFY(exportButton);
        QVERIFY(buttonWithText(&dialog, "Cancel") || buttonWithText(&dialog, "&Cancel"));

        // pcap options only for pcap formats
        for (int i = 0; i < formats->count(); ++i) {
            formats->setCurrentIndex(i);
            const bool pcap = titles[i] == "pcap" || titles[i] == "merged pcap";
            QCOMPARE(byteOrder->isEnabledTo(&dialog), pcap);
        }

        // no directory, no export
        dir->clear();
        QVERIFY(!exportButton->isEnabled());
        dialog.accept();
        QVERIFY(dialog.isVisible());
        QCOMPARE(dialog.result(), int(QDialog::Rejected));
        QTest::keyClicks(dir, "  ");
        QVERIFY(!exportButton->isEnabled());
    }

    void exportsTheSelectedFlows_data()
    {
        QTest::addColumn<QString>("title");
        QTest::addColumn<QString>("cliFormat");
        for (ExportFormat f : exportFormats())
            QTest::newRow(exportFormatName(f))
                << ExportDialog::formatTitle(f) << QString::fromLatin1(exportFormatName(f));
    }
    void exportsTheSelectedFlows()
    {
        QFETCH(QString, title);
        QFETCH(QString, cliFormat);
        QTemporaryDir out;
        const QString target = out.filePath("not/yet/there"); // created on export
        ExportOptions options;
        QVERIFY(fillInAndExport(target, title, options));
        ExportController controller;
        QSignalSpy started(&controller, &ExportController::started);
        const ExportResult r = exportChosen(controller, options);
        QVERIFY2(r.ok(), r.error.c_str());
        QCOMPARE(started.size(), 1);
        QVERIFY(!controller.isRunning());

        // the CLI writes the same files for the same flows
        QStringList labels;
        for (uint32_t f : m_chosen)
            labels << QString::fromStdString(m_model.store().flows[f].label());
        const QString cliDir = out.filePath("cli");
        QCOMPARE(QProcess::execute(cliPath(), {"trace", demoCapture(), "-o", cliDir, "-f",
                                               cliFormat, "--flows", labels.join(',')}),
                 0);
        const QMap<QString, QByteArray> files = filesIn(target);
        QCOMPARE(files.size(), cliFormat == "merged-pcap" || cliFormat == "csv" ? 1 : 3);
        QCOMPARE(files.size(), int(r.files.size()));
        QVERIFY(files == filesIn(cliDir)); // the same names and bytes
        const QString summary = ExportController::summaryText(r);
        QVERIFY2(summary.contains(QString::number(files.size()) + " file"), qPrintable(summary));
        QVERIFY2(summary.contains(QDir::toNativeSeparators(target)), qPrintable(summary));

        if (cliFormat != "csv")
            return;
        // the table is the tree's: its header and the selected flows' rows as shown
        const QList<QByteArray> lines = files.value("demo-flows.csv").split('\n');
        QCOMPARE(lines.size(), 1 + 3 + 1); // header, rows, nothing after the last CRLF
        QStringList header;
        for (int c = 0; c < FlowTableModel::ColumnCount; ++c)
            header << m_model.headerData(c, Qt::Horizontal).toString();
        QCOMPARE(QString::fromUtf8(lines[0]), header.join(',') + '\r');
        for (int i = 0; i < 3; ++i) {
            QStringList shown;
            for (int c = 0; c < FlowTableModel::ColumnCount; ++c) {
                const QModelIndex cell = m_model.index(int(m_chosen[size_t(i)]), c);
                // (the table groups the digits of Bytes as the locale does; the CSV does not)
                shown << (c == FlowTableModel::Bytes ? cell.data().toString().remove(QLocale().groupSeparator())
                                                     : cell.data().toString());
            }
            QCOMPARE(QString::fromUtf8(lines[i + 1]), shown.join(',') + '\r');
        }
    }

    void remembersDirectoryAndFormat()
    {
        QTemporaryDir out;
        ExportOptions options;
        QVERIFY(fillInAndExport(out.path(), "CSV", options));
        ExportDialog again(1);
        QCOMPARE(again.directory(), QDir::toNativeSeparators(out.path()));
        QCOMPARE(again.format(), ExportFormat::Csv);
        QCOMPARE(QSettings().value("export/directory").toString(), out.path());
        QCOMPARE(QSettings().value("export/format").toString(), "csv");
        QVERIFY(fillInAndExport(out.path(), "merged pcap", options));
        QCOMPARE(ExportDialog(1).format(), ExportFormat::MergedPcap);
    }

    void asksBeforeOverwriting()
    {
        QTemporaryDir out;
        ExportOptions options;
        options.format = ExportFormat::Pcap;
        options.directory = out.path().toStdString();
        ExportController controller;
        QStringList asked;
        auto answer = ExportController::OverwriteAnswer::Cancel;
        controller.setOverwriteQuestion([&](const QStringList& existing) {
            asked = existing;
            return answer;
        });
        const ExportResult first = exportChosen(controller, options);
        QVERIFY(first.ok());
        QVERIFY(asked.isEmpty()); // nothing existed: no question
        for (const std::string& path : first.files) {
            QFile f(QString::fromStdString(path));
            QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
            f.write("mine");
        }

        QSignalSpy started(&controller, &ExportController::started);
        QVERIFY(!controller.start(m_model.store(), m_chosen, options)); // Cancel
        QCOMPARE(asked.size(), 3);
        QVERIFY(started.isEmpty());

        answer = ExportController::OverwriteAnswer::Skip;
        const ExportResult skipped = exportChosen(controller, options);
        QVERIFY(skipped.ok());
        QCOMPARE(skipped.skipped, size_t(3));
        const QMap<QString, QByteArray> kept = filesIn(out.path());
        QCOMPARE(kept.size(), 3);
        for (const QByteArray& content : kept)
            QCOMPARE(content, QByteArray("mine"));

        answer = ExportController::OverwriteAnswer::Overwrite;
        const ExportResult overwritten = exportChosen(controller, options);
        QVERIFY(overwritten.ok());
        QCOMPARE(overwritten.files, first.files);
        const QMap<QString, QByteArray> replaced = filesIn(out.path());
        QCOMPARE(replaced.size(), 3);
        for (const QByteArray& content : replaced)
            QVERIFY(content.size() > 24 && content != "mine");
    }

    void cancelLeavesNothing()
    {
        // 200 connections of 100 packets: long enough to cancel while it runs
        CaptureSpec spec;
        for (int i = 0; i < 100; ++i)
            for (uint16_t port = 1; port <= 200; ++port) {
                TcpSpec s;
                s.srcPort = port;
                s.payload = 200;
                spec.add(tcpOverIpv4("10.0.0.1", "10.0.0.2", s), 1000 + i, port);
            }
        QTemporaryDir dir;
        writeFile(dir.filePath("big.pcap"), pcapFile(spec));
        FlowTableModel model;
        QVERIFY(load(model, dir.filePath("big.pcap")));
        std::vector<uint32_t> all(size_t(model.rowCount()));
        std::iota(all.begin(), all.end(), 0u);
        ExportOptions options;
        options.format = ExportFormat::Json;
        options.directory = dir.filePath("out").toStdString();
        ExportController controller;
        QSignalSpy finished(&controller, &ExportController::finished);
        QVERIFY(controller.start(model.store(), all, options));
        QVERIFY(controller.isRunning());
        controller.cancel();
        QVERIFY2(finished.wait(kWorkerTimeoutMs), "the export did not finish");
        const ExportResult r = finished.front().front().value<ExportResult>();
        QCOMPARE(r.end, ExportResult::End::Cancelled);
        QVERIFY(filesIn(dir.filePath("out")).isEmpty());
        QVERIFY(ExportController::summaryText(r).contains("cancelled"));
    }

    void failedExportLeavesTheCaptureAndSelection()
    {
        QTemporaryDir dir;
        const QString out = fi::test::unwritableDirectory(dir.path());
        const QDir::Filters files = QDir::Files | QDir::Hidden; // /proc: no reading, no pids
        const QStringList before = QDir(out).entryList(files);
        const size_t frames = m_model.store().frames.size();
        ExportOptions options;
        options.format = ExportFormat::MergedPcap;
        options.directory = out.toStdString();
        ExportController controller;
        const ExportResult r = exportChosen(controller, options);
        QCOMPARE(r.end, ExportResult::End::Failed);
        const QString summary = ExportController::summaryText(r);
        QVERIFY2(summary.contains(out) && summary.contains("not writable"), qPrintable(summary));
        QCOMPARE(QDir(out).entryList(files), before);
        QCOMPARE(m_model.rowCount(), 29);
        QCOMPARE(m_model.store().frames.size(), frames);
        QCOMPARE(selectedFlows(m_view), m_chosen);
    }

    /// The disk fills during an export (a tmpfs, full; when run as root): the status says the
    /// export failed, naming the file and the cause; the file that was there is as it was, and
    /// nothing else is left.
    void fullDiskSaysSoAndLeavesNothing()
    {
        QTemporaryDir mountPoint;
        SmallDisk disk(mountPoint.path(), 256 * 1024);
        if (!disk.isMounted())
            QSKIP(qPrintable("no small file system to fill: " + disk.whyNot()));
        const QString target = mountPoint.filePath("demo-flows.pcap");
        QFile mine(target);
        QVERIFY(mine.open(QIODevice::WriteOnly));
        QCOMPARE(mine.write("mine"), 4);
        mine.close();
        QVERIFY(disk.fillLeaving(0));
        const QStringList before = QDir(mountPoint.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot);
        ExportOptions options;
        options.format = ExportFormat::MergedPcap;
        options.directory = mountPoint.path().toStdString();
        ExportController controller;
        controller.setOverwriteQuestion([](const QStringList&) { return ExportController::OverwriteAnswer::Overwrite; });
        const ExportResult r = exportChosen(controller, options);
        QCOMPARE(r.end, ExportResult::End::Failed);
        QCOMPARE(ExportController::summaryText(r),
                 "Export failed: " + target + ": " + QString::fromLocal8Bit(std::strerror(ENOSPC)));
        QCOMPARE(QDir(mountPoint.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot), before);
        QVERIFY(mine.open(QIODevice::ReadOnly));
        QCOMPARE(mine.readAll(), QByteArray("mine"));
        QCOMPARE(selectedFlows(m_view), m_chosen);
    }
};

QTEST_MAIN(TestExportDialog)
#include "tst_exportdialog.moc"
