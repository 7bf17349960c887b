#include "FlowTreeView.h"

#include <QItemSelectionModel>

void FlowTreeView::selectAll()
{
    QAbstractItemModel* m = model();
    QItemSelectionModel* selection = selectionModel();
    if (!m || !selection || selectionMode() == SingleSelection || selectionMode() == NoSelection)
        return;
    const int rows = m->rowCount();
    if (rows == 0)
        return;
    selection->select(QItemSelection(m->index(0, 0), m->index(rows - 1, m->columnCount() - 1)),
                      QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
}
