#include "PayloadLayer.h"

#include "Decoder.h"

#include <algorithm>
#include <string_view>

namespace fi {

namespace {

enum class Protocol { None, Http, Smtp, Ftp, Pop3, Imap };

Protocol protocolOfPort(uint16_t port)
{
    switch (port) {
    case 80: case 3128: case 8000: case 8008: case 8080: case 8081: return Protocol::Http;
    case 25: case 587: return Protocol::Smtp;
    case 21: return Protocol::Ftp;
    case 110: return Protocol::Pop3;
    case 143: return Protocol::Imap;
    default: return Protocol::None;
    }
}

/// The protocol and whether the segment was sent to its port (a client's).
std::pair<Protocol, bool> protocolOf(uint16_t srcPort, uint16_t dstPort)
{
    if (const Protocol p = protocolOfPort(dstPort); p != Protocol::None)
        return {p, true};
    return {protocolOfPort(srcPort), false};
}

bool plainText(std::string_view text)
{
    return std::all_of(text.begin(), text.end(), [](char c) {
        const auto b = static_cast<unsigned char>(c);
        return (b >= 0x20 && b < 0x7f) || b == '\r' || b == '\n' || b == '\t';
    });
}

/// A line of `text` from `at`: its text without the line end, and where the next one starts
/// (npos: the text ended without a line end).
struct Line
{
    std::string_view text;
    size_t next;
};

Line lineAt(std::string_view text, size_t at)
{
    const size_t feed = text.find('\n', at);
    std::string_view line = text.substr(at, feed == std::string_view::npos ? std::string_view::npos : feed - at);
    if (!line.empty() && line.back() == '\r')
        line.remove_suffix(1);
    return {line, feed == std::string_view::npos ? std::string_view::npos : feed + 1};
}

/// `METHOD SP TARGET SP HTTP/d.d`, or `HTTP/d.d SP CODE [SP REASON]`.
bool httpLayer(FieldNode& layer, std::string_view text, size_t base)
{
    const Line first = lineAt(text, 0);
    const std::string_view line = first.text;
    const size_t space1 = line.find(' ');
    if (space1 == std::string_view::npos)
        return false;
    const size_t space2 = line.find(' ', space1 + 1);
    auto isVersion = [](std::string_view v) {
        return v.size() == 8 && v.substr(0, 5) == "HTTP/" && v[5] >= '0' && v[5] <= '9' && v[6] == '.' && v[7] >= '0' && v[7] <= '9';
    };
    if (isVersion(line.substr(0, space1))) {
        const std::string_view code = line.substr(space1 + 1, space2 == std::string_view::npos ? std::string_view::npos : space2 - space1 - 1);
        if (code.size() != 3 || !std::all_of(code.begin(), code.end(), [](char c) { return c >= '0' && c <= '9'; }))
            return false;
        layer.children.push_back(textField("status_line", line, base, line.size()));
        layer.children.push_back(textField("version", line.substr(0, space1), base, space1));
        layer.children.push_back(numberField("status_code", uint64_t(std::stoi(std::string(code))), base + space1 + 1, 3));
        if (space2 != std::string_view::npos)
            layer.children.push_back(textField("reason", line.substr(space2 + 1), base + space2 + 1, line.size() - space2 - 1));
    } else {
        const std::string_view method = line.substr(0, space1);
        if (space2 == std::string_view::npos || !isVersion(line.substr(space2 + 1)) || method.empty() ||
            !std::all_of(method.begin(), method.end(), [](char c) { return c >= 'A' && c <= 'Z'; }))
            return false;
        layer.children.push_back(textField("request_line", line, base, line.size()));
        layer.children.push_back(textField("method", method, base, space1));
        layer.children.push_back(textField("uri", line.substr(space1 + 1, space2 - space1 - 1), base + space1 + 1, space2 - space1 - 1));
        layer.children.push_back(textField("version", line.substr(space2 + 1), base + space2 + 1, line.size() - space2 - 1));
    }
    FieldNode headers = fieldNode("headers", FieldNode::Type::Group, base + first.next, 0);
    size_t at = first.next;
    bool headerEnded = false;
    while (at != std::string_view::npos && at < text.size()) {
        const Line header = lineAt(text, at);
        if (header.next == std::string_view::npos)
            break; // a header line the segment (or the capture) cut: not a field
        if (header.text.empty()) { // the end of the header: the body follows
            at = header.next;
            headerEnded = true;
            break;
        }
        const size_t colon = header.text.find(':');
        std::string_view value = colon == std::string_view::npos ? std::string_view() : header.text.substr(colon + 1);
        while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
            value.remove_prefix(1);
        headers.children.push_back(textField(std::string(header.text.substr(0, colon)), value, base + at, header.text.size()));
        at = header.next;
    }
    headers.length = uint32_t((at == std::string_view::npos ? text.size() : at) - first.next);
    if (!headers.children.empty())
        layer.children.push_back(std::move(headers));
    if (headerEnded && at < text.size())
        layer.children.push_back(numberField("body", text.size() - at, base + at, text.size() - at));
    return true;
}

/// Every line: commands sent to the server, replies from it.
void commandLines(FieldNode& layer, std::string_view text, size_t base, bool toServer)
{
    constexpr size_t kMaxLines = 1000;
    size_t at = 0;
    for (size_t n = 0; at != std::string_view::npos && at < text.size(); ++n) {
        const Line line = lineAt(text, at);
        if (n == kMaxLines) {
            layer.children.push_back(numberField("more_bytes", text.size() - at, base + at, text.size() - at));
            return;
        }
        layer.children.push_back(textField(toServer ? "command" : "reply", line.text, base + at, line.text.size()));
        at = line.next;
    }
}

/// The innermost layer of the decode, to nest the payload in.
FieldNode* innermostLayer(FieldNode& root)
{
    FieldNode* node = &root;
    for (;;) {
        FieldNode* next = nullptr;
        for (FieldNode& c : node->children)
            if (c.type == FieldNode::Type::Layer)
                next = &c;
        if (!next)
            return node == &root ? nullptr : node;
        node = next;
    }
}

} // namespace

void addPayloadLayer(LayerTree& tree, int linkType, const uint8_t* data, size_t capturedLength,
                     size_t originalLength)
{
    const TcpPacket tcp = decodeTcp(linkType, data, capturedLength, originalLength);
    FieldNode* tcpLayer = innermostLayer(tree.root);
    if (!tcp.valid || tcp.payloadLength == 0 || !tcpLayer || tcpLayer->name != "tcp")
        return;
    const auto [from, captured] = tcp.capturedPayload(capturedLength);
    FieldNode payload = fieldNode("payload", FieldNode::Type::Layer, from, captured);
    payload.text = "Payload";
    payload.children.push_back(numberField("length", tcp.payloadLength, from, captured));
    if (captured < tcp.payloadLength)
        payload.children.push_back(numberField("captured", captured, from, captured));
    FieldNode bytes = fieldNode("data", FieldNode::Type::Bytes, from, captured);
    bytes.text = hexString(data + from, captured);
    payload.children.push_back(std::move(bytes));

    const std::string_view text(reinterpret_cast<const char*>(data + from), captured);
    const auto [protocol, toServer] = protocolOf(tcp.srcPort, tcp.dstPort);
    static const char* const kNames[][2] = {{"", ""}, {"http", "HTTP"}, {"smtp", "SMTP"}, {"ftp", "FTP"}, {"pop", "POP3"}, {"imap", "IMAP"}};
    FieldNode application = fieldNode(kNames[int(protocol)][0], FieldNode::Type::Layer, from, captured);
    application.text = kNames[int(protocol)][1];
    bool shown = false;
    if (protocol == Protocol::Http) {
        // the request or status line and the header must be text; the body may be anything
        const size_t headerEnd = text.find("\r\n\r\n");
        shown = plainText(text.substr(0, headerEnd == std::string_view::npos ? text.size() : headerEnd)) &&
                httpLayer(application, text, from);
    } else if (protocol != Protocol::None && plainText(text)) {
        commandLines(application, text, from, toServer);
        shown = true;
    }
    tree.protocols += ":Payload";
    if (shown) {
        tree.protocols += ":" + application.text;
        payload.children.push_back(std::move(application));
    }
    tcpLayer->children.push_back(std::move(payload));
}

} // namespace fi
