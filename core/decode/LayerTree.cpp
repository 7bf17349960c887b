#include "LayerTree.h"

#include "DecoderEngine.h"
#include "IpAddress.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <string_view>

namespace fi {

namespace {

/// Builds the FieldNode tree from the decoder's reports.
class TreeSink
{
public:
    static constexpr bool kWantsFields = true;

    explicit TreeSink(LayerTree& tree) : m_tree(tree) { m_stack.push_back(&tree.root); }

    void layer(const char* key, const char* name, size_t off, size_t len)
    {
        // A new layer nests inside the current layer (not inside an open group).
        while (m_stack.size() > 1 && m_stack.back()->type != FieldNode::Type::Layer)
            m_stack.pop_back();
        FieldNode node;
        node.name = key;
        node.type = FieldNode::Type::Layer;
        node.text = name;
        node.offset = uint32_t(off);
        node.length = uint32_t(len);
        m_stack.back()->children.push_back(std::move(node));
        m_stack.push_back(&m_stack.back()->children.back());
        if (!m_tree.protocols.empty())
            m_tree.protocols += ':';
        m_tree.protocols += name;
    }

    void beginGroup(const char* name, size_t off, size_t len)
    {
        FieldNode node;
        node.name = uniqueName(name ? name : "group");
        node.type = FieldNode::Type::Group;
        node.offset = uint32_t(off);
        node.length = uint32_t(len);
        m_stack.back()->children.push_back(std::move(node));
        m_stack.push_back(&m_stack.back()->children.back());
    }
    void endGroup()
    {
        if (m_stack.size() > 1)
            m_stack.pop_back();
    }

    void field(const char* name, const FieldValue& v, size_t off, size_t len)
    {
        FieldNode node;
        node.name = uniqueName(name);
        node.offset = uint32_t(off);
        node.length = uint32_t(len);
        char buf[64];
        switch (v.kind) {
        case FieldValue::Kind::Unsigned:
            node.type = FieldNode::Type::Integer;
            node.number = v.number;
            break;
        case FieldValue::Kind::Bool:
            node.type = FieldNode::Type::Bool;
            node.number = v.number != 0;
            break;
        case FieldValue::Kind::Hex:
            node.type = FieldNode::Type::Text;
            std::snprintf(buf, sizeof buf, "0x%0*llx", int(v.width),
                          static_cast<unsigned long long>(v.number));
            node.text = buf;
            break;
        case FieldValue::Kind::Bytes:
            node.type = FieldNode::Type::Bytes;
            node.text = hexString(v.bytes, v.size);
            break;
        case FieldValue::Kind::Mac:
            node.type = FieldNode::Type::Text;
            std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", v.bytes[0],
                          v.bytes[1], v.bytes[2], v.bytes[3], v.bytes[4], v.bytes[5]);
            node.text = buf;
            break;
        case FieldValue::Kind::IPv4:
            node.type = FieldNode::Type::Text;
            node.text = IpAddress::v4(v.bytes).toString();
            break;
        case FieldValue::Kind::IPv6:
            node.type = FieldNode::Type::Text;
            node.text = IpAddress::v6(v.bytes).toString();
            break;
        case FieldValue::Kind::Enum:
            if (v.text) {
                node.type = FieldNode::Type::Text;
                std::snprintf(buf, sizeof buf, "%s [%llu]", v.text,
                              static_cast<unsigned long long>(v.number));
                node.text = buf;
            } else {
                node.type = FieldNode::Type::Integer;
                node.number = v.number;
            }
            break;
        case FieldValue::Kind::Text:
            node.type = FieldNode::Type::Text;
            node.text = v.text ? v.text : "";
            break;
        }
        m_stack.back()->children.push_back(std::move(node));
    }

    void stop(const char* reason)
    {
        if (m_tree.stopReason.empty())
            m_tree.stopReason = reason;
    }

private:
    /// Names are keys in the json and plist outputs: a repeated one (two NOP options, a label
    /// stack) gets a number, `nop`, `nop_2`, `nop_3`: the smallest not taken. One pass over the
    /// siblings (a stack of n labels costs n², where trying each number in turn cost n³).
    std::string uniqueName(const char* name) const
    {
        const std::string_view base(name);
        bool baseTaken = false;
        std::vector<bool> numberTaken; // [i]: `name_i` is a sibling
        for (const FieldNode& sibling : m_stack.back()->children) {
            const std::string_view n(sibling.name);
            if (n == base) {
                baseTaken = true;
            } else if (n.size() > base.size() + 1 && n.substr(0, base.size()) == base && n[base.size()] == '_') {
                size_t number = 0;
                const std::string_view digits = n.substr(base.size() + 1);
                const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), number);
                if (error == std::errc() && end == digits.data() + digits.size() && digits[0] != '0' &&
                    number <= m_stack.back()->children.size() + 1) {
                    if (numberTaken.size() <= number)
                        numberTaken.resize(number + 1);
                    numberTaken[number] = true;
                }
            }
        }
        if (!baseTaken)
            return std::string(base);
        size_t i = 2;
        while (i < numberTaken.size() && numberTaken[i])
            ++i;
        return std::string(base) + "_" + std::to_string(i);
    }

    LayerTree& m_tree;
    // Pointers into the tree stay valid: only the back node's children grow, and every node
    // on the stack is the last child of the one below it.
    std::vector<FieldNode*> m_stack;
};

} // namespace

std::vector<const FieldNode*> LayerTree::layers() const
{
    std::vector<const FieldNode*> out;
    const FieldNode* node = &root;
    for (;;) {
        const FieldNode* next = nullptr;
        for (const FieldNode& c : node->children)
            if (c.type == FieldNode::Type::Layer)
                next = &c;
        if (!next)
            return out;
        out.push_back(next);
        node = next;
    }
}

LayerTree decodeLayers(int linkType, const uint8_t* data, size_t capturedLength, size_t originalLength)
{
    LayerTree tree;
    tree.root.name = "frame";
    TcpPacket packet;
    TreeSink sink(tree);
    DecoderEngine<TreeSink>(data, capturedLength, originalLength, sink, packet).decode(linkType);
    tree.isFlowPacket = packet.valid;
    return tree;
}

FieldNode fieldNode(std::string name, FieldNode::Type type, size_t offset, size_t length)
{
    FieldNode n;
    n.name = std::move(name);
    n.type = type;
    n.offset = uint32_t(offset);
    n.length = uint32_t(length);
    return n;
}

FieldNode textField(std::string name, std::string_view text, size_t offset, size_t length)
{
    FieldNode n = fieldNode(std::move(name), FieldNode::Type::Text, offset, length);
    n.text = std::string(text);
    return n;
}

FieldNode numberField(std::string name, uint64_t value, size_t offset, size_t length)
{
    FieldNode n = fieldNode(std::move(name), FieldNode::Type::Integer, offset, length);
    n.number = value;
    return n;
}

std::string hexString(const uint8_t* p, size_t n)
{
    static const char kDigits[] = "0123456789abcdef";
    std::string out(n * 2, '0');
    for (size_t i = 0; i < n; ++i) {
        out[2 * i] = kDigits[p[i] >> 4];
        out[2 * i + 1] = kDigits[p[i] & 0xF];
    }
    return out;
}

std::string FieldNode::displayValue() const
{
    switch (type) {
    case Type::Integer: return std::to_string(number);
    case Type::Bool: return number ? "True" : "False";
    case Type::Text:
    case Type::Bytes: return text;
    case Type::Layer: return text;
    case Type::Group: return {};
    }
    return {};
}

const FieldNode* FieldNode::child(const std::string& childName) const
{
    for (const FieldNode& c : children)
        if (c.name == childName)
            return &c;
    return nullptr;
}

} // namespace fi
