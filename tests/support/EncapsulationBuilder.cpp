#include "EncapsulationBuilder.h"

#include <stdexcept>
#include <utility>

namespace fi::test {

namespace {

Bytes le16(uint16_t v)
{
    return {uint8_t(v), uint8_t(v >> 8)};
}

Bytes le32(uint32_t v)
{
    return {uint8_t(v), uint8_t(v >> 8), uint8_t(v >> 16), uint8_t(v >> 24)};
}

Bytes mac(uint8_t last)
{
    return {0x02, 0x00, 0x5e, 0x10, 0x20, last};
}

/// One NFLOG TLV: little-endian length (header included) and type, value, padding to 4.
Bytes nflogTlv(uint16_t type, const Bytes& value)
{
    Bytes tlv = le16(uint16_t(4 + value.size())) + le16(type) + value;
    while (tlv.size() % 4)
        tlv.push_back(0);
    return tlv;
}

void pad(Bytes& b, size_t multiple)
{
    while (b.size() % multiple)
        b.push_back(0);
}

} // namespace

uint16_t internetChecksum(const Bytes& bytes)
{
    uint32_t sum = 0;
    for (size_t i = 0; i < bytes.size(); i += 2) {
        uint16_t word = uint16_t(bytes[i] << 8);
        if (i + 1 < bytes.size())
            word = uint16_t(word | bytes[i + 1]);
        sum += word;
    }
    while (sum >> 16)
        sum = (sum & 0xFFFF) + (sum >> 16);
    return uint16_t(~sum);
}

Bytes fcs32(const Bytes& bytes)
{
    uint32_t crc = 0xFFFFFFFFu;
    for (uint8_t b : bytes) {
        crc ^= b;
        for (int i = 0; i < 8; ++i)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return le32(~crc);
}

// ---------------------------------------------------------------- link layers

Bytes linuxSll(uint16_t protocol, const Bytes& payload, uint16_t hatype)
{
    // packet type 0 (to us), ARPHRD type, address length 6, address padded to 8, protocol
    Bytes h = be16(0) + be16(hatype) + be16(6) + mac(0x01) + Bytes{0, 0};
    return h + be16(protocol) + payload;
}

Bytes linuxSll2(uint16_t protocol, const Bytes& payload, uint16_t hatype)
{
    // protocol, reserved, interface index, ARPHRD type, packet type, address length, address
    Bytes h = be16(protocol) + be16(0) + be32(2) + be16(hatype);
    h.push_back(0);
    h.push_back(6);
    return h + mac(0x01) + Bytes{0, 0} + payload;
}

Bytes nullLoopback(uint32_t family, const Bytes& payload, bool bigEndian)
{
    return (bigEndian ? be32(family) : le32(family)) + payload;
}

Bytes ppp(uint16_t protocol, const Bytes& payload, bool addressControl, bool compressProtocol)
{
    Bytes h;
    if (addressControl)
        h = {0xFF, 0x03};
    if (compressProtocol && protocol < 0x100)
        h.push_back(uint8_t(protocol));
    else
        h = h + be16(protocol);
    return h + payload;
}

Bytes pppoeSession(uint16_t pppProtocol, const Bytes& payload, uint16_t sessionId)
{
    // version 1, type 1, code 0 (session data); the length counts the PPP protocol field
    Bytes h = {0x11, 0x00};
    return h + be16(sessionId) + be16(uint16_t(2 + payload.size())) + be16(pppProtocol) + payload;
}

Bytes ciscoHdlc(uint16_t etherType, const Bytes& payload)
{
    return Bytes{0x0F, 0x00} + be16(etherType) + payload;
}

Bytes nflog(uint8_t family, const Bytes& payload)
{
    Bytes h = {family, 0x00};
    h = h + be16(7); // resource id (the nflog group), network order
    // NFULA_PACKET_HDR: hardware protocol (network order), hook, padding
    const uint16_t hwProtocol = family == 10 ? 0x86DD : 0x0800;
    h = h + nflogTlv(1, be16(hwProtocol) + Bytes{3, 0});
    // NFULA_PREFIX: a NUL-terminated string, which makes the TLV need padding
    h = h + nflogTlv(10, Bytes{'t', 'e', 's', 't', 0});
    return h + nflogTlv(9, payload);
}

Bytes nflogByteSwapped(const Bytes& frame)
{
    Bytes out = frame;
    for (size_t p = 4; p + 4 <= out.size();) {
        const size_t length = size_t(out[p]) | size_t(out[p + 1]) << 8;
        std::swap(out[p], out[p + 1]);
        std::swap(out[p + 2], out[p + 3]);
        if (length < 4)
            break;
        p += (length + 3) & ~size_t(3);
    }
    return out;
}

Bytes ipoib(uint16_t etherType, const Bytes& payload)
{
    // Global route header: IP version 6, traffic class and flow label, payload length, next
    // header 0x1B, hop limit, source and destination GIDs.
    Bytes grh = be32(0x60000000) + be16(uint16_t(4 + payload.size())) + Bytes{0x1B, 0x40};
    grh = grh + ipBytes("fe80::2:c903:a:1") + ipBytes("fe80::2:c903:a:2");
    return grh + be16(etherType) + be16(0) + payload;
}

Bytes arcnetLinux(uint8_t protocol, const Bytes& payload)
{
    Bytes h = {0x01, 0x02}; // source, destination
    h = h + be16(0);        // offset
    h.push_back(protocol);
    if (protocol != 0xF0) { // RFC 1201: split flag, sequence number
        h.push_back(0x00);
        h = h + be16(0x0042);
    }
    return h + payload;
}

Bytes arcnetBsd(uint8_t protocol, const Bytes& payload)
{
    Bytes frame = arcnetLinux(protocol, payload);
    frame.erase(frame.begin() + 2, frame.begin() + 4); // no offset field
    return frame;
}

Bytes juniperEthernet(const Bytes& ethernetFrame, bool withExtensions)
{
    Bytes h = {'M', 'G', 'C', uint8_t(withExtensions ? 0x81 : 0x01)}; // incoming packet
    if (withExtensions) {
        // One TLV: type 1 (device interface index), length 4, value.
        const Bytes tlv = {0x01, 0x04, 0x00, 0x00, 0x00, 0x05};
        h = h + be16(uint16_t(tlv.size())) + tlv;
    }
    return h + ethernetFrame;
}

Bytes juniperAtm(bool atm2, const Bytes& payload, bool outgoingBridged)
{
    Bytes h = {'M', 'G', 'C', uint8_t(outgoingBridged ? 0x00 : 0x01)};
    if (atm2) // channel id with a gap count in its low 6 bits; reserved, AAL, packet type 0
        h = h + be32(outgoingBridged ? 0x00000121u : 0x00000120u) + be32(0);
    else // format id, VC index, channel id
        h = h + be32(0x00000120u);
    return h + payload;
}

Bytes juniperNoL2(uint32_t protocol, const Bytes& ipPacket)
{
    return Bytes{'M', 'G', 'C', 0x03} + le32(protocol) + ipPacket; // incoming, no layer 2
}

Bytes fddi(const Bytes& llcPayload)
{
    return Bytes{0x50} + mac(0xF1) + mac(0xF2) + llcPayload;
}

namespace {
const Bytes kQ922Dlci100 = {0x18, 0x41}; // DLCI 100, EA set on the second byte
} // namespace

Bytes frameRelay(uint8_t nlpid, const Bytes& payload, bool pad)
{
    Bytes h = kQ922Dlci100 + Bytes{0x03};
    if (pad)
        h.push_back(0x00);
    h.push_back(nlpid);
    return h + payload;
}

Bytes frameRelayCisco(uint16_t etherType, const Bytes& payload)
{
    return kQ922Dlci100 + be16(etherType) + payload;
}

Bytes llcNlpid(uint8_t nlpid, const Bytes& payload)
{
    return Bytes{0xFE, 0xFE, 0x03, nlpid} + payload;
}

Bytes slip(const Bytes& ipPacket, uint8_t direction)
{
    Bytes h = {direction};
    for (size_t i = 0; i < 15; ++i)
        h.push_back(i < ipPacket.size() ? ipPacket[i] : 0);
    return h + ipPacket;
}

Bytes ipnet(uint8_t family, const Bytes& ipPacket)
{
    // version 1, family, hardware type, packet length, interface and group interface
    // indexes, source and destination zones
    Bytes h = {0x01, family};
    h = h + be16(0) + be32(uint32_t(ipPacket.size())) + be32(2) + be32(0) + be32(0) + be32(0);
    return h + ipPacket;
}

Bytes pktap(uint32_t dlt, const Bytes& frame, uint32_t headerLength)
{
    auto name = [](const char* text, size_t size) {
        Bytes b(size, 0);
        for (size_t i = 0; text[i] && i + 1 < size; ++i)
            b[i] = uint8_t(text[i]);
        return b;
    };
    // length, record type 1 (packet), DLT, interface name, flags, protocol family, link
    // header and trailer lengths, pid, command, service class, interface type and unit,
    // effective pid and command
    Bytes h = le32(headerLength) + le32(1) + le32(dlt) + name("en0", 24) + le32(0x11) + le32(2);
    h = h + le32(dlt == 1 ? 14 : 0) + le32(0) + le32(4321) + name("curl", 20) + le32(0);
    h = h + le16(6) + le16(0) + le32(4321) + name("curl", 20);
    h.resize(headerLength, 0);
    return h + frame;
}

// ---------------------------------------------------------------- 802.11

Bytes llcSnap(uint16_t etherType, const Bytes& payload)
{
    return Bytes{0xAA, 0xAA, 0x03, 0x00, 0x00, 0x00} + be16(etherType) + payload;
}

Bytes ieee80211Data(const Bytes& body, const WlanSpec& spec)
{
    uint8_t flags = 0;
    if (spec.fourAddress)
        flags |= 0x03;
    else
        flags |= spec.toDs ? 0x01 : 0x02;
    if (spec.htControl)
        flags |= 0x80;
    Bytes h = {uint8_t(spec.qos ? 0x88 : 0x08), flags};
    h = h + le16(44) + mac(0xA1) + mac(0xA2) + mac(0xA3) + le16(0x1230); // duration, seq ctl
    if (spec.fourAddress)
        h = h + mac(0xA4);
    if (spec.qos)
        h = h + le16(spec.amsdu ? 0x0085 : 0x0005); // TID 5, A-MSDU present bit
    if (spec.htControl)
        h = h + le32(0);
    if (spec.padTo4)
        pad(h, 4);
    return h + body;
}

Bytes amsdu(const std::vector<Bytes>& msdus)
{
    Bytes body;
    for (size_t i = 0; i < msdus.size(); ++i) {
        body = body + mac(0xB1) + mac(0xB2) + be16(uint16_t(msdus[i].size())) + msdus[i];
        if (i + 1 < msdus.size())
            pad(body, 4);
    }
    return body;
}

Bytes radiotap(const Bytes& frame, const RadiotapSpec& spec)
{
    uint32_t present =
        (1u << 1) | (1u << 2) | (1u << 3) | (1u << 5); // flags, rate, channel, signal
    if (spec.tsft)
        present |= 1u << 0;
    if (spec.extendedPresence)
        present |= 1u << 31;
    Bytes h = {0x00, 0x00, 0x00, 0x00}; // version, pad, length (filled in below)
    h = h + le32(present);
    if (spec.extendedPresence)
        h = h + le32(0);
    if (spec.tsft) {
        pad(h, 8);
        h = h + le32(0x89ABCDEF) + le32(0x00000001);
    }
    // short preamble, FCS at end, data pad
    h.push_back(uint8_t(0x02 | (spec.fcs ? 0x10 : 0x00) | (spec.dataPad ? 0x20 : 0x00)));
    h.push_back(0x16); // rate 11 Mb/s
    pad(h, 2);
    h = h + le16(2437) + le16(0x00A0); // channel 6, 2 GHz CCK
    h.push_back(0xC4);                 // -60 dBm
    h[2] = uint8_t(h.size());
    h[3] = uint8_t(h.size() >> 8);
    Bytes out = h + frame;
    if (spec.fcs)
        out = out + fcs32(frame);
    return out;
}

// ---------------------------------------------------------------- tunnels

Bytes mpls(const std::vector<uint32_t>& labels, const Bytes& payload)
{
    Bytes h;
    for (size_t i = 0; i < labels.size(); ++i) {
        const bool bottom = i + 1 == labels.size();
        h = h + be32((labels[i] & 0xFFFFF) << 12 | (bottom ? 0x100u : 0u) | 64u);
    }
    return h + payload;
}

Bytes gre(uint16_t protocol, const Bytes& payload, const GreSpec& spec)
{
    uint16_t flags = 0;
    if (spec.checksum)
        flags |= 0x8000;
    if (spec.key)
        flags |= 0x2000;
    if (spec.sequence)
        flags |= 0x1000;
    Bytes h = be16(flags) + be16(protocol);
    const size_t checksumAt = h.size();
    if (spec.checksum)
        h = h + be16(0) + be16(0);
    if (spec.key)
        h = h + be32(*spec.key);
    if (spec.sequence)
        h = h + be32(*spec.sequence);
    Bytes out = h + payload;
    if (spec.checksum) {
        const uint16_t sum = internetChecksum(out);
        out[checksumAt] = uint8_t(sum >> 8);
        out[checksumAt + 1] = uint8_t(sum);
    }
    return out;
}

Bytes greEnhanced(const Bytes& pppFrame, uint16_t callId, std::optional<uint32_t> sequence,
                  std::optional<uint32_t> acknowledgement)
{
    uint16_t flags = 0x2001; // key present, version 1
    if (sequence)
        flags |= 0x1000;
    if (acknowledgement)
        flags |= 0x0080;
    Bytes h = be16(flags) + be16(0x880B) + be16(uint16_t(pppFrame.size())) + be16(callId);
    if (sequence)
        h = h + be32(*sequence);
    if (acknowledgement)
        h = h + be32(*acknowledgement);
    return h + pppFrame;
}

Bytes vxlan(uint32_t vni, const Bytes& ethernetFrame)
{
    return Bytes{0x08, 0x00, 0x00, 0x00} + be32(vni << 8) + ethernetFrame;
}

Bytes geneveOption(uint16_t optionClass, uint8_t type, const Bytes& data)
{
    if (data.size() % 4 || data.size() > 124)
        throw std::invalid_argument("Geneve option data must be a multiple of 4 bytes");
    Bytes h = be16(optionClass);
    h.push_back(type);
    h.push_back(uint8_t(data.size() / 4));
    return h + data;
}

Bytes geneve(uint32_t vni, uint16_t protocol, const Bytes& payload, const Bytes& options)
{
    if (options.size() % 4 || options.size() > 252)
        throw std::invalid_argument("Geneve options must be a multiple of 4 bytes");
    Bytes h = {uint8_t(options.size() / 4), 0x00}; // version 0, no O or C flag
    return h + be16(protocol) + be32(vni << 8) + options + payload;
}

Bytes gtpu(const Bytes& ipPacket, const GtpSpec& spec)
{
    const bool optional = spec.sequence || !spec.extensions.empty();
    uint8_t flags = 0x30; // version 1, protocol type GTP
    if (spec.sequence)
        flags |= 0x02;
    if (!spec.extensions.empty())
        flags |= 0x04;
    Bytes body;
    if (optional) {
        body = be16(spec.sequence.value_or(0));
        body.push_back(0); // N-PDU number
        body.push_back(spec.extensions.empty() ? 0 : spec.extensions.front().first);
        for (size_t i = 0; i < spec.extensions.size(); ++i) {
            Bytes content = spec.extensions[i].second;
            while ((content.size() + 2) % 4)
                content.push_back(0);
            const uint8_t next = i + 1 < spec.extensions.size() ? spec.extensions[i + 1].first : 0;
            body.push_back(uint8_t((content.size() + 2) / 4));
            body = body + content;
            body.push_back(next);
        }
    }
    body = body + ipPacket;
    Bytes h = {flags, 0xFF};
    return h + be16(uint16_t(body.size())) + be32(spec.teid) + body;
}

Bytes backboneServiceTag(uint32_t isid, const Bytes& customerFrame)
{
    return be32(0x60000000u | (isid & 0xFFFFFF)) + customerFrame; // priority 3
}

Bytes vnTag(uint16_t etherType, const Bytes& payload)
{
    // direction 1 (from the bridge), destination vif 5, version 0, source vif 9
    return be32(0x80050009) + be16(etherType) + payload;
}

Bytes eTag(uint16_t etherType, const Bytes& payload)
{
    // priority 0, ingress E-CID base 0, GRP 0, E-CID base 0x123, extensions 0
    return be16(0) + be16(0x0123) + be16(0) + be16(etherType) + payload;
}

Bytes nsh(uint8_t nextProtocol, const Bytes& payload, bool mdType1, const Bytes& variableContext)
{
    if (variableContext.size() % 4)
        throw std::invalid_argument("NSH context must be a multiple of 4 bytes");
    const Bytes context = mdType1 ? Bytes(16, 0xC0) : variableContext;
    const size_t words = 2 + context.size() / 4;
    // version 0, TTL 63, length, MD type, next protocol; service path 0x123, index 255
    const uint16_t first = uint16_t(63 << 6 | words);
    Bytes h = be16(first) + Bytes{uint8_t(mdType1 ? 1 : 2), nextProtocol} + be32(0x000123FF);
    return h + context + payload;
}

Bytes vxlanGpe(uint8_t nextProtocol, const Bytes& payload)
{
    return Bytes{0x0C, 0x00, 0x00, nextProtocol} + be32(7001u << 8) + payload;
}

Bytes erspanII(const Bytes& ethernetFrame)
{
    // version 1, VLAN 10; COS 0, encapsulation 0, T 0, session 42; reserved, index 7
    return be16(0x100A) + be16(42) + be32(7) + ethernetFrame;
}

Bytes erspanIII(const Bytes& ethernetFrame, bool platformSubheader)
{
    // version 2, VLAN 10; session 42; timestamp; SGT 0; P 0, frame type 0, hardware id 1,
    // D 0, granularity 3 (IEEE 1588), O
    Bytes h = be16(0x200A) + be16(42) + be32(0x01020304) + be16(0);
    h.push_back(0x00);
    h.push_back(uint8_t(0x10 | 0x06 | (platformSubheader ? 1 : 0)));
    if (platformSubheader)
        h = h + be32(0x18000000) + be32(0x00000005); // platform id 3
    return h + ethernetFrame;
}

Bytes pseudowireControlWord(const Bytes& ethernetFrame, uint16_t sequence)
{
    return be16(0) + be16(sequence) + ethernetFrame;
}

Bytes ayiya(uint8_t nextHeader, const Bytes& payload)
{
    // identity length 2^4 = 16, type 1 (integer); signature 5 words, hash method 2 (SHA-1);
    // authentication method 2, opcode 1 (forward); next header; epoch
    Bytes h = {0x41, 0x52, 0x21, nextHeader};
    h = h + be32(1600000000) + ipBytes("2001:db8:ffff::2") + Bytes(20, 0x5C);
    return h + payload;
}

Bytes teredo(const Bytes& ipv6Packet, bool authentication, bool origin)
{
    Bytes h;
    if (authentication) // client id length 0, authentication value length 0, nonce, confirm
        h = h + be16(0x0001) + Bytes{0, 0} + Bytes(8, 0x77) + Bytes{0};
    if (origin) // port 3544 and address 192.0.2.45, each bit inverted
        h = h + be16(0x0000) + be16(uint16_t(~3544)) + Bytes{0x3F, 0xFF, 0xFD, 0xD2};
    return h + ipv6Packet;
}

Bytes l2tpv2(const Bytes& pppFrame, const L2tpSpec& spec)
{
    uint16_t flags = 0x0002; // version 2
    if (spec.length)
        flags |= 0x4000;
    if (spec.sequence)
        flags |= 0x0800;
    if (spec.offsetSize)
        flags |= 0x0200;
    Bytes rest = be16(0x1234) + be16(0x0042); // tunnel id, session id
    if (spec.sequence)
        rest = rest + be16(3) + be16(4);
    if (spec.offsetSize)
        rest = rest + be16(*spec.offsetSize) + Bytes(*spec.offsetSize, 0);
    rest = rest + pppFrame;
    Bytes h = be16(flags);
    if (spec.length)
        h = h + be16(uint16_t(4 + rest.size()));
    return h + rest;
}

Bytes l2tpv3OverUdp(uint32_t sessionId, const Bytes& payload)
{
    return be16(0x0003) + be16(0) + be32(sessionId) + payload;
}

Bytes icmpUnreachable(const Bytes& quoted)
{
    Bytes m = Bytes{0x03, 0x01} + be16(0) + be32(0) + quoted; // host unreachable
    const uint16_t sum = internetChecksum(m);
    m[2] = uint8_t(sum >> 8);
    m[3] = uint8_t(sum);
    return m;
}

Bytes icmpv6Unreachable(const Bytes& quoted)
{
    return Bytes{0x01, 0x04} + be16(0) + be32(0) + quoted; // port unreachable
}

// ---------------------------------------------------------------- IPv6 extension headers

std::pair<uint8_t, Bytes> ipv6HopByHop()
{
    return {0, {0, 0, 0x01, 0x04, 0, 0, 0, 0}}; // PadN filling the 8 bytes
}

std::pair<uint8_t, Bytes> ipv6DestinationOptions()
{
    return {60, {0, 0, 0x01, 0x04, 0, 0, 0, 0}};
}

std::pair<uint8_t, Bytes> ipv6Routing()
{
    Bytes h = {0, 2, 0, 0, 0, 0, 0, 0}; // length 2 (24 bytes), type 0, segments left 0
    return {43, h + ipBytes("2001:db8:ffff::1")};
}

std::pair<uint8_t, Bytes> authenticationHeader()
{
    Bytes h = {0, 4, 0, 0}; // payload length 4: (4 + 2) * 4 = 24 bytes
    h = h + be32(0x00001000) + be32(1) + Bytes(12, 0xA5); // SPI, sequence, ICV
    return {51, h};
}

std::pair<uint8_t, Bytes> ipv6Fragment(uint16_t offset, bool moreFragments)
{
    Bytes h = {0, 0};
    h = h + be16(uint16_t(offset << 3 | (moreFragments ? 1 : 0))) + be32(0xCAFE0001);
    return {44, h};
}

} // namespace fi::test
