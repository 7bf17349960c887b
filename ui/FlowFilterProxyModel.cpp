#include "FlowFilterProxyModel.h"

#include "FlowTreeModel.h"

#include <algorithm>
#include <numeric>

FlowFilterProxyModel::FlowFilterProxyModel(QObject* parent) : QSortFilterProxyModel(parent)
{
    setSortRole(FlowTreeModel::SortRole);
    setDynamicSortFilter(true);
    // Flows shown or hidden as the source changes (a filter change says so itself).
    auto topLevel = [this](const QModelIndex& where) {
        if (!where.isValid())
            emit flowCountsChanged();
    };
    connect(this, &QAbstractItemModel::rowsInserted, this, topLevel);
    connect(this, &QAbstractItemModel::rowsRemoved, this, topLevel);
    connect(this, &QAbstractItemModel::modelReset, this, &FlowFilterProxyModel::flowCountsChanged);
}

void FlowFilterProxyModel::setSourceModel(QAbstractItemModel* model)
{
    disconnect(m_sourceRowsInserted);
    disconnect(m_sourceReset);
    m_flows = qobject_cast<const FlowTreeModel*>(model);
    Q_ASSERT(m_flows || !model);
    m_textRanks.clear();
    QSortFilterProxyModel::setSourceModel(model);
    if (!model)
        return;
    // New flows change the total even when the filter hides them, and make the text ranks old.
    m_sourceRowsInserted = connect(model, &QAbstractItemModel::rowsInserted, this, [this](const QModelIndex& parent) {
        if (!parent.isValid()) {
            m_textRanks.clear();
            emit flowCountsChanged();
        }
    });
    m_sourceReset = connect(model, &QAbstractItemModel::modelReset, this, [this] { m_textRanks.clear(); });
}

bool FlowFilterProxyModel::setFilterText(const QString& text)
{
    const QString simplified = text.simplified();
    fi::FlowFilterError error;
    std::optional<fi::FlowFilter> filter = fi::FlowFilter::parse(simplified.toStdString(), &error);
    if (!filter) {
        m_error = QString::fromStdString(error.message());
        return false;
    }
    m_error.clear();
    if (simplified == m_text)
        return true;
    m_text = simplified;
    m_filter = std::move(*filter);
    refilter();
    return true;
}

void FlowFilterProxyModel::setStateFilter(StateFilter state)
{
    if (state == m_state)
        return;
    m_state = state;
    refilter();
}

void FlowFilterProxyModel::refilter()
{
    // One layout change, not invalidateRowsFilter(): that tells views of every run of rows
    // shown or hidden, and a tree view spends time proportional to all rows on each, which
    // made a filter change on 250,000 flows take seconds. Selection and expanded flows stay.
    prepareSortKeys(sortColumn());
    invalidate();
    rowCount(); // filter and sort now, while the keys are there
    m_sortKeys.clear();
    emit flowCountsChanged();
}

void FlowFilterProxyModel::sort(int column, Qt::SortOrder order)
{
    prepareSortKeys(column);
    QSortFilterProxyModel::sort(column, order);
    m_sortKeys.clear();
}

void FlowFilterProxyModel::prepareSortKeys(int column)
{
    m_sortKeys.clear();
    if (!m_flows || column < 0 || column >= FlowTreeModel::ColumnCount)
        return;
    const std::vector<fi::FlowRecord>& flows = m_flows->store().flows;
    const bool text = column == FlowTreeModel::Label || column == FlowTreeModel::Source ||
                      column == FlowTreeModel::Destination;
    if (!text) {
        m_sortKeys.resize(flows.size());
        for (size_t f = 0; f < flows.size(); ++f)
            m_sortKeys[f] = fi::FlowColumns::number(flows[f], fi::FlowColumns::Column(column), 0);
        return;
    }
    // Texts: each flow's rank in the order of all flows, kept while no flow is added (a
    // flow's texts never change), so that only the first sort by a text compares texts.
    if (m_textRanksColumn != column || m_textRanks.empty()) {
        std::vector<uint32_t> order(flows.size());
        std::iota(order.begin(), order.end(), 0u);
        auto less = [this, column](uint32_t a, uint32_t b) { return m_flows->flowLessThan(a, b, column); };
        std::sort(order.begin(), order.end(), less);
        m_textRanks.assign(flows.size(), 0);
        for (size_t i = 1; i < order.size(); ++i) // equal texts share a rank
            m_textRanks[order[i]] = less(order[i - 1], order[i]) ? int64_t(i) : m_textRanks[order[i - 1]];
        m_textRanksColumn = column;
    }
    m_sortKeys = m_textRanks;
}

int FlowFilterProxyModel::totalFlows() const
{
    return sourceModel() ? sourceModel()->rowCount() : 0;
}

bool FlowFilterProxyModel::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    if (sourceParent.isValid())
        return true; // frames of a shown flow
    const fi::CaptureStore& store = m_flows->store();
    const fi::FlowRecord& flow = store.flows[size_t(sourceRow)];
    if (m_state != StateFilter::All && flow.stats.closedByFin != (m_state == StateFilter::Closed))
        return false;
    return m_filter.matches(flow, store.startNs());
}

bool FlowFilterProxyModel::lessThan(const QModelIndex& left, const QModelIndex& right) const
{
    // A flow's frames stay in capture order whatever the column: that order is what they
    // mean, and comparing rows (not values) keeps sorting a million frames cheap.
    if (!FlowTreeModel::isFlowRow(left)) // (a descending sort reverses the answer: undo that)
        return sortOrder() == Qt::AscendingOrder ? left.row() < right.row() : left.row() > right.row();
    // Flows: sorting 250,000 of them makes millions of comparisons, none through a QVariant.
    if (!m_sortKeys.empty())
        return m_sortKeys[size_t(left.row())] < m_sortKeys[size_t(right.row())];
    return m_flows->flowLessThan(uint32_t(left.row()), uint32_t(right.row()), left.column());
}
