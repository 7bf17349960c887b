// flowinspector-cli: commands, usage errors (exit 2), bad input (exit 1 with one clear line),
// truncated captures (flows so far and a warning).

#include "CaptureBuilder.h"
#include "Compressor.h"
#include "RunProcess.h"
#include "TcpPacket.h"
#include "TestPaths.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace fi::test;

namespace {

using Result = ProcessResult;

Result cli(const QStringList& args)
{
    return runProcess(cliPath(), args);
}

CaptureSpec smallCapture()
{
    CaptureSpec spec;
    TcpSpec syn;
    syn.flags = 0x02;
    TcpSpec fin;
    fin.flags = 0x11;
    TcpSpec back;
    back.srcPort = 80;
    back.dstPort = 1234;
    spec.add(tcpOverIpv4("10.0.0.1", "10.0.0.2", syn), 1000, 500000);
    spec.add(tcpOverIpv4("10.0.0.2", "10.0.0.1", back), 1000, 600000);
    spec.add(tcpOverIpv4("10.0.0.1", "10.0.0.2", fin), 1001, 0);
    spec.add(ethernet(0x0806, Bytes(28, 0)), 1002, 0);
    return spec;
}

} // namespace

class TestCli : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_capture;

private slots:
    void initTestCase()
    {
        m_capture = m_dir.filePath("small.pcap");
        writeFile(m_capture, pcapFile(smallCapture()));
    }

    void index()
    {
        Result r = cli({"index", m_capture});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.err.isEmpty());
        const QJsonArray flows = QJsonDocument::fromJson(r.out).object()["flows"].toArray();
        QCOMPARE(flows.size(), 2);
        const QJsonObject first = flows[0].toObject();
        QCOMPARE(first["label"].toString(), "10.0.0.1_1234-10.0.0.2_80-1000.5");
        QCOMPARE(first["frames"].toArray(), (QJsonArray{1, 3}));
        QCOMPARE(first["src"].toString(), "10.0.0.1");
        QCOMPARE(first["dstport"].toInt(), 80);
        QCOMPARE(first["packets"].toInt(), 2);
        QCOMPARE(first["syn"].toInt(), 1);
        QCOMPARE(first["fin"].toInt(), 1);
        QCOMPARE(first["closed"].toBool(), true);
        QCOMPARE(flows[1].toObject()["label"].toString(), "10.0.0.2_80-10.0.0.1_1234-1000.6");
        QCOMPARE(flows[1].toObject()["closed"].toBool(), false);
    }

    /// Several CAPTUREs are one capture set: the same index as the merged file; a compressed
    /// CAPTURE reads as the plain one.
    void captureSetAndCompressedCapture()
    {
        const CaptureSpec all = smallCapture();
        CaptureSpec odd, even;
        for (size_t i = 0; i < all.frames.size(); ++i)
            (i % 2 ? odd : even).frames.push_back(all.frames[i]);
        const QString a = m_dir.filePath("even.pcap"), b = m_dir.filePath("odd.pcap.gz");
        writeFile(a, pcapFile(even));
        writeFile(b, compressed(pcapFile(odd), Packing::Gzip));
        const Result whole = cli({"index", m_capture});
        const Result set = cli({"index", b, a});
        QCOMPARE(set.exitCode, 0);
        QCOMPARE(set.out, whole.out);
        const Result stats = cli({"stats", a, b});
        QCOMPARE(stats.out, cli({"stats", m_capture}).out);
        const Result missing = cli({"index", a, m_dir.filePath("none.pcap")});
        QCOMPARE(missing.exitCode, 1);
        QVERIFY2(missing.err.contains("none.pcap: No such file"), missing.err.constData());
    }

    void stats()
    {
        Result r = cli({"stats", m_capture});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out, QByteArray("frames read 4, flow packets 3, flows 2, frames skipped as "
                                   "undecodable 0\n"));
    }

    void trace_data()
    {
        QTest::addColumn<QStringList>("options");
        QTest::addColumn<QString>("extension");
        QTest::newRow("pcap") << QStringList{"-f", "pcap"} << ".pcap";
        QTest::newRow("pcap big ns") << QStringList{"-f", "pcap", "--byteorder", "big", "--nanosecond"} << ".pcap";
        QTest::newRow("json") << QStringList{"--format", "json"} << ".json";
        QTest::newRow("plist") << QStringList{"-f", "plist"} << ".plist";
        QTest::newRow("tree") << QStringList{"-f", "tree"} << ".txt";
    }
    void trace()
    {
        QFETCH(QStringList, options);
        QFETCH(QString, extension);
        QTemporaryDir out;
        Result r = cli(QStringList{"trace", m_capture, "-o", out.path()} + options);
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.startsWith("wrote 2 "), r.out.constData());
        QCOMPARE(r.out.count('\n'), 1);
        QCOMPARE(QDir(out.path()).entryList(QDir::Files | QDir::Hidden, QDir::Name),
                 (QStringList{"10.0.0.1_1234-10.0.0.2_80-1000.5" + extension,
                              "10.0.0.2_80-10.0.0.1_1234-1000.6" + extension}));
    }

    void tracePayloadSaysWhatWasMissing()
    {
        // A client's stream with its second segment lost, and a server that sent nothing.
        CaptureSpec spec;
        TcpSpec syn;
        syn.flags = fi::TcpFlag::SYN;
        syn.seq = 99;
        TcpSpec first, third;
        first.seq = 100;
        first.data = "GET ";
        third.seq = 110;
        third.data = "HTTP/1.1\r\n";
        TcpSpec back;
        back.srcPort = 80;
        back.dstPort = 1234;
        spec.add(tcpOverIpv4("10.0.0.1", "10.0.0.2", syn), 1000, 0);
        spec.add(tcpOverIpv4("10.0.0.2", "10.0.0.1", back), 1000, 1);
        spec.add(tcpOverIpv4("10.0.0.1", "10.0.0.2", first), 1000, 2);
        spec.add(tcpOverIpv4("10.0.0.1", "10.0.0.2", third), 1000, 3);
        const QString capture = m_dir.filePath("lost.pcap");
        writeFile(capture, pcapFile(spec));

        QTemporaryDir out;
        const Result r = cli({"trace", capture, "-o", out.path(), "-f", "payload"});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out, QByteArray("wrote 1 payload file (20 bytes) to " + out.path().toUtf8() +
                                   ": 4 frames read, 4 flow packets, 2 flows; 1 flow with bytes "
                                   "missing from the capture, 6 bytes missing\n"));
        QFile file(out.filePath("10.0.0.1_1234-10.0.0.2_80-1000.0.bin"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll(), QByteArray("GET \0\0\0\0\0\0HTTP/1.1\r\n", 20));
    }

    void analyzeFlagsWhatTcpDid()
    {
        // a handshake, a request, its retransmission 200 ms later, a duplicate ACK
        CaptureSpec spec;
        auto add = [&spec](bool fromClient, uint8_t flags, uint32_t seq, uint32_t ack, size_t payload, uint32_t us) {
            TcpSpec t;
            t.srcPort = fromClient ? 1234 : 80;
            t.dstPort = fromClient ? 80 : 1234;
            t.flags = flags;
            t.seq = seq;
            t.ack = ack;
            t.payload = payload;
            spec.add(tcpOverIpv4(fromClient ? "10.0.0.1" : "10.0.0.2", fromClient ? "10.0.0.2" : "10.0.0.1", t), 1000, us);
        };
        using namespace fi::TcpFlag;
        add(true, SYN, 100, 0, 0, 0);
        add(false, SYN | ACK, 500, 101, 0, 1000);
        add(true, ACK, 101, 501, 0, 2000);
        add(true, ACK | PSH, 101, 501, 10, 3000);
        add(true, ACK | PSH, 101, 501, 10, 203000);
        add(false, ACK, 501, 111, 0, 204000);
        add(false, ACK, 501, 111, 0, 205000);
        const QString capture = m_dir.filePath("analyze.pcap");
        writeFile(capture, pcapFile(spec));
        const Result r = cli({"analyze", capture});
        QCOMPARE(r.exitCode, 0);
        const QJsonArray flows = QJsonDocument::fromJson(r.out).object()["flows"].toArray();
        QCOMPARE(flows.size(), 2);
        const QJsonObject client = flows[0].toObject();
        QCOMPARE(client["label"].toString(), QStringLiteral("10.0.0.1_1234-10.0.0.2_80-1000.0"));
        QCOMPARE(client["stats"].toObject()["retransmission"].toInt(), 1);
        QCOMPARE(client["frames"].toArray(),
                 (QJsonArray{QJsonObject{{"frame", 5}, {"analysis", QJsonArray{"retransmission"}}}}));
        const QJsonObject server = flows[1].toObject();
        QCOMPARE(server["stats"].toObject()["duplicate_ack"].toInt(), 1);
        QCOMPARE(server["frames"].toArray(),
                 (QJsonArray{QJsonObject{{"frame", 7}, {"analysis", QJsonArray{"duplicate_ack"}},
                                         {"duplicate_ack_num", 1}, {"duplicate_ack_frame", 6}}}));

        // the figures: the request's RTT is timed from its first copy (frame 4 to frame 6)
        const QJsonObject figures = client["figures"].toObject();
        QCOMPARE(figures["retransmissions"].toInt(), 1);
        QCOMPARE(figures["retransmitted_bytes"].toInt(), 10);
        QCOMPARE(figures["handshake_rtt"].toDouble(), 0.002);
        QCOMPARE(figures["rtt_samples"].toInt(), 2); // the SYN, the request
        QCOMPARE(figures["rtt_max"].toDouble(), 0.201);
        QCOMPARE(figures["max_bytes_in_flight"].toInt(), 10);
        QCOMPARE(server["figures"].toObject()["duplicate_acks"].toInt(), 1);
        // and the connection as Zeek sums it up, the same for both flows
        QCOMPARE(figures["conn_state"].toString(), QStringLiteral("S1"));
        QCOMPARE(figures["history"].toString(), QStringLiteral("ShADTa"));
        QCOMPARE(server["figures"].toObject()["history"].toString(), QStringLiteral("ShADTa"));
        QVERIFY(server["figures"].toObject()["rtt_min"].isDouble()); // the SYN/ACK, by frame 3

        // --all-frames: every flow packet, with what its ACK acknowledged
        const QJsonArray all = QJsonDocument::fromJson(cli({"analyze", capture, "--all-frames"}).out)
                                   .object()["flows"].toArray()[1].toObject()["frames"].toArray();
        QCOMPARE(all.size(), 3);
        QCOMPARE(all[0].toObject(), (QJsonObject{{"frame", 2}, {"analysis", QJsonArray{}}, {"acks_frame", 1}, {"ack_rtt", 0.001}}));
        QCOMPARE(all[1].toObject()["acks_frame"].toInt(), 4);

        // and the index carries the same figures
        const QJsonArray index = QJsonDocument::fromJson(cli({"index", capture}).out).object()["flows"].toArray();
        QCOMPARE(index[0].toObject()["analysis"].toObject(), figures);
    }

    void usageErrors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("nothing") << QStringList{};
        QTest::newRow("unknown command") << QStringList{"frobnicate", "x.pcap"};
        QTest::newRow("--all-frames outside analyze") << QStringList{"index", "x.pcap", "--all-frames"};
        QTest::newRow("no capture") << QStringList{"index"};
        QTest::newRow("unknown option") << QStringList{"index", "a", "--fast"};
        QTest::newRow("trace without -o") << QStringList{"trace", "a", "-f", "pcap"};
        QTest::newRow("trace without -f") << QStringList{"trace", "a", "-o", "d"};
        QTest::newRow("bad format") << QStringList{"trace", "a", "-o", "d", "-f", "xml"};
        QTest::newRow("bad byte order") << QStringList{"trace", "a", "-o", "d", "-f", "pcap", "--byteorder", "middle"};
        QTest::newRow("missing value") << QStringList{"trace", "a", "-o"};
        QTest::newRow("-f with index") << QStringList{"index", "a", "-f", "pcap"};
        QTest::newRow("follow without a label") << QStringList{"follow", "a"};
        QTest::newRow("--hex with index") << QStringList{"index", "a", "--hex"};
    }
    void usageErrors()
    {
        QFETCH(QStringList, args);
        Result r = cli(args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.out.isEmpty());
        QVERIFY2(r.err.startsWith("flowinspector-cli: "), r.err.constData());
    }

    /// `follow` prints a connection's payload exactly as tshark -z follow,tcp prints it (the
    /// expected texts are tshark's, after its Node lines): both directions in the order sent,
    /// each byte once, gaps as Wireshark words them.
    void followAsTsharkDoes_data()
    {
        QTest::addColumn<QString>("capture"); // in the project, or under ../shared/corpus/
        QTest::addColumn<QString>("label");
        QTest::addColumn<bool>("hex");
        QTest::addColumn<QString>("expected");
        QTest::addColumn<QString>("nodes");
        const QString demo = sourceDir() + "/resources/demo/demo.pcapng";
        QTest::newRow("demo, HTTP over IPv4, ascii") << demo << "127.0.0.1_46592-127.0.0.1_8080-1795693854.056252" << false
                                                     << "demo.stream0.ascii" << "127.0.0.1:46592 127.0.0.1:8080";
        QTest::newRow("demo, 40 kB over IPv6, hex") << demo << "..1_33216-..1_8081-1795693854.5786502" << true
                                                    << "demo.stream2.raw" << "[::1]:33216 [::1]:8081";
        QTest::newRow("a segment never captured, ascii")
            << "zeek/http__entity_gap.pcap" << "141.142.228.5_59856-192.150.187.43_80-1362692526.869344" << false
            << "http__entity_gap.stream0.ascii" << "141.142.228.5:59856 192.150.187.43:80";
        QTest::newRow("a range never captured, hex")
            << "zeek/http__content-range-gap.pcap" << "192.168.40.148_42459-54.239.164.21_80-1410363981.396084" << true
            << "http__content-range-gap.stream0.raw" << "192.168.40.148:42459 54.239.164.21:80";
        QTest::newRow("out of order, read when the hole is filled; a FIN and RSTs, hex")
            << "zeek/postgresql__psql-aws-ssl-require.pcap" << "192.168.123.132_36934-52.200.36.167_5432-1670520174.352851"
            << true << "postgresql__psql-aws-ssl-require.stream0.raw" << "192.168.123.132:36934 52.200.36.167:5432";
    }
    void followAsTsharkDoes()
    {
        QFETCH(QString, capture);
        QFETCH(QString, label);
        QFETCH(bool, hex);
        QFETCH(QString, expected);
        QFETCH(QString, nodes);
        if (!capture.startsWith('/')) {
            FI_REQUIRE_SHARED();
            capture = sharedDir() + "/corpus/" + capture;
        }
        QFile golden(sourceDir() + "/tests/conformance/follow/" + expected);
        QVERIFY(golden.open(QIODevice::ReadOnly));
        QStringList args{"follow", capture, label};
        if (hex)
            args << "--hex";
        const Result r = cli(args);
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.err.isEmpty(), r.err.constData());
        const QList<QByteArray> lines = r.out.split('\n');
        const qsizetype node1 = lines.indexOf("Node 1: " + nodes.section(' ', 1).toUtf8());
        QVERIFY2(node1 > 0, r.out.left(400).constData());
        QCOMPARE(lines[node1 - 1], "Node 0: " + nodes.section(' ', 0, 0).toUtf8());
        QCOMPARE(lines.mid(node1 + 1).join('\n'), golden.readAll());
    }

    void followUnknownLabel()
    {
        const Result r = cli({"follow", sourceDir() + "/resources/demo/demo.pcapng", "no-such-flow"});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.out.isEmpty());
        QVERIFY2(r.err.contains("no flow is labelled 'no-such-flow'"), r.err.constData());
    }

    void helpAndVersion()
    {
        Result help = cli({"--help"});
        QCOMPARE(help.exitCode, 0);
        QVERIFY(help.out.contains("Usage: flowinspector-cli"));
        Result version = cli({"--version"});
        QCOMPARE(version.exitCode, 0);
        QCOMPARE(version.out, QByteArray("flowinspector-cli " FLOWINSPECTOR_VERSION "\n"));
    }

    void badInput_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QByteArray>("reason");
        QTest::newRow("not a capture") << "notes.txt" << QByteArray("just text\n") << QByteArray("not a pcap");
        QTest::newRow("empty") << "empty.pcap" << QByteArray() << QByteArray("empty");
        QTest::newRow("missing") << "" << QByteArray() << QByteArray("No such file");
    }
    void badInput()
    {
        QFETCH(QString, name);
        QFETCH(QByteArray, content);
        QFETCH(QByteArray, reason);
        QString path = m_dir.filePath(name.isEmpty() ? "does-not-exist.pcap" : name);
        if (!name.isEmpty()) {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(content);
        }
        for (const char* command : {"index", "stats"}) {
            Result r = cli({command, path});
            QCOMPARE(r.exitCode, 1);
            QVERIFY(r.out.isEmpty());
            QVERIFY2(r.err.startsWith("flowinspector-cli: " + path.toUtf8() + ": "), r.err.constData());
            QVERIFY2(r.err.contains(reason), r.err.constData());
            QCOMPARE(r.err.count('\n'), 1);
        }
    }

    void unwritableOutput()
    {
        Result r = cli({"trace", m_capture, "-o", m_capture + "/sub", "-f", "pcap"});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.startsWith("flowinspector-cli: "), r.err.constData());
    }

    void truncatedCaptureShowsFlowsSoFar()
    {
        fi::test::Bytes file = pcapFile(smallCapture());
        file.resize(file.size() - 30); // the ARP frame is cut
        const QString path = m_dir.filePath("truncated.pcap");
        writeFile(path, file);
        Result r = cli({"index", path});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(QJsonDocument::fromJson(r.out).object()["flows"].toArray().size(), 2);
        QVERIFY2(r.err.contains("warning") && r.err.contains("after frame 3"), r.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
