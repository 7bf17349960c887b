#pragma once

#include "CaptureStore.h"
#include "SequenceBase.h"

#include <QAbstractTableModel>
#include <QFutureWatcher>

#include <optional>
#include <vector>

/// The frames table: every frame of the selected flows, one row each, in capture order until
/// a column is sorted. Rows the TCP analysis flagged are coloured by the gravest flag's
/// severity, as Wireshark's expert info grades it (warnings red, notes yellow). Rows are flow
/// packets of a CaptureStore; texts are made only for the rows a view paints.
class FrameTableModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        Number,      ///< frame number in the capture
        Time,        ///< since the capture's first frame (or UTC)
        Delta,       ///< since the previous frame of the same flow
        Length,      ///< frame length on the wire
        Flags,       ///< TCP flags
        Analysis,    ///< TCP analysis flags (fi::TcpAnalysisFlag), as Wireshark names them
        Seq,         ///< relative sequence number (fi::SequenceBase)
        Ack,         ///< relative acknowledgement number, when ACK is set
        Window,      ///< window field as sent
        WindowSize,  ///< window as the receiver reads it: scaled by the handshake's window scale
        Payload,     ///< TCP payload bytes
        AckRtt,      ///< an ACK's round trip time from the segment it acknowledged
        BytesInFlight, ///< a segment's bytes sent and not yet acknowledged, once it is sent
        Flow,        ///< source and destination of the frame's flow
        RawSeq,      ///< sequence number as sent
        RawAck,      ///< acknowledgement number as sent
        ColumnCount
    };
    enum Role {
        FrameNumberRole = Qt::UserRole + 1,
        FlowIdRole,
    };

    explicit FrameTableModel(QObject* parent = nullptr);
    ~FrameTableModel() override;

    /// Shows the frames of `flows` of `store` (which must outlive the rows; nullptr: none).
    /// The rows come in capture order a slice of the event loop at a time (a select all of two
    /// million frames takes a few); framesReady() says when they are all there.
    void setFlows(const fi::CaptureStore* store, const std::vector<uint32_t>& flows);
    /// Whether setFlows() is still finding frames.
    bool isScanning() const { return m_scanning; }
    /// Adds the frames of a batch just applied to the store that belong to the shown flows.
    void appendBatch(const fi::LoadBatch& batch);
    void clear() { setFlows(nullptr, {}); }
    /// The flows shown, in the order given.
    const std::vector<uint32_t>& flows() const { return m_flows; }
    /// Whether the rows are the frames of exactly these flows (in any order).
    bool showsFlows(const std::vector<uint32_t>& flows) const;

    bool absoluteTimes() const { return m_absoluteTimes; }
    void setAbsoluteTimes(bool absolute);

    uint32_t frameAt(int row) const { return frameOf(m_rows[size_t(row)]); }
    uint32_t flowAt(int row) const { return flowOf(m_rows[size_t(row)]); }
    /// The row of frame `number`, or -1 when not shown.
    int rowOfFrame(uint32_t number) const;

    /// Sorts by `column` (-1: capture order). Up to kRowsSortedAtOnce rows at once; more (a
    /// select all's two million) have their keys taken a slice at a time and sorted on a
    /// worker, and take the new order when sortingFinished() says so. Ties keep capture order.
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;
    bool isSorting() const { return m_sorting; }
    static constexpr size_t kRowsSortedAtOnce = 100'000;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    static QString columnTitle(int column);
    /// Wireshark's explanation of each of TCP analysis `flags`, a line each.
    static QString analysisToolTip(uint16_t flags);
    static QString columnDescription(int column);

signals:
    /// Every frame of the flows given to setFlows() is a row (a sort may follow).
    void framesReady();
    /// The rows are in the order of the last sort().
    void sortingFinished();

private:
    /// A row: its packet's index in the store's packets (4 bytes: a select all has two million).
    struct Row
    {
        uint32_t packet;
    };
    const fi::FlowPacket& packetOf(const Row& row) const { return m_store->packets[row.packet]; }
    uint32_t frameOf(const Row& row) const { return packetOf(row).frame; }
    uint32_t flowOf(const Row& row) const { return packetOf(row).flow; }
    const fi::SequenceBase& baseOf(uint32_t flow) const;
    /// number() of a row without a value in the column (an Ack without ACK, a packet without
    /// ACK RTT): first in ascending order.
    static constexpr int64_t kNoValue = INT64_MIN;
    /// The row's value in a column as a number (for sorting).
    int64_t number(const Row& row, int column) const;
    /// One slice of setFlows()'s pass over the frames; the next on the next loop turn.
    void scanFrames(quint64 generation);
    int64_t sortKey(const Row& row) const;
    void startSort();
    /// One slice of a big sort's keys; the sort on the worker once they are all there.
    void gatherKeys(quint64 generation);
    void sortEnded();
    static void sortKeys(std::vector<std::pair<int64_t, uint32_t>>& keys, bool descending);
    /// The first keyed.size() rows in the order of `keyed`.
    static std::vector<Row> inOrder(const std::vector<std::pair<int64_t, uint32_t>>& keyed, const std::vector<Row>& rows);
    /// `ordered` in place of as many first rows (the rows after them keep their place), as one
    /// layout change keeping persistent indexes on their frames.
    void applyOrder(std::vector<Row> ordered);

    const fi::CaptureStore* m_store = nullptr;
    std::vector<uint32_t> m_flows;
    std::vector<uint8_t> m_shown;        ///< by flow id: selected
    std::vector<Row> m_rows;
    static constexpr qint64 kSliceMs = 10;
    size_t m_scanned = 0;     ///< the store's packets setFlows() has looked at
    bool m_scanning = false;
    quint64 m_generation = 0; ///< bumped by setFlows(): drops a scan's leftover slices
    bool m_sorting = false;
    quint64 m_sortGeneration = 0; ///< bumped by each sort and selection: drops older sorts
    quint64 m_jobGeneration = 0;  ///< the sort the worker's job is for
    std::vector<std::pair<int64_t, uint32_t>> m_keys; ///< a big sort's keys so far
    std::vector<Row> m_keyRows;                       ///< and the rows they are keys of
    QFutureWatcher<std::vector<Row>> m_sortJob;
    int m_sortColumn = -1;
    Qt::SortOrder m_sortOrder = Qt::AscendingOrder;
    mutable std::vector<std::optional<fi::SequenceBase>> m_bases; ///< by flow id, made when first asked
    bool m_absoluteTimes = false;
};
