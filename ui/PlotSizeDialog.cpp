#include "PlotSizeDialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QPushButton>
#include <QSpinBox>

PlotSizeDialog::PlotSizeDialog(const QSize& shown, QWidget* parent) : QDialog(parent)
{
    setWindowTitle(tr("Plot Size"));
    auto* form = new QFormLayout(this);
    m_width = new QSpinBox(this);
    m_height = new QSpinBox(this);
    for (QSpinBox* box : {m_width, m_height}) {
        box->setRange(50, 20000);
        box->setSuffix(tr(" px"));
    }
    m_width->setValue(shown.width());
    m_height->setValue(shown.height());
    m_width->setAccessibleName(tr("Width"));
    m_height->setAccessibleName(tr("Height"));
    form->addRow(tr("&Width:"), m_width);
    form->addRow(tr("&Height:"), m_height);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    QPushButton* asShown = buttons->addButton(tr("Size &Shown"), QDialogButtonBox::ResetRole);
    connect(asShown, &QPushButton::clicked, this, [this, shown] {
        m_width->setValue(shown.width());
        m_height->setValue(shown.height());
    });
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    form->addRow(buttons);
}

QSize PlotSizeDialog::chosenSize() const
{
    return {m_width->value(), m_height->value()};
}
