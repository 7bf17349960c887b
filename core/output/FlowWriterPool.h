#pragma once

#include "FlowTypes.h"
#include "FrameDocument.h"
#include "OutputOptions.h"
#include "PcapEncoder.h"

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

namespace fi {

/// Writes every flow's frames to its own file `DIR/{label}{ext}` through a bounded pool of
/// open files: at most `options.maxOpenFiles` files are open at once (the least recently
/// written is closed and later reopened for appending), so 100,000 flows never hit the
/// open-file limit and no file is reopened per frame. Each file is written under a temporary
/// name (`.NAME.part`); finish() completes and closes a flow's file, and commit() gives every
/// file its final name once all went well, so nothing half-written is ever left under a final
/// name and no file already there is replaced before the whole output succeeded; abort()
/// removes everything this pool wrote, and a pool destroyed before commit() removes its
/// temporary files.
class FlowWriterPool
{
public:
    explicit FlowWriterPool(OutputOptions options);
    ~FlowWriterPool();
    FlowWriterPool(const FlowWriterPool&) = delete;
    FlowWriterPool& operator=(const FlowWriterPool&) = delete;

    /// Checks that the output directory exists and is writable (creating it if needed).
    bool prepare();
    /// prepare() for any directory: false with a message naming the directory in `error`.
    static bool prepareDirectory(const std::string& directory, std::string& error);
    /// The temporary name a file is written under: `.NAME.part` beside `finalPath`.
    static std::string temporaryPath(const std::string& finalPath);

    /// Gives flow `flow` (labelled `label`) its final path, as write() does on the flow's first
    /// frame, and returns it: `DIR/{label}{ext}`, or `DIR/{label} (2){ext}`… when an earlier
    /// flow of this pool has the same label. Reserving flows in the order their first frames
    /// come names them as writing them would.
    const std::string& reserve(uint32_t flow, const std::string& label);
    /// Appends one frame to flow `flow`, which reserve() named.
    bool write(uint32_t flow, const FrameView& frame);
    /// Completes the flow's file and closes it; it keeps its temporary name until commit().
    bool finish(uint32_t flow);
    bool finishAll();
    /// Finishes every file still open and gives every file its final name (replacing a file
    /// of that name). Call once, when the whole output succeeded.
    bool commit();
    /// Removes every file this pool created (temporary and committed) and closes all.
    void abort();

    /// Final path of the flow's file (empty when the flow has none).
    std::string pathOf(uint32_t flow) const;
    const std::string& errorString() const { return m_error; }
    size_t openFileCount() const { return m_open.size(); }
    /// Files given their final name by commit().
    size_t filesWritten() const { return m_committed; }
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
        bool committed = false;
    };

    Slot& slotOf(uint32_t flow);
    /// Where commit() keeps an existing file while it is being replaced.
    static std::string backupPath(const std::string& finalPath);
    /// Closes every file and removes the temporary ones (and the committed ones too).
    void removeFiles(bool committedToo);
    bool ensureOpen(Slot& slot, uint32_t flow);
    bool put(Slot& slot, const std::string& bytes);
    bool fail(const std::string& path, const std::string& what);
    std::string uniqueFinalPath(const std::string& label);

    OutputOptions m_options;
    size_t m_maxOpen;
    std::unique_ptr<DocumentFormat> m_document; ///< null for pcap
    PcapEncoder m_pcap;
    std::vector<Slot> m_slots;                  ///< by flow id
    std::vector<uint32_t> m_open;               ///< flows whose file is open
    std::unordered_set<std::string> m_usedNames;
    size_t m_committed = 0;
    uint64_t m_tick = 0;
    uint64_t m_bytesWritten = 0;
    std::string m_error;
    std::string m_buffer; ///< the bytes of the frame being written
};

} // namespace fi
