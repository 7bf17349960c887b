#pragma once

#include "FlowTypes.h"
#include "FrameDocument.h"
#include "OutputOptions.h"

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

namespace fi {

/// Writes every flow's frames to its own file `DIR/{label}{ext}` through a bounded pool of
/// open files: at most `options.maxOpenFiles` files are open at once (the least recently written is closed
/// and later reopened for appending), so 100,000 flows never hit the open-file limit and no
/// file is reopened per frame. Each file is written under a temporary name (`.NAME.part`)
/// and renamed when its flow is finished, so nothing half-written is ever left under a final
/// name; abort() removes everything this pool wrote.
class FlowWriterPool
{
public:
    explicit FlowWriterPool(OutputOptions options);
    ~FlowWriterPool();
    FlowWriterPool(const FlowWriterPool&) = delete;
    FlowWriterPool& operator=(const FlowWriterPool&) = delete;

    /// Checks that the output directory exists and is writable (creating it if needed).
    bool prepare();

    /// Appends one frame to flow `flow` (labelled `label`), opening its file if needed.
    bool write(uint32_t flow, const std::string& label, const FrameView& frame);
    /// Completes the flow's file and gives it its final name.
    bool finish(uint32_t flow);
    bool finishAll();
    /// Removes every file this pool created (temporary and finished) and closes all.
    void abort();

    /// Final path of the flow's file (empty when the flow has none).
    std::string pathOf(uint32_t flow) const;
    const std::string& errorString() const { return m_error; }
    size_t openFileCount() const { return m_open.size(); }
    size_t filesWritten() const { return m_finishedPaths.size(); }
    uint64_t bytesWritten() const { return m_bytesWritten; }

private:
    struct Slot
    {
        std::string finalPath;
        std::string tempPath;
        std::FILE* file = nullptr;
        uint64_t lastUse = 0;
        uint32_t frames = 0;
        bool finished = false;
    };

    bool ensureOpen(Slot& slot, uint32_t flow);
    bool put(Slot& slot, const std::string& bytes);
    bool fail(const std::string& path, const std::string& what);
    std::string uniqueFinalPath(const std::string& label);

    OutputOptions m_options;
    size_t m_maxOpen;
    std::unique_ptr<DocumentFormat> m_document; ///< null for pcap
    std::vector<Slot> m_slots;                  ///< by flow id
    std::vector<uint32_t> m_open;               ///< flows whose file is open
    std::vector<std::string> m_finishedPaths;
    std::unordered_set<std::string> m_usedNames;
    uint64_t m_tick = 0;
    uint64_t m_bytesWritten = 0;
    std::string m_error;
};

} // namespace fi
