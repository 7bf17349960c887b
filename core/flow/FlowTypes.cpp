#include "FlowTypes.h"

#include <algorithm>
#include <charconv>
#include <cstring>

namespace fi {

namespace {
inline uint64_t mix(uint64_t h, uint64_t v)
{
    h ^= v + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
    return h * 0xBF58476D1CE4E5B9ull;
}
inline uint64_t load64(const uint8_t* p)
{
    uint64_t v;
    std::memcpy(&v, p, 8);
    return v;
}
} // namespace

uint64_t BufferID::hash() const
{
    uint64_t h = mix(uint64_t(src.family), uint64_t(srcport) << 16 | dstport);
    h = mix(h, load64(src.bytes.data()));
    h = mix(h, load64(src.bytes.data() + 8));
    h = mix(h, load64(dst.bytes.data()));
    h = mix(h, load64(dst.bytes.data() + 8));
    return h ^ (h >> 31);
}

BufferID BufferID::connectionKey() const
{
    // the source's (family, address bytes, port) against the destination's, in that order
    int order = int(src.family) - int(dst.family);
    if (order == 0)
        order = std::memcmp(src.bytes.data(), dst.bytes.data(), src.bytes.size());
    if (order == 0)
        order = int(srcport) - int(dstport);
    return order <= 0 ? *this : mirrored();
}

LabelText::LabelText(const BufferID& id, const Timestamp& first)
{
    char* o = m_text;
    auto endpoint = [&o](const IpAddress& address, uint16_t port) {
        o += address.writeText(o);
        *o++ = '_';
        o = std::to_chars(o, o + 5, port).ptr;
    };
    endpoint(id.src, id.srcport);
    *o++ = '-';
    endpoint(id.dst, id.dstport);
    if (id.src.isV6()) // pcapkit's labels have no ':' (they are file names)
        std::replace(m_text, o, ':', '.');
    *o++ = '-';
    o += first.writeLabelText(o);
    m_size = uint8_t(o - m_text);
}

std::string makeLabel(const BufferID& id, const Timestamp& first)
{
    return LabelText(id, first).str();
}

} // namespace fi
