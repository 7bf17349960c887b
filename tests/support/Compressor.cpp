#include "Compressor.h"

#include "CaptureBuilder.h"

#include <QFile>

#include <zlib.h>
#include <zstd.h>

#include <stdexcept>

namespace fi::test {

namespace {

Bytes gzipMember(const uint8_t* data, size_t size)
{
    z_stream z{};
    if (deflateInit2(&z, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) // 15 + 16: gzip
        throw std::runtime_error("deflateInit2");
    Bytes out(deflateBound(&z, uLong(size)) + 64);
    z.next_in = const_cast<uint8_t*>(data);
    z.avail_in = uInt(size);
    z.next_out = out.data();
    z.avail_out = uInt(out.size());
    const int rc = deflate(&z, Z_FINISH);
    out.resize(out.size() - z.avail_out);
    deflateEnd(&z);
    if (rc != Z_STREAM_END)
        throw std::runtime_error("deflate");
    return out;
}

Bytes zstdFrame(const uint8_t* data, size_t size)
{
    Bytes out(ZSTD_compressBound(size));
    const size_t n = ZSTD_compress(out.data(), out.size(), data, size, 1);
    if (ZSTD_isError(n))
        throw std::runtime_error("ZSTD_compress");
    out.resize(n);
    return out;
}

} // namespace

Bytes compressed(const Bytes& bytes, Packing packing, int pieces)
{
    Bytes out;
    const size_t piece = (bytes.size() + size_t(pieces) - 1) / size_t(pieces);
    for (size_t from = 0; from < bytes.size() || (from == 0 && bytes.empty()); from += piece) {
        const size_t n = std::min(piece, bytes.size() - from);
        const Bytes part = packing == Packing::Gzip ? gzipMember(bytes.data() + from, n) : zstdFrame(bytes.data() + from, n);
        out.insert(out.end(), part.begin(), part.end());
        if (bytes.empty())
            break;
    }
    return out;
}

bool compressFile(const QString& from, const QString& to, Packing packing)
{
    QFile in(from);
    if (!in.open(QIODevice::ReadOnly))
        return false;
    const QByteArray data = in.readAll();
    try {
        writeFile(to, compressed(Bytes(data.begin(), data.end()), packing));
    } catch (const std::exception&) {
        return false;
    }
    return true;
}

} // namespace fi::test
