#pragma once

#include "CaptureStore.h"
#include "FlowColumns.h"
#include "FlowFilter.h"

#include <QAbstractTableModel>
#include <QElapsedTimer>
#include <QFutureWatcher>
#include <QString>

#include <vector>

/// The flow table: one row per flow of a CaptureStore (which it owns and fills batch by
/// batch), keyed and titled by its pcapkit label, in an order of its own: filtered by a typed
/// filter (fi::FlowFilter) and a state, and sorted by any column.
///
/// Rows are flow ids in a vector, never an item per flow. Filtering is one pass over the
/// flows on the calling thread; sorting copies the column's keys (fi::FlowSortKeys) and sorts
/// them on a worker thread, so that sorting a quarter of a million flows never holds the
/// window: the rows take their new order when the sort ends (sortingFinished()). Both keep
/// selections and the current row through the layout change. Flows added while loading go at
/// the end of the rows; finishLoading() filters and sorts everything once more.
class FlowTableModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    /// The columns: fi::FlowColumns (Label, Source, … State, ColumnCount).
    using enum fi::FlowColumns::Column;
    enum Role {
        FlowIdRole = Qt::UserRole + 1, ///< the row's flow id
        IsOpenRole,                    ///< still open at the end of what was read
    };
    enum class StateFilter { All, Open, Closed };

    explicit FlowTableModel(QObject* parent = nullptr);
    ~FlowTableModel() override;

    /// Starts over with an empty capture (the filter and sort order stay).
    void reset(const QString& path, fi::CaptureLayout layout = {});
    /// Adds a loader batch: new flows as rows at the end, changed statistics (statisticsChanged()).
    void applyBatch(const fi::LoadBatch& batch);
    /// The capture is complete: shows the rows held back, filters and sorts by the final
    /// statistics.
    void finishLoading();
    /// While loading, new rows are announced (rowsInserted) at most every `ms` milliseconds,
    /// the first at once; finishLoading() shows the rest. 0, the default: with every batch.
    /// (A tree view lays out every row again at each insertion: on 250,000 flows, with a batch
    /// every 50 ms, that was a third of the GUI thread's time while loading.)
    void setRowInsertInterval(int ms) { m_rowInsertInterval = ms; }

    const fi::CaptureStore& store() const { return m_store; }
    bool absoluteTimes() const { return m_absoluteTimes; }
    void setAbsoluteTimes(bool absolute);

    /// The flow of a row, and the row of a flow (-1 when the filter hides it).
    uint32_t flowAt(int row) const { return m_rows[size_t(row)]; }
    int rowOf(uint32_t flow) const { return flow < m_rowOfFlow.size() ? m_rowOfFlow[flow] : -1; }
    QModelIndex flowIndex(uint32_t flow, int column = 0) const;

    /// Filters by `text` when it is a filter and returns true; otherwise keeps the filter in
    /// use, returns false, and filterError() says why and where.
    bool setFilterText(const QString& text);
    QString filterText() const { return m_text; } ///< the filter in use (simplified)
    /// Why the last text given is not a filter (`unknown field 'tcp.prot' … at 0`), or empty.
    QString filterError() const { return m_error; }
    void setStateFilter(StateFilter state);
    StateFilter stateFilter() const { return m_state; }
    /// Whether the text or the state filter can hide flows.
    bool isFiltering() const { return !m_filter.matchesEverything() || m_state != StateFilter::All; }
    int shownFlows() const { return int(m_rows.size()); }
    int totalFlows() const { return int(m_store.flows.size()); }

    /// Sorts by `column` (-1: capture order). Returns at once; the rows change when the sort
    /// ends, on the next turns of the event loop.
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;
    int sortColumn() const { return m_sortColumn; }
    Qt::SortOrder sortOrder() const { return m_sortOrder; }
    /// Whether a sort is still running on the worker.
    bool isSorting() const { return m_sorting; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

signals:
    /// shownFlows() or totalFlows() may have changed: a filter changed or flows were added.
    void flowCountsChanged();
    /// A sort ended and the rows are in its order.
    void sortingFinished();
    /// A batch changed the statistics of flows already shown: views repaint what they show.
    void statisticsChanged();

private:
    bool accepts(uint32_t flow) const;
    /// The rows in the current order and filter.
    std::vector<uint32_t> orderedRows() const;
    /// Puts `rows` in place of the current ones as one layout change, moving persistent
    /// indexes (selections, the current row) with their flows.
    void setRows(std::vector<uint32_t> rows);
    void refilter();
    /// Announces the rows held back (m_heldRows) at the end.
    void insertHeldRows();
    void startSort();
    void sortEnded();

    fi::CaptureStore m_store;
    std::vector<uint32_t> m_byColumn;  ///< every flow in the order of the sort column and
                                       ///< direction (then the flows added since the sort)
    std::vector<uint32_t> m_rows;      ///< the shown flows, in display order
    std::vector<int> m_rowOfFlow;      ///< by flow id: its row, or -1
    /// New flows the filter accepts, not yet rows (setRowInsertInterval), in capture order
    std::vector<uint32_t> m_heldRows;
    int m_rowInsertInterval = 0;
    QElapsedTimer m_sinceRowsInserted;
    QString m_text;
    QString m_error;
    fi::FlowFilter m_filter;
    StateFilter m_state = StateFilter::All;
    int m_sortColumn = -1;
    Qt::SortOrder m_sortOrder = Qt::AscendingOrder;
    QFutureWatcher<std::vector<uint32_t>> m_sortJob;
    bool m_sorting = false;   ///< a sort is on the worker, or its result not yet applied
    bool m_sortAgain = false; ///< sort() was called while a sort ran
    bool m_absoluteTimes = false;
};
