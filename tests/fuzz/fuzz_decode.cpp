// libFuzzer target: the fast TCP decode and the rich layer decode of one frame, of every link
// type the decoder knows. Checks that every leaf field of the rich decode lies inside the
// captured bytes; that every layer and group does too, except the IPv6 extension-header and AH
// groups, which report the length their header claims before it is checked against the
// captured bytes: those start inside the captured bytes (at least their 8 fixed bytes) and the
// display trims what runs past (HexView::setHighlight cuts a range at the captured end); and
// that both decodes agree on whether the frame is a flow packet and on every TCP header field
// both give: ports, sequence and ACK numbers, flags, window, where the payload starts, a SYN's
// window scale option and the bytes of the SACK option's first three blocks (the differential
// check of the two paths through DecoderEngine).

#include "Decoder.h"
#include "LayerTree.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <algorithm>
#include <string>
#include <string_view>
#include <utility>

namespace {

/// The link types tried: the first input byte chooses one.
constexpr int kLinkTypes[] = {0, 1, 7, 8, 9, 10, 12, 14, 50, 51, 100, 101, 104, 105, 106, 107, 108, 113, 127,
                              129, 147, 149, 178, 192, 226, 228, 229, 239, 242, 258, 276};

[[noreturn]] void failed(const char* what)
{
    std::fprintf(stderr, "fuzz_decode: %s\n", what);
    std::abort();
}

/// failed(), naming the field and its byte range against the bytes captured.
[[noreturn]] void failedAt(const char* what, const fi::FieldNode& node, size_t captured)
{
    std::fprintf(stderr, "fuzz_decode: %s: %s at %u, %u bytes, of %zu captured\n", what, node.name.c_str(),
                 unsigned(node.offset), unsigned(node.length), captured);
    std::abort();
}

/// The groups reported with the length their header claims (DecoderEngine's IPv6 extension
/// headers, through ipProtocolName, and AH), under their name or, as LayerTree names a second
/// group of a name among its siblings, NAME_2, NAME_3 and on.
bool claimsItsLength(const fi::FieldNode& group)
{
    if (group.type != fi::FieldNode::Type::Group)
        return false;
    std::string_view name = group.name;
    const size_t digits = name.size() - std::min(name.size(), name.find_last_not_of("0123456789") + 1);
    if (digits > 0 && name.size() > digits + 1 && name[name.size() - digits - 1] == '_')
        name.remove_suffix(digits + 1);
    return name == "IPv6 hop-by-hop options" || name == "IPv6 routing" || name == "IPv6 destination options" ||
           name == "IPv6 fragment" || name == "ah";
}

/// Leaf fields, layers and groups lie inside the captured bytes; a group that claims its
/// length starts inside them with its fixed 8 bytes, and the display trims the rest.
void checkRanges(const fi::FieldNode& node, size_t captured)
{
    for (const fi::FieldNode& child : node.children) {
        const uint64_t end = uint64_t(child.offset) + child.length;
        if (!child.isContainer()) {
            if (end > captured)
                failedAt("a leaf field lies outside the captured bytes", child, captured);
            continue;
        }
        if (claimsItsLength(child)) {
            if (uint64_t(child.offset) + 8 > captured)
                failedAt("an IPv6 extension header or AH group does not start with its 8 bytes inside the captured bytes",
                         child, captured);
        } else if (end > captured) {
            failedAt("a layer or group lies outside the captured bytes", child, captured);
        }
        checkRanges(child, captured);
    }
}

uint8_t hexByte(const std::string& hex, size_t at)
{
    auto digit = [](char c) { return uint8_t(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10); };
    return uint8_t(digit(hex[at]) << 4 | digit(hex[at + 1]));
}

uint32_t hexBe32(const std::string& hex, size_t byte)
{
    uint32_t v = 0;
    for (size_t i = 0; i < 4; ++i)
        v = v << 8 | hexByte(hex, (byte + i) * 2);
    return v;
}

/// What the rich decode's TCP layer says the fast decode must have found.
void compareTcp(const fi::FieldNode& tcp, const fi::TcpPacket& fast)
{
    auto number = [&](const fi::FieldNode& in, const char* name) -> uint64_t {
        const fi::FieldNode* f = in.child(name);
        if (!f)
            failed("the rich decode's TCP layer lacks a field");
        return f->number;
    };
    if (number(tcp, "srcport") != fast.srcPort || number(tcp, "dstport") != fast.dstPort)
        failed("the fast and the rich decode disagree on the TCP ports");
    if (number(tcp, "seq") != fast.seq || number(tcp, "ack") != fast.ack)
        failed("the fast and the rich decode disagree on the sequence or ACK number");
    if (number(tcp, "window_size") != fast.window)
        failed("the fast and the rich decode disagree on the window");
    if (tcp.offset + number(tcp, "hdr_len") != fast.payloadOffset)
        failed("the fast and the rich decode disagree on where the payload starts");
    const fi::FieldNode* flagGroup = tcp.child("flags");
    if (!flagGroup)
        failed("the rich decode's TCP layer lacks its flags");
    static constexpr std::pair<const char*, uint8_t> kFlags[] = {
        {"cwr", fi::TcpFlag::CWR}, {"ece", fi::TcpFlag::ECE}, {"urg", fi::TcpFlag::URG}, {"ack", fi::TcpFlag::ACK},
        {"psh", fi::TcpFlag::PSH}, {"rst", fi::TcpFlag::RST}, {"syn", fi::TcpFlag::SYN}, {"fin", fi::TcpFlag::FIN}};
    uint8_t flags = 0;
    for (const auto& [name, bit] : kFlags)
        flags |= number(*flagGroup, name) ? bit : 0;
    if (flags != fast.flags)
        failed("the fast and the rich decode disagree on the TCP flags");
    // (the payload runs at least to the TCP layer's end: the IP length may claim more)
    if (tcp.offset + tcp.length > fast.payloadOffset && tcp.offset + tcp.length - fast.payloadOffset > fast.payloadLength)
        failed("the fast decode's payload is shorter than what the rich decode's TCP layer holds past its header");

    int windowScale = -1;
    uint32_t sacked = 0;
    if (const fi::FieldNode* options = tcp.child("options")) {
        for (const fi::FieldNode& option : options->children) {
            if (option.name == "window_scale" && (fast.flags & fi::TcpFlag::SYN))
                windowScale = option.number > 14 ? 14 : int(option.number); // RFC 7323: at most 14
            if (option.name == "sack")
                for (size_t b = 0; b + 8 <= option.text.size() / 2 && b < 24; b += 8)
                    sacked += hexBe32(option.text, b + 4) - hexBe32(option.text, b);
        }
    }
    if (windowScale != fast.windowScale)
        failed("the fast and the rich decode disagree on the SYN's window scale");
    if (sacked != fast.sackedBytes)
        failed("the fast and the rich decode disagree on the bytes SACK blocks cover");
}

const fi::FieldNode* findTcp(const fi::FieldNode& node)
{
    const fi::FieldNode* found = nullptr;
    for (const fi::FieldNode& child : node.children) {
        if (child.type == fi::FieldNode::Type::Layer && child.name == "tcp")
            found = &child;
        if (child.isContainer())
            if (const fi::FieldNode* inner = findTcp(child))
                found = inner;
    }
    return found;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size < 1)
        return 0;
    const int linkType = kLinkTypes[data[0] % (sizeof kLinkTypes / sizeof kLinkTypes[0])];
    const uint8_t* frame = data + 1;
    const size_t captured = size - 1;
    const fi::TcpPacket fast = fi::decodeTcp(linkType, frame, captured, captured);
    const fi::LayerTree tree = fi::decodeLayers(linkType, frame, captured, captured);
    checkRanges(tree.root, captured);
    if (fast.valid != tree.isFlowPacket)
        failed("the fast and the rich decode disagree on whether the frame is a flow packet");
    if (fast.valid) {
        const fi::FieldNode* tcp = findTcp(tree.root);
        if (!tcp)
            failed("a flow packet without a TCP layer in the rich decode");
        compareTcp(*tcp, fast);
    }
    return 0;
}
