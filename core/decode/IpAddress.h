#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <string>

namespace fi {

/// An IPv4 or IPv6 address as raw network-order bytes (IPv4 uses the first 4 bytes).
struct IpAddress
{
    enum class Family : uint8_t { None = 0, V4 = 4, V6 = 6 };

    std::array<uint8_t, 16> bytes{};
    Family family = Family::None;

    static IpAddress v4(const uint8_t* p)
    {
        IpAddress a;
        a.family = Family::V4;
        std::memcpy(a.bytes.data(), p, 4);
        return a;
    }
    static IpAddress v6(const uint8_t* p)
    {
        IpAddress a;
        a.family = Family::V6;
        std::memcpy(a.bytes.data(), p, 16);
        return a;
    }

    bool isV6() const { return family == Family::V6; }
    friend bool operator==(const IpAddress& a, const IpAddress& b)
    {
        // two 8-byte loads a side: inlined, where comparing the arrays calls memcmp
        uint64_t a0, a1, b0, b1;
        std::memcpy(&a0, a.bytes.data(), 8);
        std::memcpy(&a1, a.bytes.data() + 8, 8);
        std::memcpy(&b0, b.bytes.data(), 8);
        std::memcpy(&b1, b.bytes.data() + 8, 8);
        return ((a0 ^ b0) | (a1 ^ b1)) == 0 && a.family == b.family;
    }

    /// Canonical text: dotted quad, or RFC 5952 compressed lower-case IPv6
    /// (`::ffff:1.2.3.4` for IPv4-mapped addresses).
    std::string toString() const;
    /// `10.0.0.1:80`, `[2001:db8::1]:443`: the address with a port.
    std::string endpointText(uint16_t port) const;

    /// The longest canonical text: eight groups of four hex digits and seven colons.
    static constexpr size_t kMaxTextLength = 39;
    /// Writes toString()'s text to `out` (room for kMaxTextLength characters, no terminating
    /// NUL) and returns its length; allocates nothing, for matching text against many flows.
    size_t writeText(char* out) const;
};

} // namespace fi
