#include "FlowFilterProxyModel.h"

#include "FlowTreeModel.h"

FlowFilterProxyModel::FlowFilterProxyModel(QObject* parent) : QSortFilterProxyModel(parent)
{
    setSortRole(FlowTreeModel::SortRole);
    setDynamicSortFilter(true);
}

void FlowFilterProxyModel::setFilterText(const QString& text)
{
    const QString simplified = text.simplified();
    if (simplified == m_text)
        return;
    m_text = simplified;
    m_words = m_text.isEmpty() ? QStringList() : m_text.split(QLatin1Char(' '));
    m_portWords.clear();
    for (const QString& w : m_words) {
        bool ok = false;
        const int port = w.toInt(&ok);
        m_portWords.push_back(ok && port >= 0 && port <= 65535 ? port : -1);
    }
    invalidateRowsFilter();
}

void FlowFilterProxyModel::setStateFilter(StateFilter state)
{
    if (state == m_state)
        return;
    m_state = state;
    invalidateRowsFilter();
}

bool FlowFilterProxyModel::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    if (sourceParent.isValid())
        return true; // frames of a shown flow
    const QModelIndex row = sourceModel()->index(sourceRow, 0, sourceParent);
    if (m_state != StateFilter::All) {
        const bool open = row.data(FlowTreeModel::IsOpenRole).toBool();
        if (open != (m_state == StateFilter::Open))
            return false;
    }
    if (m_words.isEmpty())
        return true;
    const QString text = row.data(FlowTreeModel::FilterTextRole).toString();
    const auto* model = static_cast<const FlowTreeModel*>(sourceModel());
    const fi::BufferID& id = model->store().flows[size_t(sourceRow)].id;
    for (qsizetype i = 0; i < m_words.size(); ++i) {
        const int port = m_portWords[size_t(i)];
        if (port >= 0 && (id.srcport == port || id.dstport == port))
            continue;
        if (!text.contains(m_words[i], Qt::CaseInsensitive))
            return false;
    }
    return true;
}

bool FlowFilterProxyModel::lessThan(const QModelIndex& left, const QModelIndex& right) const
{
    // A flow's frames stay in capture order whatever the column: that order is what they
    // mean, and comparing rows (not values) keeps sorting a million frames cheap.
    if (left.parent().isValid()) // (a descending sort reverses the answer: undo that)
        return sortOrder() == Qt::AscendingOrder ? left.row() < right.row() : left.row() > right.row();
    const QVariant a = left.data(FlowTreeModel::SortRole), b = right.data(FlowTreeModel::SortRole);
    if (a.typeId() == QMetaType::QString)
        return QString::compare(a.toString(), b.toString(), Qt::CaseInsensitive) < 0;
    return QVariant::compare(a, b) == QPartialOrdering::Less;
}
