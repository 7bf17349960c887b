// fi-reread-benchmark: reading frames of a capture again (what the details pane, export and
// Follow Stream do), above all of a compressed one.
//
//   fi-reread-benchmark CAPTURE [FRAMES]
//
// Reads the capture through (the load, which records a compressed file's access points),
// then reads FRAMES frames (default 20) spread evenly over it again with one FrameSource, the
// last first, as clicking frames from the end back to the start does, and prints the time of
// the load, of the first re-read (the last frame) and the median and slowest of all re-reads.

#include "CaptureReader.h"
#include "FrameSource.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

using namespace fi;

namespace {

double secondsSince(std::chrono::steady_clock::time_point from)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - from).count();
}

} // namespace

int main(int argc, char** argv)
{
    if (argc < 2 || argc > 3) {
        std::fprintf(stderr, "usage: fi-reread-benchmark CAPTURE [FRAMES]\n");
        return 2;
    }
    const size_t count = argc == 3 ? size_t(std::strtoul(argv[2], nullptr, 10)) : 20;
    CaptureReader reader;
    auto start = std::chrono::steady_clock::now();
    if (!reader.open(argv[1])) {
        std::fprintf(stderr, "fi-reread-benchmark: %s: %s\n", argv[1], reader.errorString().c_str());
        return 1;
    }
    std::vector<FrameRecord> records;
    FrameView frame;
    while (reader.next(frame) == CaptureReader::Status::Frame)
        records.push_back(frame.record);
    const double load = secondsSince(start);
    const size_t frames = records.size();
    const size_t n = std::min(count, frames);

    FrameSource source;
    if (!source.open(reader.layout())) {
        std::fprintf(stderr, "fi-reread-benchmark: %s\n", source.errorString().c_str());
        return 1;
    }
    std::vector<double> times;
    std::vector<uint8_t> bytes;
    uint32_t check = 0;
    for (size_t i = 0; i < n; ++i) { // the last frame first, then back in even steps
        const FrameRecord& record = records[frames - 1 - i * (frames / n)];
        start = std::chrono::steady_clock::now();
        if (!source.read(record, bytes)) {
            std::fprintf(stderr, "fi-reread-benchmark: %s\n", source.errorString().c_str());
            return 1;
        }
        times.push_back(secondsSince(start));
        if (!bytes.empty())
            check = check * 31 + bytes[bytes.size() / 2];
    }
    std::vector<double> sorted = times;
    std::sort(sorted.begin(), sorted.end());
    std::printf("frames %llu, load %.3f s; %zu re-read from the last back: first %.3f ms, median %.3f ms, "
                "slowest %.3f ms (check %08x)\n",
                static_cast<unsigned long long>(frames), load, n, times.empty() ? 0.0 : times[0] * 1e3,
                sorted.empty() ? 0.0 : sorted[sorted.size() / 2] * 1e3, sorted.empty() ? 0.0 : sorted.back() * 1e3,
                check);
    return 0;
}
