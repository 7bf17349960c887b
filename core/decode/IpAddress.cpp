#include "IpAddress.h"

namespace fi {

namespace {

char* writeDecimal(char* out, unsigned value)
{
    if (value >= 100)
        *out++ = char('0' + value / 100);
    if (value >= 10)
        *out++ = char('0' + value / 10 % 10);
    *out++ = char('0' + value % 10);
    return out;
}

char* writeDottedQuad(char* out, const uint8_t* p)
{
    for (int i = 0; i < 4; ++i) {
        if (i > 0)
            *out++ = '.';
        out = writeDecimal(out, p[i]);
    }
    return out;
}

char* writeHexGroup(char* out, unsigned group)
{
    static constexpr char kDigits[] = "0123456789abcdef";
    bool started = false;
    for (int shift = 12; shift >= 0; shift -= 4) {
        const unsigned digit = (group >> shift) & 0xf;
        started = started || digit != 0 || shift == 0;
        if (started)
            *out++ = kDigits[digit];
    }
    return out;
}

} // namespace

std::string IpAddress::toString() const
{
    char text[kMaxTextLength];
    return std::string(text, writeText(text));
}

size_t IpAddress::writeText(char* const out) const
{
    if (family == Family::V4)
        return size_t(writeDottedQuad(out, bytes.data()) - out);
    if (family != Family::V6)
        return 0;

    uint16_t groups[8];
    for (int i = 0; i < 8; ++i)
        groups[i] = uint16_t(bytes[2 * i] << 8 | bytes[2 * i + 1]);

    // IPv4-mapped ::ffff:a.b.c.d
    bool mapped = groups[5] == 0xffff;
    for (int i = 0; i < 5; ++i)
        mapped = mapped && groups[i] == 0;
    if (mapped) {
        static constexpr char kPrefix[] = "::ffff:";
        std::memcpy(out, kPrefix, sizeof kPrefix - 1);
        return size_t(writeDottedQuad(out + sizeof kPrefix - 1, bytes.data() + 12) - out);
    }

    // RFC 5952: the longest run (first if tied) of two or more zero groups becomes "::".
    int bestStart = -1, bestLen = 0;
    for (int i = 0; i < 8;) {
        if (groups[i] != 0) {
            ++i;
            continue;
        }
        int j = i;
        while (j < 8 && groups[j] == 0)
            ++j;
        if (j - i > bestLen && j - i >= 2) {
            bestStart = i;
            bestLen = j - i;
        }
        i = j;
    }

    char* p = out;
    for (int i = 0; i < 8; ++i) {
        if (i == bestStart) {
            *p++ = ':';
            *p++ = ':';
            i += bestLen - 1;
            continue;
        }
        if (p != out && p[-1] != ':')
            *p++ = ':';
        p = writeHexGroup(p, groups[i]);
    }
    return size_t(p - out);
}

std::string IpAddress::endpointText(uint16_t port) const
{
    return (isV6() ? "[" + toString() + "]" : toString()) + ":" + std::to_string(port);
}

} // namespace fi
