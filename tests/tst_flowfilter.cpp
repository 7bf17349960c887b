// The flow filter language: what each kind of term matches on a few handmade flows (IPv4 and
// IPv6, CIDR edges, ports, numbers with units, state, labels, plain words), precedence and
// case; errors with their reason and position; plain words exactly as the former text filter;
// and matching without allocating.

#include "PacketBuilder.h"

#include "FilterValues.h"
#include "FlowFilter.h"

#include <QRandomGenerator>
#include <QTest>

#include <atomic>
#include <cstdlib>
#include <new>

using namespace fi;
using namespace fi::test;

// Every allocation of the test program is counted, so that a test can see that matching makes none.
namespace {
std::atomic<size_t> g_allocations{0};
}

void* operator new(std::size_t size)
{
    ++g_allocations;
    if (void* p = std::malloc(size ? size : 1))
        return p;
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept
{
    std::free(p);
}
void operator delete(void* p, std::size_t) noexcept
{
    std::free(p);
}

namespace {

constexpr int64_t kSecond = 1'000'000'000;
constexpr int64_t kCaptureStart = 1000 * kSecond;

IpAddress address(const std::string& text)
{
    const Bytes b = ipBytes(text);
    return b.size() == 4 ? IpAddress::v4(b.data()) : IpAddress::v6(b.data());
}

struct FlowSpec
{
    const char* src;
    uint16_t srcport;
    const char* dst;
    uint16_t dstport;
    uint32_t packets;
    uint64_t bytes;
    int64_t firstNs;
    int64_t lastNs;
    uint32_t syn, fin, rst;
    bool closed;
};

FlowRecord flowOf(const FlowSpec& s)
{
    FlowRecord f;
    f.id = {address(s.src), s.srcport, address(s.dst), s.dstport};
    f.stats.packets = s.packets;
    f.stats.bytes = s.bytes;
    f.stats.firstNs = s.firstNs;
    f.stats.lastNs = s.lastNs;
    f.stats.syn = s.syn;
    f.stats.fin = s.fin;
    f.stats.rst = s.rst;
    f.stats.closedByFin = s.closed;
    return f;
}

/// Six flows, named A to F; the capture starts at 1000 s (A's first frame). TCP analysis:
/// A 3 retransmissions, RTTs 10 and 250 ms; B 2 duplicate ACKs, one RTT of 10 ms, handshake
/// RTT 20 ms as A's; C 2 lost segments; the others nothing, and no RTT measured. As Zeek sums
/// their connections up: A and B ShADadfF (SF), C Sr (REJ), F ShAR (RSTO).
const std::vector<FlowRecord>& flows()
{
    static const std::vector<FlowRecord> all = [] {
        std::vector<FlowRecord> made = {
        // A: 10.0.0.1_51000-10.0.0.2_80-1000.0, 2.5 s, closed
        flowOf({"10.0.0.1", 51000, "10.0.0.2", 80, 12, 1500, kCaptureStart, kCaptureStart + 5 * kSecond / 2, 1, 1, 0, true}),
        // B: the reverse direction, 0.4 s from 1000.1 s, one RST
        flowOf({"10.0.0.2", 80, "10.0.0.1", 51000, 10, 2'000'000, kCaptureStart + kSecond / 10,
                kCaptureStart + kSecond / 2, 1, 0, 1, false}),
        // C: 192.150.187.43_443-172.16.5.4_1234-1005.0, exactly 1 MiB, 5 s
        flowOf({"192.150.187.43", 443, "172.16.5.4", 1234, 500, 1'048'576, kCaptureStart + 5 * kSecond,
                kCaptureStart + 10 * kSecond, 0, 0, 0, false}),
        // D: 2001.db8..1_8080-2001.db8.1..ff_443-1001.0, one frame's time, closed
        flowOf({"2001:db8::1", 8080, "2001:db8:1::ff", 443, 3, 300, kCaptureStart + kSecond, kCaptureStart + kSecond,
                1, 1, 0, true}),
        // E: fe80..1_22-..1_60000-1002.0, a million packets, 1.5 GB, a minute, two SYNs
        flowOf({"fe80::1", 22, "::1", 60000, 1'000'000, 1'500'000'000, kCaptureStart + 2 * kSecond,
                kCaptureStart + 62 * kSecond, 2, 0, 0, false}),
        // F: 192.150.187.4_1000-8.8.8.8_53-1003.0, 500 us, two RSTs
        flowOf({"192.150.187.4", 1000, "8.8.8.8", 53, 2, 120, kCaptureStart + 3 * kSecond,
                kCaptureStart + 3 * kSecond + 500'000, 0, 0, 2, false}),
        };
        made[0].analysis.retransmissions = 3;
        made[0].analysis.addRtt(10'000'000);
        made[0].analysis.addRtt(250'000'000);
        made[0].analysis.handshakeRttNs = made[1].analysis.handshakeRttNs = 20'000'000;
        made[1].analysis.duplicateAcks = 2;
        made[1].analysis.addRtt(10'000'000);
        made[2].analysis.lostSegments = 2;
        made[0].connection = made[1].connection = {"ShADadfF", ZeekConnState::SF};
        made[2].connection = {"Sr", ZeekConnState::REJ};
        made[5].connection = {"ShAR", ZeekConnState::RSTO};
        return made;
    }();
    return all;
}

/// The names (A to F) of the flows `filter` keeps.
QString matching(const FlowFilter& filter)
{
    QString names;
    for (size_t i = 0; i < flows().size(); ++i)
        if (filter.matches(flows()[i], kCaptureStart))
            names += QChar('A' + int(i));
    return names;
}

} // namespace

class TestFlowFilter : public QObject
{
    Q_OBJECT

private slots:
    void flowsAreAsDescribed()
    {
        QCOMPARE(QString::fromStdString(flows()[0].label()), "10.0.0.1_51000-10.0.0.2_80-1000.0");
        QCOMPARE(QString::fromStdString(flows()[3].label()), "2001.db8..1_8080-2001.db8.1..ff_443-1001.0");
        QCOMPARE(QString::fromStdString(flows()[4].label()), "fe80..1_22-..1_60000-1002.0");
    }

    void matches_data()
    {
        QTest::addColumn<QString>("filter");
        QTest::addColumn<QString>("expected");
        auto row = [](const char* filter, const char* expected) { QTest::newRow(filter) << filter << expected; };

        // addresses: Wireshark fields, exact and CIDR, IPv4 and IPv6
        row("ip.addr == 10.0.0.1", "AB");
        row("ip.src == 10.0.0.1", "A");
        row("ip.dst == 10.0.0.1", "B");
        row("ip.addr eq 10.0.0.2", "AB");
        row("ip.addr == 10.0.0.0/8", "AB");
        row("ip.addr == 10.1.2.3/8", "AB"); // host bits after the prefix do not count
        row("ip.addr != 10.0.0.0/8", "CDEF"); // neither end
        row("ip.src != 10.0.0.1", "BCDEF");
        row("ip.addr == 0.0.0.0/0", "ABCF"); // every IPv4 address, no IPv6 one
        row("ip.addr == ::/0", "DE");
        row("ip.addr == 192.150.187.4/32", "F");
        row("ip.addr == 192.150.187.0/24", "CF");
        row("ip.addr == 192.150.187.42/31", "C");
        row("ip.addr == 2001:db8:0:0:0:0:0:1", "D");
        row("ip.addr == 2001:DB8::1", "D");
        row("ip.addr == 2001:db8::1/128", "D");
        row("ip.dst != 2001:db8::/32", "ABCEF");
        row("ipv6.addr == ::/0", "DE");
        row("ipv6.src == 2001:db8::1", "D");
        row("ipv6.dst == ::1", "E");
        row("source == 10.0.0.1", "A"); // the flow table's column titles
        row("destination == 8.8.8.8", "F");
        // addresses: bare, and tcpdump's primitives
        row("192.150.187.4", "F"); // not 192.150.187.43
        row("192.150.187.0/24", "CF");
        row("2001:db8::/32", "D");
        row("2001:db8:1::/48", "D");
        row("2001:db8:2::/48", "");
        row("::1", "E"); // the address, not text within 2001:db8::1
        row("host 10.0.0.1", "AB");
        row("src host 10.0.0.1", "A");
        row("dst host 10.0.0.1", "B");
        row("src 10.0.0.1", "A");
        row("dst 8.8.8.8", "F");
        row("net 10.0.0.0/8", "AB");
        row("net 192.150", "CF");
        row("net 172.16.5", "C");
        row("net 10/8", "AB");
        row("src net 192.150.187.0/24", "CF");
        row("dst net 192.150.187.0/24", "");
        row("ip6 net 2001:db8::/32", "D");
        // ports
        row("port 80", "AB");
        row("src port 80", "B");
        row("dst port 80", "A");
        row("tcp.port == 443", "CD");
        row("tcp.port != 443", "ABEF");
        row("tcp.port 8080", "D");
        row("tcp.srcport == 443", "C");
        row("tcp.dstport == 443", "D");
        row("srcport > 50000", "A");
        row("dstport >= 60000", "E");
        row("tcp.port < 100", "ABEF");
        row("tcp.port le 22", "E");
        row("tcp.port gt 59999", "E");
        row("tcp.port gt 60000", "");
        row("port eq 53", "F");
        row("src port > 1000", "AD");
        row("portrange 1000-2000", "CF");
        row("src portrange 1000-2000", "F");
        row("portrange 53-53", "F");
        // numbers with units
        row("packets > 100", "CE");
        row("packets >= 12", "ACE");
        row("packets == 1M", "E");
        row("packets < 1k", "ABCDF");
        row("packets ge 500", "CE");
        row("packets ne 12", "BCDEF");
        row("flow.packets == 3", "D");
        row("bytes >= 1M", "BCE");
        row("bytes >= 1MiB", "BCE");
        row("bytes > 1MiB", "BE");
        row("bytes == 1Mi", "C");
        row("bytes >= 1.5GB", "E");
        row("bytes > 1.5G", "");
        row("bytes < 1.5k", "DF");
        row("bytes <= 1500B", "ADF");
        row("duration > 2", "ACE");
        row("duration > 2s", "ACE");
        row("duration >= 1min", "E");
        row("duration < 500ms", "BDF");
        row("duration == 500us", "F");
        row("duration == 0.0005", "F");
        row("duration == 2.5", "A");
        row("start >= 2", "CEF");
        row("start == 0.1", "B");
        row("syn", "ABDE");
        row("syn > 1", "E");
        row("fin", "AD");
        row("rst", "BF");
        row("rst == 2", "F");
        // TCP analysis figures, by column title and by the names people know
        row("retrans > 0", "A");
        row("retransmissions > 0", "A");
        row("retransmissions == 0", "BCDEF");
        row("lost > 0 or dupacks > 0", "BC");
        row("duplicate_acks >= 2", "B");
        row("rtt.max > 0.2", "A");
        row("rttmax > 200ms", "A");
        row("rtt.min <= 10ms", "AB");
        row("rtt.mean > 100ms", "A");
        row("rtt.max < 1", "AB"); // no RTT measured is no match, either way
        row("not rtt.max < 1", "CDEF");
        row("irtt == 20ms", "AB");
        row("handshakertt != 20ms", "");
        // state and family
        row("closed", "AD");
        row("open", "BCEF");
        row("flow.closed", "AD");
        row("flow.open", "BCEF");
        row("state == closed", "AD");
        row("state != closed", "BCEF");
        row("state == open", "BCEF");
        // the connection as Zeek sums it up: its state, its history (as written: the case is the side)
        row("state == REJ", "C");
        row("state == rej", "C");
        row("state != REJ", "ABDEF");
        row("conn_state == SF", "AB");
        row("connstate == SF or state == RSTO", "ABF");
        row("history contains R", "F");
        row("history contains r", "C");
        row("history == Sr", "C");
        row("zeek.history contains \"dfF\"", "AB");
        row("history != \"\"", "ABCF");
        row("ip", "ABCF");
        row("ip6", "DE");
        row("ipv6", "DE");
        row("tcp", "ABCDEF");
        // labels
        row("label contains \"10.0.0.1_51000\"", "AB");
        row("label contains 2001.DB8", "D");
        row("label == \"192.150.187.4_1000-8.8.8.8_53-1003.0\"", "F");
        row("label != \"192.150.187.4_1000-8.8.8.8_53-1003.0\"", "ABCDE");
        row("label == 192.150.187.4_1000", "");
        // and, or, not, parentheses, precedence (not > and > or), case
        row("port 80 or port 443", "ABCD");
        row("port 80 || port 443", "ABCD");
        row("closed and port 80", "A");
        row("closed && port 80", "A");
        row("closed port 80", "A");
        row("port 443 or port 80 and closed", "ACD");
        row("port 443 or port 80 closed", "ACD");
        row("(port 443 or port 80) and closed", "AD");
        row("not port 80 and closed", "D");
        row("not (port 80 and closed)", "BCDEF");
        row("! port 80", "CDEF");
        row("!(ip.addr == 10.0.0.1)", "CDEF");
        row("not not port 80", "AB");
        row("ip6 or rst and packets < 5", "DEF");
        row("((port 80))", "AB");
        row("ip.src==10.0.0.1&&tcp.dstport==80", "A");
        row("PORT 80 AND CLOSED", "A");
        row("Host 10.0.0.1 Or Host 8.8.8.8", "ABF");
        row("TCP.PORT == 443", "CD");
        row("Packets > 100", "CE");
        // plain words: text in the label or an address, or a number that is a port
        row("443", "CD");
        row("80", "ABDE"); // port 80, and 80 within 8080 and fe80
        row("1000", "ABF");
        row("10.0.0", "AB");
        row("10.0.0 80", "AB");
        row("192.150.187.4_1000", "F");
        row("\"192.150.187.4\"", "CF"); // quoted: always text
        row("db8:1", "D");
        row("2001:db8", "D");
        row("FE80", "E");
        row("_60000-", "E");
        row("abcdef", "");
        row("", "ABCDEF");
        row("   ", "ABCDEF");
    }
    void matches()
    {
        QFETCH(QString, filter);
        QFETCH(QString, expected);
        FlowFilterError error;
        const std::optional<FlowFilter> parsed = FlowFilter::parse(filter.toStdString(), &error);
        QVERIFY2(parsed, error.message().c_str());
        QCOMPARE(matching(*parsed), expected);
    }

    void blankFilterMatchesEverything()
    {
        QVERIFY(FlowFilter().matchesEverything());
        QVERIFY(FlowFilter::parse(" \t ")->matchesEverything());
        QVERIFY(!FlowFilter::parse("port 80")->matchesEverything());
    }

    void errors_data()
    {
        QTest::addColumn<QString>("filter");
        QTest::addColumn<QString>("reason");
        QTest::addColumn<int>("begin");
        QTest::addColumn<int>("end");
        auto row = [](const char* filter, const char* reason, int begin, int end) {
            QTest::newRow(filter) << filter << reason << begin << end;
        };
        row("tcp.port == ", "expected a port number after '=='", 12, 12);
        row("ip.addr ==", "expected an address after '=='", 10, 10);
        row("packets >", "expected a number after '>'", 9, 9);
        row("host", "expected an address after 'host'", 4, 4);
        row("port and closed", "expected a port number after 'port'", 5, 8);
        row("tcp.prot == 80", "unknown field 'tcp.prot' (did you mean tcp.port?)", 0, 8);
        row("tcp.prot", "unknown field 'tcp.prot' (did you mean tcp.port?)", 0, 8);
        row("frame.len > 5", "unknown field 'frame.len'", 0, 9);
        row("packet > 5", "unknown field 'packet' (did you mean packets?)", 0, 6);
        row("hots 10.0.0.1", "unknown word 'hots' (did you mean host?)", 0, 4);
        row("host 10.0.0.300", "'10.0.0.300' is not an address (300 is more than 255)", 5, 15);
        row("10.0.0.300", "'10.0.0.300' is not an address (300 is more than 255)", 0, 10);
        row("ip.addr == 10.0.0", "'10.0.0' is not an address (an IPv4 address has four numbers)", 11, 17);
        row("ip.addr == 10.0.0.0/33", "'10.0.0.0/33': an IPv4 prefix length is 0 to 32", 11, 22);
        row("ip.addr == 2001:db8::/129", "'2001:db8::/129': an IPv6 prefix length is 0 to 128", 11, 25);
        row("ip.addr == 2001:db8::1::2", "'2001:db8::1::2' is not an address ('::' twice)", 11, 25);
        row("ip.addr == 10.0.0.1/", "'10.0.0.1/' is not an address (a prefix length after '/')", 11, 20);
        row("ipv6.addr == 10.0.0.1", "'10.0.0.1' is not an IPv6 address (use ip.addr for IPv4)", 13, 21);
        row("ip.addr < 10.0.0.1", "'ip.addr' compares with == or !=, not '<'", 8, 9);
        row("label > x", "'label' compares with contains, == or !=, not '>'", 6, 7);
        row("packets contains 5", "'packets' compares with ==, !=, <, <=, > or >=, not 'contains'", 8, 16);
        row("label ~ x", "regular expressions are not supported (use contains)", 6, 7);
        row("tcp.port in {80 443}", "sets ('in {...}') are not supported (use or)", 9, 11);
        row("(port 80", "'(' is never closed", 0, 1);
        row("(port 80 or (closed)", "'(' is never closed", 0, 1);
        row("port 80)", "')' has no matching '('", 7, 8);
        row("()", "expected a term between '(' and ')'", 1, 2);
        row("port 80 and", "expected a term after 'and'", 11, 11);
        row("port 80 or", "expected a term after 'or'", 10, 10);
        row("not", "expected a term after 'not'", 3, 3);
        row("or port 80", "'or' needs a term before it", 0, 2);
        row("== 80", "'==' needs a field before it", 0, 2);
        row("packets", "expected an operator (==, !=, <, <=, > or >=) after 'packets'", 7, 7);
        row("label", "expected an operator (contains, == or !=) after 'label'", 5, 5);
        row("packets > abc", "'abc' is not a number", 10, 13);
        row("packets > -1", "'-1' is not a number", 10, 12);
        row("packets > 1.5", "'1.5' is not a whole number", 10, 13);
        row("bytes > 5x", "'5x' has an unknown unit 'x' (use B, k, M, G, T, KB, MB, GB, KiB, MiB, GiB)", 8, 10);
        row("bytes > 1.5", "'1.5' is not a whole number of bytes", 8, 11);
        row("duration > 5 parsecs", "unknown word 'parsecs' (not a field, a keyword or text of a label)", 13, 20);
        row("nothing-matches", "unknown word 'nothing-matches' (not a field, a keyword or text of a label)", 0, 15);
        row("duration > 5d", "'5d' has an unknown unit 'd' (use s, ms, us, ns, min, h)", 11, 13);
        row("duration > 0.1ns", "'0.1ns' is finer than a nanosecond", 11, 16);
        row("bytes > 99999999999999999999", "'99999999999999999999' is too large", 8, 28);
        row("bytes > 9000000000T", "'9000000000T' is too large", 8, 19);
        row("port 70000", "'70000' is not a port number (0 to 65535)", 5, 10);
        row("port http", "'http' is not a port number", 5, 9);
        row("port 80-90", "'80-90' is not a port number (use portrange 80-90)", 5, 10);
        row("portrange 2000-1000", "'2000-1000' is not a port range (two ports, the lower first: 1000-2000)", 10, 19);
        row("state == half", "a flow's state is open or closed, or its connection's as Zeek gives it (S0, S1, SF, REJ\u2026), not 'half'", 9, 13);
        row("conn_state == closed",
            "a connection's state is S0, S1, SF, REJ, S2, S3, RSTO, RSTR, RSTOS0, RSTRH, SH, SHR or OTH, not 'closed'", 14, 20);
        row("conn_state > SF", "'conn_state' compares with == or !=, not '>'", 11, 12);
        row("src", "expected host, net, port, portrange or an address after 'src'", 3, 3);
        row("port 80 & port 81", "'&' is not an operator (use && or and)", 8, 9);
        row("port 80 | port 81", "'|' is not an operator (use || or or)", 8, 9);
        row("port === 80", "'===' is not an operator (use ==, !=, <, <=, > or >=)", 5, 8);
        row("label contains \"abc", "the quote is never closed", 15, 19);
        row("duration > 5 s", "write the unit right after the number: '5s'", 11, 14);
        row("bytes > 1 MiB", "write the unit right after the number: '1MiB'", 8, 13);
        row("closd", "unknown word 'closd' (did you mean closed?)", 0, 5);
        // positions count characters, not bytes
        row("\"\xc3\xa9\" port ==", "expected a port number after '=='", 11, 11);
    }
    void errors()
    {
        QFETCH(QString, filter);
        QFETCH(QString, reason);
        QFETCH(int, begin);
        QFETCH(int, end);
        FlowFilterError error;
        QVERIFY(!FlowFilter::parse(filter.toStdString(), &error));
        QCOMPARE(QString::fromStdString(error.reason), reason);
        QCOMPARE(int(error.begin), begin);
        QCOMPARE(int(error.end), end);
        QCOMPARE(QString::fromStdString(error.message()), reason + " at " + QString::number(begin));
    }

    void deepNestingIsAnErrorNotACrash()
    {
        FlowFilterError error;
        QVERIFY(!FlowFilter::parse(std::string(100000, '('), &error));
        QCOMPARE(QString::fromStdString(error.reason), "the filter is nested too deeply");
        QVERIFY(!FlowFilter::parse(std::string(100000, '!') + "closed", &error));
        QVERIFY(FlowFilter::parse(std::string(50, '(') + "closed" + std::string(50, ')')));
    }

    /// Every column of the flow table is a field by its title without spaces.
    void columnTitlesAreFields()
    {
        for (int c = 0; c < FlowColumns::ColumnCount; ++c) {
            QString name = QString::fromLatin1(FlowColumns::title(FlowColumns::Column(c))).toLower();
            name.remove(' ');
            FlowFilterError error;
            const bool parsed = FlowFilter::parse((name + " == 1").toStdString(), &error).has_value();
            QVERIFY2(parsed || !error.reason.starts_with("unknown"), qPrintable(name + ": " + QString::fromStdString(error.reason)));
        }
    }

    /// A plain (quoted) word keeps exactly the flows the former filter kept: the word found,
    /// ignoring case, in `label source destination`, or a number equal to either port.
    void plainWordsMatchAsTheFormerTextFilter()
    {
        QRandomGenerator random(20240611);
        std::vector<FlowRecord> records;
        QStringList texts;
        for (int i = 0; i < 400; ++i) {
            FlowRecord f;
            uint8_t bytes[16];
            for (uint8_t& b : bytes)
                b = uint8_t(random.bounded(4) == 0 ? 0 : random.bounded(256)); // runs of zeros: '::'
            if (i % 7 == 0) { // IPv4-mapped
                std::fill(bytes, bytes + 10, uint8_t(0));
                bytes[10] = bytes[11] = 0xff;
            }
            const bool v6 = i % 2 == 1;
            f.id.src = v6 ? IpAddress::v6(bytes) : IpAddress::v4(bytes);
            f.id.dst = v6 ? IpAddress::v6(bytes + 0) : IpAddress::v4(bytes + 12);
            if (v6)
                std::rotate(f.id.dst.bytes.begin(), f.id.dst.bytes.begin() + 3, f.id.dst.bytes.end());
            f.id.srcport = uint16_t(random.bounded(65536));
            f.id.dstport = uint16_t(random.bounded(3) == 0 ? 80 : random.bounded(65536));
            f.stats.firstNs = Timestamp{1000 + random.bounded(100000), uint32_t(random.bounded(1000)) * 1000000}.totalNanoseconds();
            texts << QString::fromStdString(f.label() + ' ' + f.id.src.toString() + ' ' + f.id.dst.toString());
            records.push_back(std::move(f));
        }
        int checked = 0, matched = 0;
        for (int w = 0; w < 3000; ++w) {
            // a piece of some flow's text, sometimes changed, in mixed case; or a number
            const QString& source = texts[random.bounded(texts.size())];
            const int from = random.bounded(source.size());
            QString word = source.mid(from, 1 + random.bounded(8)).split(' ').front();
            if (word.isEmpty())
                continue;
            if (w % 5 == 0)
                word[random.bounded(word.size())] = QChar("0123456789abcdef:._-"[random.bounded(20)]);
            if (w % 3 == 0)
                word = word.toUpper();
            if (w % 11 == 0)
                word = QString::number(random.bounded(70000));
            if (w % 13 == 0)
                word = "+" + QString::number(random.bounded(100));
            const std::optional<FlowFilter> filter = FlowFilter::parse(("\"" + word + "\"").toStdString());
            QVERIFY(filter);
            bool isNumber = false;
            const int port = word.toInt(&isNumber);
            for (size_t i = 0; i < records.size(); ++i) {
                const bool portMatch = isNumber && port >= 0 && port <= 65535 &&
                                       (records[i].id.srcport == port || records[i].id.dstport == port);
                const bool expected = portMatch || texts[qsizetype(i)].contains(word, Qt::CaseInsensitive);
                if (filter->matches(records[i], 0) != expected)
                    QFAIL(qPrintable(QString("word '%1' on '%2': expected %3").arg(word, texts[qsizetype(i)]).arg(expected)));
                ++checked;
                matched += expected;
            }
        }
        QVERIFY(matched > 1000); // the words do match often
        QVERIFY(checked > 1000000);
    }

    void matchingAllocatesNothing()
    {
        const std::optional<FlowFilter> filter = FlowFilter::parse(
            "\"db8:1\" or 2001:db8 or :ff or fe80 or 443 or db8:: or label contains \"_80-\" or "
            "(ip.addr == 10.0.0.0/8 or ipv6.addr == 2001:db8::/32 or host ::1) and not (port 9 or portrange 1-5) "
            "or bytes > 1M or duration < 2s or start > 1 or ip6 or syn > 1 or state == open or closed or open");
        QVERIFY(filter);
        size_t kept = 0;
        const size_t before = g_allocations;
        for (int round = 0; round < 100; ++round)
            for (const FlowRecord& f : flows())
                kept += filter->matches(f, kCaptureStart);
        QCOMPARE(g_allocations - before, size_t(0));
        QCOMPARE(kept, size_t(600));
    }

    void addressTextIsWrittenWithoutAllocating()
    {
        for (const char* text : {"255.255.255.255", "0.0.0.0", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "::ffff:1.2.3.4", "::", "1::"}) {
            const IpAddress a = address(text);
            char buffer[IpAddress::kMaxTextLength];
            const size_t before = g_allocations;
            const size_t length = a.writeText(buffer);
            QCOMPARE(g_allocations - before, size_t(0));
            QCOMPARE(std::string(buffer, length), std::string(text));
        }
    }

    void valueParsers_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("quantity");
        QTest::addColumn<qlonglong>("value");
        auto row = [](const char* text, Quantity q, qlonglong value) { QTest::newRow(text) << text << int(q) << value; };
        row("0", Quantity::Count, 0);
        row("12", Quantity::Count, 12);
        row("1k", Quantity::Count, 1000);
        row("1K", Quantity::Count, 1000);
        row("1.5k", Quantity::Count, 1500);
        row("2Ki", Quantity::Count, 2048);
        row("1m", Quantity::Count, 1'000'000);
        row("1G", Quantity::Count, 1'000'000'000);
        row("100B", Quantity::Bytes, 100);
        row("1kB", Quantity::Bytes, 1000);
        row("1KiB", Quantity::Bytes, 1024);
        row("1MB", Quantity::Bytes, 1'000'000);
        row("1MiB", Quantity::Bytes, 1'048'576);
        row("1GiB", Quantity::Bytes, 1'073'741'824);
        row("0.5GiB", Quantity::Bytes, 536'870'912);
        row("2TB", Quantity::Bytes, 2'000'000'000'000);
        row("2", Quantity::Seconds, 2'000'000'000);
        row(".5", Quantity::Seconds, 500'000'000);
        row("2.", Quantity::Seconds, 2'000'000'000);
        row("2s", Quantity::Seconds, 2'000'000'000);
        row("500ms", Quantity::Seconds, 500'000'000);
        row("1.5ms", Quantity::Seconds, 1'500'000);
        row("20us", Quantity::Seconds, 20'000);
        row("20\xc2\xb5s", Quantity::Seconds, 20'000);
        row("7ns", Quantity::Seconds, 7);
        row("1.5min", Quantity::Seconds, 90'000'000'000);
        row("1m", Quantity::Seconds, 60'000'000'000);
        row("2h", Quantity::Seconds, 7'200'000'000'000);
        row("0.000000001", Quantity::Seconds, 1);
    }
    void valueParsers()
    {
        QFETCH(QString, text);
        QFETCH(int, quantity);
        QFETCH(qlonglong, value);
        std::string why;
        const std::optional<int64_t> parsed = parseQuantity(text.toStdString(), Quantity(quantity), &why);
        QVERIFY2(parsed, why.c_str());
        QCOMPARE(qlonglong(*parsed), value);
    }
};

QTEST_MAIN(TestFlowFilter)
#include "tst_flowfilter.moc"
