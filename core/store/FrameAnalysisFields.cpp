#include "FrameAnalysisFields.h"

#include "FlowColumns.h"
#include "TcpPacket.h"

#include <algorithm>

namespace fi {

namespace {

std::string seconds(int64_t ns)
{
    return FlowColumns::secondsText(ns) + " s";
}

/// The layer named `name` nearest the innermost, or nullptr.
FieldNode* innermostLayer(FieldNode& node, const std::string& name)
{
    for (auto it = node.children.rbegin(); it != node.children.rend(); ++it) {
        if (FieldNode* inner = innermostLayer(*it, name))
            return inner;
        if (it->type == FieldNode::Type::Layer && it->name == name)
            return &*it;
    }
    return nullptr;
}

} // namespace

FieldNode frameAnalysisFields(const CaptureStore& store, uint32_t number)
{
    FieldNode group = fieldNode("SEQ/ACK analysis", FieldNode::Type::Group);
    const FlowPacket* packet = store.packetOfFrame(number);
    if (!packet)
        return group;
    const FlowAnalysis& flow = store.flows[store.flowOfFrame(number)].analysis;
    std::vector<FieldNode>& fields = group.children;
    if (flow.handshakeRttNs > 0)
        fields.push_back(textField("iRTT", seconds(flow.handshakeRttNs)));
    if (packet->acksFrame) {
        fields.push_back(numberField("This is an ACK to the segment in frame", packet->acksFrame));
        fields.push_back(textField("The RTT to ACK the segment was", seconds(*store.ackRttNs(*packet))));
    }
    if (packet->bytesInFlight)
        fields.push_back(numberField("Bytes in flight", packet->bytesInFlight));
    const bool syn = packet->flags & TcpFlag::SYN;
    fields.push_back(textField("Window size scaling factor",
                               flow.windowScale == -2 ? "-2 (no window scaling used)"
                               : flow.windowScale < 0 ? "-1 (unknown)"
                                                      : std::to_string(1u << flow.windowScale)));
    fields.push_back(numberField("Calculated window size", flow.scaledWindow(packet->window, syn)));
    if (packet->analysis) {
        FieldNode flags = fieldNode("TCP Analysis Flags", FieldNode::Type::Group);
        for (int bit = 0; bit < TcpAnalysisFlag::kCount; ++bit)
            if (packet->analysis & (1u << bit))
                flags.children.push_back(textField(tcpAnalysisFlagTitle(bit), tcpAnalysisFlagDescription(bit)));
        fields.push_back(std::move(flags));
    }
    return group;
}

void addFrameAnalysisFields(FieldNode& root, const CaptureStore& store, uint32_t number)
{
    FieldNode* tcp = innermostLayer(root, "tcp");
    if (!tcp)
        return;
    FieldNode fields = frameAnalysisFields(store, number);
    if (!fields.children.empty())
        // after the header's fields, before the layers it carries (the payload), as Wireshark
        tcp->children.insert(std::find_if(tcp->children.begin(), tcp->children.end(),
                                          [](const FieldNode& n) { return n.type == FieldNode::Type::Layer; }),
                             std::move(fields));
}

} // namespace fi
