#pragma once

#include <QAbstractItemModel>
#include <QStringList>

namespace fi::test {

/// The display texts of a column of a flat model, top row first.
inline QStringList columnTexts(const QAbstractItemModel& model, int column)
{
    QStringList texts;
    for (int r = 0; r < model.rowCount(); ++r)
        texts << model.index(r, column).data().toString();
    return texts;
}

} // namespace fi::test
