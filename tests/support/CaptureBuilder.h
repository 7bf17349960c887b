#pragma once

// Writes capture files for the tests: pcap (micro/nanosecond, either byte order) and pcapng.

#include "PacketBuilder.h"

#include <QString>

#include <cstdint>
#include <string>
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
/// A pcapng file written block by block: sections in either byte order, interfaces with their
/// own link type, snap length, timestamp resolution and offset, and every kind of packet block.
class PcapNgBuilder
{
public:
    /// Starts a section (its interfaces are numbered from 0 again).
    PcapNgBuilder& section(bool bigEndian);
    /// An interface description. `tsresol`: if_tsresol's byte (6: microseconds, 9:
    /// nanoseconds, 0x80 | n: 2^-n s); `tsoffset`: if_tsoffset seconds (0: none).
    PcapNgBuilder& interface(int linkType, uint32_t snapLength, uint8_t tsresol = 6, int64_t tsoffset = 0,
                             const std::string& name = {});
    /// An Enhanced Packet Block (`units` in its interface's resolution).
    PcapNgBuilder& enhanced(uint32_t interfaceId, uint64_t units, const Bytes& bytes, uint32_t originalLength = 0);
    /// A Simple Packet Block (interface 0, no time).
    PcapNgBuilder& simple(const Bytes& bytes, uint32_t originalLength = 0);
    /// An obsolete Packet Block.
    PcapNgBuilder& obsolete(uint16_t interfaceId, uint64_t units, const Bytes& bytes);
    /// A block of another type (statistics, name resolution, custom…) with this body.
    PcapNgBuilder& other(uint32_t type, const Bytes& body);
    const Bytes& bytes() const { return m_out; }

private:
    void block(uint32_t type, const Bytes& body);
    void put16(Bytes& to, uint16_t v) const;
    void put32(Bytes& to, uint32_t v) const;

    bool m_big = false;
    Bytes m_out;
};

/// Writes bytes to a file; fails the test (by exception) when it cannot.
void writeFile(const QString& path, const Bytes& bytes);

} // namespace fi::test
