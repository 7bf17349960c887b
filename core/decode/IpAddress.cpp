#include "IpAddress.h"

#include <cstdio>

namespace fi {

namespace {

std::string dottedQuad(const uint8_t* p)
{
    char buf[16];
    std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", p[0], p[1], p[2], p[3]);
    return buf;
}

} // namespace

std::string IpAddress::toString() const
{
    if (family == Family::V4)
        return dottedQuad(bytes.data());
    if (family != Family::V6)
        return {};

    uint16_t groups[8];
    for (int i = 0; i < 8; ++i)
        groups[i] = uint16_t(bytes[2 * i] << 8 | bytes[2 * i + 1]);

    // IPv4-mapped ::ffff:a.b.c.d
    bool mapped = groups[5] == 0xffff;
    for (int i = 0; i < 5; ++i)
        mapped = mapped && groups[i] == 0;
    if (mapped)
        return "::ffff:" + dottedQuad(bytes.data() + 12);

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

    std::string out;
    char buf[8];
    for (int i = 0; i < 8; ++i) {
        if (i == bestStart) {
            out += "::";
            i += bestLen - 1;
            continue;
        }
        if (!out.empty() && out.back() != ':')
            out += ':';
        std::snprintf(buf, sizeof buf, "%x", groups[i]);
        out += buf;
    }
    return out;
}

} // namespace fi
