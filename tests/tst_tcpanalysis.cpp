// Wireshark's TCP sequence analysis (TcpAnalyzer): each flag's defining case and its near
// misses, on segments built here: a client 10.0.0.1:1000 and a server 10.0.0.2:80 after a
// handshake (client ISN 100, server ISN 500, windows 1000, no window scale), then the
// segments of each row, a millisecond apart unless a row says otherwise. Each direction is one
// flow of the flow rule (the client flow 0, the server flow 1).

#include "FlowPacketBuilder.h"

#include "TcpAnalysis.h"

#include <QTest>

using namespace fi;
using namespace fi::test;

namespace {

struct Segment
{
    bool fromClient;
    uint32_t seq;
    uint32_t ack;
    uint32_t length = 0;
    uint16_t window = 1000;
    uint8_t flags = TcpFlag::ACK;
    int64_t gapUs = 1000; ///< after the previous segment
};

Packet packetOf(uint32_t frame, int64_t ns, const Segment& s)
{
    Packet p = s.fromClient ? flowPacket(frame, "10.0.0.1", 1000, "10.0.0.2", 80, s.flags)
                            : flowPacket(frame, "10.0.0.2", 80, "10.0.0.1", 1000, s.flags);
    p.frame.record.timeNs = ns;
    p.tcp.seq = s.seq;
    p.tcp.ack = s.ack;
    p.tcp.payloadLength = s.length;
    p.tcp.window = s.window;
    return p;
}

/// The flags of each segment after the handshake, as names joined by '+', segments by ' '.
QString analyse(const QList<Segment>& segments)
{
    const QList<Segment> handshake = {{true, 100, 0, 0, 1000, TcpFlag::SYN},
                                      {false, 500, 101, 0, 1000, TcpFlag::SYN | TcpFlag::ACK, 50'000},
                                      {true, 101, 501, 0, 1000, TcpFlag::ACK, 50'000}};
    TcpAnalyzer analyzer;
    int64_t ns = 1'000'000'000'000;
    uint32_t frame = 0;
    for (const Segment& s : handshake) {
        ns += s.gapUs * 1000;
        if (analyzer.analyze(packetOf(++frame, ns, s), s.fromClient ? 0 : 1).flags != 0)
            return "handshake flagged";
    }
    QStringList out;
    for (const Segment& s : segments) {
        ns += s.gapUs * 1000;
        const SegmentAnalysis a = analyzer.analyze(packetOf(++frame, ns, s), s.fromClient ? 0 : 1);
        QStringList names;
        for (int bit = 0; bit < TcpAnalysisFlag::kCount; ++bit)
            if (a.flags & (1u << bit))
                names << tcpAnalysisFlagName(bit);
        if (a.flags & TcpAnalysisFlag::DuplicateAck)
            names << QStringLiteral("#%1of%2").arg(a.duplicateAckNumber).arg(a.duplicateOfFrame);
        out << (names.isEmpty() ? QStringLiteral("-") : names.join('+'));
    }
    return out.join(' ');
}

constexpr uint8_t A = TcpFlag::ACK, FA = TcpFlag::FIN | TcpFlag::ACK, RA = TcpFlag::RST | TcpFlag::ACK;

} // namespace

Q_DECLARE_METATYPE(QList<Segment>)

class TestTcpAnalysis : public QObject
{
    Q_OBJECT

private slots:
    void flags_data()
    {
        QTest::addColumn<QList<Segment>>("segments");
        QTest::addColumn<QString>("expected");

        QTest::newRow("in order: nothing") << QList<Segment>{{true, 101, 501, 10}, {false, 501, 111, 20}, {true, 111, 521}}
                                           << "- - -";
        QTest::newRow("retransmission (after the RTT)")
            << QList<Segment>{{true, 101, 501, 10}, {true, 101, 501, 10, 1000, A, 200'000}} << "- retransmission";
        QTest::newRow("out of order (within the RTT), and not the segment just sent")
            << QList<Segment>{{true, 121, 501, 10}, {true, 101, 501, 20, 1000, A, 100}}
            << "lost_segment out_of_order";
        QTest::newRow("near miss: the same segment again at once is a retransmission")
            << QList<Segment>{{true, 101, 501, 10}, {true, 101, 501, 10, 1000, A, 100}} << "- retransmission";
        QTest::newRow("spurious: bytes the other side acknowledged")
            << QList<Segment>{{true, 101, 501, 10}, {false, 501, 111}, {true, 101, 501, 10, 1000, A, 200'000}}
            << "- - retransmission+spurious_retransmission";
        QTest::newRow("previous segment not captured") << QList<Segment>{{true, 111, 501, 10}} << "lost_segment";
        QTest::newRow("near miss: an RST beyond is no lost segment") << QList<Segment>{{true, 111, 501, 0, 0, RA}} << "-";
        // (as tshark 4.0: every ACK beyond what was seen says so, the last seen being the limit)
        QTest::newRow("ACKed unseen segments")
            << QList<Segment>{{false, 501, 131}, {true, 131, 501, 10}, {false, 501, 141, 0, 2000}}
            << "ack_lost_segment lost_segment ack_lost_segment";
        QTest::newRow("near miss: an ACK of what was seen") << QList<Segment>{{true, 101, 501, 10}, {false, 501, 111}} << "- -";
        QTest::newRow("duplicate ACKs, then a fast retransmission")
            << QList<Segment>{{true, 101, 501, 10}, {true, 111, 501, 10}, {false, 501, 111}, {false, 501, 111},
                              {false, 501, 111}, {true, 111, 501, 10, 1000, A, 5000}}
            << "- - - duplicate_ack+#1of6 duplicate_ack+#2of6 retransmission+fast_retransmission";
        QTest::newRow("near miss: a new window is a window update, not a duplicate ACK")
            << QList<Segment>{{true, 101, 501, 10}, {false, 501, 111}, {false, 501, 111, 0, 2000}} << "- - window_update";
        QTest::newRow("near miss: data is no duplicate ACK")
            << QList<Segment>{{true, 101, 501, 10}, {false, 501, 111}, {false, 501, 111, 5}} << "- - -";
        QTest::newRow("zero window, probe, probe ACK")
            << QList<Segment>{{false, 501, 101, 0, 0}, {true, 101, 501, 1}, {false, 501, 101, 0, 0}}
            << "zero_window zero_window_probe zero_window+zero_window_probe_ack";
        QTest::newRow("near miss: a FIN with window 0 is no zero window")
            << QList<Segment>{{false, 501, 101, 0, 0, FA}} << "-";
        QTest::newRow("keep-alive and its ACK")
            << QList<Segment>{{true, 101, 501, 10}, {false, 501, 111}, {true, 110, 501, 0, 1000, A, 200'000}, {false, 501, 111}}
            << "- - keep_alive keep_alive_ack";
        QTest::newRow("near miss: one byte before, but a FIN, is no keep-alive")
            << QList<Segment>{{true, 101, 501, 10}, {true, 110, 501, 0, 1000, FA, 200'000}} << "- retransmission";
        QTest::newRow("window full: the data reaches the edge of the other side's window")
            << QList<Segment>{{false, 501, 101, 0, 100}, {true, 101, 501, 100}} << "window_update window_full";
        QTest::newRow("near miss: one byte short of the edge")
            << QList<Segment>{{false, 501, 101, 0, 100}, {true, 101, 501, 99}} << "window_update -";
    }
    void flags()
    {
        QFETCH(QList<Segment>, segments);
        QFETCH(QString, expected);
        QCOMPARE(analyse(segments), expected);
    }

    void aReusedPortStartsOver()
    {
        TcpAnalyzer analyzer;
        // a connection, then a new SYN with another ISN: not a retransmission of the first SYN
        const QList<Segment> segments = {{true, 100, 0, 0, 1000, TcpFlag::SYN}, {true, 101, 0, 10},
                                         {true, 9000, 0, 0, 1000, TcpFlag::SYN, 1'000'000}};
        int64_t ns = 1'000'000'000'000;
        uint32_t frame = 0;
        uint16_t last = 0;
        for (const Segment& s : segments) {
            ns += s.gapUs * 1000;
            last = analyzer.analyze(packetOf(++frame, ns, s), s.fromClient ? 0 : 1).flags;
        }
        QCOMPARE(last, uint16_t(0));
    }

    void namesAreWiresharksFieldSuffixes()
    {
        QCOMPARE(QString(tcpAnalysisFlagName(0)), QString("retransmission"));
        QCOMPARE(QString(tcpAnalysisFlagName(TcpAnalysisFlag::kCount - 1)), QString("keep_alive_ack"));
        QCOMPARE(QString(tcpAnalysisFlagName(TcpAnalysisFlag::kCount)), QString());
    }
};

QTEST_GUILESS_MAIN(TestTcpAnalysis)
#include "tst_tcpanalysis.moc"
