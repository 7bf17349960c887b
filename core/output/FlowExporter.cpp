#include "FlowExporter.h"

#include "FlowColumns.h"
#include "FlowWriterPool.h"
#include "FrameSource.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

namespace fi {

namespace {

namespace fs = std::filesystem;

bool exists(const std::string& path)
{
    std::error_code ec;
    return fs::exists(path, ec);
}

/// One CSV field (RFC 4180): quoted, with quotes doubled, when it holds `,`, `"`, CR or LF.
void appendCsvField(std::string& out, const std::string& field)
{
    if (field.find_first_of(",\"\r\n") == std::string::npos) {
        out += field;
        return;
    }
    out += '"';
    for (char c : field) {
        if (c == '"')
            out += '"';
        out += c;
    }
    out += '"';
}

void appendCsvRow(std::string& out, const std::vector<std::string>& fields)
{
    for (size_t i = 0; i < fields.size(); ++i) {
        if (i)
            out += ',';
        appendCsvField(out, fields[i]);
    }
    out += "\r\n";
}

/// Seconds with 6 decimals, as the flow tree shows Start and Duration.
ExportResult ended(ExportResult result, ExportResult::End end, std::string error = {})
{
    result.end = end;
    result.error = std::move(error);
    result.files.clear();
    result.bytesWritten = 0;
    return result;
}

} // namespace

FlowExporter::FlowExporter(const CaptureStore& store, const std::vector<uint32_t>& flows,
                           ExportOptions options)
    : m_capture(store.path), m_layout(store.layout), m_startNs(store.startNs()), m_options(std::move(options))
{
    for (uint32_t id : flows)
        if (id < store.flows.size())
            m_flowIds.push_back(id);
    std::sort(m_flowIds.begin(), m_flowIds.end());
    m_flowIds.erase(std::unique(m_flowIds.begin(), m_flowIds.end()), m_flowIds.end());

    for (uint32_t id : m_flowIds) {
        const FlowRecord& record = store.flows[id];
        ExportedFlow& flow = m_flows.emplace_back();
        flow.record.id = record.id;
        flow.record.stats = record.stats;
        flow.record.analysis = record.analysis;
        flow.record.connection = record.connection;
        for (const FlowPacket& p : store.packetsOf(id)) {
            if (p.frame == 0 || p.frame > store.frames.size())
                continue;
            m_frames.push_back({{.number = p.frame, .record = store.frame(p.frame)}, uint32_t(m_flows.size() - 1)});
            flow.lastFrame = p.frame;
            flow.payload = flow.payload || p.payloadLength > 0;
        }
    }
    std::sort(m_frames.begin(), m_frames.end(), [](const ExportedFrame& a, const ExportedFrame& b) {
        return a.frame.number < b.frame.number;
    });
}

void FlowExporter::setProgressHook(ProgressHook hook, uint32_t interval)
{
    m_progress = std::move(hook);
    m_interval = interval ? interval : 1;
}

bool FlowExporter::perFlow() const
{
    return perFlowFormat(m_options.format) != OutputFormat::None;
}

std::string FlowExporter::fileBaseName() const
{
    std::string base = m_options.baseName;
    if (base.empty()) { // `in.pcap.gz` → `in`
        fs::path name = fs::path(m_capture).filename();
        if (name.extension() == ".gz" || name.extension() == ".zst" || name.extension() == ".zstd")
            name = name.stem();
        base = name.stem().string();
    }
    return (base.empty() ? std::string("capture") : base) + "-flows";
}

OutputOptions FlowExporter::outputOptions() const
{
    OutputOptions o;
    o.format = perFlow() ? perFlowFormat(m_options.format) : OutputFormat::Pcap;
    o.directory = m_options.directory;
    o.byteOrder = m_options.byteOrder;
    o.nanosecond = m_options.nanosecond;
    o.maxOpenFiles = m_options.maxOpenFiles;
    return o;
}

std::vector<std::string> FlowExporter::targetPaths() const
{
    if (m_options.format == ExportFormat::Csv) {
        const fs::path dir(m_options.directory.empty() ? "." : m_options.directory);
        return {(dir / (fileBaseName() + ".csv")).string()};
    }
    FlowWriterPool names(outputOptions()); // names files as writing them does; writes nothing
    if (!perFlow())
        return {names.reserve(0, fileBaseName())};
    std::vector<std::string> paths;
    const bool payload = m_options.format == ExportFormat::Payload;
    for (uint32_t i = 0; i < m_flows.size(); ++i) {
        std::string path = names.reserve(i, m_flows[i].record.label()); // (each flow takes a name)
        if (m_flows[i].payload || !payload)
            paths.push_back(std::move(path));
    }
    return paths;
}

std::vector<std::string> FlowExporter::existingTargets() const
{
    std::vector<std::string> paths = targetPaths();
    paths.erase(
        std::remove_if(paths.begin(), paths.end(), [](const std::string& p) { return !exists(p); }),
        paths.end());
    return paths;
}

std::string FlowExporter::csvText() const
{
    std::vector<std::string> fields(FlowColumns::ColumnCount);
    for (int c = 0; c < FlowColumns::ColumnCount; ++c)
        fields[c] = FlowColumns::title(FlowColumns::Column(c));
    std::string out;
    appendCsvRow(out, fields);
    for (const ExportedFlow& f : m_flows) {
        for (int c = 0; c < FlowColumns::ColumnCount; ++c)
            fields[c] = FlowColumns::text(f.record, FlowColumns::Column(c), m_startNs);
        appendCsvRow(out, fields);
    }
    return out;
}

bool FlowExporter::cancelled() const
{
    return m_cancel && m_cancel->load(std::memory_order_relaxed);
}

void FlowExporter::report(uint64_t done, uint64_t total, bool always) const
{
    if (m_progress && (always || done % m_interval == 0))
        m_progress(done, total);
}

ExportResult FlowExporter::run()
{
    ExportResult result;
    result.directory = m_options.directory.empty() ? "." : m_options.directory;
    // the directories the export makes, deepest first: an export that does not succeed
    // removes them again (those it left empty)
    std::vector<fs::path> made;
    std::error_code ec;
    for (fs::path dir = fs::absolute(result.directory, ec); !ec && !dir.empty() && !fs::exists(dir, ec);
         dir = dir.parent_path())
        made.push_back(dir);
    std::string error;
    if (!FlowWriterPool::prepareDirectory(m_options.directory, error))
        return ended(std::move(result), ExportResult::End::Failed, std::move(error));
    result = m_options.format == ExportFormat::Csv ? writeCsv(std::move(result)) : writeFrames(std::move(result));
    if (!result.ok())
        for (const fs::path& dir : made)
            fs::remove(dir, ec); // (not one that holds anything)
    return result;
}

ExportResult FlowExporter::writeFrames(ExportResult result)
{
    // Per-flow formats write file i for flow i; merged pcap writes every frame to file 0.
    const bool perFlow = this->perFlow();
    const std::string merged = fileBaseName();
    auto labelOf = [&](uint32_t file) -> std::string {
        return perFlow ? m_flows[file].record.label() : merged;
    };
    FlowWriterPool pool(outputOptions());
    std::vector<uint8_t> skip(perFlow ? m_flows.size() : 1, 0);
    for (uint32_t file = 0; file < skip.size(); ++file) {
        const std::string& path = pool.reserve(file, labelOf(file));
        skip[file] = m_options.overwrite == OverwritePolicy::SkipExisting && exists(path);
        result.skipped += skip[file];
    }
    uint64_t total = 0;
    for (const ExportedFrame& f : m_frames)
        total += !skip[perFlow ? f.flow : 0];

    FrameSource source;
    if (total > 0 && !source.open(m_layout))
        return ended(std::move(result), ExportResult::End::Failed,
                     m_capture + ": " + source.errorString());
    auto abandon = [&](ExportResult::End end, std::string error) {
        pool.abort();
        return ended(std::move(result), end, std::move(error));
    };
    std::vector<uint8_t> bytes;
    bytes.reserve(65536); // data() is never null, even for an empty frame
    uint64_t done = 0;
    for (ExportedFrame f : m_frames) {
        const uint32_t file = perFlow ? f.flow : 0;
        if (skip[file])
            continue;
        if (cancelled())
            return abandon(ExportResult::End::Cancelled, {});
        if (!source.read(f.frame, bytes))
            return abandon(ExportResult::End::Failed, source.pathOf(f.frame.record) + ": frame " +
                                                          std::to_string(f.frame.number) + ": " +
                                                          source.errorString());
        if (!pool.write(file, f.frame) ||
            (perFlow && f.frame.number == m_flows[file].lastFrame && !pool.finish(file)))
            return abandon(ExportResult::End::Failed, pool.errorString());
        report(++done, total, false);
    }
    if (cancelled())
        return abandon(ExportResult::End::Cancelled, {});
    if (!pool.commit())
        return abandon(ExportResult::End::Failed, pool.errorString());
    for (uint32_t file = 0; file < skip.size(); ++file)
        if (!pool.pathOf(file).empty())
            result.files.push_back(pool.pathOf(file));
    result.bytesWritten = pool.bytesWritten();
    const FlowWriterPool::PayloadGaps& gaps = pool.payloadGaps();
    result.flowsWithMissingBytes = gaps.flows;
    result.missingBytes = gaps.missingBytes;
    report(done, total, true);
    return result;
}

ExportResult FlowExporter::writeCsv(ExportResult result)
{
    const std::string path = targetPaths().front();
    if (m_options.overwrite == OverwritePolicy::SkipExisting && exists(path)) {
        result.skipped = 1;
        return result;
    }
    const std::string text = csvText();
    const std::string temp = FlowWriterPool::temporaryPath(path);
    std::FILE* file = std::fopen(temp.c_str(), "wb");
    if (!file)
        return ended(std::move(result), ExportResult::End::Failed,
                     path + ": " + std::strerror(errno));
    bool written = std::fwrite(text.data(), 1, text.size(), file) == text.size();
    int error = errno;
    if (std::fclose(file) != 0 && written) {
        written = false;
        error = errno;
    }
    std::error_code ec;
    if (!written || cancelled()) {
        fs::remove(temp, ec);
        return written ? ended(std::move(result), ExportResult::End::Cancelled)
                       : ended(std::move(result), ExportResult::End::Failed,
                               path + ": " + std::strerror(error));
    }
    fs::rename(temp, path, ec);
    if (ec) {
        const std::string reason = ec.message();
        fs::remove(temp, ec);
        return ended(std::move(result), ExportResult::End::Failed, path + ": " + reason);
    }
    result.files.push_back(path);
    result.bytesWritten = text.size();
    report(m_flows.size(), m_flows.size(), true);
    return result;
}

} // namespace fi
