// Reading captures: pcap (micro/nanosecond, either byte order) and pcapng through libpcap,
// frame records (number, time, lengths, position), re-reading frames by position, and bad input.

#include "CaptureBuilder.h"
#include "TestPaths.h"

#include "CaptureReader.h"
#include "CaptureTracer.h"
#include "FrameSource.h"
#include "TraceFlow.h"

#include <QTemporaryDir>
#include <QTest>

using namespace fi;
using namespace fi::test;

namespace {

CaptureSpec threeFrames(bool nanosecond, bool bigEndian)
{
    CaptureSpec spec;
    spec.nanosecond = nanosecond;
    spec.bigEndian = bigEndian;
    TcpSpec a;
    a.payload = 3;
    TcpSpec b;
    b.payload = 101;
    spec.add(tcpOverIpv4("10.0.0.1", "10.0.0.2", a), 1000, 1);
    spec.add(ethernet(0x0806, Bytes(28, 0)), 1001, nanosecond ? 999999999u : 999999u);
    spec.add(tcpOverIpv6("2001:db8::1", "2001:db8::2", b), 1002, 7);
    spec.frames[1].originalLength = 60; // a frame cut by the snap length
    return spec;
}

} // namespace

class TestCaptureReader : public QObject
{
    Q_OBJECT

private slots:
    void readsEveryVariant_data()
    {
        QTest::addColumn<bool>("pcapng");
        QTest::addColumn<bool>("nanosecond");
        QTest::addColumn<bool>("bigEndian");
        for (bool ng : {false, true})
            for (bool nano : {false, true})
                for (bool big : {false, true})
                    QTest::addRow("%s %s %s", ng ? "pcapng" : "pcap", nano ? "ns" : "us",
                                  big ? "BE" : "LE")
                        << ng << nano << big;
    }
    void readsEveryVariant()
    {
        QFETCH(bool, pcapng);
        QFETCH(bool, nanosecond);
        QFETCH(bool, bigEndian);
        const CaptureSpec spec = threeFrames(nanosecond, bigEndian);
        QTemporaryDir dir;
        const QString path = dir.filePath("c");
        writeFile(path, pcapng ? pcapngFile(spec) : pcapFile(spec));

        CaptureReader reader;
        QVERIFY2(reader.open(path.toStdString()), reader.errorString().c_str());
        QCOMPARE(reader.isPcapNg(), pcapng);
        QCOMPARE(reader.linkType(), 1);
        FrameSource source;
        QVERIFY(source.open(path.toStdString(), reader.isPcapNg()));
        std::vector<FrameRecord> records;
        FrameView frame;
        for (size_t i = 0; i < spec.frames.size(); ++i) {
            QCOMPARE(reader.next(frame), CaptureReader::Status::Frame);
            const TestFrame& t = spec.frames[i];
            QCOMPARE(frame.number, uint32_t(i + 1));
            const int64_t ns = t.seconds * 1'000'000'000 + (nanosecond ? t.fraction : t.fraction * 1000);
            QCOMPARE(frame.record.timeNs, ns);
            QCOMPARE(frame.record.capturedLength, uint32_t(t.bytes.size()));
            QCOMPARE(frame.record.originalLength, t.originalLength ? t.originalLength : uint32_t(t.bytes.size()));
            QVERIFY(std::equal(t.bytes.begin(), t.bytes.end(), frame.data));
            records.push_back(frame.record);
        }
        QCOMPARE(reader.next(frame), CaptureReader::Status::End);
        QCOMPARE(reader.bytesRead(), reader.fileSize());

        // Any frame, in any order, read again from its stored position.
        std::vector<uint8_t> bytes;
        for (size_t i : {2u, 0u, 1u}) {
            QVERIFY2(source.read(records[i], bytes), source.errorString().c_str());
            QVERIFY(bytes == spec.frames[i].bytes);
        }
    }

    /// A record longer than the file's snap length: libpcap hands over the first snap-length
    /// bytes and skips the rest; re-reading the frame gives the same bytes, and the next
    /// frame's position is still right.
    void recordsLongerThanTheSnapLength()
    {
        CaptureSpec spec;
        spec.snapLength = 64;
        TcpSpec s;
        s.payload = 60;
        spec.add(tcpOverIpv4("10.0.0.1", "10.0.0.2", s), 1000, 1);
        spec.add(tcpOverIpv4("10.0.0.3", "10.0.0.4", s), 1000, 2);
        QTemporaryDir dir;
        const QString path = dir.filePath("snap.pcap");
        writeFile(path, pcapFile(spec));
        CaptureReader reader;
        QVERIFY(reader.open(path.toStdString()));
        FrameSource source;
        QVERIFY(source.open(path.toStdString(), false));
        FrameView frame;
        for (const TestFrame& t : spec.frames) {
            QCOMPARE(reader.next(frame), CaptureReader::Status::Frame);
            QCOMPARE(frame.record.capturedLength, 64u);
            std::vector<uint8_t> bytes;
            QVERIFY2(source.read(frame.record, bytes), source.errorString().c_str());
            QVERIFY(std::equal(bytes.begin(), bytes.end(), t.bytes.begin()));
        }
    }

    void aReplacedFileIsNoticed()
    {
        CaptureSpec spec = threeFrames(false, false);
        QTemporaryDir dir;
        const QString path = dir.filePath("c.pcap");
        writeFile(path, pcapFile(spec));
        CaptureReader reader;
        QVERIFY(reader.open(path.toStdString()));
        FrameView frame;
        QCOMPARE(reader.next(frame), CaptureReader::Status::Frame);
        QCOMPARE(reader.next(frame), CaptureReader::Status::Frame);
        const FrameRecord second = frame.record;
        // the same file written again with other frames, of the same total size
        std::swap(spec.frames[0].bytes, spec.frames[2].bytes);
        spec.frames[1].originalLength = 61;
        writeFile(path, pcapFile(spec));
        FrameSource source;
        QVERIFY(source.open(path.toStdString(), false));
        std::vector<uint8_t> bytes;
        QVERIFY(!source.read(second, bytes));
        QVERIFY(QString::fromStdString(source.errorString()).contains("changed since it was loaded"));
    }

    void truncatedFileKeepsWhatWasRead()
    {
        const CaptureSpec spec = threeFrames(false, false);
        Bytes file = pcapFile(spec);
        file.resize(file.size() - 10); // cut inside the last record
        QTemporaryDir dir;
        const QString path = dir.filePath("t.pcap");
        writeFile(path, file);
        CaptureTracer tracer;
        QVERIFY(tracer.open(path.toStdString()));
        TraceFlow trace;
        TraceSummary s = tracer.run(trace);
        QCOMPARE(s.end, TraceSummary::End::Truncated);
        QVERIFY(s.endedEarly());
        QCOMPARE(s.framesRead, 2u);
        QCOMPARE(s.flows, size_t(1));
        QVERIFY(!s.message.empty());
    }

    void badInputIsAClearError_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("messagePart");
        QTest::newRow("empty") << QByteArray() << "empty";
        QTest::newRow("text") << QByteArray("hello, this is not a capture\n") << "not a pcap";
        QTest::newRow("short") << QByteArray("\xd4\xc3", 2) << "not a pcap";
        QTest::newRow("header only cut") << QByteArray("\xd4\xc3\xb2\xa1\x02\x00", 6) << "";
    }
    void badInputIsAClearError()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, messagePart);
        QTemporaryDir dir;
        const QString path = dir.filePath("bad");
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(content);
        f.close();
        CaptureReader reader;
        QVERIFY(!reader.open(path.toStdString()));
        QVERIFY(!reader.errorString().empty());
        QVERIFY2(QString::fromStdString(reader.errorString()).contains(messagePart),
                 reader.errorString().c_str());
    }

    void missingFileAndDirectory()
    {
        CaptureReader reader;
        QVERIFY(!reader.open("/nonexistent/capture.pcap"));
        QVERIFY(QString::fromStdString(reader.errorString()).contains("No such file"));
        QTemporaryDir dir;
        QVERIFY(!reader.open(dir.path().toStdString()));
        QVERIFY(QString::fromStdString(reader.errorString()).contains("directory"));
    }

    void cancelStopsTheRun()
    {
        CaptureSpec spec;
        for (int i = 0; i < 10000; ++i)
            spec.add(tcpOverIpv4("10.0.0.1", "10.0.0.2", {}), 1000 + i);
        QTemporaryDir dir;
        const QString path = dir.filePath("c.pcap");
        writeFile(path, pcapFile(spec));
        CaptureTracer tracer;
        QVERIFY(tracer.open(path.toStdString()));
        std::atomic<bool> cancel{false};
        tracer.setCancelFlag(&cancel);
        int frames = 0;
        tracer.setFrameHook([&](const FrameView&, const TcpPacket&, uint32_t) {
            if (++frames == 500)
                cancel = true;
        });
        TraceFlow trace;
        TraceSummary s = tracer.run(trace);
        QCOMPARE(s.end, TraceSummary::End::Cancelled);
        QCOMPARE(s.framesRead, 500u);
    }
};

QTEST_GUILESS_MAIN(TestCaptureReader)
#include "tst_capturereader.moc"
