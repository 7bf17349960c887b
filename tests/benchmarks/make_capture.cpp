// fi-make-capture: writes a large, realistic, deterministic synthetic capture for the
// benchmarks: Ethernet pcap (microsecond timestamps), IPv4 and about 20% IPv6, many
// concurrent TCP connections (handshake, requests, full-size data segments, delayed ACKs,
// FIN in both directions, some RST), a few ARP and UDP frames.
//
//   fi-make-capture OUT.pcap [--packets N] [--flows F] [--seed S]
//
// Defaults: 2,000,000 packets, 20,000 connections: about 1.3 GB, mean frame about 650 bytes.

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

// ---------------------------------------------------------------- deterministic randomness

struct Rng
{
    uint64_t state;

    explicit Rng(uint64_t seed) : state(seed) {}
    uint64_t next() // splitmix64
    {
        uint64_t z = (state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    /// Uniform in [0, n).
    uint32_t below(uint32_t n) { return uint32_t((next() >> 32) * n >> 32); }
    /// True with probability permille/1000.
    bool chance(uint32_t permille) { return below(1000) < permille; }
};

// ---------------------------------------------------------------- byte helpers

void put16(uint8_t* p, uint16_t v)
{
    p[0] = uint8_t(v >> 8);
    p[1] = uint8_t(v);
}
void put32(uint8_t* p, uint32_t v)
{
    put16(p, uint16_t(v >> 16));
    put16(p + 2, uint16_t(v));
}
void putLe32(uint8_t* p, uint32_t v)
{
    p[0] = uint8_t(v);
    p[1] = uint8_t(v >> 8);
    p[2] = uint8_t(v >> 16);
    p[3] = uint8_t(v >> 24);
}

uint16_t ipChecksum(const uint8_t* p, size_t n)
{
    uint32_t sum = 0;
    for (size_t i = 0; i + 1 < n; i += 2)
        sum += uint32_t(p[i] << 8 | p[i + 1]);
    while (sum >> 16)
        sum = (sum & 0xFFFF) + (sum >> 16);
    return uint16_t(~sum);
}

// ---------------------------------------------------------------- capture writer

class PcapWriter
{
public:
    bool open(const char* path)
    {
        m_file = std::fopen(path, "wb");
        if (!m_file)
            return false;
        m_buffer.resize(size_t(1) << 22);
        std::setvbuf(m_file, m_buffer.data(), _IOFBF, m_buffer.size());
        uint8_t header[24];
        putLe32(header, 0xA1B2C3D4u); // microsecond pcap, little-endian
        header[4] = 2, header[5] = 0; // version 2.4
        header[6] = 4, header[7] = 0;
        putLe32(header + 8, 0);       // thiszone
        putLe32(header + 12, 0);      // sigfigs
        putLe32(header + 16, 65535);  // snaplen
        putLe32(header + 20, 1);      // LINKTYPE_ETHERNET
        return std::fwrite(header, 1, sizeof header, m_file) == sizeof header;
    }

    bool write(uint64_t timeUs, const uint8_t* frame, uint32_t length)
    {
        uint8_t record[16];
        putLe32(record, uint32_t(timeUs / 1'000'000));
        putLe32(record + 4, uint32_t(timeUs % 1'000'000));
        putLe32(record + 8, length);
        putLe32(record + 12, length);
        ++m_frames;
        m_bytes += length;
        return std::fwrite(record, 1, sizeof record, m_file) == sizeof record &&
               std::fwrite(frame, 1, length, m_file) == length;
    }

    bool close()
    {
        bool ok = m_file && std::fclose(m_file) == 0;
        m_file = nullptr;
        return ok;
    }

    uint64_t frames() const { return m_frames; }
    uint64_t bytes() const { return m_bytes; }

private:
    std::FILE* m_file = nullptr;
    std::vector<char> m_buffer;
    uint64_t m_frames = 0;
    uint64_t m_bytes = 0;
};

// ---------------------------------------------------------------- traffic model

constexpr uint32_t kMtu = 1500;
constexpr uint32_t kTcpHeader = 32; // 20 bytes + NOP, NOP, timestamp option
constexpr uint32_t kSynHeader = 40; // MSS, SACK permitted, timestamp, NOP, window scale

struct Endpoint
{
    uint8_t mac[6];
    uint8_t ip[16];
    uint16_t port;
    uint32_t seq;       // next sequence number to send
    uint32_t tsval;
    bool finSent;
};

struct Connection
{
    bool v6 = false;
    Endpoint side[2]{}; // 0: client, 1: server
    enum class Phase { Syn, SynAck, Ack, Data, Closing, Done } phase = Phase::Syn;
    uint32_t budget = 0;      // data-phase packets left
    uint32_t unacked[2] = {}; // full segments not yet acknowledged, per sender
    int closer = 0;           // side that sends the first FIN
    int closeStep = 0;
    bool reset = false; // ends with a RST instead of FINs
};

class Generator
{
public:
    Generator(PcapWriter& out, uint64_t seed) : m_out(out), m_rng(seed)
    {
        m_payload.resize(1 << 16);
        for (auto& b : m_payload)
            b = uint8_t(m_rng.next());
    }

    bool ok() const { return m_ok; }

    void newConnection(Connection& c, uint32_t meanBudget)
    {
        c = Connection{};
        c.v6 = m_rng.chance(200);
        for (int s = 0; s < 2; ++s) {
            Endpoint& e = c.side[s];
            for (auto& b : e.mac)
                b = uint8_t(m_rng.next());
            e.mac[0] = uint8_t((e.mac[0] & 0xFC) | 0x02); // locally administered unicast
            if (c.v6) {
                static const uint8_t prefix[2][8] = {{0x20, 0x01, 0x0d, 0xb8, 0x00, 0x10, 0, 0},
                                                     {0x20, 0x01, 0x0d, 0xb8, 0x0a, 0x00, 0, 0}};
                std::memcpy(e.ip, prefix[s], 8);
                uint64_t host = m_rng.next();
                std::memcpy(e.ip + 8, &host, 8);
            } else {
                // Clients in 10.0.0.0/12, servers in 192.0.2.0/24 and 198.51.100.0/24.
                uint32_t a = s == 0 ? 0x0A000000u | (m_rng.below(1u << 20) + 1)
                                    : (m_rng.chance(500) ? 0xC0000200u : 0xC6336400u) |
                                          (m_rng.below(254) + 1);
                put32(e.ip, a);
            }
            e.seq = uint32_t(m_rng.next());
            e.tsval = uint32_t(m_rng.next());
        }
        static const uint16_t serverPorts[] = {443, 443, 443, 80, 80, 22, 8080, 993, 5432, 3306};
        c.side[0].port = uint16_t(32768 + m_rng.below(28232));
        c.side[1].port = serverPorts[m_rng.below(10)];
        // Lengths vary a lot: many short exchanges, a few long transfers.
        uint32_t r = m_rng.below(1000);
        if (r < 500)
            c.budget = 4 + m_rng.below(meanBudget / 2 + 1);
        else if (r < 950)
            c.budget = meanBudget / 2 + m_rng.below(meanBudget + 1);
        else
            c.budget = meanBudget * 2 + m_rng.below(meanBudget * 4 + 1);
        c.closer = m_rng.chance(600) ? 0 : 1;
        c.reset = m_rng.chance(50);
    }

    /// Writes the connection's next packet; returns false when the connection is over.
    bool step(Connection& c)
    {
        using P = Connection::Phase;
        switch (c.phase) {
        case P::Syn:
            tcp(c, 0, 0x02, 0, true);
            c.side[0].seq += 1;
            c.phase = P::SynAck;
            return true;
        case P::SynAck:
            tcp(c, 1, 0x12, 0, true);
            c.side[1].seq += 1;
            c.phase = P::Ack;
            return true;
        case P::Ack:
            tcp(c, 0, 0x10, 0, false);
            c.phase = P::Data;
            return true;
        case P::Data:
            if (c.budget == 0) {
                c.phase = P::Closing;
                return step(c);
            }
            --c.budget;
            data(c);
            return true;
        case P::Closing: return close(c);
        case P::Done: return false;
        }
        return false;
    }

    void arp()
    {
        uint8_t f[60] = {};
        std::memset(f, 0xFF, 6);
        for (int i = 6; i < 12; ++i)
            f[i] = uint8_t(m_rng.next());
        put16(f + 12, 0x0806);
        put16(f + 14, 1);      // Ethernet
        put16(f + 16, 0x0800); // IPv4
        f[18] = 6, f[19] = 4;
        put16(f + 20, 1); // request
        std::memcpy(f + 22, f + 6, 6);
        put32(f + 28, 0x0A000000u | m_rng.below(1u << 20));
        put32(f + 38, 0x0A000001u);
        emit(f, sizeof f);
    }

    void udpDns()
    {
        static const uint8_t query[] = {0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, // flags, 1 question
                                        3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e',
                                        3, 'c', 'o', 'm', 0, 0, 1, 0, 1}; // A, IN
        constexpr uint32_t dns = 2 + sizeof query;
        uint8_t f[14 + 20 + 8 + dns] = {};
        for (int i = 0; i < 12; ++i)
            f[i] = uint8_t(m_rng.next());
        f[0] = uint8_t((f[0] & 0xFC) | 0x02);
        f[6] = uint8_t((f[6] & 0xFC) | 0x02);
        put16(f + 12, 0x0800);
        uint8_t* ip = f + 14;
        ip[0] = 0x45;
        put16(ip + 2, 20 + 8 + dns);
        put16(ip + 4, uint16_t(m_rng.next()));
        ip[8] = 64, ip[9] = 17;
        put32(ip + 12, 0x0A000000u | m_rng.below(1u << 20));
        put32(ip + 16, 0x0A000035u);
        put16(ip + 10, ipChecksum(ip, 20));
        uint8_t* udp = ip + 20;
        put16(udp, uint16_t(32768 + m_rng.below(28232)));
        put16(udp + 2, 53);
        put16(udp + 4, 8 + dns);
        put16(udp + 8, uint16_t(m_rng.next())); // query id
        std::memcpy(udp + 10, query, sizeof query);
        emit(f, sizeof f);
    }

private:
    uint32_t mss(const Connection& c) const { return kMtu - (c.v6 ? 40 : 20) - kTcpHeader; }

    void data(Connection& c)
    {
        // Full-size server segments dominate the bytes, requests and ACKs the packet count.
        uint32_t r = m_rng.below(1000);
        if (c.unacked[1] >= 2 || (c.unacked[1] > 0 && r < 120)) {
            c.unacked[1] = 0; // delayed ACK from the client
            tcp(c, 0, 0x10, 0, false);
        } else if (c.unacked[0] >= 2) {
            c.unacked[0] = 0;
            tcp(c, 1, 0x10, 0, false);
        } else if (r < 540) {
            ++c.unacked[1];
            tcp(c, 1, m_rng.chance(100) ? 0x18 : 0x10, mss(c), false);
        } else if (r < 660) {
            ++c.unacked[0]; // a request or an upload segment
            uint32_t length = m_rng.chance(150) ? mss(c) : 80 + m_rng.below(900);
            tcp(c, 0, 0x18, length, false);
        } else if (r < 740) {
            ++c.unacked[1]; // the end of a response
            tcp(c, 1, 0x18, 100 + m_rng.below(mss(c) - 100), false);
        } else {
            tcp(c, m_rng.chance(700) ? 0 : 1, 0x10, 0, false); // window update / pure ACK
        }
    }

    bool close(Connection& c)
    {
        if (c.reset) {
            tcp(c, m_rng.chance(500) ? 0 : 1, 0x14, 0, false); // RST, ACK
            c.phase = Connection::Phase::Done;
            return true;
        }
        const int a = c.closer, b = 1 - c.closer;
        switch (c.closeStep++) {
        case 0: // FIN from the closer
            tcp(c, a, 0x11, 0, false);
            c.side[a].seq += 1;
            return true;
        case 1: // the other side acknowledges, and often sends its FIN at once
            if (m_rng.chance(500)) {
                tcp(c, b, 0x11, 0, false);
                c.side[b].seq += 1;
                ++c.closeStep;
            } else {
                tcp(c, b, 0x10, 0, false);
            }
            return true;
        case 2:
            tcp(c, b, 0x11, 0, false);
            c.side[b].seq += 1;
            return true;
        default: // the last ACK
            tcp(c, a, 0x10, 0, false);
            c.phase = Connection::Phase::Done;
            return true;
        }
    }

    void tcp(Connection& c, int from, uint8_t flags, uint32_t payload, bool syn)
    {
        Endpoint& s = c.side[from];
        Endpoint& d = c.side[1 - from];
        const uint32_t ipHeader = c.v6 ? 40 : 20;
        const uint32_t tcpHeader = syn ? kSynHeader : kTcpHeader;
        const uint32_t ipLength = ipHeader + tcpHeader + payload;
        uint32_t length = 14 + ipLength;
        uint8_t* f = m_frame;
        std::memcpy(f, d.mac, 6);
        std::memcpy(f + 6, s.mac, 6);
        put16(f + 12, c.v6 ? 0x86DD : 0x0800);
        uint8_t* ip = f + 14;
        if (c.v6) {
            put32(ip, 0x60000000u | (c.side[0].port & 0xFFFFF));
            put16(ip + 4, uint16_t(tcpHeader + payload));
            ip[6] = 6;
            ip[7] = 64;
            std::memcpy(ip + 8, s.ip, 16);
            std::memcpy(ip + 24, d.ip, 16);
        } else {
            ip[0] = 0x45;
            ip[1] = 0;
            put16(ip + 2, uint16_t(ipLength));
            put16(ip + 4, uint16_t(m_ipId++));
            put16(ip + 6, 0x4000); // DF
            ip[8] = from == 0 ? 64 : 52;
            ip[9] = 6;
            put16(ip + 10, 0);
            std::memcpy(ip + 12, s.ip, 4);
            std::memcpy(ip + 16, d.ip, 4);
            put16(ip + 10, ipChecksum(ip, 20));
        }
        uint8_t* t = ip + ipHeader;
        put16(t, s.port);
        put16(t + 2, d.port);
        put32(t + 4, s.seq);
        put32(t + 8, (flags & 0x10) ? d.seq : 0);
        t[12] = uint8_t((tcpHeader / 4) << 4);
        t[13] = flags;
        put16(t + 14, uint16_t(syn ? 64240 : 501 + m_rng.below(3000)));
        put16(t + 16, uint16_t(m_rng.next())); // checksum (offloaded: not computed)
        put16(t + 18, 0);
        uint8_t* o = t + 20;
        s.tsval += 1 + m_rng.below(4);
        if (syn) {
            o[0] = 2, o[1] = 4;
            put16(o + 2, uint16_t(mss(c)));
            o[4] = 4, o[5] = 2; // SACK permitted
            o[6] = 8, o[7] = 10;
            put32(o + 8, s.tsval);
            put32(o + 12, (flags & 0x10) ? d.tsval : 0);
            o[16] = 1;          // NOP
            o[17] = 3, o[18] = 3, o[19] = 7; // window scale
        } else {
            o[0] = 1, o[1] = 1;
            o[2] = 8, o[3] = 10;
            put32(o + 4, s.tsval);
            put32(o + 8, d.tsval);
        }
        std::memcpy(t + tcpHeader, m_payload.data() + m_rng.below(uint32_t(m_payload.size()) - kMtu),
                    payload);
        s.seq += payload;
        if (length < 60) { // Ethernet minimum frame (without FCS)
            std::memset(f + length, 0, 60 - length);
            length = 60;
        }
        emit(f, length);
    }

    void emit(const uint8_t* frame, uint32_t length)
    {
        m_timeUs += 1 + m_rng.below(24); // microsecond steps, strictly increasing
        if (!m_out.write(m_timeUs, frame, length))
            m_ok = false;
    }

    PcapWriter& m_out;
    Rng m_rng;
    std::vector<uint8_t> m_payload;
    uint8_t m_frame[2048];
    uint64_t m_timeUs = 1'700'000'000ull * 1'000'000;
    uint16_t m_ipId = 1;
    bool m_ok = true;

public:
    Rng& rng() { return m_rng; }
};

bool parseCount(const char* text, uint64_t& value)
{
    char* end = nullptr;
    errno = 0;
    unsigned long long v = std::strtoull(text, &end, 10);
    if (errno || end == text || *end || v == 0)
        return false;
    value = v;
    return true;
}

int usage()
{
    std::fprintf(stderr, "usage: fi-make-capture OUT.pcap [--packets N] [--flows F] [--seed S]\n");
    return 2;
}

} // namespace

int main(int argc, char** argv)
{
    const char* path = nullptr;
    uint64_t packets = 2'000'000, flows = 20'000, seed = 0x5EED;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        uint64_t* target = a == "--packets" ? &packets
                           : a == "--flows" ? &flows
                           : a == "--seed"  ? &seed
                                            : nullptr;
        if (target) {
            if (i + 1 >= argc || !parseCount(argv[++i], *target))
                return usage();
        } else if (!path && !a.empty() && a[0] != '-') {
            path = argv[i];
        } else {
            return usage();
        }
    }
    if (!path || packets > UINT32_MAX || flows > packets)
        return usage();

    PcapWriter out;
    if (!out.open(path)) {
        std::fprintf(stderr, "fi-make-capture: %s: %s\n", path, std::strerror(errno));
        return 1;
    }
    Generator gen(out, seed);

    // A pool of concurrent connections, packets drawn from random members, so that flows
    // interleave; a finished connection is replaced by a new one while packets remain.
    // Connection lengths (newConnection) average 0.775 budgets plus 2, plus about 7 packets of
    // handshake and teardown: aim at packets / flows packets per connection.
    const uint64_t perConnection = std::max<uint64_t>(packets / flows, 16);
    const uint32_t meanBudget = uint32_t((perConnection - 9) * 1000 / 775);
    const size_t concurrent = size_t(std::clamp<uint64_t>(flows / 10, 1, 4000));
    std::vector<Connection> pool(concurrent);
    uint64_t started = 0;
    for (Connection& c : pool) {
        gen.newConnection(c, meanBudget);
        ++started;
    }
    Rng& rng = gen.rng();
    while (out.frames() < packets && gen.ok()) {
        uint32_t r = rng.below(10000);
        if (r < 10) {
            gen.arp();
            continue;
        }
        if (r < 30) {
            gen.udpDns();
            continue;
        }
        Connection& c = pool[rng.below(uint32_t(pool.size()))];
        if (!gen.step(c)) {
            gen.newConnection(c, meanBudget);
            ++started;
            gen.step(c);
        }
    }
    if (!gen.ok() || !out.close()) {
        std::fprintf(stderr, "fi-make-capture: %s: write failed: %s\n", path, std::strerror(errno));
        return 1;
    }
    std::printf("wrote %s: %llu frames, %llu bytes of frames (mean %.0f), %llu TCP connections\n",
                path, static_cast<unsigned long long>(out.frames()),
                static_cast<unsigned long long>(out.bytes()),
                double(out.bytes()) / double(out.frames()), static_cast<unsigned long long>(started));
    return 0;
}
