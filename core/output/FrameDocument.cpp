#include "FrameDocument.h"

#include "LayerTree.h"

#include <cstdio>

namespace fi {

namespace {

FieldNode integer(const char* name, uint64_t value)
{
    FieldNode n;
    n.name = name;
    n.type = FieldNode::Type::Integer;
    n.number = value;
    return n;
}

FieldNode text(const char* name, std::string value, FieldNode::Type type = FieldNode::Type::Text)
{
    FieldNode n;
    n.name = name;
    n.type = type;
    n.text = std::move(value);
    return n;
}

/// Adds to every layer its bytes as hex, the way pcapkit keeps `packet` in each layer.
void addLayerBytes(FieldNode& node, const FrameView& frame)
{
    for (FieldNode& child : node.children)
        if (child.type == FieldNode::Type::Layer)
            addLayerBytes(child, frame);
    if (node.type == FieldNode::Type::Layer) {
        size_t begin = node.offset, end = size_t(node.offset) + node.length;
        if (end > frame.record.capturedLength)
            end = frame.record.capturedLength;
        node.children.push_back(
            text("packet", begin < end ? hexString(frame.data + begin, end - begin) : std::string(),
                 FieldNode::Type::Bytes));
    }
}

} // namespace

FieldNode frameDocument(int linkType, const FrameView& frame, bool nanosecond)
{
    const Timestamp ts = frame.record.timestamp();
    FieldNode doc;
    doc.name = "Frame " + std::to_string(frame.number);
    doc.type = FieldNode::Type::Group;

    FieldNode info;
    info.name = "frame_info";
    info.type = FieldNode::Type::Group;
    info.children.push_back(integer("ts_sec", uint64_t(ts.seconds)));
    if (nanosecond)
        info.children.push_back(integer("ts_nsec", ts.nanoseconds));
    else
        info.children.push_back(integer("ts_usec", ts.nanoseconds / 1000));
    info.children.push_back(integer("incl_len", frame.record.capturedLength));
    info.children.push_back(integer("orig_len", frame.record.originalLength));
    doc.children.push_back(std::move(info));
    doc.children.push_back(text("time", ts.isoText(nanosecond)));
    doc.children.push_back(integer("number", frame.number));
    doc.children.push_back(text("time_epoch", ts.labelText()));
    doc.children.push_back(integer("len", frame.record.originalLength));
    doc.children.push_back(integer("cap_len", frame.record.capturedLength));

    LayerTree tree = decodeLayers(linkType, frame.data, frame.record.capturedLength,
                                  frame.record.originalLength);
    for (FieldNode& layer : tree.root.children) {
        addLayerBytes(layer, frame);
        doc.children.push_back(std::move(layer));
    }
    doc.children.push_back(text("protocols", tree.protocols));
    doc.children.push_back(
        text("packet", hexString(frame.data, frame.record.capturedLength), FieldNode::Type::Bytes));
    return doc;
}

// ---------------------------------------------------------------- JSON

std::string jsonEscaped(const std::string& s)
{
    std::string out;
    out.reserve(s.size() + 2);
    for (unsigned char c : s) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\t': out += "\\t"; break;
        case '\r': out += "\\r"; break;
        default:
            if (c < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", c);
                out += buf;
            } else {
                out += char(c);
            }
        }
    }
    return out;
}

namespace {

void jsonNode(const FieldNode& n, int depth, std::string& out)
{
    out.append(size_t(depth), '\t');
    out += '"' + jsonEscaped(n.name) + "\": ";
    switch (n.type) {
    case FieldNode::Type::Integer: out += std::to_string(n.number); return;
    case FieldNode::Type::Bool: out += n.number ? "true" : "false"; return;
    case FieldNode::Type::Text:
    case FieldNode::Type::Bytes: out += '"' + jsonEscaped(n.text) + '"'; return;
    case FieldNode::Type::Layer:
    case FieldNode::Type::Group: break;
    }
    if (n.children.empty()) {
        out += "{}";
        return;
    }
    out += "{\n";
    for (size_t i = 0; i < n.children.size(); ++i) {
        jsonNode(n.children[i], depth + 1, out);
        out += i + 1 < n.children.size() ? ",\n" : "\n";
    }
    out.append(size_t(depth), '\t');
    out += '}';
}

std::string xmlEscaped(const std::string& s)
{
    std::string out;
    for (char c : s) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        default: out += c;
        }
    }
    return out;
}

std::string base64OfHex(const std::string& hex)
{
    static const char kAlphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
    std::string bytes;
    for (size_t i = 0; i + 1 < hex.size(); i += 2)
        bytes += char(nibble(hex[i]) << 4 | nibble(hex[i + 1]));
    std::string out;
    for (size_t i = 0; i < bytes.size(); i += 3) {
        uint32_t v = uint32_t(uint8_t(bytes[i])) << 16;
        if (i + 1 < bytes.size())
            v |= uint32_t(uint8_t(bytes[i + 1])) << 8;
        if (i + 2 < bytes.size())
            v |= uint8_t(bytes[i + 2]);
        out += kAlphabet[v >> 18 & 63];
        out += kAlphabet[v >> 12 & 63];
        out += i + 1 < bytes.size() ? kAlphabet[v >> 6 & 63] : '=';
        out += i + 2 < bytes.size() ? kAlphabet[v & 63] : '=';
    }
    return out;
}

void plistNode(const FieldNode& n, int depth, std::string& out)
{
    std::string indent(size_t(depth), '\t');
    out += indent + "<key>" + xmlEscaped(n.name) + "</key>\n" + indent;
    switch (n.type) {
    case FieldNode::Type::Integer: out += "<integer>" + std::to_string(n.number) + "</integer>\n"; return;
    case FieldNode::Type::Bool: out += n.number ? "<true/>\n" : "<false/>\n"; return;
    case FieldNode::Type::Text: out += "<string>" + xmlEscaped(n.text) + "</string>\n"; return;
    case FieldNode::Type::Bytes: out += "<data>" + base64OfHex(n.text) + "</data>\n"; return;
    case FieldNode::Type::Layer:
    case FieldNode::Type::Group: break;
    }
    out += "<dict>\n";
    for (const FieldNode& c : n.children)
        plistNode(c, depth + 1, out);
    out += indent + "</dict>\n";
}

std::string spacedHex(const std::string& hex, const std::string& indent)
{
    std::string out;
    for (size_t i = 0; i < hex.size(); i += 2) {
        if (i > 0)
            out += (i / 2) % 16 == 0 ? "\n" + indent : " ";
        out += hex.substr(i, 2);
    }
    return out;
}

void treeNode(const FieldNode& n, const std::string& prefix, bool last, std::string& out)
{
    const std::string childPrefix = prefix + (last ? "      " : "|     ");
    out += prefix + "|-- " + n.name;
    switch (n.type) {
    case FieldNode::Type::Integer:
    case FieldNode::Type::Bool:
    case FieldNode::Type::Text: out += " -> " + n.displayValue() + "\n"; return;
    case FieldNode::Type::Bytes:
        if (n.text.empty())
            out += " -> NIL\n";
        else
            out += " \n" + childPrefix + "|--> " + spacedHex(n.text, childPrefix + "     ") + "\n";
        return;
    case FieldNode::Type::Layer:
    case FieldNode::Type::Group: break;
    }
    out += " \n";
    for (size_t i = 0; i < n.children.size(); ++i)
        treeNode(n.children[i], childPrefix, i + 1 == n.children.size(), out);
}

} // namespace

std::string JsonFormat::entry(const FieldNode& frame) const
{
    std::string out;
    jsonNode(frame, 1, out);
    return out;
}

std::string PlistFormat::prolog() const
{
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
           "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" "
           "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"
           "<plist version=\"1.0\">\n<dict>\n";
}

std::string PlistFormat::entry(const FieldNode& frame) const
{
    std::string out;
    plistNode(frame, 1, out);
    return out;
}

std::string TreeFormat::entry(const FieldNode& frame) const
{
    std::string out = frame.name + "\n";
    for (size_t i = 0; i < frame.children.size(); ++i)
        treeNode(frame.children[i], "  ", i + 1 == frame.children.size(), out);
    return out;
}

} // namespace fi
