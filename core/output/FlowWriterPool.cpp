#include "FlowWriterPool.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace fi {

namespace {

std::unique_ptr<DocumentFormat> documentFormatFor(OutputFormat format)
{
    switch (format) {
    case OutputFormat::Json: return std::make_unique<JsonFormat>();
    case OutputFormat::Plist: return std::make_unique<PlistFormat>();
    case OutputFormat::Tree: return std::make_unique<TreeFormat>();
    default: return nullptr;
    }
}

} // namespace

FlowWriterPool::FlowWriterPool(OutputOptions options)
    : m_options(std::move(options)), m_maxOpen(std::max<size_t>(1, m_options.maxOpenFiles)),
      m_document(documentFormatFor(m_options.format)), m_pcap(m_options)
{}

FlowWriterPool::~FlowWriterPool()
{
    removeFiles(false); // an output that was never committed leaves nothing
}

bool FlowWriterPool::prepare()
{
    return prepareDirectory(m_options.directory, m_error);
}

bool FlowWriterPool::prepareDirectory(const std::string& directory, std::string& error)
{
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::path dir(directory.empty() ? "." : directory);
    auto failed = [&](const std::string& what) {
        error = dir.string() + ": " + what;
        return false;
    };
    if (!fs::exists(dir, ec) && !fs::create_directories(dir, ec))
        return failed("cannot create the directory: " + ec.message());
    if (!fs::is_directory(dir, ec))
        return failed("not a directory");
    fs::path probe = dir / ".flowinspector-write-test";
    std::FILE* f = std::fopen(probe.c_str(), "wb");
    if (!f)
        return failed(std::string("the directory is not writable: ") + std::strerror(errno));
    std::fclose(f);
    fs::remove(probe, ec);
    return true;
}

namespace {
/// `DIR/.NAME{suffix}` for `DIR/NAME`: a hidden file beside the final one.
std::string hiddenSibling(const std::string& finalPath, const char* suffix)
{
    const std::filesystem::path p(finalPath);
    return (p.parent_path() / ("." + p.filename().string() + suffix)).string();
}
} // namespace

std::string FlowWriterPool::temporaryPath(const std::string& finalPath)
{
    return hiddenSibling(finalPath, ".part");
}

bool FlowWriterPool::fail(const std::string& path, const std::string& what)
{
    m_error = path + ": " + what;
    return false;
}

std::string FlowWriterPool::uniqueFinalPath(const std::string& label)
{
    // Two flows can share a label (same BufferID reopened within the same timestamp): the
    // later one gets " (2)", " (3)"… rather than overwriting the earlier one's file.
    std::string name = label + outputExtension(m_options.format);
    for (int n = 2; m_usedNames.count(name); ++n)
        name = label + " (" + std::to_string(n) + ")" + outputExtension(m_options.format);
    m_usedNames.insert(name);
    std::filesystem::path dir(m_options.directory.empty() ? "." : m_options.directory);
    return (dir / name).string();
}

FlowWriterPool::Slot& FlowWriterPool::slotOf(uint32_t flow)
{
    if (flow >= m_slots.size())
        m_slots.resize(flow + 1);
    return m_slots[flow];
}

const std::string& FlowWriterPool::reserve(uint32_t flow, const std::string& label)
{
    Slot& slot = slotOf(flow);
    if (slot.finalPath.empty()) {
        slot.finalPath = uniqueFinalPath(label);
        slot.tempPath = temporaryPath(slot.finalPath);
    }
    return slot.finalPath;
}

// Failures name the file as the user knows it (its final path), whatever name it has now.
bool FlowWriterPool::ensureOpen(Slot& slot, uint32_t flow)
{
    slot.lastUse = ++m_tick;
    if (slot.file)
        return true;
    if (m_open.size() >= m_maxOpen) { // close the least recently written file
        auto lru = std::min_element(m_open.begin(), m_open.end(), [&](uint32_t a, uint32_t b) {
            return m_slots[a].lastUse < m_slots[b].lastUse;
        });
        Slot& victim = m_slots[*lru];
        const int rc = std::fclose(victim.file);
        victim.file = nullptr;
        m_open.erase(lru);
        if (rc != 0)
            return fail(victim.finalPath, std::strerror(errno));
    }
    bool fresh = slot.frames == 0;
    slot.file = std::fopen(slot.tempPath.c_str(), fresh ? "wb" : "ab");
    if (!slot.file)
        return fail(slot.finalPath, std::strerror(errno));
    m_open.push_back(flow);
    return true;
}

bool FlowWriterPool::put(Slot& slot, const std::string& bytes)
{
    if (std::fwrite(bytes.data(), 1, bytes.size(), slot.file) != bytes.size())
        return fail(slot.finalPath, std::strerror(errno));
    m_bytesWritten += bytes.size();
    return true;
}

bool FlowWriterPool::write(uint32_t flow, const FrameView& frame)
{
    Slot& slot = slotOf(flow);
    if (slot.finalPath.empty())
        return fail("flow " + std::to_string(flow), "written before its file was named");
    if (slot.finished)
        return fail(slot.finalPath, "flow written after it was finished");
    if (!ensureOpen(slot, flow))
        return false;
    std::string& bytes = m_buffer; // reused: no allocation per frame once it has grown
    bytes.clear();
    if (slot.frames == 0)
        bytes = m_document ? m_document->prolog() : m_pcap.fileHeader();
    if (m_document) {
        if (slot.frames > 0)
            bytes += m_document->separator();
        bytes += m_document->entry(frameDocument(m_options.linkType, frame, m_options.nanosecond));
    } else {
        m_pcap.appendRecord(bytes, frame);
    }
    ++slot.frames;
    return put(slot, bytes);
}

bool FlowWriterPool::finish(uint32_t flow)
{
    if (flow >= m_slots.size() || m_slots[flow].frames == 0 || m_slots[flow].finished)
        return true;
    Slot& slot = m_slots[flow];
    if (m_document) {
        if (!ensureOpen(slot, flow) || !put(slot, m_document->epilog()))
            return false;
    }
    if (slot.file) {
        int rc = std::fclose(slot.file);
        slot.file = nullptr;
        m_open.erase(std::find(m_open.begin(), m_open.end(), flow));
        if (rc != 0)
            return fail(slot.finalPath, std::strerror(errno));
    }
    slot.finished = true;
    return true;
}

bool FlowWriterPool::finishAll()
{
    for (uint32_t flow = 0; flow < m_slots.size(); ++flow)
        if (!finish(flow))
            return false;
    return true;
}

bool FlowWriterPool::commit()
{
    // All or nothing, and no file the user had is lost: existing targets are first moved aside,
    // then every file takes its final name; if any step fails, the new files go and the old
    // ones come back.
    if (!finishAll())
        return false;
    namespace fs = std::filesystem;
    std::vector<Slot*> pending;
    for (Slot& slot : m_slots)
        if (slot.finished && !slot.committed)
            pending.push_back(&slot);
    std::error_code ec;
    for (Slot* slot : pending)
        if (fs::is_directory(slot->finalPath, ec))
            return fail(slot->finalPath, "a directory of that name is in the way");

    std::vector<Slot*> movedAside, renamed;
    auto undo = [&] {
        std::error_code ignored;
        for (Slot* slot : renamed) {
            fs::rename(slot->finalPath, slot->tempPath, ignored);
            slot->committed = false;
            --m_committed;
        }
        for (Slot* slot : movedAside)
            fs::rename(backupPath(slot->finalPath), slot->finalPath, ignored);
    };
    for (Slot* slot : pending) {
        if (!fs::exists(slot->finalPath, ec))
            continue;
        fs::rename(slot->finalPath, backupPath(slot->finalPath), ec);
        if (ec) {
            undo();
            return fail(slot->finalPath, "cannot replace the existing file: " + ec.message());
        }
        movedAside.push_back(slot);
    }
    for (Slot* slot : pending) {
        fs::rename(slot->tempPath, slot->finalPath, ec);
        if (ec) {
            const std::string why = ec.message();
            undo();
            return fail(slot->finalPath, why);
        }
        slot->committed = true;
        ++m_committed;
        renamed.push_back(slot);
    }
    for (Slot* slot : movedAside)
        fs::remove(backupPath(slot->finalPath), ec);
    return true;
}

std::string FlowWriterPool::backupPath(const std::string& finalPath)
{
    return hiddenSibling(finalPath, ".replaced");
}

void FlowWriterPool::abort()
{
    removeFiles(true);
    m_committed = 0;
}

void FlowWriterPool::removeFiles(bool committedToo)
{
    std::error_code ec;
    for (Slot& slot : m_slots) {
        if (slot.file)
            std::fclose(slot.file);
        slot.file = nullptr;
        if (!slot.committed && slot.frames > 0)
            std::filesystem::remove(slot.tempPath, ec);
        else if (slot.committed && committedToo)
            std::filesystem::remove(slot.finalPath, ec);
        slot.committed = slot.committed && !committedToo;
    }
    m_open.clear();
}

std::string FlowWriterPool::pathOf(uint32_t flow) const
{
    return flow < m_slots.size() && m_slots[flow].frames > 0 ? m_slots[flow].finalPath
                                                             : std::string();
}

} // namespace fi
