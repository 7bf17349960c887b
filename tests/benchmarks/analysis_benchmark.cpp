// fi-analysis-benchmark: what TCP analysis adds to tracing, measured in this one run.
//
//   fi-analysis-benchmark CAPTURE [RUNS]
//   fi-analysis-benchmark --only flow-rule|batches|analysed CAPTURE [RUNS]
//
// Alternates RUNS times (default 5) between three runs over the capture, each on one thread:
//   1. the flow rule alone (what `flowinspector-cli stats` runs);
//   2. the flow rule making the desktop application's load batches (LoadBatchBuilder, a batch
//      every 16,384 frames as the loader's largest);
//   3. the same with each batch analysed as the load does it (LoadBatchAnalyzer),
// and prints the medians, the analysis' cost (3 less 2) and that cost as a share of the flow
// rule's time (1). The goal of "TCP analysis" is at most 25% of `stats`; in the desktop
// application the analysis runs on a thread of its own, so this is its cost on one core.
// With --only it makes one of the three runs RUNS times and prints each time (for a profiler).

#include "CaptureTracer.h"
#include "FlowTracker.h"
#include "LoadBatchAnalyzer.h"
#include "LoadBatchBuilder.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

using namespace fi;

namespace {

enum class Run { FlowRule, Batches, Analysed };

/// One run's wall time in seconds; `check` gets something of its result (so nothing is skipped).
double timeRun(const char* path, Run run, uint64_t& check)
{
    const auto start = std::chrono::steady_clock::now();
    CaptureTracer tracer;
    if (!tracer.open(path, FramesReadAgain::No)) {
        std::fprintf(stderr, "fi-analysis-benchmark: %s\n", tracer.errorString().c_str());
        std::exit(1);
    }
    FlowTracker tracker;
    std::unique_ptr<LoadBatchBuilder> batches;
    LoadBatchAnalyzer analyzer;
    uint64_t seen = 0;
    auto take = [&] {
        const std::shared_ptr<LoadBatch> batch = batches->take(tracer.reader());
        if (run == Run::Analysed)
            analyzer.analyze(*batch);
        for (const FlowPacket& packet : batch->packets)
            seen += packet.analysis;
        seen += batch->packets.size();
    };
    if (run != Run::FlowRule) {
        batches = std::make_unique<LoadBatchBuilder>(0, tracker);
        tracer.setFrameHook([&](const FrameView& frame, const TcpPacket&, uint32_t) {
            batches->addFrame(frame);
            if (batches->pendingFrames() == 16384)
                take();
        });
    }
    const TraceSummary s = tracer.run(tracker);
    if (batches)
        take();
    check = s.flowPackets + seen;
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

} // namespace

int main(int argc, char** argv)
{
    auto usage = [] {
        std::fprintf(stderr, "usage: fi-analysis-benchmark [--only flow-rule|batches|analysed] CAPTURE [RUNS]\n");
        return 2;
    };
    std::optional<Run> only;
    if (argc >= 3 && std::strcmp(argv[1], "--only") == 0) {
        const std::string_view name = argv[2];
        if (name == "flow-rule")
            only = Run::FlowRule;
        else if (name == "batches")
            only = Run::Batches;
        else if (name == "analysed")
            only = Run::Analysed;
        else
            return usage();
        argv += 2;
        argc -= 2;
    }
    if (argc < 2 || argc > 3)
        return usage();
    const int runs = argc == 3 ? std::max(1, std::atoi(argv[2])) : 5;
    uint64_t check = 0;
    if (only) {
        for (int i = 0; i < runs; ++i)
            std::printf("%.3f s\n", timeRun(argv[1], *only, check));
        return 0;
    }
    timeRun(argv[1], Run::FlowRule, check); // the page cache warmed
    std::vector<double> flowRule, batched, analysed;
    for (int i = 0; i < runs; ++i) {
        flowRule.push_back(timeRun(argv[1], Run::FlowRule, check));
        batched.push_back(timeRun(argv[1], Run::Batches, check));
        analysed.push_back(timeRun(argv[1], Run::Analysed, check));
        std::printf("run %d: flow rule %.3f s, with batches %.3f s, analysed %.3f s\n", i + 1, flowRule.back(),
                    batched.back(), analysed.back());
    }
    const double f = median(flowRule), b = median(batched), a = median(analysed);
    std::printf("medians of %d: flow rule %.3f s, with batches %.3f s, analysed %.3f s (check %llu)\n", runs, f, b, a,
                static_cast<unsigned long long>(check));
    std::printf("analysis cost %.3f s = %.0f%% of the flow rule's time (goal: at most 25%%)\n", a - b,
                100.0 * (a - b) / f);
    return 0;
}
