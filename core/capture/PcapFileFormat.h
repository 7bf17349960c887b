#pragma once

#include <cstdint>
#include <optional>

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
};

} // namespace fi
