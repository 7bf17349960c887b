#include "FilterValues.h"

#include <array>
#include <limits>

namespace fi {

namespace {

std::string quoted(std::string_view text)
{
    return '\'' + std::string(text) + '\'';
}

template <typename T>
std::optional<T> fail(std::string* why, std::string reason)
{
    if (why)
        *why = std::move(reason);
    return std::nullopt;
}

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

int hexValue(char c)
{
    if (isDigit(c))
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c;
}

bool equalsIgnoringCase(std::string_view a, std::string_view b)
{
    if (a.size() != b.size())
        return false;
    for (size_t i = 0; i < a.size(); ++i)
        if (lower(a[i]) != lower(b[i]))
            return false;
    return true;
}

/// Up to four dot-separated decimal numbers of at most 255: the numbers, how many, or why not.
struct DottedNumbers
{
    std::array<uint8_t, 4> bytes{};
    int count = 0;
};

std::optional<DottedNumbers> parseDottedNumbers(std::string_view text, std::string* why)
{
    DottedNumbers out;
    size_t i = 0;
    while (true) {
        if (out.count == 4)
            return fail<DottedNumbers>(why, quoted(text) + " is not an address (more than four numbers)");
        unsigned value = 0;
        const size_t start = i;
        while (i < text.size() && isDigit(text[i]) && i - start < 4)
            value = value * 10 + unsigned(text[i++] - '0');
        if (i == start || (i < text.size() && isDigit(text[i])))
            return fail<DottedNumbers>(why, quoted(text) + " is not an address");
        if (value > 255)
            return fail<DottedNumbers>(why, quoted(text) + " is not an address (" + std::to_string(value) +
                                                " is more than 255)");
        out.bytes[size_t(out.count++)] = uint8_t(value);
        if (i == text.size())
            return out;
        if (text[i++] != '.')
            return fail<DottedNumbers>(why, quoted(text) + " is not an address");
    }
}

struct Unit
{
    std::string_view suffix;
    int64_t multiplier;
};

constexpr int64_t kKi = 1024;
constexpr int64_t kSecond = 1'000'000'000;

constexpr Unit kCountUnits[] = {{"", 1},           {"k", 1000},      {"m", 1'000'000}, {"g", 1'000'000'000},
                                {"ki", kKi},       {"mi", kKi * kKi}, {"gi", kKi * kKi * kKi}};
constexpr Unit kByteUnits[] = {
    {"", 1},
    {"b", 1},
    {"k", 1000},
    {"kb", 1000},
    {"m", 1'000'000},
    {"mb", 1'000'000},
    {"g", 1'000'000'000},
    {"gb", 1'000'000'000},
    {"t", 1'000'000'000'000},
    {"tb", 1'000'000'000'000},
    {"ki", kKi},
    {"kib", kKi},
    {"mi", kKi * kKi},
    {"mib", kKi * kKi},
    {"gi", kKi * kKi * kKi},
    {"gib", kKi * kKi * kKi},
    {"ti", kKi * kKi * kKi * kKi},
    {"tib", kKi * kKi * kKi * kKi},
};
constexpr Unit kTimeUnits[] = {{"", kSecond},        {"s", kSecond},      {"ms", 1'000'000},
                               {"us", 1000},         {"\xc2\xb5s", 1000}, {"ns", 1},
                               {"m", 60 * kSecond},  {"min", 60 * kSecond}, {"h", 3600 * kSecond}};

template <size_t N>
std::optional<int64_t> multiplierOf(std::string_view suffix, const Unit (&units)[N])
{
    for (const Unit& u : units)
        if (equalsIgnoringCase(suffix, u.suffix))
            return u.multiplier;
    return std::nullopt;
}

} // namespace

AddressBlock AddressBlock::of(const IpAddress& address, int prefixLength)
{
    std::array<uint8_t, 16> mask{};
    for (int bit = 0; bit < prefixLength; ++bit)
        mask[size_t(bit / 8)] |= uint8_t(0x80 >> (bit % 8));
    AddressBlock block;
    block.family = address.family;
    block.prefixLength = prefixLength;
    std::memcpy(&block.highMask, mask.data(), 8);
    std::memcpy(&block.lowMask, mask.data() + 8, 8);
    std::memcpy(&block.high, address.bytes.data(), 8);
    std::memcpy(&block.low, address.bytes.data() + 8, 8);
    block.high &= block.highMask;
    block.low &= block.lowMask;
    return block;
}

std::optional<IpAddress> parseIpv4(std::string_view text, std::string* why)
{
    const std::optional<DottedNumbers> numbers = parseDottedNumbers(text, why);
    if (!numbers)
        return std::nullopt;
    if (numbers->count != 4)
        return fail<IpAddress>(why, quoted(text) + " is not an address (an IPv4 address has four numbers)");
    return IpAddress::v4(numbers->bytes.data());
}

std::optional<IpAddress> parseIpv6(std::string_view text, std::string* why)
{
    const std::string notAnAddress = quoted(text) + " is not an address";
    uint16_t groups[8] = {};
    int count = 0;
    int gap = -1; // where "::" stands, as a group index
    size_t i = 0;
    if (text.starts_with("::")) {
        gap = 0;
        i = 2;
    } else if (text.starts_with(":")) {
        return fail<IpAddress>(why, notAnAddress);
    }
    while (i < text.size()) {
        size_t end = i;
        unsigned value = 0;
        while (end < text.size() && hexValue(text[end]) >= 0 && end - i < 5)
            value = value * 16 + unsigned(hexValue(text[end++]));
        if (end < text.size() && text[end] == '.') { // a dotted quad ends the address
            const std::optional<IpAddress> v4 = parseIpv4(text.substr(i), why);
            if (!v4)
                return std::nullopt;
            if (count > 6)
                return fail<IpAddress>(why, notAnAddress + " (more than eight groups)");
            groups[count++] = uint16_t(v4->bytes[0] << 8 | v4->bytes[1]);
            groups[count++] = uint16_t(v4->bytes[2] << 8 | v4->bytes[3]);
            i = text.size();
            break;
        }
        if (end == i || end - i > 4)
            return fail<IpAddress>(why, notAnAddress);
        if (count == 8)
            return fail<IpAddress>(why, notAnAddress + " (more than eight groups)");
        groups[count++] = uint16_t(value);
        i = end;
        if (i == text.size())
            break;
        if (text[i++] != ':' || i == text.size())
            return fail<IpAddress>(why, notAnAddress);
        if (text[i] == ':') {
            if (gap >= 0)
                return fail<IpAddress>(why, notAnAddress + " ('::' twice)");
            gap = count;
            ++i;
        }
    }
    if (gap < 0 ? count != 8 : count > 7)
        return fail<IpAddress>(why, notAnAddress + (gap < 0 ? " (fewer than eight groups)" : " (more than seven groups besides '::')"));
    uint8_t bytes[16] = {};
    const int zeros = gap < 0 ? 0 : 8 - count;
    for (int g = 0, out = 0; g < count; ++g, ++out) {
        if (g == gap)
            out += zeros;
        bytes[2 * out] = uint8_t(groups[g] >> 8);
        bytes[2 * out + 1] = uint8_t(groups[g]);
    }
    return IpAddress::v6(bytes);
}

std::optional<AddressBlock> parseAddressBlock(std::string_view text, bool netShorthand, std::string* why)
{
    const size_t slash = text.find('/');
    const std::string_view address = text.substr(0, slash);
    std::optional<IpAddress> ip;
    int impliedPrefix = -1;
    if (address.find(':') != std::string_view::npos) {
        ip = parseIpv6(address, why);
    } else if (netShorthand) {
        const std::optional<DottedNumbers> numbers = parseDottedNumbers(address, why);
        if (numbers) {
            ip = IpAddress::v4(numbers->bytes.data());
            impliedPrefix = numbers->count * 8;
        }
    } else {
        ip = parseIpv4(address, why);
    }
    if (!ip)
        return std::nullopt;
    const int maxPrefix = ip->isV6() ? 128 : 32;
    if (slash == std::string_view::npos)
        return AddressBlock::of(*ip, impliedPrefix >= 0 ? impliedPrefix : maxPrefix);
    const std::string_view prefix = text.substr(slash + 1);
    int length = 0;
    for (char c : prefix) {
        if (!isDigit(c) || length > 128)
            return fail<AddressBlock>(why, quoted(text) + " is not an address (a prefix length after '/')");
        length = length * 10 + (c - '0');
    }
    if (prefix.empty())
        return fail<AddressBlock>(why, quoted(text) + " is not an address (a prefix length after '/')");
    if (length > maxPrefix)
        return fail<AddressBlock>(why, quoted(text) + ": an " + (ip->isV6() ? "IPv6" : "IPv4") +
                                           " prefix length is 0 to " + std::to_string(maxPrefix));
    return AddressBlock::of(*ip, length);
}

bool looksLikeAddress(std::string_view text)
{
    if (text.find('/') != std::string_view::npos)
        return true;
    int dots = 0;
    for (char c : text) {
        if (c == '.')
            ++dots;
        else if (!isDigit(c))
            return false;
    }
    return dots == 3;
}

std::optional<uint16_t> parsePort(std::string_view text, std::string* why)
{
    unsigned value = 0;
    for (char c : text) {
        if (!isDigit(c))
            return fail<uint16_t>(why, quoted(text) + " is not a port number");
        value = value * 10 + unsigned(c - '0');
        if (value > 65535)
            return fail<uint16_t>(why, quoted(text) + " is not a port number (0 to 65535)");
    }
    if (text.empty())
        return fail<uint16_t>(why, "expected a port number");
    return uint16_t(value);
}

std::optional<int64_t> parseQuantity(std::string_view text, Quantity quantity, std::string* why)
{
    uint64_t mantissa = 0;
    int digits = 0, decimals = 0;
    bool point = false;
    size_t i = 0;
    for (; i < text.size(); ++i) {
        const char c = text[i];
        if (isDigit(c)) {
            if (++digits > 18)
                return fail<int64_t>(why, quoted(text) + " is too large");
            mantissa = mantissa * 10 + uint64_t(c - '0');
            decimals += point;
        } else if (c == '.' && !point) {
            point = true;
        } else {
            break;
        }
    }
    if (digits == 0)
        return fail<int64_t>(why, quoted(text) + " is not a number");
    const std::string_view suffix = text.substr(i);
    std::optional<int64_t> multiplier;
    const char* units = "";
    switch (quantity) {
    case Quantity::Count:
        multiplier = multiplierOf(suffix, kCountUnits);
        units = "k, M, G, Ki, Mi, Gi";
        break;
    case Quantity::Bytes:
        multiplier = multiplierOf(suffix, kByteUnits);
        units = "B, k, M, G, T, KB, MB, GB, KiB, MiB, GiB";
        break;
    case Quantity::Seconds:
        multiplier = multiplierOf(suffix, kTimeUnits);
        units = "s, ms, us, ns, min, h";
        break;
    }
    if (!multiplier)
        return fail<int64_t>(why, quoted(text) + " has an unknown unit " + quoted(suffix) + " (use " + units + ")");
    uint64_t product = 0;
    if (__builtin_mul_overflow(mantissa, uint64_t(*multiplier), &product))
        return fail<int64_t>(why, quoted(text) + " is too large");
    uint64_t divisor = 1;
    for (int d = 0; d < decimals; ++d)
        divisor *= 10;
    if (product % divisor != 0) {
        const char* whole = quantity == Quantity::Bytes     ? " is not a whole number of bytes"
                            : quantity == Quantity::Seconds ? " is finer than a nanosecond"
                                                            : " is not a whole number";
        return fail<int64_t>(why, quoted(text) + whole);
    }
    product /= divisor;
    if (product > uint64_t(std::numeric_limits<int64_t>::max()))
        return fail<int64_t>(why, quoted(text) + " is too large");
    return int64_t(product);
}

} // namespace fi
