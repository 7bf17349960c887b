#include "ConversationModel.h"

#include "FlowColumns.h"
#include "FlowTableModel.h"

#include <QDateTime>
#include <QLocale>
#include <QTimeZone>

#include <algorithm>
#include <tuple>

using fi::ConversationIndex;
using fi::FlowColumns;

namespace {

/// The flow table's column of each TCP analysis column (they come in the same order): a
/// conversation's figures read and sort as a flow's (FlowColumns), over both directions.
FlowColumns::Column flowColumnOf(int column)
{
    static_assert(ConversationModel::ColumnCount - ConversationModel::Retransmissions ==
                  FlowColumns::ColumnCount - FlowColumns::Retransmissions);
    return FlowColumns::Column(FlowColumns::Retransmissions + (column - ConversationModel::Retransmissions));
}

bool isAnalysisColumn(int column)
{
    return column >= ConversationModel::Retransmissions && column < ConversationModel::ColumnCount;
}

/// A record with a conversation's figures and totals, for FlowColumns to read them from.
fi::FlowRecord figuresRecord(const ConversationIndex::Summary& s)
{
    fi::FlowRecord record;
    record.analysis = s.analysis;
    record.stats.bytes = s.bytes[0] + s.bytes[1];
    record.stats.firstNs = s.firstNs;
    record.stats.lastNs = s.lastNs;
    record.connection = s.connection;
    return record;
}

auto endpointKey(const fi::IpAddress& a, uint16_t port)
{
    return std::make_tuple(a.family, a.bytes, port);
}

} // namespace

ConversationModel::ConversationModel(FlowTableModel* flows, QObject* parent)
    : QAbstractItemModel(parent), m_flows(flows)
{
    connect(flows, &QAbstractItemModel::modelReset, this, [this] {
        beginResetModel();
        m_index.clear();
        m_rows.clear();
        m_rowOfConversation.clear();
        m_exposed.clear();
        endResetModel();
    });
    connect(flows, &FlowTableModel::flowCountsChanged, this, &ConversationModel::takeNewFlows);
    connect(flows, &QAbstractItemModel::layoutChanged, this, &ConversationModel::refilter);
    connect(flows, &FlowTableModel::statisticsChanged, this, &ConversationModel::statisticsChanged);
    takeNewFlows();
}

bool ConversationModel::shown(uint32_t conversation) const
{
    for (uint32_t f = m_index.firstFlow(conversation); f != ConversationIndex::kNone; f = m_index.nextFlow(f))
        if (m_flows->rowOf(f) >= 0)
            return true;
    return false;
}

int ConversationModel::rowOf(uint32_t conversation) const
{
    return conversation < m_rowOfConversation.size() ? m_rowOfConversation[conversation] : -1;
}

void ConversationModel::takeNewFlows()
{
    const fi::CaptureStore& store = m_flows->store();
    const uint32_t from = m_index.flowsTaken();
    if (from >= store.flows.size())
        return;
    m_index.update(store);
    m_rowOfConversation.resize(m_index.size(), -1);
    m_exposed.resize(m_index.size(), 0);
    // Flows joining shown conversations are new child rows; conversations with a shown flow
    // for the first time are new rows at the end (sorted in when the load ends).
    std::vector<uint32_t> added;
    for (uint32_t f = from; f < m_index.flowsTaken(); ++f) {
        const uint32_t c = m_index.conversationOf(f);
        const int row = m_rowOfConversation[c];
        const uint32_t count = m_index.flowCount(c);
        if (row >= 0 && m_exposed[c] < count) {
            beginInsertRows(index(row, 0), int(m_exposed[c]), int(count) - 1);
            m_exposed[c] = count;
            endInsertRows();
        } else if (row == -1 && m_flows->rowOf(f) >= 0) {
            m_rowOfConversation[c] = kPending;
            added.push_back(c);
        }
    }
    if (added.empty())
        return;
    const int first = int(m_rows.size());
    beginInsertRows({}, first, first + int(added.size()) - 1);
    for (uint32_t c : added) {
        m_rowOfConversation[c] = int(m_rows.size());
        m_rows.push_back(c);
        m_exposed[c] = m_index.flowCount(c);
    }
    endInsertRows();
}

void ConversationModel::refilter()
{
    takeNewFlows();
    std::vector<uint32_t> rows;
    for (uint32_t c = 0; c < m_index.size(); ++c)
        if (shown(c))
            rows.push_back(c);
    order(rows);
    setRows(std::move(rows));
}

void ConversationModel::order(std::vector<uint32_t>& conversations) const
{
    if (m_sortColumn < 0) {
        std::sort(conversations.begin(), conversations.end());
        return;
    }
    std::sort(conversations.begin(), conversations.end()); // capture order among equals
    const fi::CaptureStore& store = m_flows->store();
    const bool descending = m_sortOrder == Qt::DescendingOrder;
    // (key, conversation) pairs side by side, sorted by key alone
    auto sortBy = [&](auto keyOf) {
        using Key = decltype(keyOf(uint32_t(0)));
        std::vector<std::pair<Key, uint32_t>> keyed;
        keyed.reserve(conversations.size());
        for (uint32_t c : conversations)
            keyed.emplace_back(keyOf(c), c);
        std::stable_sort(keyed.begin(), keyed.end(), [descending](const auto& a, const auto& b) {
            return descending ? b.first < a.first : a.first < b.first;
        });
        for (size_t i = 0; i < keyed.size(); ++i)
            conversations[i] = keyed[i].second;
    };
    if (m_sortColumn <= Server) {
        sortBy([&](uint32_t c) {
            const fi::BufferID id = m_index.summary(store, c).clientToServer;
            return m_sortColumn == Server ? std::tuple_cat(endpointKey(id.dst, id.dstport), endpointKey(id.src, id.srcport))
                                          : std::tuple_cat(endpointKey(id.src, id.srcport), endpointKey(id.dst, id.dstport));
        });
        return;
    }
    sortBy([&](uint32_t c) -> int64_t {
        const ConversationIndex::Summary s = m_index.summary(store, c);
        switch (m_sortColumn) {
        case ClientPackets: return s.packets[0];
        case ClientBytes: return int64_t(s.bytes[0]);
        case ServerPackets: return s.packets[1];
        case ServerBytes: return int64_t(s.bytes[1]);
        case Start: return s.firstNs;
        case Duration: return s.lastNs - s.firstNs;
        case State: return int64_t(s.state);
        case Flows: return int64_t(m_index.flowCount(c));
        default:
            return isAnalysisColumn(m_sortColumn) ? FlowColumns::number(figuresRecord(s), flowColumnOf(m_sortColumn), 0) : 0;
        }
    });
}

void ConversationModel::sort(int column, Qt::SortOrder order)
{
    m_sortColumn = column >= 0 && column < ColumnCount ? column : -1;
    m_sortOrder = order;
    std::vector<uint32_t> rows = m_rows;
    this->order(rows);
    setRows(std::move(rows));
}

void ConversationModel::setRows(std::vector<uint32_t> rows)
{
    emit layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
    std::vector<int> rowOf(m_index.size(), -1);
    for (size_t r = 0; r < rows.size(); ++r)
        rowOf[rows[r]] = int(r);
    // selections and the current row stay with their conversations and flows
    const QModelIndexList before = persistentIndexList();
    QModelIndexList after;
    after.reserve(before.size());
    for (const QModelIndex& i : before) {
        if (i.internalId() == kTopLevel) {
            const int row = rowOf[m_rows[size_t(i.row())]];
            after << (row < 0 ? QModelIndex() : createIndex(row, i.column(), kTopLevel));
        } else {
            after << (rowOf[i.internalId()] < 0 ? QModelIndex() : i);
        }
    }
    m_rows = std::move(rows);
    m_rowOfConversation = std::move(rowOf);
    for (uint32_t c : m_rows)
        m_exposed[c] = m_index.flowCount(c);
    changePersistentIndexList(before, after);
    emit layoutChanged({}, QAbstractItemModel::VerticalSortHint);
}

void ConversationModel::appendFlowsOf(const QModelIndex& index, std::vector<uint32_t>& out) const
{
    if (!index.isValid())
        return;
    if (index.internalId() == kTopLevel) {
        const uint32_t c = m_rows[size_t(index.row())];
        for (uint32_t f = m_index.firstFlow(c); f != ConversationIndex::kNone; f = m_index.nextFlow(f))
            out.push_back(f);
    } else {
        out.push_back(flowAt(uint32_t(index.internalId()), index.row()));
    }
}

std::optional<uint32_t> ConversationModel::flowOf(const QModelIndex& index) const
{
    if (!index.isValid())
        return std::nullopt;
    if (index.internalId() == kTopLevel)
        return m_index.firstFlow(m_rows[size_t(index.row())]);
    return flowAt(uint32_t(index.internalId()), index.row());
}

uint32_t ConversationModel::flowAt(uint32_t conversation, int row) const
{
    uint32_t f = m_index.firstFlow(conversation);
    for (int i = 0; i < row; ++i)
        f = m_index.nextFlow(f);
    return f;
}

QModelIndex ConversationModel::index(int row, int column, const QModelIndex& parent) const
{
    if (row < 0 || column < 0 || column >= ColumnCount)
        return {};
    if (!parent.isValid())
        return size_t(row) < m_rows.size() ? createIndex(row, column, kTopLevel) : QModelIndex();
    if (parent.internalId() != kTopLevel || parent.column() != 0)
        return {};
    const uint32_t c = m_rows[size_t(parent.row())];
    return uint32_t(row) < m_exposed[c] ? createIndex(row, column, quintptr(c)) : QModelIndex();
}

QModelIndex ConversationModel::parent(const QModelIndex& child) const
{
    if (!child.isValid() || child.internalId() == kTopLevel)
        return {};
    const int row = rowOf(uint32_t(child.internalId()));
    return row < 0 ? QModelIndex() : createIndex(row, 0, kTopLevel);
}

int ConversationModel::rowCount(const QModelIndex& parent) const
{
    if (!parent.isValid())
        return int(m_rows.size());
    if (parent.internalId() != kTopLevel || parent.column() != 0)
        return 0;
    return int(m_exposed[m_rows[size_t(parent.row())]]);
}

int ConversationModel::columnCount(const QModelIndex&) const
{
    return ColumnCount;
}

QString ConversationModel::endpoint(const fi::IpAddress& address, uint16_t port) const
{
    return QString::fromStdString(address.endpointText(port));
}

QVariant ConversationModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid())
        return {};
    const fi::CaptureStore& store = m_flows->store();
    const bool conversationRow = index.internalId() == kTopLevel;
    const uint32_t c = conversationRow ? m_rows[size_t(index.row())] : uint32_t(index.internalId());
    const int column = index.column();
    switch (role) {
    case FlowIdRole: return *flowOf(index);
    case ConversationRole: return c;
    case Qt::TextAlignmentRole:
        return (column >= ClientPackets && column <= Duration) || column == Flows ||
                       (isAnalysisColumn(column) && FlowColumns::isNumeric(flowColumnOf(column)))
                   ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
                   : QVariant(Qt::AlignLeft | Qt::AlignVCenter);
    case Qt::ToolTipRole:
    case Qt::DisplayRole:
    case Qt::AccessibleTextRole: break;
    default: return {};
    }
    const QLocale locale;
    auto startText = [&](int64_t firstNs) -> QString {
        if (m_flows->absoluteTimes())
            return QDateTime::fromMSecsSinceEpoch(firstNs / 1'000'000, QTimeZone::utc()).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"));
        return QString::fromStdString(FlowColumns::secondsText(firstNs - store.startNs()));
    };
    if (conversationRow) {
        const ConversationIndex::Summary s = m_index.summary(store, c);
        const fi::BufferID& id = s.clientToServer;
        switch (column) {
        case Conversation: return endpoint(id.src, id.srcport) + QStringLiteral(" \u21c4 ") + endpoint(id.dst, id.dstport);
        case Client: return endpoint(id.src, id.srcport);
        case Server: return endpoint(id.dst, id.dstport);
        case ClientPackets: return locale.toString(s.packets[0]);
        case ClientBytes: return locale.toString(qulonglong(s.bytes[0]));
        case ServerPackets: return locale.toString(s.packets[1]);
        case ServerBytes: return locale.toString(qulonglong(s.bytes[1]));
        case Start: return startText(s.firstNs);
        case Duration: return QString::fromStdString(FlowColumns::secondsText(s.lastNs - s.firstNs));
        case State: return tr(fi::conversationStateName(s.state));
        case Flows: return locale.toString(qulonglong(m_index.flowCount(c)));
        default:
            if (isAnalysisColumn(column))
                return QString::fromStdString(FlowColumns::text(figuresRecord(s), flowColumnOf(column), 0));
            return {};
        }
    }
    const uint32_t flow = flowAt(c, index.row());
    const fi::FlowRecord& f = store.flows[flow];
    const int direction = m_index.direction(store, flow);
    switch (column) {
    case Conversation: return QString::fromStdString(f.label());
    case Client: return direction == 0 ? endpoint(f.id.src, f.id.srcport) : QString();
    case Server: return direction == 1 ? endpoint(f.id.src, f.id.srcport) : QString();
    case ClientPackets: return direction == 0 ? locale.toString(f.stats.packets) : QString();
    case ClientBytes: return direction == 0 ? locale.toString(qulonglong(f.stats.bytes)) : QString();
    case ServerPackets: return direction == 1 ? locale.toString(f.stats.packets) : QString();
    case ServerBytes: return direction == 1 ? locale.toString(qulonglong(f.stats.bytes)) : QString();
    case Start: return startText(f.stats.firstNs);
    case Duration: return QString::fromStdString(FlowColumns::secondsText(f.stats.lastNs - f.stats.firstNs));
    case State: return tr(FlowColumns::stateText(f.stats.closedByFin));
    default:
        if (isAnalysisColumn(column))
            return QString::fromStdString(FlowColumns::text(f, flowColumnOf(column), 0));
        return {};
    }
}

QVariant ConversationModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return {};
    static const char* const kTitles[] = {"Conversation", "Client", "Server", "Packets \u2192", "Bytes \u2192",
                                          "Packets \u2190", "Bytes \u2190", "Start", "Duration", "State", "Flows"};
    static const char* const kTips[] = {
        "Client and server; its flows below, by their labels",
        "The client: the sender of the SYN (else of the first flow)",
        "The server",
        "Packets from the client to the server",
        "Bytes (frame lengths) from the client to the server",
        "Packets from the server to the client",
        "Bytes (frame lengths) from the server to the client",
        "Its first packet, in seconds after the capture's first frame",
        "From its first packet to its last, in seconds",
        "open; half-closed (a FIN from one side); closed (FINs from both); reset (an RST)",
        "The seed's flows it is made of (a FIN ends a flow)"};
    static_assert(std::size(kTitles) == Retransmissions && std::size(kTips) == Retransmissions);
    if (isAnalysisColumn(section)) { // the flow table's, over both directions
        const FlowColumns::Column column = flowColumnOf(section);
        if (role == Qt::DisplayRole)
            return tr(FlowColumns::title(column));
        if (role == Qt::ToolTipRole)
            return tr("%1, both directions").arg(tr(FlowColumns::description(column)));
        return {};
    }
    if (role == Qt::DisplayRole)
        return section == Start && m_flows->absoluteTimes() ? tr("Start (UTC)") : tr(kTitles[section]);
    if (role == Qt::ToolTipRole)
        return tr(kTips[section]);
    return {};
}
