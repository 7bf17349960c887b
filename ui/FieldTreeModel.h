#pragma once

#include "LayerTree.h"

#include <QAbstractItemModel>
#include <unordered_map>

/// The decoded layers of one frame as a two-column tree ("Field", "Value"): each layer row
/// (`IPv4`, `TCP`…) with a one-line summary, the layer's header fields under it and the next
/// layer nested inside it. If decoding stopped before TCP, a last top-level row says why.
///
/// Every index carries the byte range of its node in the frame (ByteOffsetRole,
/// ByteLengthRole), so a hex view can highlight what a row covers. The tree is immutable while
/// set: an index's internal pointer is the FieldNode it shows.
class FieldTreeModel final : public QAbstractItemModel
{
    Q_OBJECT

public:
    enum Column
    {
        FieldColumn,
        ValueColumn,
        ColumnCount
    };
    enum Role
    {
        ByteOffsetRole = Qt::UserRole + 1, ///< int: first byte of the node in the frame
        ByteLengthRole,                    ///< int: number of bytes the node covers
    };
    Q_ENUM(Role)

    explicit FieldTreeModel(QObject* parent = nullptr);

    /// Shows `tree`, replacing what was shown (resets the model).
    void setLayerTree(fi::LayerTree tree);
    /// Shows nothing (resets the model).
    void clear();
    const fi::LayerTree& layerTree() const { return m_tree; }

    /// The innermost row whose byte range holds `byteOffset` (column 0), or an invalid index.
    /// Among siblings holding it the narrowest wins, so a click in a hex view lands on a field
    /// rather than on the layer around it.
    QModelIndex indexAtByte(int byteOffset) const;

    /// The Value column's text of a layer row: `192.0.2.1 → 192.0.2.2` for IP,
    /// `1234 → 80 [SYN ACK]` for TCP, the ports for UDP, otherwise the header size.
    static QString layerSummary(const fi::FieldNode& layer);

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

private:
    const fi::FieldNode* nodeAt(const QModelIndex& index) const;
    /// The node whose children are the rows under `parent`.
    const fi::FieldNode& containerOf(const QModelIndex& parent) const;
    /// The rows under `container`: its children, plus the stop row under the root.
    int childCount(const fi::FieldNode& container) const;
    const fi::FieldNode* childAt(const fi::FieldNode& container, int row) const;
    void indexParents(const fi::FieldNode& container);

    fi::LayerTree m_tree;
    /// The "Decoding stopped" row, shown last at the top level when the tree has a stop reason.
    fi::FieldNode m_stopNode;
    bool m_showsStopNode = false;
    /// Each shown node's parent (the root for top-level rows).
    std::unordered_map<const fi::FieldNode*, const fi::FieldNode*> m_parents;
};
