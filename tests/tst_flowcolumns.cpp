// The one list of flow columns (titles, texts, numbers) and the one text of TCP flags, which
// the flow table, the details pane and the CSV export share.

#include "FlowPacketBuilder.h"

#include "FlowColumns.h"
#include "TcpFlags.h"

#include <QTest>

using namespace fi;
using namespace fi::test;

class TestFlowColumns : public QObject
{
    Q_OBJECT

private slots:
    void tcpFlagsTextIsWiresharks_data()
    {
        QTest::addColumn<int>("flags");
        QTest::addColumn<QString>("text");
        QTest::newRow("none") << 0 << "none";
        QTest::newRow("syn") << int(TcpFlag::SYN) << "SYN";
        QTest::newRow("syn ack") << int(TcpFlag::SYN | TcpFlag::ACK) << "SYN, ACK";
        QTest::newRow("fin psh ack") << int(TcpFlag::FIN | TcpFlag::PSH | TcpFlag::ACK) << "FIN, PSH, ACK";
        QTest::newRow("rst ack") << int(TcpFlag::RST | TcpFlag::ACK) << "RST, ACK";
        QTest::newRow("ecn syn") << int(TcpFlag::SYN | TcpFlag::ECE | TcpFlag::CWR) << "SYN, ECE, CWR";
        QTest::newRow("urg") << int(TcpFlag::URG | TcpFlag::ACK) << "ACK, URG";
        QTest::newRow("all and ns") << int(0xFF | kTcpFlagNs)
                                    << "FIN, SYN, RST, PSH, ACK, URG, ECE, CWR, NS";
    }
    void tcpFlagsTextIsWiresharks()
    {
        QFETCH(int, flags);
        QFETCH(QString, text);
        QCOMPARE(QString::fromStdString(tcpFlagsText(uint16_t(flags))), text);
    }

    void everyColumnHasATitleAndADescription()
    {
        QStringList titles;
        for (int c = 0; c < FlowColumns::ColumnCount; ++c) {
            const auto column = FlowColumns::Column(c);
            QVERIFY(std::string(FlowColumns::title(column)).size() > 0);
            QVERIFY(std::string(FlowColumns::description(column)).size() > 10);
            titles << FlowColumns::title(column);
        }
        QCOMPARE(titles.join(','), "Label,Source,Src port,Destination,Dst port,Packets,Bytes,Start,"
                                   "Duration,SYN,FIN,RST,State,Retrans,Retrans bytes,Out of order,Lost,"
                                   "Dup ACKs,Zero win,Handshake RTT,RTT min,RTT mean,RTT max,"
                                   "Max in flight,Throughput,Conn state,History");
        QVERIFY(!FlowColumns::isNumeric(FlowColumns::Label));
        QVERIFY(!FlowColumns::isNumeric(FlowColumns::Source));
        QVERIFY(FlowColumns::isNumeric(FlowColumns::Bytes));
    }

    void textsAndNumbersOfAFlow_data()
    {
        QTest::addColumn<int>("column");
        QTest::addColumn<QString>("text");
        QTest::addColumn<qlonglong>("number");
        QTest::newRow("label") << int(FlowColumns::Label) << "2001.db8..1_5-2001.db8..2_6-1001.5" << 0ll;
        QTest::newRow("source") << int(FlowColumns::Source) << "2001:db8::1" << 0ll;
        QTest::newRow("src port") << int(FlowColumns::SourcePort) << "5" << 5ll;
        QTest::newRow("destination") << int(FlowColumns::Destination) << "2001:db8::2" << 0ll;
        QTest::newRow("dst port") << int(FlowColumns::DestinationPort) << "6" << 6ll;
        QTest::newRow("packets") << int(FlowColumns::Packets) << "3" << 3ll;
        QTest::newRow("bytes") << int(FlowColumns::Bytes) << "5000000000" << 5'000'000'000ll;
        QTest::newRow("start") << int(FlowColumns::Start) << "1.500000" << 1'500'000'000ll;
        QTest::newRow("duration") << int(FlowColumns::Duration) << "0.000250" << 250'000ll;
        QTest::newRow("syn") << int(FlowColumns::Syn) << "1" << 1ll;
        QTest::newRow("fin") << int(FlowColumns::Fin) << "0" << 0ll;
        QTest::newRow("rst") << int(FlowColumns::Rst) << "2" << 2ll;
        QTest::newRow("state") << int(FlowColumns::State) << "open at end" << 0ll;
        QTest::newRow("retransmissions") << int(FlowColumns::Retransmissions) << "4" << 4ll;
        QTest::newRow("retransmitted bytes") << int(FlowColumns::RetransmittedBytes) << "1400" << 1400ll;
        QTest::newRow("out of order") << int(FlowColumns::OutOfOrder) << "1" << 1ll;
        QTest::newRow("lost") << int(FlowColumns::LostSegments) << "2" << 2ll;
        QTest::newRow("dup acks") << int(FlowColumns::DuplicateAcks) << "3" << 3ll;
        QTest::newRow("zero windows") << int(FlowColumns::ZeroWindows) << "0" << 0ll;
        QTest::newRow("handshake rtt not measured") << int(FlowColumns::HandshakeRtt) << "" << -1ll;
        QTest::newRow("rtt min") << int(FlowColumns::RttMin) << "0.000010" << 10'000ll;
        QTest::newRow("rtt mean") << int(FlowColumns::RttMean) << "0.000020" << 20'000ll;
        QTest::newRow("rtt max") << int(FlowColumns::RttMax) << "0.000030" << 30'000ll;
        QTest::newRow("max in flight") << int(FlowColumns::MaxInFlight) << "2920" << 2920ll;
        // 5 GB in 250 us
        QTest::newRow("throughput") << int(FlowColumns::Throughput) << "20000000000000" << 20'000'000'000'000ll;
    }
    void textsAndNumbersOfAFlow()
    {
        QFETCH(int, column);
        QFETCH(QString, text);
        QFETCH(qlonglong, number);
        const Packet first = flowPacket(1, "2001:db8::1", 5, "2001:db8::2", 6);
        FlowRecord f;
        f.id = first.bufferId();
        f.stats.packets = 3;
        f.stats.bytes = 5'000'000'000;
        f.stats.firstNs = 1001'500'000'000;
        f.stats.lastNs = 1001'500'250'000;
        f.stats.syn = 1;
        f.stats.rst = 2;
        f.analysis.retransmissions = 4;
        f.analysis.retransmittedBytes = 1400;
        f.analysis.outOfOrder = 1;
        f.analysis.lostSegments = 2;
        f.analysis.duplicateAcks = 3;
        for (int64_t rtt : {10'000, 30'000, 20'000})
            f.analysis.addRtt(rtt);
        f.analysis.maxBytesInFlight = 2920;
        const int64_t captureStart = 1000'000'000'000;
        const auto c = FlowColumns::Column(column);
        QCOMPARE(QString::fromStdString(FlowColumns::text(f, c, captureStart)), text);
        QCOMPARE(qlonglong(FlowColumns::number(f, c, captureStart)), number);
    }

    void figuresNotMeasuredAreNotKnown()
    {
        FlowRecord f;
        f.stats.packets = 1;
        f.stats.firstNs = f.stats.lastNs = 5;
        for (auto c : {FlowColumns::HandshakeRtt, FlowColumns::RttMin, FlowColumns::RttMean, FlowColumns::RttMax,
                       FlowColumns::Throughput})
            QVERIFY2(!FlowColumns::known(f, c), FlowColumns::title(c));
        QVERIFY(FlowColumns::known(f, FlowColumns::Retransmissions));
        f.analysis.handshakeRttNs = -2; // (time ran back: a value still)
        QVERIFY(FlowColumns::known(f, FlowColumns::HandshakeRtt));
    }

    void stateInWords()
    {
        QCOMPARE(QString(FlowColumns::stateText(true)), "closed by FIN");
        QCOMPARE(QString(FlowColumns::stateText(false)), "open at end");
    }
};

QTEST_GUILESS_MAIN(TestFlowColumns)
#include "tst_flowcolumns.moc"
