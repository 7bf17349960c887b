// Wireshark's TCP sequence analysis (TcpAnalyzer): each flag's defining case and its near
// misses, on segments built here: a client 10.0.0.1:1000 and a server 10.0.0.2:80 after a
// handshake (client ISN 100, server ISN 500, windows 1000, no window scale), then the
// segments of each row, a millisecond apart unless a row says otherwise. Each direction is one
// flow of the flow rule (the client flow 0, the server flow 1).

#include "FlowPacketBuilder.h"

#include "FlowAnalysis.h"
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
    uint32_t sacked = 0;  ///< bytes its SACK blocks report
    int8_t windowScale = -1; ///< a SYN's window scale option; -1: none
    bool inFirstFragment = false; ///< its payload goes on in later IP fragments
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
    p.tcp.sackedBytes = s.sacked;
    p.tcp.windowScale = s.windowScale;
    p.tcp.inFirstFragment = s.inFirstFragment;
    return p;
}

/// Feeds `analyzer` the handshake (frames 1-3: SYN, SYN/ACK 50 ms later, ACK 50 ms later),
/// then `segments` (frames 4…); `seen(analysis, segment)` is told each one's analysis, the
/// handshake's too if `withHandshake`.
template <typename Seen>
void feed(TcpAnalyzer& analyzer, const QList<Segment>& segments, Seen seen, bool withHandshake = false)
{
    const QList<Segment> handshake = {{true, 100, 0, 0, 1000, TcpFlag::SYN},
                                      {false, 500, 101, 0, 1000, TcpFlag::SYN | TcpFlag::ACK, 50'000},
                                      {true, 101, 501, 0, 1000, TcpFlag::ACK, 50'000}};
    int64_t ns = 1'000'000'000'000;
    uint32_t frame = 0;
    for (const Segment& s : handshake + segments) {
        ns += s.gapUs * 1000;
        const SegmentAnalysis a = analyzer.analyze(packetOf(++frame, ns, s), s.fromClient ? 0 : 1);
        if (frame > 3 || withHandshake)
            seen(a, s);
        if (frame <= 3 && a.flags != 0)
            QFAIL("the handshake is flagged");
    }
}

/// The flags of each segment after the handshake, as names joined by '+', segments by ' '.
QString analyse(const QList<Segment>& segments)
{
    TcpAnalyzer analyzer;
    QStringList out;
    feed(analyzer, segments, [&](const SegmentAnalysis& a, const Segment&) {
        QStringList names;
        for (int bit = 0; bit < TcpAnalysisFlag::kCount; ++bit)
            if (a.flags & (1u << bit))
                names << tcpAnalysisFlagName(bit);
        if (a.flags & TcpAnalysisFlag::DuplicateAck)
            names << QStringLiteral("#%1of%2").arg(a.duplicateAckNumber).arg(a.duplicateOfFrame);
        out << (names.isEmpty() ? QStringLiteral("-") : names.join('+'));
    });
    return out.join(' ');
}

/// What each segment after the handshake acknowledged and had in flight: `acks F after Nus`,
/// `flight N`, both, or `-`; segments joined by ' '.
QString ackedAndInFlight(const QList<Segment>& segments)
{
    TcpAnalyzer analyzer;
    QStringList out;
    feed(analyzer, segments, [&](const SegmentAnalysis& a, const Segment&) {
        QStringList parts;
        if (a.acksFrame)
            parts << QStringLiteral("acks %1 after %2us").arg(a.acksFrame).arg(a.ackRttNs / 1000);
        if (a.bytesInFlight)
            parts << QStringLiteral("flight %1").arg(a.bytesInFlight);
        out << (parts.isEmpty() ? QStringLiteral("-") : parts.join(", "));
    });
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
        // (the 8 bytes of its first IP fragment; tshark reassembles the fragments: 69 bytes)
        QTest::newRow("a segment in an IP first fragment: its end is not known")
            << QList<Segment>{{true, 101, 501, 8, 1000, A, 1000, 0, -1, true}, {true, 170, 501, 10}} << "- -";
        QTest::newRow("near miss: the same unfragmented")
            << QList<Segment>{{true, 101, 501, 8}, {true, 170, 501, 10}} << "- lost_segment";
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
        // (each is both greater and less than the other, as Wireshark's GT_SEQ and LE_SEQ say)
        QTest::newRow("2^31 past the next expected: after it, and before the ACK")
            << QList<Segment>{{true, 101 + 2147483648u, 501, 10}} << "retransmission+spurious_retransmission+lost_segment";
        // (an ACK beyond anything sent leaves the other side's duplicate ACK count at "many",
        // as Wireshark's -1: a retransmission at that side's ACK soon after is a fast one)
        QTest::newRow("after an ACK of unseen bytes, a retransmission at the other side's ACK is fast")
            << QList<Segment>{{false, 501, 101, 20}, {true, 101, 511, 10}, {false, 521, 131}, {false, 511, 131, 10}}
            << "- - ack_lost_segment retransmission+fast_retransmission";
        QTest::newRow("near miss: one byte short of the edge")
            << QList<Segment>{{false, 501, 101, 0, 100}, {true, 101, 501, 99}} << "window_update -";
    }
    void flags()
    {
        QFETCH(QList<Segment>, segments);
        QFETCH(QString, expected);
        QCOMPARE(analyse(segments), expected);
    }

    void ackRttAndBytesInFlight_data()
    {
        QTest::addColumn<QList<Segment>>("segments");
        QTest::addColumn<QString>("expected");
        // (frame 3, the handshake's ACK, acknowledged the SYN/ACK of frame 2)
        QTest::newRow("one segment and its ACK")
            << QList<Segment>{{true, 101, 501, 10}, {false, 501, 111, 0, 1000, A, 7000}}
            << "flight 10 acks 4 after 7000us";
        QTest::newRow("two in flight, one ACK for both: the later one's RTT")
            << QList<Segment>{{true, 101, 501, 10}, {true, 111, 501, 20}, {false, 501, 131, 0, 1000, A, 3000}}
            << "flight 10 flight 30 acks 5 after 3000us";
        QTest::newRow("a partial ACK measures nothing and leaves the rest in flight")
            << QList<Segment>{{true, 101, 501, 10}, {false, 501, 105}, {true, 111, 501, 10}}
            << "flight 10 - flight 16";
        QTest::newRow("a retransmission: the ACK is timed from the first copy")
            << QList<Segment>{{true, 101, 501, 10}, {true, 101, 501, 10, 1000, A, 200'000}, {false, 501, 111, 0, 1000, A, 1000}}
            << "flight 10 flight 10 acks 4 after 201000us";
        QTest::newRow("SACKed bytes are not in flight")
            << QList<Segment>{{true, 101, 501, 10}, {true, 111, 501, 10}, {false, 501, 101, 0, 1000, A, 1000, 10}, {true, 121, 501, 10}}
            << "flight 10 flight 20 - flight 20";
        QTest::newRow("after a lost segment, nothing until the other side ACKs")
            << QList<Segment>{{true, 111, 501, 10}, {true, 121, 501, 10}, {false, 501, 101}, {true, 131, 501, 10}}
            << "- - - flight 30";
        QTest::newRow("a FIN with data counts its bytes, not the FIN")
            << QList<Segment>{{true, 101, 501, 10, 1000, FA}} << "flight 10";
    }
    void ackRttAndBytesInFlight()
    {
        QFETCH(QList<Segment>, segments);
        QFETCH(QString, expected);
        QCOMPARE(ackedAndInFlight(segments), expected);
    }

    /// Each flow's figures, summed up from its segments' analyses and the other side's ACKs.
    void flowFigures()
    {
        TcpAnalyzer analyzer;
        FlowAnalysis figures[2]; // the client's (flow 0), the server's (flow 1)
        const auto sum = [&](const SegmentAnalysis& a, const Segment& s) {
            figures[s.fromClient ? 0 : 1].addSegment(a, s.length);
            if (a.acksFrame)
                figures[a.ackedFlow].addAcknowledgement(a);
        };
        // client data: a segment, a lost one (the next seen after a hole), its retransmission
        // 0.3 s on, then the server's ACKs: duplicates, then one for everything; a zero window
        feed(analyzer,
             {{true, 101, 501, 10}, {true, 121, 501, 10}, {false, 501, 111, 0, 1000, A, 4000},
              {false, 501, 111, 0, 1000, A, 100}, {false, 501, 111, 0, 1000, A, 100},
              {true, 111, 501, 10, 1000, A, 300'000}, {false, 501, 131, 0, 0, A, 6000}},
             sum, true);
        const FlowAnalysis& client = figures[0];
        QCOMPARE(client.retransmissions, 1u);
        QCOMPARE(client.retransmittedBytes, uint64_t(10));
        QCOMPARE(client.lostSegments, 1u);
        QCOMPARE(client.outOfOrder, 0u);
        QCOMPARE(client.handshakeRttNs, int64_t(100'000'000)); // SYN to the handshake's ACK
        // RTT samples: the SYN by the SYN/ACK (50 ms), the first segment by the first ACK
        // (5 ms), and the segment after the hole by the last ACK (310.2 ms); the last ACK ends
        // past the retransmission, which so measures nothing
        QCOMPARE(client.rttSamples, 3u);
        QCOMPARE(client.rttMinNs, int64_t(5'000'000));
        QCOMPARE(client.rttMaxNs, int64_t(310'200'000));
        QCOMPARE(client.rttMeanNs(), int64_t(365'200'000 / 3));
        // (after the hole nothing counts until the server's ACK; then the retransmission
        // makes 111-131 unacknowledged)
        QCOMPARE(client.maxBytesInFlight, 20u);
        const FlowAnalysis& server = figures[1];
        QCOMPARE(server.duplicateAcks, 2u);
        QCOMPARE(server.zeroWindows, 1u);
        QCOMPARE(server.rttSamples, 1u); // its SYN/ACK, by the handshake's ACK
        QCOMPARE(server.rttMaxNs, int64_t(50'000'000));
        QCOMPARE(server.handshakeRttNs, int64_t(100'000'000));
    }

    /// The ACK that completes the handshake is judged before its RTT is known: its own
    /// out-of-order test uses the 3 ms default (as tshark decides it).
    void theHandshakeRttCountsFromTheNextSegment()
    {
        TcpAnalyzer analyzer;
        // a SYN, then the first ACK after it 59 us later, three bytes from before the SYN's number
        const QList<Segment> segments = {{true, 100, 0, 0, 1000, TcpFlag::SYN}, {true, 99, 501, 3, 1000, A, 59}};
        int64_t ns = 1'000'000'000'000;
        uint32_t frame = 0;
        SegmentAnalysis last;
        for (const Segment& s : segments) {
            ns += s.gapUs * 1000;
            last = analyzer.analyze(packetOf(++frame, ns, s), 0);
        }
        QCOMPARE(last.flags, uint16_t(TcpAnalysisFlag::OutOfOrder));
        QCOMPARE(last.handshakeRttNs, int64_t(59'000)); // known from this segment on
    }

    /// Window full with window scaling: the receiver's window counts unscaled while its latest
    /// packet is its SYN (RFC 7323: a SYN's window is never scaled), scaled after its first ACK.
    void windowFullScalesAfterTheHandshake()
    {
        const uint8_t syn = TcpFlag::SYN, synAck = TcpFlag::SYN | TcpFlag::ACK;
        const QList<Segment> segments = {
            {true, 100, 0, 0, 1000, syn, 1000, 0, 2},     // SYN, scale 2
            {false, 500, 101, 0, 100, synAck, 1000, 0, 2}, // SYN/ACK, window 100, scale 2
            {true, 101, 501, 100},                         // 100 bytes: the SYN/ACK's window, full
            {false, 501, 201, 0, 100},                     // an ACK: window 100 << 2 = 400 now
            {true, 201, 501, 100},                         // 100 of 400
            {true, 301, 501, 300}};                        // up to 601 = 201 + 400: full
        TcpAnalyzer analyzer;
        int64_t ns = 1'000'000'000'000;
        uint32_t frame = 0;
        QStringList full;
        for (const Segment& s : segments) {
            ns += s.gapUs * 1000;
            const uint16_t flags = analyzer.analyze(packetOf(++frame, ns, s), s.fromClient ? 0 : 1).flags;
            full << ((flags & TcpAnalysisFlag::WindowFull) ? "full" : "-");
        }
        QCOMPARE(full.join(' '), QStringLiteral("- - full - - full"));
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
