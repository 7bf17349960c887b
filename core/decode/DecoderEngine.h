#pragma once

// The one decoder of FlowInspector. It is a template over a sink: the hot path instantiates it
// with NullSink (every report compiles away, nothing is allocated), the frame-details view and
// the json/plist/tree writers with a sink that builds the layer tree (LayerTree.cpp).
//
// Every function takes the offset of its header and `end`, the end of the bytes it may use:
// the captured length, narrowed by the length fields of the headers around it.

#include "FieldValue.h"
#include "LinkTypes.h"
#include "TcpPacket.h"

#include <cstddef>
#include <cstdint>

namespace fi {

template <typename Sink>
class DecoderEngine
{
public:
    /// `wireLength` is the frame's original length: it says whether a trailing FCS was
    /// captured, and bounds the payload where no IP length does.
    DecoderEngine(const uint8_t* frame, size_t capturedLength, size_t wireLength, Sink& sink,
                  TcpPacket& out)
        : m_f(frame), m_cap(capturedLength), m_wire(wireLength < capturedLength ? capturedLength : wireLength),
          m_reportedEnd(m_wire), m_sink(sink), m_out(out)
    {}

    void decode(int linkType);

private:
    static constexpr int kMaxDepth = 24;

    const uint8_t* m_f;
    size_t m_cap;
    size_t m_wire;
    size_t m_reportedEnd; ///< where the innermost length field says the packet ends
    /// The innermost IP packet so far is a first fragment: its data goes on in the fragments
    /// after it, so an inner length past its end is no padding but the truth (a tunnel's outer
    /// packet fragmented: the inner IP length gives the TCP segment's length).
    bool m_continuesPastEnd = false;
    /// An IP header's length says its packet ends at `packetEnd`: the new reported end, unless
    /// it lies past the enclosing one, which cuts it (the rest is padding), or the enclosing
    /// packet continues in later fragments.
    void reportEnd(size_t packetEnd)
    {
        if (packetEnd < m_reportedEnd || m_continuesPastEnd)
            m_reportedEnd = packetEnd;
        m_continuesPastEnd = false;
    }
    Sink& m_sink;
    TcpPacket& m_out;
    int m_depth = 0;

    uint8_t u8(size_t o) const { return m_f[o]; }
    uint16_t be16(size_t o) const { return uint16_t(m_f[o] << 8 | m_f[o + 1]); }
    uint32_t be32(size_t o) const { return uint32_t(be16(o)) << 16 | be16(o + 2); }
    uint16_t le16(size_t o) const { return uint16_t(m_f[o + 1] << 8 | m_f[o]); }
    uint32_t le32(size_t o) const { return uint32_t(le16(o + 2)) << 16 | le16(o); }
    static bool has(size_t off, size_t n, size_t end) { return off + n <= end; }

    void field(const char* name, const FieldValue& v, size_t off, size_t len)
    {
        if constexpr (Sink::kWantsFields)
            m_sink.field(name, v, off, len);
    }
    void stop(DecodeOutcome outcome, const char* reason)
    {
        m_out.outcome = outcome;
        m_sink.stop(reason);
    }
    bool enter(const char* key, const char* name, size_t off, size_t end, size_t need)
    {
        if (++m_depth > kMaxDepth) {
            stop(DecodeOutcome::Malformed, "too many nested headers");
            return false;
        }
        // (a header that a length before it put past the captured bytes shows at their end,
        // empty, and is cut short)
        m_sink.layer(key, name, off < end ? off : end, end > off ? end - off : 0);
        if (!has(off, need, end)) {
            stop(DecodeOutcome::Malformed, "header cut short");
            return false;
        }
        return true;
    }

    // link layers
    void link(int linkType, size_t off, size_t end);
    void ethernet(size_t off, size_t end, bool withFcs = false);
    void typeOrLength(size_t at, size_t end);
    void linuxSll(size_t off, size_t end);
    void linuxSll2(size_t off, size_t end);
    void nullLoopback(size_t off, size_t end, bool networkOrder);
    void ppp(size_t off, size_t end);
    void ciscoHdlc(size_t off, size_t end);
    void nflog(size_t off, size_t end);
    void radiotap(size_t off, size_t end);
    void ieee80211(size_t off, size_t end, bool dataPad = false);
    void llc(size_t off, size_t end);
    void snap(size_t off, size_t end);
    void nlpid(size_t off, size_t end);
    void fddi(size_t off, size_t end);
    void frameRelay(size_t off, size_t end);
    void slip(size_t off, size_t end);
    void linuxAtmClip(size_t off, size_t end);
    void ipnet(size_t off, size_t end);
    void pktap(size_t off, size_t end);
    void rawIp(size_t off, size_t end);
    void ipoib(size_t off, size_t end);
    void arcnet(size_t off, size_t end, bool linux);
    bool juniperHeader(size_t off, size_t end, size_t& layer2);
    void juniperEthernet(size_t off, size_t end);
    void juniperAtm(size_t off, size_t end, bool atm2);
    void amsdu(size_t off, size_t end);

    // network and tunnels
    void etherType(uint16_t type, size_t off, size_t end);
    void vlan(uint16_t tpid, size_t off, size_t end);
    void backboneServiceTag(size_t off, size_t end);
    void tagBeforeEtherType(const char* key, const char* name, size_t tagLength, size_t off,
                            size_t end);
    void nsh(size_t off, size_t end);
    void nextProtocol(uint8_t protocol, size_t off, size_t end);
    void mpls(size_t off, size_t end);
    void pseudowireControlWord(size_t off, size_t end);
    void pppoe(size_t off, size_t end);
    void pppProtocol(uint16_t proto, size_t off, size_t end);
    void ipv4(size_t off, size_t end);
    void ipv6(size_t off, size_t end);
    void ipProtocol(uint8_t proto, size_t off, size_t end);
    void authenticationHeader(size_t off, size_t end);
    void gre(size_t off, size_t end);
    void erspan(uint16_t protocol, bool greSequence, size_t off, size_t end);
    void udp(size_t off, size_t end);
    void vxlan(size_t off, size_t end);
    void vxlanGpe(size_t off, size_t end);
    void ayiya(size_t off, size_t end);
    void teredo(size_t off, size_t end);
    void l2tp(size_t off, size_t end);
    void l2tpv3Session(size_t off, size_t end);
    void geneve(size_t off, size_t end);
    void gtpu(size_t off, size_t end);
    void wccp(size_t off, size_t end);
    void tcp(size_t off, size_t end);
};

} // namespace fi

#include "DecoderEngine_impl.h"
