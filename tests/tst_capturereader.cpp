// Reading captures: pcap (micro/nanosecond/Kuznetzov, either byte order) and pcapng, always
// giving what libpcap gives; frame records (number, time, lengths, position), re-reading frames
// by position, files that end early, and bad input.

#include "CaptureBuilder.h"
#include "TestPaths.h"

#include "CaptureReader.h"
#include "CaptureTracer.h"
#include "FrameSource.h"
#include "TraceFlow.h"

#include <QDirIterator>
#include <QTemporaryDir>
#include <QTest>

#include <pcap/pcap.h>

#include <cstdio>
#include <cstring>

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


/// What libpcap itself reads from a capture, with every frame's position found the way the
/// reader found it before it walked pcap records itself: by ftell after every record.
struct LibpcapRead
{
    bool opened = false;
    std::vector<FrameRecord> records;
    std::vector<Bytes> data;
    int result = 0;      ///< pcap_next_ex's last result: PCAP_ERROR_BREAK at the end, else -1
    std::string message; ///< libpcap's message when it failed
};

LibpcapRead readWithLibpcap(const std::string& path)
{
    LibpcapRead out;
    uint32_t magic = 0;
    if (std::FILE* f = std::fopen(path.c_str(), "rb")) {
        if (std::fread(&magic, 1, 4, f) != 4)
            magic = 0;
        std::fclose(f);
    }
    const bool pcapng = magic == 0x0A0D0D0A;
    const uint64_t headerSize = magic == 0xA1B2CD34 || magic == 0x34CDB2A1 ? 24 : 16;
    char errbuf[PCAP_ERRBUF_SIZE] = {};
    pcap_t* p = pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_NANO, errbuf);
    if (!p) {
        out.message = errbuf;
        return out;
    }
    out.opened = true;
    uint64_t previousEnd = 24;
    pcap_pkthdr* h = nullptr;
    const u_char* d = nullptr;
    while ((out.result = pcap_next_ex(p, &h, &d)) == 1) {
        const uint64_t end = uint64_t(ftello(pcap_file(p)));
        FrameRecord r;
        r.position = pcapng ? end : previousEnd + headerSize;
        previousEnd = end;
        const int64_t seconds = pcapng ? int64_t(h->ts.tv_sec) : int64_t(uint32_t(h->ts.tv_sec));
        r.timeNs = seconds * 1'000'000'000 + h->ts.tv_usec;
        r.capturedLength = h->caplen;
        r.originalLength = h->len;
        out.records.push_back(r);
        out.data.emplace_back(d, d + h->caplen);
    }
    if (out.result != PCAP_ERROR_BREAK)
        out.message = pcap_geterr(p);
    pcap_close(p);
    return out;
}

/// Reads `path` with CaptureReader beside libpcap and returns the first difference (empty when
/// there is none): every frame's number, time, lengths, bytes and position, the end, the
/// message. `reread`: every frame read again by position (FrameSource) gives the same bytes.
/// `status` and `frames` get how the reader ended and how many frames it gave.
std::string differenceFromLibpcap(const QString& file, bool reread, CaptureReader::Status& status,
                                  uint32_t& frames)
{
    const std::string path = file.toStdString();
    const LibpcapRead expected = readWithLibpcap(path);
    CaptureReader reader;
    frames = 0;
    status = CaptureReader::Status::Error;
    if (reader.open(path) != expected.opened)
        return "opened " + std::to_string(!expected.opened) + ", libpcap " + std::to_string(expected.opened);
    if (!expected.opened)
        return reader.errorString().empty() ? "no message for a file that does not open" : "";
    FrameSource source;
    if (reread && !source.open(path, reader.isPcapNg()))
        return source.errorString();
    FrameView frame;
    std::vector<uint8_t> bytes;
    while ((status = reader.next(frame)) == CaptureReader::Status::Frame) {
        const size_t i = frames++;
        const std::string at = "frame " + std::to_string(frames) + ": ";
        if (i >= expected.records.size())
            return at + "libpcap has no such frame";
        const FrameRecord& e = expected.records[i];
        if (frame.number != frames)
            return at + "number " + std::to_string(frame.number);
        if (frame.record.capturedLength != e.capturedLength)
            return at + "captured length " + std::to_string(frame.record.capturedLength) + ", libpcap " +
                   std::to_string(e.capturedLength);
        if (frame.record.originalLength != e.originalLength)
            return at + "original length " + std::to_string(frame.record.originalLength) + ", libpcap " +
                   std::to_string(e.originalLength);
        if (frame.record.timeNs != e.timeNs)
            return at + "time " + std::to_string(frame.record.timeNs) + ", libpcap " + std::to_string(e.timeNs);
        if (frame.record.position != e.position)
            return at + "position " + std::to_string(frame.record.position) + ", libpcap and ftell " +
                   std::to_string(e.position);
        if (!std::equal(expected.data[i].begin(), expected.data[i].end(), frame.data))
            return at + "other bytes than libpcap's";
        if (reread && (!source.read(frame.record, bytes) || bytes != expected.data[i]))
            return at + "read again by position: " +
                   (source.errorString().empty() ? "other bytes" : source.errorString());
    }
    if (frames != expected.records.size())
        return std::to_string(frames) + " frames, libpcap " + std::to_string(expected.records.size());
    if ((status == CaptureReader::Status::End) != (expected.result == PCAP_ERROR_BREAK))
        return "ended " + std::to_string(int(status)) + " (" + reader.errorString() + "), libpcap " +
               std::to_string(expected.result) + " (" + expected.message + ")";
    if (status == CaptureReader::Status::End && reader.bytesRead() != reader.fileSize())
        return "read " + std::to_string(reader.bytesRead()) + " of " + std::to_string(reader.fileSize()) + " bytes";
    if (status != CaptureReader::Status::End && reader.errorString() != expected.message)
        return "message \"" + reader.errorString() + "\", libpcap \"" + expected.message + "\"";
    return {};
}

QByteArray toByteArray(const Bytes& bytes)
{
    return QByteArray(reinterpret_cast<const char*>(bytes.data()), qsizetype(bytes.size()));
}

/// A classic pcap variant: its magic number (micro-, nanosecond or Kuznetzov) and byte order.
struct PcapVariant
{
    const char* name;
    bool nanosecond;
    bool kuznetzov;
    bool bigEndian;

    CaptureSpec spec() const
    {
        CaptureSpec s;
        s.nanosecond = nanosecond;
        s.kuznetzov = kuznetzov;
        s.bigEndian = bigEndian;
        return s;
    }
    size_t recordHeaderSize() const { return kuznetzov ? 24 : 16; }
};

constexpr PcapVariant kPcapVariants[] = {
    {"us LE", false, false, false}, {"us BE", false, false, true},   {"ns LE", true, false, false},
    {"ns BE", true, false, true},   {"kuznetzov LE", false, true, false}, {"kuznetzov BE", false, true, true},
};

Bytes filler(size_t size, uint8_t seed)
{
    Bytes b(size);
    for (size_t i = 0; i < size; ++i)
        b[i] = uint8_t(seed + i * 7);
    return b;
}

/// File offset where record `index` (from 0) of a pcap file of `spec` starts.
size_t recordStart(const CaptureSpec& spec, size_t index)
{
    size_t offset = 24;
    for (size_t i = 0; i < index; ++i)
        offset += (spec.kuznetzov ? 24 : 16) + spec.frames[i].bytes.size();
    return offset;
}

/// Where each block of a pcapng file starts.
std::vector<size_t> blockStarts(const Bytes& file, bool bigEndian)
{
    std::vector<size_t> starts;
    for (size_t at = 0; at + 8 <= file.size();) {
        starts.push_back(at);
        const uint8_t* p = file.data() + at + 4;
        const uint32_t length = bigEndian ? uint32_t(p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3])
                                          : uint32_t(p[3] << 24 | p[2] << 16 | p[1] << 8 | p[0]);
        at += length;
    }
    return starts;
}

Bytes cut(Bytes bytes, size_t size)
{
    bytes.resize(size);
    return bytes;
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

    /// Every classic pcap variant against libpcap: the same frames (lengths, times, bytes,
    /// positions that read them again) and the same end, with libpcap's message.
    void pcapReadsAsLibpcapDoes_data()
    {
        QTest::addColumn<QByteArray>("file");
        QTest::addColumn<bool>("reread"); // false where libpcap rewrites the bytes it hands over
        QTest::addColumn<int>("end");
        QTest::addColumn<int>("frames");
        const int end = int(CaptureReader::Status::End);
        const int truncated = int(CaptureReader::Status::Truncated);
        const int error = int(CaptureReader::Status::Error);
        for (const PcapVariant& v : kPcapVariants) {
            auto row = [&](const char* what, const Bytes& file, int status, int frames, bool reread = true) {
                QTest::addRow("%s: %s", v.name, what) << toByteArray(file) << reread << status << frames;
            };
            const size_t header = v.recordHeaderSize();

            CaptureSpec three = threeFrames(v.nanosecond, v.bigEndian);
            three.kuznetzov = v.kuznetzov;
            const Bytes threeFile = pcapFile(three);
            row("three frames", threeFile, end, 3);
            row("global header only", pcapFile(v.spec()), end, 0);

            // The file ends inside the third record: in its header, in its data, or just after
            // the second record (a zero-length tail is a clean end).
            const size_t third = recordStart(three, 2);
            const size_t thirdEnd = threeFile.size();
            for (size_t at : {third + 1, third + header / 2, third + header - 1})
                row(qPrintable(QStringLiteral("cut in a record header at +%1").arg(at - third)),
                    cut(threeFile, at), truncated, 2);
            for (size_t at : {third + header, third + header + 1, thirdEnd - 1})
                row(qPrintable(QStringLiteral("cut in record data at +%1").arg(at - third)),
                    cut(threeFile, at), truncated, 2);
            row("cut between records", cut(threeFile, third), end, 2);
            row("cut in the first record header", cut(threeFile, 24 + 3), truncated, 0);

            // Records longer than the snap length: libpcap cuts them and skips the rest
            // (Kuznetzov's Ethernet files have 14 more bytes of snap length).
            CaptureSpec snap = v.spec();
            snap.snapLength = 64;
            for (size_t size : {100u, 40u, 100u, 64u, 65u, 78u, 79u, 0u})
                snap.add(filler(size, uint8_t(size)), 1000);
            const Bytes snapFile = pcapFile(snap);
            row("longer than the snap length", snapFile, end, 8);
            const size_t second = recordStart(snap, 2);
            row("longer than the snap length, cut in its header", cut(snapFile, second + 5), truncated, 2);
            row("longer than the snap length, cut before the snap length",
                cut(snapFile, second + header + 30), truncated, 2);
            row("longer than the snap length, cut after the snap length",
                cut(snapFile, second + header + 90), truncated, 2);

            // A captured length above libpcap's maximum is an error (also within a huge snap
            // length); a link type with a larger maximum reads it.
            CaptureSpec large = v.spec();
            large.add(filler(10, 1), 1000).add(filler(300000, 2), 1001).add(filler(10, 3), 1002);
            row("captured length above the maximum", pcapFile(large), error, 1);
            row("captured length above the maximum, the file ending after its header",
                cut(pcapFile(large), recordStart(large, 1) + header), error, 1);
            large.snapLength = 0x7fffffff;
            row("captured length above the maximum, huge snap length", pcapFile(large), error, 1);
            large.linkType = 231; // D-Bus: 128 MiB at most
            large.snapLength = 0;
            row("long record of a link type with a larger maximum", pcapFile(large), end, 3);
            row("long record of a link type with a larger maximum, cut",
                cut(pcapFile(large), recordStart(large, 1) + header + 280000), truncated, 1);

            // Times: seconds past 2038, fractions that are no fraction (libpcap reads them
            // signed, or unsigned when it swaps bytes).
            CaptureSpec times = v.spec();
            times.add(filler(20, 1), 3'000'000'000, 0x80000001)
                .add(filler(20, 2), 0, 999'999)
                .add(filler(20, 3), 0xffffffff, 0xffffffff)
                .add(filler(20, 4), 1'500'000'000, 1'000'000'000);
            row("odd times", pcapFile(times), end, 4);

            // Old versions: the two lengths the other way round (2.3: when captured > original).
            for (uint16_t minor : {uint16_t(2), uint16_t(3)}) {
                CaptureSpec old = three;
                old.versionMinor = minor;
                row(qPrintable(QStringLiteral("version 2.%1").arg(minor)), pcapFile(old), end, 3);
            }

            // Enough records to fill several reading blocks, records across their borders.
            CaptureSpec many = v.spec();
            for (int i = 0; i < 3000; ++i)
                many.add(filler(size_t(40 + (i * 397) % 1460), uint8_t(i)), 1000 + i, uint32_t(i));
            const Bytes manyFile = pcapFile(many);
            row("many records", manyFile, end, 3000);
            row("many records, cut", cut(manyFile, recordStart(many, 2500) + 9), truncated, 2500);

            // Linux cooked capture of SocketCAN: libpcap puts the CAN ID of a file written in
            // the other byte order in this machine's (the bytes differ from the file's).
            CaptureSpec can = v.spec();
            can.linkType = 113;
            const Bytes sll = Bytes{0, 0, 1, 0x18, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x0C} +
                              Bytes{1, 2, 3, 4, 8, 0, 0, 0} + filler(8, 9);
            can.add(sll, 1000).add(sll, 1001);
            row("Linux cooked SocketCAN", pcapFile(can), end, 2, false);
        }
    }
    void pcapReadsAsLibpcapDoes()
    {
        QFETCH(QByteArray, file);
        QFETCH(bool, reread);
        QFETCH(int, end);
        QFETCH(int, frames);
        QTemporaryDir dir;
        const QString path = dir.filePath("c.pcap");
        writeFile(path, Bytes(file.begin(), file.end()));
        CaptureReader::Status status;
        uint32_t read = 0;
        const std::string difference = differenceFromLibpcap(path, reread, status, read);
        QVERIFY2(difference.empty(), difference.c_str());
        QCOMPARE(int(status), end);
        QCOMPARE(read, uint32_t(frames));
    }

    /// pcapng through libpcap: a file that ends inside a block is Truncated, a damaged block an
    /// Error, told apart by where libpcap's reading stands, not by its words.
    void pcapngEndsAreToldApart_data()
    {
        QTest::addColumn<QByteArray>("file");
        QTest::addColumn<int>("end");
        QTest::addColumn<int>("frames");
        const int end = int(CaptureReader::Status::End);
        const int truncated = int(CaptureReader::Status::Truncated);
        const int error = int(CaptureReader::Status::Error);
        for (bool big : {false, true}) {
            const char* order = big ? "BE" : "LE";
            const Bytes file = pcapngFile(threeFrames(false, big));
            // Section header, interface, then three Enhanced Packet Blocks.
            const std::vector<size_t> blocks = blockStarts(file, big);
            QCOMPARE(blocks.size(), size_t(5));
            const size_t first = blocks[2];
            const size_t second = blocks[3];
            const size_t secondSize = blocks[4] - second;
            QTest::addRow("%s whole", order) << toByteArray(file) << end << 3;
            QTest::addRow("%s cut after the interface", order) << toByteArray(cut(file, first)) << end << 0;
            QTest::addRow("%s cut between blocks", order) << toByteArray(cut(file, second)) << end << 1;
            for (size_t at : {second + 1, second + 6, second + 8, second + 20, second + 40, second + 70})
                QTest::addRow("%s cut at block +%zu", order, at - second)
                    << toByteArray(cut(file, at)) << truncated << 1;
            QTest::addRow("%s cut before the last byte", order)
                << toByteArray(cut(file, file.size() - 1)) << truncated << 2;

            Bytes odd = file; // the second block's length not a multiple of 4
            odd[second + (big ? 7 : 4)] += 1;
            QTest::addRow("%s block length not a multiple of 4", order) << toByteArray(odd) << error << 1;
            Bytes mismatch = file; // the second block's trailer differs from its header
            mismatch[second + secondSize - (big ? 1 : 4)] += 4;
            QTest::addRow("%s block lengths differ", order) << toByteArray(mismatch) << error << 1;
            Bytes huge = file; // a block longer than libpcap allows
            huge[second + (big ? 4 : 7)] = 0x7f;
            QTest::addRow("%s block too long", order) << toByteArray(huge) << error << 1;
        }
    }
    void pcapngEndsAreToldApart()
    {
        QFETCH(QByteArray, file);
        QFETCH(int, end);
        QFETCH(int, frames);
        QTemporaryDir dir;
        const QString path = dir.filePath("c.pcapng");
        writeFile(path, Bytes(file.begin(), file.end()));
        CaptureReader::Status status;
        uint32_t read = 0;
        const std::string difference = differenceFromLibpcap(path, true, status, read);
        QVERIFY2(difference.empty(), difference.c_str());
        QCOMPARE(int(status), end);
        QCOMPARE(read, uint32_t(frames));
    }

    /// Every capture of the corpus (real files, many damaged) reads as libpcap reads it; an
    /// early end is Truncated exactly where libpcap's message says the file is truncated.
    void corpusReadsAsLibpcapDoes_data()
    {
        QTest::addColumn<QString>("capture");
        const QString shared = fi::test::sharedDir();
        if (shared.isEmpty())
            return;
        QStringList paths;
        QDirIterator it(shared + QStringLiteral("/corpus"), QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            if (!path.contains(QStringLiteral("/expected/")) && !path.endsWith(QStringLiteral(".md")))
                paths << path;
        }
        paths.sort();
        const qsizetype prefix = shared.size() + 8;
        for (const QString& path : paths)
            QTest::newRow(qPrintable(path.mid(prefix))) << path;
    }
    void corpusReadsAsLibpcapDoes()
    {
        FI_REQUIRE_SHARED();
        QFETCH(QString, capture);
        CaptureReader::Status status;
        uint32_t frames = 0;
        const std::string difference = differenceFromLibpcap(capture, false, status, frames);
        QVERIFY2(difference.empty(), difference.c_str());
        const LibpcapRead expected = readWithLibpcap(capture.toStdString());
        if (expected.opened && expected.result != PCAP_ERROR_BREAK) {
            const bool truncated = expected.message.find("truncated") != std::string::npos;
            QCOMPARE(status, truncated ? CaptureReader::Status::Truncated : CaptureReader::Status::Error);
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
