#include "FlowIndexJson.h"

#include "FlowAnalysisJson.h"
#include "FrameDocument.h"

#include <algorithm>

namespace fi {

std::string flowIndexJson(const TraceFlow& trace, const std::vector<FlowAnalysis>* figures,
                          const std::vector<ConnectionSummary>* connections)
{
    std::vector<const Index*> flows = trace.index();
    std::stable_sort(flows.begin(), flows.end(), [](const Index* a, const Index* b) {
        return a->index.front() < b->index.front();
    });
    std::string out = "{\n \"flows\": [";
    for (size_t i = 0; i < flows.size(); ++i) {
        const Index& f = *flows[i];
        const BufferID& id = trace.id(f);
        const FlowStats& stats = trace.stats(f);
        out += i ? ",\n  {\n" : "\n  {\n";
        out += "   \"label\": \"" + jsonEscaped(f.label) + "\",\n   \"frames\": [";
        for (size_t k = 0; k < f.index.size(); ++k)
            out += (k ? ", " : "") + std::to_string(f.index[k]);
        out += "],\n";
        out += "   \"src\": \"" + id.src.toString() + "\",\n";
        out += "   \"srcport\": " + std::to_string(id.srcport) + ",\n";
        out += "   \"dst\": \"" + id.dst.toString() + "\",\n";
        out += "   \"dstport\": " + std::to_string(id.dstport) + ",\n";
        out += "   \"packets\": " + std::to_string(stats.packets) + ",\n";
        out += "   \"bytes\": " + std::to_string(stats.bytes) + ",\n";
        out += "   \"first\": " + Timestamp::fromNanoseconds(stats.firstNs).labelText() + ",\n";
        out += "   \"last\": " + Timestamp::fromNanoseconds(stats.lastNs).labelText() + ",\n";
        out += "   \"syn\": " + std::to_string(stats.syn) + ",\n";
        out += "   \"fin\": " + std::to_string(stats.fin) + ",\n";
        out += "   \"rst\": " + std::to_string(stats.rst) + ",\n";
        out += std::string("   \"closed\": ") + (stats.closedByFin ? "true" : "false");
        if (figures)
            out += ",\n   \"analysis\": " +
                   flowAnalysisJson(f.flow < figures->size() ? (*figures)[f.flow] : FlowAnalysis{},
                                    connections && f.flow < connections->size() ? (*connections)[f.flow]
                                                                                : ConnectionSummary{});
        if (!f.fpout.empty())
            out += ",\n   \"file\": \"" + jsonEscaped(f.fpout) + "\"";
        out += "\n  }";
    }
    out += flows.empty() ? "]\n}\n" : "\n ]\n}\n";
    return out;
}

} // namespace fi
