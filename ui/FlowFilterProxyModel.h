#pragma once

#include "FlowFilter.h"

#include <QSortFilterProxyModel>

class FlowTreeModel;

/// Sorts flows by any column (a flow's frames stay in capture order) and filters flows by a
/// typed filter (fi::FlowFilter's language: `host 10.0.0.1 and port 443`, `bytes > 1M`, plain
/// words) and by state. The filter is parsed once per text and matched against the store's
/// flow records. Frames are never filtered out: a shown flow shows all its frames.
/// The source model must be a FlowTreeModel.
class FlowFilterProxyModel final : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    enum class StateFilter { All, Open, Closed };

    explicit FlowFilterProxyModel(QObject* parent = nullptr);

    void setSourceModel(QAbstractItemModel* model) override;
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

    /// Filters by `text` when it is a filter and returns true; otherwise keeps the filter in
    /// use, returns false, and filterError() says why and where.
    bool setFilterText(const QString& text);
    /// The text of the filter in use (simplified).
    QString filterText() const { return m_text; }
    /// Why the last text given is not a filter (`unknown field 'tcp.prot' … at 0`), or empty.
    QString filterError() const { return m_error; }
    void setStateFilter(StateFilter state);
    StateFilter stateFilter() const { return m_state; }

    /// Whether the text or the state filter can hide flows.
    bool isFiltering() const { return !m_filter.matchesEverything() || m_state != StateFilter::All; }
    /// Flows shown (the top-level rows) and flows in the capture.
    int shownFlows() const { return rowCount(); }
    int totalFlows() const;

signals:
    /// shownFlows() or totalFlows() may have changed: a filter changed or flows were added.
    void flowCountsChanged();

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;
    bool lessThan(const QModelIndex& left, const QModelIndex& right) const override;

private:
    void refilter();
    /// For one sort of every shown flow: each flow's number in `column` side by side, so that
    /// a comparison reads two of them rather than two flow records (cache misses, by the
    /// million for 250,000 flows). Text columns have none.
    void prepareSortKeys(int column);

    const FlowTreeModel* m_flows = nullptr;
    QMetaObject::Connection m_sourceRowsInserted;
    QMetaObject::Connection m_sourceReset;
    QString m_text;
    QString m_error;
    fi::FlowFilter m_filter;
    StateFilter m_state = StateFilter::All;
    std::vector<int64_t> m_sortKeys;  ///< by flow id, during sort() and refilter() only
    std::vector<int64_t> m_textRanks; ///< by flow id: rank by m_textRanksColumn's text; empty: to make
    int m_textRanksColumn = -1;
};
