// flowinspector-cli: the tracing core, headless.

#include "CliOptions.h"
#include "FlowIndexJson.h"

#include "CaptureStore.h"
#include "CaptureTracer.h"
#include "FlowExporter.h"
#include "TraceFlow.h"

#include <algorithm>
#include <cstdio>
#include <string>

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
};

/// merged-pcap and csv: the chosen flows of the traced capture, through FlowExporter.
bool exportWholeFile(const CliOptions& o, const CaptureStore& store, Written& written,
                     std::string& error)
{
    std::vector<uint32_t> flows;
    for (uint32_t id = 0; id < store.flows.size(); ++id) {
        const auto& labels = o.output.flowLabels;
        if (!labels || std::count(labels->begin(), labels->end(), store.flows[id].label))
            flows.push_back(id);
    }
    ExportOptions options;
    options.format = o.format;
    options.directory = o.output.directory;
    options.byteOrder = o.output.byteOrder;
    options.nanosecond = o.output.nanosecond;
    FlowExporter exporter(store, flows, options);
    const ExportResult r = exporter.run();
    written = {r.files.size(), r.bytesWritten};
    error = r.error;
    return r.ok();
}

int run(const CliOptions& o)
{
    CaptureTracer tracer;
    if (!tracer.open(o.capture))
        return fail(o.capture + ": " + tracer.errorString());

    OutputOptions output = o.output;
    output.linkType = tracer.reader().linkType();
    output.snapLength = tracer.reader().snapLength();
    if (o.command != CliOptions::Command::Trace)
        output.format = OutputFormat::None;
    // merged-pcap and csv keep every frame's record while tracing and export afterwards
    const bool wholeFile =
        o.command == CliOptions::Command::Trace && output.format == OutputFormat::None;
    TraceFlow trace(output);
    CaptureStore store;
    store.path = o.capture;
    store.linkType = output.linkType;
    store.snapLength = output.snapLength;
    store.pcapng = tracer.reader().isPcapNg();
    if (wholeFile)
        tracer.setFrameHook([&](const FrameView& frame, const TcpPacket& tcp, uint32_t flow) {
            store.addTracedFrame(frame, tcp, flow, trace);
        });
    TraceSummary s = tracer.run(trace);
    if (s.end == TraceSummary::End::OutputError)
        return fail(s.message);
    warnIfEndedEarly(o.capture, s);

    switch (o.command) {
    case CliOptions::Command::Index:
        std::fputs(flowIndexJson(trace).c_str(), stdout);
        break;
    case CliOptions::Command::Stats:
        std::printf("frames read %u, flow packets %llu, flows %zu, frames skipped as undecodable %u\n",
                    s.framesRead, static_cast<unsigned long long>(s.flowPackets), s.flows,
                    s.skipped);
        break;
    case CliOptions::Command::Trace: {
        Written written;
        std::string error;
        if (!wholeFile)
            written = {trace.output()->filesWritten(), trace.output()->bytesWritten()};
        else if (!exportWholeFile(o, store, written, error))
            return fail(error);
        std::printf("wrote %zu %s file%s (%llu bytes) to %s: %u frames read, %llu flow packets, "
                    "%zu flows\n",
                    written.files, exportFormatName(o.format), written.files == 1 ? "" : "s",
                    static_cast<unsigned long long>(written.bytes), output.directory.c_str(),
                    s.framesRead, static_cast<unsigned long long>(s.flowPackets), s.flows);
        break;
    }
    case CliOptions::Command::None:
        break;
    }
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
