#include "CompressedByteSource.h"

#include <zlib.h>
#include <zstd.h>

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <thread>

namespace fi {

namespace {

constexpr size_t kInputSize = size_t(256) << 10;
constexpr size_t kWindowSize = CompressedIndex::kSpillBufferSize; // (a decoder's window may be a spill buffer)
constexpr size_t kSpillBuffers = 6; // a decoder's window, the rest for the writer to lag behind
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

namespace {

/// An anonymous file in $TMPDIR (or /tmp): O_TMPFILE, never named; where the file system has
/// no O_TMPFILE, a named one removed at once. -1 (and `problem`) when neither can be made.
int openAnonymousFile(std::string& problem)
{
    const char* tmpdir = std::getenv("TMPDIR");
    const std::string dir = tmpdir && *tmpdir ? tmpdir : "/tmp";
    int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0)
        return fd;
    std::string path = dir + "/flowinspector-spill-XXXXXX";
    fd = ::mkostemp(path.data(), O_CLOEXEC);
    if (fd >= 0) {
        ::unlink(path.c_str());
        return fd;
    }
    problem = "cannot make a temporary file in " + dir + ": " + std::strerror(errno);
    return -1;
}

/// Writes all `size` bytes at `offset`; an empty string, or why not.
std::string writeAll(int fd, const uint8_t* data, size_t size, uint64_t offset)
{
    while (size > 0) {
        const ssize_t n = ::pwrite(fd, data, size, off_t(offset));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return std::string("cannot write the temporary file: ") + (n < 0 ? std::strerror(errno) : "nothing written");
        data += n;
        size -= size_t(n);
        offset += uint64_t(n);
    }
    return {};
}

} // namespace

struct CompressedIndex::Spill
{
    struct Buffer
    {
        std::unique_ptr<uint8_t[]> data;
        bool held = false;         ///< a decoder's window
        bool pending = false;      ///< queued for the file, or being written
        uint64_t offset = 0;       ///< of the pending bytes: uncompressed offset
        size_t from = 0, size = 0; ///< the pending bytes in data
    };

    int fd = -1;
    std::thread writer;
    std::condition_variable work;    ///< to the writer: a buffer is queued, or stop
    std::condition_variable written; ///< to decoders: a buffer is written or given back
    bool stop = false;
    bool failed = false;
    std::string problem;
    uint64_t sizeLimit = std::numeric_limits<uint64_t>::max(); ///< RLIMIT_FSIZE (past it a write kills)
    std::array<Buffer, kSpillBuffers> buffers;
    std::vector<size_t> queue;                         ///< pending buffers, oldest (lowest offset) first
    std::vector<std::pair<uint64_t, uint64_t>> ranges; ///< written [begin, end), by offset
    uint64_t frontier = 0; ///< end of the output written or queued
    uint64_t bytes = 0;    ///< written
    int readers = 0;       ///< preads under way: the file is emptied only when none is
    bool emptyWhenIdle = false;

    Buffer* find(const uint8_t* data)
    {
        for (Buffer& b : buffers)
            if (b.data.get() == data)
                return &b;
        return nullptr;
    }
};

CompressedIndex::CompressedIndex(FramesReadAgain readAgain) : m_spills(readAgain == FramesReadAgain::Yes) {}

CompressedIndex::~CompressedIndex()
{
    if (!m_spill)
        return;
    {
        std::lock_guard lock(m_mutex);
        m_spill->stop = true; // (what is still queued is not needed any more)
    }
    m_spill->work.notify_one();
    if (m_spill->writer.joinable())
        m_spill->writer.join();
    if (m_spill->fd >= 0)
        ::close(m_spill->fd);
}

bool CompressedIndex::startSpill()
{
    Spill& s = *m_spill;
    std::string problem;
    s.fd = openAnonymousFile(problem);
    if (s.fd < 0) {
        failSpill(std::move(problem));
        return false;
    }
    rlimit limit{};
    if (::getrlimit(RLIMIT_FSIZE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY)
        s.sizeLimit = uint64_t(limit.rlim_cur);
    try {
        for (Spill::Buffer& b : s.buffers)
            b.data = std::make_unique_for_overwrite<uint8_t[]>(kSpillBufferSize);
        s.queue.reserve(kSpillBuffers);
        s.writer = std::thread(&CompressedIndex::writeSpill, this);
    } catch (const std::exception& e) {
        failSpill(std::string("cannot start spilling: ") + e.what());
        return false;
    }
    return true;
}

void CompressedIndex::failSpill(std::string problem)
{
    Spill& s = *m_spill;
    s.failed = true;
    s.problem = std::move(problem);
    s.ranges.clear();
    s.bytes = 0;
    for (size_t i : s.queue)
        s.buffers[i].pending = false;
    s.queue.clear();
    s.written.notify_all();
    if (s.fd >= 0 && s.readers == 0)
        (void)::ftruncate(s.fd, 0); // give the space back (the disk may be full)
    else
        s.emptyWhenIdle = s.fd >= 0;
}

void CompressedIndex::writeSpill()
{
    std::unique_lock lock(m_mutex);
    Spill& s = *m_spill;
    for (;;) {
        s.work.wait(lock, [&] { return s.stop || !s.queue.empty(); });
        if (s.stop)
            return;
        const size_t index = s.queue.front();
        Spill::Buffer& b = s.buffers[index];
        const uint64_t offset = b.offset;
        const size_t size = b.size;
        const uint8_t* data = b.data.get() + b.from;
        lock.unlock();
        const std::string problem = offset + size > s.sizeLimit
                                        ? "the temporary file would pass the file size limit (ulimit -f)"
                                        : writeAll(s.fd, data, size, offset);
        lock.lock();
        if (s.failed || s.queue.empty() || s.queue.front() != index)
            continue; // (failed meanwhile: the queue is gone)
        s.queue.erase(s.queue.begin());
        b.pending = false;
        if (!problem.empty()) {
            failSpill(problem);
            continue;
        }
        if (!s.ranges.empty() && s.ranges.back().second == offset)
            s.ranges.back().second += size;
        else
            s.ranges.emplace_back(offset, offset + size);
        s.bytes += size;
        s.written.notify_all();
    }
}

uint8_t* CompressedIndex::spillBuffer(uint64_t start, uint64_t frameStart)
{
    const uint64_t end = start + kSpillBufferSize;
    if (!m_spills || end <= frameStart + kSpacing)
        return nullptr; // the frame's first bytes: decompressed again from its start
    std::unique_lock lock(m_mutex);
    if (!m_spill) {
        m_spill = std::make_unique<Spill>();
        if (!startSpill())
            return nullptr;
    }
    Spill& s = *m_spill;
    for (;;) {
        if (s.failed || end <= s.frontier)
            return nullptr;
        bool coming = false; // a buffer being written will be free
        for (Spill::Buffer& b : s.buffers) {
            if (!b.held && !b.pending) {
                b.held = true;
                return b.data.get();
            }
            coming = coming || !b.held;
        }
        if (!coming)
            return nullptr; // every buffer is some decoder's window
        s.written.wait(lock);
    }
}

void CompressedIndex::spill(const uint8_t* buffer, uint64_t start, uint64_t frameStart, uint64_t end)
{
    std::lock_guard lock(m_mutex);
    Spill& s = *m_spill;
    Spill::Buffer* b = s.find(buffer);
    const uint64_t from = std::max({start, frameStart + kSpacing, s.frontier});
    if (s.failed || !b || b->pending || from >= end)
        return;
    b->pending = true;
    b->offset = from;
    b->from = size_t(from - start);
    b->size = size_t(end - from);
    s.frontier = end;
    s.queue.push_back(size_t(b - s.buffers.data()));
    s.work.notify_one();
}

void CompressedIndex::releaseSpillBuffer(const uint8_t* buffer)
{
    std::lock_guard lock(m_mutex);
    if (Spill::Buffer* b = m_spill->find(buffer)) {
        b->held = false;
        m_spill->written.notify_all();
    }
}

size_t CompressedIndex::readSpilled(uint64_t offset, void* buffer, size_t size)
{
    std::unique_lock lock(m_mutex);
    if (!m_spill || m_spill->failed)
        return 0;
    Spill& s = *m_spill;
    for (const Spill::Buffer& b : s.buffers) { // not written yet: from the buffer
        if (b.pending && offset >= b.offset && offset < b.offset + b.size) {
            const size_t n = std::min(size, size_t(b.offset + b.size - offset));
            std::memcpy(buffer, b.data.get() + b.from + (offset - b.offset), n);
            return n;
        }
    }
    auto it = std::upper_bound(s.ranges.begin(), s.ranges.end(), offset,
                               [](uint64_t o, const std::pair<uint64_t, uint64_t>& r) { return o < r.first; });
    if (it == s.ranges.begin() || offset >= std::prev(it)->second)
        return 0;
    const size_t n = std::min(size, size_t(std::prev(it)->second - offset));
    ++s.readers;
    lock.unlock();
    FileByteSource file(s.fd, offset + n);
    const ssize_t got = file.readAt(offset, buffer, n); // (short if the spill failed meanwhile)
    lock.lock();
    if (--s.readers == 0 && s.emptyWhenIdle) {
        (void)::ftruncate(s.fd, 0);
        s.emptyWhenIdle = false;
    }
    return got > 0 && !s.failed ? size_t(got) : 0;
}

uint64_t CompressedIndex::spilledBytes() const
{
    std::lock_guard lock(m_mutex);
    return m_spill ? m_spill->bytes : 0;
}

std::string CompressedIndex::spillProblem() const
{
    std::lock_guard lock(m_mutex);
    return m_spill ? m_spill->problem : std::string();
}

CompressedByteSource::CompressedByteSource(int fd, uint64_t size, Compression compression,
                                           std::shared_ptr<CompressedIndex> index)
    : m_file(fd, size), m_size(size), m_compression(compression), m_index(std::move(index)), m_input(kInputSize)
{
    if (!m_index)
        m_index = std::make_shared<CompressedIndex>();
}

CompressedByteSource::~CompressedByteSource()
{
    if (m_spillWindow)
        m_index->releaseSpillBuffer(m_window);
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
    m_frameStart = m_windowStart; // (zstd's points are frame starts)
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

void CompressedByteSource::chooseWindow()
{
    if (m_spillWindow)
        m_index->releaseSpillBuffer(m_window);
    m_spillWindow = false;
    if (m_compression == Compression::Zstd) {
        if (uint8_t* buffer = m_index->spillBuffer(m_windowStart, m_frameStart)) {
            m_window = buffer;
            m_spillWindow = true;
            return;
        }
    }
    if (!m_ownWindow)
        m_ownWindow = std::make_unique_for_overwrite<uint8_t[]>(kWindowSize);
    m_window = m_ownWindow.get();
}

bool CompressedByteSource::decompressMore()
{
    recordPoint();
    m_windowStart += m_windowSize;
    m_windowSize = 0;
    chooseWindow();
    const uint64_t frameStart = m_frameStart; // of the frame the window starts in
    uint64_t frameEnd = 0;                    // where that frame ends in the window (0: it does not)
    while (m_windowSize < kWindowSize && !m_ended) {
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
            m_gzip->next_out = m_window + m_windowSize;
            m_gzip->avail_out = uInt(kWindowSize - m_windowSize);
            const int rc = inflate(m_gzip, Z_NO_FLUSH);
            m_inputPosition = m_inputLength - m_gzip->avail_in;
            const size_t produced = kWindowSize - m_windowSize - m_gzip->avail_out;
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
            ZSTD_outBuffer out{m_window, kWindowSize, m_windowSize};
            const size_t rc = ZSTD_decompressStream(m_zstd, &out, &in);
            if (ZSTD_isError(rc))
                return failNow("the zstd data is damaged near compressed byte " + std::to_string(consumedBefore) +
                               " (" + ZSTD_getErrorName(rc) + ")");
            m_inputPosition = in.pos;
            m_windowSize = out.pos;
            if (rc == 0) { // a frame ended: the next starts afresh
                m_frameStart = m_windowStart + m_windowSize;
                frameEnd = frameEnd ? frameEnd : m_frameStart;
                m_index->add({m_frameStart, fileBytesRead(), nullptr});
            }
        }
    }
    m_decompressed += m_windowSize;
    if (m_spillWindow) // (later frames in the window begin with their first kSpacing bytes)
        m_index->spill(m_window, m_windowStart, frameStart, frameEnd ? frameEnd : m_windowStart + m_windowSize);
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
            std::memcpy(static_cast<uint8_t*>(buffer) + done, m_window + from, n);
            done += n;
            continue;
        }
        if (const size_t n = m_index->readSpilled(at, static_cast<uint8_t*>(buffer) + done, size - done)) {
            done += n; // (the decoder stays where it is)
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
