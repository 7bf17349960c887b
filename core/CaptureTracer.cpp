#include "CaptureTracer.h"

#include "Decoder.h"

namespace fi {

bool CaptureTracer::open(const std::string& path)
{
    return m_reader.open(path);
}

TraceSummary CaptureTracer::run(TraceFlow& trace)
{
    TraceSummary summary;
    const int linkType = m_reader.linkType();
    const bool writing = trace.output() != nullptr;
    if (writing && !trace.output()->prepare()) {
        summary.end = TraceSummary::End::OutputError;
        summary.message = trace.output()->errorString();
        return summary;
    }

    FrameView frame;
    for (;;) {
        CaptureReader::Status status = m_reader.next(frame);
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
        const TcpPacket tcp = decodeTcp(linkType, frame.data, frame.record.capturedLength,
                                        frame.record.originalLength);
        uint32_t flow = TraceFlow::kNoFlow;
        if (tcp.valid) {
            const Packet packet = Packet::from(linkType, frame, tcp);
            flow = writing ? trace.dump(packet, frame) : trace.trace(packet);
            if (!trace.errorString().empty()) {
                summary.end = TraceSummary::End::OutputError;
                summary.message = trace.errorString();
                break;
            }
        } else if (tcp.outcome != DecodeOutcome::NotTcp) {
            ++summary.skipped;
        }
        if (m_frameHook)
            m_frameHook(frame, tcp, flow);
        if (m_progressHook && frame.number % m_progressInterval == 0)
            m_progressHook(m_reader.bytesRead(), m_reader.fileSize());
        if (m_cancel && m_cancel->load(std::memory_order_relaxed)) {
            summary.end = TraceSummary::End::Cancelled;
            break;
        }
    }

    if (summary.end == TraceSummary::End::Cancelled || summary.end == TraceSummary::End::OutputError) {
        if (writing)
            trace.output()->abort();
    } else {
        trace.submit(); // commits the output files, or removes them when it fails
        if (!trace.errorString().empty()) {
            summary.end = TraceSummary::End::OutputError;
            summary.message = trace.errorString();
        }
    }
    if (m_progressHook)
        m_progressHook(m_reader.bytesRead(), m_reader.fileSize());
    summary.framesRead = m_reader.framesRead();
    summary.flowPackets = trace.packetCount();
    summary.flows = trace.flows().size();
    return summary;
}

} // namespace fi
