#include "Timestamp.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace fi {

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
    int n = std::snprintf(buf, sizeof buf, "%s%llu.%09llu", total < 0 ? "-" : "",
                          static_cast<unsigned long long>(magnitude / 1'000'000'000),
                          static_cast<unsigned long long>(magnitude % 1'000'000'000));
    double value = 0;
    std::from_chars(buf, buf + n, value);
    return value;
}

std::string pythonFloatRepr(double value)
{
    if (std::isnan(value))
        return "nan";
    if (std::isinf(value))
        return value < 0 ? "-inf" : "inf";
    if (value == 0)
        return std::signbit(value) ? "-0.0" : "0.0";

    // Shortest round-trip digits, in scientific form: [-]d[.ddd]e[+-]XX
    char sci[64];
    auto [end, ec] = std::to_chars(sci, sci + sizeof sci, value, std::chars_format::scientific);
    (void)ec;
    std::string_view s(sci, size_t(end - sci));
    bool negative = s.front() == '-';
    if (negative)
        s.remove_prefix(1);
    size_t e = s.find('e');
    std::string digits;
    for (char c : s.substr(0, e))
        if (c != '.')
            digits += c;
    int exponent = std::atoi(std::string(s.substr(e + 1)).c_str());
    int decpt = exponent + 1; // position of the decimal point relative to the digits

    std::string out = negative ? "-" : "";
    if (decpt > -4 && decpt <= 16) {
        if (decpt <= 0) {
            out += "0.";
            out.append(size_t(-decpt), '0');
            out += digits;
        } else if (size_t(decpt) >= digits.size()) {
            out += digits;
            out.append(size_t(decpt) - digits.size(), '0');
            out += ".0";
        } else {
            out += digits.substr(0, size_t(decpt));
            out += '.';
            out += digits.substr(size_t(decpt));
        }
        return out;
    }
    out += digits.substr(0, 1);
    if (digits.size() > 1) {
        out += '.';
        out += digits.substr(1);
    }
    char exp[16];
    std::snprintf(exp, sizeof exp, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
    return out + exp;
}

std::string Timestamp::labelText() const
{
    return pythonFloatRepr(toDouble());
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
