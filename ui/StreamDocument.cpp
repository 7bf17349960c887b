#include "StreamDocument.h"

#include <QIODevice>

#include <algorithm>
#include <cstring>

using fi::FollowStream;

namespace {

constexpr int kTabWidth = 8;

bool printable(unsigned char c)
{
    return c >= 0x20 && c < 0x7f;
}

char lower(unsigned char c)
{
    return char(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
}

/// Text with tabs expanded to the next multiple of kTabWidth and other control characters
/// as dots.
QString expandTabs(const QString& text)
{
    QString out;
    out.reserve(text.size());
    for (QChar c : text) {
        if (c == QLatin1Char('\t'))
            out += QString(kTabWidth - out.size() % kTabWidth, QLatin1Char(' '));
        else
            out += c.unicode() < 0x20 || c.unicode() == 0x7f ? QLatin1Char('.') : c;
    }
    return out;
}

} // namespace

StreamDocument::StreamDocument(std::shared_ptr<const FollowStream> stream, Format format,
                               Shown shown, const std::atomic<bool>* cancel)
    : m_stream(std::move(stream)), m_format(format), m_shown(shown)
{
    if (!m_stream)
        return;
    for (const FollowStream::Chunk& c : m_stream->chunks()) {
        if ((shown == Shown::Forward && c.direction != 0) || (shown == Shown::Backward && c.direction != 1))
            continue;
        m_chunks.push_back(c);
        (c.missing ? m_missingBytes : m_shownBytes) += c.length;
    }
    for (size_t c = 0; c < m_chunks.size(); ++c) {
        if (cancel && cancel->load(std::memory_order_relaxed)) {
            m_lines.clear();
            return;
        }
        layOut(c);
    }
}

const char* StreamDocument::bytesOf(const FollowStream::Chunk& chunk) const
{
    return m_stream->bytes(chunk.direction).data() + chunk.data;
}

void StreamDocument::layOut(size_t chunk)
{
    const FollowStream::Chunk& c = m_chunks[chunk];
    const uint32_t index = uint32_t(chunk);
    if (c.missing) {
        m_lines.push_back({index, 0, 0});
        return;
    }
    const uint32_t length = uint32_t(c.length);
    if (m_format == Format::Hex) {
        for (uint32_t at = 0; at < length; at += kHexBytesPerLine)
            m_lines.push_back({index, at, std::min(kHexBytesPerLine, length - at)});
        m_maxColumns = std::max(m_maxColumns, 10 + 3 * int(kHexBytesPerLine) + 1 + 1 + int(kHexBytesPerLine));
        return;
    }
    // text: a line ends after its line feed, or after kMaxLineBytes bytes (UTF-8: never inside
    // a character)
    const auto* bytes = reinterpret_cast<const unsigned char*>(bytesOf(c));
    uint32_t at = 0;
    while (at < length) {
        const uint32_t limit = std::min(length, at + kMaxLineBytes);
        const void* feed = std::memchr(bytes + at, '\n', limit - at);
        uint32_t end = feed ? uint32_t(static_cast<const unsigned char*>(feed) - bytes) + 1 : limit;
        if (!feed && m_format == Format::Utf8 && end < length)
            while (end > at + 1 && (bytes[end] & 0xc0) == 0x80)
                --end; // (a continuation byte starts no character)
        m_lines.push_back({index, at, end - at});
        // tabs can widen a line: measured when it has one
        int columns = int(end - at);
        if (std::memchr(bytes + at, '\t', end - at))
            columns = int(text(m_lines.size() - 1).size());
        m_maxColumns = std::max(m_maxColumns, columns);
        at = end;
    }
}

QString StreamDocument::text(size_t line) const
{
    const Line& l = m_lines[line];
    const FollowStream::Chunk& c = m_chunks[l.chunk];
    if (c.missing)
        return QStringLiteral("[%1 bytes missing in capture]").arg(c.length);
    const auto* bytes = reinterpret_cast<const unsigned char*>(bytesOf(c)) + l.offset;
    uint32_t length = l.length;
    switch (m_format) {
    case Format::Hex: {
        static const char digits[] = "0123456789abcdef";
        QString out = QStringLiteral("%1  ").arg(qulonglong(c.offset + l.offset), 8, 16, QLatin1Char('0'));
        for (uint32_t i = 0; i < kHexBytesPerLine; ++i) {
            if (i == kHexBytesPerLine / 2)
                out += QLatin1Char(' ');
            if (i < length) {
                out += QLatin1Char(digits[bytes[i] >> 4]);
                out += QLatin1Char(digits[bytes[i] & 15]);
                out += QLatin1Char(' ');
            } else {
                out += QStringLiteral("   ");
            }
        }
        out += QLatin1Char(' ');
        for (uint32_t i = 0; i < length; ++i)
            out += QLatin1Char(printable(bytes[i]) ? char(bytes[i]) : '.');
        return out;
    }
    case Format::Ascii:
    case Format::Utf8: {
        // the line feed (and a carriage return before it) ends the line and is not shown
        if (length > 0 && bytes[length - 1] == '\n')
            --length;
        if (length > 0 && bytes[length - 1] == '\r')
            --length;
        QString out;
        if (m_format == Format::Utf8) {
            out = QString::fromUtf8(reinterpret_cast<const char*>(bytes), qsizetype(length));
        } else {
            out.reserve(qsizetype(length));
            for (uint32_t i = 0; i < length; ++i)
                out += QLatin1Char(printable(bytes[i]) || bytes[i] == '\t' ? char(bytes[i]) : '.');
        }
        return expandTabs(out);
    }
    }
    return {};
}

uint32_t StreamDocument::frame(size_t line) const
{
    const uint32_t frame = chunkOf(line).frame;
    return frame == UINT32_MAX ? 0 : frame;
}

std::optional<size_t> StreamDocument::lineOfFrame(uint32_t frame) const
{
    for (size_t line = 0; line < m_lines.size(); ++line)
        if (!isGap(line) && chunkOf(line).frame == frame)
            return line;
    return std::nullopt;
}

int StreamDocument::columnOf(size_t line, uint32_t offset) const
{
    if (m_format == Format::Hex)
        return 10 + 3 * int(offset) + (offset >= kHexBytesPerLine / 2 ? 1 : 0);
    if (m_format == Format::Utf8) { // characters before the byte
        const Line& l = m_lines[line];
        return int(QString::fromUtf8(bytesOf(chunkOf(line)) + l.offset, qsizetype(offset)).size());
    }
    return int(offset);
}

std::optional<StreamDocument::Match> StreamDocument::find(const QByteArray& needle, size_t from,
                                                           bool forward) const
{
    if (needle.isEmpty() || m_lines.empty())
        return std::nullopt;
    const QByteArray lowered = needle.toLower();
    auto equal = [](char a, char b) { return lower(static_cast<unsigned char>(a)) == b; };
    // the matches of one chunk, by where they start in it
    auto matchesIn = [&](uint32_t chunk) {
        std::vector<uint32_t> at;
        const FollowStream::Chunk& c = m_chunks[chunk];
        if (c.missing)
            return at;
        const char* begin = bytesOf(c);
        const char* end = begin + c.length;
        for (const char* p = begin;;) {
            p = std::search(p, end, lowered.begin(), lowered.end(), equal);
            if (p == end)
                break;
            at.push_back(uint32_t(p - begin));
            ++p;
        }
        return at;
    };
    auto lineOf = [&](uint32_t chunk, uint32_t offset) {
        const auto it = std::upper_bound(m_lines.begin(), m_lines.end(), std::make_pair(chunk, offset),
                                         [](const std::pair<uint32_t, uint32_t>& key, const Line& l) {
                                             return key.first < l.chunk || (key.first == l.chunk && key.second < l.offset);
                                         });
        return size_t(std::prev(it) - m_lines.begin());
    };
    const size_t n = m_lines.size();
    const size_t start = from < n ? from : (forward ? n - 1 : 0);
    const bool fresh = from >= n; // nothing current: the start line itself counts
    // walk the chunks from the start line's, around the document, back to it
    const uint32_t chunks = uint32_t(m_chunks.size());
    const uint32_t first = m_lines[start].chunk;
    for (uint32_t step = 0; step <= chunks; ++step) {
        const uint32_t chunk = forward ? (first + step) % chunks : (first + chunks - step % chunks) % chunks;
        std::vector<uint32_t> at = matchesIn(chunk);
        if (!forward)
            std::reverse(at.begin(), at.end());
        for (uint32_t offset : at) {
            const size_t line = lineOf(chunk, offset);
            const bool after = forward ? (line > start || (fresh && line == start)) : (line < start || (fresh && line == start));
            // the start line's chunk is searched first for what follows the start line, and
            // last, after wrapping around, for the rest
            const bool accept = step == 0 ? after : step == chunks ? !after : true;
            if (accept)
                return Match{line, offset - m_lines[line].offset, uint32_t(needle.size())};
        }
    }
    return std::nullopt;
}

bool StreamDocument::writeBytes(QIODevice& device) const
{
    for (const FollowStream::Chunk& c : m_chunks)
        if (!c.missing && device.write(bytesOf(c), qint64(c.length)) != qint64(c.length))
            return false;
    return true;
}
