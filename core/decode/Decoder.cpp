#include "Decoder.h"

#include "DecoderEngine.h"

namespace fi {

TcpPacket decodeTcp(int linkType, const uint8_t* data, size_t capturedLength, size_t originalLength)
{
    TcpPacket out;
    NullSink sink;
    DecoderEngine<NullSink>(data, capturedLength, originalLength, sink, out).decode(linkType);
    return out;
}

bool isKnownLinkType(int linkType)
{
    return linkTypeName(linkType)[0] != 'D';
}

const char* linkTypeName(int linkType)
{
    switch (linkType) {
    case LinkType::Null: return "BSD loopback";
    case LinkType::Ethernet: return "Ethernet";
    case LinkType::Ppp: return "PPP";
    case LinkType::RawOpenBsd:
    case LinkType::RawBsdi:
    case LinkType::RawIp: return "Raw IP";
    case LinkType::PppHdlc: return "PPP in HDLC framing";
    case LinkType::PppEther: return "PPPoE";
    case LinkType::CiscoHdlc: return "Cisco HDLC";
    case LinkType::Ieee80211: return "802.11";
    case LinkType::Loop: return "OpenBSD loopback";
    case LinkType::LinuxSll: return "Linux cooked (SLL)";
    case LinkType::Ieee80211Radiotap: return "802.11 with radiotap";
    case LinkType::Ipv4: return "IPv4";
    case LinkType::Ipv6: return "IPv6";
    case LinkType::Nflog: return "Linux NFLOG";
    case LinkType::LinuxSll2: return "Linux cooked (SLL2)";
    case LinkType::Arcnet: return "ARCNET";
    case LinkType::ArcnetLinux: return "ARCNET (Linux)";
    case LinkType::JuniperEther: return "Juniper Ethernet";
    case LinkType::JuniperAtm1: return "Juniper ATM1";
    case LinkType::JuniperAtm2: return "Juniper ATM2";
    case LinkType::Ipoib: return "IP over InfiniBand";
    case LinkType::Slip: return "SLIP";
    case LinkType::Fddi: return "FDDI";
    case LinkType::AtmRfc1483: return "ATM (RFC 1483 LLC)";
    case LinkType::LinuxAtmClip: return "Linux ATM CLIP";
    case LinkType::FrameRelay: return "Frame Relay";
    case LinkType::Ipnet: return "Solaris IPNET";
    case LinkType::Pktap:
    case LinkType::User2Pktap: return "Apple PKTAP";
    default: return "DLT (not decoded)";
    }
}

} // namespace fi
