// Conversations (ConversationIndex): a connection's flows, both directions, from the client's
// SYN to the next; a 4-tuple used again is a new conversation; the client is the SYN's sender
// (or the SYN/ACK's receiver, or the first flow's sender); per-direction counts and state; built
// incrementally; the same flows as Follow Stream's connection on every capture at hand.

#include "CaptureBuilder.h"
#include "TestPaths.h"

#include "CaptureTracer.h"
#include "ConversationIndex.h"
#include "FollowStream.h"
#include "LoadBatchBuilder.h"
#include "TcpPacket.h"

#include <QDirIterator>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

using namespace fi;
using namespace fi::test;

namespace {

/// One segment: from the client (10.0.0.1:1234) or the server (10.0.0.2:80).
struct Segment
{
    bool fromClient;
    uint8_t flags;
    int payload = 0;
};

CaptureStore storeOf(const QList<Segment>& segments)
{
    CaptureSpec spec;
    for (const Segment& s : segments) {
        TcpSpec t;
        t.srcPort = s.fromClient ? 1234 : 80;
        t.dstPort = s.fromClient ? 80 : 1234;
        t.flags = s.flags;
        t.payload = size_t(s.payload);
        spec.add(tcpOverIpv4(s.fromClient ? "10.0.0.1" : "10.0.0.2", s.fromClient ? "10.0.0.2" : "10.0.0.1", t),
                 1000, uint32_t(spec.frames.size()) * 1000);
    }
    QTemporaryDir dir;
    const QString path = dir.filePath("c.pcap");
    writeFile(path, pcapFile(spec));
    CaptureStore store;
    CaptureTracer tracer;
    if (tracer.open(path.toStdString()))
        loadCaptureStore(tracer, path.toStdString(), store);
    return store;
}

constexpr uint8_t S = TcpFlag::SYN, A = TcpFlag::ACK, F = TcpFlag::FIN | TcpFlag::ACK, R = TcpFlag::RST;

} // namespace

Q_DECLARE_METATYPE(QList<Segment>)

class TestConversationIndex : public QObject
{
    Q_OBJECT

private slots:
    void conversations_data()
    {
        QTest::addColumn<QList<Segment>>("segments");
        QTest::addColumn<QString>("expected"); ///< per conversation: flows; client; packets each way; state

        QTest::newRow("a connection split by FINs")
            << QList<Segment>{{true, S}, {false, S | A}, {true, A, 10}, {false, A, 100}, {true, F}, {false, F}, {true, A}}
            << "0 1 2; 10.0.0.1:1234; 4 3; closed";
        // The client's new SYN joins the flow its last ACK opened (the seed's rule), which stays
        // with the first conversation; the server's second SYN/ACK starts the second.
        QTest::newRow("a 4-tuple used again after a close")
            << QList<Segment>{{true, S}, {false, S | A}, {true, F}, {false, F}, {true, A}, {true, S}, {false, S | A}, {true, A}}
            << "0 1 2; 10.0.0.1:1234; 5 2; closed | 3; 10.0.0.1:1234; 0 1; open";
        QTest::newRow("a 4-tuple used again: a new flow's SYN")
            << QList<Segment>{{true, S}, {false, S | A}, {false, F}, {true, F}, {true, S}, {false, S | A}}
            << "0 1; 10.0.0.1:1234; 2 2; closed | 2 3; 10.0.0.1:1234; 1 1; open";
        QTest::newRow("mid-connection: the first sender is the client")
            << QList<Segment>{{false, A, 5}, {true, A}, {false, R}} << "0 1; 10.0.0.2:80; 2 1; reset";
        QTest::newRow("the SYN missed: the SYN/ACK's receiver is the client")
            << QList<Segment>{{false, S | A}, {true, A}, {true, F}} << "0 1; 10.0.0.1:1234; 2 1; half-closed";
    }
    void conversations()
    {
        QFETCH(QList<Segment>, segments);
        QFETCH(QString, expected);
        const CaptureStore store = storeOf(segments);
        ConversationIndex index;
        index.update(store);
        QStringList out;
        for (uint32_t c = 0; c < index.size(); ++c) {
            QStringList flows;
            for (uint32_t f : index.flows(c)) {
                flows << QString::number(f);
                QCOMPARE(index.conversationOf(f), c);
            }
            const ConversationIndex::Summary s = index.summary(store, c);
            out << flows.join(' ') + "; " + QString::fromStdString(s.clientToServer.src.toString()) + ':' +
                       QString::number(s.clientToServer.srcport) + "; " + QString::number(s.packets[0]) + ' ' +
                       QString::number(s.packets[1]) + "; " + conversationStateName(s.state);
        }
        QCOMPARE(out.join(" | "), expected);
    }

    void countsEachWay()
    {
        const CaptureStore store = storeOf({{true, S}, {false, S | A}, {true, A, 10}, {false, A, 100}, {true, F}});
        ConversationIndex index;
        index.update(store);
        QCOMPARE(index.size(), size_t(1));
        const ConversationIndex::Summary s = index.summary(store, 0);
        QCOMPARE(s.packets[0], 3u);
        QCOMPARE(s.packets[1], 2u);
        QCOMPARE(s.bytes[0], uint64_t(54 + 64 + 54));   // frame lengths: headers and 10 bytes
        QCOMPARE(s.bytes[1], uint64_t(54 + 154));
        QCOMPARE(s.firstNs, store.flows[0].stats.firstNs);
        QCOMPARE(s.lastNs, store.flows[0].stats.lastNs);
        QCOMPARE(index.direction(store, 0), 0);
        QCOMPARE(index.direction(store, 1), 1);
    }

    /// A conversation's TCP analysis: its flows' figures summed up, the longest RTT of either.
    void analysisOverBothDirections()
    {
        CaptureStore store = storeOf({{true, S}, {false, S | A}, {true, A, 10}});
        FlowAnalysis& client = store.flows[0].analysis;
        FlowAnalysis& server = store.flows[1].analysis;
        client = server = FlowAnalysis{};
        client.retransmissions = 2;
        server.retransmissions = 1;
        server.lostSegments = 3;
        client.duplicateAcks = 4;
        client.handshakeRttNs = server.handshakeRttNs = 7000;
        client.addRtt(5000);
        server.addRtt(9000);
        server.addRtt(2000);
        ConversationIndex index;
        index.update(store);
        const ConversationIndex::Summary s = index.summary(store, 0);
        QCOMPARE(s.analysis.retransmissions, 3u);
        QCOMPARE(s.analysis.lostSegments, 3u);
        QCOMPARE(s.analysis.duplicateAcks, 4u);
        QCOMPARE(s.analysis.handshakeRttNs, int64_t(7000));
        QCOMPARE(s.analysis.rttSamples, 3u);
        QCOMPARE(s.analysis.rttMaxNs, int64_t(9000));
        QCOMPARE(s.analysis.rttMinNs, int64_t(2000));
        QCOMPARE(s.analysis.rttMeanNs(), int64_t(16000 / 3));
    }

    void incrementalIsWhole()
    {
        const CaptureStore store = storeOf({{true, S}, {false, S | A}, {true, F}, {false, F}, {true, A}, {true, S}});
        ConversationIndex whole, parts;
        whole.update(store);
        CaptureStore partial; // its flows come one by one (their packets are all there)
        for (const FlowPacket& p : store.packets)
            partial.packets.push_back(p);
        for (uint32_t f = 0; f < store.flows.size(); ++f) {
            partial.flows.emplace_back() = store.flows[f];
            parts.update(partial);
            parts.update(partial); // nothing new: nothing changes
        }
        QCOMPARE(parts.size(), whole.size());
        for (uint32_t f = 0; f < store.flows.size(); ++f)
            QCOMPARE(parts.conversationOf(f), whole.conversationOf(f));
    }

    void sameFlowsAsFollowStream_data()
    {
        QTest::addColumn<QString>("capture");
        QTest::newRow("demo") << sourceDir() + "/resources/demo/demo.pcapng";
        const QString shared = sharedDir();
        if (shared.isEmpty())
            return;
        QDirIterator it(shared + "/corpus", {"*.pcap", "*.pcapng"}, QDir::Files, QDirIterator::Subdirectories);
        QStringList paths;
        while (it.hasNext())
            paths << it.next();
        paths.sort();
        for (const QString& p : paths)
            QTest::newRow(qPrintable(p.mid(shared.size() + 8))) << p;
    }
    void sameFlowsAsFollowStream()
    {
        QFETCH(QString, capture);
        CaptureStore store;
        CaptureTracer tracer;
        if (!tracer.open(capture.toStdString()))
            return;
        loadCaptureStore(tracer, capture.toStdString(), store);
        ConversationIndex index;
        index.update(store);
        for (uint32_t f = 0; f < store.flows.size(); ++f) {
            std::vector<uint32_t> follow;
            for (const auto& [flow, direction] : FollowStream::connectionFlows(store, f))
                follow.push_back(flow);
            std::sort(follow.begin(), follow.end());
            QCOMPARE(follow, index.flows(index.conversationOf(f)));
        }
    }
};

QTEST_GUILESS_MAIN(TestConversationIndex)
#include "tst_conversationindex.moc"
