#include "FrameTableModel.h"

#include "FlowColumns.h"
#include "TcpAnalysis.h"
#include "TcpFlags.h"
#include "TcpPacket.h"

#include <QColor>
#include <QDateTime>
#include <QElapsedTimer>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>
#include <QTimeZone>

#include <algorithm>

using namespace fi;

FrameTableModel::FrameTableModel(QObject* parent) : QAbstractTableModel(parent)
{
    connect(&m_sortJob, &QFutureWatcherBase::finished, this, &FrameTableModel::sortEnded);
}

FrameTableModel::~FrameTableModel()
{
    // (it sorts its own copies: this keeps the thread pool tidy; after takeResult() the future
    // is no longer valid, and waiting on it would never end)
    if (m_sortJob.isRunning())
        m_sortJob.waitForFinished();
}

void FrameTableModel::setFlows(const CaptureStore* store, const std::vector<uint32_t>& flows)
{
    beginResetModel();
    m_store = store;
    m_flows = store ? flows : std::vector<uint32_t>();
    m_rows.clear();
    m_bases.clear();
    const size_t flowCount = store ? store->flows.size() : 0;
    m_shown.assign(flowCount, 0);
    for (uint32_t f : m_flows)
        m_shown[f] = 1;
    // Room for a row per frame, at most what there is: growing by copies held the window for
    // a tenth of a second at two million rows, and the pages of room never used are never
    // touched (they cost address space, not memory).
    if (store && !m_flows.empty())
        m_rows.reserve(store->packets.size());
    m_scanned = 0;
    ++m_generation;
    m_sorting = false; // a sort of the rows before is dropped
    ++m_sortGeneration;
    m_scanning = store && !m_flows.empty();
    endResetModel();
    if (m_scanning)
        scanFrames(m_generation); // a small selection is done at once
    else
        emit framesReady();
}

bool FrameTableModel::showsFlows(const std::vector<uint32_t>& flows) const
{
    // (flows never repeat in either list)
    return flows.size() == m_flows.size() &&
           std::all_of(flows.begin(), flows.end(), [this](uint32_t f) { return f < m_shown.size() && m_shown[f]; });
}

void FrameTableModel::scanFrames(quint64 generation)
{
    if (generation != m_generation || !m_scanning)
        return; // another selection since
    // One pass over the flow packets (in capture order) finds every shown flow's frames in
    // capture order, whatever the number of flows; a slice at a time, so that the two million
    // frames of a select all never hold the window, and the rows appear as they are found.
    QElapsedTimer clock;
    clock.start();
    const size_t end = m_store->packets.size(); // (packets a load adds meanwhile included)
    std::vector<Row> found;
    size_t i = m_scanned;
    while (i < end && clock.elapsed() < kSliceMs) {
        for (const size_t stop = std::min(end, i + 4096); i < stop; ++i) {
            const FlowPacket& p = m_store->packets[i];
            if (m_shown[p.flow])
                found.push_back({uint32_t(i)});
        }
    }
    m_scanned = i;
    if (!found.empty()) {
        beginInsertRows({}, int(m_rows.size()), int(m_rows.size() + found.size()) - 1);
        m_rows.insert(m_rows.end(), found.begin(), found.end());
        endInsertRows();
    }
    if (i < end) {
        QTimer::singleShot(0, this, [this, generation] { scanFrames(generation); });
        return;
    }
    m_scanning = false;
    if (m_sortColumn >= 0)
        startSort();
    emit framesReady();
}

void FrameTableModel::appendBatch(const LoadBatch& batch)
{
    if (!m_store || m_flows.empty() || m_scanning)
        return; // (a scan under way reaches the batch's frames itself)
    // A shown flow whose other direction opened now counts its acks from that direction.
    bool renumbered = false;
    for (const auto& [earlier, later] : batch.reverseLinks) {
        if (earlier < m_shown.size() && m_shown[earlier] && earlier < m_bases.size()) {
            m_bases[earlier].reset();
            renumbered = true;
        }
    }
    if (renumbered && !m_rows.empty())
        emit dataChanged(index(0, Seq), index(int(m_rows.size()) - 1, Ack));
    size_t added = 0;
    for (const FlowPacket& p : batch.packets)
        added += p.flow < m_shown.size() && m_shown[p.flow];
    m_scanned = m_store->packets.size();
    if (added == 0)
        return;
    // New frames go at the end, whatever the sort (as new flows do in the flow table). The
    // batch's packets are the store's last (it was applied).
    beginInsertRows({}, int(m_rows.size()), int(m_rows.size() + added) - 1);
    for (size_t i = m_scanned - batch.packets.size(); i < m_scanned; ++i) {
        const FlowPacket& p = m_store->packets[i];
        if (p.flow < m_shown.size() && m_shown[p.flow])
            m_rows.push_back({uint32_t(i)});
    }
    endInsertRows();
}

void FrameTableModel::setAbsoluteTimes(bool absolute)
{
    if (absolute == m_absoluteTimes)
        return;
    m_absoluteTimes = absolute;
    if (!m_rows.empty())
        emit dataChanged(index(0, Time), index(int(m_rows.size()) - 1, Time));
    emit headerDataChanged(Qt::Horizontal, Time, Time);
}

int FrameTableModel::rowOfFrame(uint32_t number) const
{
    const uint32_t packet = m_store ? m_store->packetIndexOfFrame(number) : FlowPacket::kNone;
    if (packet == FlowPacket::kNone)
        return -1;
    if (m_sortColumn < 0) { // capture order: the rows' packets in order
        const auto it = std::lower_bound(m_rows.begin(), m_rows.end(), packet,
                                         [](const Row& r, uint32_t p) { return r.packet < p; });
        return it != m_rows.end() && it->packet == packet ? int(it - m_rows.begin()) : -1;
    }
    const auto it = std::find_if(m_rows.begin(), m_rows.end(), [packet](const Row& r) { return r.packet == packet; });
    return it != m_rows.end() ? int(it - m_rows.begin()) : -1;
}

void FrameTableModel::sort(int column, Qt::SortOrder order)
{
    if (column >= ColumnCount)
        return;
    if (column == m_sortColumn && order == m_sortOrder && !m_sorting)
        return;
    m_sortColumn = column;
    m_sortOrder = order;
    if (m_scanning)
        return; // the rows are sorted when the scan ends
    startSort();
}

int64_t FrameTableModel::sortKey(const Row& row) const
{
    return m_sortColumn < 0 ? int64_t(frameOf(row)) : number(row, m_sortColumn);
}

void FrameTableModel::startSort()
{
    ++m_sortGeneration;
    m_keys.clear();
    m_keys.reserve(m_rows.size());
    m_keyRows.clear();
    if (m_rows.size() <= kRowsSortedAtOnce) {
        // a few tens of milliseconds at most: at once
        m_sorting = false;
        for (size_t r = 0; r < m_rows.size(); ++r)
            m_keys.push_back({sortKey(m_rows[r]), uint32_t(r)});
        sortKeys(m_keys, m_sortOrder == Qt::DescendingOrder);
        applyOrder(inOrder(m_keys, m_rows));
        m_keys.clear();
        emit sortingFinished();
        return;
    }
    m_sorting = true;
    m_keyRows.reserve(m_rows.size());
    gatherKeys(m_sortGeneration);
}

void FrameTableModel::gatherKeys(quint64 generation)
{
    if (generation != m_sortGeneration || !m_sorting)
        return; // another sort or selection since
    // The keys read the store, so they are taken here, a slice at a time (two million of them
    // take a third of a second); then only the sort of the (key, row) pairs runs on a worker.
    QElapsedTimer clock;
    clock.start();
    const size_t rows = m_rows.size(); // (rows a load adds meanwhile are included)
    size_t r = m_keys.size();
    while (r < rows && clock.elapsed() < kSliceMs)
        for (const size_t stop = std::min(rows, r + 4096); r < stop; ++r) {
            m_keys.push_back({sortKey(m_rows[r]), uint32_t(r)});
            m_keyRows.push_back(m_rows[r]);
        }
    if (r < rows) {
        QTimer::singleShot(0, this, [this, generation] { gatherKeys(generation); });
        return;
    }
    // The worker gets the rows as they were copied beside their keys (a load only ever
    // appends to them) and hands them back in order: here, putting two million rows in order
    // took a third of a second.
    const bool descending = m_sortOrder == Qt::DescendingOrder;
    m_sortJob.setFuture(QtConcurrent::run([keys = std::move(m_keys), rows = std::move(m_keyRows), descending]() mutable {
        sortKeys(keys, descending);
        return inOrder(keys, rows);
    }));
    m_keys = {};
    m_keyRows = {};
    m_jobGeneration = generation;
}

void FrameTableModel::sortEnded()
{
    if (!m_sorting || m_jobGeneration != m_sortGeneration)
        return; // dropped: another sort or selection since
    m_sorting = false;
    applyOrder(m_sortJob.future().takeResult());
    emit sortingFinished();
}

void FrameTableModel::sortKeys(std::vector<std::pair<int64_t, uint32_t>>& keys, bool descending)
{
    // stable: ties stay in the rows' order, which is capture order
    if (descending)
        std::stable_sort(keys.begin(), keys.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    else
        std::stable_sort(keys.begin(), keys.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
}

std::vector<FrameTableModel::Row> FrameTableModel::inOrder(const std::vector<std::pair<int64_t, uint32_t>>& keyed,
                                                          const std::vector<Row>& rows)
{
    std::vector<Row> ordered;
    ordered.reserve(keyed.size());
    for (const auto& [key, row] : keyed)
        ordered.push_back(rows[row]);
    return ordered;
}

void FrameTableModel::applyOrder(std::vector<Row> ordered)
{
    emit layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
    const QModelIndexList before = persistentIndexList();
    std::vector<uint32_t> framesBefore;
    for (const QModelIndex& i : before)
        framesBefore.push_back(frameOf(m_rows[size_t(i.row())]));

    ordered.insert(ordered.end(), m_rows.begin() + std::ptrdiff_t(ordered.size()), m_rows.end()); // added since
    m_rows = std::move(ordered);

    if (!before.isEmpty()) {
        std::vector<int> rowOfFrame(m_store ? m_store->frames.size() + 1 : 0, -1);
        for (size_t r = 0; r < m_rows.size(); ++r)
            rowOfFrame[frameOf(m_rows[r])] = int(r);
        QModelIndexList after;
        for (qsizetype i = 0; i < before.size(); ++i)
            after.push_back(createIndex(rowOfFrame[framesBefore[size_t(i)]], before[i].column()));
        changePersistentIndexList(before, after);
    }
    emit layoutChanged({}, QAbstractItemModel::VerticalSortHint);
}

const SequenceBase& FrameTableModel::baseOf(uint32_t flow) const
{
    if (m_bases.size() < m_store->flows.size())
        m_bases.resize(m_store->flows.size());
    if (!m_bases[flow])
        m_bases[flow] = SequenceBase::of(*m_store, flow);
    return *m_bases[flow];
}

int64_t FrameTableModel::number(const Row& row, int column) const
{
    const FlowPacket& p = packetOf(row);
    const FrameRecord& r = m_store->frame(frameOf(row));
    switch (column) {
    case Number: return frameOf(row);
    case Time: return r.timeNs;
    case Delta:
        return p.previous == FlowPacket::kNone ? 0 : r.timeNs - m_store->frame(m_store->packets[p.previous].frame).timeNs;
    case Flow: return flowOf(row);
    case Length: return r.originalLength;
    case Flags: return p.flags;
    case Seq: return uint32_t(p.seq - baseOf(flowOf(row)).seq);
    case Ack: return (p.flags & TcpFlag::ACK) ? int64_t(uint32_t(p.ack - baseOf(flowOf(row)).ack)) : kNoValue;
    case RawSeq: return p.seq;
    case RawAck: return p.ack;
    case Window: return p.window;
    case WindowSize: return m_store->flows[flowOf(row)].analysis.scaledWindow(p.window, p.flags & TcpFlag::SYN);
    case Payload: return p.payloadLength;
    case AckRtt: return m_store->ackRttNs(p).value_or(kNoValue);
    case BytesInFlight: return p.bytesInFlight ? int64_t(p.bytesInFlight) : kNoValue;
    case Analysis: // by severity, then the flags
        return (int64_t(tcpAnalysisSeverity(p.analysis)) << 16) | p.analysis;
    default: return 0;
    }
}

int FrameTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int FrameTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant FrameTableModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || size_t(index.row()) >= m_rows.size())
        return {};
    const Row& row = m_rows[size_t(index.row())];
    const int column = index.column();
    switch (role) {
    case FrameNumberRole: return frameOf(row);
    case FlowIdRole: return flowOf(row);
    case Qt::TextAlignmentRole:
        return column == Flow || column == Flags || column == Analysis ? QVariant(Qt::AlignLeft | Qt::AlignVCenter)
                                                                       : QVariant(Qt::AlignRight | Qt::AlignVCenter);
    case Qt::BackgroundRole:
    case Qt::ForegroundRole: {
        const TcpAnalysisSeverity severity = tcpAnalysisSeverity(packetOf(row).analysis);
        if (severity != TcpAnalysisSeverity::Warning && severity != TcpAnalysisSeverity::Note)
            return {};
        if (role == Qt::ForegroundRole)
            return QColor(Qt::black); // readable on the light colour in a dark theme too
        return severity == TcpAnalysisSeverity::Warning ? QColor(0xf7, 0xc6, 0xc6) : QColor(0xfc, 0xee, 0xb5);
    }
    case Qt::ToolTipRole:
        if (column == Flow)
            return QString::fromStdString(m_store->flows[flowOf(row)].label());
        if (column == Analysis && packetOf(row).analysis)
            return analysisToolTip(packetOf(row).analysis);
        return columnDescription(column);
    case Qt::AccessibleTextRole:
    case Qt::DisplayRole: break;
    default: return {};
    }
    const FlowPacket& p = packetOf(row);
    switch (column) {
    case Time: {
        const int64_t ns = m_store->frame(frameOf(row)).timeNs;
        if (m_absoluteTimes)
            return QString::fromStdString(Timestamp::fromNanoseconds(ns).isoText(false)).replace(QLatin1Char('T'), QLatin1Char(' '));
        return QString::fromStdString(FlowColumns::secondsText(ns - m_store->startNs()));
    }
    case Delta: return QString::fromStdString(FlowColumns::secondsText(number(row, Delta)));
    case Flow: {
        const BufferID& id = m_store->flows[flowOf(row)].id;
        return QStringLiteral("%1:%2 → %3:%4")
            .arg(QString::fromStdString(id.src.toString()))
            .arg(id.srcport)
            .arg(QString::fromStdString(id.dst.toString()))
            .arg(id.dstport);
    }
    case Flags: return QString::fromStdString(tcpFlagsText(p.flags));
    case Analysis: return QString::fromStdString(tcpAnalysisText(p.analysis));
    case Ack:
        if (!(p.flags & TcpFlag::ACK))
            return QString();
        break;
    case AckRtt:
        if (const std::optional<int64_t> rtt = m_store->ackRttNs(p))
            return QString::fromStdString(FlowColumns::secondsText(*rtt));
        return QString();
    case BytesInFlight:
        if (p.bytesInFlight == 0)
            return QString();
        break;
    default: break;
    }
    return QString::number(number(row, column));
}

QVariant FrameTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount)
        return {};
    if (role == Qt::DisplayRole)
        return section == Time && m_absoluteTimes ? tr("Time (UTC)") : columnTitle(section);
    if (role == Qt::ToolTipRole)
        return columnDescription(section);
    return {};
}

QString FrameTableModel::analysisToolTip(uint16_t flags)
{
    QStringList lines;
    for (int bit = 0; bit < TcpAnalysisFlag::kCount; ++bit)
        if (flags & (1u << bit))
            lines << QString::fromLatin1(tcpAnalysisFlagDescription(bit));
    return lines.join(QLatin1Char('\n'));
}

QString FrameTableModel::columnTitle(int column)
{
    switch (column) {
    case Number: return tr("No.");
    case Time: return tr("Time");
    case Delta: return tr("Delta");
    case Flow: return tr("Flow");
    case Length: return tr("Length");
    case Flags: return tr("Flags");
    case Seq: return tr("Seq");
    case Ack: return tr("Ack");
    case RawSeq: return tr("Raw seq");
    case RawAck: return tr("Raw ack");
    case Window: return tr("Window");
    case WindowSize: return tr("Win size");
    case Payload: return tr("Payload");
    case AckRtt: return tr("ACK RTT");
    case BytesInFlight: return tr("In flight");
    case Analysis: return tr("Analysis");
    default: return {};
    }
}

QString FrameTableModel::columnDescription(int column)
{
    switch (column) {
    case Number: return tr("Frame number in the capture");
    case Time: return tr("Seconds since the capture's first frame");
    case Delta: return tr("Seconds since the previous frame of the same flow");
    case Flow: return tr("The frame's flow: source and destination");
    case Length: return tr("Frame length on the wire, in bytes");
    case Flags: return tr("TCP flags");
    case Seq: return tr("Sequence number relative to the flow's first (as Wireshark counts)");
    case Ack: return tr("Acknowledgement number relative to the other direction's first (as Wireshark counts)");
    case RawSeq: return tr("Sequence number as sent");
    case RawAck: return tr("Acknowledgement number as sent");
    case Window: return tr("Window field as sent (not scaled)");
    case WindowSize: return tr("Window size as the receiver reads it: scaled by the handshake's window scale (a SYN's never is), as Wireshark's calculated window size");
    case Payload: return tr("TCP payload length in bytes");
    case AckRtt: return tr("An ACK's round trip time: seconds since the segment it acknowledged (the oldest not yet acknowledged that ends at its ACK number), as Wireshark's ACK RTT");
    case BytesInFlight: return tr("A segment with data: the bytes sent and not yet acknowledged once it is sent (less what the receiver's SACK reported), as Wireshark's bytes in flight");
    case Analysis: return tr("What TCP did, as Wireshark's TCP analysis flags it (retransmissions, lost segments, duplicate ACKs, zero windows…)");
    default: return {};
    }
}
