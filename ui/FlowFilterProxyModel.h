#pragma once

#include <QSortFilterProxyModel>

/// Sorts flows by any column (a flow's frames stay in capture order) and filters flows by text
/// and state.
/// The text matches when every word of it is found in the flow's label, addresses or ports
/// (case-insensitive; a word that is a number also matches a port exactly). Frames are never
/// filtered out: a shown flow shows all its frames.
class FlowFilterProxyModel final : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    enum class StateFilter { All, Open, Closed };

    explicit FlowFilterProxyModel(QObject* parent = nullptr);

    void setFilterText(const QString& text);
    QString filterText() const { return m_text; }
    void setStateFilter(StateFilter state);
    StateFilter stateFilter() const { return m_state; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;
    bool lessThan(const QModelIndex& left, const QModelIndex& right) const override;

private:
    QString m_text;
    QStringList m_words;
    std::vector<int> m_portWords; ///< per word: the port it names, or -1
    StateFilter m_state = StateFilter::All;
};
