#pragma once

// The values a person types into a flow filter: addresses and CIDR blocks, port numbers, and
// numbers with units (1.5M bytes, 500ms). Each parser says why a text is not what it wanted.

#include "IpAddress.h"

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace fi {

/// An address and a prefix length: `10.0.0.0/8`, `2001:db8::/32`, or one address (/32, /128).
/// Holds the block's address with its host bits cleared and the mask, each as two 8-byte
/// halves in the bytes' memory order, so that contains() is two masked compares.
struct AddressBlock
{
    uint64_t high = 0;
    uint64_t low = 0;
    uint64_t highMask = 0;
    uint64_t lowMask = 0;
    IpAddress::Family family = IpAddress::Family::None;
    int prefixLength = 0;

    /// The block of the addresses that share `address`'s first `prefixLength` bits.
    static AddressBlock of(const IpAddress& address, int prefixLength);

    bool contains(const IpAddress& address) const
    {
        uint64_t h, l;
        std::memcpy(&h, address.bytes.data(), 8);
        std::memcpy(&l, address.bytes.data() + 8, 8);
        return address.family == family && (h & highMask) == high && (l & lowMask) == low;
    }
};

/// A dotted quad: `10.1.2.3`.
std::optional<IpAddress> parseIpv4(std::string_view text, std::string* why);
/// An IPv6 address in any RFC 4291 form: `2001:db8::1`, `::`, `::ffff:1.2.3.4`.
std::optional<IpAddress> parseIpv6(std::string_view text, std::string* why);
/// An address or CIDR block. With `netShorthand` (tcpdump's `net`), one to three IPv4 numbers
/// name a block too: `10` is 10.0.0.0/8, `192.168` 192.168.0.0/16, `10.1.2` 10.1.2.0/24.
/// Host bits after the prefix are ignored (10.1.2.3/8 is 10.0.0.0/8), as in Wireshark.
std::optional<AddressBlock> parseAddressBlock(std::string_view text, bool netShorthand, std::string* why);
/// Whether `text` is written like an address (four dot-separated numbers, or a `/`), so
/// that a typo in it is an error rather than a word to look for in labels.
bool looksLikeAddress(std::string_view text);

/// A TCP port: 0 to 65535, in decimal.
std::optional<uint16_t> parsePort(std::string_view text, std::string* why);

/// What a number counts, which decides the units it may have.
enum class Quantity {
    Count,   ///< 12, 1.5k (k, M, G = 1000-based; Ki, Mi, Gi = 1024-based)
    Bytes,   ///< as Count, plus B, KB, MB, GB, TB, KiB, MiB, GiB, TiB (k = 1000, Ki = 1024)
    Seconds, ///< 2, 0.5, 2s, 500ms, 20us, 7ns, 1.5min, 2h; the result is in nanoseconds
};
/// A whole, non-negative number of packets, bytes or nanoseconds; units in any case
/// (`1m` is a million packets or bytes, a minute of time); decimals allowed while the result
/// is whole (`1.5k` = 1500, not `1.5`).
std::optional<int64_t> parseQuantity(std::string_view text, Quantity quantity, std::string* why);

} // namespace fi
