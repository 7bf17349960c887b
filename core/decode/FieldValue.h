#pragma once

#include <cstddef>
#include <cstdint>

namespace fi {

/// A decoded header field's value as the decoder reports it to a sink, before any text is made.
struct FieldValue
{
    enum class Kind : uint8_t {
        Unsigned, ///< `number`
        Bool,     ///< `number` != 0
        Hex,      ///< `number`, shown as 0x… with `width` hex digits
        Bytes,    ///< `bytes`/`size`, shown as hex
        Mac,      ///< 6 bytes
        IPv4,     ///< 4 bytes
        IPv6,     ///< 16 bytes
        Enum,     ///< `number` with its meaning in `text` (may be null)
        Text,     ///< `text`
    };

    Kind kind = Kind::Unsigned;
    uint8_t width = 0;
    uint64_t number = 0;
    const uint8_t* bytes = nullptr;
    size_t size = 0;
    const char* text = nullptr;

    static FieldValue u(uint64_t n) { return {Kind::Unsigned, 0, n, nullptr, 0, nullptr}; }
    static FieldValue flag(bool b) { return {Kind::Bool, 0, b, nullptr, 0, nullptr}; }
    static FieldValue hex(uint64_t n, uint8_t digits) { return {Kind::Hex, digits, n, nullptr, 0, nullptr}; }
    static FieldValue raw(const uint8_t* p, size_t n) { return {Kind::Bytes, 0, 0, p, n, nullptr}; }
    static FieldValue mac(const uint8_t* p) { return {Kind::Mac, 0, 0, p, 6, nullptr}; }
    static FieldValue ipv4(const uint8_t* p) { return {Kind::IPv4, 0, 0, p, 4, nullptr}; }
    static FieldValue ipv6(const uint8_t* p) { return {Kind::IPv6, 0, 0, p, 16, nullptr}; }
    static FieldValue named(uint64_t n, const char* meaning) { return {Kind::Enum, 0, n, nullptr, 0, meaning}; }
    static FieldValue str(const char* t) { return {Kind::Text, 0, 0, nullptr, 0, t}; }
};

/// The sink the fast decode uses: every report compiles away.
struct NullSink
{
    static constexpr bool kWantsFields = false;
    void layer(const char*, const char*, size_t, size_t) {}
    void field(const char*, const FieldValue&, size_t, size_t) {}
    void beginGroup(const char*, size_t, size_t) {}
    void endGroup() {}
    void stop(const char*) {}
};

} // namespace fi
