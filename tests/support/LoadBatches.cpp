#include "LoadBatches.h"

#include "CaptureTracer.h"
#include "LoadBatchAnalyzer.h"
#include "LoadBatchBuilder.h"

#include <QTemporaryDir>

namespace fi::test {

std::vector<LoadBatch> batchesOf(const CaptureSpec& spec, size_t perBatch)
{
    QTemporaryDir dir;
    const QString path = dir.filePath("c.pcap");
    writeFile(path, pcapFile(spec));
    CaptureTracer tracer;
    if (!tracer.open(path.toStdString()))
        return {};
    FlowTracker tracker;
    LoadBatchBuilder builder(0, tracker);
    LoadBatchAnalyzer analyzer;
    std::vector<LoadBatch> out;
    auto take = [&] {
        out.push_back(std::move(*builder.take(tracer.reader())));
        analyzer.analyze(out.back());
    };
    tracer.setFrameHook([&](const FrameView& f, const TcpPacket&, uint32_t) {
        builder.addFrame(f);
        if (perBatch && builder.pendingFrames() == perBatch)
            take();
    });
    tracer.run(tracker);
    take();
    return out;
}

} // namespace fi::test
