#pragma once

#include "ByteSwap.h"

#include <cstdint>
#include <cstring>
#include <optional>
#include <utility>

namespace fi {

/// How the records of a classic pcap file are laid out, read from its 24-byte global header
/// the way libpcap reads it (libpcap 1.10, sf-pcap.c): every magic number libpcap accepts, in
/// either byte order. Validating the header (its version) is left to libpcap.
struct PcapFileFormat
{
    /// Where a record header keeps the captured and the original length. Files of pcap versions
    /// before 2.3 (and DG/UX's 543.0) have them the other way round; some 2.3 writers did too,
    /// which libpcap recognises by a captured length above the original one.
    enum class LengthFields { InOrder, Exchanged, ExchangedWhenCapturedExceedsOriginal };

    uint32_t recordHeaderSize = 16; ///< 24 in Kuznetzov's modified format
    bool byteSwapped = false;       ///< written in the other byte order than this machine's
    bool nanosecond = false;        ///< fractions of a second in nanoseconds, else microseconds
    LengthFields lengthFields = LengthFields::InOrder;

    /// The format of a file whose first 24 bytes are `header`; nullopt when its magic number is
    /// not one of classic pcap's.
    static std::optional<PcapFileFormat> fromGlobalHeader(const uint8_t (&header)[24]);

    /// What a record header says, as libpcap 1.10 reads it: the lengths in their right order,
    /// the time in nanoseconds since the epoch.
    struct Record
    {
        uint32_t captured = 0;
        uint32_t original = 0;
        int64_t timeNs = 0;
    };
    /// The record whose header (its first 16 bytes, the same in every format) is at `header`.
    Record record(const uint8_t* header) const
    {
        // seconds, fraction of a second, captured length, original length (then, in
        // Kuznetzov's format, 8 bytes not read here)
        auto field = [&](size_t index) {
            uint32_t value;
            std::memcpy(&value, header + 4 * index, 4);
            return byteSwapped ? fi::byteSwapped(value) : value;
        };
        Record r{field(2), field(3), 0};
        if (lengthFields == LengthFields::Exchanged ||
            (lengthFields == LengthFields::ExchangedWhenCapturedExceedsOriginal && r.captured > r.original))
            std::swap(r.captured, r.original);
        // Seconds are unsigned 32-bit (libpcap reads them signed, so 2038 and later would be
        // negative). libpcap reads the fraction signed in this machine's byte order but
        // unsigned when it swaps the bytes; a microsecond fraction is scaled up.
        const uint32_t fractionField = field(1);
        const int64_t fraction = byteSwapped ? int64_t(fractionField) : int64_t(int32_t(fractionField));
        r.timeNs = int64_t(field(0)) * 1'000'000'000 + (nanosecond ? fraction : fraction * 1000);
        return r;
    }
};

} // namespace fi
