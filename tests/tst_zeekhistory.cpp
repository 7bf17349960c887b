// Zeek's history string and connection state (ZeekHistory): each letter's and each state's
// defining case, on packets built here between a client 10.0.0.1:40000 (side 0; ISN 100) and a
// server (side 1; ISN 500) on port 80, a likely server port, or 5000, which is not. With
// ../shared, the connections of the corpus for which Zeek's own test baselines give the
// history and state (testing/btest/Baseline) are checked too.

#include "TestPaths.h"

#include "CaptureTracer.h"
#include "FlowTracker.h"
#include "LoadBatchBuilder.h"
#include "TcpPacket.h"
#include "ZeekHistory.h"

#include <QFile>
#include <QTest>

using namespace fi;

namespace {

/// A packet of the connection.
struct Sent
{
    bool fromClient;
    const char* flags; ///< S A F R P, as tcpdump shows them
    uint32_t seq;
    uint32_t ack = 0;
    uint32_t length = 0;
    uint16_t window = 1000;
};

uint8_t flagsOf(const char* text)
{
    uint8_t flags = 0;
    for (const char* c = text; *c; ++c)
        switch (*c) {
        case 'S': flags |= TcpFlag::SYN; break;
        case 'A': flags |= TcpFlag::ACK; break;
        case 'F': flags |= TcpFlag::FIN; break;
        case 'R': flags |= TcpFlag::RST; break;
        case 'P': flags |= TcpFlag::PSH; break;
        }
    return flags;
}

ZeekHistory historyOf(const QList<Sent>& packets, uint16_t serverPort)
{
    ZeekHistory h;
    for (const Sent& p : packets) {
        ZeekHistory::Segment s;
        s.side = p.fromClient ? 0 : 1;
        s.flags = flagsOf(p.flags);
        s.seq = p.seq;
        s.ack = p.ack;
        s.length = p.length;
        s.window = p.window;
        s.srcPort = p.fromClient ? 40000 : serverPort;
        s.dstPort = p.fromClient ? serverPort : 40000;
        h.add(s);
    }
    return h;
}

const QList<Sent> kHandshake = {{true, "S", 100}, {false, "SA", 500, 101}, {true, "A", 101, 501}};

QList<Sent> retransmittedTimes(int times)
{
    QList<Sent> out = kHandshake;
    for (int i = 0; i <= times; ++i)
        out.append({true, "PA", 101, 501, 10});
    return out;
}

} // namespace

class TestZeekHistory : public QObject
{
    Q_OBJECT

private slots:
    void lettersAndStates_data()
    {
        QTest::addColumn<QList<Sent>>("packets");
        QTest::addColumn<int>("serverPort");
        QTest::addColumn<QString>("history");
        QTest::addColumn<QString>("state");
        const QList<Sent> h = kHandshake;
        QTest::newRow("normal close") << h + QList<Sent>{{true, "PA", 101, 501, 10}, {false, "A", 501, 111},
                                                           {true, "FA", 111, 501}, {false, "FA", 501, 112},
                                                           {true, "A", 112, 502}}
                                      << 80 << "ShADaFf" << "SF";
        QTest::newRow("data both ways, ACKs once each way")
            << h + QList<Sent>{{true, "PA", 101, 501, 10}, {false, "PA", 501, 111, 20}, {true, "A", 111, 521},
                                 {false, "A", 521, 111}, {true, "PA", 111, 521, 5}}
            << 80 << "ShADda" << "S1";
        QTest::newRow("attempt") << QList<Sent>{{true, "S", 100}} << 80 << "S" << "S0";
        QTest::newRow("attempt repeated: the same SYN adds nothing")
            << QList<Sent>{{true, "S", 100}, {true, "S", 100}} << 80 << "S" << "S0";
        QTest::newRow("rejected") << QList<Sent>{{true, "S", 100}, {false, "RA", 0, 101}} << 80 << "Sr" << "REJ";
        QTest::newRow("SYN then the originator's RST")
            << QList<Sent>{{true, "S", 100}, {true, "R", 101}} << 80 << "SR" << "RSTOS0";
        QTest::newRow("SYN, an ACK, then the originator's RST")
            << QList<Sent>{{true, "S", 100}, {false, "A", 500, 101}, {true, "R", 101}} << 80 << "SaR" << "RSTOS0";
        QTest::newRow("SYN, a FIN, then an RST: no RSTOS0")
            << QList<Sent>{{true, "S", 100}, {false, "A", 500, 101}, {true, "F", 101}, {true, "R", 102}} << 5000
            << "SaFR" << "OTH";
        QTest::newRow("midstream") << QList<Sent>{{true, "PA", 1000, 2000, 10}, {false, "PA", 2000, 1010, 20},
                                                    {true, "A", 1010, 2020}}
                                   << 5000 << "DdA" << "OTH";
        QTest::newRow("midstream from a server port: roles flipped")
            << QList<Sent>{{false, "PA", 2000, 1000, 20}, {true, "A", 1000, 2020}} << 80 << "^dA" << "OTH";
        QTest::newRow("SYN/ACK alone from a server port") << QList<Sent>{{false, "SA", 500, 101}} << 80 << "^h"
                                                          << "OTH";
        QTest::newRow("SYN/ACK first from a server port, then an ACK")
            << QList<Sent>{{false, "SA", 500, 101}, {true, "A", 101, 501}} << 80 << "^hA" << "S1";
        QTest::newRow("SYN/ACK first from another port, then an ACK")
            << QList<Sent>{{false, "SA", 500, 101}, {true, "A", 101, 501}} << 5000 << "^hA" << "OTH";
        QTest::newRow("SYN/ACK before its SYN")
            << QList<Sent>{{false, "SA", 500, 101}, {true, "S", 100}, {true, "A", 101, 501}} << 5000 << "Hs^A"
            << "S1";
        QTest::newRow("retransmission: T") << retransmittedTimes(1) << 80 << "ShADT" << "S1";
        QTest::newRow("nine retransmissions: one T") << retransmittedTimes(9) << 80 << "ShADT" << "S1";
        QTest::newRow("ten retransmissions: T again") << retransmittedTimes(10) << 80 << "ShADTT" << "S1";
        QTest::newRow("a segment partly new is no retransmission")
            << h + QList<Sent>{{true, "PA", 101, 501, 10}, {true, "PA", 105, 501, 10}} << 80 << "ShAD" << "S1";
        QTest::newRow("zero window")
            << h + QList<Sent>{{false, "A", 501, 101, 0, 0}, {false, "A", 501, 101, 0, 0}} << 80 << "ShAaw" << "S1";
        QTest::newRow("zero window in an RST: no W")
            << h + QList<Sent>{{false, "RA", 501, 101, 0, 0}} << 80 << "ShAr" << "RSTR";
        QTest::newRow("gap: bytes acknowledged never seen")
            << h + QList<Sent>{{true, "PA", 111, 501, 10}, {false, "A", 501, 121}} << 80 << "ShADaG" << "S1";
        // (the filling segment ends below the highest end sent: Zeek calls it retransmitted)
        QTest::newRow("no gap once the hole is filled")
            << h + QList<Sent>{{true, "PA", 111, 501, 10}, {true, "PA", 101, 501, 10}, {false, "A", 501, 121}} << 80
            << "ShADTa" << "S1";
        QTest::newRow("no gap in a partial connection")
            << QList<Sent>{{true, "PA", 1000, 2000, 10}, {false, "A", 2000, 1030}} << 5000 << "Da" << "OTH";
        QTest::newRow("FIN with RST: I") << h + QList<Sent>{{true, "FR", 101, 501}} << 80 << "ShAI" << "RSTO";
        QTest::newRow("SYN with FIN: Q") << QList<Sent>{{true, "SF", 100}} << 80 << "Q" << "SH";
        QTest::newRow("responder resets") << h + QList<Sent>{{false, "R", 501}} << 80 << "ShAr" << "RSTR";
        QTest::newRow("two RSTs at other numbers") << h + QList<Sent>{{false, "R", 501}, {false, "R", 600}} << 80
                                                   << "ShArr" << "RSTR";
        QTest::newRow("half-closed by the originator") << h + QList<Sent>{{true, "FA", 101, 501}} << 80 << "ShAF"
                                                       << "S2";
        QTest::newRow("half-closed by the responder") << h + QList<Sent>{{false, "FA", 501, 101}} << 80 << "ShAf"
                                                      << "S3";
        QTest::newRow("a FIN then an RST from the same side ends normally")
            << h + QList<Sent>{{false, "FA", 501, 101}, {false, "R", 502}, {true, "FA", 101, 502}} << 80
            << "ShAfrF" << "SF";
        QTest::newRow("a lone RST from a server port") << QList<Sent>{{false, "R", 500}} << 80 << "^r" << "RSTRH";
        QTest::newRow("a lone RST from a client") << QList<Sent>{{true, "R", 100}} << 80 << "R" << "OTH";
        QTest::newRow("a FIN from a server port, then an ACK")
            << QList<Sent>{{false, "FA", 500, 101}, {true, "A", 101, 501}} << 80 << "^fA" << "SHR";
        QTest::newRow("a FIN from a client, then an ACK")
            << QList<Sent>{{true, "FA", 100, 500}, {false, "A", 500, 101}} << 80 << "Fa" << "SH";
    }
    void lettersAndStates()
    {
        QFETCH(QList<Sent>, packets);
        QFETCH(int, serverPort);
        QFETCH(QString, history);
        QFETCH(QString, state);
        const ZeekHistory h = historyOf(packets, uint16_t(serverPort));
        QCOMPARE(QString::fromStdString(h.history()), history);
        QCOMPARE(QString::fromLatin1(zeekConnStateName(h.connState())), state);
    }

    void nothingYet()
    {
        const ZeekHistory h;
        QCOMPARE(h.connState(), ZeekConnState::None);
        QCOMPARE(h.originatorSide(), -1);
        QCOMPARE(h.summary(), ConnectionSummary{});
    }

    void stateNames()
    {
        for (int i = 1; i < kZeekConnStateCount; ++i) {
            const ZeekConnState s = ZeekConnState(i);
            QCOMPARE(zeekConnStateOf(zeekConnStateName(s)), std::optional<ZeekConnState>(s));
            QVERIFY(*zeekConnStateDescription(s));
        }
        QCOMPARE(zeekConnStateOf("rstos0"), std::optional<ZeekConnState>(ZeekConnState::RSTOS0));
        QCOMPARE(zeekConnStateOf("SFX"), std::nullopt);
        QCOMPARE(zeekConnStateOf(""), std::nullopt);
        QVERIFY(ZeekHistory::isLikelyServerPort(443));
        QVERIFY(!ZeekHistory::isLikelyServerPort(5000));
    }

    /// Zeek's own test baselines (testing/btest/Baseline of zeek/zeek, run with checksums
    /// ignored) for connections of the corpus: every flow of the connection says the same.
    void zeekBaselines_data()
    {
        QTest::addColumn<QString>("capture");
        QTest::addColumn<QString>("originator");
        QTest::addColumn<QString>("responder");
        QTest::addColumn<QString>("history");
        QTest::addColumn<QString>("state");
        auto row = [](const char* name, const char* capture, const char* orig, const char* resp, const char* history,
                      const char* state) {
            QTest::newRow(name) << QString::fromLatin1(capture) << orig << resp << history << state;
        };
        row("single RST", "zeek/tcp__single-rst.pcap", "10.0.0.10:48777", "10.0.0.80:80", "R", "OTH");
        row("SYN then RST", "zeek/tcp__syn-then-rst.pcap", "1.1.1.1:13131", "1.1.1.2:31313", "SR", "RSTOS0");
        row("SYN, ACK, RST", "zeek/tcp__syn-then-ack-then-rst.pcap", "1.1.1.1:13131", "1.1.1.2:31313", "SaR",
            "RSTOS0");
        row("geneve", "zeek/tunnels__geneve-47101.pcap", "192.168.0.107:45474", "145.40.68.75:443", "ShADadFf", "SF");
        row("geneve, many options", "zeek/tunnels__geneve-many-options.pcap", "10.0.0.226:39088",
            "95.217.228.176:80", "ShADadFf", "SF");
        row("HTTP CONNECT", "zeek/http__connect-with-header.pcap", "::1:52522", "::1:80", "ShAaDd", "S1");
        row("POP3", "zeek/pop3__bad-list-retr-crafted.pcap", "127.0.0.1:58854", "127.0.0.1:110", "ShAdDaFR", "RSTO");
        row("HTTP download with retransmissions", "zeek/http__m57-long-49600-80.pcap", "192.168.1.105:49600",
            "65.54.95.185:80", "ShADTadttfR", "RSTO");
        row("IRC", "zeek/irc-dcc-send.pcapng", "10.0.0.7:59069", "10.0.0.22:6667", "ShADadfF", "SF");
        row("IRC DCC", "zeek/irc-dcc-send.pcapng", "10.0.0.22:43614", "10.0.0.7:59130", "ShAadDfF", "SF");
        row("IRC DCC 2", "zeek/irc-dcc-send.pcapng", "10.0.0.22:38016", "10.0.0.7:59214", "ShAaDdfF", "SF");
        row("FTP control", "zeek/ftp__ipv4.pcap", "141.142.220.235:50003", "199.233.217.249:21", "ShAdDfFa", "SF");
        row("FTP data", "zeek/ftp__ipv4.pcap", "141.142.220.235:37604", "199.233.217.249:56666", "ShAdfFa", "SF");
        row("FTP data, active", "zeek/ftp__ipv4.pcap", "199.233.217.249:61920", "141.142.220.235:33582", "ShADaFf",
            "SF");
        row("FTP, missing space", "zeek/ftp__ftp-missing-space-after-reply-code.pcap", "127.0.0.1:51346",
            "127.0.0.1:21", "ShAdDaFf", "SF");
        row("FTP PASS", "zeek/ftp__ftp-password-pass-command.pcap", "192.168.10.132:46648", "192.168.10.188:21",
            "ShAdDaFf", "SF");
        row("MySQL", "zeek/mysql__encrypted.pcap", "127.0.0.1:59272", "127.0.0.1:3306", "ShAdDaFf", "SF");
        row("modbus", "zeek/modbus__modbus-and-non-modbus-p502.pcap", "10.0.0.9:3082", "10.0.0.3:502", "ShADdFaf",
            "SF");
        row("Teredo", "zeek/tunnels__Teredo.pcap", "192.168.2.16:1580", "67.228.110.120:80", "ShADadFf", "SF");
        row("MPLS in VLAN", "zeek/mpls-in-vlan.pcap", "65.65.65.65:19244", "65.65.65.65:80", "D", "OTH");
        row("MPLS in VLAN, from the server port", "zeek/mpls-in-vlan.pcap", "65.65.65.65:32828", "65.65.65.65:80",
            "^d", "OTH");
    }
    void zeekBaselines()
    {
        FI_REQUIRE_SHARED();
        QFETCH(QString, capture);
        QFETCH(QString, originator);
        QFETCH(QString, responder);
        QFETCH(QString, history);
        QFETCH(QString, state);
        const QString path = fi::test::sharedDir() + QStringLiteral("/corpus/") + capture;
        if (!QFile::exists(path))
            QSKIP("not in this copy of the corpus");
        CaptureTracer tracer;
        QVERIFY(tracer.open(path.toStdString()));
        CaptureStore store;
        loadCaptureStore(tracer, path.toStdString(), store);
        auto endpoint = [](const IpAddress& a, uint16_t port) {
            return QStringLiteral("%1:%2").arg(QString::fromStdString(a.toString())).arg(port);
        };
        int flows = 0;
        for (const FlowRecord& f : store.flows) {
            const QString src = endpoint(f.id.src, f.id.srcport), dst = endpoint(f.id.dst, f.id.dstport);
            if (!((src == originator && dst == responder) || (src == responder && dst == originator)))
                continue;
            ++flows;
            QCOMPARE(QString::fromStdString(f.connection.history), history);
            QCOMPARE(QString::fromLatin1(zeekConnStateName(f.connection.state)), state);
        }
        QVERIFY2(flows > 0, "no flow of that connection");
    }
};

QTEST_GUILESS_MAIN(TestZeekHistory)
#include "tst_zeekhistory.moc"
