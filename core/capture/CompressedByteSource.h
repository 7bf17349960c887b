#pragma once

#include "ByteSource.h"

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

struct z_stream_s;
struct ZSTD_DCtx_s;

namespace fi {

enum class Compression { None, Gzip, Zstd };

/// The compression of a file whose first bytes are `magic` (gzip 1f 8b, zstd 28 b5 2f fd),
/// or None.
Compression compressionOf(const uint8_t* magic, size_t size);
const char* compressionName(Compression compression);

/// Where the decompression of one compressed file can start again other than at its
/// beginning: gzip, the decoder's whole state (with its 32 KiB window) every few MiB of output;
/// zstd, the start of every frame after the first (a frame's state cannot be saved). Shared by
/// every reader of the file, on any thread: the loader records points as it reads the file
/// through, and a frame read again later starts from the nearest point before it.
class CompressedIndex
{
public:
    /// Output bytes between two gzip points.
    static constexpr uint64_t kSpacing = uint64_t(4) << 20;

    struct GzipState;
    struct Point
    {
        uint64_t output = 0; ///< uncompressed offset
        uint64_t input = 0;  ///< compressed offset of the next byte to decode
        std::shared_ptr<const GzipState> gzip; ///< gzip: the decoder there; zstd: none
    };

    /// The last point at or before uncompressed `offset`; nullopt: start at the beginning.
    std::optional<Point> pointBefore(uint64_t offset) const;
    /// Uncompressed offset after which a new point is wanted.
    uint64_t nextWanted() const;
    /// Records a point (ignored unless it lies past the last one).
    void add(Point point);
    size_t size() const;

private:
    mutable std::mutex m_mutex;
    std::vector<Point> m_points; ///< by output offset
};

/// The uncompressed contents of a gzip (one or more members) or zstd (one or more frames) file,
/// readable at any offset: forward reads decompress on, a read behind restarts at the nearest
/// point of the file's CompressedIndex (which it adds to as it goes). A damaged stream is an
/// error; a file cut short reads as a shorter file.
class CompressedByteSource final : public ByteSource
{
public:
    /// Reads through `fd` (not owned), a file of `size` bytes compressed as `compression`.
    CompressedByteSource(int fd, uint64_t size, Compression compression, std::shared_ptr<CompressedIndex> index);
    ~CompressedByteSource() override;
    CompressedByteSource(const CompressedByteSource&) = delete;
    CompressedByteSource& operator=(const CompressedByteSource&) = delete;

    ssize_t readAt(uint64_t offset, void* buffer, size_t size) override;
    uint64_t fileBytesRead() const override { return m_inputOffset - (m_inputLength - m_inputPosition); }
    uint64_t fileSize() const override { return m_size; }
    /// Bytes decompressed so far, all reads together (what a read cost).
    uint64_t decompressedBytes() const { return m_decompressed; }

private:
    /// Sets the decoder to start at `point` (or at the file's beginning).
    bool restart(const std::optional<CompressedIndex::Point>& point);
    /// Decompresses the next piece into m_window; false at the end (m_ended) or on an error.
    bool decompressMore();
    bool refillInput();
    void recordPoint();
    bool failNow(std::string message);

    FileByteSource m_file; ///< the compressed bytes
    uint64_t m_size;
    Compression m_compression;
    std::shared_ptr<CompressedIndex> m_index;
    z_stream_s* m_gzip = nullptr;
    ZSTD_DCtx_s* m_zstd = nullptr;

    std::vector<uint8_t> m_input;
    uint64_t m_inputOffset = 0;   ///< compressed offset after the bytes in m_input
    size_t m_inputLength = 0;     ///< bytes of m_input filled
    size_t m_inputPosition = 0;   ///< of the next byte to decode in m_input
    std::vector<uint8_t> m_window; ///< the latest output
    uint64_t m_windowStart = 0;    ///< uncompressed offset of m_window[0]
    size_t m_windowSize = 0;       ///< bytes of m_window filled
    bool m_ended = false;          ///< the stream ended (or the file did)
    bool m_started = false;
    bool m_memberEnded = false;    ///< gzip: a member just ended (what follows may be padding)
    uint64_t m_decompressed = 0;
};

/// The bytes of file `fd` (not owned) of `size` bytes as the formats read them: plain, or
/// decompressed (with the file's access points in `index`).
std::unique_ptr<ByteSource> openByteSource(int fd, uint64_t size, Compression compression,
                                           std::shared_ptr<CompressedIndex> index);

} // namespace fi
