#include "ExportDialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QVBoxLayout>

using namespace fi;

namespace {

const QString kDirectoryKey = QStringLiteral("export/directory");
const QString kFormatKey = QStringLiteral("export/format");
const QString kByteOrderKey = QStringLiteral("export/byteOrder");
const QString kNanosecondKey = QStringLiteral("export/nanosecond");

} // namespace

ExportDialog::ExportDialog(int flowCount, QWidget* parent) : QDialog(parent)
{
    setWindowTitle(tr("Export Selected Flows"));
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("Export %n selected flow(s).", nullptr, flowCount), this));

    auto* form = new QFormLayout;
    m_directory = new QLineEdit(this);
    m_directory->setAccessibleName(tr("Export directory"));
    m_directory->setPlaceholderText(tr("Directory to write to (created if missing)"));
    auto* browse = new QPushButton(tr("&Browse…"), this);
    browse->setAccessibleName(tr("Browse for the export directory"));
    connect(browse, &QPushButton::clicked, this, &ExportDialog::browse);
    auto* directoryRow = new QHBoxLayout;
    directoryRow->addWidget(m_directory, 1);
    directoryRow->addWidget(browse);
    auto* directoryLabel = new QLabel(tr("&Directory:"), this);
    directoryLabel->setBuddy(m_directory); // a row that is a layout gets no buddy by itself
    form->addRow(directoryLabel, directoryRow);

    m_format = new QComboBox(this);
    m_format->setAccessibleName(tr("Export format"));
    for (ExportFormat f : exportFormats())
        m_format->addItem(formatTitle(f), QString::fromLatin1(exportFormatName(f)));
    form->addRow(tr("&Format:"), m_format);
    m_formatHint = new QLabel(this);
    m_formatHint->setWordWrap(true);
    form->addRow(QString(), m_formatHint);
    layout->addLayout(form);

    m_pcapOptions = new QGroupBox(tr("pcap options"), this);
    auto* pcapForm = new QFormLayout(m_pcapOptions);
    m_byteOrder = new QComboBox(m_pcapOptions);
    m_byteOrder->setAccessibleName(tr("Byte order"));
    m_byteOrder->addItem(tr("This machine's"), int(ByteOrder::Host));
    m_byteOrder->addItem(tr("Big endian"), int(ByteOrder::Big));
    m_byteOrder->addItem(tr("Little endian"), int(ByteOrder::Little));
    pcapForm->addRow(tr("&Byte order:"), m_byteOrder);
    m_nanosecond = new QCheckBox(tr("&Nanosecond timestamps"), m_pcapOptions);
    m_nanosecond->setAccessibleName(tr("Nanosecond timestamps"));
    pcapForm->addRow(m_nanosecond);
    pcapForm->addRow(new QLabel(tr("The link type is the capture's."), m_pcapOptions));
    layout->addWidget(m_pcapOptions);

    m_error = new QLabel(this);
    m_error->setAccessibleName(tr("Export error"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #b00020"));
    m_error->hide();
    layout->addWidget(m_error);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_exportButton = buttons->button(QDialogButtonBox::Ok);
    m_exportButton->setText(tr("Export"));
    connect(buttons, &QDialogButtonBox::accepted, this, &ExportDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);

    restoreSettings();
    connect(m_directory, &QLineEdit::textChanged, this, &ExportDialog::updateState);
    connect(m_format, &QComboBox::currentIndexChanged, this, &ExportDialog::updateState);
    updateState();
}

QString ExportDialog::formatTitle(ExportFormat format)
{
    switch (format) {
    case ExportFormat::MergedPcap:
        return tr("merged pcap");
    case ExportFormat::Csv:
        return tr("CSV");
    default:
        return QString::fromLatin1(exportFormatName(format));
    }
}

QString ExportDialog::directory() const
{
    return m_directory->text().trimmed();
}

void ExportDialog::setDirectory(const QString& directory)
{
    m_directory->setText(QDir::toNativeSeparators(directory));
}

ExportFormat ExportDialog::format() const
{
    return exportFormatFromName(m_format->currentData().toString().toStdString())
        .value_or(ExportFormat::Pcap);
}

void ExportDialog::setFormat(ExportFormat format)
{
    m_format->setCurrentIndex(m_format->findData(QString::fromLatin1(exportFormatName(format))));
}

ExportOptions ExportDialog::options() const
{
    ExportOptions o;
    o.format = format();
    o.directory = QDir::fromNativeSeparators(directory()).toStdString();
    if (isPcapFormat(o.format)) {
        o.byteOrder = ByteOrder(m_byteOrder->currentData().toInt());
        o.nanosecond = m_nanosecond->isChecked();
    }
    return o;
}

void ExportDialog::browse()
{
    const QString chosen =
        QFileDialog::getExistingDirectory(this, tr("Export Directory"), directory());
    if (!chosen.isEmpty())
        setDirectory(chosen);
}

void ExportDialog::updateState()
{
    const ExportFormat f = format();
    m_pcapOptions->setEnabled(isPcapFormat(f));
    m_exportButton->setEnabled(!directory().isEmpty());
    if (!directory().isEmpty())
        m_error->hide();
    switch (f) {
    case ExportFormat::MergedPcap:
        m_formatHint->setText(tr("One pcap file of all selected flows' frames in capture order."));
        break;
    case ExportFormat::Csv:
        m_formatHint->setText(tr("The flow table, one row per selected flow."));
        break;
    case ExportFormat::Payload:
        m_formatHint->setText(tr("Each flow's payload in sequence order, one file per flow with "
                                 "payload, named by its label (.bin); bytes never captured are "
                                 "zeros."));
        break;
    default:
        m_formatHint->setText(tr("One file per flow, named by its label (%1).")
                                  .arg(QString::fromLatin1(outputExtension(perFlowFormat(f)))));
        break;
    }
}

void ExportDialog::accept()
{
    if (directory().isEmpty()) {
        m_error->setText(tr("Choose a directory to export to."));
        m_error->show();
        m_directory->setFocus();
        return;
    }
    saveSettings();
    QDialog::accept();
}

void ExportDialog::restoreSettings()
{
    QSettings s;
    setDirectory(
        s.value(kDirectoryKey, QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation))
            .toString());
    const auto format = exportFormatFromName(s.value(kFormatKey).toString().toStdString());
    setFormat(format.value_or(ExportFormat::Pcap));
    const int order = m_byteOrder->findData(s.value(kByteOrderKey, int(ByteOrder::Host)).toInt());
    m_byteOrder->setCurrentIndex(order < 0 ? 0 : order);
    m_nanosecond->setChecked(s.value(kNanosecondKey, false).toBool());
}

void ExportDialog::saveSettings() const
{
    QSettings s;
    s.setValue(kDirectoryKey, QDir::fromNativeSeparators(directory()));
    s.setValue(kFormatKey, m_format->currentData().toString());
    s.setValue(kByteOrderKey, m_byteOrder->currentData().toInt());
    s.setValue(kNanosecondKey, m_nanosecond->isChecked());
}
