#pragma once

#include "CaptureReader.h"
#include "TcpPacket.h"
#include "FlowTracker.h"
#include "TraceFlow.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace fi {

/// How a run over a capture ended and what it counted.
struct TraceSummary
{
    enum class End {
        Complete,    ///< every record read
        Truncated,   ///< the file ends inside a record: the flows so far stand
        Damaged,     ///< a record is invalid: the flows so far stand
        Cancelled,   ///< stopped on request
        OutputError, ///< writing an output file failed
    };

    End end = End::Complete;
    uint32_t framesRead = 0;
    uint64_t flowPackets = 0;
    size_t flows = 0;
    uint32_t skipped = 0; ///< frames skipped as undecodable (malformed or unknown link type)
    std::string message;  ///< what went wrong, for every end but Complete and Cancelled

    bool endedEarly() const { return end == End::Truncated || end == End::Damaged; }
};

/// The pipeline: reads every frame of a capture (capture), decodes it (decode) and gives every
/// flow packet to the flow rule (FlowTracker), whose listeners do the rest; without allocating
/// per frame. Used by the command-line tool, the GUI loader and the tests.
class CaptureTracer
{
public:
    /// Called for every frame read, after it was traced (`flow` is FlowTracker::kNoFlow for a
    /// frame that is not a flow packet).
    using FrameHook = std::function<void(const FrameView&, const TcpPacket&, uint32_t flow)>;
    /// Called about every `progressInterval` frames with the bytes read so far.
    using ProgressHook = std::function<void(uint64_t bytesRead, uint64_t fileSize)>;

    bool open(const std::string& path, FramesReadAgain readAgain = FramesReadAgain::Yes);
    /// Opens a capture set: the files read as one capture (CaptureReader).
    bool open(const std::vector<std::string>& paths, FramesReadAgain readAgain = FramesReadAgain::Yes);
    const CaptureReader& reader() const { return m_reader; }
    const std::string& errorString() const { return m_reader.errorString(); }

    void setFrameHook(FrameHook hook) { m_frameHook = std::move(hook); }
    void setProgressHook(ProgressHook hook, uint32_t interval = 4096)
    {
        m_progressHook = std::move(hook);
        m_progressInterval = interval ? interval : 1;
    }
    void setCancelFlag(const std::atomic<bool>* cancel) { m_cancel = cancel; }

    /// Reads the whole capture into `tracker` and then finishes it, so that its listeners
    /// complete their work (output files get their final names); when the run is cancelled or
    /// a listener fails, the tracker is aborted instead (output files are removed).
    TraceSummary run(FlowTracker& tracker);
    /// run() into the seed's TraceFlow, which is submitted at the end.
    TraceSummary run(TraceFlow& trace) { return run(trace.tracker()); }

private:
    CaptureReader m_reader;
    FrameHook m_frameHook;
    ProgressHook m_progressHook;
    uint32_t m_progressInterval = 4096;
    const std::atomic<bool>* m_cancel = nullptr;
};

} // namespace fi
