// The payload format (`trace -f payload`, and the desktop's export): each flow's payload in
// sequence order, every byte at its offset from the SYN (or the first segment) and once, the
// first captured copy winning, bytes never captured as zeros up to gaps of 16 MiB, no file for a
// flow without payload, and the summary's count of what was missing. Each case is a capture
// built here, traced into FlowFileWriter with the default memory budget and with none (every
// byte written at once, so that a hole is filled in the file itself).

#include "CaptureBuilder.h"
#include "CaptureTracer.h"
#include "FlowFileWriter.h"
#include "FlowTracker.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace fi;
using namespace fi::test;

namespace {

struct Segment
{
    uint32_t seq;
    QByteArray flags;  ///< "S" SYN, "F" FIN
    QByteArray payload;
    int cut = 0;       ///< payload bytes the snapshot length left out
};

constexpr uint32_t kIsn = 1000;

/// A client's segments to port 80, one frame each, a millisecond apart.
CaptureSpec captureOf(const QList<Segment>& segments)
{
    CaptureSpec spec;
    int64_t us = 0;
    for (const Segment& s : segments) {
        TcpSpec t;
        t.seq = s.seq;
        t.flags = uint8_t((s.flags.contains('S') ? 0x02 : 0x10) | (s.flags.contains('F') ? 0x01 : 0));
        t.data = s.payload.toStdString();
        Bytes frame = tcpOverIpv4("10.0.0.1", "10.0.0.2", t); // over Ethernet
        const uint32_t original = uint32_t(frame.size());
        frame.resize(frame.size() - size_t(s.cut));
        spec.frames.push_back({1'500'000'000, uint32_t(us), frame, original});
        us += 1000;
    }
    return spec;
}

QByteArray zeros(int n)
{
    return QByteArray(n, '\0');
}

} // namespace

Q_DECLARE_METATYPE(QList<Segment>)

class TestPayloadExport : public QObject
{
    Q_OBJECT

private slots:
    void payloadFile_data()
    {
        QTest::addColumn<QList<Segment>>("segments");
        QTest::addColumn<qulonglong>("budget");
        QTest::addColumn<QByteArray>("file"); ///< null: no file
        QTest::addColumn<qulonglong>("missing");
        QTest::addColumn<qulonglong>("dropped");

        const qulonglong mib16 = qulonglong(16) << 20;
        struct Case
        {
            const char* name;
            QList<Segment> segments;
            QByteArray file;
            qulonglong missing, dropped;
        };
        const QList<Case> cases = {
            {"in order after a SYN", {{kIsn, "S", ""}, {kIsn + 1, "", "abc"}, {kIsn + 4, "F", "def"}}, "abcdef", 0, 0},
            {"a retransmission with the same bytes",
             {{kIsn, "S", ""}, {kIsn + 1, "", "abc"}, {kIsn + 1, "", "abc"}, {kIsn + 4, "", "def"}}, "abcdef", 0, 0},
            {"a retransmission with other bytes: the first copy wins",
             {{kIsn, "S", ""}, {kIsn + 1, "", "abc"}, {kIsn + 1, "", "XYZ"}, {kIsn + 4, "", "def"}}, "abcdef", 0, 0},
            {"an overlap on both sides",
             {{kIsn, "S", ""}, {kIsn + 3, "", "cd"}, {kIsn + 1, "", "ABCDEF"}}, "ABcdEF", 0, 0},
            {"out of order", {{kIsn, "S", ""}, {kIsn + 4, "", "def"}, {kIsn + 1, "", "abc"}}, "abcdef", 0, 0},
            {"a lost segment is zeros",
             {{kIsn, "S", ""}, {kIsn + 1, "", "abc"}, {kIsn + 7, "", "ghi"}}, "abc" + zeros(3) + "ghi", 3, 0},
            {"a lost segment filled late",
             {{kIsn, "S", ""}, {kIsn + 1, "", "abc"}, {kIsn + 7, "", "ghi"}, {kIsn + 10, "", "jk"}, {kIsn + 4, "", "def"}},
             "abcdefghijk", 0, 0},
            {"the first data lost after the SYN", {{kIsn, "S", ""}, {kIsn + 5, "", "ef"}}, zeros(4) + "ef", 4, 0},
            {"a SYN with data", {{kIsn, "S", "ab"}, {kIsn + 3, "", "cd"}}, "abcd", 0, 0},
            {"sequence numbers wrap at 2^32",
             {{0xfffffffe, "S", ""}, {0xffffffff, "", "ab"}, {1, "", "cd"}, {3, "F", "e"}}, "abcde", 0, 0},
            {"without a SYN, from the first segment", {{5000, "", "mid"}, {5003, "", "dle"}}, "middle", 0, 0},
            {"without a SYN, bytes before the first segment are dropped",
             {{5000, "", "dle"}, {4997, "", "mid"}, {5003, "", "!"}}, "dle!", 0, 3},
            {"a payload the snapshot length cut", {{kIsn, "S", ""}, {kIsn + 1, "", "abcd", 2}, {kIsn + 5, "", "ef"}},
             "ab" + zeros(2) + "ef", 2, 0},
            {"a zero-length capture of the payload: no file",
             {{kIsn, "S", ""}, {kIsn + 1, "", "abcd", 4}}, QByteArray(), 4, 0},
            {"no payload: no file", {{kIsn, "S", ""}, {kIsn + 1, "F", ""}}, QByteArray(), 0, 0},
            {"bytes missing before the FIN are counted, not written",
             {{kIsn, "S", ""}, {kIsn + 1, "", "ab"}, {kIsn + 7, "F", ""}}, "ab", 4, 0},
            {"a gap of 16 MiB is zeros",
             {{kIsn, "S", ""}, {kIsn + 1, "", "abc"}, {kIsn + 4 + uint32_t(mib16), "", "xyz"}},
             "abc" + zeros(int(mib16)) + "xyz", mib16, 0},
            {"a gap over 16 MiB is not filled",
             {{kIsn, "S", ""}, {kIsn + 1, "", "abc"}, {kIsn + 5 + uint32_t(mib16), "", "xyz"}, {kIsn + 8 + uint32_t(mib16), "", "!"}},
             "abcxyz!", mib16 + 1, 0},
            {"a byte inside a gap over 16 MiB, late, is dropped",
             {{kIsn, "S", ""}, {kIsn + 1, "", "abc"}, {kIsn + 5 + uint32_t(mib16), "", "xyz"}, {kIsn + 100, "", "late"}},
             "abcxyz", mib16 - 3, 4},
        };
        for (const Case& c : cases)
            for (qulonglong budget : {qulonglong(64) << 20, 0ULL})
                QTest::addRow("%s, budget %llu", c.name, budget)
                    << c.segments << budget << c.file << c.missing << c.dropped;
    }

    void payloadFile()
    {
        QFETCH(QList<Segment>, segments);
        QFETCH(qulonglong, budget);
        QFETCH(QByteArray, file);
        QFETCH(qulonglong, missing);
        QFETCH(qulonglong, dropped);

        QTemporaryDir dir;
        const QString capture = dir.filePath("capture.pcap");
        writeFile(capture, pcapFile(captureOf(segments)));
        OutputOptions options;
        options.format = OutputFormat::Payload;
        options.directory = dir.filePath("out").toStdString();
        options.memoryBudget = size_t(budget);
        FlowFileWriter writer(options);
        QVERIFY(writer.prepare());
        CaptureTracer tracer;
        QVERIFY(tracer.open(capture.toStdString()));
        FlowTracker tracker;
        tracker.addListener(writer);
        const TraceSummary summary = tracer.run(tracker);
        QCOMPARE(int(summary.end), int(TraceSummary::End::Complete));

        const QStringList files = QDir(dir.filePath("out")).entryList(QDir::Files | QDir::Hidden);
        if (file.isNull()) {
            QCOMPARE(files, QStringList());
        } else {
            QCOMPARE(files, QStringList{"10.0.0.1_1234-10.0.0.2_80-1500000000.0.bin"});
            QFile f(dir.filePath("out/" + files.front()));
            QVERIFY(f.open(QIODevice::ReadOnly));
            const QByteArray written = f.readAll();
            QCOMPARE(written.size(), file.size());
            QVERIFY(written == file); // (not QCOMPARE: 16 MiB would be printed)
            QCOMPARE(writer.bytesWritten(), qulonglong(file.size()));
        }
        QCOMPARE(writer.payloadGaps().flows, size_t(missing > 0 ? 1 : 0));
        QCOMPARE(writer.payloadGaps().missingBytes, missing);
        QCOMPARE(writer.payloadGaps().droppedBytes, dropped);
    }
};

QTEST_GUILESS_MAIN(TestPayloadExport)
#include "tst_payloadexport.moc"
