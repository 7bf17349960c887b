#pragma once

#include "ConversationIndex.h"

#include <QAbstractItemModel>

#include <optional>
#include <vector>

class FlowTableModel;

/// The flow table's Conversations mode: one row per conversation (fi::ConversationIndex) of the
/// capture a FlowTableModel holds, expandable to its flows, which keep their seed labels.
///
/// It follows the flow model: its conversations grow as flows are loaded; a conversation is
/// shown when one of its flows is (the flow table's filter and state choose); a new capture
/// empties it. It sorts its conversations by any column (their flows stay in opening order),
/// capture order among equals. Statistics are read from the store when painted.
class ConversationModel final : public QAbstractItemModel
{
    Q_OBJECT

public:
    enum Column
    {
        Conversation,   ///< `client ⇄ server`; a flow row: its label
        Client,         ///< address:port; a flow row: its source
        Server,         ///< a flow row: its destination
        ClientPackets,  ///< client to server
        ClientBytes,
        ServerPackets,  ///< server to client
        ServerBytes,
        Start,
        Duration,
        State,
        Flows,
        /// TCP analysis over both directions (a flow row: its own), as the flow table's
        /// columns of the same names (fi::FlowColumns)
        Retransmissions,
        RetransmittedBytes,
        OutOfOrder,
        LostSegments,
        DuplicateAcks,
        ZeroWindows,
        HandshakeRtt,
        RttMin,
        RttMean,
        RttMax,
        MaxInFlight,
        Throughput, ///< all bytes, both directions, over the conversation's duration
        ConnState,  ///< the connection's state and history as Zeek gives them
        History,
        ColumnCount
    };
    enum Role
    {
        FlowIdRole = Qt::UserRole + 1, ///< a flow row's flow; a conversation's first flow
        ConversationRole,              ///< the row's conversation
    };

    explicit ConversationModel(FlowTableModel* flows, QObject* parent = nullptr);

    const fi::ConversationIndex& conversations() const { return m_index; }
    /// Adds the flows of `index` to `out`: a conversation's every flow, a flow row's flow.
    void appendFlowsOf(const QModelIndex& index, std::vector<uint32_t>& out) const;
    /// The flow of a flow row, or a conversation row's first flow.
    std::optional<uint32_t> flowOf(const QModelIndex& index) const;
    /// The row of a conversation (-1 when none of its flows is shown).
    int rowOf(uint32_t conversation) const;
    int shownConversations() const { return int(m_rows.size()); }

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

signals:
    /// Flows' statistics changed (a load batch): views repaint what they show.
    void statisticsChanged();

private:
    static constexpr quintptr kTopLevel = ~quintptr(0);
    static constexpr int kPending = -2; ///< a row of m_rowOfConversation about to be added

    bool shown(uint32_t conversation) const;
    /// The conversation's flow of child row `row`.
    uint32_t flowAt(uint32_t conversation, int row) const;
    /// Takes the flows the flow model added: new conversations at the end, new flows in theirs.
    void takeNewFlows();
    /// Rows again from the flow model's filter, in the current order, as one layout change.
    void refilter();
    /// `conversations` in the order of the sort column (capture order among equals).
    void order(std::vector<uint32_t>& conversations) const;
    void setRows(std::vector<uint32_t> rows);
    QString endpoint(const fi::IpAddress& address, uint16_t port) const;

    FlowTableModel* m_flows;
    fi::ConversationIndex m_index;
    std::vector<uint32_t> m_rows;     ///< shown conversations in display order
    std::vector<int> m_rowOfConversation;
    /// by conversation: the flows views know of as its child rows (flows join while loading)
    std::vector<uint32_t> m_exposed;
    int m_sortColumn = -1;
    Qt::SortOrder m_sortOrder = Qt::AscendingOrder;
};
