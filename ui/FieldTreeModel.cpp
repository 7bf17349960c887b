#include "FieldTreeModel.h"

#include "TcpFlags.h"
#include "TcpPacket.h"

#include <QFont>
#include <algorithm>
#include <array>
#include <utility>

using fi::FieldNode;

namespace {

const QString kArrow = QStringLiteral(" \u2192 ");

QString fromStd(const std::string& text)
{
    return QString::fromStdString(text);
}

/// The value of the child field `name` as displayed, or an empty string.
QString childValue(const FieldNode& node, const char* name)
{
    const FieldNode* child = node.child(name);
    return child ? fromStd(child->displayValue()) : QString();
}

/// `SYN, ACK`: the set flags of a TCP layer's flags group (tcpFlagsText).
QString tcpFlagNames(const FieldNode& tcp)
{
    static constexpr std::array<std::pair<const char*, uint16_t>, 9> kFlags = {{
        {"fin", fi::TcpFlag::FIN},
        {"syn", fi::TcpFlag::SYN},
        {"rst", fi::TcpFlag::RST},
        {"psh", fi::TcpFlag::PSH},
        {"ack", fi::TcpFlag::ACK},
        {"urg", fi::TcpFlag::URG},
        {"ece", fi::TcpFlag::ECE},
        {"cwr", fi::TcpFlag::CWR},
        {"ns", fi::kTcpFlagNs},
    }};
    const FieldNode* flags = tcp.child("flags");
    if (!flags)
        return {};
    uint16_t set = 0;
    for (const auto& [key, bit] : kFlags) {
        const FieldNode* flag = flags->child(key);
        if (flag && flag->number != 0)
            set |= bit;
    }
    return QString::fromStdString(fi::tcpFlagsText(set));
}

/// The bytes of a layer's own header: up to the layer nested in it, else as far as its
/// fields reach, else all it covers.
uint32_t headerLength(const FieldNode& layer)
{
    uint32_t fieldsEnd = 0;
    for (const FieldNode& child : layer.children) {
        if (child.type == FieldNode::Type::Layer)
            return child.offset > layer.offset ? child.offset - layer.offset : 0;
        if (child.length > 0)
            fieldsEnd = std::max(fieldsEnd, child.offset + child.length);
    }
    if (fieldsEnd > layer.offset)
        return fieldsEnd - layer.offset;
    return layer.length;
}

QString byteCount(uint32_t bytes)
{
    return bytes == 1 ? QObject::tr("1 byte") : QObject::tr("%1 bytes").arg(bytes);
}

} // namespace

FieldTreeModel::FieldTreeModel(QObject* parent) : QAbstractItemModel(parent)
{
    m_stopNode.name = "stop";
    m_stopNode.type = FieldNode::Type::Text;
}

void FieldTreeModel::setLayerTree(fi::LayerTree tree)
{
    beginResetModel();
    m_tree = std::move(tree);
    m_stopNode.text = m_tree.stopReason;
    m_showsStopNode = !m_tree.stopReason.empty();
    m_parents.clear();
    indexParents(m_tree.root);
    if (m_showsStopNode)
        m_parents.emplace(&m_stopNode, &m_tree.root);
    endResetModel();
}

void FieldTreeModel::clear()
{
    setLayerTree({});
}

void FieldTreeModel::indexParents(const FieldNode& container)
{
    for (const FieldNode& child : container.children) {
        m_parents.emplace(&child, &container);
        if (!child.children.empty())
            indexParents(child);
    }
}

QModelIndex FieldTreeModel::indexAtByte(int byteOffset) const
{
    if (byteOffset < 0)
        return {};
    const auto offset = uint32_t(byteOffset);
    const FieldNode* container = &m_tree.root;
    const FieldNode* found = nullptr;
    for (;;) {
        const FieldNode* narrowest = nullptr;
        for (const FieldNode& child : container->children) {
            if (child.length == 0 || offset < child.offset || offset - child.offset >= child.length)
                continue;
            if (!narrowest || child.length < narrowest->length)
                narrowest = &child;
        }
        if (!narrowest)
            break;
        found = narrowest;
        container = narrowest;
    }
    if (!found)
        return {};
    const FieldNode* parentNode = m_parents.at(found);
    return createIndex(int(found - parentNode->children.data()), FieldColumn, found);
}

QString FieldTreeModel::layerSummary(const FieldNode& layer)
{
    if (layer.name == "ipv4" || layer.name == "ipv6") {
        const QString src = childValue(layer, "src");
        const QString dst = childValue(layer, "dst");
        if (!src.isEmpty() && !dst.isEmpty())
            return src + kArrow + dst;
    } else if (layer.name == "tcp" || layer.name == "udp") {
        const QString src = childValue(layer, "srcport");
        const QString dst = childValue(layer, "dstport");
        if (!src.isEmpty() && !dst.isEmpty()) {
            QString summary = src + kArrow + dst;
            if (layer.name == "tcp")
                summary += QStringLiteral(" [%1]").arg(tcpFlagNames(layer));
            return summary;
        }
    } else if (layer.name == "payload") {
        return byteCount(layer.length); // (what was captured of it)
    } else if (layer.name == "http") {
        const QString line = childValue(layer, "request_line");
        return line.isEmpty() ? childValue(layer, "status_line") : line;
    }
    return byteCount(headerLength(layer));
}

const FieldNode* FieldTreeModel::nodeAt(const QModelIndex& index) const
{
    return index.isValid() ? static_cast<const FieldNode*>(index.internalPointer()) : nullptr;
}

const FieldNode& FieldTreeModel::containerOf(const QModelIndex& parent) const
{
    const FieldNode* node = nodeAt(parent);
    return node ? *node : m_tree.root;
}

int FieldTreeModel::childCount(const FieldNode& container) const
{
    int count = int(container.children.size());
    if (&container == &m_tree.root && m_showsStopNode)
        ++count;
    return count;
}

const FieldNode* FieldTreeModel::childAt(const FieldNode& container, int row) const
{
    if (row < 0 || row >= childCount(container))
        return nullptr;
    if (size_t(row) < container.children.size())
        return &container.children[size_t(row)];
    return &m_stopNode;
}

QModelIndex FieldTreeModel::index(int row, int column, const QModelIndex& parent) const
{
    if (column < 0 || column >= ColumnCount || (parent.isValid() && parent.column() != 0))
        return {};
    const FieldNode* node = childAt(containerOf(parent), row);
    return node ? createIndex(row, column, node) : QModelIndex();
}

QModelIndex FieldTreeModel::parent(const QModelIndex& child) const
{
    const FieldNode* node = nodeAt(child);
    if (!node)
        return {};
    const FieldNode* parentNode = m_parents.at(node);
    if (parentNode == &m_tree.root)
        return {};
    const FieldNode* grandparent = m_parents.at(parentNode);
    return createIndex(int(parentNode - grandparent->children.data()), FieldColumn, parentNode);
}

int FieldTreeModel::rowCount(const QModelIndex& parent) const
{
    if (parent.isValid() && parent.column() != 0)
        return 0;
    return childCount(containerOf(parent));
}

int FieldTreeModel::columnCount(const QModelIndex&) const
{
    return ColumnCount;
}

QVariant FieldTreeModel::data(const QModelIndex& index, int role) const
{
    const FieldNode* node = nodeAt(index);
    if (!node)
        return {};
    const bool isStopRow = node == &m_stopNode;
    switch (role) {
    case Qt::DisplayRole:
    case Qt::ToolTipRole:
        if (index.column() == FieldColumn) {
            if (role == Qt::ToolTipRole)
                return {};
            if (isStopRow)
                return tr("Decoding stopped");
            return fromStd(node->type == FieldNode::Type::Layer ? node->text : node->name);
        }
        if (node->type == FieldNode::Type::Layer)
            return layerSummary(*node);
        return fromStd(node->displayValue());
    case Qt::FontRole:
        if (node->type == FieldNode::Type::Layer || isStopRow) {
            QFont font;
            font.setBold(node->type == FieldNode::Type::Layer);
            font.setItalic(isStopRow);
            return font;
        }
        return {};
    case ByteOffsetRole:
        return int(node->offset);
    case ByteLengthRole:
        return int(node->length);
    default:
        return {};
    }
}

QVariant FieldTreeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case FieldColumn:
        return tr("Field");
    case ValueColumn:
        return tr("Value");
    default:
        return {};
    }
}

QHash<int, QByteArray> FieldTreeModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractItemModel::roleNames();
    names.insert(ByteOffsetRole, "byteOffset");
    names.insert(ByteLengthRole, "byteLength");
    return names;
}
