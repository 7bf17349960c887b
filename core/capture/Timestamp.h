#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace fi {

/// The longest pythonFloatRepr(): a sign, 17 digits, "0.000" or an exponent.
constexpr size_t kMaxPythonFloatRepr = 32;

/// A capture timestamp: whole seconds since the epoch and nanoseconds within the second.
struct Timestamp
{
    int64_t seconds = 0;
    uint32_t nanoseconds = 0;

    int64_t totalNanoseconds() const { return seconds * 1'000'000'000 + nanoseconds; }
    static Timestamp fromNanoseconds(int64_t ns);

    /// The exact decimal value `seconds.nanoseconds`, correctly rounded to a binary64 double.
    double toDouble() const;

    /// The timestamp as pcapkit prints it in a flow label: Python's repr() of toDouble()
    /// (shortest round-trip digits, `.0` for integral values, exponent form outside 1e-4..1e16).
    std::string labelText() const;
    /// Writes labelText() to `out` (room for kMaxPythonFloatRepr characters, no terminating
    /// zero) and returns its length; a time of whole microseconds in 1..2^32 s is written
    /// without the double's shortest-digits search.
    size_t writeLabelText(char* out) const;

    /// ISO 8601 UTC time with microseconds, or nanoseconds when `nanosecond` is set:
    /// `2017-11-19T15:49:09.913720`.
    std::string isoText(bool nanosecond) const;

    friend bool operator==(const Timestamp&, const Timestamp&) = default;
    friend auto operator<=>(const Timestamp&, const Timestamp&) = default;
};

/// Python's repr() of a double.
std::string pythonFloatRepr(double value);
/// Writes pythonFloatRepr(value) to `out` (room for kMaxPythonFloatRepr characters, no
/// terminating zero) and returns its length.
size_t writePythonFloatRepr(char* out, double value);

} // namespace fi
