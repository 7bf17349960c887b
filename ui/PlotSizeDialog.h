#pragma once

#include <QDialog>

class QSpinBox;

/// Asks for the pixel size of a saved plot, offering the size shown.
class PlotSizeDialog final : public QDialog
{
    Q_OBJECT

public:
    PlotSizeDialog(const QSize& shown, QWidget* parent = nullptr);
    QSize chosenSize() const;

private:
    QSpinBox* m_width;
    QSpinBox* m_height;
};
