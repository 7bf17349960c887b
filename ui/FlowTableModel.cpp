#include "FlowTableModel.h"

#include "FlowSortKeys.h"

#include <QDateTime>
#include <QLocale>
#include <QTimeZone>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <numeric>

using namespace fi;

FlowTableModel::FlowTableModel(QObject* parent) : QAbstractTableModel(parent)
{
    connect(&m_sortJob, &QFutureWatcherBase::finished, this, &FlowTableModel::sortEnded);
}

FlowTableModel::~FlowTableModel()
{
    m_sortJob.waitForFinished(); // a Label sort reads the store's labels
}

void FlowTableModel::reset(const QString& path, fi::CaptureLayout layout)
{
    beginResetModel();
    if (m_sorting) {
        // A Label sort on the worker reads the labels where they are: the old flows go with
        // the job (a move leaves them in place), not before it ends.
        auto old = std::make_shared<CaptureStore>(std::move(m_store));
        m_sortJob.future().then([old](const std::vector<uint32_t>&) {});
    }
    m_store = CaptureStore();
    m_store.path = path.toStdString();
    m_store.layout = std::move(layout);
    m_byColumn.clear();
    m_rows.clear();
    m_rowOfFlow.clear();
    m_heldRows.clear();
    m_sinceRowsInserted.invalidate();
    if (m_sorting)
        m_sortAgain = true; // its flows are gone: sort what comes next instead
    endResetModel();
    emit flowCountsChanged();
}

void FlowTableModel::setAbsoluteTimes(bool absolute)
{
    if (absolute == m_absoluteTimes)
        return;
    m_absoluteTimes = absolute;
    if (!m_rows.empty())
        emit dataChanged(index(0, Start), index(int(m_rows.size()) - 1, Start));
    emit headerDataChanged(Qt::Horizontal, Start, Start);
}

void FlowTableModel::applyBatch(const LoadBatch& batch)
{
    const uint32_t oldFlows = uint32_t(m_store.flows.size());
    m_store.apply(batch);
    const uint32_t flows = uint32_t(m_store.flows.size());
    m_rowOfFlow.resize(flows, -1);

    // Changed statistics are one signal for the batch, not dataChanged: a view answers
    // dataChanged by walking every row of the range (QTreeView finds the rectangle to
    // repaint row by row), which cost seconds per load of 250,000 flows.
    if ((!batch.updates.empty() || !batch.connectionUpdates.empty()) && oldFlows > 0)
        emit statisticsChanged();

    if (flows == oldFlows)
        return;
    for (uint32_t f = oldFlows; f < flows; ++f) {
        m_byColumn.push_back(f);
        if (accepts(f))
            m_heldRows.push_back(f);
    }
    if (m_rows.empty() || !m_sinceRowsInserted.isValid() || m_sinceRowsInserted.elapsed() >= m_rowInsertInterval)
        insertHeldRows();
    emit flowCountsChanged();
}

void FlowTableModel::insertHeldRows()
{
    if (m_heldRows.empty())
        return;
    const int row = int(m_rows.size());
    beginInsertRows({}, row, row + int(m_heldRows.size()) - 1);
    for (uint32_t f : m_heldRows) {
        m_rowOfFlow[f] = int(m_rows.size());
        m_rows.push_back(f);
    }
    m_heldRows.clear();
    endInsertRows();
    m_sinceRowsInserted.start();
}

void FlowTableModel::finishLoading()
{
    // Flows matched the filter, and took their places, by the statistics of when they
    // opened; the numeric columns have changed since. (The layout change that follows
    // repaints every view.)
    insertHeldRows();
    m_store.indexPackets();
    if (m_sortColumn >= 0)
        startSort(); // filters too when it ends
    else
        refilter();
}

QModelIndex FlowTableModel::flowIndex(uint32_t flow, int column) const
{
    const int row = rowOf(flow);
    return row >= 0 ? index(row, column) : QModelIndex();
}

bool FlowTableModel::setFilterText(const QString& text)
{
    const QString simplified = text.simplified();
    FlowFilterError error;
    std::optional<FlowFilter> filter = FlowFilter::parse(simplified.toStdString(), &error);
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

void FlowTableModel::setStateFilter(StateFilter state)
{
    if (state == m_state)
        return;
    m_state = state;
    refilter();
}

bool FlowTableModel::accepts(uint32_t flow) const
{
    const FlowRecord& f = m_store.flows[flow];
    if (m_state != StateFilter::All && f.stats.closedByFin != (m_state == StateFilter::Closed))
        return false;
    return m_filter.matches(f, m_store.startNs());
}

std::vector<uint32_t> FlowTableModel::orderedRows() const
{
    if (m_filter.matchesEverything() && m_state == StateFilter::All)
        return m_byColumn;
    std::vector<uint32_t> rows;
    rows.reserve(m_byColumn.size());
    // The filter reads the flows in flow id order, as they lie in memory; reading them in the
    // sort's order made a filter change on 250,000 sorted flows five times slower.
    std::vector<uint8_t> accepted(m_store.flows.size());
    for (uint32_t f = 0; f < accepted.size(); ++f)
        accepted[f] = accepts(f);
    for (uint32_t f : m_byColumn)
        if (accepted[f])
            rows.push_back(f);
    return rows;
}

void FlowTableModel::refilter()
{
    setRows(orderedRows());
    emit flowCountsChanged();
}

void FlowTableModel::setRows(std::vector<uint32_t> rows)
{
    emit layoutAboutToBeChanged();
    const QModelIndexList before = persistentIndexList();
    std::vector<uint32_t> flowsBefore;
    flowsBefore.reserve(size_t(before.size()));
    for (const QModelIndex& i : before)
        flowsBefore.push_back(m_rows[size_t(i.row())]);

    m_rows = std::move(rows); // (every flow the filter accepts: none is held back any more)
    m_heldRows.clear();
    std::fill(m_rowOfFlow.begin(), m_rowOfFlow.end(), -1);
    for (size_t r = 0; r < m_rows.size(); ++r)
        m_rowOfFlow[m_rows[r]] = int(r);

    QModelIndexList after;
    after.reserve(before.size());
    for (qsizetype i = 0; i < before.size(); ++i) {
        const int row = m_rowOfFlow[flowsBefore[size_t(i)]];
        after.push_back(row >= 0 ? createIndex(row, before[i].column()) : QModelIndex());
    }
    changePersistentIndexList(before, after);
    emit layoutChanged();
}

void FlowTableModel::sort(int column, Qt::SortOrder order)
{
    if (column < 0 || column >= ColumnCount) {
        // capture order
        m_sortColumn = -1;
        m_sortOrder = Qt::AscendingOrder;
        m_sorting = false; // a sort still on the worker is dropped when it ends
        m_sortAgain = false;
        m_byColumn.resize(m_store.flows.size());
        std::iota(m_byColumn.begin(), m_byColumn.end(), 0u);
        refilter();
        return;
    }
    if (column == m_sortColumn && order == m_sortOrder && !m_sorting) {
        emit sortingFinished(); // already in that order
        return;
    }
    m_sortColumn = column;
    m_sortOrder = order;
    startSort();
}

void FlowTableModel::startSort()
{
    if (m_sorting) {
        m_sortAgain = true; // with the newest column and order, once this one ends
        return;
    }
    m_sorting = true;
    m_sortAgain = false;
    // The keys are copied here, on the thread that writes the store: one pass over the flows.
    FlowSortKeys keys = FlowSortKeys::take(m_store, FlowColumns::Column(m_sortColumn));
    const bool descending = m_sortOrder == Qt::DescendingOrder;
    m_sortJob.setFuture(QtConcurrent::run([keys = std::move(keys), descending] { return keys.sortedFlows(descending); }));
}

void FlowTableModel::sortEnded()
{
    if (!m_sorting)
        return; // dropped: capture order was chosen while it ran
    m_sorting = false;
    if (m_sortAgain) {
        startSort();
        return;
    }
    std::vector<uint32_t> sorted = m_sortJob.result();
    // flows added while it ran follow in capture order
    for (uint32_t f = uint32_t(sorted.size()); f < m_store.flows.size(); ++f)
        sorted.push_back(f);
    m_byColumn = std::move(sorted);
    refilter();
    emit sortingFinished();
}

int FlowTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int FlowTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant FlowTableModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || size_t(index.row()) >= m_rows.size())
        return {};
    const uint32_t flow = m_rows[size_t(index.row())];
    const FlowRecord& f = m_store.flows[flow];
    const FlowStats& s = f.stats;
    const auto c = FlowColumns::Column(index.column());
    switch (role) {
    case FlowIdRole: return flow;
    case IsOpenRole: return !s.closedByFin;
    case Qt::ToolTipRole:
        if (c == State)
            return s.closedByFin ? tr("A FIN ended this flow") : tr("No FIN seen: the flow was open when the capture ended");
        return QString::fromStdString(f.label());
    case Qt::TextAlignmentRole:
        return FlowColumns::isNumeric(c) ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
                                         : QVariant(Qt::AlignLeft | Qt::AlignVCenter);
    case Qt::AccessibleTextRole:
    case Qt::DisplayRole: break;
    default: return {};
    }
    // Texts are made for the rows a view paints, never kept per flow.
    switch (c) {
    case Bytes: return QLocale().toString(qulonglong(s.bytes));
    case Start:
        if (m_absoluteTimes)
            return QDateTime::fromMSecsSinceEpoch(s.firstNs / 1'000'000, QTimeZone::utc())
                .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"));
        break;
    case State: return s.closedByFin ? tr("closed by FIN") : tr("open at end");
    default: break;
    }
    return QString::fromStdString(FlowColumns::text(f, c, m_store.startNs()));
}

QVariant FlowTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return {};
    const auto column = FlowColumns::Column(section);
    if (role == Qt::DisplayRole) {
        if (column == Start && m_absoluteTimes)
            return tr("Start (UTC)");
        return tr(FlowColumns::title(column));
    }
    if (role == Qt::ToolTipRole) {
        if (column == Start && m_absoluteTimes)
            return tr("Time of the flow's first frame (UTC)");
        return tr(FlowColumns::description(column));
    }
    return {};
}
