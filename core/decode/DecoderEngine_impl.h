#pragma once
// Implementation of DecoderEngine (included by DecoderEngine.h only).

namespace fi {

namespace detail {
inline const char* etherTypeName(uint16_t t)
{
    switch (t) {
    case 0x0800: return "IPv4";
    case 0x0806: return "ARP";
    case 0x86DD: return "IPv6";
    case 0x8100: return "802.1Q VLAN";
    case 0x88A8: return "802.1ad VLAN";
    case 0x9100: return "QinQ VLAN";
    case 0x8847: return "MPLS unicast";
    case 0x8848: return "MPLS multicast";
    case 0x8863: return "PPPoE discovery";
    case 0x8864: return "PPPoE session";
    case 0x6558: return "Transparent Ethernet bridging";
    case 0x880B: return "PPP";
    case 0x88E7: return "802.1ah I-TAG";
    case 0x8926: return "VN-Tag";
    case 0x893F: return "802.1BR E-Tag";
    case 0x894F: return "NSH";
    case 0x88BE: return "ERSPAN";
    case 0x22EB: return "ERSPAN type III";
    default: return nullptr;
    }
}
inline const char* ipProtocolName(uint8_t p)
{
    switch (p) {
    case 0: return "IPv6 hop-by-hop options";
    case 1: return "ICMP";
    case 4: return "IPv4 (IP-in-IP)";
    case 6: return "TCP";
    case 17: return "UDP";
    case 41: return "IPv6 (IP-in-IP)";
    case 43: return "IPv6 routing";
    case 44: return "IPv6 fragment";
    case 47: return "GRE";
    case 50: return "ESP";
    case 51: return "AH";
    case 58: return "ICMPv6";
    case 59: return "no next header";
    case 60: return "IPv6 destination options";
    case 115: return "L2TPv3";
    case 132: return "SCTP";
    default: return nullptr;
    }
}
/// ISO/IEC TR 9577 network layer protocol identifiers (Frame Relay, ATM LLC routed PDUs).
inline const char* nlpidName(uint8_t id)
{
    switch (id) {
    case 0x80: return "SNAP";
    case 0x8E: return "IPv6";
    case 0xCC: return "IPv4";
    default: return nullptr;
    }
}
} // namespace detail

template <typename Sink>
void DecoderEngine<Sink>::decode(int linkType)
{
    link(linkType, 0, m_cap);
}

// ---------------------------------------------------------------- link layers

/// The header of link type `linkType` at `off`: the capture's own, or one a PKTAP header names.
template <typename Sink>
void DecoderEngine<Sink>::link(int linkType, size_t off, size_t end)
{
    switch (linkType) {
    case LinkType::Ethernet: ethernet(off, end); break;
    case LinkType::LinuxSll: linuxSll(off, end); break;
    case LinkType::LinuxSll2: linuxSll2(off, end); break;
    case LinkType::RawIp:
    case LinkType::RawOpenBsd:
    case LinkType::RawBsdi: rawIp(off, end); break;
    case LinkType::Ipv4: ipv4(off, end); break;
    case LinkType::Ipv6: ipv6(off, end); break;
    case LinkType::Null: nullLoopback(off, end, false); break;
    case LinkType::Loop: nullLoopback(off, end, true); break;
    case LinkType::Ppp:
    case LinkType::PppHdlc: // PPP, or Cisco HDLC framing on the same link types
        if (has(off, 1, end) && (u8(off) == 0x0F || u8(off) == 0x8F))
            ciscoHdlc(off, end);
        else
            ppp(off, end);
        break;
    case LinkType::PppEther: pppoe(off, end); break;
    case LinkType::CiscoHdlc: ciscoHdlc(off, end); break;
    case LinkType::Nflog: nflog(off, end); break;
    case LinkType::Ieee80211: ieee80211(off, end); break;
    case LinkType::Ieee80211Radiotap: radiotap(off, end); break;
    case LinkType::Ipoib: ipoib(off, end); break;
    case LinkType::Arcnet: arcnet(off, end, false); break;
    case LinkType::ArcnetLinux: arcnet(off, end, true); break;
    case LinkType::JuniperEther: juniperEthernet(off, end); break;
    case LinkType::JuniperAtm1: juniperAtm(off, end, false); break;
    case LinkType::JuniperAtm2: juniperAtm(off, end, true); break;
    case LinkType::Fddi: fddi(off, end); break;
    case LinkType::FrameRelay: frameRelay(off, end); break;
    case LinkType::Slip: slip(off, end); break;
    case LinkType::AtmRfc1483: llc(off, end); break; // RFC 2684 LLC encapsulation
    case LinkType::LinuxAtmClip: linuxAtmClip(off, end); break;
    case LinkType::Ipnet: ipnet(off, end); break;
    case LinkType::Pktap:
    case LinkType::User2Pktap: pktap(off, end); break;
    default: stop(DecodeOutcome::UnknownLink, "link type not decoded"); break;
    }
}

template <typename Sink>
void DecoderEngine<Sink>::ethernet(size_t off, size_t end, bool)
{
    if (!enter("ethernet", "Ethernet", off, end, 14))
        return;
    field("dst", FieldValue::mac(m_f + off), off, 6);
    field("src", FieldValue::mac(m_f + off + 6), off + 6, 6);
    typeOrLength(off + 12, end);
}

/// The 2 bytes at `at` (read by the caller's enter()) that end an Ethernet header or a tag: an
/// IEEE 802.3 length (up to 1500), which LLC follows, or an EtherType.
template <typename Sink>
void DecoderEngine<Sink>::typeOrLength(size_t at, size_t end)
{
    const uint16_t type = be16(at);
    if (type <= 1500) {
        field("length", FieldValue::u(type), at, 2);
        llc(at + 2, at + 2 + type < end ? at + 2 + type : end);
        return;
    }
    field("type", FieldValue::named(type, detail::etherTypeName(type)), at, 2);
    etherType(type, at + 2, end);
}

template <typename Sink>
void DecoderEngine<Sink>::llc(size_t off, size_t end)
{
    if (!enter("llc", "LLC", off, end, 3))
        return;
    uint8_t dsap = u8(off), ssap = u8(off + 1);
    field("dsap", FieldValue::hex(dsap, 2), off, 1);
    field("ssap", FieldValue::hex(ssap, 2), off + 1, 1);
    field("control", FieldValue::hex(u8(off + 2), 2), off + 2, 1);
    if (dsap == 0xAA && ssap == 0xAA && u8(off + 2) == 0x03)
        snap(off + 3, end);
    else if (dsap == 0xFE && ssap == 0xFE && u8(off + 2) == 0x03) // routed PDU (RFC 2684)
        nlpid(off + 3, end);
    else if (dsap == 0x06 && ssap == 0x06)
        ipv4(off + 3, end);
    else
        stop(DecodeOutcome::NotTcp, "LLC payload not decoded");
}

/// A SNAP header: an OUI and a protocol identifier, which for the OUIs that carry routed
/// packets (0, and Cisco's 0x0000F8) is an EtherType.
template <typename Sink>
void DecoderEngine<Sink>::snap(size_t off, size_t end)
{
    if (!has(off, 5, end)) {
        stop(DecodeOutcome::Malformed, "SNAP header cut short");
        return;
    }
    field("oui", FieldValue::hex(uint32_t(u8(off)) << 16 | be16(off + 1), 6), off, 3);
    const uint16_t type = be16(off + 3);
    field("type", FieldValue::named(type, detail::etherTypeName(type)), off + 3, 2);
    etherType(type, off + 5, end);
}

/// A network layer protocol identifier (ISO/IEC TR 9577) and the packet it names.
template <typename Sink>
void DecoderEngine<Sink>::nlpid(size_t off, size_t end)
{
    if (!has(off, 1, end)) {
        stop(DecodeOutcome::Malformed, "NLPID cut short");
        return;
    }
    const uint8_t id = u8(off);
    field("nlpid", FieldValue::named(id, detail::nlpidName(id)), off, 1);
    switch (id) {
    case 0xCC: ipv4(off + 1, end); break;
    case 0x8E: ipv6(off + 1, end); break;
    case 0x80: snap(off + 1, end); break;
    default: stop(DecodeOutcome::NotTcp, "NLPID not decoded"); break;
    }
}

template <typename Sink>
void DecoderEngine<Sink>::fddi(size_t off, size_t end)
{
    // Frame control, destination, source, then 802.2 LLC in LLC frames (frame control 0101xxxx
    // asynchronous, 1101xxxx synchronous); MAC and SMT frames carry no packet.
    if (!enter("fddi", "FDDI", off, end, 13))
        return;
    const uint8_t frameControl = u8(off);
    field("frame_control", FieldValue::hex(frameControl, 2), off, 1);
    field("dst", FieldValue::mac(m_f + off + 1), off + 1, 6);
    field("src", FieldValue::mac(m_f + off + 7), off + 7, 6);
    if ((frameControl & 0x70) != 0x50) {
        stop(DecodeOutcome::NotTcp, "FDDI frame without LLC");
        return;
    }
    llc(off + 13, end);
}

template <typename Sink>
void DecoderEngine<Sink>::frameRelay(size_t off, size_t end)
{
    // A Q.922 address of 2 to 4 bytes (the last has the EA bit, bit 0, set), then either the UI
    // control byte 0x03, an optional pad byte 0 and an NLPID (RFC 2427), or (Cisco's
    // encapsulation, as tcpdump and Wireshark read any other byte there) an EtherType.
    if (!enter("fr", "Frame Relay", off, end, 2))
        return;
    size_t addressLength = 0;
    while (addressLength < 4 && has(off, addressLength + 1, end) &&
           (addressLength == 0 || !(u8(off + addressLength - 1) & 1)))
        ++addressLength;
    if (addressLength < 2 || (u8(off) & 1) || !(u8(off + addressLength - 1) & 1)) {
        stop(DecodeOutcome::Malformed, "bad Q.922 address");
        return;
    }
    field("address", FieldValue::raw(m_f + off, addressLength), off, addressLength);
    field("dlci", FieldValue::u((u8(off) & 0xFC) << 2 | u8(off + 1) >> 4), off, 2);
    size_t p = off + addressLength;
    if (!has(p, 2, end)) {
        stop(DecodeOutcome::Malformed, "Frame Relay header cut short");
        return;
    }
    if (u8(p) != 0x03) {
        const uint16_t type = be16(p);
        field("type", FieldValue::named(type, detail::etherTypeName(type)), p, 2);
        etherType(type, p + 2, end);
        return;
    }
    field("control", FieldValue::hex(0x03, 2), p, 1);
    ++p;
    if (u8(p) == 0x00) {
        field("pad", FieldValue::u(0), p, 1);
        ++p;
    }
    nlpid(p, end);
}

template <typename Sink>
void DecoderEngine<Sink>::slip(size_t off, size_t end)
{
    // BSD's 16-byte SLIP pseudo-header: the direction (0 in, 1 out), then the packet's VJ
    // compressed header as it crossed the line (its first byte's high nibble the type: 0x40
    // IP, 0x70 uncompressed TCP, 0x80 and above compressed TCP). The kernel taps the packet
    // after decompression, so an IP datagram always follows (as tcpdump reads it).
    if (!enter("slip", "SLIP", off, end, 16))
        return;
    field("direction", FieldValue::u(u8(off)), off, 1);
    field("compressed_type", FieldValue::hex(u8(off + 1) & 0xF0, 2), off + 1, 1);
    rawIp(off + 16, end);
}

template <typename Sink>
void DecoderEngine<Sink>::linuxAtmClip(size_t off, size_t end)
{
    // Linux Classical IP over ATM: an RFC 1483 LLC/SNAP header when the VC uses one, else the
    // IP packet itself (tcpdump's rule: the 6 bytes AA AA 03 00 00 00 mean LLC).
    static constexpr uint8_t kLlcSnap[] = {0xAA, 0xAA, 0x03, 0x00, 0x00, 0x00};
    bool withLlc = has(off, sizeof kLlcSnap, end);
    for (size_t i = 0; withLlc && i < sizeof kLlcSnap; ++i)
        withLlc = u8(off + i) == kLlcSnap[i];
    if (withLlc)
        llc(off, end);
    else
        rawIp(off, end);
}

template <typename Sink>
void DecoderEngine<Sink>::ipnet(size_t off, size_t end)
{
    // Solaris IPNET: version, address family (Solaris values: 2 IPv4, 26 IPv6), hardware
    // type, packet length, interface index, group interface index, source and destination
    // zone ids (24 bytes, network order).
    if (!enter("ipnet", "IPNET", off, end, 24))
        return;
    const uint8_t family = u8(off + 1);
    field("version", FieldValue::u(u8(off)), off, 1);
    field("family", FieldValue::u(family), off + 1, 1);
    field("packet_length", FieldValue::u(be32(off + 4)), off + 4, 4);
    field("interface_index", FieldValue::u(be32(off + 8)), off + 8, 4);
    switch (family) {
    case 2: ipv4(off + 24, end); break;
    case 26: ipv6(off + 24, end); break;
    default: stop(DecodeOutcome::NotTcp, "address family not decoded"); break;
    }
}

template <typename Sink>
void DecoderEngine<Sink>::pktap(size_t off, size_t end)
{
    // Apple's PKTAP, in the writing host's (little-endian) order: the header's length, the
    // record type (1: a packet follows), the packet's DLT, the interface name, flags, protocol
    // family, link header and trailer lengths, process id and name and more: 108 bytes in its
    // first version, longer in later ones, so its length field says where the packet starts.
    static constexpr size_t kFixedPart = 108;
    if (!enter("pktap", "PKTAP", off, end, kFixedPart))
        return;
    const uint32_t length = le32(off);
    const uint32_t recordType = le32(off + 4);
    const uint32_t dlt = le32(off + 8);
    field("header_length", FieldValue::u(length), off, 4);
    field("record_type", FieldValue::u(recordType), off + 4, 4);
    field("dlt", FieldValue::u(dlt), off + 8, 4);
    field("interface", FieldValue::raw(m_f + off + 12, 24), off + 12, 24);
    field("pid", FieldValue::u(le32(off + 52)), off + 52, 4);
    if (length < kFixedPart || !has(off, length, end)) {
        stop(DecodeOutcome::Malformed, "PKTAP header cut short");
        return;
    }
    if (recordType != 1) {
        stop(DecodeOutcome::NotTcp, "PKTAP record without a packet");
        return;
    }
    link(int(dlt), off + length, end);
}

template <typename Sink>
void DecoderEngine<Sink>::linuxSll(size_t off, size_t end)
{
    if (!enter("linux_sll", "Linux SLL", off, end, 16))
        return;
    field("packet_type", FieldValue::u(be16(off)), off, 2);
    field("hatype", FieldValue::u(be16(off + 2)), off + 2, 2);
    field("halen", FieldValue::u(be16(off + 4)), off + 4, 2);
    field("address", FieldValue::raw(m_f + off + 6, 8), off + 6, 8);
    uint16_t proto = be16(off + 14);
    field("protocol", FieldValue::named(proto, detail::etherTypeName(proto)), off + 14, 2);
    if (be16(off + 2) == 824) { // ARPHRD_NETLINK
        stop(DecodeOutcome::NotTcp, "netlink message");
        return;
    }
    if (proto == 0x0004)
        llc(off + 16, end);
    else
        etherType(proto, off + 16, end);
}

template <typename Sink>
void DecoderEngine<Sink>::linuxSll2(size_t off, size_t end)
{
    if (!enter("linux_sll2", "Linux SLL2", off, end, 20))
        return;
    uint16_t proto = be16(off);
    field("protocol", FieldValue::named(proto, detail::etherTypeName(proto)), off, 2);
    field("interface_index", FieldValue::u(be32(off + 4)), off + 4, 4);
    field("hatype", FieldValue::u(be16(off + 8)), off + 8, 2);
    field("packet_type", FieldValue::u(u8(off + 10)), off + 10, 1);
    field("halen", FieldValue::u(u8(off + 11)), off + 11, 1);
    field("address", FieldValue::raw(m_f + off + 12, 8), off + 12, 8);
    if (be16(off + 8) == 824) {
        stop(DecodeOutcome::NotTcp, "netlink message");
        return;
    }
    if (proto == 0x0004)
        llc(off + 20, end);
    else
        etherType(proto, off + 20, end);
}

template <typename Sink>
void DecoderEngine<Sink>::nullLoopback(size_t off, size_t end, bool networkOrder)
{
    if (!enter(networkOrder ? "loop" : "null", networkOrder ? "Loopback" : "Null/Loopback", off,
               end, 4))
        return;
    uint32_t family = networkOrder ? be32(off) : le32(off);
    if (!networkOrder && family > 0xFFFF) // written on a big-endian host
        family = be32(off);
    field("family", FieldValue::u(family), off, 4);
    switch (family) {
    case 2: ipv4(off + 4, end); break;
    case 24:
    case 28:
    case 30: ipv6(off + 4, end); break;
    default: stop(DecodeOutcome::NotTcp, "address family not decoded"); break;
    }
}

template <typename Sink>
void DecoderEngine<Sink>::ppp(size_t off, size_t end)
{
    if (!enter("ppp", "PPP", off, end, 1))
        return;
    size_t p = off;
    if (has(p, 2, end) && u8(p) == 0xFF && u8(p + 1) == 0x03) {
        field("address", FieldValue::hex(0xFF, 2), p, 1);
        field("control", FieldValue::hex(0x03, 2), p + 1, 1);
        p += 2;
    }
    if (!has(p, 1, end)) {
        stop(DecodeOutcome::Malformed, "PPP protocol cut short");
        return;
    }
    uint16_t proto;
    if (u8(p) & 1) { // compressed one-byte protocol field
        proto = u8(p);
        field("protocol", FieldValue::hex(proto, 4), p, 1);
        p += 1;
    } else {
        if (!has(p, 2, end)) {
            stop(DecodeOutcome::Malformed, "PPP protocol cut short");
            return;
        }
        proto = be16(p);
        field("protocol", FieldValue::hex(proto, 4), p, 2);
        p += 2;
    }
    pppProtocol(proto, p, end);
}

template <typename Sink>
void DecoderEngine<Sink>::pppProtocol(uint16_t proto, size_t off, size_t end)
{
    switch (proto) {
    case 0x0021: ipv4(off, end); break;
    case 0x0057: ipv6(off, end); break;
    case 0x0281:
    case 0x0283: mpls(off, end); break;
    default: stop(DecodeOutcome::NotTcp, "PPP protocol not decoded"); break;
    }
}

template <typename Sink>
void DecoderEngine<Sink>::ciscoHdlc(size_t off, size_t end)
{
    if (!enter("chdlc", "Cisco HDLC", off, end, 4))
        return;
    field("address", FieldValue::hex(u8(off), 2), off, 1);
    field("control", FieldValue::hex(u8(off + 1), 2), off + 1, 1);
    uint16_t type = be16(off + 2);
    field("protocol", FieldValue::named(type, detail::etherTypeName(type)), off + 2, 2);
    etherType(type, off + 4, end);
}

template <typename Sink>
void DecoderEngine<Sink>::nflog(size_t off, size_t end)
{
    if (!enter("nflog", "NFLOG", off, end, 4))
        return;
    uint8_t family = u8(off);
    field("family", FieldValue::u(family), off, 1);
    field("version", FieldValue::u(u8(off + 1)), off + 1, 1);
    field("resource_id", FieldValue::u(be16(off + 2)), off + 2, 2);
    // TLVs in host byte order (little-endian on the hosts that write NFLOG), padded to 4.
    size_t p = off + 4;
    while (has(p, 4, end)) {
        uint16_t length = le16(p);
        uint16_t type = le16(p + 2) & 0x7FFF;
        if (length < 4 || !has(p, length, end))
            break;
        if (type == 9) { // NFULA_PAYLOAD
            field("payload_length", FieldValue::u(length - 4u), p, 4);
            if (family == 2)
                ipv4(p + 4, p + length);
            else if (family == 10)
                ipv6(p + 4, p + length);
            else
                rawIp(p + 4, p + length);
            return;
        }
        p += (size_t(length) + 3) & ~size_t(3);
    }
    stop(DecodeOutcome::Malformed, "no NFLOG payload");
}

template <typename Sink>
void DecoderEngine<Sink>::radiotap(size_t off, size_t end)
{
    if (!enter("radiotap", "Radiotap", off, end, 8))
        return;
    uint16_t length = le16(off + 2);
    field("version", FieldValue::u(u8(off)), off, 1);
    field("length", FieldValue::u(length), off + 2, 2);
    if (length < 8 || !has(off, length, end)) {
        stop(DecodeOutcome::Malformed, "radiotap header cut short");
        return;
    }
    // Walk the presence words to find the Flags field (bit 1), which says whether an FCS ends
    // the frame. TSFT (bit 0, 8 bytes aligned to 8) is the only field that may precede it.
    size_t p = off + 4;
    uint32_t present = le32(p);
    while ((le32(p) & 0x80000000u) && has(p, 8, off + length))
        p += 4;
    p += 4;
    uint8_t flags = 0;
    if (present & 0x2) {
        size_t q = p;
        if (present & 0x1)
            q = off + (((q - off) + 7) & ~size_t(7)) + 8;
        if (q < off + length) {
            flags = u8(q);
            field("flags", FieldValue::hex(flags, 2), q, 1);
        }
    }
    size_t inner = end;
    if ((flags & 0x10) && m_wire >= off + length + 4) { // an FCS ends the frame on the wire
        m_reportedEnd = m_wire - 4;
        if (inner > m_reportedEnd)
            inner = m_reportedEnd;
    }
    ieee80211(off + length, inner, flags & 0x20);
}

template <typename Sink>
void DecoderEngine<Sink>::ieee80211(size_t off, size_t end, bool dataPad)
{
    if (!enter("wlan", "802.11", off, end, 24))
        return;
    uint16_t fc = le16(off);
    uint8_t type = (fc >> 2) & 3, subtype = (fc >> 4) & 0xF, flags = uint8_t(fc >> 8);
    field("frame_control", FieldValue::hex(fc, 4), off, 2);
    field("type", FieldValue::u(type), off, 1);
    field("subtype", FieldValue::u(subtype), off, 1);
    field("addr1", FieldValue::mac(m_f + off + 4), off + 4, 6);
    field("addr2", FieldValue::mac(m_f + off + 10), off + 10, 6);
    field("addr3", FieldValue::mac(m_f + off + 16), off + 16, 6);
    if (type != 2) {
        stop(DecodeOutcome::NotTcp, "not a data frame");
        return;
    }
    if (subtype & 0x4) {
        stop(DecodeOutcome::NotTcp, "data frame without a body");
        return;
    }
    size_t header = 24;
    if ((flags & 0x03) == 0x03)
        header += 6; // addr4
    bool qos = subtype & 0x8;
    if (qos)
        header += 2;
    if (qos && (flags & 0x80))
        header += 4; // HT control
    if (flags & 0x40) {
        stop(DecodeOutcome::NotTcp, "protected frame");
        return;
    }
    const size_t qosAt = 24 + ((flags & 0x03) == 0x03 ? 6 : 0);
    if (dataPad) // radiotap says the header is padded to a multiple of 4 bytes
        header = (header + 3) & ~size_t(3);
    if (qos && has(off, header, end) && (u8(off + qosAt) & 0x80)) { // A-MSDU present
        amsdu(off + header, end);
        return;
    }
    llc(off + header, end);
}

template <typename Sink>
void DecoderEngine<Sink>::amsdu(size_t off, size_t end)
{
    // Aggregate MSDU: subframes of DA, SA, length and an LLC payload. The first subframe is
    // the frame's packet (later ones are further packets the flow index does not count).
    if (!enter("amsdu", "A-MSDU", off, end, 14))
        return;
    field("dst", FieldValue::mac(m_f + off), off, 6);
    field("src", FieldValue::mac(m_f + off + 6), off + 6, 6);
    uint16_t length = be16(off + 12);
    field("length", FieldValue::u(length), off + 12, 2);
    llc(off + 14, off + 14 + length < end ? off + 14 + length : end);
}

template <typename Sink>
void DecoderEngine<Sink>::ipoib(size_t off, size_t end)
{
    // A 40-byte address block (a global route header, or a destination queue pair and GID),
    // then the EtherType and two reserved bytes.
    if (!enter("ipoib", "IPoIB", off, end, 44))
        return;
    field("address", FieldValue::raw(m_f + off, 40), off, 40);
    uint16_t type = be16(off + 40);
    field("type", FieldValue::named(type, detail::etherTypeName(type)), off + 40, 2);
    etherType(type, off + 44, end);
}

template <typename Sink>
void DecoderEngine<Sink>::arcnet(size_t off, size_t end, bool linux)
{
    // BSD: source, destination, protocol. Linux: source, destination, 2-byte offset, protocol.
    // RFC 1201 protocols add a split flag and a sequence number (and 4 bytes more when the
    // split flag is 0xFF, an exception packet); RFC 1051 protocols do not.
    const size_t protoAt = linux ? 4 : 2;
    if (!enter("arcnet", "ARCNET", off, end, protoAt + 1))
        return;
    field("src", FieldValue::hex(u8(off), 2), off, 1);
    field("dst", FieldValue::hex(u8(off + 1), 2), off + 1, 1);
    uint8_t proto = u8(off + protoAt);
    field("protocol", FieldValue::hex(proto, 2), off + protoAt, 1);
    size_t p = off + protoAt + 1;
    switch (proto) {
    case 0xF0: ipv4(p, end); return; // RFC 1051 IP
    case 0xD4:                       // RFC 1201 IP
    case 0xC4:                       // RFC 1201 IPv6
        if (!has(p, 3, end)) {
            stop(DecodeOutcome::Malformed, "ARCNET header cut short");
            return;
        }
        if (u8(p) == 0xFF)
            p += 4;
        p += 3;
        if (proto == 0xD4)
            ipv4(p, end);
        else
            ipv6(p, end);
        return;
    default: stop(DecodeOutcome::NotTcp, "ARCNET protocol not decoded"); return;
    }
}

template <typename Sink>
void DecoderEngine<Sink>::juniperEthernet(size_t off, size_t end)
{
    size_t layer2 = 0;
    if (juniperHeader(off, end, layer2))
        ethernet(layer2, end);
}

/// The header of every Juniper link type: "MGC", a flags byte, then (flag 0x80) a 2-byte
/// extension length and its TLVs. False when nothing follows to decode here: the header is
/// bad, or (flag 0x02) the packet has no layer 2 header and its IP packet has been decoded.
template <typename Sink>
bool DecoderEngine<Sink>::juniperHeader(size_t off, size_t end, size_t& layer2)
{
    if (!enter("juniper", "Juniper", off, end, 4))
        return false;
    if (u8(off) != 'M' || u8(off + 1) != 'G' || u8(off + 2) != 'C') {
        stop(DecodeOutcome::Malformed, "no Juniper magic");
        return false;
    }
    uint8_t flags = u8(off + 3);
    field("flags", FieldValue::hex(flags, 2), off + 3, 1);
    size_t p = off + 4;
    if (flags & 0x80) {
        if (!has(p, 2, end)) {
            stop(DecodeOutcome::Malformed, "Juniper extensions cut short");
            return false;
        }
        field("extension_length", FieldValue::u(be16(p)), p, 2);
        p += 2 + be16(p);
    }
    if (flags & 0x02) { // no layer 2 header: a 4-byte protocol family, then IP
        if (!has(p, 4, end)) {
            stop(DecodeOutcome::Malformed, "Juniper header cut short");
            return false;
        }
        p += 4;
        rawIp(p, end);
        return false;
    }
    layer2 = p;
    return true;
}

template <typename Sink>
void DecoderEngine<Sink>::juniperAtm(size_t off, size_t end, bool atm2)
{
    // After the Juniper header, the ATM PIC's cookie: 4 bytes (ATM1) or 8 (ATM2), as Wireshark
    // reads it (tcpdump lengthens it after an LS or AS cookie id, 0x54 or 0x47, as it does for
    // the multilink PICs). An OAM cell (ATM1: cookie byte 0x80; ATM2: a packet type in the
    // cookie's last byte) carries no packet. Then the VC's encapsulation, which the capture
    // does not name, guessed as Wireshark and tcpdump guess it: LLC (AA AA 03 SNAP, FE FE 03
    // NLPID); on ATM2, Ethernet for outgoing packets with a gap count in the cookie; a Cisco
    // NLPID after 0x03; on ATM2, a PPP protocol number; last, an IPv4 (0x45 to 0x4F) or IPv6
    // (0x6_) first byte.
    size_t p = 0;
    if (!juniperHeader(off, end, p))
        return;
    const size_t cookieLength = atm2 ? 8 : 4;
    if (!has(p, cookieLength, end)) {
        stop(DecodeOutcome::Malformed, "Juniper cookie cut short");
        return;
    }
    field("cookie", FieldValue::raw(m_f + p, cookieLength), p, cookieLength);
    if (atm2 ? (u8(p + 7) & 0x70) != 0 : u8(p) == 0x80) {
        stop(DecodeOutcome::NotTcp, "ATM OAM cell");
        return;
    }
    const bool bridged = atm2 && !(u8(off + 3) & 0x01) && (be32(p) & 0x3F);
    p += cookieLength;
    if (!has(p, 3, end)) {
        stop(DecodeOutcome::Malformed, "ATM payload cut short");
        return;
    }
    const uint32_t llcHeader = uint32_t(be16(p)) << 8 | u8(p + 2);
    if (llcHeader == 0xAAAA03 || llcHeader == 0xFEFE03) {
        llc(p, end);
        return;
    }
    if (bridged) {
        ethernet(p, end);
        return;
    }
    if (u8(p) == 0x03) {
        nlpid(p + 1, end);
        return;
    }
    if (atm2) {
        switch (be16(p)) {
        case 0x0021: case 0x0023: case 0x003D: case 0x0057: case 0x0281: case 0x0283:
        case 0x8021: case 0x8023: case 0x8057: case 0x8281: case 0xC021: case 0xC023:
        case 0xC223: ppp(p, end); return;
        default: break;
        }
    }
    const uint8_t first = u8(p);
    if (first >= 0x45 && first <= 0x4F)
        ipv4(p, end);
    else if ((first >> 4) == 6)
        ipv6(p, end);
    else
        stop(DecodeOutcome::NotTcp, "ATM payload not decoded");
}

template <typename Sink>
void DecoderEngine<Sink>::rawIp(size_t off, size_t end)
{
    if (!has(off, 1, end)) {
        stop(DecodeOutcome::Malformed, "empty frame");
        return;
    }
    switch (u8(off) >> 4) {
    case 4: ipv4(off, end); break;
    case 6: ipv6(off, end); break;
    default: stop(DecodeOutcome::NotTcp, "not IP"); break;
    }
}

// ---------------------------------------------------------------- network and tunnels

template <typename Sink>
void DecoderEngine<Sink>::etherType(uint16_t type, size_t off, size_t end)
{
    switch (type) {
    case 0x0800: ipv4(off, end); break;
    case 0x86DD: ipv6(off, end); break;
    case 0x8100:
    case 0x88A8:
    case 0x9100:
    case 0x9200:
    case 0x9300: vlan(type, off, end); break;
    case 0x8847:
    case 0x8848: mpls(off, end); break;
    case 0x8864: pppoe(off, end); break;
    case 0x6558: ethernet(off, end); break;
    case 0x880B: ppp(off, end); break;
    case 0x883E: wccp(off, end); break;
    case 0x88E7: backboneServiceTag(off, end); break;
    case 0x8926: tagBeforeEtherType("vntag", "VN-Tag", 4, off, end); break;
    case 0x893F: tagBeforeEtherType("etag", "E-Tag", 6, off, end); break;
    case 0x894F: nsh(off, end); break;
    default:
        if (type >= 0x8200 && type <= 0x83FF) // Aruba's GRE with 802.11 frames
            ieee80211(off, end);
        else
            stop(DecodeOutcome::NotTcp, "EtherType not decoded");
        break;
    }
}

template <typename Sink>
void DecoderEngine<Sink>::vlan(uint16_t, size_t off, size_t end)
{
    if (!enter("vlan", "802.1Q", off, end, 4))
        return;
    uint16_t tci = be16(off);
    field("priority", FieldValue::u(tci >> 13), off, 1);
    field("dei", FieldValue::flag(tci & 0x1000), off, 1);
    field("id", FieldValue::u(tci & 0x0FFF), off, 2);
    typeOrLength(off + 2, end);
}

template <typename Sink>
void DecoderEngine<Sink>::backboneServiceTag(size_t off, size_t end)
{
    // IEEE 802.1ah I-TAG: priority, drop eligibility, use-customer-address and reserved bits,
    // the 24-bit service instance id; then the customer's Ethernet header.
    if (!enter("itag", "802.1ah I-TAG", off, end, 4))
        return;
    field("priority", FieldValue::u(u8(off) >> 5), off, 1);
    field("dei", FieldValue::flag(u8(off) & 0x10), off, 1);
    field("uca", FieldValue::flag(u8(off) & 0x08), off, 1);
    field("isid", FieldValue::u(be32(off) & 0xFFFFFF), off + 1, 3);
    ethernet(off + 4, end);
}

/// A tag of `tagLength` bytes that ends in an EtherType (or 802.3 length): Cisco's VN-Tag (4
/// bytes: direction, pointer, destination and source virtual interfaces) and IEEE 802.1BR's
/// E-Tag (6 bytes: priority, ingress and destination E-channel ids).
template <typename Sink>
void DecoderEngine<Sink>::tagBeforeEtherType(const char* key, const char* name, size_t tagLength,
                                             size_t off, size_t end)
{
    if (!enter(key, name, off, end, tagLength + 2))
        return;
    field("tag", FieldValue::raw(m_f + off, tagLength), off, tagLength);
    typeOrLength(off + tagLength, end);
}

template <typename Sink>
void DecoderEngine<Sink>::nsh(size_t off, size_t end)
{
    // Network Service Header (RFC 8300): version, O bit, TTL, the header's length in 4-byte
    // words (context headers included), MD type, next protocol; the service path id and
    // index; then the context headers.
    if (!enter("nsh", "NSH", off, end, 8))
        return;
    const size_t length = size_t(u8(off + 1) & 0x3F) * 4;
    const uint8_t next = u8(off + 3);
    field("version", FieldValue::u(u8(off) >> 6), off, 1);
    field("ttl", FieldValue::u((be16(off) >> 6) & 0x3F), off, 2);
    field("length", FieldValue::u(length), off + 1, 1);
    field("md_type", FieldValue::u(u8(off + 2) & 0x0F), off + 2, 1);
    field("next_protocol", FieldValue::u(next), off + 3, 1);
    field("spi", FieldValue::u(be32(off + 4) >> 8), off + 4, 3);
    field("si", FieldValue::u(u8(off + 7)), off + 7, 1);
    if (length < 8 || !has(off, length, end)) {
        stop(DecodeOutcome::Malformed, "NSH header cut short");
        return;
    }
    nextProtocol(next, off + length, end);
}

/// The next-protocol values NSH and VXLAN-GPE share (IANA "NSH Next Protocol").
template <typename Sink>
void DecoderEngine<Sink>::nextProtocol(uint8_t protocol, size_t off, size_t end)
{
    switch (protocol) {
    case 1: ipv4(off, end); break;
    case 2: ipv6(off, end); break;
    case 3: ethernet(off, end); break;
    case 4: nsh(off, end); break;
    case 5: mpls(off, end); break;
    default: stop(DecodeOutcome::NotTcp, "next protocol not decoded"); break;
    }
}

template <typename Sink>
void DecoderEngine<Sink>::mpls(size_t off, size_t end)
{
    if (!enter("mpls", "MPLS", off, end, 4))
        return;
    size_t p = off;
    for (;;) {
        if (!has(p, 4, end)) {
            stop(DecodeOutcome::Malformed, "MPLS label stack cut short");
            return;
        }
        uint32_t entry = be32(p);
        if constexpr (Sink::kWantsFields) {
            m_sink.beginGroup("label", p, 4);
            field("label", FieldValue::u(entry >> 12), p, 3);
            field("tc", FieldValue::u((entry >> 9) & 7), p + 2, 1);
            field("bottom", FieldValue::flag(entry & 0x100), p + 2, 1);
            field("ttl", FieldValue::u(entry & 0xFF), p + 3, 1);
            m_sink.endGroup();
        }
        p += 4;
        if (entry & 0x100)
            break;
    }
    if (!has(p, 1, end)) {
        stop(DecodeOutcome::Malformed, "MPLS payload missing");
        return;
    }
    // The label stack does not say what it carries; the first nibble after it does, as in
    // Wireshark and RFC 4385: 4 and 6 an IP packet, 0 a pseudowire control word (then the
    // Ethernet frame of an Ethernet pseudowire, the pseudowire type the decoder follows), 1
    // a pseudowire associated channel (OAM, no packet). Other nibbles (an Ethernet pseudowire
    // without a control word among them) are not guessed at.
    switch (u8(p) >> 4) {
    case 4: ipv4(p, end); break;
    case 6: ipv6(p, end); break;
    case 0: pseudowireControlWord(p, end); break;
    case 1: stop(DecodeOutcome::NotTcp, "pseudowire associated channel"); break;
    default: stop(DecodeOutcome::NotTcp, "MPLS payload not decoded"); break;
    }
}

template <typename Sink>
void DecoderEngine<Sink>::pseudowireControlWord(size_t off, size_t end)
{
    // RFC 4385: 0000, flags, fragmentation bits, a length (non-zero only when the packet,
    // control word included, is padded to the 64-byte minimum), a sequence number.
    if (!has(off, 4, end)) {
        stop(DecodeOutcome::Malformed, "pseudowire control word cut short");
        return;
    }
    const size_t length = u8(off + 1) & 0x3F;
    if constexpr (Sink::kWantsFields) {
        m_sink.beginGroup("control_word", off, 4);
        field("flags", FieldValue::hex(u8(off) & 0x0F, 1), off, 1);
        field("length", FieldValue::u(length), off + 1, 1);
        field("sequence", FieldValue::u(be16(off + 2)), off + 2, 2);
        m_sink.endGroup();
    }
    if (length >= 4 && off + length < end)
        end = off + length;
    ethernet(off + 4, end);
}

template <typename Sink>
void DecoderEngine<Sink>::pppoe(size_t off, size_t end)
{
    if (!enter("pppoe", "PPPoE", off, end, 8))
        return;
    field("version", FieldValue::u(u8(off) >> 4), off, 1);
    field("type", FieldValue::u(u8(off) & 0xF), off, 1);
    field("code", FieldValue::hex(u8(off + 1), 2), off + 1, 1);
    field("session_id", FieldValue::hex(be16(off + 2), 4), off + 2, 2);
    uint16_t length = be16(off + 4);
    field("length", FieldValue::u(length), off + 4, 2);
    uint16_t proto = be16(off + 6);
    field("protocol", FieldValue::hex(proto, 4), off + 6, 2);
    size_t payloadEnd = off + 6 + length < end ? off + 6 + length : end;
    if (off + 6 + length < m_reportedEnd) // its length says where the packet ends
        m_reportedEnd = off + 6 + length;
    if (u8(off + 1) != 0x00) {
        stop(DecodeOutcome::NotTcp, "PPPoE discovery");
        return;
    }
    pppProtocol(proto, off + 8, payloadEnd);
}

template <typename Sink>
void DecoderEngine<Sink>::ipv4(size_t off, size_t end)
{
    if (!enter("ipv4", "IPv4", off, end, 20))
        return;
    uint8_t vihl = u8(off);
    size_t ihl = size_t(vihl & 0xF) * 4;
    uint16_t total = be16(off + 2);
    uint16_t frag = be16(off + 6);
    uint8_t proto = u8(off + 9);
    field("version", FieldValue::u(vihl >> 4), off, 1);
    field("hdr_len", FieldValue::u(ihl), off, 1);
    field("tos", FieldValue::hex(u8(off + 1), 2), off + 1, 1);
    field("len", FieldValue::u(total), off + 2, 2);
    field("id", FieldValue::u(be16(off + 4)), off + 4, 2);
    if constexpr (Sink::kWantsFields) {
        m_sink.beginGroup("flags", off + 6, 1);
        field("df", FieldValue::flag(frag & 0x4000), off + 6, 1);
        field("mf", FieldValue::flag(frag & 0x2000), off + 6, 1);
        m_sink.endGroup();
    }
    field("offset", FieldValue::u(size_t(frag & 0x1FFF) * 8), off + 6, 2);
    field("ttl", FieldValue::u(u8(off + 8)), off + 8, 1);
    field("protocol", FieldValue::named(proto, detail::ipProtocolName(proto)), off + 9, 1);
    field("checksum", FieldValue::hex(be16(off + 10), 4), off + 10, 2);
    field("src", FieldValue::ipv4(m_f + off + 12), off + 12, 4);
    field("dst", FieldValue::ipv4(m_f + off + 16), off + 16, 4);
    if ((vihl >> 4) != 4 || ihl < 20 || !has(off, ihl, end) || (total != 0 && total < ihl)) {
        stop(DecodeOutcome::Malformed, "bad IPv4 header");
        return;
    }
    if (total != 0) { // 0: segmentation offload, the frame holds it all
        // A total length past where an enclosing layer says the packet ends is cut there, as
        // Wireshark cuts it ("IPv4 total length exceeds packet length"): the rest is padding.
        reportEnd(off + total);
        if (m_reportedEnd < end)
            end = m_reportedEnd;
    }
    if (frag & 0x1FFF) {
        stop(DecodeOutcome::NotTcp, "IPv4 fragment (not reassembled)");
        return;
    }
    m_continuesPastEnd = frag & 0x2000; // a first fragment
    m_out.src = IpAddress::v4(m_f + off + 12);
    m_out.dst = IpAddress::v4(m_f + off + 16);
    ipProtocol(proto, off + ihl, end);
}

template <typename Sink>
void DecoderEngine<Sink>::ipv6(size_t off, size_t end)
{
    if (!enter("ipv6", "IPv6", off, end, 40))
        return;
    uint32_t first = be32(off);
    uint16_t payload = be16(off + 4);
    uint8_t next = u8(off + 6);
    field("version", FieldValue::u(first >> 28), off, 1);
    field("class", FieldValue::hex((first >> 20) & 0xFF, 2), off, 2);
    field("label", FieldValue::hex(first & 0xFFFFF, 5), off + 1, 3);
    field("payload", FieldValue::u(payload), off + 4, 2);
    field("next", FieldValue::named(next, detail::ipProtocolName(next)), off + 6, 1);
    field("limit", FieldValue::u(u8(off + 7)), off + 7, 1);
    field("src", FieldValue::ipv6(m_f + off + 8), off + 8, 16);
    field("dst", FieldValue::ipv6(m_f + off + 24), off + 24, 16);
    if ((first >> 28) != 6) {
        stop(DecodeOutcome::Malformed, "bad IPv6 header");
        return;
    }
    if (payload != 0) { // 0: a jumbogram or segmentation offload
        reportEnd(off + 40 + payload); // (as IPv4's total length)
        if (m_reportedEnd < end)
            end = m_reportedEnd;
    }
    m_out.src = IpAddress::v6(m_f + off + 8);
    m_out.dst = IpAddress::v6(m_f + off + 24);

    size_t p = off + 40;
    for (int i = 0; i < 16; ++i) { // extension headers
        size_t length;
        switch (next) {
        case 0:
        case 43:
        case 60:
            if (!has(p, 8, end)) {
                stop(DecodeOutcome::Malformed, "IPv6 extension header cut short");
                return;
            }
            length = (size_t(u8(p + 1)) + 1) * 8;
            break;
        case 44:
            if (!has(p, 8, end)) {
                stop(DecodeOutcome::Malformed, "IPv6 fragment header cut short");
                return;
            }
            if (be16(p + 2) & 0xFFF8) {
                stop(DecodeOutcome::NotTcp, "IPv6 fragment (not reassembled)");
                return;
            }
            m_continuesPastEnd = be16(p + 2) & 1; // a first fragment
            length = 8;
            break;
        default: ipProtocol(next, p, end); return;
        }
        if constexpr (Sink::kWantsFields) {
            m_sink.beginGroup(detail::ipProtocolName(next), p, length);
            field("next", FieldValue::named(u8(p), detail::ipProtocolName(u8(p))), p, 1);
            field("length", FieldValue::u(length), p + 1, 1);
            m_sink.endGroup();
        }
        next = u8(p);
        p += length;
        if (p > end) {
            stop(DecodeOutcome::Malformed, "IPv6 extension header cut short");
            return;
        }
    }
    stop(DecodeOutcome::Malformed, "too many IPv6 extension headers");
}

template <typename Sink>
void DecoderEngine<Sink>::ipProtocol(uint8_t proto, size_t off, size_t end)
{
    switch (proto) {
    case 6: tcp(off, end); break;
    case 17: udp(off, end); break;
    case 4: ipv4(off, end); break;
    case 41: ipv6(off, end); break;
    case 47: gre(off, end); break;
    case 51: authenticationHeader(off, end); break;
    case 115:
        if (enter("l2tp", "L2TPv3", off, end, 4))
            l2tpv3Session(off, end);
        break;
    default: stop(DecodeOutcome::NotTcp, "transport not decoded"); break;
    }
}

template <typename Sink>
void DecoderEngine<Sink>::authenticationHeader(size_t off, size_t end)
{
    // IPsec AH (RFC 4302) authenticates but hides nothing: an extension of the IP header
    // around it (as IPv6's extension headers are), walked over.
    if (++m_depth > kMaxDepth) {
        stop(DecodeOutcome::Malformed, "too many nested headers");
        return;
    }
    if (!has(off, 8, end)) {
        stop(DecodeOutcome::Malformed, "AH cut short");
        return;
    }
    const uint8_t next = u8(off);
    const size_t length = (size_t(u8(off + 1)) + 2) * 4;
    if constexpr (Sink::kWantsFields) {
        m_sink.beginGroup("ah", off, length);
        field("next", FieldValue::named(next, detail::ipProtocolName(next)), off, 1);
        field("length", FieldValue::u(length), off + 1, 1);
        field("spi", FieldValue::hex(be32(off + 4), 8), off + 4, 4);
        m_sink.endGroup();
    }
    if (!has(off, length, end)) {
        stop(DecodeOutcome::Malformed, "AH cut short");
        return;
    }
    ipProtocol(next, off + length, end);
}

template <typename Sink>
void DecoderEngine<Sink>::gre(size_t off, size_t end)
{
    if (!enter("gre", "GRE", off, end, 4))
        return;
    uint16_t flags = be16(off);
    uint16_t proto = be16(off + 2);
    field("flags", FieldValue::hex(flags, 4), off, 2);
    field("version", FieldValue::u(flags & 7), off + 1, 1);
    field("protocol", FieldValue::named(proto, detail::etherTypeName(proto)), off + 2, 2);
    size_t p = off + 4;
    if (flags & 0xC000) // checksum present (or routing present, which implies it)
        p += 4;
    if (flags & 0x2000) {
        if (has(p, 4, end))
            field("key", FieldValue::hex(be32(p), 8), p, 4);
        p += 4;
    }
    if (flags & 0x1000) {
        if (has(p, 4, end))
            field("sequence", FieldValue::u(be32(p)), p, 4);
        p += 4;
    }
    if ((flags & 7) == 1 && (flags & 0x0080)) // enhanced GRE (PPTP) acknowledgement
        p += 4;
    if (flags & 0x4000) { // source routing entries, until the NULL entry
        for (;;) {
            if (!has(p, 4, end)) {
                stop(DecodeOutcome::Malformed, "GRE routing cut short");
                return;
            }
            uint8_t length = u8(p + 3);
            p += 4 + length;
            if (be16(p - 4 - length) == 0 && length == 0)
                break;
        }
    }
    if (p > end) {
        stop(DecodeOutcome::Malformed, "GRE header cut short");
        return;
    }
    if (proto == 0x88BE || proto == 0x22EB)
        erspan(proto, flags & 0x1000, p, end);
    else
        etherType(proto, p, end);
}

template <typename Sink>
void DecoderEngine<Sink>::erspan(uint16_t protocol, bool greSequence, size_t off, size_t end)
{
    // ERSPAN in GRE: protocol 0x88BE without a GRE sequence number is type I (no header),
    // with one type II (8 bytes: version 1, VLAN, COS, encapsulation, truncated bit, session
    // id, index); protocol 0x22EB is type III (12 bytes: version 2, VLAN, COS, BSO, T, session
    // id, timestamp, SGT, P, frame type, hardware id, D, granularity, O; an 8-byte platform
    // specific subheader follows when O is set). The mirrored frame is Ethernet (type III's
    // frame type 0; type 2, an IP packet, is not decoded).
    if (protocol == 0x88BE && !greSequence) {
        ethernet(off, end);
        return;
    }
    const bool typeThree = protocol == 0x22EB;
    const size_t length = typeThree ? 12 : 8;
    if (!enter("erspan", "ERSPAN", off, end, length))
        return;
    field("version", FieldValue::u(u8(off) >> 4), off, 1);
    field("vlan", FieldValue::u(be16(off) & 0x0FFF), off, 2);
    field("session_id", FieldValue::u(be16(off + 2) & 0x03FF), off + 2, 2);
    size_t p = off + length;
    if (typeThree) {
        const uint8_t frameType = (u8(off + 10) >> 2) & 0x1F;
        const bool platformSubheader = u8(off + 11) & 0x01;
        field("timestamp", FieldValue::u(be32(off + 4)), off + 4, 4);
        field("frame_type", FieldValue::u(frameType), off + 10, 1);
        field("o", FieldValue::flag(platformSubheader), off + 11, 1);
        if (platformSubheader) {
            if (!has(p, 8, end)) {
                stop(DecodeOutcome::Malformed, "ERSPAN platform subheader cut short");
                return;
            }
            field("platform_subheader", FieldValue::raw(m_f + p, 8), p, 8);
            p += 8;
        }
        if (frameType != 0) {
            stop(DecodeOutcome::NotTcp, "ERSPAN frame type not decoded");
            return;
        }
    } else {
        field("index", FieldValue::u(be32(off + 4) & 0xFFFFF), off + 5, 3);
    }
    ethernet(p, end);
}

template <typename Sink>
void DecoderEngine<Sink>::udp(size_t off, size_t end)
{
    if (!enter("udp", "UDP", off, end, 8))
        return;
    uint16_t sport = be16(off), dport = be16(off + 2), length = be16(off + 4);
    field("srcport", FieldValue::u(sport), off, 2);
    field("dstport", FieldValue::u(dport), off + 2, 2);
    field("len", FieldValue::u(length), off + 4, 2);
    field("checksum", FieldValue::hex(be16(off + 6), 4), off + 6, 2);
    if (length >= 8 && off + length < end)
        end = off + length;
    auto either = [&](uint16_t port) { return sport == port || dport == port; };
    if (either(4789))
        vxlan(off + 8, end);
    else if (either(6081))
        geneve(off + 8, end);
    else if (either(2152))
        gtpu(off + 8, end);
    else if (either(4790))
        vxlanGpe(off + 8, end);
    else if (either(4754)) // GRE-in-UDP (RFC 8086)
        gre(off + 8, end);
    else if (either(1701))
        l2tp(off + 8, end);
    else if (either(3544))
        teredo(off + 8, end);
    else if (either(5072))
        ayiya(off + 8, end);
    else
        stop(DecodeOutcome::NotTcp, "UDP payload not decoded");
}

template <typename Sink>
void DecoderEngine<Sink>::vxlan(size_t off, size_t end)
{
    if (!enter("vxlan", "VXLAN", off, end, 8))
        return;
    field("flags", FieldValue::hex(u8(off), 2), off, 1);
    field("vni", FieldValue::u(be32(off + 4) >> 8), off + 4, 3);
    ethernet(off + 8, end);
}

template <typename Sink>
void DecoderEngine<Sink>::vxlanGpe(size_t off, size_t end)
{
    // VXLAN-GPE: flags (0x04, P: a next protocol is given), reserved, next protocol, VNI;
    // without the P bit, an Ethernet frame as in VXLAN.
    if (!enter("vxlan_gpe", "VXLAN-GPE", off, end, 8))
        return;
    const uint8_t flags = u8(off), next = u8(off + 3);
    field("flags", FieldValue::hex(flags, 2), off, 1);
    field("next_protocol", FieldValue::u(next), off + 3, 1);
    field("vni", FieldValue::u(be32(off + 4) >> 8), off + 4, 3);
    if (flags & 0x04)
        nextProtocol(next, off + 8, end);
    else
        ethernet(off + 8, end);
}

template <typename Sink>
void DecoderEngine<Sink>::ayiya(size_t off, size_t end)
{
    // AYIYA (Anything In Anything): identity length (2^n bytes) and type, signature length (in
    // 4-byte words) and hash method, authentication method and opcode, next header, epoch
    // time; the identity and signature; then, for opcode 1 (forward), the packet the next
    // header names.
    if (!enter("ayiya", "AYIYA", off, end, 8))
        return;
    const size_t identityLength = size_t(1) << (u8(off) >> 4);
    const size_t signatureLength = size_t(u8(off + 1) >> 4) * 4;
    const uint8_t opcode = u8(off + 2) & 0x0F, next = u8(off + 3);
    field("identity_length", FieldValue::u(identityLength), off, 1);
    field("signature_length", FieldValue::u(signatureLength), off + 1, 1);
    field("opcode", FieldValue::u(opcode), off + 2, 1);
    field("next", FieldValue::named(next, detail::ipProtocolName(next)), off + 3, 1);
    field("epoch", FieldValue::u(be32(off + 4)), off + 4, 4);
    const size_t length = 8 + identityLength + signatureLength;
    if (!has(off, length, end)) {
        stop(DecodeOutcome::Malformed, "AYIYA header cut short");
        return;
    }
    if (opcode != 1) {
        stop(DecodeOutcome::NotTcp, "AYIYA message without a packet");
        return;
    }
    ipProtocol(next, off + length, end);
}

template <typename Sink>
void DecoderEngine<Sink>::teredo(size_t off, size_t end)
{
    // Teredo (RFC 4380): an optional authentication indicator (0x0001, client id and
    // authentication value lengths, both values, an 8-byte nonce, a confirmation byte), an
    // optional origin indication (0x0000, obfuscated port and address: 8 bytes), then IPv6.
    if (!enter("teredo", "Teredo", off, end, 1))
        return;
    size_t p = off;
    if (has(p, 4, end) && be16(p) == 0x0001) {
        const size_t length = 4 + size_t(u8(p + 2)) + u8(p + 3) + 8 + 1;
        field("authentication", FieldValue::u(length), p, 4);
        p += length;
    }
    if (has(p, 2, end) && be16(p) == 0x0000) {
        if (has(p, 8, end)) {
            field("origin_port", FieldValue::u(be16(p + 2) ^ 0xFFFFu), p + 2, 2);
            field("origin_address", FieldValue::hex(be32(p + 4) ^ 0xFFFFFFFFu, 8), p + 4, 4);
        }
        p += 8;
    }
    if (!has(p, 1, end)) {
        stop(DecodeOutcome::Malformed, "Teredo header cut short");
        return;
    }
    if (u8(p) >> 4 != 6) {
        stop(DecodeOutcome::NotTcp, "Teredo payload not IPv6");
        return;
    }
    ipv6(p, end);
}

template <typename Sink>
void DecoderEngine<Sink>::l2tp(size_t off, size_t end)
{
    // L2TP over UDP. Version 2 (RFC 2661): flags (T control, L length, S sequence, O offset,
    // P priority) and version; the length (L); tunnel and session ids; Ns and Nr (S); an
    // offset size and that much padding (O); then a PPP frame. Version 3 (RFC 3931): flags
    // and version, 2 reserved bytes, then the session header of L2TPv3 over IP.
    if (!enter("l2tp", "L2TP", off, end, 2))
        return;
    const uint16_t flags = be16(off);
    field("flags", FieldValue::hex(flags, 4), off, 2);
    field("version", FieldValue::u(flags & 0x0F), off + 1, 1);
    if (flags & 0x8000) {
        stop(DecodeOutcome::NotTcp, "L2TP control message");
        return;
    }
    if ((flags & 0x0F) == 3) {
        l2tpv3Session(off + 4, end);
        return;
    }
    if ((flags & 0x0F) != 2) {
        stop(DecodeOutcome::NotTcp, "L2TP version not decoded");
        return;
    }
    size_t p = off + 2;
    if (flags & 0x4000) {
        if (!has(p, 2, end)) {
            stop(DecodeOutcome::Malformed, "L2TP header cut short");
            return;
        }
        const size_t length = be16(p);
        field("length", FieldValue::u(length), p, 2);
        if (off + length < end)
            end = off + length;
        p += 2;
    }
    if (has(p, 4, end)) {
        field("tunnel_id", FieldValue::u(be16(p)), p, 2);
        field("session_id", FieldValue::u(be16(p + 2)), p + 2, 2);
    }
    p += 4;
    if (flags & 0x0800)
        p += 4; // Ns, Nr
    if (flags & 0x0200) {
        if (!has(p, 2, end)) {
            stop(DecodeOutcome::Malformed, "L2TP header cut short");
            return;
        }
        field("offset_size", FieldValue::u(be16(p)), p, 2);
        p += 2 + size_t(be16(p));
    }
    if (p > end) {
        stop(DecodeOutcome::Malformed, "L2TP header cut short");
        return;
    }
    ppp(p, end);
}

template <typename Sink>
void DecoderEngine<Sink>::l2tpv3Session(size_t off, size_t end)
{
    // An L2TPv3 data message: the 4-byte session id (0 marks a control message over IP), then
    // a cookie, an L2-specific sublayer and the pseudowire's frame, whose sizes and type the
    // control connection negotiates. Without following it, the decoder takes the common
    // setting: no cookie (as Wireshark without the control messages), no sublayer, an Ethernet
    // pseudowire (RFC 4719).
    if (!has(off, 4, end)) {
        stop(DecodeOutcome::Malformed, "L2TPv3 session header cut short");
        return;
    }
    const uint32_t session = be32(off);
    field("session_id", FieldValue::u(session), off, 4);
    if (session == 0) {
        stop(DecodeOutcome::NotTcp, "L2TPv3 control message");
        return;
    }
    ethernet(off + 4, end);
}

template <typename Sink>
void DecoderEngine<Sink>::geneve(size_t off, size_t end)
{
    if (!enter("geneve", "Geneve", off, end, 8))
        return;
    size_t optionsLength = size_t(u8(off) & 0x3F) * 4;
    uint16_t proto = be16(off + 2);
    field("version", FieldValue::u(u8(off) >> 6), off, 1);
    field("options_length", FieldValue::u(optionsLength), off, 1);
    field("protocol", FieldValue::named(proto, detail::etherTypeName(proto)), off + 2, 2);
    field("vni", FieldValue::u(be32(off + 4) >> 8), off + 4, 3);
    etherType(proto, off + 8 + optionsLength, end);
}

template <typename Sink>
void DecoderEngine<Sink>::gtpu(size_t off, size_t end)
{
    if (!enter("gtp", "GTP-U", off, end, 8))
        return;
    uint8_t flags = u8(off), type = u8(off + 1);
    field("flags", FieldValue::hex(flags, 2), off, 1);
    field("message_type", FieldValue::hex(type, 2), off + 1, 1);
    field("length", FieldValue::u(be16(off + 2)), off + 2, 2);
    field("teid", FieldValue::hex(be32(off + 4), 8), off + 4, 4);
    if ((flags >> 5) != 1 || !(flags & 0x10) || type != 0xFF) {
        stop(DecodeOutcome::NotTcp, "GTP message not decoded");
        return;
    }
    size_t inner = off + 8 + be16(off + 2);
    if (inner < end)
        end = inner;
    size_t p = off + 8;
    if (flags & 0x07) { // sequence number, N-PDU number, next extension type
        if (!has(p, 4, end)) {
            stop(DecodeOutcome::Malformed, "GTP header cut short");
            return;
        }
        uint8_t nextType = u8(p + 3);
        p += 4;
        while ((flags & 0x04) && nextType != 0) {
            if (!has(p, 1, end) || u8(p) == 0) {
                stop(DecodeOutcome::Malformed, "GTP extension header cut short");
                return;
            }
            size_t length = size_t(u8(p)) * 4;
            if (!has(p, length, end)) {
                stop(DecodeOutcome::Malformed, "GTP extension header cut short");
                return;
            }
            nextType = u8(p + length - 1);
            p += length;
        }
    }
    rawIp(p, end);
}

template <typename Sink>
void DecoderEngine<Sink>::wccp(size_t off, size_t end)
{
    // WCCP redirection in GRE: WCCPv2 puts a 4-byte redirect header before the IPv4 packet,
    // WCCPv1 none.
    if (!has(off, 1, end)) {
        stop(DecodeOutcome::Malformed, "WCCP payload missing");
        return;
    }
    if ((u8(off) >> 4) == 4) {
        ipv4(off, end);
        return;
    }
    if (!enter("wccp", "WCCP", off, end, 4))
        return;
    field("redirect_header", FieldValue::hex(be32(off), 8), off, 4);
    ipv4(off + 4, end);
}

template <typename Sink>
void DecoderEngine<Sink>::tcp(size_t off, size_t end)
{
    if (!enter("tcp", "TCP", off, end, 20))
        return;
    uint8_t dataOffset = u8(off + 12) >> 4;
    uint8_t flags = u8(off + 13);
    size_t headerLength = size_t(dataOffset) * 4;
    field("srcport", FieldValue::u(be16(off)), off, 2);
    field("dstport", FieldValue::u(be16(off + 2)), off + 2, 2);
    field("seq", FieldValue::u(be32(off + 4)), off + 4, 4);
    field("ack", FieldValue::u(be32(off + 8)), off + 8, 4);
    field("hdr_len", FieldValue::u(headerLength), off + 12, 1);
    if constexpr (Sink::kWantsFields) {
        m_sink.beginGroup("flags", off + 12, 2);
        field("ns", FieldValue::flag(u8(off + 12) & 1), off + 12, 1);
        field("cwr", FieldValue::flag(flags & TcpFlag::CWR), off + 13, 1);
        field("ece", FieldValue::flag(flags & TcpFlag::ECE), off + 13, 1);
        field("urg", FieldValue::flag(flags & TcpFlag::URG), off + 13, 1);
        field("ack", FieldValue::flag(flags & TcpFlag::ACK), off + 13, 1);
        field("psh", FieldValue::flag(flags & TcpFlag::PSH), off + 13, 1);
        field("rst", FieldValue::flag(flags & TcpFlag::RST), off + 13, 1);
        field("syn", FieldValue::flag(flags & TcpFlag::SYN), off + 13, 1);
        field("fin", FieldValue::flag(flags & TcpFlag::FIN), off + 13, 1);
        m_sink.endGroup();
    }
    field("window_size", FieldValue::u(be16(off + 14)), off + 14, 2);
    field("checksum", FieldValue::hex(be16(off + 16), 4), off + 16, 2);
    field("urgent_pointer", FieldValue::u(be16(off + 18)), off + 18, 2);
    if (dataOffset < 5) {
        stop(DecodeOutcome::Malformed, "bad TCP data offset");
        return;
    }
    if constexpr (Sink::kWantsFields) {
        size_t optionsEnd = off + headerLength < end ? off + headerLength : end;
        if (optionsEnd > off + 20) {
            m_sink.beginGroup("options", off + 20, optionsEnd - off - 20);
            for (size_t p = off + 20; p < optionsEnd;) {
                uint8_t kind = u8(p);
                if (kind == 0 || kind == 1) {
                    field(kind == 0 ? "eol" : "nop", FieldValue::u(kind), p, 1);
                    ++p;
                    if (kind == 0)
                        break;
                    continue;
                }
                if (p + 2 > optionsEnd || u8(p + 1) < 2 || p + u8(p + 1) > optionsEnd) {
                    field("malformed", FieldValue::raw(m_f + p, optionsEnd - p), p, optionsEnd - p);
                    break;
                }
                size_t length = u8(p + 1);
                if (kind == 2 && length == 4)
                    field("mss", FieldValue::u(be16(p + 2)), p, length);
                else if (kind == 3 && length == 3)
                    field("window_scale", FieldValue::u(u8(p + 2)), p, length);
                else if (kind == 4)
                    field("sack_permitted", FieldValue::flag(true), p, length);
                else if (kind == 8 && length == 10) {
                    m_sink.beginGroup("timestamp", p, length);
                    field("value", FieldValue::u(be32(p + 2)), p + 2, 4);
                    field("echo", FieldValue::u(be32(p + 6)), p + 6, 4);
                    m_sink.endGroup();
                } else if (kind == 5)
                    field("sack", FieldValue::raw(m_f + p + 2, length - 2), p, length);
                else
                    field("option", FieldValue::named(kind, nullptr), p, length);
                p += length;
            }
            m_sink.endGroup();
        }
    }
    m_out.valid = true;
    m_out.outcome = DecodeOutcome::Tcp;
    m_out.srcPort = be16(off);
    m_out.dstPort = be16(off + 2);
    m_out.seq = be32(off + 4);
    m_out.ack = be32(off + 8);
    m_out.flags = flags;
    m_out.window = be16(off + 14);
    // The segment's payload as the IP length gives it, even where the capture cut it short.
    const size_t reported = m_reportedEnd > end ? m_reportedEnd : end;
    m_out.payloadLength = off + headerLength < reported ? uint32_t(reported - off - headerLength) : 0;
    m_out.payloadOffset = uint32_t(off + headerLength);
    m_out.inFirstFragment = m_continuesPastEnd;
    // the options the analysis needs: a SYN's window scale, and the bytes SACK blocks report
    const size_t optionsEnd = off + headerLength < end ? off + headerLength : end;
    m_out.sackedBytes = 0;
    for (size_t p = off + 20; p < optionsEnd;) {
        const uint8_t kind = u8(p);
        if (kind == 0)
            break;
        if (kind == 1) {
            ++p;
            continue;
        }
        if (p + 2 > optionsEnd || u8(p + 1) < 2 || p + u8(p + 1) > optionsEnd)
            break; // malformed: the reading ends, as the rich decode's does
        const size_t optionEnd = p + u8(p + 1);
        if (kind == 3 && (flags & TcpFlag::SYN) && u8(p + 1) == 3 && p + 3 <= optionsEnd)
            m_out.windowScale = int8_t(u8(p + 2) > 14 ? 14 : u8(p + 2)); // RFC 7323: at most 14
        if (kind == 5) // up to three blocks count, as Wireshark keeps them
            for (size_t b = p + 2, n = 0; b + 8 <= optionEnd && n < 3; b += 8, ++n)
                m_out.sackedBytes += be32(b + 4) - be32(b);
        p += u8(p + 1);
    }
}

} // namespace fi
