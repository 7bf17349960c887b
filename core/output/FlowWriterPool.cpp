#include "FlowWriterPool.h"

#include "Decoder.h"
#include "FileOps.h"

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

/// `DIR/.NAME{suffix}` for `DIR/NAME`: a hidden file beside the final one.
std::string hiddenSibling(const std::string& finalPath, const char* suffix)
{
    const std::filesystem::path p(finalPath);
    return (p.parent_path() / ("." + p.filename().string() + suffix)).string();
}

} // namespace

FlowWriterPool::FlowWriterPool(OutputOptions options)
    : m_options(std::move(options)),
      m_directory(
          (std::filesystem::path(m_options.directory.empty() ? "." : m_options.directory) / "")
              .string()),
      m_document(documentFormatFor(m_options.format)), m_pcap(m_options),
      m_prolog(m_document ? m_document->prolog() : std::string()),
      m_separator(m_document ? m_document->separator() : std::string()),
      m_epilog(m_document ? m_document->epilog() : std::string()),
      m_buffers(m_options.memoryBudget), m_names(0, NameHash{&m_slots}, NameEqual{&m_slots})
{}

FlowWriterPool::~FlowWriterPool()
{
    removeFiles(false); // an output that was never committed leaves nothing
}

bool FlowWriterPool::prepare()
{
    // A new output directory is made whole under a hidden name beside it and takes its name in
    // one rename at commit(): no file is renamed one by one.
    namespace fs = std::filesystem;
    fs::path dir(m_options.directory.empty() ? "." : m_options.directory);
    if (!dir.has_filename())
        dir = dir.parent_path(); // "out/"
    const std::string name = dir.filename().string();
    std::error_code ec;
    const fs::file_status status = fs::symlink_status(dir, ec);
    if (name != "." && name != ".." && status.type() == fs::file_type::not_found) {
        const fs::path parent = dir.parent_path();
        if (!parent.empty() && !fs::exists(parent, ec) && !fs::create_directories(parent, ec))
            return fail(dir.string(), "cannot create the directory: " + ec.message());
        const fs::path staging = parent / ("." + name + ".part");
        if (fileops::makeDirectory(staging.string()) == 0) {
            m_stagingDirectory = staging.string();
            return true;
        }
        // a leftover of that name, or no right to make it: write in the directory itself
    }
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
    if (const int e = fileops::appendToFile(probe.string(), true, nullptr, 0))
        return failed(std::string("the directory is not writable: ") + std::strerror(e));
    fs::remove(probe, ec);
    return true;
}

std::string FlowWriterPool::temporaryPath(const std::string& finalPath)
{
    return hiddenSibling(finalPath, ".part");
}

std::string FlowWriterPool::backupPath(const std::string& finalPath)
{
    return hiddenSibling(finalPath, ".replaced");
}

std::string FlowWriterPool::finalPath(const Slot& slot) const
{
    return m_directory + slot.name;
}

std::string FlowWriterPool::temporaryPath(const Slot& slot) const
{
    return m_stagingDirectory.empty() ? m_directory + "." + slot.name + ".part"
                                      : m_stagingDirectory + "/" + slot.name;
}

bool FlowWriterPool::fail(const std::string& path, const std::string& what)
{
    m_error = path + ": " + what;
    return false;
}

std::string FlowWriterPool::reasonOf(int error, const Slot* slot) const
{
    // The directory may have been removed meanwhile (the files in it went with it), or a file
    // written before removed from it.
    const std::string directory =
        m_stagingDirectory.empty() ? m_directory.substr(0, m_directory.size() - 1) : m_stagingDirectory;
    if (error == ENOENT && !fileops::isDirectory(directory))
        return "the directory it was being written in (" + directory + ") no longer exists";
    if (error == ENOENT && slot && slot->created)
        return "what was written of it so far (" + temporaryPath(*slot) + ") is gone";
    return std::strerror(error);
}

std::string FlowWriterPool::uniqueName(const std::string& label)
{
    // Two flows can share a label (same BufferID reopened within the same timestamp): the
    // later one gets " (2)", " (3)"… rather than overwriting the earlier one's file.
    const char* ext = outputExtension(m_options.format);
    std::string name = label + ext;
    for (int n = 2; m_names.count(std::string_view(name)); ++n)
        name = label + " (" + std::to_string(n) + ")" + ext;
    return name;
}

FlowWriterPool::Slot& FlowWriterPool::slotOf(uint32_t flow)
{
    if (flow >= m_slots.size())
        m_slots.resize(size_t(flow) + 1);
    return m_slots[flow];
}

std::string FlowWriterPool::reserve(uint32_t flow, const std::string& label)
{
    Slot& slot = slotOf(flow);
    if (slot.name.empty()) {
        slot.name = uniqueName(label);
        m_names.insert(flow);
    }
    return finalPath(slot);
}

bool FlowWriterPool::write(uint32_t flow, const FrameView& frame)
{
    if (flow >= m_slots.size() || m_slots[flow].name.empty())
        return fail("flow " + std::to_string(flow), "written before its file was named");
    Slot& slot = m_slots[flow];
    if (slot.finished)
        return fail(finalPath(slot), "flow written after it was finished");
    // appended in place: no allocation per frame once the flow's buffer has grown
    std::string& bytes = m_buffers.bufferOf(flow);
    if (m_options.format == OutputFormat::Payload) {
        if (!writePayload(flow, slot, frame))
            return false;
    } else if (m_document) {
        bytes += slot.entries == 0 ? m_prolog : m_separator;
        bytes += m_document->entry(frameDocument(frame.linkType, frame, m_options.nanosecond));
        ++slot.entries;
    } else {
        if (slot.entries == 0) {
            slot.linkType = frame.linkType;
            bytes += m_pcap.fileHeader(frame.linkType, frame.snapLength);
        } else if (frame.linkType != slot.linkType) {
            return fail(finalPath(slot), "frame " + std::to_string(frame.number) + " has link type " +
                                             std::to_string(frame.linkType) + " where the file's earlier frames have " +
                                             std::to_string(slot.linkType) +
                                             ": a pcap file holds frames of one link type");
        }
        m_pcap.appendRecord(bytes, frame);
        ++slot.entries;
    }
    m_buffers.added(flow);
    if (m_buffers.chunkFull(flow) && !writeOut(flow))
        return false;
    return !m_buffers.overBudget() || relieveMemory();
}

bool FlowWriterPool::writePayload(uint32_t flow, Slot& slot, const FrameView& frame)
{
    const FrameRecord& record = frame.record;
    const TcpPacket tcp = decodeTcp(frame.linkType, frame.data, record.capturedLength,
                                    record.originalLength);
    if (!tcp.valid)
        return true; // (a flow packet is valid TCP)
    const auto [from, captured] = tcp.capturedPayload(record.capturedLength);
    if (flow >= m_layouts.size())
        m_layouts.resize(size_t(flow) + 1);
    if (!m_layouts[flow])
        m_layouts[flow] = std::make_unique<PayloadLayout>();
    const std::span<const uint8_t> payload(frame.data + from, captured);
    std::string& bytes = m_buffers.bufferOf(flow);
    for (const PayloadLayout::Run& run :
         m_layouts[flow]->add(tcp.seq, tcp.syn(), tcp.fin(), tcp.payloadLength, payload)) {
        const char* data = reinterpret_cast<const char*>(payload.data()) + run.from;
        uint64_t at = run.fileOffset;
        size_t length = run.length;
        if (at < slot.onDisk) { // a hole in what was written out is filled in the file (its
                                // zeros were counted in bytesWritten())
            const size_t n = size_t(std::min<uint64_t>(length, slot.onDisk - at));
            ++m_openFiles;
            const int error = fileops::writeAt(temporaryPath(slot), at, data, n);
            --m_openFiles;
            if (error != 0)
                return fail(finalPath(slot), reasonOf(error, &slot));
            at += n;
            data += n;
            length -= n;
        }
        if (length > 0) { // the buffer holds the file from onDisk on: bytes not placed are zeros
            const size_t index = size_t(at - slot.onDisk);
            if (bytes.size() < index + length)
                bytes.resize(index + length, '\0');
            bytes.replace(index, length, data, length);
        }
        ++slot.entries;
    }
    return true;
}

// Failures name the file as the user knows it (its final path), whatever name it has now.
bool FlowWriterPool::writeOut(uint32_t flow)
{
    Slot& slot = m_slots[flow];
    std::string& bytes = m_buffers.bufferOf(flow);
    if (bytes.empty() && slot.created)
        return true;
    ++m_openFiles;
    const int error =
        fileops::appendToFile(temporaryPath(slot), !slot.created, bytes.data(), bytes.size());
    --m_openFiles;
    if (error != 0) {
        fail(finalPath(slot), reasonOf(error, &slot));
        slot.created = true; // (maybe it was): removed if the output does not stand
        return false;
    }
    slot.created = true;
    m_bytesWritten += bytes.size();
    slot.onDisk += bytes.size();
    bytes.clear();
    return true;
}

bool FlowWriterPool::relieveMemory()
{
    while (!m_buffers.relieved()) {
        const uint32_t flow = m_buffers.leastRecent();
        if (flow == FlowBuffers::kNone)
            break;
        if (!writeOut(flow))
            return false;
        m_buffers.release(flow);
    }
    return true;
}

bool FlowWriterPool::finish(uint32_t flow)
{
    if (flow < m_layouts.size() && m_layouts[flow]) {
        const PayloadLayout& layout = *m_layouts[flow];
        if (layout.missingBytes() > 0) {
            ++m_payloadGaps.flows;
            m_payloadGaps.missingBytes += layout.missingBytes();
        }
        m_payloadGaps.droppedBytes += layout.droppedBytes();
        m_layouts[flow].reset();
    }
    if (flow >= m_slots.size() || m_slots[flow].entries == 0 || m_slots[flow].finished)
        return true;
    if (!m_epilog.empty())
        m_buffers.bufferOf(flow) += m_epilog;
    if (!writeOut(flow))
        return false;
    m_buffers.release(flow);
    m_slots[flow].finished = true;
    return true;
}

bool FlowWriterPool::finishAll()
{
    for (uint32_t flow = 0; flow < m_slots.size(); ++flow)
        if (!finish(flow))
            return false;
    return true;
}

int FlowWriterPool::rename(const std::string& from, const std::string& to, bool replacing)
{
    if (m_renameHook)
        m_renameHook(from, to);
    return replacing ? fileops::renameReplacing(from, to) : fileops::renameNoReplace(from, to);
}

bool FlowWriterPool::commit()
{
    // All or nothing, and no file the user had is lost: each file takes its final name unless
    // something is there; an existing file is first moved aside (never over another file), a
    // directory in the way is an error. If any step fails, the new files go back to their
    // temporary names and the old ones come back.
    if (!finishAll())
        return false;
    if (!m_stagingDirectory.empty()) {
        // the whole new directory at once, unless one of that name was made meanwhile: then
        // file by file into it
        const std::string target = m_directory.substr(0, m_directory.size() - 1);
        const int error = rename(m_stagingDirectory, target, false);
        if (error == 0) {
            m_stagingDirectory.clear();
            for (Slot& slot : m_slots)
                if (slot.finished) {
                    slot.committed = true;
                    ++m_committed;
                }
            return true;
        }
        if (error != EEXIST && error != ENOTEMPTY)
            return fail(target, reasonOf(error));
    }
    std::vector<uint32_t> renamed, movedAside;
    auto failed = [&](const std::string& path, const std::string& why) {
        fail(path, why);
        undoCommit(renamed, movedAside);
        return false;
    };
    for (uint32_t flow = 0; flow < m_slots.size(); ++flow) {
        Slot& slot = m_slots[flow];
        if (!slot.finished || slot.committed)
            continue;
        const std::string target = finalPath(slot), temp = temporaryPath(slot);
        int error = rename(temp, target, false);
        if (error == EEXIST) {
            if (fileops::isDirectory(target))
                return failed(target, "a directory of that name is in the way");
            const std::string backup = backupPath(target);
            if (const int e = rename(target, backup, false))
                return failed(target, "cannot replace the existing file: " +
                                          (e == EEXIST ? backup + " is in the way"
                                                       : std::string(std::strerror(e))));
            movedAside.push_back(flow);
            error = rename(temp, target, false);
        }
        if (error != 0)
            return failed(target, reasonOf(error, &slot));
        slot.committed = true;
        ++m_committed;
        renamed.push_back(flow);
    }
    for (uint32_t flow : movedAside)
        fileops::removeFile(backupPath(finalPath(m_slots[flow])));
    if (!m_stagingDirectory.empty() && fileops::removeDirectory(m_stagingDirectory) == 0)
        m_stagingDirectory.clear();
    return true;
}

void FlowWriterPool::undoCommit(const std::vector<uint32_t>& renamed,
                                const std::vector<uint32_t>& movedAside)
{
    std::string problems;
    auto report = [&](const std::string& path, const std::string& what, int error) {
        problems += "; " + path + ": " + what + ": " + std::strerror(error);
    };
    std::vector<int> stuck(m_slots.size(), 0); // the new file is still at the final path: why
    for (auto it = renamed.rbegin(); it != renamed.rend(); ++it) {
        Slot& slot = m_slots[*it];
        const std::string target = finalPath(slot);
        slot.committed = false;
        --m_committed;
        // back to its temporary name (removed with it), or else removed at once
        if (rename(target, temporaryPath(slot), true) != 0)
            stuck[*it] = fileops::removeFile(target);
    }
    for (auto it = movedAside.rbegin(); it != movedAside.rend(); ++it) {
        const std::string target = finalPath(m_slots[*it]), backup = backupPath(target);
        // never over anything but this output's own file
        if (const int error = rename(backup, target, stuck[*it] != 0))
            report(target, "the file that was there is left as " + backup, error);
        stuck[*it] = 0;
    }
    for (uint32_t flow : renamed)
        if (stuck[flow])
            report(finalPath(m_slots[flow]), "the new file is left there", stuck[flow]);
    m_error += problems;
}

void FlowWriterPool::abort()
{
    removeFiles(true);
    m_committed = 0;
}

void FlowWriterPool::removeFiles(bool committedToo)
{
    for (Slot& slot : m_slots) {
        if (slot.created && !slot.committed)
            fileops::removeFile(temporaryPath(slot));
        else if (slot.committed && committedToo)
            fileops::removeFile(finalPath(slot));
        if (committedToo || !slot.committed)
            slot.created = slot.committed = false;
    }
    if (!m_stagingDirectory.empty() && fileops::removeDirectory(m_stagingDirectory) == 0)
        m_stagingDirectory.clear();
    m_buffers.releaseAll();
}

std::string FlowWriterPool::pathOf(uint32_t flow) const
{
    return flow < m_slots.size() && m_slots[flow].entries > 0 ? finalPath(m_slots[flow])
                                                             : std::string();
}

} // namespace fi
