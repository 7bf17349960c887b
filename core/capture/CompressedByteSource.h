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

/// Whether a capture's frames will be read again after the load, at random (the details, an
/// export, Follow Stream): only then is a long zstd frame spilled (CompressedIndex), a cost
/// that a single pass through the file (the CLI's stats, index, analyze) does not pay.
enum class FramesReadAgain { Yes, No };

/// Where the decompression of one compressed file can start again other than at its
/// beginning: gzip, the decoder's whole state (with its 32 KiB window) every few MiB of output;
/// zstd, the start of every frame after the first (a frame's state cannot be saved). Shared by
/// every reader of the file, on any thread: the loader records points as it reads the file
/// through, and a frame read again later starts from the nearest point before it.
///
/// A zstd frame longer than kSpacing has no point inside it, so, when frames will be read
/// again, its output past its first kSpacing bytes is spilled as it is first decompressed into
/// an anonymous temporary file (O_TMPFILE in $TMPDIR or /tmp; at the same offsets, so the file
/// is sparse), written by a thread of the index's own from the decoder's buffers; a read there
/// is a pread. When the file cannot be made or written (the disk is full), the spill stops, its
/// file is emptied, spillProblem() says why, and reads decompress from the nearest point as
/// without it. The file goes with the index (when every reader of the capture is gone).
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

    explicit CompressedIndex(FramesReadAgain readAgain = FramesReadAgain::Yes);
    ~CompressedIndex();
    CompressedIndex(const CompressedIndex&) = delete;
    CompressedIndex& operator=(const CompressedIndex&) = delete;

    /// Bytes of a spill buffer.
    static constexpr size_t kSpillBufferSize = size_t(1) << 20;
    /// A zstd decoder's buffer to decompress output from `start` into (kSpillBufferSize bytes)
    /// when that output, of a frame that began at `frameStart`, would extend the spill;
    /// nullptr when it would not or when no buffer is free (decompress into one's own).
    uint8_t* spillBuffer(uint64_t start, uint64_t frameStart);
    /// Spills what of `buffer`'s output [start, end) is past its frame's first kSpacing bytes
    /// and not spilled yet; `buffer` stays the decoder's to read until it gives it back.
    void spill(const uint8_t* buffer, uint64_t start, uint64_t frameStart, uint64_t end);
    /// Gives back a buffer from spillBuffer (once written, it serves again).
    void releaseSpillBuffer(const uint8_t* buffer);
    /// Reads up to `size` spilled bytes at uncompressed `offset`: how many it read, 0 when
    /// those bytes are not spilled.
    size_t readSpilled(uint64_t offset, void* buffer, size_t size);
    /// Bytes in the spill file.
    uint64_t spilledBytes() const;
    /// Why output is not spilled (the file could not be made or written); empty if nothing failed.
    std::string spillProblem() const;

private:
    struct Spill;
    /// Makes the spill's file and thread; false (and the problem) when it cannot.
    bool startSpill();
    void writeSpill();
    /// Stops the spill and frees its file's space, for `problem`.
    void failSpill(std::string problem);

    const bool m_spills; ///< frames will be read again, so long zstd frames spill
    mutable std::mutex m_mutex;
    std::vector<Point> m_points; ///< by output offset
    std::unique_ptr<Spill> m_spill; ///< (under m_mutex)
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
    /// Points m_window at a spill buffer when what comes next is to be spilled, else at m_ownWindow.
    void chooseWindow();
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
    std::unique_ptr<uint8_t[]> m_ownWindow;
    uint8_t* m_window = nullptr;   ///< the latest output: m_ownWindow or a spill buffer
    bool m_spillWindow = false;    ///< m_window is a spill buffer
    uint64_t m_windowStart = 0;    ///< uncompressed offset of m_window[0]
    size_t m_windowSize = 0;       ///< bytes of m_window filled
    bool m_ended = false;          ///< the stream ended (or the file did)
    bool m_started = false;
    bool m_memberEnded = false;    ///< gzip: a member just ended (what follows may be padding)
    uint64_t m_frameStart = 0;     ///< zstd: uncompressed offset where the current frame began
    uint64_t m_decompressed = 0;
};

/// The bytes of file `fd` (not owned) of `size` bytes as the formats read them: plain, or
/// decompressed (with the file's access points in `index`).
std::unique_ptr<ByteSource> openByteSource(int fd, uint64_t size, Compression compression,
                                           std::shared_ptr<CompressedIndex> index);

} // namespace fi
