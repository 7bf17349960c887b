#include "FlowTreeModel.h"

#include "TcpFlags.h"

#include <QDateTime>
#include <QFont>
#include <QLocale>
#include <QTimeZone>

#include <algorithm>
#include <climits>
#include <string_view>

using namespace fi;

namespace {

constexpr quintptr kFlowRow = 0; // internalId of flow rows; frame rows hold flow id + 1

QString seconds(int64_t ns, int decimals = 6)
{
    return QString::number(double(ns) / 1e9, 'f', decimals);
}

} // namespace

FlowTreeModel::FlowTreeModel(QObject* parent) : QAbstractItemModel(parent) {}

void FlowTreeModel::reset(const QString& path, int linkType, bool pcapng, int snapLength)
{
    beginResetModel();
    m_store = CaptureStore();
    m_store.path = path.toStdString();
    m_store.linkType = linkType;
    m_store.pcapng = pcapng;
    m_store.snapLength = snapLength;
    m_text.clear();
    m_shownFrames.clear();
    m_fetched.clear();
    m_hasFrames.clear();
    ++m_generation;
    endResetModel();
}

void FlowTreeModel::setAbsoluteTimes(bool absolute)
{
    if (absolute == m_absoluteTimes)
        return;
    m_absoluteTimes = absolute;
    if (!m_store.flows.empty())
        emit dataChanged(index(0, Start), index(int(m_store.flows.size()) - 1, Start));
    emit headerDataChanged(Qt::Horizontal, Start, Start);
}

void FlowTreeModel::applyBatch(const LoadBatch& batch)
{
    const uint32_t oldFlows = uint32_t(m_store.flows.size());
    const bool newFlows = !batch.newFlows.empty();
    if (newFlows)
        beginInsertRows({}, int(oldFlows), int(oldFlows + batch.newFlows.size()) - 1);
    m_store.apply(batch);
    for (uint32_t f = oldFlows; f < m_store.flows.size(); ++f) {
        const FlowRecord& r = m_store.flows[f];
        FlowText t;
        t.label = QString::fromStdString(r.label);
        t.source = QString::fromStdString(r.id.src.toString());
        t.destination = QString::fromStdString(r.id.dst.toString());
        m_text.push_back(std::move(t));
    }
    m_shownFrames.resize(m_store.flows.size(), 0);
    m_fetched.resize(m_store.flows.size(), 0);
    m_hasFrames.resize(m_store.flows.size(), 0);
    for (const auto& [flow, packet] : batch.packets)
        m_hasFrames[flow] = 1;
    if (newFlows)
        endInsertRows();

    // Frames of flows whose children are shown, and the changed statistics: one dataChanged
    // per run of consecutive flows (one from the first to the last would make a sorting proxy
    // look at every flow in between).
    int runStart = -1, runEnd = -1;
    auto flushRun = [&] {
        if (runStart >= 0)
            emit dataChanged(index(runStart, 0), index(runEnd, ColumnCount - 1));
        runStart = runEnd = -1;
    };
    for (const auto& [flow, stats] : batch.stats) { // in ascending flow order
        if (flow < oldFlows) {
            if (int(flow) != runEnd + 1)
                flushRun();
            if (runStart < 0)
                runStart = int(flow);
            runEnd = int(flow);
        }
        if (m_fetched[flow] && m_shownFrames[flow] > 0)
            showFrames(flow);
    }
    flushRun();
}

QModelIndex FlowTreeModel::flowIndex(uint32_t flow) const
{
    return flow < m_store.flows.size() ? createIndex(int(flow), 0, kFlowRow) : QModelIndex();
}

QModelIndex FlowTreeModel::frameIndex(uint32_t flow, uint32_t frame)
{
    if (flow >= m_store.flows.size())
        return {};
    showFrames(flow);
    const std::vector<FlowPacket>& packets = m_store.flows[flow].packets;
    auto it = std::lower_bound(packets.begin(), packets.begin() + m_shownFrames[flow], frame,
                               [](const FlowPacket& p, uint32_t n) { return p.frame < n; });
    if (it == packets.begin() + m_shownFrames[flow] || it->frame != frame)
        return {};
    return createIndex(int(it - packets.begin()), 0, quintptr(flow) + 1);
}

QModelIndex FlowTreeModel::index(int row, int column, const QModelIndex& parent) const
{
    if (row < 0 || column < 0 || column >= ColumnCount)
        return {};
    if (!parent.isValid())
        return size_t(row) < m_store.flows.size() ? createIndex(row, column, kFlowRow) : QModelIndex();
    if (parent.internalId() != kFlowRow || parent.column() != 0)
        return {};
    const uint32_t flow = uint32_t(parent.row());
    if (uint32_t(row) >= m_shownFrames[flow])
        return {};
    return createIndex(row, column, quintptr(flow) + 1);
}

QModelIndex FlowTreeModel::parent(const QModelIndex& child) const
{
    if (!child.isValid() || child.internalId() == kFlowRow)
        return {};
    return createIndex(int(child.internalId() - 1), 0, kFlowRow);
}

int FlowTreeModel::rowCount(const QModelIndex& parent) const
{
    if (!parent.isValid())
        return int(m_store.flows.size());
    if (parent.internalId() != kFlowRow || parent.column() != 0)
        return 0;
    return int(m_shownFrames[uint32_t(parent.row())]);
}

int FlowTreeModel::columnCount(const QModelIndex&) const
{
    return ColumnCount;
}

bool FlowTreeModel::hasChildren(const QModelIndex& parent) const
{
    if (!parent.isValid())
        return !m_store.flows.empty();
    return parent.internalId() == kFlowRow && parent.column() == 0 && m_hasFrames[uint32_t(parent.row())];
}

bool FlowTreeModel::canFetchMore(const QModelIndex& parent) const
{
    if (!parent.isValid() || parent.internalId() != kFlowRow || parent.column() != 0)
        return false;
    const uint32_t flow = uint32_t(parent.row());
    return m_shownFrames[flow] < m_store.flows[flow].packets.size();
}

void FlowTreeModel::fetchMore(const QModelIndex& parent)
{
    // Views ask from inside their own notifications (a proxy's rowsInserted, say): inserting
    // rows there would nest one insertion in another, so the frames follow on the next turn of
    // the event loop, as QFileSystemModel's do.
    if (!canFetchMore(parent))
        return;
    const uint32_t flow = uint32_t(parent.row());
    if (m_fetched[flow])
        return; // already scheduled or shown
    m_fetched[flow] = 1;
    const quint64 generation = m_generation;
    QMetaObject::invokeMethod(
        this,
        [this, flow, generation] {
            if (generation == m_generation)
                showFrames(flow);
        },
        Qt::QueuedConnection);
}

void FlowTreeModel::showFrames(uint32_t flow)
{
    m_fetched[flow] = 1;
    const uint32_t now = uint32_t(m_store.flows[flow].packets.size());
    if (now <= m_shownFrames[flow])
        return;
    beginInsertRows(flowIndex(flow), int(m_shownFrames[flow]), int(now) - 1);
    m_shownFrames[flow] = now;
    endInsertRows();
}

QVariant FlowTreeModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid())
        return {};
    if (index.internalId() == kFlowRow)
        return flowData(uint32_t(index.row()), index.column(), role);
    return frameData(uint32_t(index.internalId() - 1), index.row(), index.column(), role);
}

QVariant FlowTreeModel::flowData(uint32_t flow, int column, int role) const
{
    const FlowRecord& f = m_store.flows[flow];
    const FlowText& t = m_text[flow];
    const FlowStats& s = f.stats;
    switch (role) {
    case FlowIdRole: return flow;
    case FrameNumberRole: return 0;
    case IsOpenRole: return !s.closedByFin;
    case Qt::ToolTipRole:
        if (column == State)
            return s.closedByFin ? tr("A FIN ended this flow") : tr("No FIN seen: the flow was open when the capture ended");
        return t.label;
    case Qt::TextAlignmentRole:
        return FlowColumns::isNumeric(FlowColumns::Column(column)) ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
                                                                   : QVariant(Qt::AlignLeft | Qt::AlignVCenter);
    case Qt::AccessibleTextRole:
    case Qt::DisplayRole:
    case SortRole: break;
    default: return {};
    }
    const auto c = FlowColumns::Column(column);
    if (c < 0 || c >= ColumnCount)
        return {};
    if (role == SortRole && c != Label && c != Source && c != Destination)
        return qlonglong(FlowColumns::number(f, c, m_absoluteTimes ? 0 : m_store.startNs()));
    switch (c) {
    case Label: return t.label;
    case Source: return t.source;
    case Destination: return t.destination;
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

bool FlowTreeModel::flowLessThan(uint32_t a, uint32_t b, int column) const
{
    // The texts are ASCII: comparing their bytes in lower case orders them as
    // QString::compare(Qt::CaseInsensitive) does, without reading the QStrings.
    const FlowRecord& x = m_store.flows[a];
    const FlowRecord& y = m_store.flows[b];
    auto less = [](std::string_view l, std::string_view r) {
        auto lower = [](char c) { return uint8_t(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c); };
        return std::lexicographical_compare(l.begin(), l.end(), r.begin(), r.end(),
                                            [&lower](char c, char d) { return lower(c) < lower(d); });
    };
    // Addresses in numeric order, IPv4 before IPv6: 10.0.1.35 before 10.0.1.137.
    auto lessAddress = [](const IpAddress& l, const IpAddress& r) {
        if (l.family != r.family)
            return l.family < r.family;
        return l.bytes < r.bytes; // network byte order: the bytes compare as the number does
    };
    switch (column) {
    case Label: return less(x.label, y.label);
    case Source: return lessAddress(x.id.src, y.id.src);
    case Destination: return lessAddress(x.id.dst, y.id.dst);
    default: break;
    }
    // (Start's offset is the same for both flows: it does not change the order.)
    const auto c = FlowColumns::Column(column);
    return FlowColumns::number(x, c, 0) < FlowColumns::number(y, c, 0);
}

QVariant FlowTreeModel::frameData(uint32_t flow, int row, int column, int role) const
{
    const FlowRecord& f = m_store.flows[flow];
    const FlowPacket& p = f.packets[size_t(row)];
    switch (role) {
    case FlowIdRole: return flow;
    case FrameNumberRole: return p.frame;
    case Qt::TextAlignmentRole:
        return column == FrameFlags || column == FrameNumber ? QVariant(Qt::AlignLeft | Qt::AlignVCenter)
                                    : QVariant(Qt::AlignRight | Qt::AlignVCenter);
    case Qt::ToolTipRole: return frameColumnName(column);
    case Qt::AccessibleTextRole:
    case Qt::DisplayRole:
    case SortRole: break;
    default: return {};
    }
    const bool sort = role == SortRole;
    const FrameRecord& r = m_store.frame(p.frame);
    switch (column) {
    case FrameNumber: return sort ? QVariant(p.frame) : QVariant(tr("Frame %1").arg(p.frame));
    case FrameTime: {
        const int64_t ns = r.timeNs - f.stats.firstNs;
        return sort ? QVariant(qlonglong(ns)) : QVariant(QStringLiteral("+%1 s").arg(seconds(ns)));
    }
    case FrameLength: return sort ? QVariant(r.originalLength) : QVariant(tr("%1 B").arg(r.originalLength));
    case FrameFlags: return sort ? QVariant(p.flags) : QVariant(flagsText(p.flags));
    case FrameSeq: return sort ? QVariant(p.seq) : QVariant(tr("seq %1").arg(p.seq));
    case FrameAck: return sort ? QVariant(p.ack) : QVariant(tr("ack %1").arg(p.ack));
    case FrameWindow: return sort ? QVariant(p.window) : QVariant(tr("win %1").arg(p.window));
    case FramePayload: return sort ? QVariant(p.payloadLength) : QVariant(tr("len %1").arg(p.payloadLength));
    default: return {};
    }
}

QVariant FlowTreeModel::headerData(int section, Qt::Orientation orientation, int role) const
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
        QString tip = tr(FlowColumns::description(column));
        if (column == Start && m_absoluteTimes)
            tip = tr("Time of the flow's first frame (UTC)");
        if (section < FrameColumnCount)
            tip += QLatin1Char('\n') + tr("Frame rows: %1").arg(frameColumnName(section));
        return tip;
    }
    return {};
}

QString FlowTreeModel::frameColumnName(int column)
{
    switch (column) {
    case FrameNumber: return tr("No. (frame number in the capture)");
    case FrameTime: return tr("Time since the flow's first frame");
    case FrameLength: return tr("Frame length");
    case FrameFlags: return tr("TCP flags");
    case FrameSeq: return tr("Sequence number");
    case FrameAck: return tr("Acknowledgement number");
    case FrameWindow: return tr("Window");
    case FramePayload: return tr("TCP payload length");
    default: return {};
    }
}

QString FlowTreeModel::flagsText(uint8_t flags)
{
    return QString::fromStdString(tcpFlagsText(flags));
}
