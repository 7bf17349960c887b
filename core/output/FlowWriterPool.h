#pragma once

#include "FlowBuffers.h"
#include "FlowTypes.h"
#include "FrameDocument.h"
#include "OutputOptions.h"
#include "PayloadLayout.h"
#include "PcapEncoder.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace fi {

/// Writes every flow's frames to its own file `DIR/{label}{ext}`, fast and safely, however
/// many flows are open at once. A file holds the frames in one of spec section 4's formats, or
/// (OutputFormat::Payload) the flow's payload in sequence order, laid out by a PayloadLayout:
/// a flow that carried no payload then has no file.
///
/// Fast: a flow's bytes wait in memory (FlowBuffers, within `options.memoryBudget`) and its
/// file is written when the flow is finished, with one open, one write and one close; when the
/// budget is exceeded the least recently written flows' bytes are appended to their files
/// first. A file is open only while bytes are written to it, so the pool never has more than
/// one open at once (and so never more than `options.maxOpenFiles`), whatever the number of
/// flows.
///
/// Safe: each file is written under a temporary name (`.NAME.part`, or all of them in a hidden
/// `.DIR.part` when prepare() finds no DIR yet); finish() completes a flow's file, and commit()
/// gives every file its final name once all went well (a new DIR in one rename), so nothing
/// half-written is ever left under a final name and no file already there is replaced before
/// the whole output succeeded (it is moved aside to `.NAME.replaced` and put back if anything
/// fails; a file that cannot be put back is named in errorString()). abort() removes
/// everything this pool wrote, and a pool destroyed before commit() removes its temporary
/// files. Errors name the file by its final path, the one the user knows.
class FlowWriterPool
{
public:
    explicit FlowWriterPool(OutputOptions options);
    ~FlowWriterPool();
    FlowWriterPool(const FlowWriterPool&) = delete;
    FlowWriterPool& operator=(const FlowWriterPool&) = delete;

    /// Checks that the output directory exists and is writable. A directory that does not
    /// exist yet is made under a hidden name beside it, `.NAME.part`, which takes its name at
    /// commit(): its files are then written under their own names in there.
    bool prepare();
    /// prepare() for any directory: false with a message naming the directory in `error`.
    static bool prepareDirectory(const std::string& directory, std::string& error);
    /// The temporary name a file is written under in an existing directory: `.NAME.part` beside
    /// `finalPath`.
    static std::string temporaryPath(const std::string& finalPath);

    /// Gives flow `flow` (labelled `label`) its final path, as write() does on the flow's first
    /// frame, and returns it: `DIR/{label}{ext}`, or `DIR/{label} (2){ext}`… when an earlier
    /// flow of this pool has the same label. Reserving flows in the order their first frames
    /// come names them as writing them would.
    std::string reserve(uint32_t flow, const std::string& label);
    /// Appends one frame to flow `flow`, which reserve() named (Payload: places its payload).
    bool write(uint32_t flow, const FrameView& frame);
    /// Completes the flow's file and writes it; it keeps its temporary name until commit().
    bool finish(uint32_t flow);
    bool finishAll();
    /// Finishes every flow and gives every file its final name (replacing a file of that name).
    /// Call once, when the whole output succeeded. On failure nothing is renamed and every
    /// replaced file is back, or errorString() says where it was left.
    bool commit();
    /// Removes every file this pool created (temporary and committed).
    void abort();

    /// Final path of the flow's file (empty when the flow has none).
    std::string pathOf(uint32_t flow) const;
    const std::string& errorString() const { return m_error; }
    /// Files open now: 0 between calls (a file is open only inside one).
    size_t openFileCount() const { return m_openFiles; }
    /// Files given their final name by commit().
    size_t filesWritten() const { return m_committed; }
    uint64_t bytesWritten() const { return m_bytesWritten; }
    /// The most memory the flows' waiting bytes held at once.
    size_t peakBufferedBytes() const { return m_buffers.peakHeldBytes(); }

    /// OutputFormat::Payload: what the finished flows' payloads lacked.
    struct PayloadGaps
    {
        size_t flows = 0;          ///< flows with bytes missing (PayloadLayout::missingBytes)
        uint64_t missingBytes = 0; ///< bytes those flows sent that were never captured
        uint64_t droppedBytes = 0; ///< captured bytes out of place (PayloadLayout::droppedBytes)
    };
    const PayloadGaps& payloadGaps() const { return m_payloadGaps; }

    /// A test seam: called with (from, to) just before every rename commit() makes, putting
    /// back included; the hook may change the directory as another program could meanwhile.
    using RenameHook = std::function<void(const std::string& from, const std::string& to)>;
    void setRenameHook(RenameHook hook) { m_renameHook = std::move(hook); }

private:
    struct Slot
    {
        std::string name; ///< file name in the directory; empty: no file reserved
        uint32_t entries = 0; ///< frames (Payload: runs of payload) written
        uint64_t onDisk = 0;  ///< bytes in the temporary file; the buffer holds what follows
        bool created = false; ///< the temporary file exists
        bool finished = false;
        bool committed = false;
        int linkType = 0; ///< pcap: of its frames (a pcap file holds one)
    };

    /// Names by flow id: a set of flow ids hashed and compared by their slots' names, so that
    /// each name is kept once; looked up by name too.
    struct NameHash
    {
        using is_transparent = void;
        const std::vector<Slot>* table; ///< the pool's slots
        size_t operator()(std::string_view name) const
        {
            return std::hash<std::string_view>()(name);
        }
        size_t operator()(uint32_t flow) const { return (*this)((*table)[flow].name); }
    };
    struct NameEqual
    {
        using is_transparent = void;
        const std::vector<Slot>* table; ///< the pool's slots
        std::string_view nameOf(std::string_view name) const { return name; }
        std::string_view nameOf(uint32_t flow) const { return (*table)[flow].name; }
        template <class A, class B> bool operator()(const A& a, const B& b) const
        {
            return nameOf(a) == nameOf(b);
        }
    };

    Slot& slotOf(uint32_t flow);
    std::string finalPath(const Slot& slot) const;
    std::string temporaryPath(const Slot& slot) const;
    /// Where commit() keeps an existing file while it is being replaced.
    static std::string backupPath(const std::string& finalPath);
    /// Payload: places the frame's new payload bytes in the flow's file.
    bool writePayload(uint32_t flow, Slot& slot, const FrameView& frame);
    /// Appends the flow's waiting bytes to its temporary file (creating it on the first time).
    bool writeOut(uint32_t flow);
    /// Writes out and releases the least recently written buffers until the budget is kept.
    bool relieveMemory();
    /// Puts back what a failed commit() did; says in m_error what could not be put back.
    void undoCommit(const std::vector<uint32_t>& renamed, const std::vector<uint32_t>& movedAside);
    int rename(const std::string& from, const std::string& to, bool replacing);
    /// Removes the temporary files (and the committed ones too) and drops the waiting bytes.
    void removeFiles(bool committedToo);
    bool fail(const std::string& path, const std::string& what);
    /// Why writing or renaming the slot's file failed with `error`, for a message.
    std::string reasonOf(int error, const Slot* slot = nullptr) const;
    std::string uniqueName(const std::string& label);

    OutputOptions m_options;
    std::string m_directory;                    ///< the output directory with a final separator
    /// The hidden directory a new output directory is made in (empty: files are written in
    /// the output directory under hidden names)
    std::string m_stagingDirectory;
    std::unique_ptr<DocumentFormat> m_document; ///< null for pcap
    PcapEncoder m_pcap;
    /// The file's start (pcap: its header, by the first frame's link type), between frames, end
    std::string m_prolog, m_separator, m_epilog;
    std::vector<Slot> m_slots;                   ///< by flow id
    /// Payload: by flow id, from the flow's first frame until it is finished
    std::vector<std::unique_ptr<PayloadLayout>> m_layouts;
    PayloadGaps m_payloadGaps;
    FlowBuffers m_buffers;
    std::unordered_set<uint32_t, NameHash, NameEqual> m_names; ///< flows that have a name
    RenameHook m_renameHook;
    size_t m_openFiles = 0;
    size_t m_committed = 0;
    uint64_t m_bytesWritten = 0;
    std::string m_error;
};

} // namespace fi
