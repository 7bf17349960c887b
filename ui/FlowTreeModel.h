#pragma once

#include "CaptureStore.h"
#include "FlowColumns.h"

#include <QAbstractItemModel>
#include <QString>

#include <memory>
#include <vector>

/// The flow tree: one top-level row per flow (keyed and titled by its pcapkit label), its
/// children the flow's frames. Rows are indices into a CaptureStore, never an item per frame.
/// A flow's children are fetched when it is first expanded (fetchMore), so loading a capture
/// of a million frames notifies views only of the flows and of the frames of expanded flows.
class FlowTreeModel final : public QAbstractItemModel
{
    Q_OBJECT

public:
    /// The flow rows' columns: fi::FlowColumns (Label, Source, … State, ColumnCount).
    using enum fi::FlowColumns::Column;
    enum FrameColumn { FrameNumber, FrameTime, FrameLength, FrameFlags, FrameSeq, FrameAck, FrameWindow, FramePayload, FrameColumnCount };
    enum Role {
        SortRole = Qt::UserRole + 1, ///< a number (or the label) to sort by
        FlowIdRole,                  ///< the flow id of a flow row or of a frame row's flow
        FrameNumberRole,             ///< the frame number of a frame row (0 on flow rows)
        IsOpenRole,                  ///< flow rows: still open at the end of what was read
    };

    explicit FlowTreeModel(QObject* parent = nullptr);

    /// Starts over with an empty capture.
    void reset(const QString& path, int linkType, bool pcapng, int snapLength);
    /// Adds a loader batch: new flows in one insert, new frames of expanded flows, changes.
    void applyBatch(const fi::LoadBatch& batch);

    const fi::CaptureStore& store() const { return m_store; }
    bool absoluteTimes() const { return m_absoluteTimes; }
    void setAbsoluteTimes(bool absolute);

    QModelIndex flowIndex(uint32_t flow) const;
    /// The frame row of `frame` within flow `flow` (showing the flow's frames if needed).
    QModelIndex frameIndex(uint32_t flow, uint32_t frame);
    /// Shows the flow's frames now (fetchMore() does it on the next event loop turn).
    void showFrames(uint32_t flow);

    /// Whether flow `a` sorts before flow `b` by `column`, read from the store without a
    /// QVariant: the label ignoring case, addresses as numbers (IPv4 before IPv6), or the
    /// column's number (SortRole's value).
    bool flowLessThan(uint32_t a, uint32_t b, int column) const;
    /// Whether `index` is a flow row (not a frame row), without asking for its parent.
    static bool isFlowRow(const QModelIndex& index) { return index.isValid() && index.internalId() == 0; }

    /// The text of a TCP flags byte (fi::tcpFlagsText): `SYN, ACK`.
    static QString flagsText(uint8_t flags);
    static QString frameColumnName(int column);

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    bool hasChildren(const QModelIndex& parent = {}) const override;
    bool canFetchMore(const QModelIndex& parent) const override;
    void fetchMore(const QModelIndex& parent) override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct FlowText ///< made once per flow, so that views never convert per call
    {
        QString label;
        QString source;
        QString destination;
    };

    QVariant flowData(uint32_t flow, int column, int role) const;
    QVariant frameData(uint32_t flow, int row, int column, int role) const;

    fi::CaptureStore m_store;
    std::vector<FlowText> m_text;        ///< by flow id
    std::vector<uint32_t> m_shownFrames; ///< by flow id: frame rows fetched so far
    std::vector<uint8_t> m_fetched;      ///< by flow id: expanded once, children are live
    std::vector<uint8_t> m_hasFrames;    ///< by flow id: has packets; a view's layout asks every
                                         ///< row, and this spares it a flow record (a cache miss)
    quint64 m_generation = 0;            ///< bumped by reset(), drops stale fetches
    bool m_absoluteTimes = false;
};
