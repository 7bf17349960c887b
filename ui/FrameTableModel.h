#pragma once

#include "CaptureStore.h"
#include "SequenceBase.h"

#include <QAbstractTableModel>

#include <vector>

/// The frames table: every frame of the selected flows, one row each, in capture order until
/// a column is sorted. Rows are (frame, flow, packet) triples read from a CaptureStore; texts
/// are made only for the rows a view paints.
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
        Seq,         ///< relative sequence number (fi::SequenceBase)
        Ack,         ///< relative acknowledgement number, when ACK is set
        Window,      ///< window field as sent
        Payload,     ///< TCP payload bytes
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

    bool absoluteTimes() const { return m_absoluteTimes; }
    void setAbsoluteTimes(bool absolute);

    uint32_t frameAt(int row) const { return m_rows[size_t(row)].frame; }
    uint32_t flowAt(int row) const { return m_rows[size_t(row)].flow; }
    /// The row of frame `number`, or -1 when not shown.
    int rowOfFrame(uint32_t number) const;

    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    static QString columnTitle(int column);
    static QString columnDescription(int column);

signals:
    /// Every frame of the flows given to setFlows() is a row (and the rows are sorted).
    void framesReady();

private:
    struct Row
    {
        uint32_t frame;
        uint32_t flow;
        uint32_t packet; ///< index in the flow's packets
    };
    const fi::FlowPacket& packetOf(const Row& row) const { return m_store->flows[row.flow].packets[row.packet]; }
    const fi::SequenceBase& baseOf(uint32_t flow) const;
    /// The row's value in a column as a number (for sorting).
    int64_t number(const Row& row, int column) const;
    /// One slice of setFlows()'s pass over the frames; the next on the next loop turn.
    void scanFrames(quint64 generation);
    /// Puts the rows in the order of m_sortColumn and m_sortOrder.
    void sortRows();

    const fi::CaptureStore* m_store = nullptr;
    std::vector<uint32_t> m_flows;
    std::vector<uint8_t> m_shown;        ///< by flow id: selected
    std::vector<uint32_t> m_nextPacket;  ///< by flow id: packets of the flow seen so far
    std::vector<Row> m_rows;
    static constexpr qint64 kSliceMs = 10;
    size_t m_scanned = 0;     ///< frames setFlows() has looked at
    bool m_scanning = false;
    quint64 m_generation = 0; ///< bumped by setFlows(): drops a scan's leftover slices
    int m_sortColumn = -1;
    Qt::SortOrder m_sortOrder = Qt::AscendingOrder;
    mutable std::vector<fi::SequenceBase> m_bases; ///< by flow id, made when first asked
    mutable std::vector<uint8_t> m_hasBase;
    bool m_absoluteTimes = false;
};
