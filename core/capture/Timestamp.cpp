#include "Timestamp.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string_view>

namespace fi {

namespace {
/// Writes `value` in exactly `width` decimal digits, zero-padded on the left; returns their end.
char* writeZeroPadded(char* out, uint64_t value, int width)
{
    for (int i = width - 1; i >= 0; --i, value /= 10)
        out[i] = char('0' + value % 10);
    return out + width;
}
} // namespace

Timestamp Timestamp::fromNanoseconds(int64_t ns)
{
    int64_t sec = ns / 1'000'000'000;
    int64_t rem = ns % 1'000'000'000;
    if (rem < 0) {
        rem += 1'000'000'000;
        --sec;
    }
    return {sec, uint32_t(rem)};
}

double Timestamp::toDouble() const
{
    // Write the exact decimal and let from_chars round it correctly.
    const int64_t total = totalNanoseconds();
    const uint64_t magnitude = total < 0 ? uint64_t(-(total + 1)) + 1 : uint64_t(total);
    char buf[40];
    char* p = buf;
    if (total < 0)
        *p++ = '-';
    p = std::to_chars(p, buf + sizeof buf, magnitude / 1'000'000'000).ptr;
    *p++ = '.';
    p = writeZeroPadded(p, magnitude % 1'000'000'000, 9);
    double value = 0;
    std::from_chars(buf, p, value);
    return value;
}

size_t writePythonFloatRepr(char* const out, double value)
{
    char* o = out;
    auto put = [&o](std::string_view text) {
        std::memcpy(o, text.data(), text.size());
        o += text.size();
    };
    auto zeros = [&o](size_t n) {
        std::memset(o, '0', n);
        o += n;
    };
    const char* const special = std::isnan(value) ? "nan"
                                : std::isinf(value) ? (value < 0 ? "-inf" : "inf")
                                : value == 0       ? (std::signbit(value) ? "-0.0" : "0.0")
                                                   : nullptr;
    if (special) {
        put(special);
        return size_t(o - out);
    }

    // Shortest round-trip digits, in scientific form: [-]d[.ddd]e[+-]XX
    char sci[kMaxPythonFloatRepr];
    const char* const end = std::to_chars(sci, sci + sizeof sci, value, std::chars_format::scientific).ptr;
    const char* s = sci;
    if (*s == '-')
        *o++ = *s++;
    char digitText[20];
    size_t count = 0;
    for (; *s != 'e'; ++s)
        if (*s != '.')
            digitText[count++] = *s;
    ++s; // the exponent: [+-]XX[X]
    int exponent = 0;
    std::from_chars(s + (*s == '+'), end, exponent);
    const int decpt = exponent + 1; // position of the decimal point relative to the digits
    const std::string_view digits(digitText, count);

    if (decpt > -4 && decpt <= 16) {
        if (decpt <= 0) {
            put("0.");
            zeros(size_t(-decpt));
            put(digits);
        } else if (size_t(decpt) >= count) {
            put(digits);
            zeros(size_t(decpt) - count);
            put(".0");
        } else {
            put(digits.substr(0, size_t(decpt)));
            put(".");
            put(digits.substr(size_t(decpt)));
        }
        return size_t(o - out);
    }
    put(digits.substr(0, 1));
    if (count > 1) {
        put(".");
        put(digits.substr(1));
    }
    put(exponent < 0 ? "e-" : "e+");
    const int magnitude = std::abs(exponent);
    if (magnitude < 10)
        put("0");
    o = std::to_chars(o, o + 3, magnitude).ptr;
    return size_t(o - out);
}

std::string pythonFloatRepr(double value)
{
    char text[kMaxPythonFloatRepr];
    return std::string(text, writePythonFloatRepr(text, value));
}

std::string Timestamp::labelText() const
{
    char text[kMaxPythonFloatRepr];
    return std::string(text, writeLabelText(text));
}

size_t Timestamp::writeLabelText(char* const out) const
{
    // Whole microseconds below 2^32 s: the doubles there are closer together than 1 µs (the
    // spacing is at most 2^-21 s), so no other decimal of at most six places rounds to the
    // same double, and the shortest digits that give it back are the time's own, trailing
    // zeros dropped ("1.5", "7.0"). From 1 s on, repr() writes them without an exponent.
    if (nanoseconds % 1000 != 0 || seconds < 1 || seconds >= (int64_t(1) << 32))
        return writePythonFloatRepr(out, toDouble());
    char* o = std::to_chars(out, out + 10, seconds).ptr;
    *o++ = '.';
    uint32_t micro = nanoseconds / 1000;
    if (micro == 0) {
        *o++ = '0';
        return size_t(o - out);
    }
    int places = 6;
    for (; micro % 10 == 0; micro /= 10)
        --places;
    return size_t(writeZeroPadded(o, micro, places) - out);
}

std::string Timestamp::isoText(bool nanosecond) const
{
    time_t t = time_t(seconds);
    struct tm tm{};
    gmtime_r(&t, &tm);
    char buf[64];
    if (nanosecond)
        std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%09u", tm.tm_year + 1900,
                      tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, nanoseconds);
    else
        std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06u", tm.tm_year + 1900,
                      tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                      nanoseconds / 1000);
    return buf;
}

} // namespace fi
