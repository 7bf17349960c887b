#pragma once

#include <cstdint>

namespace fi {
inline uint16_t byteSwapped(uint16_t v) { return __builtin_bswap16(v); }
inline uint32_t byteSwapped(uint32_t v) { return __builtin_bswap32(v); }
} // namespace fi
