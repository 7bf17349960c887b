#pragma once

#include "ExportOptions.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QPushButton;

/// File > Export Selected Flows: asks for the target directory, the format and the options of
/// that format (pcap: byte order and nanosecond resolution; the link type is the capture's).
/// Directory, format and options are remembered (QSettings keys under `export/`) when the
/// dialog is accepted. The fields carry the accessible names `Export directory` and
/// `Export format`; the confirming button reads `Export`.
class ExportDialog final : public QDialog
{
    Q_OBJECT

public:
    /// `flowCount`: how many flows are selected (shown in the dialog).
    explicit ExportDialog(int flowCount, QWidget* parent = nullptr);

    /// What the dialog holds: directory, format and, for pcap formats, byte order and
    /// resolution (the overwrite policy is the default, Overwrite).
    fi::ExportOptions options() const;

    QString directory() const;
    void setDirectory(const QString& directory);
    fi::ExportFormat format() const;
    void setFormat(fi::ExportFormat format);

    /// The combo box title of a format: `pcap`, `json`, `plist`, `tree`, `merged pcap`, `CSV`.
    static QString formatTitle(fi::ExportFormat format);

public slots:
    /// Accepts when a directory is given (it is created on export if missing) and remembers
    /// the choices; otherwise says what is missing and stays open.
    void accept() override;

private:
    void browse();
    void updateState();
    void restoreSettings();
    void saveSettings() const;

    QLineEdit* m_directory;
    QComboBox* m_format;
    QLabel* m_formatHint;
    QGroupBox* m_pcapOptions;
    QComboBox* m_byteOrder;
    QCheckBox* m_nanosecond;
    QLabel* m_error;
    QPushButton* m_exportButton;
};
