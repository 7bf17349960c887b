#include "FlowWriterPool.h"

#include <algorithm>
#include "ByteSwap.h"

#include <bit>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace fi {

namespace {

/// The pcap global header and record headers in the requested byte order and resolution.
class PcapEncoder
{
public:
    explicit PcapEncoder(const OutputOptions& o)
        : m_swap(o.byteOrder == ByteOrder::Host
                     ? false
                     : (o.byteOrder == ByteOrder::Big) != (std::endian::native == std::endian::big)),
          m_nano(o.nanosecond), m_linkType(uint32_t(o.linkType)),
          m_snapLength(uint32_t(o.snapLength > 0 ? o.snapLength : 262144))
    {}

    std::string fileHeader() const
    {
        std::string out;
        put32(out, m_nano ? 0xA1B23C4D : 0xA1B2C3D4);
        put16(out, 2);
        put16(out, 4);
        put32(out, 0);
        put32(out, 0);
        put32(out, m_snapLength);
        put32(out, m_linkType);
        return out;
    }

    std::string record(const FrameView& frame) const
    {
        Timestamp ts = frame.record.timestamp();
        std::string out;
        out.reserve(16 + frame.record.capturedLength);
        put32(out, uint32_t(ts.seconds));
        put32(out, m_nano ? ts.nanoseconds : ts.nanoseconds / 1000);
        put32(out, frame.record.capturedLength);
        put32(out, frame.record.originalLength);
        out.append(reinterpret_cast<const char*>(frame.data), frame.record.capturedLength);
        return out;
    }

private:
    void put32(std::string& out, uint32_t v) const
    {
        if (m_swap)
            v = byteSwapped(v);
        out.append(reinterpret_cast<const char*>(&v), 4);
    }
    void put16(std::string& out, uint16_t v) const
    {
        if (m_swap)
            v = byteSwapped(v);
        out.append(reinterpret_cast<const char*>(&v), 2);
    }

    bool m_swap;
    bool m_nano;
    uint32_t m_linkType;
    uint32_t m_snapLength;
};

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
      m_document(documentFormatFor(m_options.format))
{}

FlowWriterPool::~FlowWriterPool()
{
    for (uint32_t flow : m_open)
        std::fclose(m_slots[flow].file);
}

bool FlowWriterPool::prepare()
{
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::path dir(m_options.directory.empty() ? "." : m_options.directory);
    if (!fs::exists(dir, ec) && !fs::create_directories(dir, ec))
        return fail(dir.string(), "cannot create the directory: " + ec.message());
    if (!fs::is_directory(dir, ec))
        return fail(dir.string(), "not a directory");
    fs::path probe = dir / ".flowinspector-write-test";
    std::FILE* f = std::fopen(probe.c_str(), "wb");
    if (!f)
        return fail(dir.string(), std::string("the directory is not writable: ") + std::strerror(errno));
    std::fclose(f);
    fs::remove(probe, ec);
    return true;
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
        if (std::fclose(victim.file) != 0) {
            victim.file = nullptr;
            m_open.erase(lru);
            return fail(victim.tempPath, std::strerror(errno));
        }
        victim.file = nullptr;
        m_open.erase(lru);
    }
    bool fresh = slot.frames == 0;
    slot.file = std::fopen(slot.tempPath.c_str(), fresh ? "wb" : "ab");
    if (!slot.file)
        return fail(slot.tempPath, std::strerror(errno));
    m_open.push_back(flow);
    return true;
}

bool FlowWriterPool::put(Slot& slot, const std::string& bytes)
{
    if (std::fwrite(bytes.data(), 1, bytes.size(), slot.file) != bytes.size())
        return fail(slot.tempPath, std::strerror(errno));
    m_bytesWritten += bytes.size();
    return true;
}

bool FlowWriterPool::write(uint32_t flow, const std::string& label, const FrameView& frame)
{
    if (flow >= m_slots.size())
        m_slots.resize(flow + 1);
    Slot& slot = m_slots[flow];
    if (slot.finished)
        return fail(slot.finalPath, "flow written after it was finished");
    if (slot.finalPath.empty()) {
        slot.finalPath = uniqueFinalPath(label);
        std::filesystem::path p(slot.finalPath);
        slot.tempPath = (p.parent_path() / ("." + p.filename().string() + ".part")).string();
    }
    if (!ensureOpen(slot, flow))
        return false;
    std::string bytes;
    if (slot.frames == 0)
        bytes = m_document ? m_document->prolog() : PcapEncoder(m_options).fileHeader();
    if (m_document) {
        if (slot.frames > 0)
            bytes += m_document->separator();
        bytes += m_document->entry(frameDocument(m_options.linkType, frame, m_options.nanosecond));
    } else {
        bytes += PcapEncoder(m_options).record(frame);
    }
    ++slot.frames;
    return put(slot, bytes);
}

bool FlowWriterPool::finish(uint32_t flow)
{
    if (flow >= m_slots.size() || m_slots[flow].finalPath.empty() || m_slots[flow].finished)
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
            return fail(slot.tempPath, std::strerror(errno));
    }
    std::error_code ec;
    std::filesystem::rename(slot.tempPath, slot.finalPath, ec);
    if (ec)
        return fail(slot.finalPath, ec.message());
    slot.finished = true;
    m_finishedPaths.push_back(slot.finalPath);
    return true;
}

bool FlowWriterPool::finishAll()
{
    for (uint32_t flow = 0; flow < m_slots.size(); ++flow)
        if (!finish(flow))
            return false;
    return true;
}

void FlowWriterPool::abort()
{
    std::error_code ec;
    for (Slot& slot : m_slots) {
        if (slot.file)
            std::fclose(slot.file);
        slot.file = nullptr;
        if (!slot.tempPath.empty())
            std::filesystem::remove(slot.tempPath, ec);
        if (slot.finished)
            std::filesystem::remove(slot.finalPath, ec);
    }
    m_open.clear();
    m_finishedPaths.clear();
}

std::string FlowWriterPool::pathOf(uint32_t flow) const
{
    return flow < m_slots.size() ? m_slots[flow].finalPath : std::string();
}

} // namespace fi
