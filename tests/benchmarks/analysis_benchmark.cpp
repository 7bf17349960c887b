// fi-analysis-benchmark: what TCP analysis adds to tracing, both measured in this one run.
//
//   fi-analysis-benchmark CAPTURE [RUNS]
//
// Alternates RUNS times (default 5) between the flow rule alone (what `flowinspector-cli
// stats` runs) and the flow rule with TcpAnalyzer listening, as the desktop application's
// load analyses every flow packet (its per-flow figures summed up as FlowAnalysis), and prints
// the median of each, the analysis' cost (the difference) and that cost as a share of the
// flow rule's time. The goal of "TCP analysis" is at most 25%.

#include "CaptureTracer.h"
#include "FlowAnalysis.h"
#include "FlowListener.h"
#include "FlowTracker.h"
#include "TcpAnalysis.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

using namespace fi;

namespace {

/// The analysis as the load does it: every flow packet analysed, its figures summed per flow.
class AnalysisListener : public FlowListener
{
public:
    void packetAdded(uint32_t flow, const Packet& packet) override
    {
        const SegmentAnalysis a = m_analyzer.analyze(packet, flow);
        if (flow >= m_figures.size())
            m_figures.resize(size_t(flow) + 1);
        m_figures[flow].addSegment(a, packet.tcp.payloadLength);
        if (a.acksFrame)
            m_figures[a.ackedFlow].addAcknowledgement(a);
        m_check += a.flags;
    }
    uint64_t check() const { return m_check; }

private:
    TcpAnalyzer m_analyzer;
    std::vector<FlowAnalysis> m_figures;
    uint64_t m_check = 0;
};

/// One run's wall time in seconds; `check` gets something of its result (so nothing is skipped).
double timeRun(const char* path, bool analyse, uint64_t& check)
{
    const auto start = std::chrono::steady_clock::now();
    CaptureTracer tracer;
    if (!tracer.open(path, FramesReadAgain::No)) {
        std::fprintf(stderr, "fi-analysis-benchmark: %s\n", tracer.errorString().c_str());
        std::exit(1);
    }
    FlowTracker tracker;
    AnalysisListener analysis;
    if (analyse)
        tracker.addListener(analysis);
    const TraceSummary s = tracer.run(tracker);
    check = s.flowPackets + analysis.check();
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
    if (argc < 2 || argc > 3) {
        std::fprintf(stderr, "usage: fi-analysis-benchmark CAPTURE [RUNS]\n");
        return 2;
    }
    const int runs = argc == 3 ? std::max(1, std::atoi(argv[2])) : 5;
    uint64_t check = 0;
    timeRun(argv[1], false, check); // the page cache warmed
    std::vector<double> plain, analysed;
    for (int i = 0; i < runs; ++i) {
        plain.push_back(timeRun(argv[1], false, check));
        analysed.push_back(timeRun(argv[1], true, check));
        std::printf("run %d: flow rule %.3f s, with analysis %.3f s\n", i + 1, plain.back(), analysed.back());
    }
    const double p = median(plain), a = median(analysed);
    std::printf("medians of %d: flow rule %.3f s, with analysis %.3f s (check %llu)\n", runs, p, a,
                static_cast<unsigned long long>(check));
    std::printf("analysis cost %.3f s = %.0f%% of the flow rule's time (goal: at most 25%%)\n", a - p,
                100.0 * (a - p) / p);
    return 0;
}
