#include "CaptureTracer.h"

#include "Decoder.h"

namespace fi {

bool CaptureTracer::open(const std::string& path, FramesReadAgain readAgain)
{
    return m_reader.open(path, readAgain);
}

bool CaptureTracer::open(const std::vector<std::string>& paths, FramesReadAgain readAgain)
{
    return m_reader.open(paths, readAgain);
}

TraceSummary CaptureTracer::run(FlowTracker& tracker)
{
    TraceSummary summary;
    Packet packet;
    FrameView& frame = packet.frame;
    for (;;) {
        const CaptureReader::Status status = m_reader.next(frame);
        if (status != CaptureReader::Status::Frame) {
            if (status == CaptureReader::Status::Truncated) {
                summary.end = TraceSummary::End::Truncated;
                summary.message = m_reader.errorString();
            } else if (status == CaptureReader::Status::Error) {
                summary.end = TraceSummary::End::Damaged;
                summary.message = m_reader.errorString();
            }
            break;
        }
        packet.protocol = frame.linkType;
        packet.tcp = decodeTcp(packet.protocol, frame.data, frame.record.capturedLength,
                               frame.record.originalLength);
        uint32_t flow = FlowTracker::kNoFlow;
        if (packet.tcp.valid) {
            flow = tracker.trace(packet);
            if (tracker.failed()) {
                summary.end = TraceSummary::End::OutputError;
                summary.message = tracker.errorString();
                break;
            }
        } else if (packet.tcp.outcome != DecodeOutcome::NotTcp) {
            ++summary.skipped;
        }
        if (m_frameHook)
            m_frameHook(frame, packet.tcp, flow);
        if (m_progressHook && frame.number % m_progressInterval == 0)
            m_progressHook(m_reader.bytesRead(), m_reader.fileSize());
        if (m_cancel && m_cancel->load(std::memory_order_relaxed)) {
            summary.end = TraceSummary::End::Cancelled;
            break;
        }
    }

    if (summary.end == TraceSummary::End::Cancelled || summary.end == TraceSummary::End::OutputError) {
        tracker.abort();
    } else {
        tracker.finish(); // listeners complete their work: output files get their final names
        if (tracker.failed()) {
            summary.end = TraceSummary::End::OutputError;
            summary.message = tracker.errorString();
        }
    }
    if (m_progressHook)
        m_progressHook(m_reader.bytesRead(), m_reader.fileSize());
    summary.framesRead = m_reader.framesRead();
    summary.flowPackets = tracker.packetCount();
    summary.flows = tracker.flowCount();
    return summary;
}

} // namespace fi
