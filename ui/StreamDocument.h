#pragma once

#include "FollowStream.h"

#include <QByteArray>
#include <QString>

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

class QIODevice;

/// What the Follow Stream view shows of a followed connection (FollowStream): its chunks, in
/// the order sent, for both directions or one, laid out as lines of text (ASCII or UTF-8: a
/// line ends at a line feed or after kMaxLineBytes bytes) or of a hex dump (16 bytes a line,
/// offsets within the direction's stream). A gap is a line of its own saying how many bytes
/// were never captured. Each line lies within one chunk, so it knows its direction and the
/// frame that carried it. Built once off the GUI thread; a line's text is made when it is
/// painted.
class StreamDocument
{
public:
    enum class Format
    {
        Ascii, ///< printable ASCII, other bytes as dots (as Wireshark's ASCII)
        Hex,   ///< hex dump: offset, 16 bytes, their ASCII
        Utf8,  ///< the bytes as UTF-8 text
    };
    /// Which directions: both, or only 0 (the flow followed) or 1 (its other direction).
    enum class Shown
    {
        Both,
        Forward,
        Backward,
    };
    static constexpr uint32_t kMaxLineBytes = 256;
    static constexpr uint32_t kHexBytesPerLine = 16;

    /// A run of a chunk's bytes (or the gap chunk's one line).
    struct Line
    {
        uint32_t chunk = 0;
        uint32_t offset = 0; ///< in the chunk's bytes
        uint32_t length = 0;
    };
    /// Where a find found its text: a line, and the bytes of it within that line's run.
    struct Match
    {
        size_t line = 0;
        uint32_t offset = 0; ///< from the line's first byte
        uint32_t length = 0;
    };

    StreamDocument() = default;
    /// Lays `stream` out; stops early, empty, when `cancel` becomes true.
    StreamDocument(std::shared_ptr<const fi::FollowStream> stream, Format format, Shown shown,
                   const std::atomic<bool>* cancel = nullptr);

    Format format() const { return m_format; }
    Shown shown() const { return m_shown; }
    const std::shared_ptr<const fi::FollowStream>& stream() const { return m_stream; }

    size_t lineCount() const { return m_lines.size(); }
    /// The line's text as shown (tabs expanded; a gap: "[N bytes missing in capture]").
    QString text(size_t line) const;
    int direction(size_t line) const { return chunkOf(line).direction; }
    bool isGap(size_t line) const { return chunkOf(line).missing; }
    /// The frame that carried the line's bytes (a gap: the frame after it, or 0 at the end).
    uint32_t frame(size_t line) const;
    /// The first line of bytes frame `frame` carried; nullopt when none is shown.
    std::optional<size_t> lineOfFrame(uint32_t frame) const;
    /// The longest line's text length, in characters.
    int maxColumns() const { return m_maxColumns; }
    /// Column of byte `offset` of the line's run in its text.
    int columnOf(size_t line, uint32_t offset) const;

    /// Finds `needle` in the shown bytes, ignoring ASCII case: the first match that starts
    /// after line `from` (forward) or before it, wrapping around; with `from` past the end,
    /// from the start (or the end). A match lies within one chunk.
    std::optional<Match> find(const QByteArray& needle, size_t from, bool forward) const;

    /// Bytes shown (gaps left out) and bytes missing, over the directions shown.
    uint64_t shownBytes() const { return m_shownBytes; }
    uint64_t missingBytes() const { return m_missingBytes; }
    /// Writes the bytes shown, in order, gaps left out: the stream as it was sent.
    bool writeBytes(QIODevice& device) const;

private:
    const fi::FollowStream::Chunk& chunkOf(size_t line) const { return m_chunks[m_lines[line].chunk]; }
    const char* bytesOf(const fi::FollowStream::Chunk& chunk) const;
    /// Adds the lines of chunk `chunk`.
    void layOut(size_t chunk);

    std::shared_ptr<const fi::FollowStream> m_stream;
    Format m_format = Format::Ascii;
    Shown m_shown = Shown::Both;
    std::vector<fi::FollowStream::Chunk> m_chunks; ///< of the directions shown, in order
    std::vector<Line> m_lines;
    int m_maxColumns = 0;
    uint64_t m_shownBytes = 0;
    uint64_t m_missingBytes = 0;
};
