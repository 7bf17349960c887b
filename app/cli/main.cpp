// flowinspector-cli: the tracing core, headless.

#include "CliOptions.h"
#include "FlowAnalysisJson.h"
#include "FlowIndexJson.h"

#include "CaptureStore.h"
#include "CaptureTracer.h"
#include "FlowExporter.h"
#include "FlowFileWriter.h"
#include "FlowTracker.h"
#include "FollowStream.h"
#include "LoadBatchBuilder.h"
#include "TcpAnalysis.h"
#include "TraceFlow.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <string>
#include <unordered_map>
#include <vector>

using namespace fi;

namespace {

void warnIfEndedEarly(const std::string& path, const TraceSummary& s)
{
    if (s.end == TraceSummary::End::Truncated)
        std::fprintf(stderr,
                     "flowinspector-cli: warning: %s: the file ends inside a record after frame "
                     "%u; the flows read so far are shown\n",
                     path.c_str(), s.framesRead);
    else if (s.end == TraceSummary::End::Damaged)
        std::fprintf(stderr,
                     "flowinspector-cli: warning: %s: damaged record after frame %u (%s); the "
                     "flows read so far are shown\n",
                     path.c_str(), s.framesRead, s.message.c_str());
}

int fail(const std::string& message)
{
    std::fprintf(stderr, "flowinspector-cli: %s\n", message.c_str());
    return 1;
}

/// What `trace` wrote.
struct Written
{
    size_t files = 0;
    uint64_t bytes = 0;
    FlowWriterPool::PayloadGaps gaps; ///< payload
};

/// merged-pcap and csv: the chosen flows of the traced capture, through FlowExporter.
bool exportWholeFile(const CliOptions& o, const CaptureStore& store, Written& written,
                     std::string& error)
{
    std::vector<uint32_t> flows;
    if (const auto& labels = o.output.flowLabels) {
        std::unordered_map<std::string, std::vector<uint32_t>> byLabel;
        for (uint32_t id = 0; id < store.flows.size(); ++id)
            byLabel[store.flows[id].label()].push_back(id);
        for (const std::string& label : *labels) {
            auto found = byLabel.find(label);
            if (found == byLabel.end()) {
                error = "no flow is labelled '" + label + "'";
                return false;
            }
            flows.insert(flows.end(), found->second.begin(), found->second.end());
        }
    } else {
        for (uint32_t id = 0; id < store.flows.size(); ++id)
            flows.push_back(id);
    }
    ExportOptions options;
    options.format = o.format;
    options.directory = o.output.directory;
    options.byteOrder = o.output.byteOrder;
    options.nanosecond = o.output.nanosecond;
    FlowExporter exporter(store, flows, options);
    const ExportResult r = exporter.run();
    written = {r.files.size(), r.bytesWritten, {}};
    error = r.error;
    return r.ok();
}

int printTraceSummary(const CliOptions& o, const Written& written, const TraceSummary& s)
{
    std::printf("wrote %zu %s file%s (%llu bytes) to %s: %u frames read, %llu flow packets, "
                "%zu flows",
                written.files, exportFormatName(o.format), written.files == 1 ? "" : "s",
                static_cast<unsigned long long>(written.bytes), o.output.directory.c_str(),
                s.framesRead, static_cast<unsigned long long>(s.flowPackets), s.flows);
    if (o.format == ExportFormat::Payload) {
        std::printf("; %zu flow%s with bytes missing from the capture, %llu bytes missing",
                    written.gaps.flows, written.gaps.flows == 1 ? "" : "s",
                    static_cast<unsigned long long>(written.gaps.missingBytes));
        if (written.gaps.droppedBytes > 0)
            std::printf(", %llu bytes out of place not written (before a flow's first sequence "
                        "number, or inside a gap over 16 MiB)",
                        static_cast<unsigned long long>(written.gaps.droppedBytes));
    }
    std::printf("\n");
    return 0;
}

/// `stats`: the flow rule alone, no listener.
int runStats(const CliOptions& o, CaptureTracer& tracer)
{
    FlowTracker tracker;
    const TraceSummary s = tracer.run(tracker);
    warnIfEndedEarly(o.capture, s);
    std::printf("frames read %u, flow packets %llu, flows %zu, frames skipped as undecodable %u\n",
                s.framesRead, static_cast<unsigned long long>(s.flowPackets), s.flows, s.skipped);
    return 0;
}

/// `index`: the seed's TraceFlow, printed as JSON.
/// `trace` to per-flow files: the flow rule and the file writer, while reading.
int runPerFlowTrace(const CliOptions& o, CaptureTracer& tracer)
{
    OutputOptions output = o.output;
    FlowFileWriter writer(output);
    if (!writer.prepare())
        return fail(writer.errorString());
    FlowTracker tracker;
    tracker.addListener(writer);
    const TraceSummary s = tracer.run(tracker);
    if (s.end == TraceSummary::End::OutputError)
        return fail(s.message);
    warnIfEndedEarly(o.capture, s);
    return printTraceSummary(o, {writer.filesWritten(), writer.bytesWritten(), writer.payloadGaps()}, s);
}

/// `trace -f merged-pcap|csv`: the capture's frames and flows are kept, then exported.
int runWholeFileTrace(const CliOptions& o, CaptureTracer& tracer)
{
    CaptureStore store;
    const TraceSummary s = loadCaptureStore(tracer, o.capture, store);
    warnIfEndedEarly(o.capture, s);
    Written written;
    std::string error;
    if (!exportWholeFile(o, store, written, error))
        return fail(error);
    return printTraceSummary(o, written, s);
}

/// `follow`: the connection of a flow, both directions, as tshark -z follow,tcp prints it.
int runFollow(const CliOptions& o, CaptureTracer& tracer)
{
    CaptureStore store;
    const TraceSummary s = loadCaptureStore(tracer, o.capture, store);
    warnIfEndedEarly(o.capture, s);
    uint32_t flow = FlowTracker::kNoFlow;
    for (uint32_t id = 0; id < store.flows.size() && flow == FlowTracker::kNoFlow; ++id)
        if (store.flows[id].labelText().view() == o.followLabel)
            flow = id;
    if (flow == FlowTracker::kNoFlow)
        return fail("no flow is labelled '" + o.followLabel + "'");
    FollowStream stream;
    std::string error;
    if (!stream.build(store, flow, error))
        return fail(error); // (it names the file)
    const BufferID& id = store.flows[flow].id;
    std::printf("\n===================================================================\n"
                "Follow: tcp,%s\nFlow: %s\nNode 0: %s\nNode 1: %s\n",
                o.hex ? "raw" : "ascii", o.followLabel.c_str(), id.src.endpointText(id.srcport).c_str(),
                id.dst.endpointText(id.dstport).c_str());
    for (const FollowStream::Chunk& c : stream.chunks()) {
        const char* indent = c.direction == 1 ? "\t" : "";
        // A gap is a chunk of its own holding the words that say so, with the terminating NUL,
        // as Wireshark writes it.
        const std::string gap = c.missing ? "[" + std::to_string(c.length) + " bytes missing in capture file]" + '\0' : "";
        const std::string_view bytes = c.missing ? std::string_view(gap)
                                                 : std::string_view(stream.bytes(c.direction).data() + c.data, size_t(c.length));
        std::string line = indent;
        if (o.hex) {
            static const char digits[] = "0123456789abcdef";
            for (unsigned char b : bytes) {
                line += digits[b >> 4];
                line += digits[b & 15];
            }
        } else {
            line += std::to_string(bytes.size()) + "\n";
            for (unsigned char b : bytes) // printable ASCII and line ends as they are, the rest a dot (as tshark)
                line += (b >= 0x20 && b < 0x7f) || b == '\n' || b == '\r' ? char(b) : '.';
        }
        line += '\n';
        std::fwrite(line.data(), 1, line.size(), stdout);
    }
    std::printf("===================================================================\n");
    return 0;
}

/// Runs `trace` over the capture with TCP analysis of every flow packet as it is traced,
/// summed up per flow into `figures` (by flow id); `seen(frame, flow, analysis)` is told each
/// one's analysis.
template <typename Seen>
TraceSummary traceAndAnalyze(CaptureTracer& tracer, TraceFlow& trace, std::vector<FlowAnalysis>& figures,
                             std::vector<ConnectionSummary>& connections, Seen seen)
{
    TcpAnalyzer analyzer;
    tracer.setFrameHook([&](const FrameView& frame, const TcpPacket& tcp, uint32_t flow) {
        if (flow == FlowTracker::kNoFlow)
            return;
        const SegmentAnalysis a = analyzer.analyze(frame, tcp, flow);
        if (flow >= figures.size())
            figures.resize(size_t(flow) + 1);
        figures[flow].addSegment(a, tcp.payloadLength);
        if (a.acksFrame)
            figures[a.ackedFlow].addAcknowledgement(a);
        seen(frame.number, flow, a);
    });
    const TraceSummary s = tracer.run(trace);
    tracer.setFrameHook(nullptr);
    connections.assign(figures.size(), ConnectionSummary{});
    for (uint32_t flow = 0; flow < connections.size(); ++flow)
        if (const uint32_t c = analyzer.connectionOfFlow(flow); c != UINT32_MAX)
            connections[flow] = analyzer.history(c).summary();
    return s;
}

int runIndex(const CliOptions& o, CaptureTracer& tracer)
{
    TraceFlow trace;
    std::vector<FlowAnalysis> figures;
    std::vector<ConnectionSummary> connections;
    const TraceSummary s =
        traceAndAnalyze(tracer, trace, figures, connections, [](uint32_t, uint32_t, const SegmentAnalysis&) {});
    warnIfEndedEarly(o.capture, s);
    std::fputs(flowIndexJson(trace, &figures, &connections).c_str(), stdout);
    return 0;
}

/// `analyze`: Wireshark's TCP sequence analysis of every flow packet, per flow.
int runAnalyze(const CliOptions& o, CaptureTracer& tracer)
{
    std::vector<FlowAnalysis> figures;
    std::vector<std::pair<uint32_t, SegmentAnalysis>> byFrame; // frames listed (number, analysis)
    std::vector<std::pair<uint32_t, uint32_t>> listed;          // (flow, its index in byFrame)
    std::vector<std::array<uint32_t, TcpAnalysisFlag::kCount>> counts; // by flow: each flag's count
    TraceFlow trace;
    std::vector<ConnectionSummary> connections;
    const TraceSummary s = traceAndAnalyze(tracer, trace, figures, connections, [&](uint32_t frame, uint32_t flow, const SegmentAnalysis& a) {
        if (flow >= counts.size())
            counts.resize(size_t(flow) + 1);
        for (int bit = 0; bit < TcpAnalysisFlag::kCount; ++bit)
            counts[flow][size_t(bit)] += (a.flags >> bit) & 1u;
        if (a.flags == 0 && !o.allFrames)
            return;
        byFrame.emplace_back(frame, a);
        listed.emplace_back(flow, uint32_t(byFrame.size() - 1));
    });
    warnIfEndedEarly(o.capture, s);
    std::vector<std::vector<uint32_t>> framesOf(trace.flows().size());
    for (const auto& [flow, at] : listed)
        framesOf[flow].push_back(at);
    std::vector<const Index*> flows = trace.index();
    std::stable_sort(flows.begin(), flows.end(), [](const Index* a, const Index* b) { return a->index.front() < b->index.front(); });
    // Written flow by flow through one buffer, appended to in place.
    std::string out = "{\n \"flows\": [";
    std::string frames;
    for (size_t i = 0; i < flows.size(); ++i) {
        const Index& f = *flows[i];
        frames.clear();
        for (uint32_t at : framesOf[f.flow]) {
            const auto& [frame, a] = byFrame[at];
            frames.append(frames.empty() ? "\n    {\"frame\": " : ",\n    {\"frame\": ").append(std::to_string(frame));
            frames.append(", \"analysis\": [");
            const char* separator = "";
            for (int bit = 0; bit < TcpAnalysisFlag::kCount; ++bit)
                if (a.flags & (1u << bit)) {
                    frames.append(separator).append("\"").append(tcpAnalysisFlagName(bit)).append("\"");
                    separator = ", ";
                }
            frames.append("]");
            if (a.flags & TcpAnalysisFlag::DuplicateAck)
                frames.append(", \"duplicate_ack_num\": ").append(std::to_string(a.duplicateAckNumber))
                    .append(", \"duplicate_ack_frame\": ").append(std::to_string(a.duplicateOfFrame));
            if (o.allFrames && a.acksFrame)
                frames.append(", \"acks_frame\": ").append(std::to_string(a.acksFrame))
                    .append(", \"ack_rtt\": ").append(secondsText(a.ackRttNs));
            if (o.allFrames && a.bytesInFlight)
                frames.append(", \"bytes_in_flight\": ").append(std::to_string(a.bytesInFlight));
            frames.append("}");
        }
        out.append(i ? ",\n  {\"label\": \"" : "\n  {\"label\": \"").append(f.label).append("\", \"stats\": {");
        for (int bit = 0; bit < TcpAnalysisFlag::kCount; ++bit)
            out.append(bit ? ", \"" : "\"").append(tcpAnalysisFlagName(bit)).append("\": ")
                .append(std::to_string(f.flow < counts.size() ? counts[f.flow][size_t(bit)] : 0));
        out.append("}, \"figures\": ")
            .append(flowAnalysisJson(f.flow < figures.size() ? figures[f.flow] : FlowAnalysis{},
                                     f.flow < connections.size() ? connections[f.flow] : ConnectionSummary{}));
        out.append(", \"frames\": [").append(frames).append(frames.empty() ? "]}" : "\n  ]}");
        if (out.size() > (1 << 16)) {
            std::fwrite(out.data(), 1, out.size(), stdout);
            out.clear();
        }
    }
    out.append("\n ]\n}\n");
    std::fwrite(out.data(), 1, out.size(), stdout);
    return 0;
}

int run(const CliOptions& o)
{
    // Follow Stream and the exports of the whole traced capture read frames again; the other
    // commands read the capture once through.
    const bool readsAgain = o.command == CliOptions::Command::Follow ||
                            (o.command == CliOptions::Command::Trace && o.output.format == OutputFormat::None);
    CaptureTracer tracer;
    // (the message of a set names the file)
    if (!tracer.open(o.captures, readsAgain ? FramesReadAgain::Yes : FramesReadAgain::No))
        return fail(o.captures.size() > 1 ? tracer.errorString() : o.capture + ": " + tracer.errorString());
    int status = 0;
    switch (o.command) {
    case CliOptions::Command::Stats: status = runStats(o, tracer); break;
    case CliOptions::Command::Index: status = runIndex(o, tracer); break;
    case CliOptions::Command::Follow: status = runFollow(o, tracer); break;
    case CliOptions::Command::Analyze: status = runAnalyze(o, tracer); break;
    case CliOptions::Command::Trace:
        status = o.output.format == OutputFormat::None ? runWholeFileTrace(o, tracer)
                                                       : runPerFlowTrace(o, tracer);
        break;
    case CliOptions::Command::None: break;
    }
    if (status != 0)
        return status;
    return std::fflush(stdout) == 0 ? 0 : fail("cannot write to standard output");
}

} // namespace

int main(int argc, char** argv)
{
    CliOptions options;
    std::string error;
    switch (parseCliOptions(argc, argv, options, error)) {
    case CliParse::Help:
        std::fputs(cliUsage().c_str(), stdout);
        return 0;
    case CliParse::Version:
        std::printf("flowinspector-cli %s\n", FLOWINSPECTOR_VERSION);
        return 0;
    case CliParse::Error:
        std::fprintf(stderr, "flowinspector-cli: %s\nTry 'flowinspector-cli --help'.\n",
                     error.c_str());
        return 2;
    case CliParse::Run:
        break;
    }
    return run(options);
}
