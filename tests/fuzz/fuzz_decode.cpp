// libFuzzer target: the fast TCP decode and the rich layer decode of one frame, of every link
// type the decoder knows. Checks that every leaf field of the rich decode lies inside the
// captured bytes, and that both decodes agree on whether the frame is a flow packet and on its
// TCP ports (the differential check of the two paths through DecoderEngine).

#include "Decoder.h"
#include "LayerTree.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace {

/// The link types tried: the first input byte chooses one.
constexpr int kLinkTypes[] = {0, 1, 7, 8, 9, 10, 12, 14, 50, 51, 100, 101, 104, 105, 106, 107, 108, 113, 127,
                              129, 147, 149, 178, 192, 226, 228, 229, 239, 242, 258, 276};

[[noreturn]] void failed(const char* what)
{
    std::fprintf(stderr, "fuzz_decode: %s\n", what);
    std::abort();
}

/// Leaf fields (values read from the frame) lie inside the captured bytes; layers and groups
/// may report what their header claims (the display trims them), so they are not checked.
void checkLeaves(const fi::FieldNode& node, size_t captured)
{
    for (const fi::FieldNode& child : node.children) {
        if (child.isContainer())
            checkLeaves(child, captured);
        else if (uint64_t(child.offset) + child.length > captured)
            failed("a leaf field lies outside the captured bytes");
    }
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
    checkLeaves(tree.root, captured);
    if (fast.valid != tree.isFlowPacket)
        failed("the fast and the rich decode disagree on whether the frame is a flow packet");
    if (fast.valid) {
        const fi::FieldNode* tcp = findTcp(tree.root);
        if (!tcp)
            failed("a flow packet without a TCP layer in the rich decode");
        const fi::FieldNode* src = tcp->child("srcport");
        const fi::FieldNode* dst = tcp->child("dstport");
        if (!src || !dst || src->number != fast.srcPort || dst->number != fast.dstPort)
            failed("the fast and the rich decode disagree on the TCP ports");
    }
    return 0;
}
