#pragma once

namespace fi::LinkType {
// LINKTYPE_* values (tcpdump.org/linktypes.html) the decoder understands.
constexpr int Null = 0;
constexpr int Ethernet = 1;
constexpr int Arcnet = 7;
constexpr int Slip = 8;
constexpr int Ppp = 9;
constexpr int Fddi = 10;
constexpr int RawOpenBsd = 12;
constexpr int RawBsdi = 14;
constexpr int PppHdlc = 50;
constexpr int PppEther = 51;
constexpr int AtmRfc1483 = 100;
constexpr int RawIp = 101;
constexpr int CiscoHdlc = 104;
constexpr int Ieee80211 = 105;
constexpr int LinuxAtmClip = 106;
constexpr int FrameRelay = 107;
constexpr int Loop = 108;
constexpr int LinuxSll = 113;
constexpr int Ieee80211Radiotap = 127;
constexpr int JuniperAtm2 = 135;
constexpr int JuniperAtm1 = 137;
/// LINKTYPE_USER2: Apple's PKTAP before it had its own value (tcpdump's test files use it).
constexpr int User2Pktap = 149;
constexpr int ArcnetLinux = 129;
constexpr int JuniperEther = 178;
constexpr int Ppi = 192;
constexpr int Ipnet = 226;
constexpr int Ipv4 = 228;
constexpr int Ipv6 = 229;
constexpr int Nflog = 239;
constexpr int Ipoib = 242;
constexpr int Pktap = 258;
constexpr int LinuxSll2 = 276;
} // namespace fi::LinkType
