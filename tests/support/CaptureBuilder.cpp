#include "CaptureBuilder.h"

#include <QFile>

#include <stdexcept>

namespace fi::test {

namespace {

struct Writer
{
    bool big;
    Bytes out;

    void u16(uint16_t v)
    {
        if (big)
            out.insert(out.end(), {uint8_t(v >> 8), uint8_t(v)});
        else
            out.insert(out.end(), {uint8_t(v), uint8_t(v >> 8)});
    }
    void u32(uint32_t v)
    {
        if (big) {
            u16(uint16_t(v >> 16));
            u16(uint16_t(v));
        } else {
            u16(uint16_t(v));
            u16(uint16_t(v >> 16));
        }
    }
    void bytes(const Bytes& b) { out.insert(out.end(), b.begin(), b.end()); }
    void pad4()
    {
        while (out.size() % 4)
            out.push_back(0);
    }
};

} // namespace

Bytes pcapFile(const CaptureSpec& spec)
{
    Writer w{spec.bigEndian, {}};
    w.u32(spec.kuznetzov ? 0xA1B2CD34 : spec.nanosecond ? 0xA1B23C4D : 0xA1B2C3D4);
    w.u16(2);
    w.u16(spec.versionMinor);
    w.u32(0);
    w.u32(0);
    w.u32(spec.snapLength);
    w.u32(uint32_t(spec.linkType));
    for (const TestFrame& f : spec.frames) {
        w.u32(uint32_t(f.seconds));
        w.u32(f.fraction);
        const uint32_t captured = uint32_t(f.bytes.size());
        const uint32_t original = f.originalLength ? f.originalLength : captured;
        w.u32(spec.versionMinor <= 3 ? original : captured);
        w.u32(spec.versionMinor <= 3 ? captured : original);
        if (spec.kuznetzov) {
            w.u32(0); // interface index
            w.u16(0); // protocol
            w.u16(0); // packet type, padding
        }
        w.bytes(f.bytes);
    }
    return w.out;
}

Bytes pcapngFile(const CaptureSpec& spec)
{
    Writer w{spec.bigEndian, {}};
    // Section Header Block
    w.u32(0x0A0D0D0A);
    w.u32(28);
    w.u32(0x1A2B3C4D);
    w.u16(1);
    w.u16(0);
    w.u32(0xFFFFFFFF);
    w.u32(0xFFFFFFFF);
    w.u32(28);
    // Interface Description Block, with if_tsresol 9 for nanoseconds
    const bool nano = spec.nanosecond;
    w.u32(1);
    w.u32(nano ? 32 : 20);
    w.u16(uint16_t(spec.linkType));
    w.u16(0);
    w.u32(spec.snapLength);
    if (nano) {
        w.u16(9); // if_tsresol
        w.u16(1);
        w.out.insert(w.out.end(), {9, 0, 0, 0});
        w.u16(0); // opt_endofopt
        w.u16(0);
    }
    w.u32(nano ? 32 : 20);
    // Enhanced Packet Blocks, each with an opt_comment so that the data is not at the end
    const uint64_t unitsPerSecond = nano ? 1'000'000'000ull : 1'000'000ull;
    for (const TestFrame& f : spec.frames) {
        const uint32_t padded = uint32_t((f.bytes.size() + 3) & ~size_t(3));
        const uint32_t total = 32 + padded + 8 + 4;
        w.u32(6);
        w.u32(total);
        w.u32(0);
        const uint64_t ts = uint64_t(f.seconds) * unitsPerSecond + f.fraction;
        w.u32(uint32_t(ts >> 32));
        w.u32(uint32_t(ts));
        w.u32(uint32_t(f.bytes.size()));
        w.u32(f.originalLength ? f.originalLength : uint32_t(f.bytes.size()));
        w.bytes(f.bytes);
        w.pad4();
        w.u16(1); // opt_comment "test"
        w.u16(4);
        w.out.insert(w.out.end(), {'t', 'e', 's', 't'});
        w.u16(0); // opt_endofopt
        w.u16(0);
        w.u32(total);
    }
    return w.out;
}

void PcapNgBuilder::put16(Bytes& to, uint16_t v) const
{
    if (m_big)
        to.insert(to.end(), {uint8_t(v >> 8), uint8_t(v)});
    else
        to.insert(to.end(), {uint8_t(v), uint8_t(v >> 8)});
}

void PcapNgBuilder::put32(Bytes& to, uint32_t v) const
{
    put16(to, uint16_t(m_big ? v >> 16 : v));
    put16(to, uint16_t(m_big ? v : v >> 16));
}

void PcapNgBuilder::block(uint32_t type, const Bytes& body)
{
    Bytes padded = body;
    while (padded.size() % 4)
        padded.push_back(0);
    const uint32_t total = uint32_t(12 + padded.size());
    put32(m_out, type);
    put32(m_out, total);
    m_out.insert(m_out.end(), padded.begin(), padded.end());
    put32(m_out, total);
}

PcapNgBuilder& PcapNgBuilder::section(bool bigEndian)
{
    m_big = bigEndian;
    Bytes body;
    put32(body, 0x1A2B3C4D);
    put16(body, 1);
    put16(body, 0);
    put32(body, 0xFFFFFFFF); // section length: not given
    put32(body, 0xFFFFFFFF);
    block(0x0A0D0D0A, body);
    return *this;
}

PcapNgBuilder& PcapNgBuilder::interface(int linkType, uint32_t snapLength, uint8_t tsresol, int64_t tsoffset,
                                        const std::string& name)
{
    Bytes body;
    put16(body, uint16_t(linkType));
    put16(body, 0);
    put32(body, snapLength);
    auto option = [&](uint16_t code, const Bytes& value) {
        put16(body, code);
        put16(body, uint16_t(value.size()));
        body.insert(body.end(), value.begin(), value.end());
        while (body.size() % 4)
            body.push_back(0);
    };
    if (!name.empty())
        option(2, Bytes(name.begin(), name.end()));
    if (tsresol != 6)
        option(9, {tsresol});
    if (tsoffset != 0) {
        Bytes value;
        const uint64_t v = uint64_t(tsoffset);
        put32(value, uint32_t(m_big ? v >> 32 : v));
        put32(value, uint32_t(m_big ? v : v >> 32));
        option(14, value);
    }
    if (body.size() > 8)
        option(0, {});
    block(1, body);
    return *this;
}

PcapNgBuilder& PcapNgBuilder::enhanced(uint32_t interfaceId, uint64_t units, const Bytes& bytes,
                                       uint32_t originalLength)
{
    Bytes body;
    put32(body, interfaceId);
    put32(body, uint32_t(units >> 32));
    put32(body, uint32_t(units));
    put32(body, uint32_t(bytes.size()));
    put32(body, originalLength ? originalLength : uint32_t(bytes.size()));
    body.insert(body.end(), bytes.begin(), bytes.end());
    block(6, body);
    return *this;
}

PcapNgBuilder& PcapNgBuilder::simple(const Bytes& bytes, uint32_t originalLength)
{
    Bytes body;
    put32(body, originalLength ? originalLength : uint32_t(bytes.size()));
    body.insert(body.end(), bytes.begin(), bytes.end());
    block(3, body);
    return *this;
}

PcapNgBuilder& PcapNgBuilder::obsolete(uint16_t interfaceId, uint64_t units, const Bytes& bytes)
{
    Bytes body;
    put16(body, interfaceId);
    put16(body, 0); // drops
    put32(body, uint32_t(units >> 32));
    put32(body, uint32_t(units));
    put32(body, uint32_t(bytes.size()));
    put32(body, uint32_t(bytes.size()));
    body.insert(body.end(), bytes.begin(), bytes.end());
    block(2, body);
    return *this;
}

PcapNgBuilder& PcapNgBuilder::other(uint32_t type, const Bytes& body)
{
    block(type, body);
    return *this;
}

void writeFile(const QString& path, const Bytes& bytes)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) ||
        file.write(reinterpret_cast<const char*>(bytes.data()), qint64(bytes.size())) !=
            qint64(bytes.size()))
        throw std::runtime_error("cannot write " + path.toStdString());
}

} // namespace fi::test
