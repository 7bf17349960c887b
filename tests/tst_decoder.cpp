// The decoder (spec section 1): every link type and encapsulation it must reach TCP through,
// built byte by byte. Each row is decoded by the fast path (decodeTcp) and the rich path
// (decodeLayers), which must agree; the same frames are cut short at every length and
// corrupted byte by byte (never a crash, never a flow packet without the TCP fixed part), and
// written to pcap and pcapng files traced with CaptureTracer.
//
// To look at the frames with Wireshark, run the test with FI_DECODER_DUMP_DIR set to a
// directory: decode() then writes every row to DIR/<row>.pcap (`tshark -r FILE -V`) and its
// expectations to DIR/expected.tsv.

#include "CaptureBuilder.h"
#include "CaptureTracer.h"
#include "Decoder.h"
#include "EncapsulationBuilder.h"
#include "LayerTree.h"
#include "LinkTypes.h"
#include "PacketBuilder.h"
#include "TraceFlow.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <functional>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

using namespace fi;
using namespace fi::test;

namespace {

// Inner (flow) addresses, and the outer addresses of tunnels: a decoder that reports the
// outer header's addresses fails every tunnel row.
constexpr const char* kSrc4 = "192.0.2.10";
constexpr const char* kDst4 = "198.51.100.20";
constexpr const char* kSrc6 = "2001:db8:1::10";
constexpr const char* kDst6 = "2001:db8:2::20";
constexpr const char* kOuterSrc4 = "10.1.1.1";
constexpr const char* kOuterDst4 = "10.2.2.2";
constexpr const char* kOuterSrc6 = "fd00::1";
constexpr const char* kOuterDst6 = "fd00::2";

constexpr uint16_t kEtherIpv4 = 0x0800;
constexpr uint16_t kEtherIpv6 = 0x86DD;
constexpr uint16_t kPppIpv4 = 0x0021;
constexpr uint16_t kPppIpv6 = 0x0057;

constexpr int kUnknownLinkType = 147; // LINKTYPE_USER0

struct Expected
{
    bool flow = false;
    DecodeOutcome outcome = DecodeOutcome::NotTcp;
    std::string src;
    std::string dst;
    uint16_t srcPort = 0;
    uint16_t dstPort = 0;
    uint8_t flags = 0;
    uint32_t payloadLength = 0; ///< the TCP segment's payload (IP length based)
    std::string protocols;      ///< LayerTree::protocols
    /// A flow packet only when captured whole: cut short anywhere, not one. NFLOG: a payload
    /// TLV longer than the captured bytes is not followed (neither does Wireshark).
    bool flowOnlyWhole = false;
};

struct Case
{
    std::string name;
    int linkType = LinkType::Ethernet;
    Bytes frame;
    Expected expect;
    uint32_t wireLength = 0; ///< the original length in capture files; 0: the captured length
};

/// Wraps an inner IP packet (IPv6 when `v6`) into the layers of one row.
using Wrap = std::function<Bytes(const Bytes& ip, bool v6)>;

uint16_t etherTypeOf(bool v6)
{
    return v6 ? kEtherIpv6 : kEtherIpv4;
}

std::string joinProtocols(const std::string& outer, const std::string& inner)
{
    return outer.empty() ? inner : outer + ":" + inner;
}

class CaseTable
{
public:
    std::vector<Case> cases;

    /// The next TCP segment: distinct ports per row, flags cycling through the common ones.
    TcpSpec segment(size_t payload = 12, uint8_t dataOffset = 5)
    {
        static constexpr uint8_t kFlags[] = {
            TcpFlag::SYN,
            TcpFlag::SYN | TcpFlag::ACK,
            TcpFlag::ACK | TcpFlag::PSH,
            TcpFlag::ACK,
            TcpFlag::FIN | TcpFlag::ACK,
            TcpFlag::RST | TcpFlag::ACK,
            TcpFlag::ACK | TcpFlag::URG | TcpFlag::ECE | TcpFlag::CWR,
        };
        TcpSpec s;
        s.srcPort = m_nextPort++;
        s.dstPort = uint16_t(m_nextPort % 2 ? 443 : 8080);
        s.flags = kFlags[m_nextFlags++ % std::size(kFlags)];
        s.seq = 0x10000000u + s.srcPort;
        s.ack = 0x20000000u + s.srcPort;
        s.window = uint16_t(1000 + s.srcPort % 1000);
        s.payload = payload;
        s.dataOffset = dataOffset;
        return s;
    }

    static Bytes tcpIn(bool v6, const TcpSpec& s)
    {
        return v6 ? ipv6(kSrc6, kDst6, 6, tcp(s)) : ipv4(kSrc4, kDst4, 6, tcp(s));
    }

    /// A flow packet whose TCP segment `s` is carried by the inner IP header.
    void flow(const std::string& name, int linkType, Bytes frame, const TcpSpec& s, bool v6,
              const std::string& outer, uint32_t wireLength = 0)
    {
        Expected e;
        e.flow = true;
        e.outcome = DecodeOutcome::Tcp;
        e.src = v6 ? kSrc6 : kSrc4;
        e.dst = v6 ? kDst6 : kDst4;
        e.srcPort = s.srcPort;
        e.dstPort = s.dstPort;
        e.flags = s.flags;
        e.payloadLength = uint32_t(s.payload);
        e.protocols = joinProtocols(outer, v6 ? "IPv6:TCP" : "IPv4:TCP");
        cases.push_back({name, linkType, std::move(frame), e, wireLength});
    }

    /// One row: `wrap` around TCP over IPv4 (or IPv6).
    void flowOne(const std::string& name, int linkType, bool v6, const Wrap& wrap,
                 const std::string& outer)
    {
        const TcpSpec s = segment();
        flow(name, linkType, wrap(tcpIn(v6, s), v6), s, v6, outer);
    }

    /// Two rows, "name, IPv4" and "name, IPv6".
    void flowBoth(const std::string& name, int linkType, const Wrap& wrap, const std::string& outer)
    {
        flowOne(name + ", IPv4", linkType, false, wrap, outer);
        flowOne(name + ", IPv6", linkType, true, wrap, outer);
    }

    void notFlow(const std::string& name, int linkType, Bytes frame, DecodeOutcome outcome,
                 const std::string& protocols)
    {
        Expected e;
        e.outcome = outcome;
        e.protocols = protocols;
        cases.push_back({name, linkType, std::move(frame), e, 0});
    }

private:
    uint16_t m_nextPort = 30001;
    size_t m_nextFlags = 0;
};

Bytes ethernetOf(const Bytes& ip, bool v6)
{
    return ethernet(etherTypeOf(v6), ip);
}

/// An IPv4 header with 4 bytes of options (IHL 6) before `payload`.
Bytes ipv4WithOptions(const std::string& src, const std::string& dst, uint8_t protocol,
                      const Bytes& payload)
{
    Bytes packet = ipv4(src, dst, protocol, payload);
    packet.insert(packet.begin() + 20, {0x01, 0x01, 0x01, 0x00}); // NOP NOP NOP EOL
    packet[0] = 0x46;
    const uint16_t total = uint16_t(packet.size());
    packet[2] = uint8_t(total >> 8);
    packet[3] = uint8_t(total);
    return packet;
}

void addLinkTypeRows(CaseTable& t)
{
    using namespace LinkType;
    const DecodeOutcome notTcp = DecodeOutcome::NotTcp;

    // Ethernet
    t.flowBoth("Ethernet", Ethernet, ethernetOf, "Ethernet");
    t.flowBoth(
        "Ethernet 802.3 length, LLC/SNAP", Ethernet,
        [](const Bytes& ip, bool v6) {
            const Bytes body = llcSnap(etherTypeOf(v6), ip);
            return ethernet(uint16_t(body.size()), body);
        },
        "Ethernet:LLC");
    {
        // An 802.3 length too short for the SNAP header it announces.
        Bytes body = llcSnap(kEtherIpv4, ipv4(kSrc4, kDst4, 6, tcp({})));
        Bytes frame = ethernet(5, body);
        t.notFlow("Ethernet 802.3 length shorter than SNAP", Ethernet, frame,
                  DecodeOutcome::Malformed, "Ethernet:LLC");
    }
    t.notFlow("Ethernet ARP", Ethernet,
              ethernet(0x0806, Bytes{0, 1, 8, 0, 6, 4, 0, 1} + Bytes(20, 0x11)), notTcp,
              "Ethernet");

    // Linux cooked captures
    t.flowBoth(
        "Linux SLL", LinuxSll,
        [](const Bytes& ip, bool v6) { return linuxSll(etherTypeOf(v6), ip); }, "Linux SLL");
    t.flowOne(
        "Linux SLL, 802.1Q", LinuxSll, false,
        [](const Bytes& ip, bool v6) { return linuxSll(0x8100, vlan(7, etherTypeOf(v6), ip)); },
        "Linux SLL:802.1Q");
    t.flowOne(
        "Linux SLL, LLC/SNAP", LinuxSll, false,
        [](const Bytes& ip, bool v6) { return linuxSll(0x0004, llcSnap(etherTypeOf(v6), ip)); },
        "Linux SLL:LLC");
    t.flowBoth(
        "Linux SLL2", LinuxSll2,
        [](const Bytes& ip, bool v6) { return linuxSll2(etherTypeOf(v6), ip); }, "Linux SLL2");
    t.notFlow("Linux SLL2, netlink", LinuxSll2, linuxSll2(0x0000, Bytes(20, 0x00), 824), notTcp,
              "Linux SLL2");

    // Raw IP, in its three link type values, and the IPv4 and IPv6 link types
    const Wrap raw = [](const Bytes& ip, bool) { return ip; };
    t.flowBoth("Raw IP (101)", RawIp, raw, "");
    t.flowBoth("Raw IP (12)", RawOpenBsd, raw, "");
    t.flowBoth("Raw IP (14)", RawBsdi, raw, "");
    t.notFlow("Raw IP, not IP", RawIp, Bytes(40, 0x20), notTcp, "");
    t.flowOne("IPv4 link type", Ipv4, false, raw, "");
    t.flowOne("IPv6 link type", Ipv6, true, raw, "");

    // BSD loopback: NULL in the writer's byte order, LOOP in network order
    const auto null = [](uint32_t family6, bool bigEndian) {
        return [family6, bigEndian](const Bytes& ip, bool v6) {
            return nullLoopback(v6 ? family6 : 2, ip, bigEndian);
        };
    };
    t.flowBoth("NULL little-endian", Null, null(30, false), "Null/Loopback");
    t.flowBoth("NULL big-endian", Null, null(24, true), "Null/Loopback");
    t.flowOne("NULL IPv6 FreeBSD (28)", Null, true, null(28, false), "Null/Loopback");
    t.flowOne("NULL IPv6 BSD (24)", Null, true, null(24, false), "Null/Loopback");
    t.notFlow("NULL unknown family", Null, nullLoopback(17, Bytes(40, 0x45), false), notTcp,
              "Null/Loopback");
    t.flowBoth("LOOP", Loop, null(24, true), "Loopback");

    // PPP: with and without address and control, 2- and 1-byte protocol
    const auto pppWrap = [](bool addressControl, bool compress) {
        return [addressControl, compress](const Bytes& ip, bool v6) {
            return ppp(v6 ? kPppIpv6 : kPppIpv4, ip, addressControl, compress);
        };
    };
    t.flowBoth("PPP FF 03, 2-byte protocol", Ppp, pppWrap(true, false), "PPP");
    t.flowBoth("PPP FF 03, 1-byte protocol", Ppp, pppWrap(true, true), "PPP");
    t.flowBoth("PPP, 2-byte protocol", Ppp, pppWrap(false, false), "PPP");
    t.flowBoth("PPP, 1-byte protocol", Ppp, pppWrap(false, true), "PPP");
    t.flowOne("PPP in HDLC framing (50)", PppHdlc, false, pppWrap(true, false), "PPP");
    t.flowOne(
        "PPP, MPLS", Ppp, true, [](const Bytes& ip, bool) { return ppp(0x0281, mpls({42}, ip)); },
        "PPP:MPLS");
    // LINKTYPE_PPP_HDLC is "PPP in HDLC-like framing, or Cisco PPP with HDLC framing"
    // (address 0x0F or 0x8F, then an EtherType), and Wireshark reads LINKTYPE_PPP frames the
    // same way.
    const Wrap chdlc = [](const Bytes& ip, bool v6) { return ciscoHdlc(etherTypeOf(v6), ip); };
    t.flowOne("PPP in HDLC framing (50), Cisco HDLC", PppHdlc, false, chdlc, "Cisco HDLC");
    t.flowOne("PPP, Cisco HDLC", Ppp, true, chdlc, "Cisco HDLC");
    t.notFlow("PPP LCP", Ppp, ppp(0xC021, Bytes{0x01, 0x01, 0x00, 0x04}), notTcp, "PPP");

    // Linux NFLOG
    t.flowBoth(
        "NFLOG", Nflog, [](const Bytes& ip, bool v6) { return nflog(v6 ? 10 : 2, ip); }, "NFLOG");
    t.cases.back().expect.flowOnlyWhole = true;
    t.cases[t.cases.size() - 2].expect.flowOnlyWhole = true;

    // 802.11 via LLC/SNAP
    const auto wlan = [](WlanSpec spec) {
        return [spec](const Bytes& ip, bool v6) {
            return ieee80211Data(llcSnap(etherTypeOf(v6), ip), spec);
        };
    };
    t.flowBoth("802.11 data to DS", Ieee80211, wlan({}), "802.11:LLC");
    t.flowOne("802.11 data from DS", Ieee80211, false, wlan({false, false, false, false}),
              "802.11:LLC");
    t.flowBoth("802.11 QoS data", Ieee80211, wlan({true, false, false, true}), "802.11:LLC");
    t.flowBoth("802.11 4-address data", Ieee80211, wlan({false, true, false, true}), "802.11:LLC");
    t.flowOne("802.11 QoS 4-address data", Ieee80211, true, wlan({true, true, false, true}),
              "802.11:LLC");
    t.flowOne("802.11 QoS data, HT control", Ieee80211, false, wlan({true, false, true, true}),
              "802.11:LLC");
    t.flowBoth(
        "802.11 QoS data, A-MSDU", Ieee80211,
        [](const Bytes& ip, bool v6) {
            const Bytes second = llcSnap(0x0806, Bytes{0, 1, 8, 0, 6, 4, 0, 1} + Bytes(20, 0));
            return ieee80211Data(amsdu({llcSnap(etherTypeOf(v6), ip), second}),
                                 {true, false, false, true, true});
        },
        "802.11:A-MSDU:LLC");
    {
        Bytes protectedFrame = ieee80211Data(Bytes(48, 0x5A));
        protectedFrame[1] |= 0x40;
        t.notFlow("802.11 protected", Ieee80211, protectedFrame, notTcp, "802.11");
        Bytes nullData = ieee80211Data({});
        nullData[0] = 0x48; // data, subtype 4: null function
        t.notFlow("802.11 null function", Ieee80211, nullData, notTcp, "802.11");
        Bytes beacon = ieee80211Data(Bytes(30, 0x00));
        beacon[0] = 0x80; // management, subtype 8
        beacon[1] = 0x00;
        t.notFlow("802.11 beacon", Ieee80211, beacon, notTcp, "802.11");
    }

    // 802.11 with radiotap, with and without FCS
    const auto radio = [](WlanSpec wlanSpec, RadiotapSpec radiotapSpec) {
        return [wlanSpec, radiotapSpec](const Bytes& ip, bool v6) {
            return radiotap(ieee80211Data(llcSnap(etherTypeOf(v6), ip), wlanSpec), radiotapSpec);
        };
    };
    // With an FCS, the frame cut short (captured < original length) has no FCS in its
    // captured bytes: the TCP fixed part in the last 4 captured bytes still counts.
    t.flowBoth("radiotap", Ieee80211Radiotap, radio({}, {}), "Radiotap:802.11:LLC");
    t.flowBoth("radiotap, FCS", Ieee80211Radiotap, radio({}, {false, false, true}),
               "Radiotap:802.11:LLC");
    // The data pad must not move where QoS control (and its A-MSDU bit) is read.
    t.flowOne(
        "radiotap, data pad, QoS data, A-MSDU", Ieee80211Radiotap, false,
        [](const Bytes& ip, bool v6) {
            return radiotap(ieee80211Data(amsdu({llcSnap(etherTypeOf(v6), ip)}),
                                          {true, false, false, true, true, true}),
                            {false, false, false, true});
        },
        "Radiotap:802.11:A-MSDU:LLC");
    t.flowOne("radiotap, TSFT", Ieee80211Radiotap, false, radio({}, {true, false, false}),
              "Radiotap:802.11:LLC");
    t.flowOne("radiotap, TSFT, extended presence, FCS, QoS data", Ieee80211Radiotap, true,
              radio({true, false, false, true}, {true, true, true}), "Radiotap:802.11:LLC");
    t.flowOne("radiotap, extended presence, QoS 4-address data", Ieee80211Radiotap, false,
              radio({true, true, false, true}, {false, true, false}), "Radiotap:802.11:LLC");
    // The data pad flag: 2 bytes between a 26- or 30-byte header and the body (Atheros).
    t.flowOne("radiotap, data pad, QoS data", Ieee80211Radiotap, false,
              radio({true, false, false, true, false, true}, {false, false, false, true}),
              "Radiotap:802.11:LLC");
    t.flowOne("radiotap, data pad, FCS, 4-address data", Ieee80211Radiotap, true,
              radio({false, true, false, true, false, true}, {true, false, true, true}),
              "Radiotap:802.11:LLC");
    t.flowOne("radiotap, data pad, QoS 4-address data (no padding needed)", Ieee80211Radiotap, true,
              radio({true, true, false, true, false, true}, {false, false, false, true}),
              "Radiotap:802.11:LLC");
    t.flowOne("radiotap, data pad, data (no padding needed)", Ieee80211Radiotap, false,
              radio({false, false, false, true, false, true}, {false, false, false, true}),
              "Radiotap:802.11:LLC");

    // The rarer link types the decoder also walks
    t.flowBoth(
        "ARCNET Linux RFC 1201", ArcnetLinux,
        [](const Bytes& ip, bool v6) { return arcnetLinux(v6 ? 0xC4 : 0xD4, ip); }, "ARCNET");
    t.flowOne(
        "ARCNET Linux RFC 1051", ArcnetLinux, false,
        [](const Bytes& ip, bool) { return arcnetLinux(0xF0, ip); }, "ARCNET");
    t.flowBoth(
        "ARCNET BSD RFC 1201", Arcnet,
        [](const Bytes& ip, bool v6) { return arcnetBsd(v6 ? 0xC4 : 0xD4, ip); }, "ARCNET");
    t.flowBoth(
        "IPoIB", Ipoib, [](const Bytes& ip, bool v6) { return ipoib(etherTypeOf(v6), ip); },
        "IPoIB");
    t.flowBoth(
        "Juniper Ethernet", JuniperEther,
        [](const Bytes& ip, bool v6) { return juniperEthernet(ethernetOf(ip, v6), false); },
        "Juniper:Ethernet");
    t.flowOne(
        "Juniper Ethernet, extensions", JuniperEther, false,
        [](const Bytes& ip, bool v6) { return juniperEthernet(ethernetOf(ip, v6), true); },
        "Juniper:Ethernet");
    t.flowBoth(
        "Juniper Ethernet, no layer 2 header", JuniperEther,
        [](const Bytes& ip, bool v6) { return juniperNoL2(v6 ? 6 : 2, ip); }, "Juniper");
    // Juniper ATM1 and ATM2: the VC's encapsulation guessed as Wireshark and tcpdump guess it
    const auto atmLlc = [](bool atm2) {
        return [atm2](const Bytes& ip, bool v6) {
            return juniperAtm(atm2, llcSnap(etherTypeOf(v6), ip));
        };
    };
    const auto atmIp = [](bool atm2) {
        return [atm2](const Bytes& ip, bool) { return juniperAtm(atm2, ip); };
    };
    t.flowBoth("Juniper ATM1, LLC/SNAP", JuniperAtm1, atmLlc(false), "Juniper:LLC");
    t.flowBoth("Juniper ATM1, VC multiplexed IP", JuniperAtm1, atmIp(false), "Juniper");
    t.flowOne(
        "Juniper ATM1, Cisco NLPID", JuniperAtm1, false,
        [](const Bytes& ip, bool) { return juniperAtm(false, Bytes{0x03, 0xCC} + ip); },
        "Juniper");
    t.flowOne(
        "Juniper ATM1, no layer 2 header", JuniperAtm1, true,
        [](const Bytes& ip, bool) { return juniperNoL2(6, ip); }, "Juniper");
    t.flowBoth("Juniper ATM2, LLC/SNAP", JuniperAtm2, atmLlc(true), "Juniper:LLC");
    t.flowOne("Juniper ATM2, VC multiplexed IP", JuniperAtm2, true, atmIp(true), "Juniper");
    t.flowBoth(
        "Juniper ATM2, PPP", JuniperAtm2,
        [](const Bytes& ip, bool v6) {
            return juniperAtm(true, ppp(v6 ? kPppIpv6 : kPppIpv4, ip, false));
        },
        "Juniper:PPP");
    t.flowOne(
        "Juniper ATM2, outgoing bridged Ethernet", JuniperAtm2, false,
        [](const Bytes& ip, bool v6) { return juniperAtm(true, ethernetOf(ip, v6), true); },
        "Juniper:Ethernet");
    {
        const Bytes packet = ipv4(kSrc4, kDst4, 6, tcp({}));
        Bytes oam = juniperAtm(false, packet);
        oam[4] = 0x80;
        t.notFlow("Juniper ATM1, OAM cell", JuniperAtm1, oam, notTcp, "Juniper");
        Bytes oam2 = juniperAtm(true, packet);
        oam2[11] = 0x10; // a packet type in the cookie's last byte
        t.notFlow("Juniper ATM2, OAM cell", JuniperAtm2, oam2, notTcp, "Juniper");
        Bytes cut = juniperAtm(true, {});
        cut.resize(10); // the cookie cut short
        t.notFlow("Juniper ATM2, cookie cut short", JuniperAtm2, cut, DecodeOutcome::Malformed,
                  "Juniper");
        t.notFlow("Juniper ATM1, payload not guessed", JuniperAtm1,
                  juniperAtm(false, Bytes(40, 0x20)), notTcp, "Juniper");
    }
    t.flowBoth(
        "Cisco HDLC", CiscoHdlc,
        [](const Bytes& ip, bool v6) { return ciscoHdlc(etherTypeOf(v6), ip); }, "Cisco HDLC");
    t.flowBoth(
        "PPPoE link type", PppEther,
        [](const Bytes& ip, bool v6) { return pppoeSession(v6 ? kPppIpv6 : kPppIpv4, ip); },
        "PPPoE");
    t.notFlow("PPPoE link type, discovery", PppEther,
              Bytes{0x11, 0x09, 0x00, 0x00, 0x00, 0x04, 0x01, 0x01, 0x00, 0x00}, notTcp, "PPPoE");

    // FDDI, ATM and Frame Relay: 802.2 LLC, RFC 1483/2684 and RFC 2427 encapsulations
    t.flowBoth(
        "FDDI, LLC/SNAP", Fddi,
        [](const Bytes& ip, bool v6) { return fddi(llcSnap(etherTypeOf(v6), ip)); }, "FDDI:LLC");
    {
        Bytes smt = fddi(Bytes(40, 0x00));
        smt[0] = 0x41; // SMT frame
        t.notFlow("FDDI SMT frame", Fddi, smt, notTcp, "FDDI");
    }
    const auto nlpidOf = [](bool v6) { return uint8_t(v6 ? 0x8E : 0xCC); };
    t.flowBoth(
        "ATM RFC 1483, LLC/SNAP", AtmRfc1483,
        [](const Bytes& ip, bool v6) { return llcSnap(etherTypeOf(v6), ip); }, "LLC");
    t.flowBoth(
        "ATM RFC 1483, LLC NLPID", AtmRfc1483,
        [nlpidOf](const Bytes& ip, bool v6) { return llcNlpid(nlpidOf(v6), ip); }, "LLC");
    t.notFlow("ATM RFC 1483, LLC NLPID CLNP", AtmRfc1483, llcNlpid(0x81, Bytes(30, 0x01)), notTcp,
              "LLC");
    // Wireshark reads every Linux ATM CLIP frame as an IP packet; tcpdump (and the decoder)
    // first looks for an RFC 1483 LLC/SNAP header, which no IP packet can begin with.
    t.flowBoth("Linux ATM CLIP, IP", LinuxAtmClip, raw, "");
    t.flowOne(
        "Linux ATM CLIP, LLC/SNAP", LinuxAtmClip, true,
        [](const Bytes& ip, bool v6) { return llcSnap(etherTypeOf(v6), ip); }, "LLC");
    t.flowBoth(
        "Frame Relay, NLPID", FrameRelay,
        [nlpidOf](const Bytes& ip, bool v6) { return frameRelay(nlpidOf(v6), ip); }, "Frame Relay");
    t.flowOne(
        "Frame Relay, pad, NLPID", FrameRelay, false,
        [nlpidOf](const Bytes& ip, bool v6) { return frameRelay(nlpidOf(v6), ip, true); },
        "Frame Relay");
    t.flowOne(
        "Frame Relay, NLPID SNAP", FrameRelay, true,
        [](const Bytes& ip, bool v6) {
            return frameRelay(0x80, Bytes{0, 0, 0} + be16(etherTypeOf(v6)) + ip, true);
        },
        "Frame Relay");
    t.flowBoth(
        "Frame Relay, Cisco encapsulation", FrameRelay,
        [](const Bytes& ip, bool v6) { return frameRelayCisco(etherTypeOf(v6), ip); },
        "Frame Relay");
    t.notFlow("Frame Relay, Q.933 signalling", FrameRelay,
              frameRelay(0x08, Bytes{0x01, 0x00, 0x75, 0x95, 0x01, 0x01, 0x00}), notTcp,
              "Frame Relay");
    {
        Bytes oneByteAddress = frameRelay(0xCC, ipv4(kSrc4, kDst4, 6, tcp({})));
        oneByteAddress[0] |= 0x01; // EA on the first byte: no valid Q.922 address
        t.notFlow("Frame Relay, 1-byte address", FrameRelay, oneByteAddress,
                  DecodeOutcome::Malformed, "Frame Relay");
    }

    // SLIP, Solaris IPNET, Apple PKTAP. Wireshark (4.0) shows LINKTYPE_SLIP frames as data:
    // it does not read BSD's 16-byte SLIP pseudo-header, which libpcap and tcpdump define.
    t.flowBoth("SLIP", Slip, [](const Bytes& ip, bool) { return slip(ip); }, "SLIP");
    t.flowOne("SLIP, outgoing", Slip, true, [](const Bytes& ip, bool) { return slip(ip, 1); },
              "SLIP");
    t.notFlow("SLIP, not IP", Slip, slip(Bytes(30, 0x20)), notTcp, "SLIP");
    t.flowBoth(
        "IPNET", Ipnet, [](const Bytes& ip, bool v6) { return ipnet(v6 ? 26 : 2, ip); }, "IPNET");
    t.notFlow("IPNET, unknown family", Ipnet, ipnet(17, Bytes(30, 0x45)), notTcp, "IPNET");
    t.flowBoth(
        "PKTAP, Ethernet", Pktap,
        [](const Bytes& ip, bool v6) { return pktap(Ethernet, ethernetOf(ip, v6)); },
        "PKTAP:Ethernet");
    t.flowOne(
        "PKTAP, raw IP (DLT 12)", Pktap, true,
        [](const Bytes& ip, bool) { return pktap(RawOpenBsd, ip); }, "PKTAP");
    t.flowOne(
        "PKTAP, longer header, NULL", Pktap, false,
        [](const Bytes& ip, bool) { return pktap(Null, nullLoopback(2, ip, false), 156); },
        "PKTAP:Null/Loopback");
    t.flowBoth(
        "PKTAP as LINKTYPE_USER2, Ethernet", User2Pktap,
        [](const Bytes& ip, bool v6) { return pktap(Ethernet, ethernetOf(ip, v6)); },
        "PKTAP:Ethernet");
    {
        const Bytes frame = tcpOverIpv4(kSrc4, kDst4, {});
        Bytes tooLong = pktap(Ethernet, frame);
        const size_t claimed = tooLong.size() + 1;
        tooLong[0] = uint8_t(claimed);
        tooLong[1] = uint8_t(claimed >> 8);
        t.notFlow("PKTAP, header length past the frame", Pktap, tooLong, DecodeOutcome::Malformed,
                  "PKTAP");
        Bytes noPacket = pktap(Ethernet, frame);
        noPacket[4] = 0; // record type 0: no packet follows
        t.notFlow("PKTAP, no packet record", Pktap, noPacket, notTcp, "PKTAP");
        t.notFlow("PKTAP, unknown DLT", Pktap, pktap(kUnknownLinkType, frame),
                  DecodeOutcome::UnknownLink, "PKTAP");
    }

    t.notFlow("unknown link type", kUnknownLinkType, tcpOverIpv4(kSrc4, kDst4, {}),
              DecodeOutcome::UnknownLink, "");
}

void addEncapsulationRows(CaseTable& t)
{
    using namespace LinkType;
    const DecodeOutcome notTcp = DecodeOutcome::NotTcp;

    // VLAN tags, several deep
    t.flowBoth(
        "802.1Q", Ethernet,
        [](const Bytes& ip, bool v6) { return ethernet(0x8100, vlan(100, etherTypeOf(v6), ip)); },
        "Ethernet:802.1Q");
    t.flowBoth(
        "802.1ad + 802.1Q", Ethernet,
        [](const Bytes& ip, bool v6) {
            return ethernet(0x88A8, vlan(200, 0x8100, vlan(100, etherTypeOf(v6), ip)));
        },
        "Ethernet:802.1Q:802.1Q");
    t.flowOne(
        "802.1ad + 802.1Q + 802.1Q", Ethernet, true,
        [](const Bytes& ip, bool v6) {
            return ethernet(0x88A8,
                            vlan(300, 0x8100, vlan(200, 0x8100, vlan(100, etherTypeOf(v6), ip))));
        },
        "Ethernet:802.1Q:802.1Q:802.1Q");
    t.flowOne(
        "QinQ 0x9100 + 802.1Q", Ethernet, false,
        [](const Bytes& ip, bool v6) {
            return ethernet(0x9100, vlan(200, 0x8100, vlan(100, etherTypeOf(v6), ip)));
        },
        "Ethernet:802.1Q:802.1Q");
    t.flowOne(
        "802.1Q x8", Ethernet, false,
        [](const Bytes& ip, bool v6) {
            Bytes inner = vlan(8, etherTypeOf(v6), ip);
            for (uint16_t id = 7; id >= 1; --id)
                inner = vlan(id, 0x8100, inner);
            return ethernet(0x8100, inner);
        },
        "Ethernet:802.1Q:802.1Q:802.1Q:802.1Q:802.1Q:802.1Q:802.1Q:802.1Q");

    // Provider backbone bridging and port extender tags
    t.flowBoth(
        "802.1ah I-TAG", Ethernet,
        [](const Bytes& ip, bool v6) {
            return ethernet(0x88E7, backboneServiceTag(0x10203, ethernetOf(ip, v6)));
        },
        "Ethernet:802.1ah I-TAG:Ethernet");
    t.flowOne(
        "802.1ad B-TAG, 802.1ah I-TAG, customer 802.1Q", Ethernet, true,
        [](const Bytes& ip, bool v6) {
            const Bytes customer = ethernet(0x8100, vlan(33, etherTypeOf(v6), ip));
            return ethernet(0x88A8, vlan(100, 0x88E7, backboneServiceTag(0x10204, customer)));
        },
        "Ethernet:802.1Q:802.1ah I-TAG:Ethernet:802.1Q");
    t.flowBoth(
        "VN-Tag", Ethernet,
        [](const Bytes& ip, bool v6) { return ethernet(0x8926, vnTag(etherTypeOf(v6), ip)); },
        "Ethernet:VN-Tag");
    t.flowOne(
        "VN-Tag, 802.1Q", Ethernet, false,
        [](const Bytes& ip, bool v6) {
            return ethernet(0x8926, vnTag(0x8100, vlan(12, etherTypeOf(v6), ip)));
        },
        "Ethernet:VN-Tag:802.1Q");
    t.flowBoth(
        "802.1BR E-Tag", Ethernet,
        [](const Bytes& ip, bool v6) { return ethernet(0x893F, eTag(etherTypeOf(v6), ip)); },
        "Ethernet:E-Tag");
    t.notFlow("802.1BR E-Tag cut before its EtherType", Ethernet,
              ethernet(0x893F, Bytes{0x00, 0x00, 0x01, 0x23, 0x00}), DecodeOutcome::Malformed,
              "Ethernet:E-Tag");

    // Network Service Header
    const auto nshNextOf = [](bool v6) { return uint8_t(v6 ? 2 : 1); };
    t.flowBoth(
        "NSH MD type 1, IP", Ethernet,
        [nshNextOf](const Bytes& ip, bool v6) { return ethernet(0x894F, nsh(nshNextOf(v6), ip)); },
        "Ethernet:NSH");
    t.flowOne(
        "NSH MD type 2, Ethernet", Ethernet, false,
        [](const Bytes& ip, bool v6) {
            return ethernet(0x894F, nsh(3, ethernetOf(ip, v6), false, Bytes(8, 0x0A)));
        },
        "Ethernet:NSH:Ethernet");
    t.notFlow("NSH, next protocol not decoded", Ethernet,
              ethernet(0x894F, nsh(0x7F, Bytes(30, 0x45))), notTcp, "Ethernet:NSH");
    {
        Bytes frame = ethernet(0x894F, nsh(1, ipv4(kSrc4, kDst4, 6, tcp({}))));
        // 63 words: past the frame. Wireshark takes an MD type 1 header as 24 bytes whatever
        // its length says and finds the TCP segment; the decoder believes the length.
        frame[14 + 1] = 0x3F;
        t.notFlow("NSH length past the frame", Ethernet, frame, DecodeOutcome::Malformed,
                  "Ethernet:NSH");
    }

    // MPLS label stacks
    t.flowBoth(
        "MPLS 1 label", Ethernet,
        [](const Bytes& ip, bool) { return ethernet(0x8847, mpls({1000}, ip)); }, "Ethernet:MPLS");
    t.flowBoth(
        "MPLS 3 labels", Ethernet,
        [](const Bytes& ip, bool) {
            return ethernet(0x8847, mpls({16, 17, 1048575}, ip));
        },
        "Ethernet:MPLS");
    t.flowOne(
        "802.1Q, MPLS 2 labels", Ethernet, true,
        [](const Bytes& ip, bool) {
            return ethernet(0x8100, vlan(5, 0x8847, mpls({30, 31}, ip)));
        },
        "Ethernet:802.1Q:MPLS");
    t.flowOne(
        "MPLS pseudowire control word, Ethernet", Ethernet, false,
        [](const Bytes& ip, bool v6) {
            return ethernet(0x8847, mpls({20}, be32(0) + ethernetOf(ip, v6)));
        },
        "Ethernet:MPLS:Ethernet");
    t.flowOne(
        "MPLS 2 labels, pseudowire control word with sequence, Ethernet", Ethernet, true,
        [](const Bytes& ip, bool v6) {
            return ethernet(0x8847, mpls({21, 22}, pseudowireControlWord(ethernetOf(ip, v6), 77)));
        },
        "Ethernet:MPLS:Ethernet");
    t.notFlow("MPLS pseudowire associated channel", Ethernet,
              ethernet(0x8847, mpls({23}, be32(0x10000021) + Bytes(30, 0x45))), notTcp,
              "Ethernet:MPLS");
    t.notFlow("MPLS pseudowire control word cut short", Ethernet,
              ethernet(0x8847, mpls({24}, Bytes{0x00, 0x00})), DecodeOutcome::Malformed,
              "Ethernet:MPLS");

    // PPPoE sessions
    const auto pppoeWrap = [](const Bytes& ip, bool v6) {
        return pppoeSession(v6 ? kPppIpv6 : kPppIpv4, ip);
    };
    t.flowBoth(
        "PPPoE session", Ethernet,
        [pppoeWrap](const Bytes& ip, bool v6) { return ethernet(0x8864, pppoeWrap(ip, v6)); },
        "Ethernet:PPPoE");
    t.flowOne(
        "802.1Q, PPPoE session", Ethernet, false,
        [pppoeWrap](const Bytes& ip, bool v6) {
            return ethernet(0x8100, vlan(10, 0x8864, pppoeWrap(ip, v6)));
        },
        "Ethernet:802.1Q:PPPoE");
    t.notFlow("PPPoE discovery", Ethernet,
              ethernet(0x8863, Bytes{0x11, 0x09, 0x00, 0x00, 0x00, 0x04, 0x01, 0x01, 0x00, 0x00}),
              notTcp, "Ethernet");

    // GRE
    const auto greOver4 = [](GreSpec spec, bool bridged) {
        return [spec, bridged](const Bytes& ip, bool v6) {
            const Bytes inner =
                bridged ? gre(0x6558, ethernetOf(ip, v6), spec) : gre(etherTypeOf(v6), ip, spec);
            return ethernet(kEtherIpv4, ipv4(kOuterSrc4, kOuterDst4, 47, inner));
        };
    };
    t.flowBoth("GRE", Ethernet, greOver4({}, false), "Ethernet:IPv4:GRE");
    t.flowBoth("GRE, key", Ethernet, greOver4({false, 0xABCD0123, std::nullopt}, false),
               "Ethernet:IPv4:GRE");
    t.flowBoth("GRE, key, sequence, checksum", Ethernet, greOver4({true, 77, 123456}, false),
               "Ethernet:IPv4:GRE");
    t.flowOne("GRE, checksum", Ethernet, false, greOver4({true, std::nullopt, std::nullopt}, false),
              "Ethernet:IPv4:GRE");
    t.flowOne("GRE, sequence", Ethernet, true, greOver4({false, std::nullopt, 9}, false),
              "Ethernet:IPv4:GRE");
    t.flowBoth("GRE transparent Ethernet bridging", Ethernet, greOver4({}, true),
               "Ethernet:IPv4:GRE:Ethernet");
    t.flowOne("GRE transparent Ethernet bridging, key", Ethernet, false,
              greOver4({false, 5, std::nullopt}, true), "Ethernet:IPv4:GRE:Ethernet");
    const auto overGre4 = [](const Bytes& greHeaderAndPayload) {
        return ethernet(kEtherIpv4, ipv4(kOuterSrc4, kOuterDst4, 47, greHeaderAndPayload));
    };
    t.flowOne(
        "GRE, MPLS", Ethernet, false,
        [overGre4](const Bytes& ip, bool) {
            return overGre4(gre(0x8847, mpls({100, 200}, ip)));
        },
        "Ethernet:IPv4:GRE:MPLS");
    t.flowBoth(
        "PPTP enhanced GRE, sequence, acknowledgement", Ethernet,
        [overGre4](const Bytes& ip, bool v6) {
            return overGre4(greEnhanced(ppp(v6 ? kPppIpv6 : kPppIpv4, ip), 0x4A1, 17, 16));
        },
        "Ethernet:IPv4:GRE:PPP");
    t.flowOne(
        "PPTP enhanced GRE, sequence, compressed PPP", Ethernet, false,
        [overGre4](const Bytes& ip, bool) {
            return overGre4(greEnhanced(ppp(kPppIpv4, ip, false, true), 0x4A2, 18, std::nullopt));
        },
        "Ethernet:IPv4:GRE:PPP");
    t.flowOne(
        "GRE WCCPv2 redirect header", Ethernet, false,
        [overGre4](const Bytes& ip, bool) { return overGre4(gre(0x883E, be32(0x00120000) + ip)); },
        "Ethernet:IPv4:GRE:WCCP");
    t.flowOne(
        "GRE WCCPv1", Ethernet, false,
        [overGre4](const Bytes& ip, bool) { return overGre4(gre(0x883E, ip)); },
        "Ethernet:IPv4:GRE");
    t.flowOne(
        "GRE Aruba 802.11", Ethernet, false,
        [overGre4](const Bytes& ip, bool v6) {
            return overGre4(gre(0x8210, ieee80211Data(llcSnap(etherTypeOf(v6), ip))));
        },
        "Ethernet:IPv4:GRE:802.11:LLC");
    t.flowOne(
        "GRE, NSH", Ethernet, true,
        [overGre4](const Bytes& ip, bool v6) {
            return overGre4(gre(0x894F, nsh(uint8_t(v6 ? 2 : 1), ip)));
        },
        "Ethernet:IPv4:GRE:NSH");
    // ERSPAN: type I (no GRE sequence number, no header), II and III
    t.flowOne(
        "ERSPAN type I", Ethernet, false,
        [overGre4](const Bytes& ip, bool v6) { return overGre4(gre(0x88BE, ethernetOf(ip, v6))); },
        "Ethernet:IPv4:GRE:Ethernet");
    t.flowBoth(
        "ERSPAN type II", Ethernet,
        [overGre4](const Bytes& ip, bool v6) {
            return overGre4(gre(0x88BE, erspanII(ethernetOf(ip, v6)), {false, std::nullopt, 5}));
        },
        "Ethernet:IPv4:GRE:ERSPAN:Ethernet");
    t.flowBoth(
        "ERSPAN type III", Ethernet,
        [overGre4](const Bytes& ip, bool v6) {
            return overGre4(
                gre(0x22EB, erspanIII(ethernetOf(ip, v6), false), {false, std::nullopt, 6}));
        },
        "Ethernet:IPv4:GRE:ERSPAN:Ethernet");
    t.flowOne(
        "ERSPAN type III, platform subheader", Ethernet, true,
        [overGre4](const Bytes& ip, bool v6) {
            return overGre4(
                gre(0x22EB, erspanIII(ethernetOf(ip, v6), true), {false, std::nullopt, 7}));
        },
        "Ethernet:IPv4:GRE:ERSPAN:Ethernet");
    {
        Bytes mirrored = erspanIII(Bytes(40, 0x45), false);
        mirrored[10] = 0x08; // frame type 2: an IP packet
        t.notFlow("ERSPAN type III, frame type IP", Ethernet,
                  overGre4(gre(0x22EB, mirrored, {false, std::nullopt, 8})), notTcp,
                  "Ethernet:IPv4:GRE:ERSPAN");
        Bytes cut = erspanIII(Bytes{}, true);
        cut.resize(16); // the platform subheader cut short
        t.notFlow("ERSPAN type III, platform subheader cut short", Ethernet,
                  overGre4(gre(0x22EB, cut, {false, std::nullopt, 9})), DecodeOutcome::Malformed,
                  "Ethernet:IPv4:GRE:ERSPAN");
    }
    // L2TPv3 over IP: session id, no cookie, an Ethernet pseudowire. Wireshark (4.0) leaves an
    // L2TPv3 payload as data unless the control connection or "Decode As" gives the
    // pseudowire type; the decoder assumes the common Ethernet pseudowire.
    t.flowBoth(
        "L2TPv3 over IP, Ethernet", Ethernet,
        [](const Bytes& ip, bool v6) {
            return ethernet(kEtherIpv4,
                            ipv4(kOuterSrc4, kOuterDst4, 115, be32(0x1001) + ethernetOf(ip, v6)));
        },
        "Ethernet:IPv4:L2TPv3:Ethernet");
    t.notFlow("L2TPv3 over IP, control message", Ethernet,
              ethernet(kEtherIpv4, ipv4(kOuterSrc4, kOuterDst4, 115,
                                        be32(0) + be16(0xC803) + be16(20) + Bytes(16, 0))),
              notTcp, "Ethernet:IPv4:L2TPv3");
    t.flowBoth(
        "GRE over IPv6", Ethernet,
        [](const Bytes& ip, bool v6) {
            return ethernet(kEtherIpv6, ipv6(kOuterSrc6, kOuterDst6, 47, gre(etherTypeOf(v6), ip)));
        },
        "Ethernet:IPv6:GRE");

    // IP in IP: the flow's addresses are the inner header's
    t.flowOne(
        "IP-in-IP 4in4", Ethernet, false,
        [](const Bytes& ip, bool) {
            return ethernet(kEtherIpv4, ipv4(kOuterSrc4, kOuterDst4, 4, ip));
        },
        "Ethernet:IPv4");
    t.flowOne(
        "IP-in-IP 6in4", Ethernet, true,
        [](const Bytes& ip, bool) {
            return ethernet(kEtherIpv4, ipv4(kOuterSrc4, kOuterDst4, 41, ip));
        },
        "Ethernet:IPv4");
    t.flowOne(
        "IP-in-IP 4in6", Ethernet, false,
        [](const Bytes& ip, bool) {
            return ethernet(kEtherIpv6, ipv6(kOuterSrc6, kOuterDst6, 4, ip));
        },
        "Ethernet:IPv6");
    t.flowOne(
        "IP-in-IP 6in6", Ethernet, true,
        [](const Bytes& ip, bool) {
            return ethernet(kEtherIpv6, ipv6(kOuterSrc6, kOuterDst6, 41, ip));
        },
        "Ethernet:IPv6");
    t.flowOne(
        "IP-in-IP 4in6in4", RawIp, false,
        [](const Bytes& ip, bool) {
            return ipv4(kOuterSrc4, kOuterDst4, 41, ipv6(kOuterSrc6, kOuterDst6, 4, ip));
        },
        "IPv4:IPv6");

    // UDP tunnels
    const auto overUdp4 = [](uint16_t dstPort, const Bytes& payload) {
        return ethernet(kEtherIpv4, ipv4(kOuterSrc4, kOuterDst4, 17, udp(49152, dstPort, payload)));
    };
    const auto overUdp6 = [](uint16_t dstPort, const Bytes& payload) {
        return ethernet(kEtherIpv6, ipv6(kOuterSrc6, kOuterDst6, 17, udp(49152, dstPort, payload)));
    };
    t.flowBoth(
        "VXLAN", Ethernet,
        [overUdp4](const Bytes& ip, bool v6) {
            return overUdp4(4789, vxlan(5001, ethernetOf(ip, v6)));
        },
        "Ethernet:IPv4:UDP:VXLAN:Ethernet");
    t.flowOne(
        "VXLAN over IPv6, inner 802.1Q", Ethernet, false,
        [overUdp6](const Bytes& ip, bool v6) {
            return overUdp6(4789, vxlan(5002, ethernet(0x8100, vlan(12, etherTypeOf(v6), ip))));
        },
        "Ethernet:IPv6:UDP:VXLAN:Ethernet:802.1Q");
    const Bytes geneveOptions =
        geneveOption(0x0102, 0x80, Bytes{1, 2, 3, 4}) + geneveOption(0xFFFF, 0x01, Bytes(8, 9));
    t.flowBoth(
        "Geneve, Ethernet", Ethernet,
        [overUdp4](const Bytes& ip, bool v6) {
            return overUdp4(6081, geneve(77, 0x6558, ethernetOf(ip, v6)));
        },
        "Ethernet:IPv4:UDP:Geneve:Ethernet");
    t.flowBoth(
        "Geneve, options, IP", Ethernet,
        [overUdp4, geneveOptions](const Bytes& ip, bool v6) {
            return overUdp4(6081, geneve(78, etherTypeOf(v6), ip, geneveOptions));
        },
        "Ethernet:IPv4:UDP:Geneve");
    t.flowOne(
        "Geneve over IPv6, options, Ethernet", Ethernet, true,
        [overUdp6, geneveOptions](const Bytes& ip, bool v6) {
            return overUdp6(6081, geneve(79, 0x6558, ethernetOf(ip, v6), geneveOptions));
        },
        "Ethernet:IPv6:UDP:Geneve:Ethernet");
    const auto gtpWrap = [overUdp4](GtpSpec spec) {
        return [overUdp4, spec](const Bytes& ip, bool) { return overUdp4(2152, gtpu(ip, spec)); };
    };
    t.flowBoth("GTP-U", Ethernet, gtpWrap({}), "Ethernet:IPv4:UDP:GTP-U");
    t.flowBoth("GTP-U, sequence", Ethernet, gtpWrap({0x11, 4321, {}}), "Ethernet:IPv4:UDP:GTP-U");
    t.flowBoth("GTP-U, PDU session container", Ethernet,
               gtpWrap({0x12, std::nullopt, {{0x85, Bytes{0x00, 0x09}}}}),
               "Ethernet:IPv4:UDP:GTP-U");
    t.flowOne("GTP-U, sequence, two extension headers", Ethernet, false,
              gtpWrap({0x13, 99, {{0x40, Bytes{0x08, 0x68}}, {0x85, Bytes{0x10, 0x05}}}}),
              "Ethernet:IPv4:UDP:GTP-U");
    t.flowOne(
        "GTP-U over IPv6", Ethernet, true,
        [overUdp6](const Bytes& ip, bool) {
            return overUdp6(2152, gtpu(ip, {0x14, 1, {}}));
        },
        "Ethernet:IPv6:UDP:GTP-U");
    {
        Bytes echo = gtpu(Bytes{0x0E, 0x00}, {0, 7, {}});
        echo[1] = 0x01; // echo request, not a G-PDU
        echo[4] = echo[5] = echo[6] = echo[7] = 0;
        t.notFlow("GTP-U echo request", Ethernet, overUdp4(2152, echo), notTcp,
                  "Ethernet:IPv4:UDP:GTP-U");
    }
    t.flowBoth(
        "VXLAN-GPE, IP", Ethernet,
        [overUdp4, nshNextOf](const Bytes& ip, bool v6) {
            return overUdp4(4790, vxlanGpe(nshNextOf(v6), ip));
        },
        "Ethernet:IPv4:UDP:VXLAN-GPE");
    t.flowOne(
        "VXLAN-GPE, NSH, Ethernet", Ethernet, true,
        [overUdp4](const Bytes& ip, bool v6) {
            return overUdp4(4790, vxlanGpe(4, nsh(3, ethernetOf(ip, v6))));
        },
        "Ethernet:IPv4:UDP:VXLAN-GPE:NSH:Ethernet");
    t.flowBoth(
        "GRE-in-UDP", Ethernet,
        [overUdp4](const Bytes& ip, bool v6) { return overUdp4(4754, gre(etherTypeOf(v6), ip)); },
        "Ethernet:IPv4:UDP:GRE");
    t.flowOne(
        "GRE-in-UDP over IPv6, key, Ethernet", Ethernet, false,
        [overUdp6](const Bytes& ip, bool v6) {
            return overUdp6(4754, gre(0x6558, ethernetOf(ip, v6), {false, 99, std::nullopt}));
        },
        "Ethernet:IPv6:UDP:GRE:Ethernet");
    t.flowBoth(
        "AYIYA", Ethernet,
        [overUdp4](const Bytes& ip, bool v6) { return overUdp4(5072, ayiya(v6 ? 41 : 4, ip)); },
        "Ethernet:IPv4:UDP:AYIYA");
    {
        Bytes heartbeat = ayiya(59, {});
        heartbeat[2] = 0x20; // opcode 0: heartbeat
        t.notFlow("AYIYA heartbeat", Ethernet, overUdp4(5072, heartbeat), notTcp,
                  "Ethernet:IPv4:UDP:AYIYA");
        Bytes cut = ayiya(6, {});
        cut.resize(30); // identity and signature announced, not there
        t.notFlow("AYIYA header cut short", Ethernet, overUdp4(5072, cut), DecodeOutcome::Malformed,
                  "Ethernet:IPv4:UDP:AYIYA");
    }
    const auto teredoWrap = [overUdp4](bool authentication, bool origin) {
        return [overUdp4, authentication, origin](const Bytes& ip, bool) {
            return overUdp4(3544, teredo(ip, authentication, origin));
        };
    };
    t.flowOne("Teredo", Ethernet, true, teredoWrap(false, false), "Ethernet:IPv4:UDP:Teredo");
    t.flowOne("Teredo, origin indication", Ethernet, true, teredoWrap(false, true),
              "Ethernet:IPv4:UDP:Teredo");
    t.flowOne("Teredo, authentication, origin indication", Ethernet, true, teredoWrap(true, true),
              "Ethernet:IPv4:UDP:Teredo");
    t.notFlow("Teredo, not IPv6", Ethernet,
              overUdp4(3544, teredo(ipv4(kSrc4, kDst4, 6, tcp({})), false, true)), notTcp,
              "Ethernet:IPv4:UDP:Teredo");
    const auto l2tpWrap = [overUdp4](L2tpSpec spec) {
        return [overUdp4, spec](const Bytes& ip, bool v6) {
            return overUdp4(1701, l2tpv2(ppp(v6 ? kPppIpv6 : kPppIpv4, ip), spec));
        };
    };
    t.flowBoth("L2TPv2", Ethernet, l2tpWrap({}), "Ethernet:IPv4:UDP:L2TP:PPP");
    t.flowOne("L2TPv2, length, sequence", Ethernet, false, l2tpWrap({true, true, std::nullopt}),
              "Ethernet:IPv4:UDP:L2TP:PPP");
    t.flowOne("L2TPv2, length, offset", Ethernet, true, l2tpWrap({true, false, 3}),
              "Ethernet:IPv4:UDP:L2TP:PPP");
    t.notFlow("L2TPv2 control message", Ethernet,
              overUdp4(1701, be16(0xC802) + be16(12) + be16(0) + be16(0) + be32(0)), notTcp,
              "Ethernet:IPv4:UDP:L2TP");
    t.notFlow("L2TPv2, offset past the frame", Ethernet,
              overUdp4(1701, be16(0x0202) + be16(1) + be16(2) + be16(200) + Bytes(8, 0xFF)),
              DecodeOutcome::Malformed, "Ethernet:IPv4:UDP:L2TP");
    // (as L2TPv3 over IP: Wireshark shows the payload as data)
    t.flowBoth(
        "L2TPv3 over UDP, Ethernet", Ethernet,
        [overUdp4](const Bytes& ip, bool v6) {
            return overUdp4(1701, l2tpv3OverUdp(0x2002, ethernetOf(ip, v6)));
        },
        "Ethernet:IPv4:UDP:L2TP:Ethernet");
    t.notFlow("UDP, other port", Ethernet, overUdp4(53, Bytes(20, 0x00)), notTcp,
              "Ethernet:IPv4:UDP");
}

void addIpAndTcpRows(CaseTable& t)
{
    using namespace LinkType;
    const DecodeOutcome notTcp = DecodeOutcome::NotTcp;

    // IPv6 extension headers before TCP
    const auto withExtensions = [](std::vector<std::pair<uint8_t, Bytes>> extensions) {
        return [extensions](const Bytes& ip, bool) {
            // Rebuild the IPv6 packet with the extensions: `ip` is TCP over IPv6.
            const Bytes segment(ip.begin() + 40, ip.end());
            return ethernet(kEtherIpv6, ipv6(kSrc6, kDst6, 6, segment, extensions));
        };
    };
    t.flowOne("IPv6 hop-by-hop", Ethernet, true, withExtensions({ipv6HopByHop()}), "Ethernet");
    t.flowOne("IPv6 routing", Ethernet, true, withExtensions({ipv6Routing()}), "Ethernet");
    t.flowOne("IPv6 destination options", Ethernet, true,
              withExtensions({ipv6DestinationOptions()}), "Ethernet");
    t.flowOne("IPv6 first fragment", Ethernet, true, withExtensions({ipv6Fragment(0, true)}),
              "Ethernet");
    t.flowOne("IPv6 all extension headers", Ethernet, true,
              withExtensions({ipv6HopByHop(), ipv6DestinationOptions(), ipv6Routing(),
                              ipv6Fragment(0, true), ipv6DestinationOptions()}),
              "Ethernet");
    // An authentication header (RFC 4302) is walked like the other extension headers: the
    // TCP header after it is carried by the IP header before it, and Wireshark decodes it.
    // (The oracle counts neither row: its walk back from "tcp" skips "ipv6.*" names only, and
    // Wireshark calls this layer "ah". The decoder follows the protocol: AH is an IP
    // extension header that hides nothing, in IPv4 as in IPv6.)
    t.flowOne("IPv6 authentication header", Ethernet, true,
              withExtensions({ipv6HopByHop(), authenticationHeader()}), "Ethernet");
    {
        // An IPv4 authentication header (protocol 51) is walked like the IPv6 one.
        const TcpSpec s = t.segment();
        Bytes ah = authenticationHeader().second;
        ah[0] = 6;
        t.flow("IPv4 authentication header", Ethernet,
               ethernet(kEtherIpv4, ipv4(kSrc4, kDst4, 51, ah + tcp(s))), s, false, "Ethernet");
    }
    t.flowOne(
        "IPv6 extension headers, raw IP", RawIp, true,
        [](const Bytes& ip, bool) {
            const Bytes segment(ip.begin() + 40, ip.end());
            return ipv6(kSrc6, kDst6, 6, segment, {ipv6HopByHop(), ipv6Routing()});
        },
        "");
    {
        const TcpSpec s = t.segment();
        t.notFlow("IPv6 later fragment", Ethernet,
                  ethernet(kEtherIpv6, ipv6(kSrc6, kDst6, 6, tcp(s), {ipv6Fragment(185, true)})),
                  notTcp, "Ethernet:IPv6");
        t.notFlow("IPv6 last fragment", Ethernet,
                  ethernet(kEtherIpv6,
                           ipv6(kSrc6, kDst6, 6, tcp(s), {ipv6HopByHop(), ipv6Fragment(1, false)})),
                  notTcp, "Ethernet:IPv6");
    }

    // IPv4 fragments: the first counts, later ones never do
    {
        const TcpSpec s = t.segment();
        t.flow("IPv4 first fragment", Ethernet,
               ethernet(kEtherIpv4, ipv4(kSrc4, kDst4, 6, tcp(s), 0, true)), s, false, "Ethernet");
        t.notFlow("IPv4 later fragment", Ethernet,
                  ethernet(kEtherIpv4, ipv4(kSrc4, kDst4, 6, tcp(s), 185, true)), notTcp,
                  "Ethernet:IPv4");
        t.notFlow("IPv4 last fragment", Ethernet,
                  ethernet(kEtherIpv4, ipv4(kSrc4, kDst4, 6, tcp(s), 1, false)), notTcp,
                  "Ethernet:IPv4");
    }

    // TCP quoted in ICMP errors is not a flow packet
    {
        const TcpSpec s = t.segment();
        t.notFlow("TCP inside ICMP error", Ethernet,
                  ethernet(kEtherIpv4, ipv4(kOuterSrc4, kSrc4, 1,
                                            icmpUnreachable(ipv4(kSrc4, kDst4, 6, tcp(s))))),
                  notTcp, "Ethernet:IPv4");
        t.notFlow("TCP inside ICMPv6 error", Ethernet,
                  ethernet(kEtherIpv6, ipv6(kOuterSrc6, kSrc6, 58,
                                            icmpv6Unreachable(ipv6(kSrc6, kDst6, 6, tcp(s))))),
                  notTcp, "Ethernet:IPv6");
        t.notFlow(
            "TCP inside ICMP error in GRE", Ethernet,
            ethernet(kEtherIpv4,
                     ipv4(kOuterSrc4, kOuterDst4, 47,
                          gre(kEtherIpv4, ipv4(kOuterSrc4, kSrc4, 1,
                                               icmpUnreachable(ipv4(kSrc4, kDst4, 6, tcp(s))))))),
            notTcp, "Ethernet:IPv4:GRE:IPv4");
    }

    // TCP header validity
    for (uint8_t dataOffset : {0, 4}) {
        TcpSpec s = t.segment();
        s.dataOffset = dataOffset;
        t.notFlow("TCP data offset " + std::to_string(dataOffset), Ethernet,
                  ethernet(kEtherIpv4, ipv4(kSrc4, kDst4, 6, tcp(s))), DecodeOutcome::Malformed,
                  "Ethernet:IPv4:TCP");
    }
    {
        const TcpSpec s = t.segment(7, 8);
        t.flow("TCP options", Ethernet, tcpOverIpv4(kSrc4, kDst4, s), s, false, "Ethernet");
    }
    {
        // The IP packet ends inside the TCP options (bogus, but the fixed part is there).
        TcpSpec s = t.segment(0, 15);
        Bytes segment = tcp(s);
        segment.resize(24);
        Bytes frame = ethernet(kEtherIpv4, ipv4(kSrc4, kDst4, 6, segment)) + Bytes(36, 0x01);
        t.flow("TCP options beyond the IP length", Ethernet, frame, s, false, "Ethernet");
    }
    {
        // Snap length 14 + 20 + 24: the fixed part and 4 of 40 option bytes are captured.
        // The payload length is the TCP segment's, 100 bytes, as Wireshark's tcp.len says.
        const TcpSpec s = t.segment(100, 15);
        const Bytes full = tcpOverIpv4(kSrc4, kDst4, s);
        t.flow("TCP options cut off by the snap length", Ethernet,
               Bytes(full.begin(), full.begin() + 14 + 20 + 24), s, false, "Ethernet",
               uint32_t(full.size()));
        const TcpSpec s6 = t.segment(100, 15);
        const Bytes full6 = tcpOverIpv6(kSrc6, kDst6, s6);
        t.flow("TCP options cut off by the snap length, IPv6", Ethernet,
               Bytes(full6.begin(), full6.begin() + 14 + 40 + 20), s6, true, "Ethernet",
               uint32_t(full6.size()));
    }

    // Ethernet padding (and an FCS) after a short IP packet: the payload length is the IP one
    {
        const TcpSpec s = t.segment(0);
        Bytes frame = tcpOverIpv4(kSrc4, kDst4, s);
        frame.resize(60, 0x00);
        t.flow("IPv4 total length < captured (padding)", Ethernet, frame + fcs32(frame), s, false,
               "Ethernet");
    }
    {
        const TcpSpec s = t.segment(3);
        Bytes frame = tcpOverIpv4(kSrc4, kDst4, s);
        frame.resize(60, 0xEE);
        t.flow("IPv4 total length < captured (padding), payload", Ethernet, frame, s, false,
               "Ethernet");
    }
    {
        const TcpSpec s = t.segment(0);
        const Bytes frame = tcpOverIpv6(kSrc6, kDst6, s);
        t.flow("IPv6 payload length < captured (FCS)", Ethernet, frame + fcs32(frame), s, true,
               "Ethernet");
    }
    {
        const TcpSpec s = t.segment(2);
        Bytes frame = ethernet(0x8100, vlan(3, kEtherIpv4, ipv4(kSrc4, kDst4, 6, tcp(s))));
        frame.resize(64, 0x00);
        t.flow("802.1Q, IPv4 padding", Ethernet, frame, s, false, "Ethernet:802.1Q");
    }
    {
        const TcpSpec s = t.segment(5);
        Bytes frame = tcpOverIpv4(kSrc4, kDst4, s);
        frame[14 + 2] = frame[14 + 3] = 0; // total length 0: segmentation offload
        t.flow("IPv4 total length 0 (TSO)", Ethernet, frame, s, false, "Ethernet");
    }
    {
        const TcpSpec s = t.segment();
        t.flow("IPv4 header options", Ethernet,
               ethernet(kEtherIpv4, ipv4WithOptions(kSrc4, kDst4, 6, tcp(s))), s, false,
               "Ethernet");
    }
    {
        Bytes packet = ipv4(kSrc4, kDst4, 6, tcp(t.segment()));
        packet[0] = 0x55; // version 5
        t.notFlow("IPv4 bad version", Ethernet, ethernet(kEtherIpv4, packet),
                  DecodeOutcome::Malformed, "Ethernet:IPv4");
        packet[0] = 0x44; // IHL 4
        t.notFlow("IPv4 IHL 4", Ethernet, ethernet(kEtherIpv4, packet), DecodeOutcome::Malformed,
                  "Ethernet:IPv4");
    }
}

const std::vector<Case>& allCases()
{
    static const std::vector<Case> cases = [] {
        CaseTable t;
        addLinkTypeRows(t);
        addEncapsulationRows(t);
        addIpAndTcpRows(t);
        return std::move(t.cases);
    }();
    return cases;
}

QString outcomeName(DecodeOutcome outcome)
{
    switch (outcome) {
    case DecodeOutcome::Tcp:
        return "Tcp";
    case DecodeOutcome::NotTcp:
        return "NotTcp";
    case DecodeOutcome::Malformed:
        return "Malformed";
    case DecodeOutcome::UnknownLink:
        return "UnknownLink";
    }
    return "?";
}

QString str(const std::string& s)
{
    return QString::fromStdString(s);
}

/// The names of a tree's layers, joined by ':' (what LayerTree::protocols must say).
std::string layerNames(const LayerTree& tree)
{
    std::string names;
    for (const FieldNode* layer : tree.layers())
        names += (names.empty() ? "" : ":") + layer->text;
    return names;
}

/// The first field (depth first) whose byte range lies outside the captured bytes. Layers
/// and groups may: a header cut short keeps its declared length (FrameDocument clamps it).
const FieldNode* fieldOutside(const FieldNode& node, size_t captured)
{
    for (const FieldNode& c : node.children) {
        if (!c.isContainer() && size_t(c.offset) + c.length > captured)
            return &c;
        if (const FieldNode* bad = fieldOutside(c, captured))
            return bad;
    }
    return nullptr;
}

/// The TCP layer of a tree, or nullptr.
const FieldNode* tcpLayer(const LayerTree& tree)
{
    const auto layers = tree.layers();
    return !layers.empty() && layers.back()->name == "tcp" ? layers.back() : nullptr;
}

uint64_t numberOf(const FieldNode* layer, const char* name)
{
    const FieldNode* f = layer ? layer->child(name) : nullptr;
    return f ? f->number : ~uint64_t(0);
}

QString textOf(const FieldNode* layer, const char* name)
{
    const FieldNode* f = layer ? layer->child(name) : nullptr;
    return f ? str(f->text) : QString("<none>");
}

/// Decodes a copy of the first `length` bytes in a buffer of exactly that size, so that the
/// sanitizers catch any read past the captured bytes.
std::pair<TcpPacket, LayerTree> decodeBoth(int linkType, const Bytes& frame, size_t length,
                                           size_t wireLength)
{
    const Bytes copy(frame.begin(), frame.begin() + std::ptrdiff_t(length));
    return {decodeTcp(linkType, copy.data(), copy.size(), wireLength),
            decodeLayers(linkType, copy.data(), copy.size(), wireLength)};
}

/// Compares the fast path's packet with the rich path's tree; empty when they agree.
QString disagreement(const TcpPacket& fast, const LayerTree& rich, size_t captured)
{
    if (fast.valid != rich.isFlowPacket)
        return QString("decodeTcp valid %1, decodeLayers isFlowPacket %2")
            .arg(fast.valid)
            .arg(rich.isFlowPacket);
    if (rich.protocols != layerNames(rich))
        return QString("protocols %1 but layers %2")
            .arg(str(rich.protocols), str(layerNames(rich)));
    if (const FieldNode* bad = fieldOutside(rich.root, captured))
        return QString("field %1 at %2+%3 is outside the %4 captured bytes")
            .arg(str(bad->name))
            .arg(bad->offset)
            .arg(bad->length)
            .arg(captured);
    if (fast.valid) {
        const FieldNode* t = tcpLayer(rich);
        if (!t)
            return "flow packet without a TCP layer: " + str(rich.protocols);
        if (numberOf(t, "srcport") != fast.srcPort || numberOf(t, "dstport") != fast.dstPort ||
            numberOf(t, "seq") != fast.seq || numberOf(t, "ack") != fast.ack ||
            numberOf(t, "window_size") != fast.window)
            return "TCP fields of the two paths differ";
        const auto layers = rich.layers();
        const FieldNode* ip = layers.size() >= 2 ? layers[layers.size() - 2] : nullptr;
        if (!ip || (ip->name != "ipv4" && ip->name != "ipv6"))
            return "TCP not directly inside IP: " + str(rich.protocols);
        if (textOf(ip, "src") != str(fast.src.toString()) ||
            textOf(ip, "dst") != str(fast.dst.toString()))
            return QString("addresses differ: fast %1 > %2, rich %3 > %4")
                .arg(str(fast.src.toString()), str(fast.dst.toString()), textOf(ip, "src"),
                     textOf(ip, "dst"));
    } else if (rich.stopReason.empty()) {
        return "not a flow packet, but no stop reason";
    }
    return {};
}

/// The link type the capture reader reports for a file's: libpcap reports LINKTYPE_RAW (101)
/// and the file value 12 as DLT_RAW (12 on Linux), and the reader gives back LINKTYPE_RAW, the
/// value pcap output must carry (as it gives back LINKTYPE_ATM_RFC1483 and
/// LINKTYPE_LINUX_ATM_CLIP for libpcap's DLT_ATM_RFC1483 and DLT_ATM_CLIP).
int readerLinkType(int fileLinkType)
{
    switch (fileLinkType) {
    case LinkType::RawOpenBsd: return LinkType::RawIp;
    default: return fileLinkType;
    }
}

std::string rowName(const Case& c)
{
    return c.name + " [" + std::to_string(c.linkType) + "]";
}

} // namespace

Q_DECLARE_METATYPE(const Case*)

class TestDecoder : public QObject
{
    Q_OBJECT

private:
    static void addCaseColumn()
    {
        QTest::addColumn<const Case*>("testCase");
        for (const Case& c : allCases())
            QTest::newRow(rowName(c).c_str()) << &c;
    }

private slots:
    void initTestCase()
    {
        // Row names must be unique: the QEXPECT_FAIL rows and the dump files rely on it.
        std::set<std::string> names;
        for (const Case& c : allCases())
            QVERIFY2(names.insert(rowName(c)).second, rowName(c).c_str());
        qInfo("%zu decoder rows", allCases().size());
    }

    /// Every row, whole: the fast path's fields and the rich path's tree.
    void decode_data() { addCaseColumn(); }
    void decode()
    {
        QFETCH(const Case*, testCase);
        const Case& c = *testCase;
        const Expected& e = c.expect;
        if (const QString dump = qEnvironmentVariable("FI_DECODER_DUMP_DIR"); !dump.isEmpty()) {
            CaptureSpec spec;
            spec.linkType = c.linkType;
            spec.frames.push_back({1'600'000'000, 0, c.frame, c.wireLength});
            QString file = str(c.name).replace(QRegularExpression("[^A-Za-z0-9.+-]+"), "_");
            file = QString("%1-%2.pcap").arg(c.linkType).arg(file);
            writeFile(QDir(dump).filePath(file), pcapFile(spec));
            QFile list(QDir(dump).filePath("expected.tsv"));
            QVERIFY(list.open(QIODevice::Append | QIODevice::Text));
            list.write(QString("%1\t%2\t%3\t%4\t%5\t%6\t%7\t%8\n")
                           .arg(file)
                           .arg(e.flow)
                           .arg(str(e.src), str(e.dst))
                           .arg(e.srcPort)
                           .arg(e.dstPort)
                           .arg(e.flags)
                           .arg(str(e.protocols))
                           .toUtf8());
        }

        const TcpPacket p = decodeTcp(c.linkType, c.frame.data(), c.frame.size(), c.wireLength);
        const LayerTree tree = decodeLayers(c.linkType, c.frame.data(), c.frame.size(), c.wireLength);

        QCOMPARE(outcomeName(p.outcome), outcomeName(e.outcome));
        QCOMPARE(p.valid, e.flow);
        QCOMPARE(tree.isFlowPacket, e.flow);
        QCOMPARE(str(tree.protocols), str(e.protocols));
        const QString diff = disagreement(p, tree, c.frame.size());
        QVERIFY2(diff.isEmpty(), qPrintable(diff));
        if (!e.flow)
            return;
        QCOMPARE(str(p.src.toString()), str(e.src));
        QCOMPARE(str(p.dst.toString()), str(e.dst));
        QCOMPARE(p.src.isV6(), e.src.find(':') != std::string::npos);
        QCOMPARE(p.srcPort, e.srcPort);
        QCOMPARE(p.dstPort, e.dstPort);
        QCOMPARE(int(p.flags), int(e.flags));
        QCOMPARE(p.syn(), bool(e.flags & TcpFlag::SYN));
        QCOMPARE(p.fin(), bool(e.flags & TcpFlag::FIN));
        QCOMPARE(p.rst(), bool(e.flags & TcpFlag::RST));
        QCOMPARE(p.seq, 0x10000000u + e.srcPort);
        QCOMPARE(p.ack, 0x20000000u + e.srcPort);
        QCOMPARE(p.window, uint16_t(1000 + e.srcPort % 1000));
        QCOMPARE(p.payloadLength, e.payloadLength);
        QVERIFY2(tree.stopReason.empty(), tree.stopReason.c_str());
        // The TCP layer covers the TCP header and payload of the IP packet, no padding or FCS.
        const FieldNode* t = tcpLayer(tree);
        QVERIFY(t);
        QVERIFY(size_t(t->offset) + t->length <= c.frame.size());
    }

    /// Every row cut short at every length: never a crash, the two paths agree, and no flow
    /// packet without the TCP fixed part; with it, the same packet as the whole frame.
    void truncated_data() { addCaseColumn(); }
    void truncated()
    {
        QFETCH(const Case*, testCase);
        const Case& c = *testCase;
        const size_t wire = std::max<size_t>(c.wireLength, c.frame.size());
        const TcpPacket whole = decodeTcp(c.linkType, c.frame.data(), c.frame.size(), wire);
        const LayerTree wholeTree = decodeLayers(c.linkType, c.frame.data(), c.frame.size(), wire);
        const FieldNode* t = tcpLayer(wholeTree);
        // The frame must hold the TCP fixed part to be a flow packet.
        const size_t tcpFixedEnd = c.expect.flow && t ? size_t(t->offset) + 20 : SIZE_MAX;
        QString firstRejected;
        for (size_t length = 0; length <= c.frame.size(); ++length) {
            const auto [fast, rich] = decodeBoth(c.linkType, c.frame, length, wire);
            const QString diff = disagreement(fast, rich, length);
            QVERIFY2(diff.isEmpty(), qPrintable(QString("length %1: %2").arg(length).arg(diff)));
            if (length < tcpFixedEnd) {
                QVERIFY2(!fast.valid, qPrintable(QString("flow packet at length %1").arg(length)));
                QVERIFY(fast.outcome != DecodeOutcome::Tcp);
                continue;
            }
            if (c.expect.flowOnlyWhole) {
                QVERIFY2(fast.valid == (length == c.frame.size()),
                         qPrintable(QString("length %1: valid %2").arg(length).arg(fast.valid)));
                continue;
            }
            if (!fast.valid) {
                if (firstRejected.isEmpty())
                    firstRejected = QString("not a flow packet at length %1 (TCP fixed part "
                                            "ends at %2): %3")
                                        .arg(length)
                                        .arg(tcpFixedEnd)
                                        .arg(str(rich.stopReason));
                continue;
            }
            QVERIFY(fast.src == whole.src && fast.dst == whole.dst);
            QCOMPARE(fast.srcPort, whole.srcPort);
            QCOMPARE(fast.dstPort, whole.dstPort);
            QCOMPARE(fast.flags, whole.flags);
            QVERIFY(fast.payloadLength <= whole.payloadLength);
        }
        QVERIFY2(firstRejected.isEmpty(), qPrintable(firstRejected));
    }

    /// Every byte of every row set to 0x00, 0xFF and flipped: never a crash, the two paths
    /// agree, and reported field ranges stay inside the frame.
    void corrupted_data() { addCaseColumn(); }
    void corrupted()
    {
        QFETCH(const Case*, testCase);
        const Case& c = *testCase;
        Bytes frame = c.frame;
        for (size_t i = 0; i < frame.size(); ++i) {
            const uint8_t original = frame[i];
            for (const uint8_t value : {uint8_t(0x00), uint8_t(0xFF), uint8_t(original ^ 0xA5)}) {
                frame[i] = value;
                const auto [fast, rich] = decodeBoth(c.linkType, frame, frame.size(), c.wireLength);
                const QString diff = disagreement(fast, rich, frame.size());
                QVERIFY2(diff.isEmpty(), qPrintable(QString("byte %1 = 0x%2: %3")
                                                        .arg(i)
                                                        .arg(value, 2, 16, QChar('0'))
                                                        .arg(diff)));
            }
            frame[i] = original;
        }
    }

    /// The payload is what the innermost length says, within what the enclosing layers say the
    /// packet is (as Wireshark reads it), and the decoder says where it starts.
    void payloadBounds_data()
    {
        QTest::addColumn<QByteArray>("frame");
        QTest::addColumn<uint>("payloadLength");
        QTest::addColumn<uint>("payloadOffset");
        TcpSpec spec;
        spec.payload = 5;
        const Bytes segment = ipv4("10.0.0.1", "10.0.0.2", 6, tcp(spec));
        auto bytes = [](const Bytes& b) { return QByteArray(reinterpret_cast<const char*>(b.data()), qsizetype(b.size())); };
        QTest::newRow("Ethernet, IPv4, TCP") << bytes(ethernet(0x0800, segment)) << 5u << 54u;
        QTest::newRow("padding after the IPv4 length is not payload")
            << bytes(ethernet(0x0800, segment + Bytes(6, 0))) << 5u << 54u;
        // IPv4 claims 6 bytes more than the PPPoE session carries (zeek's pppoe-over-qinq)
        TcpSpec ack;
        Bytes bare = ipv4("10.0.0.1", "10.0.0.2", 6, tcp(ack));
        bare[3] = uint8_t(bare[3] + 6); // total length 46 where 40 are there
        QTest::newRow("an IPv4 length past the PPPoE length")
            << bytes(ethernet(0x8864, pppoeSession(kPppIpv4, bare) + Bytes(6, 0))) << 0u << 62u;
    }
    void payloadBounds()
    {
        QFETCH(QByteArray, frame);
        QFETCH(uint, payloadLength);
        QFETCH(uint, payloadOffset);
        const TcpPacket p = decodeTcp(1, reinterpret_cast<const uint8_t*>(frame.constData()), size_t(frame.size()));
        QVERIFY(p.valid);
        QCOMPARE(p.payloadLength, payloadLength);
        QCOMPARE(p.payloadOffset, payloadOffset);
    }

    /// The options the analysis reads: a SYN's window scale (at most 14), and the bytes the
    /// first three SACK blocks cover; a malformed option ends the reading.
    /// A segment in an IP first fragment holds only part of its payload; one in a tunnel whose
    /// outer packet is a first fragment has the length its own IP header gives (the rest is
    /// in the later fragments), as Wireshark and Zeek read them.
    /// A label stack that never sets bottom-of-stack (a fuzzer's find: 1,370 labels took 10 s,
    /// naming each label group anew by trying every number): each label is a group of its own,
    /// numbered in order, `label`, `label_2`, … up to where the frame ends.
    void longLabelStackNamesEachLabelOnce()
    {
        Bytes frame = ethernet(0x8847, {});
        for (int i = 0; i < 3000; ++i) // label 1, bottom-of-stack never set
            frame = frame + Bytes{0x00, 0x00, 0x10, 0x40};
        const LayerTree tree = decodeLayers(LinkType::Ethernet, frame.data(), frame.size(), frame.size());
        const FieldNode* mpls = nullptr;
        for (const FieldNode* layer : tree.layers())
            if (layer->name == "mpls")
                mpls = layer;
        QVERIFY(mpls);
        QCOMPARE(mpls->children.size(), size_t(3000));
        QCOMPARE(mpls->children[0].name, std::string("label"));
        for (size_t i = 1; i < mpls->children.size(); ++i)
            QCOMPARE(mpls->children[i].name, "label_" + std::to_string(i + 1));
        QVERIFY(!tree.isFlowPacket);
    }

    void segmentLengthInFragments()
    {
        TcpSpec spec;
        spec.payload = 100;
        const Bytes segment = tcp(spec);
        // the TCP packet itself fragmented: 20 + 28 bytes in the first fragment
        const Bytes firstPart(segment.begin(), segment.begin() + 48);
        const Bytes direct = ethernet(0x0800, ipv4("10.0.0.1", "10.0.0.2", 6, firstPart, 0, true));
        TcpPacket p = decodeTcp(1, direct.data(), direct.size());
        QVERIFY(p.valid);
        QCOMPARE(p.payloadLength, 28u);
        QVERIFY(p.inFirstFragment);
        // a GTP tunnel whose outer packet is fragmented after 40 bytes of the segment's payload
        const Bytes datagram = udp(2152, 2152, gtpu(ipv4("10.0.0.1", "10.0.0.2", 6, segment)));
        const Bytes outerPart(datagram.begin(), datagram.begin() + 8 + 8 + 20 + 20 + 40);
        const Bytes tunnelled = ethernet(0x0800, ipv4("192.0.2.1", "192.0.2.2", 17, outerPart, 0, true));
        p = decodeTcp(1, tunnelled.data(), tunnelled.size());
        QVERIFY(p.valid);
        QCOMPARE(p.payloadLength, 100u);
        QVERIFY(!p.inFirstFragment);
        QCOMPARE(p.capturedPayload(tunnelled.size()).second, size_t(40));
        // not fragmented: an inner length past the outer packet's end is cut there
        const Bytes whole = ethernet(0x0800, ipv4("192.0.2.1", "192.0.2.2", 17, outerPart));
        p = decodeTcp(1, whole.data(), whole.size());
        QVERIFY(p.valid);
        QCOMPARE(p.payloadLength, 40u);
        QVERIFY(!p.inFirstFragment);
    }

    void tcpOptions_data()
    {
        QTest::addColumn<QByteArray>("options"); // padded with NOPs to a 4-byte multiple
        QTest::addColumn<int>("flags");
        QTest::addColumn<int>("windowScale");
        QTest::addColumn<uint>("sackedBytes");
        const int syn = 0x02, ack = 0x10;
        QTest::newRow("SYN with window scale 7") << QByteArray("\x03\x03\x07", 3) << syn << 7 << 0u;
        QTest::newRow("window scale above 14 is 14") << QByteArray("\x03\x03\x0f", 3) << syn << 14 << 0u;
        QTest::newRow("no window scale outside a SYN") << QByteArray("\x03\x03\x07", 3) << ack << -1 << 0u;
        QTest::newRow("after MSS and timestamps")
            << QByteArray("\x02\x04\x05\xb4\x08\x0a\0\0\0\1\0\0\0\0\x03\x03\x02", 17) << syn << 2 << 0u;
        QTest::newRow("one SACK block of 100 bytes")
            << QByteArray("\x05\x0a\0\0\x03\xe8\0\0\x04\x4c", 10) << ack << -1 << 100u;
        QTest::newRow("two blocks, one across the wrap")
            << QByteArray("\x05\x12\xff\xff\xff\xf0\0\0\0\x10\0\0\0\0\0\0\0\x05", 18) << ack << -1 << 37u;
        QTest::newRow("only three of four blocks count")
            << QByteArray("\x05\x22" "\0\0\0\0\0\0\0\1" "\0\0\0\0\0\0\0\1" "\0\0\0\0\0\0\0\1" "\0\0\0\0\0\0\0\1", 34)
            << ack << -1 << 3u;
        QTest::newRow("a zero option length ends the options")
            << QByteArray("\x13\x00\x05\x0a\0\0\0\0\0\0\0\x09", 12) << ack << -1 << 0u;
        // (fuzz_decode's differential check: the rich decode showed the option malformed, the
        // fast one counted the block that fitted; regressions/decode/sack-past-header)
        QTest::newRow("a SACK option claiming more than the header holds is malformed")
            << QByteArray("\x05\x12\0\0\x03\xe8\0\0\x04\x4c", 10) << ack << -1 << 0u;
    }
    void tcpOptions()
    {
        QFETCH(QByteArray, options);
        QFETCH(int, flags);
        QFETCH(int, windowScale);
        QFETCH(uint, sackedBytes);
        while (options.size() % 4)
            options.append('\x01');
        TcpSpec spec;
        spec.flags = uint8_t(flags);
        spec.dataOffset = uint8_t(5 + options.size() / 4);
        Bytes segment = tcp(spec);
        std::copy(options.begin(), options.end(), segment.begin() + 20);
        const Bytes frame = ethernet(0x0800, ipv4("10.0.0.1", "10.0.0.2", 6, segment));
        const TcpPacket p = decodeTcp(1, frame.data(), frame.size());
        QVERIFY(p.valid);
        QCOMPARE(int(p.windowScale), windowScale);
        QCOMPARE(p.sackedBytes, sackedBytes);
    }

    /// The decoder says it knows every link type it decodes.
    void knownLinkTypes_data()
    {
        QTest::addColumn<int>("linkType");
        std::set<int> linkTypes;
        for (const Case& c : allCases())
            if (c.linkType != kUnknownLinkType)
                linkTypes.insert(c.linkType);
        for (int linkType : linkTypes)
            QTest::newRow(std::to_string(linkType).c_str()) << linkType;
    }
    void knownLinkTypes()
    {
        QFETCH(int, linkType);
        QVERIFY2(isKnownLinkType(linkType), linkTypeName(linkType));
        QVERIFY(QByteArray(linkTypeName(linkType)).size() > 0);
        QVERIFY(!isKnownLinkType(kUnknownLinkType));
    }

    /// Per link type, every row's frame in a pcap and a pcapng file (plus a frame too short
    /// for any header), traced from file to flow with CaptureTracer.
    void traceFile_data()
    {
        QTest::addColumn<int>("linkType");
        QTest::addColumn<QString>("format");
        std::set<int> linkTypes;
        for (const Case& c : allCases())
            linkTypes.insert(c.linkType);
        for (int linkType : linkTypes)
            for (const char* format : {"pcap", "pcap-be-ns", "pcapng"})
                QTest::addRow("%d %s", linkType, format) << linkType << QString(format);
    }
    void traceFile()
    {
        QFETCH(int, linkType);
        QFETCH(QString, format);
        CaptureSpec spec;
        spec.linkType = linkType;
        spec.nanosecond = format.endsWith("-ns");
        spec.bigEndian = format.contains("-be");
        std::vector<const Case*> rows;
        for (const Case& c : allCases()) {
            if (c.linkType != linkType)
                continue;
            rows.push_back(&c);
            // NFLOG TLVs are in the writing host's byte order, which a big-endian file shows.
            const Bytes bytes =
                linkType == LinkType::Nflog && spec.bigEndian ? nflogByteSwapped(c.frame) : c.frame;
            spec.frames.push_back({1'600'000'000 + int64_t(rows.size()),
                                   uint32_t(rows.size()) * (spec.nanosecond ? 1000 : 1), bytes,
                                   c.wireLength});
        }
        QVERIFY(!rows.empty());
        spec.frames.push_back({1'700'000'000, 0, Bytes{}, 60}); // nothing captured: skipped
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath("capture." + format);
        writeFile(path, format == "pcapng" ? pcapngFile(spec) : pcapFile(spec));

        // The flows the seed's rule makes of the expected flow packets.
        using Id = std::tuple<std::string, uint16_t, std::string, uint16_t>;
        std::map<Id, size_t> open;
        std::vector<std::pair<Id, std::vector<uint32_t>>> flows;
        uint64_t flowPackets = 0;
        uint32_t skipped = 1; // the short frame
        for (size_t i = 0; i < rows.size(); ++i) {
            const Expected& e = rows[i]->expect;
            if (!e.flow) {
                skipped += e.outcome != DecodeOutcome::NotTcp;
                continue;
            }
            ++flowPackets;
            const Id id{e.src, e.srcPort, e.dst, e.dstPort};
            auto it = open.find(id);
            if (it == open.end()) {
                it = open.emplace(id, flows.size()).first;
                flows.push_back({id, {}});
            }
            flows[it->second].second.push_back(uint32_t(i + 1));
            if (e.flags & TcpFlag::FIN)
                open.erase(it);
        }

        CaptureTracer tracer;
        QVERIFY2(tracer.open(path.toStdString()), tracer.errorString().c_str());
        QCOMPARE(tracer.reader().linkType(), readerLinkType(linkType));
        QStringList frameErrors;
        tracer.setFrameHook([&](const FrameView& frame, const TcpPacket& packet, uint32_t flow) {
            if (frame.number > rows.size())
                return;
            const Expected& e = rows[frame.number - 1]->expect;
            const bool ok =
                packet.valid == e.flow && (flow != TraceFlow::kNoFlow) == e.flow &&
                (!e.flow || (packet.src.toString() == e.src && packet.dst.toString() == e.dst &&
                             packet.srcPort == e.srcPort && packet.dstPort == e.dstPort &&
                             packet.flags == e.flags));
            if (!ok)
                frameErrors << QString("frame %1 (%2)")
                                   .arg(frame.number)
                                   .arg(str(rows[frame.number - 1]->name));
        });
        TraceFlow trace;
        const TraceSummary summary = tracer.run(trace);
        QVERIFY2(summary.end == TraceSummary::End::Complete, summary.message.c_str());
        QVERIFY2(frameErrors.isEmpty(), qPrintable(frameErrors.join(", ")));
        QCOMPARE(summary.framesRead, uint32_t(spec.frames.size()));
        QCOMPARE(summary.flowPackets, flowPackets);
        QCOMPARE(summary.skipped, skipped);
        QCOMPARE(summary.flows, flows.size());
        QCOMPARE(trace.flows().size(), flows.size());
        for (size_t i = 0; i < flows.size(); ++i) {
            const auto& [id, frames] = flows[i];
            const Index& index = trace.flows()[i];
            QCOMPARE(index.index, frames);
            // The label starts with the inner addresses and ports, IPv6 ':' written as '.'.
            QString prefix = QString("%1_%2-%3_%4-")
                                 .arg(str(std::get<0>(id)))
                                 .arg(std::get<1>(id))
                                 .arg(str(std::get<2>(id)))
                                 .arg(std::get<3>(id));
            prefix.replace(':', '.');
            QVERIFY2(str(index.label).startsWith(prefix),
                     qPrintable(str(index.label) + " does not start with " + prefix));
        }
    }
};

QTEST_GUILESS_MAIN(TestDecoder)
#include "tst_decoder.moc"
