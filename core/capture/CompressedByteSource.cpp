#include "CompressedByteSource.h"

#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cstring>

namespace fi {

namespace {

constexpr size_t kInputSize = size_t(256) << 10;
constexpr size_t kWindowSize = size_t(1) << 20;
constexpr int kGzipOrZlibHeader = 15 + 32; // inflate's windowBits: detect the header

} // namespace

Compression compressionOf(const uint8_t* magic, size_t size)
{
    if (size >= 2 && magic[0] == 0x1F && magic[1] == 0x8B)
        return Compression::Gzip;
    if (size >= 4 && magic[0] == 0x28 && magic[1] == 0xB5 && magic[2] == 0x2F && magic[3] == 0xFD)
        return Compression::Zstd;
    return Compression::None;
}

const char* compressionName(Compression compression)
{
    switch (compression) {
    case Compression::Gzip: return "gzip";
    case Compression::Zstd: return "zstd";
    case Compression::None: break;
    }
    return "none";
}

struct CompressedIndex::GzipState
{
    z_stream stream{};
    ~GzipState() { inflateEnd(&stream); }
};

std::optional<CompressedIndex::Point> CompressedIndex::pointBefore(uint64_t offset) const
{
    std::lock_guard lock(m_mutex);
    auto it = std::upper_bound(m_points.begin(), m_points.end(), offset,
                               [](uint64_t o, const Point& p) { return o < p.output; });
    if (it == m_points.begin())
        return std::nullopt;
    return *std::prev(it);
}

uint64_t CompressedIndex::nextWanted() const
{
    std::lock_guard lock(m_mutex);
    return (m_points.empty() ? 0 : m_points.back().output) + kSpacing;
}

void CompressedIndex::add(Point point)
{
    std::lock_guard lock(m_mutex);
    if (m_points.empty() || point.output > m_points.back().output)
        m_points.push_back(std::move(point));
}

size_t CompressedIndex::size() const
{
    std::lock_guard lock(m_mutex);
    return m_points.size();
}

CompressedByteSource::CompressedByteSource(int fd, uint64_t size, Compression compression,
                                           std::shared_ptr<CompressedIndex> index)
    : m_file(fd, size), m_size(size), m_compression(compression), m_index(std::move(index)), m_input(kInputSize),
      m_window(kWindowSize)
{
    if (!m_index)
        m_index = std::make_shared<CompressedIndex>();
}

CompressedByteSource::~CompressedByteSource()
{
    if (m_gzip) {
        inflateEnd(m_gzip);
        delete m_gzip;
    }
    if (m_zstd)
        ZSTD_freeDCtx(m_zstd);
}

bool CompressedByteSource::failNow(std::string message)
{
    m_error = std::move(message);
    return false;
}

bool CompressedByteSource::restart(const std::optional<CompressedIndex::Point>& point)
{
    m_started = true;
    m_ended = false;
    m_memberEnded = false;
    m_inputOffset = point ? point->input : 0;
    m_inputLength = m_inputPosition = 0;
    m_windowStart = point ? point->output : 0;
    m_windowSize = 0;
    if (m_compression == Compression::Gzip) {
        if (m_gzip)
            inflateEnd(m_gzip);
        else
            m_gzip = new z_stream{};
        *m_gzip = z_stream{};
        const int rc = point && point->gzip
                           ? inflateCopy(m_gzip, const_cast<z_stream*>(&point->gzip->stream))
                           : inflateInit2(m_gzip, kGzipOrZlibHeader);
        if (rc != Z_OK)
            return failNow("cannot start gzip decompression (zlib error " + std::to_string(rc) + ")");
        return true;
    }
    if (!m_zstd)
        m_zstd = ZSTD_createDCtx();
    if (!m_zstd)
        return failNow("cannot start zstd decompression");
    ZSTD_DCtx_reset(m_zstd, ZSTD_reset_session_only);
    return true;
}

bool CompressedByteSource::refillInput()
{
    if (m_inputPosition < m_inputLength)
        return true;
    const ssize_t got = m_file.readAt(m_inputOffset, m_input.data(), m_input.size());
    if (got < 0)
        return failNow(m_file.errorString());
    m_inputLength = size_t(got);
    m_inputPosition = 0;
    m_inputOffset += uint64_t(got);
    return got > 0;
}

void CompressedByteSource::recordPoint()
{
    const uint64_t output = m_windowStart + m_windowSize;
    if (m_compression != Compression::Gzip || output == 0 || output < m_index->nextWanted())
        return;
    auto state = std::make_shared<CompressedIndex::GzipState>();
    if (inflateCopy(&state->stream, m_gzip) != Z_OK)
        return; // (out of memory: no point here, reading goes on)
    m_index->add({output, fileBytesRead(), std::move(state)});
}

bool CompressedByteSource::decompressMore()
{
    recordPoint();
    m_windowStart += m_windowSize;
    m_windowSize = 0;
    while (m_windowSize < m_window.size() && !m_ended) {
        if (!refillInput()) {
            if (!m_error.empty())
                return false;
            m_ended = true; // the file ends (inside the stream if it was cut short)
            break;
        }
        const uint64_t consumedBefore = fileBytesRead();
        if (m_compression == Compression::Gzip) {
            m_gzip->next_in = m_input.data() + m_inputPosition;
            m_gzip->avail_in = uInt(m_inputLength - m_inputPosition);
            m_gzip->next_out = m_window.data() + m_windowSize;
            m_gzip->avail_out = uInt(m_window.size() - m_windowSize);
            const int rc = inflate(m_gzip, Z_NO_FLUSH);
            m_inputPosition = m_inputLength - m_gzip->avail_in;
            const size_t produced = m_window.size() - m_windowSize - m_gzip->avail_out;
            m_windowSize += produced;
            if (rc == Z_STREAM_END) {
                // Another member may follow (concatenated gzip files read as one).
                inflateReset(m_gzip);
                m_memberEnded = true;
            } else if (rc == Z_DATA_ERROR && m_memberEnded && produced == 0) {
                m_ended = true; // bytes after the last member that are not one: ignored, as gzip does
            } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
                return failNow("the gzip data is damaged near compressed byte " + std::to_string(consumedBefore) +
                               " (" + (m_gzip->msg ? m_gzip->msg : "zlib error " + std::to_string(rc)) + ")");
            } else if (produced > 0) {
                m_memberEnded = false;
            }
        } else {
            ZSTD_inBuffer in{m_input.data(), m_inputLength, m_inputPosition};
            ZSTD_outBuffer out{m_window.data(), m_window.size(), m_windowSize};
            const size_t rc = ZSTD_decompressStream(m_zstd, &out, &in);
            if (ZSTD_isError(rc))
                return failNow("the zstd data is damaged near compressed byte " + std::to_string(consumedBefore) +
                               " (" + ZSTD_getErrorName(rc) + ")");
            m_inputPosition = in.pos;
            m_windowSize = out.pos;
            if (rc == 0) // a frame ended: the next starts afresh
                m_index->add({m_windowStart + m_windowSize, fileBytesRead(), nullptr});
        }
    }
    m_decompressed += m_windowSize;
    return true;
}

std::unique_ptr<ByteSource> openByteSource(int fd, uint64_t size, Compression compression,
                                           std::shared_ptr<CompressedIndex> index)
{
    if (compression == Compression::None)
        return std::make_unique<FileByteSource>(fd, size);
    return std::make_unique<CompressedByteSource>(fd, size, compression, std::move(index));
}

ssize_t CompressedByteSource::readAt(uint64_t offset, void* buffer, size_t size)
{
    m_error.clear();
    size_t done = 0;
    while (done < size) {
        const uint64_t at = offset + done;
        if (m_started && at >= m_windowStart && at < m_windowStart + m_windowSize) {
            const size_t from = size_t(at - m_windowStart);
            const size_t n = std::min(size - done, m_windowSize - from);
            std::memcpy(static_cast<uint8_t*>(buffer) + done, m_window.data() + from, n);
            done += n;
            continue;
        }
        const std::optional<CompressedIndex::Point> point = m_index->pointBefore(at);
        const uint64_t decoded = m_windowStart + m_windowSize;
        if (!m_started || at < m_windowStart || (point && point->output > decoded)) {
            if (!restart(point))
                return -1;
        } else if (m_ended) {
            break; // past the end
        }
        if (!decompressMore())
            return -1;
    }
    return ssize_t(done);
}

} // namespace fi
