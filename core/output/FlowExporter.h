#pragma once

#include "CaptureStore.h"
#include "ExportOptions.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace fi {

/// Writes chosen flows of a loaded capture to files (ExportFormat): per-flow pcap/json/plist/
/// tree files through FlowWriterPool (byte for byte what `flowinspector-cli trace` writes for
/// those flows), one merged pcap of their frames in capture order, or the flow table as CSV.
///
/// Frames are read again by their stored positions (FrameSource), never by rescanning the
/// capture. Every file is written under a temporary name and all are given their final names
/// only when the whole export succeeded; a cancelled or failed export removes what it wrote
/// (the directories it made too),
/// and a file that existed before is replaced (OverwritePolicy::Overwrite) only then.
///
/// The constructor copies what the export needs from the store, so run() may go on another
/// thread while the store changes.
class FlowExporter
{
public:
    /// Called about every `interval` frames (CSV: rows) and at the end.
    using ProgressHook = std::function<void(uint64_t done, uint64_t total)>;

    /// `flows` are flow ids of `store` in any order; duplicates and unknown ids are ignored.
    FlowExporter(const CaptureStore& store, const std::vector<uint32_t>& flows,
                 ExportOptions options);

    void setProgressHook(ProgressHook hook, uint32_t interval = 256);
    void setCancelFlag(const std::atomic<bool>* cancel) { m_cancel = cancel; }
    void setOverwritePolicy(OverwritePolicy policy) { m_options.overwrite = policy; }
    const ExportOptions& options() const { return m_options; }

    /// Flows to export (ids in ascending order) and their frames.
    const std::vector<uint32_t>& flowIds() const { return m_flowIds; }
    uint64_t frameCount() const { return m_frames.size(); }

    /// The final paths the export creates, in the order it writes them: per-flow formats
    /// `DIR/{label}{ext}` in flow id order (a repeated label gets ` (2)`… as in `trace`),
    /// merged pcap `DIR/{base}-flows.pcap`, CSV `DIR/{base}-flows.csv`. Payload: only the flows
    /// that sent payload (one whose payload was never captured still writes none).
    std::vector<std::string> targetPaths() const;
    /// The target paths that exist now: what an overwrite question asks about.
    std::vector<std::string> existingTargets() const;

    /// The flow table as CSV (RFC 4180, CRLF): a header row with the flow tree's columns and
    /// one row per flow.
    std::string csvText() const;

    /// Exports; blocking. Call once.
    ExportResult run();

private:
    /// A flow to export: its record as the store has it (without its packets) and the number
    /// of its last frame, after which its file is complete.
    struct ExportedFlow
    {
        FlowRecord record;
        uint32_t lastFrame = 0;
        bool payload = false; ///< a packet sent payload
    };
    /// A frame to export (its bytes are read when it is written) and its flow in m_flows.
    struct ExportedFrame
    {
        FrameView frame;
        uint32_t flow = 0;
    };

    bool perFlow() const;
    std::string fileBaseName() const;
    OutputOptions outputOptions() const;
    bool cancelled() const;
    void report(uint64_t done, uint64_t total, bool always) const;
    ExportResult writeFrames(ExportResult result);
    ExportResult writeCsv(ExportResult result);

    std::string m_capture; ///< as the user named it
    CaptureLayout m_layout;
    int64_t m_startNs = 0;
    std::vector<uint32_t> m_flowIds;
    std::vector<ExportedFlow> m_flows;
    std::vector<ExportedFrame> m_frames; ///< in capture order
    ExportOptions m_options;
    ProgressHook m_progress;
    uint32_t m_interval = 256;
    const std::atomic<bool>* m_cancel = nullptr;
};

} // namespace fi
