#pragma once

// Writes capture files for the tests: pcap (micro/nanosecond, either byte order) and pcapng.

#include "PacketBuilder.h"

#include <QString>

#include <cstdint>
#include <vector>

namespace fi::test {

struct TestFrame
{
    int64_t seconds = 1'500'000'000;
    uint32_t fraction = 0; ///< microseconds, or nanoseconds in a nanosecond file
    Bytes bytes;
    uint32_t originalLength = 0; ///< 0: the captured length
};

struct CaptureSpec
{
    int linkType = 1;
    bool nanosecond = false;
    bool bigEndian = false;
    /// pcap: Kuznetzov's modified format (magic 0xa1b2cd34, microseconds, 24-byte record headers)
    bool kuznetzov = false;
    /// pcap: the format's minor version (major 2); up to 3 the record header holds the original
    /// length before the captured one, as writers of those versions did
    uint16_t versionMinor = 4;
    uint32_t snapLength = 262144;
    std::vector<TestFrame> frames;

    CaptureSpec& add(Bytes bytes, int64_t seconds, uint32_t fraction = 0)
    {
        frames.push_back({seconds, fraction, std::move(bytes), 0});
        return *this;
    }
};

/// The bytes of a pcap file holding `spec`.
Bytes pcapFile(const CaptureSpec& spec);
/// The bytes of a pcapng file (one section, one interface, Enhanced Packet Blocks with an
/// option so that data never ends a block) holding `spec`.
Bytes pcapngFile(const CaptureSpec& spec);
/// Writes bytes to a file; fails the test (by exception) when it cannot.
void writeFile(const QString& path, const Bytes& bytes);

} // namespace fi::test
