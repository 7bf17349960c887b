#include "LoadBatches.h"

#include "CaptureTracer.h"
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
    std::vector<LoadBatch> out;
    tracer.setFrameHook([&](const FrameView& f, const TcpPacket&, uint32_t) {
        builder.addFrame(f);
        if (perBatch && builder.pendingFrames() == perBatch)
            out.push_back(*builder.take(tracer.reader()));
    });
    tracer.run(tracker);
    out.push_back(*builder.take(tracer.reader()));
    return out;
}

} // namespace fi::test
