#pragma once

// Builds the link layers and encapsulations the decoder walks through to reach TCP (spec
// section 1), in the style of PacketBuilder.h: each function wraps a payload in one header.
// Multi-byte fields are in network order unless the protocol says otherwise (NFLOG TLVs and
// radiotap are little-endian, BSD NULL is in the writing host's order).

#include "PacketBuilder.h"

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace fi::test {

/// Ones' complement sum of 16-bit words (the Internet checksum), over `bytes`.
uint16_t internetChecksum(const Bytes& bytes);
/// The IEEE 802.3 CRC-32 (Ethernet and 802.11 FCS), in the order it is sent (little-endian).
Bytes fcs32(const Bytes& bytes);

// ---------------------------------------------------------------- link layers

/// Linux cooked capture v1 (LINKTYPE_LINUX_SLL, 113): 16 bytes, `protocol` an EtherType
/// (or 0x0004 for 802.2 LLC).
Bytes linuxSll(uint16_t protocol, const Bytes& payload, uint16_t hatype = 1);
/// Linux cooked capture v2 (LINKTYPE_LINUX_SLL2, 276): 20 bytes.
Bytes linuxSll2(uint16_t protocol, const Bytes& payload, uint16_t hatype = 1);
/// BSD loopback (LINKTYPE_NULL, 0, host order; LINKTYPE_LOOP, 108, network order): a 4-byte
/// address family (2 IPv4; 24, 28 or 30 IPv6).
Bytes nullLoopback(uint32_t family, const Bytes& payload, bool bigEndian);
/// PPP (LINKTYPE_PPP, 9): optional FF 03 address and control, then a 2-byte or (when
/// `compressProtocol` and the protocol fits) a 1-byte protocol field.
Bytes ppp(uint16_t protocol, const Bytes& payload, bool addressControl = true,
          bool compressProtocol = false);
/// A PPPoE session header (RFC 2516) with its PPP protocol: the payload of EtherType 0x8864
/// or of LINKTYPE_PPP_ETHER (51).
Bytes pppoeSession(uint16_t pppProtocol, const Bytes& payload, uint16_t sessionId = 0x0011);
/// Cisco HDLC (LINKTYPE_C_HDLC, 104): address 0x0F, control 0, EtherType.
Bytes ciscoHdlc(uint16_t etherType, const Bytes& payload);
/// Linux NFLOG (LINKTYPE_NFLOG, 239): the 4-byte header, then little-endian TLVs (a packet
/// header, a prefix string, then NFULA_PAYLOAD with `payload`), each padded to 4 bytes.
Bytes nflog(uint8_t family, const Bytes& payload);
/// The same NFLOG frame as a host of the other byte order writes it: every TLV's length and
/// type byte-swapped (what a big-endian pcap file holds; libpcap swaps them back on reading).
Bytes nflogByteSwapped(const Bytes& frame);
/// IP over InfiniBand (LINKTYPE_IPOIB, 242): a 40-byte global route header, the EtherType
/// and two reserved bytes.
Bytes ipoib(uint16_t etherType, const Bytes& payload);
/// Linux ARCNET (LINKTYPE_ARCNET_LINUX, 129): source, destination, a 2-byte offset, the
/// protocol; RFC 1201 protocols (0xD4 IPv4, 0xC4 IPv6) add a split flag and a sequence number,
/// RFC 1051 (0xF0 IPv4) does not.
Bytes arcnetLinux(uint8_t protocol, const Bytes& payload);
/// BSD ARCNET (LINKTYPE_ARCNET_BSD, 7): as arcnetLinux() without the offset.
Bytes arcnetBsd(uint8_t protocol, const Bytes& payload);
/// Juniper Ethernet (LINKTYPE_JUNIPER_ETHER, 178): "MGC", flags, optional extension TLVs,
/// then the Ethernet frame.
Bytes juniperEthernet(const Bytes& ethernetFrame, bool withExtensions);
/// Juniper ATM1 (LINKTYPE_JUNIPER_ATM1, 137) or ATM2 (135): "MGC", flags (incoming, unless
/// `outgoingBridged`), the PIC's cookie (4 or 8 bytes; on ATM2 with a gap count when
/// `outgoingBridged`, which makes an Ethernet frame of the payload), then the payload.
Bytes juniperAtm(bool atm2, const Bytes& payload, bool outgoingBridged = false);
/// Juniper Ethernet with the "no layer 2" flag: a little-endian protocol (2 IPv4, 6 IPv6),
/// then the IP packet.
Bytes juniperNoL2(uint32_t protocol, const Bytes& ipPacket);

/// FDDI (LINKTYPE_FDDI, 10): frame control 0x50 (asynchronous LLC), destination, source,
/// then `llcPayload` (an 802.2 LLC header and what it carries).
Bytes fddi(const Bytes& llcPayload);
/// Frame Relay (LINKTYPE_FRELAY, 107), RFC 2427: a 2-byte Q.922 address (DLCI 100), UI
/// control 0x03, an optional pad byte, the NLPID (0xCC IPv4, 0x8E IPv6, 0x80 SNAP).
Bytes frameRelay(uint8_t nlpid, const Bytes& payload, bool pad = false);
/// Frame Relay with Cisco's encapsulation: the Q.922 address, then an EtherType.
Bytes frameRelayCisco(uint16_t etherType, const Bytes& payload);
/// An LLC header for a routed NLPID-formatted PDU (FE FE 03, then the NLPID), RFC 2684.
Bytes llcNlpid(uint8_t nlpid, const Bytes& payload);
/// BSD SLIP (LINKTYPE_SLIP, 8): the 16-byte pseudo-header (direction, then the compressed
/// header: here the IP header's first 15 bytes, as for a TYPE_IP packet), then the packet.
Bytes slip(const Bytes& ipPacket, uint8_t direction = 0);
/// Solaris IPNET (LINKTYPE_IPNET, 226): the 24-byte header with `family` (2 IPv4, 26 IPv6).
Bytes ipnet(uint8_t family, const Bytes& ipPacket);
/// Apple PKTAP (LINKTYPE_PKTAP, 258, or LINKTYPE_USER2, 149): the little-endian header of
/// `headerLength` bytes (108 in the first version) naming `dlt`, then the frame.
Bytes pktap(uint32_t dlt, const Bytes& frame, uint32_t headerLength = 108);

// ---------------------------------------------------------------- 802.11

/// LLC with a SNAP header (AA AA 03, OUI 0) carrying an EtherType.
Bytes llcSnap(uint16_t etherType, const Bytes& payload);

struct WlanSpec
{
    bool qos = false;         ///< QoS data (subtype 8) instead of data (subtype 0)
    bool fourAddress = false; ///< ToDS and FromDS set: a fourth address (WDS, mesh)
    bool htControl = false;   ///< the Order bit: a 4-byte HT control field after QoS control
    bool toDs = true;         ///< when not fourAddress: to the distribution system
    bool amsdu = false;       ///< QoS control says the body is an A-MSDU (see amsdu())
    bool padTo4 = false;      ///< pad the header to a multiple of 4 bytes (radiotap data pad)
};
/// An 802.11 data frame header followed by `body` (usually llcSnap(...)), without FCS.
Bytes ieee80211Data(const Bytes& body, const WlanSpec& spec = {});

struct RadiotapSpec
{
    bool tsft = false;             ///< a TSFT field (8 bytes, aligned to 8) before Flags
    bool extendedPresence = false; ///< a second presence word (bit 31 of the first set)
    bool fcs = false;              ///< the Flags field says an FCS ends the frame; one is added
    bool dataPad = false;          ///< the Flags field says the 802.11 header is padded to 4 bytes
};
/// An A-MSDU body: per MSDU (an LLC payload) a subframe of DA, SA and length, padded to 4
/// bytes between subframes.
Bytes amsdu(const std::vector<Bytes>& msdus);
/// A radiotap header (LINKTYPE_IEEE802_11_RADIOTAP, 127) with Flags, Rate, Channel and
/// antenna signal, before `frame` (an 802.11 frame); the FCS is appended when spec.fcs.
Bytes radiotap(const Bytes& frame, const RadiotapSpec& spec = {});

// ---------------------------------------------------------------- tunnels

/// An MPLS label stack (bottom-of-stack bit on the last entry, TTL 64) before `payload`.
Bytes mpls(const std::vector<uint32_t>& labels, const Bytes& payload);

struct GreSpec
{
    bool checksum = false;
    std::optional<uint32_t> key;
    std::optional<uint32_t> sequence;
};
/// A GRE header (version 0, RFC 2784/2890) with `protocol` (an EtherType) before `payload`;
/// the checksum is computed when present.
Bytes gre(uint16_t protocol, const Bytes& payload, const GreSpec& spec = {});

/// An enhanced GRE header (version 1, PPTP, RFC 2637) with key (payload length, call id),
/// optional sequence and acknowledgement numbers, before a PPP frame.
Bytes greEnhanced(const Bytes& pppFrame, uint16_t callId, std::optional<uint32_t> sequence,
                  std::optional<uint32_t> acknowledgement);
/// A VXLAN header (flags 0x08, the VNI) before an Ethernet frame.
Bytes vxlan(uint32_t vni, const Bytes& ethernetFrame);
/// One Geneve option: class, type and data (a multiple of 4 bytes).
Bytes geneveOption(uint16_t optionClass, uint8_t type, const Bytes& data);
/// A Geneve header (version 0) with `protocol` (an EtherType) and `options` before `payload`.
Bytes geneve(uint32_t vni, uint16_t protocol, const Bytes& payload, const Bytes& options = {});

struct GtpSpec
{
    uint32_t teid = 0x01020304;
    std::optional<uint16_t> sequence;
    /// Extension headers as (type, content); each content is padded so that with its length
    /// byte and next-type byte it fills whole 4-byte units.
    std::vector<std::pair<uint8_t, Bytes>> extensions;
};
/// A GTP-U G-PDU (version 1, message type 0xFF) carrying an IP packet.
Bytes gtpu(const Bytes& ipPacket, const GtpSpec& spec = {});

/// An IEEE 802.1ah I-TAG (service instance `isid`) before the customer's Ethernet frame: the
/// payload of EtherType 0x88E7.
Bytes backboneServiceTag(uint32_t isid, const Bytes& customerFrame);
/// A Cisco VN-Tag (4 bytes) and the inner EtherType: the payload of EtherType 0x8926.
Bytes vnTag(uint16_t etherType, const Bytes& payload);
/// An IEEE 802.1BR E-Tag (6 bytes) and the inner EtherType: the payload of EtherType 0x893F.
Bytes eTag(uint16_t etherType, const Bytes& payload);
/// A Network Service Header (RFC 8300) with `nextProtocol` (1 IPv4, 2 IPv6, 3 Ethernet):
/// MD type 1 (16 bytes of fixed context) or MD type 2 with `variableContext` bytes.
Bytes nsh(uint8_t nextProtocol, const Bytes& payload, bool mdType1 = true,
          const Bytes& variableContext = {});
/// A VXLAN-GPE header (flags I and P) with `nextProtocol` before `payload`.
Bytes vxlanGpe(uint8_t nextProtocol, const Bytes& payload);
/// An ERSPAN type II header (version 1, session 42): the payload of GRE protocol 0x88BE with
/// a sequence number.
Bytes erspanII(const Bytes& ethernetFrame);
/// An ERSPAN type III header (version 2, frame type 0), with the 8-byte platform specific
/// subheader when `platformSubheader`: the payload of GRE protocol 0x22EB.
Bytes erspanIII(const Bytes& ethernetFrame, bool platformSubheader);
/// An RFC 4385 pseudowire control word (sequence `sequence`) before an Ethernet frame.
Bytes pseudowireControlWord(const Bytes& ethernetFrame, uint16_t sequence = 0);
/// An AYIYA header (16-byte identity, 20-byte SHA-1 signature, opcode 1 forward) with
/// `nextHeader` (an IP protocol number) before `payload`.
Bytes ayiya(uint8_t nextHeader, const Bytes& payload);
/// Teredo (RFC 4380): an optional authentication indicator and origin indication before
/// an IPv6 packet.
Bytes teredo(const Bytes& ipv6Packet, bool authentication, bool origin);

struct L2tpSpec
{
    bool length = false;                ///< L: the length field
    bool sequence = false;              ///< S: Ns and Nr
    std::optional<uint16_t> offsetSize; ///< O: an offset size and that many padding bytes
};
/// An L2TPv2 data message header (RFC 2661) before a PPP frame.
Bytes l2tpv2(const Bytes& pppFrame, const L2tpSpec& spec = {});
/// An L2TPv3 data message over UDP (RFC 3931): flags and version 3, reserved, session id,
/// then `payload` (no cookie, no L2-specific sublayer).
Bytes l2tpv3OverUdp(uint32_t sessionId, const Bytes& payload);

/// An ICMP destination-unreachable error quoting `quoted` (the start of an IP packet).
Bytes icmpUnreachable(const Bytes& quoted);
/// An ICMPv6 destination-unreachable error quoting `quoted`.
Bytes icmpv6Unreachable(const Bytes& quoted);

// ---------------------------------------------------------------- IPv6 extension headers
// For PacketBuilder's ipv6(): (next header value, bytes), the first byte filled in there.

std::pair<uint8_t, Bytes> ipv6HopByHop();
std::pair<uint8_t, Bytes> ipv6DestinationOptions();
/// A type 0 routing header with one address and no segment left.
std::pair<uint8_t, Bytes> ipv6Routing();
/// An authentication header (RFC 4302) with a 12-byte ICV, 24 bytes; also the payload of
/// IPv4 protocol 51 once its first byte (next header) is set.
std::pair<uint8_t, Bytes> authenticationHeader();
/// A fragment header; `offset` in 8-byte units.
std::pair<uint8_t, Bytes> ipv6Fragment(uint16_t offset, bool moreFragments);

} // namespace fi::test
