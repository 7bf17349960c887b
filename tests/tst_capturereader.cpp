// Reading captures: pcap (micro/nanosecond/Kuznetzov, either byte order) and pcapng, always
// giving what libpcap gives; frame records (number, time, lengths, position), re-reading frames
// by position, files that end early, and bad input.

#include "CaptureBuilder.h"
#include "Compressor.h"
#include "TestPaths.h"

#include "CaptureReader.h"
#include "CompressedByteSource.h"
#include "CaptureTracer.h"
#include "FrameSource.h"
#include "PcapNgReader.h"
#include "TraceFlow.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <pcap/pcap.h>

#include <cstdio>
#include <cstring>
#include <functional>
#include <unistd.h>

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
    bool pcapng = false;
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
    out.pcapng = pcapng;
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
/// `status` and `frames` get how the reader ended and how many frames it gave. Where libpcap
/// gives up on a pcapng file (it cannot open it, or stops at a block it does not take) and
/// PcapNgReader reads on, the frames libpcap gave must be the same and the rest must read.
std::string differenceFromLibpcap(const QString& file, bool reread, CaptureReader::Status& status,
                                  uint32_t& frames)
{
    const std::string path = file.toStdString();
    const LibpcapRead expected = readWithLibpcap(path);
    const bool libpcapGaveUp = expected.pcapng && (!expected.opened || expected.result != PCAP_ERROR_BREAK);
    CaptureReader reader;
    frames = 0;
    status = CaptureReader::Status::Error;
    const bool opened = reader.open(path);
    if (opened != expected.opened && !(libpcapGaveUp && opened))
        return "opened " + std::to_string(opened) + ", libpcap " + std::to_string(expected.opened);
    if (!opened)
        return reader.errorString().empty() ? "no message for a file that does not open" : "";
    FrameSource source;
    if (reread && !source.open(reader.layout()))
        return source.errorString();
    FrameView frame;
    std::vector<uint8_t> bytes;
    bool readOn = false; // PcapNgReader gave frames libpcap did not
    while ((status = reader.next(frame)) == CaptureReader::Status::Frame) {
        const size_t i = frames++;
        const std::string at = "frame " + std::to_string(frames) + ": ";
        if (reread && source.layout().interfaces.size() != reader.layout().interfaces.size())
            source.open(reader.layout()); // interfaces described since
        if (i >= expected.records.size() && libpcapGaveUp) {
            readOn = true;
            if (frame.number != frames)
                return at + "number " + std::to_string(frame.number);
            if (reread && (!source.read(frame.record, bytes) || !std::equal(bytes.begin(), bytes.end(), frame.data)))
                return at + "read again by position: " +
                       (source.errorString().empty() ? "other bytes" : source.errorString());
            continue;
        }
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
    if (readOn || (libpcapGaveUp && frames == expected.records.size() && status == CaptureReader::Status::End))
        return status == CaptureReader::Status::End || !reader.errorString().empty() ? "" : "no message for an early end";
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

/// How PcapNgReader alone reads a file: its frames, how it ended, the last frame's time.
struct Step
{
    int frames = 0;
    PcapNgReader::Step step = PcapNgReader::Step::End;
    QString message;
    int64_t timeNs = 0;
};

Step readPcapNg(const Bytes& file)
{
    QTemporaryDir dir;
    const QString path = dir.filePath("c.pcapng");
    writeFile(path, file);
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {0, PcapNgReader::Step::Error, "cannot open", 0};
    FileByteSource bytes(f.handle(), uint64_t(f.size()));
    CaptureLayout layout;
    PcapNgReader reader;
    reader.start(bytes, 0, layout);
    Step out;
    FrameView frame;
    while ((out.step = reader.next(frame)) == PcapNgReader::Step::Frame) {
        if (out.frames++ == 0)
            out.timeNs = frame.record.timeNs;
    }
    out.message = QString::fromStdString(reader.errorString());
    return out;
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


/// `count` TCP frames of `payload` bytes of payload each, `step` seconds apart from `first`.
CaptureSpec evenFrames(int count, size_t payload, int64_t first = 1000, int64_t step = 1)
{
    CaptureSpec spec;
    for (int i = 0; i < count; ++i) {
        TcpSpec s;
        s.seq = uint32_t(1 + i * payload);
        s.payload = payload;
        spec.add(tcpOverIpv4("10.0.0.1", "10.0.0.2", s), first + i * step, uint32_t(i));
    }
    return spec;
}

/// `spec` as a file of `format`: "pcap", "pcap ns big-endian", "pcapng", "pcap.gz", "pcapng.zst".
Bytes captureAs(CaptureSpec spec, const QString& format)
{
    spec.nanosecond = spec.bigEndian = format == "pcap ns big-endian";
    const Bytes plain = format.startsWith("pcapng") ? pcapngFile(spec) : pcapFile(spec);
    if (format.endsWith(".gz"))
        return compressed(plain, Packing::Gzip);
    return format.endsWith(".zst") ? compressed(plain, Packing::Zstd) : plain;
}

/// Test data: columns `format` and `fault`, a row "FORMAT FAULT" for each pair but `except`.
void addFaultRows(std::initializer_list<const char*> formats, std::initializer_list<const char*> faults,
                  const QStringList& except = {})
{
    QTest::addColumn<QString>("format");
    QTest::addColumn<QString>("fault");
    for (const char* format : formats)
        for (const char* fault : faults)
            if (const QString row = QString("%1 %2").arg(format, fault); !except.contains(row))
                QTest::newRow(qPrintable(row)) << QString(format) << QString(fault);
}

/// A capture read to its end as the loader reads it: its layout (which keeps the file open)
/// and every frame's record and bytes; the reader is closed.
struct Loaded
{
    CaptureReader::Status end = CaptureReader::Status::Error;
    std::string error;
    CaptureLayout layout;
    std::vector<FrameRecord> records;
    std::vector<Bytes> bytes;
};

/// Reads `path` to its end; `afterFirst` is called once the first frame was read.
Loaded loadAll(const QString& path, const std::function<void()>& afterFirst = {})
{
    Loaded out;
    CaptureReader reader;
    if (!reader.open(path.toStdString())) {
        out.error = reader.errorString();
        return out;
    }
    FrameView frame;
    while ((out.end = reader.next(frame)) == CaptureReader::Status::Frame) {
        out.records.push_back(frame.record);
        out.bytes.emplace_back(frame.data, frame.data + frame.record.capturedLength);
        if (out.records.size() == 1 && afterFirst)
            afterFirst();
    }
    out.error = reader.errorString();
    out.layout = reader.layout();
    return out;
}

/// Replaces the file at `path` by a new one of `bytes` under the same name (another inode,
/// as an editor or `mv` replaces a file).
void renameOver(const QString& path, const Bytes& bytes)
{
    writeFile(path + ".new", bytes);
    QVERIFY(std::rename((path + ".new").toLocal8Bit().constData(), path.toLocal8Bit().constData()) == 0);
}

/// Cuts the file at `path` to `size` bytes, in place.
void cutTo(const QString& path, uint64_t size)
{
    QVERIFY(::truncate(path.toLocal8Bit().constData(), off_t(size)) == 0);
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
        QVERIFY(source.open(reader.layout()));
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
        QVERIFY(source.open(reader.layout()));
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
        const bool readOn = expected.pcapng && frames > expected.records.size();
        if (expected.opened && expected.result != PCAP_ERROR_BREAK && !readOn) {
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
        QVERIFY(source.open(reader.layout()));
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

    /// pcapng with several interfaces of different link types, snap lengths, timestamp
    /// resolutions and offsets, in two sections of different byte order, with every kind of
    /// packet block: libpcap refuses it (at the second interface); every frame is read with its
    /// interface's link type and time, read again from its position, and traced.
    void pcapngWithSeveralInterfaces()
    {
        TcpSpec a;
        a.flags = 0x02; // SYN
        const Bytes ether = tcpOverIpv4("10.0.0.1", "10.0.0.2", a);
        const Bytes raw = ipv4("10.1.0.1", "10.1.0.2", 6, tcp(a));
        const Bytes raw6 = ipv6("2001:db8::1", "2001:db8::2", 6, tcp(a));
        PcapNgBuilder b;
        b.section(false)
            .interface(1, 65535, 6, 0, "eth0")
            .enhanced(0, 1'500'000'000'000'001ull, ether) // 1500000000.000001
            .interface(101, 8192, 9, 0, "tun0")           // libpcap stops here
            .enhanced(1, 1'500'000'001'123'456'789ull, raw)
            .other(5, Bytes(20, 0)) // an Interface Statistics Block is stepped over
            .interface(1, 262144, 0x80 | 10, -100)         // 2^-10 s, 100 s earlier
            .enhanced(2, (1'500'000'100ull << 10) + 512, ether) // 1500000000.5
            .simple(ether)                                  // interface 0, no time
            .obsolete(1, 1'500'000'002'000'000'001ull, raw)
            .section(true) // big-endian; its interfaces are numbered from 0 again
            .interface(229, 96)
            .enhanced(0, 1'500'000'003'000'000ull, raw6);
        QTemporaryDir dir;
        const QString path = dir.filePath("multi.pcapng");
        writeFile(path, b.bytes());

        struct Expected
        {
            int linkType;
            uint32_t interface;
            int64_t timeNs;
            const Bytes* bytes;
            uint32_t originalLength;
        };
        const int64_t s = 1'000'000'000;
        // Layout entries: 0 the file as libpcap read its first frame (it does not say which
        // interface captured a frame), then every interface PcapNgReader read when it took over.
        const std::vector<Expected> expected = {
            {1, 0, 1'500'000'000 * s + 1'000, &ether, 0},
            {101, 2, 1'500'000'001 * s + 123'456'789, &raw, 0},
            {1, 3, 1'500'000'000 * s + 500'000'000, &ether, 0},
            {1, 1, 0, &ether, 0},
            {101, 2, 1'500'000'002 * s + 1, &raw, 0},
            {229, 4, 1'500'000'003 * s, &raw6, 0},
        };
        CaptureReader reader;
        QVERIFY2(reader.open(path.toStdString()), reader.errorString().c_str());
        FrameView frame;
        std::vector<FrameView> frames;
        std::vector<Bytes> data;
        for (const Expected& e : expected) {
            QCOMPARE(reader.next(frame), CaptureReader::Status::Frame);
            QCOMPARE(frame.linkType, e.linkType);
            QCOMPARE(uint32_t(frame.record.interface), e.interface);
            QCOMPARE(frame.record.timeNs, e.timeNs);
            QCOMPARE(frame.record.capturedLength, uint32_t(e.bytes->size()));
            QCOMPARE(frame.record.originalLength, e.originalLength ? e.originalLength : uint32_t(e.bytes->size()));
            QVERIFY(std::equal(e.bytes->begin(), e.bytes->end(), frame.data));
            frames.push_back(frame);
            data.push_back(*e.bytes);
        }
        QCOMPARE(reader.next(frame), CaptureReader::Status::End);
        QCOMPARE(reader.bytesRead(), reader.fileSize());

        const CaptureLayout& layout = reader.layout();
        QCOMPARE(layout.files.size(), size_t(1));
        QVERIFY(layout.files[0].pcapng);
        QCOMPARE(layout.interfaces.size(), size_t(5));
        QVERIFY(layout.interfaces[0].wholeFile);
        QCOMPARE(layout.interfaces[0].linkType, 1);
        QCOMPARE(layout.interfaces[1].name, std::string("eth0"));
        QCOMPARE(layout.interfaces[2].name, std::string("tun0"));
        QCOMPARE(layout.interfaces[2].snapLength, 8192u);
        QCOMPARE(layout.interfaces[3].idInSection, 2u);
        QCOMPARE(layout.interfaces[4].section, 1u);
        QCOMPARE(layout.interfaces[4].idInSection, 0u);
        QCOMPARE(layout.largestSnapLength(), 262144u);

        // Read again in another order, each with its interface's link type.
        FrameSource source;
        QVERIFY(source.open(layout));
        std::vector<uint8_t> bytes;
        for (size_t i : {5u, 0u, 3u, 1u, 4u, 2u}) {
            FrameView again;
            again.record = frames[i].record;
            QVERIFY2(source.read(again, bytes), source.errorString().c_str());
            QCOMPARE(again.linkType, expected[i].linkType);
            QVERIFY(bytes == data[i]);
        }

        // Traced: every frame is a flow packet of its own flow.
        CaptureTracer tracer;
        QVERIFY(tracer.open(path.toStdString()));
        TraceFlow trace;
        const TraceSummary summary = tracer.run(trace);
        QCOMPARE(summary.end, TraceSummary::End::Complete);
        QCOMPARE(summary.framesRead, 6u);
        QCOMPARE(summary.skipped, 0u);
        QCOMPARE(summary.flowPackets, uint64_t(6));
    }

    /// libpcap reads the start of a file whose second interface differs; PcapNgReader takes
    /// over at that interface without losing or repeating a frame.
    void pcapngTakenOverWhereLibpcapStops()
    {
        const Bytes ether = tcpOverIpv4("10.0.0.1", "10.0.0.2", {});
        PcapNgBuilder b;
        b.section(false).interface(1, 65535);
        for (uint64_t i = 0; i < 3; ++i)
            b.enhanced(0, 1'000'000 + i, ether);
        b.interface(113, 65535); // Linux SLL: libpcap stops here
        for (uint64_t i = 3; i < 5; ++i)
            b.enhanced(0, 1'000'000 + i, ether);
        QTemporaryDir dir;
        const QString path = dir.filePath("late.pcapng");
        writeFile(path, b.bytes());
        const LibpcapRead libpcap = readWithLibpcap(path.toStdString());
        QCOMPARE(libpcap.records.size(), size_t(3));
        QVERIFY(libpcap.result != PCAP_ERROR_BREAK);
        CaptureReader::Status status;
        uint32_t frames = 0;
        const std::string difference = differenceFromLibpcap(path, true, status, frames);
        QVERIFY2(difference.empty(), difference.c_str());
        QCOMPARE(status, CaptureReader::Status::End);
        QCOMPARE(frames, 5u);
    }

    void pcapngTimestamps_data()
    {
        QTest::addColumn<int>("tsresol");
        QTest::addColumn<qlonglong>("tsoffset");
        QTest::addColumn<qulonglong>("units");
        QTest::addColumn<qlonglong>("ns");
        QTest::addColumn<bool>("inRange");
        QTest::newRow("microseconds") << 6 << 0ll << 1'234'567ull << 1'234'567'000ll << true;
        QTest::newRow("nanoseconds") << 9 << 0ll << 1'234'567'891ull << 1'234'567'891ll << true;
        QTest::newRow("milliseconds") << 3 << 0ll << 1'234ull << 1'234'000'000ll << true;
        QTest::newRow("seconds") << 0 << 0ll << 7ull << 7'000'000'000ll << true;
        QTest::newRow("picoseconds, cut to ns") << 12 << 0ll << 1'234'567'891'999ull << 1'234'567'891ll << true;
        QTest::newRow("10^-19 s") << 19 << 0ll << 18'000'000'000'000'000'000ull << 1'800'000'000ll << true;
        QTest::newRow("2^-10 s") << (0x80 | 10) << 0ll << 1536ull << 1'500'000'000ll << true;
        QTest::newRow("2^-30 s, cut to ns") << (0x80 | 30) << 0ll << 1ull << 0ll << true;
        QTest::newRow("2^-30 s, 3 units") << (0x80 | 30) << 0ll << 3ull << 2ll << true;
        QTest::newRow("2^-63 s") << (0x80 | 63) << 0ll << (1ull << 62) << 500'000'000ll << true;
        QTest::newRow("offset") << 6 << 1'000'000'000ll << 5ull << 1'000'000'000'000'005'000ll << true;
        QTest::newRow("negative offset") << 6 << -10ll << 1'000'000ull << -9'000'000'000ll << true;
        QTest::newRow("beyond 2262") << 0 << 0ll << 10'000'000'000ull << 0ll << false;
        QTest::newRow("beyond 2262 by the offset") << 9 << 9'300'000'000ll << 1ull << 0ll << false;
    }
    void pcapngTimestamps()
    {
        QFETCH(int, tsresol);
        QFETCH(qlonglong, tsoffset);
        QFETCH(qulonglong, units);
        QFETCH(qlonglong, ns);
        QFETCH(bool, inRange);
        PcapNgBuilder b;
        b.section(false).interface(1, 0, uint8_t(tsresol), tsoffset).enhanced(0, units, tcpOverIpv4("10.0.0.1", "10.0.0.2", {}));
        const Step step = readPcapNg(b.bytes());
        if (!inRange) {
            QCOMPARE(step.step, PcapNgReader::Step::Error);
            QVERIFY2(step.message.contains("2262"), qPrintable(step.message));
        } else {
            QCOMPARE(step.frames, 1);
            QCOMPARE(step.step, PcapNgReader::Step::End);
            QCOMPARE(step.timeNs, int64_t(ns));
        }
    }

    /// A pcapng time past what 64-bit nanoseconds hold is an error with a message, whichever
    /// reader meets it (here libpcap: one interface), not an overflow.
    void timesBeyond2262AreAnError()
    {
        PcapNgBuilder b;
        const Bytes ether = tcpOverIpv4("10.0.0.1", "10.0.0.2", {});
        b.section(false).interface(1, 0, 0).enhanced(0, 1'500'000'000, ether).enhanced(0, 10'000'000'000ull, ether);
        QTemporaryDir dir;
        const QString path = dir.filePath("late.pcapng");
        writeFile(path, b.bytes());
        CaptureReader reader;
        QVERIFY(reader.open(path.toStdString()));
        FrameView frame;
        QCOMPARE(reader.next(frame), CaptureReader::Status::Frame);
        QCOMPARE(reader.next(frame), CaptureReader::Status::Error);
        QVERIFY2(QString::fromStdString(reader.errorString()).contains("2262"), reader.errorString().c_str());
    }

    /// What PcapNgReader refuses, with a message that says why; a file cut inside a block is
    /// Truncated after the frames before it.
    void pcapngReaderRefusesBadBlocks_data()
    {
        QTest::addColumn<QByteArray>("file");
        QTest::addColumn<int>("frames");
        QTest::addColumn<int>("end");
        QTest::addColumn<QString>("message");
        const Bytes ether = tcpOverIpv4("10.0.0.1", "10.0.0.2", {});
        const int error = int(PcapNgReader::Step::Error);
        const int truncated = int(PcapNgReader::Step::Truncated);
        auto row = [](const char* name, const Bytes& file, int frames, int end, const char* message) {
            QTest::newRow(name) << QByteArray(reinterpret_cast<const char*>(file.data()), qsizetype(file.size()))
                                << frames << end << QString::fromLatin1(message);
        };
        PcapNgBuilder undeclared;
        undeclared.section(false).interface(1, 0).interface(101, 0).enhanced(0, 1, ether).enhanced(2, 2, ether);
        row("packet of an undescribed interface", undeclared.bytes(), 1, error, "interface 2");
        PcapNgBuilder tooLong;
        tooLong.section(false).interface(1, 0).interface(101, 0).enhanced(0, 1, ether).enhanced(0, 2, ether);
        Bytes longCaptured = tooLong.bytes();
        const size_t last = longCaptured.size() - (ether.size() + 3) / 4 * 4 - 32;
        longCaptured[last + 20] = 0xF0; // captured length beyond its block
        row("captured length beyond the block", longCaptured, 1, error, "exceeds the block");
        Bytes cut = tooLong.bytes();
        cut.resize(cut.size() - 5);
        row("cut inside the last block", cut, 1, truncated, "truncated");
        PcapNgBuilder resolution;
        resolution.section(false).interface(1, 0, 20);
        row("resolution finer than 10^-19", resolution.bytes(), 0, error, "resolution");
        PcapNgBuilder binary;
        binary.section(false).interface(1, 0, 0x80 | 64);
        row("resolution finer than 2^-63", binary.bytes(), 0, error, "resolution");
        PcapNgBuilder noSection;
        noSection.section(false).interface(1, 0).enhanced(0, 1, ether);
        Bytes headless(noSection.bytes().begin() + 28, noSection.bytes().end());
        row("no section header", headless, 0, error, "section header");
        PcapNgBuilder version;
        version.section(false);
        Bytes major2 = version.bytes();
        major2[12] = 2;
        row("major version 2", major2, 0, error, "version 2");
        Bytes odd = tooLong.bytes();
        odd[28 + 4] += 1; // the interface block's length, not a multiple of 4
        row("block length not a multiple of 4", odd, 0, error, "invalid length");
    }
    void pcapngReaderRefusesBadBlocks()
    {
        QFETCH(QByteArray, file);
        QFETCH(int, frames);
        QFETCH(int, end);
        QFETCH(QString, message);
        const Step step = readPcapNg(Bytes(file.begin(), file.end()));
        QCOMPARE(step.frames, frames);
        QCOMPARE(int(step.step), end);
        QVERIFY2(step.message.contains(message), qPrintable(step.message));
    }

    /// PcapNgReader alone reads every pcapng file of the corpus and the demo as libpcap does,
    /// frame for frame (time, lengths, bytes, position), as far as libpcap reads it.
    void pcapngReaderReadsAsLibpcapDoes_data()
    {
        QTest::addColumn<QString>("capture");
        QTest::newRow("demo") << sourceDir() + QStringLiteral("/resources/demo/demo.pcapng");
        const QString shared = fi::test::sharedDir();
        if (shared.isEmpty())
            return;
        QDirIterator it(shared + QStringLiteral("/corpus"), {QStringLiteral("*.pcapng")}, QDir::Files,
                        QDirIterator::Subdirectories);
        QStringList paths;
        while (it.hasNext())
            paths << it.next();
        paths.sort();
        for (const QString& path : paths)
            QTest::newRow(qPrintable(path.mid(shared.size() + 8))) << path;
    }
    void pcapngReaderReadsAsLibpcapDoes()
    {
        QFETCH(QString, capture);
        const LibpcapRead expected = readWithLibpcap(capture.toStdString());
        QFile file(capture);
        QVERIFY(file.open(QIODevice::ReadOnly));
        FileByteSource bytes(file.handle(), uint64_t(file.size()));
        CaptureLayout layout;
        PcapNgReader reader;
        reader.start(bytes, 0, layout);
        FrameView frame;
        size_t i = 0;
        PcapNgReader::Step step;
        while ((step = reader.next(frame)) == PcapNgReader::Step::Frame && i < expected.records.size()) {
            const FrameRecord& e = expected.records[i];
            const QByteArray at = "frame " + QByteArray::number(qulonglong(i + 1));
            QVERIFY2(frame.record.timeNs == e.timeNs, at);
            QVERIFY2(frame.record.capturedLength == e.capturedLength, at);
            QVERIFY2(frame.record.originalLength == e.originalLength, at);
            QVERIFY2(frame.record.position == e.position, at);
            QVERIFY2(std::equal(expected.data[i].begin(), expected.data[i].end(), frame.data), at);
            ++i;
        }
        QCOMPARE(i, expected.records.size());
        if (expected.result == PCAP_ERROR_BREAK)
            QCOMPARE(step, PcapNgReader::Step::End);
    }

    /// A gzip or zstd copy of a capture (one or several members or frames) reads as the plain
    /// file does, frame for frame, with the progress counted in compressed bytes; any frame is
    /// read again by its position.
    void compressedReadsAsPlain_data()
    {
        QTest::addColumn<QByteArray>("plain");
        QTest::addColumn<int>("packing");
        QTest::addColumn<int>("pieces");
        PcapNgBuilder multi;
        multi.section(false).interface(1, 0).interface(101, 0, 9);
        for (uint64_t i = 0; i < 20; ++i) {
            TcpSpec s;
            s.srcPort = uint16_t(1000 + i);
            s.payload = size_t(i * 37);
            multi.enhanced(uint32_t(i % 2), 1'000'000 + i,
                           i % 2 ? ipv4("10.1.0.1", "10.1.0.2", 6, tcp(s)) : tcpOverIpv4("10.0.0.1", "10.0.0.2", s));
        }
        const std::vector<std::pair<const char*, Bytes>> files = {
            {"pcap", pcapFile(threeFrames(false, false))},
            {"pcap, big-endian ns", pcapFile(threeFrames(true, true))},
            {"pcapng", pcapngFile(threeFrames(true, false))},
            {"pcapng of two link types", multi.bytes()},
        };
        for (const auto& [name, bytes] : files)
            for (int packing : {int(Packing::Gzip), int(Packing::Zstd)})
                for (int pieces : {1, 3})
                    QTest::addRow("%s, %s, %d piece(s)", name, packing == int(Packing::Gzip) ? "gzip" : "zstd", pieces)
                        << toByteArray(bytes) << packing << pieces;
    }
    void compressedReadsAsPlain()
    {
        QFETCH(QByteArray, plain);
        QFETCH(int, packing);
        QFETCH(int, pieces);
        QTemporaryDir dir;
        const QString plainPath = dir.filePath("c");
        const QString packedPath = dir.filePath("c.packed");
        const Bytes bytes(plain.begin(), plain.end());
        writeFile(plainPath, bytes);
        const Bytes packed = compressed(bytes, Packing(packing), pieces);
        writeFile(packedPath, packed);

        CaptureReader a, b;
        QVERIFY2(a.open(plainPath.toStdString()), a.errorString().c_str());
        QVERIFY2(b.open(packedPath.toStdString()), b.errorString().c_str());
        QCOMPARE(b.isPcapNg(), a.isPcapNg());
        QCOMPARE(b.layout().files[0].compression, packing == int(Packing::Gzip) ? Compression::Gzip : Compression::Zstd);
        FrameView fa, fb;
        std::vector<FrameView> frames;
        std::vector<Bytes> data;
        CaptureReader::Status sa, sb;
        while ((sa = a.next(fa)) == CaptureReader::Status::Frame) {
            sb = b.next(fb);
            QCOMPARE(sb, CaptureReader::Status::Frame);
            QCOMPARE(fb.number, fa.number);
            QCOMPARE(fb.linkType, fa.linkType);
            QCOMPARE(uint64_t(fb.record.position), uint64_t(fa.record.position));
            QCOMPARE(fb.record.timeNs, fa.record.timeNs);
            QCOMPARE(fb.record.capturedLength, fa.record.capturedLength);
            QVERIFY(std::equal(fa.data, fa.data + fa.record.capturedLength, fb.data));
            frames.push_back(fb);
            data.emplace_back(fa.data, fa.data + fa.record.capturedLength);
        }
        QCOMPARE(sa, CaptureReader::Status::End);
        QCOMPARE(b.next(fb), CaptureReader::Status::End);
        QCOMPARE(b.fileSize(), uint64_t(packed.size()));
        QCOMPARE(b.bytesRead(), b.fileSize());

        FrameSource source;
        QVERIFY(source.open(b.layout()));
        std::vector<uint8_t> again;
        for (size_t i = frames.size(); i-- > 0;) {
            QVERIFY2(source.read(frames[i], again), source.errorString().c_str());
            QVERIFY(again == data[i]);
        }
    }

    /// A compressed file cut short reads as a truncated capture; damaged compressed data is an
    /// error that says so.
    void compressedDamage_data()
    {
        QTest::addColumn<int>("packing");
        QTest::newRow("gzip") << int(Packing::Gzip);
        QTest::newRow("zstd") << int(Packing::Zstd);
    }
    void compressedDamage()
    {
        QFETCH(int, packing);
        // 2,000 frames whose payloads compress by half (raw, incompressible blocks would carry
        // damage through unseen: zstd writes no checksum by default): many blocks and windows
        CaptureSpec spec;
        uint32_t noise = 7;
        for (int i = 0; i < 2000; ++i) {
            TcpSpec s;
            for (int k = 0; k < 900; ++k) {
                noise = noise * 1103515245u + 12345u;
                s.data.push_back(char('a' + (noise >> 28)));
            }
            spec.add(tcpOverIpv4("10.0.0.1", "10.0.0.2", s), 1000 + i);
        }
        const Bytes packed = compressed(pcapFile(spec), Packing(packing));
        QTemporaryDir dir;
        const QString cutPath = dir.filePath("cut");
        writeFile(cutPath, Bytes(packed.begin(), packed.begin() + std::ptrdiff_t(packed.size() / 2)));
        CaptureReader reader;
        QVERIFY2(reader.open(cutPath.toStdString()), reader.errorString().c_str());
        FrameView frame;
        CaptureReader::Status status;
        int frames = 0;
        while ((status = reader.next(frame)) == CaptureReader::Status::Frame)
            ++frames;
        QCOMPARE(status, CaptureReader::Status::Truncated);
        QVERIFY2(frames > 500 && frames < 1500, qPrintable(QString::number(frames)));

        Bytes damaged = packed;
        for (size_t i = damaged.size() / 2; i < damaged.size() / 2 + 64; ++i)
            damaged[i] ^= 0x5A;
        const QString damagedPath = dir.filePath("damaged");
        writeFile(damagedPath, damaged);
        QVERIFY2(reader.open(damagedPath.toStdString()), reader.errorString().c_str());
        frames = 0;
        while ((status = reader.next(frame)) == CaptureReader::Status::Frame)
            ++frames;
        QCOMPARE(status, CaptureReader::Status::Error);
        // gzip checks its data; damaged zstd data may decode to other bytes (no checksum by
        // default), which then read as a bad record
        if (Packing(packing) == Packing::Gzip)
            QVERIFY2(QString::fromStdString(reader.errorString()).contains("damaged"), reader.errorString().c_str());
        QVERIFY(!reader.errorString().empty());
        QVERIFY(frames < 2000);
    }

    /// Reading a frame of a large gzip file again starts from the nearest access point the
    /// load recorded, not from the beginning of the file.
    void compressedRereadStartsNearby()
    {
        CaptureSpec spec;
        uint32_t noise = 1;
        for (int i = 0; i < 12'000; ++i) {
            TcpSpec s;
            s.seq = uint32_t(i);
            for (int k = 0; k < 1000; ++k) { // incompressible payload
                noise = noise * 1103515245u + 12345u;
                s.data.push_back(char(noise >> 24));
            }
            spec.add(tcpOverIpv4("10.0.0.1", "10.0.0.2", s), 1000 + i);
        }
        const Bytes plain = pcapFile(spec);
        QTemporaryDir dir;
        const QString path = dir.filePath("big.pcap.gz");
        writeFile(path, compressed(plain, Packing::Gzip));
        CaptureReader reader;
        QVERIFY(reader.open(path.toStdString()));
        FrameView frame;
        FrameRecord last;
        while (reader.next(frame) == CaptureReader::Status::Frame)
            last = frame.record;
        const CaptureFile& file = reader.layout().files[0];
        QVERIFY(file.index->size() >= plain.size() / CompressedIndex::kSpacing - 1);

        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        CompressedByteSource source(f.handle(), uint64_t(f.size()), Compression::Gzip, file.index);
        std::vector<uint8_t> bytes(last.capturedLength);
        QCOMPARE(source.readAt(last.position, bytes.data(), bytes.size()), ssize_t(bytes.size()));
        QVERIFY(std::equal(bytes.begin(), bytes.end(), plain.end() - std::ptrdiff_t(bytes.size())));
        QVERIFY2(source.decompressedBytes() <= CompressedIndex::kSpacing + (2u << 20),
                 qPrintable(QString::number(source.decompressedBytes())));
        // and back to the first frame: from the beginning again, not through the whole file
        QCOMPARE(source.readAt(24 + 16, bytes.data(), 10), ssize_t(10));
        QVERIFY(source.decompressedBytes() <= CompressedIndex::kSpacing + (4u << 20));
    }

    /// A capture set: the frames of several files (pcap, pcapng, compressed) merged in time
    /// order, the earlier file's first when times are equal, numbered across them, each read
    /// again from its own file.
    void captureSetMergesInTimeOrder()
    {
        auto frameAt = [](int64_t seconds, uint16_t port) {
            TcpSpec s;
            s.srcPort = port;
            return std::pair{seconds, tcpOverIpv4("10.0.0.1", "10.0.0.2", s)};
        };
        CaptureSpec a, b, c;
        for (auto [t, bytes] : {frameAt(10, 1), frameAt(20, 2), frameAt(30, 3)})
            a.add(bytes, t);
        for (auto [t, bytes] : {frameAt(15, 11), frameAt(20, 12), frameAt(40, 13)})
            b.add(bytes, t);
        for (auto [t, bytes] : {frameAt(5, 21), frameAt(35, 22)})
            c.add(bytes, t);
        c.linkType = 1;
        QTemporaryDir dir;
        const std::vector<std::string> paths = {dir.filePath("a.pcap").toStdString(), dir.filePath("b.pcapng").toStdString(),
                                                dir.filePath("c.pcap.zst").toStdString()};
        writeFile(QString::fromStdString(paths[0]), pcapFile(a));
        writeFile(QString::fromStdString(paths[1]), pcapngFile(b));
        writeFile(QString::fromStdString(paths[2]), compressed(pcapFile(c), Packing::Zstd));

        CaptureReader reader;
        QVERIFY2(reader.open(paths), reader.errorString().c_str());
        // (time, source port, file)
        const std::vector<std::tuple<int64_t, uint16_t, uint32_t>> expected = {
            {5, 21, 2}, {10, 1, 0}, {15, 11, 1}, {20, 2, 0}, {20, 12, 1}, {30, 3, 0}, {35, 22, 2}, {40, 13, 1}};
        FrameView frame;
        std::vector<FrameView> frames;
        std::vector<Bytes> data;
        for (const auto& [seconds, port, file] : expected) {
            QCOMPARE(reader.next(frame), CaptureReader::Status::Frame);
            QCOMPARE(frame.number, uint32_t(frames.size() + 1));
            QCOMPARE(frame.record.timeNs, seconds * 1'000'000'000);
            QCOMPARE(uint16_t(frame.data[14 + 20] << 8 | frame.data[14 + 21]), port);
            QCOMPARE(reader.layout().interfaces[frame.record.interface].file, file);
            frames.push_back(frame);
            data.emplace_back(frame.data, frame.data + frame.record.capturedLength);
        }
        QCOMPARE(reader.next(frame), CaptureReader::Status::End);
        QCOMPARE(reader.framesRead(), 8u);
        QCOMPARE(reader.layout().files.size(), size_t(3));
        QCOMPARE(reader.layout().files[2].compression, Compression::Zstd);
        QCOMPARE(reader.bytesRead(), reader.fileSize());

        FrameSource source;
        QVERIFY(source.open(reader.layout()));
        std::vector<uint8_t> bytes;
        for (size_t i = frames.size(); i-- > 0;) {
            QVERIFY2(source.read(frames[i], bytes), source.errorString().c_str());
            QVERIFY(bytes == data[i]);
            QCOMPARE(source.pathOf(frames[i].record), paths[std::get<2>(expected[i])]);
        }
    }

    /// A file of a set that ends inside a record ends there: the other files are read to their
    /// end, then the set ends as truncated, naming the file. A file that cannot be opened fails
    /// the whole set, by name.
    void captureSetWithACutFile()
    {
        CaptureSpec a, b;
        for (int i = 0; i < 5; ++i) {
            a.add(tcpOverIpv4("10.0.0.1", "10.0.0.2", {}), 10 + 2 * i);
            b.add(tcpOverIpv4("10.0.0.3", "10.0.0.4", {}), 11 + 2 * i);
        }
        Bytes cut = pcapFile(b);
        cut.resize(cut.size() - 3 * (54 + 16) - 10); // b keeps its first frame and a bit
        QTemporaryDir dir;
        const std::string pa = dir.filePath("a.pcap").toStdString(), pb = dir.filePath("b.pcap").toStdString();
        writeFile(QString::fromStdString(pa), pcapFile(a));
        writeFile(QString::fromStdString(pb), cut);
        CaptureReader reader;
        QVERIFY(reader.open(std::vector<std::string>{pa, pb}));
        FrameView frame;
        CaptureReader::Status status;
        int frames = 0;
        while ((status = reader.next(frame)) == CaptureReader::Status::Frame)
            ++frames;
        QCOMPARE(frames, 5 + 1);
        QCOMPARE(status, CaptureReader::Status::Truncated);
        QVERIFY2(QString::fromStdString(reader.errorString()).startsWith(QString::fromStdString(pb) + ": truncated"),
                 reader.errorString().c_str());

        QVERIFY(!reader.open(std::vector<std::string>{pa, dir.filePath("missing.pcap").toStdString()}));
        QVERIFY2(QString::fromStdString(reader.errorString()).contains("missing.pcap: No such file"),
                 reader.errorString().c_str());
    }

    /// The capture changes on disk after it was loaded, while its frames are read again (the
    /// details, an export, Follow Stream): a file renamed over or deleted still reads as it was
    /// loaded (the layout keeps it open); one cut short or rewritten in place never gives other
    /// bytes than those loaded, but an error that says what happened.
    void frameReadAgainAfterTheFileChanged_data()
    {
        // (a pcapng block keeps no time that can be compared: one rewritten with blocks of the
        // same lengths at the same places is not told from the one loaded)
        addFaultRows({"pcap", "pcap ns big-endian", "pcapng", "pcap.gz", "pcapng.zst"},
                     {"renamed over", "deleted", "cut short", "rewritten", "rewritten, lengths kept"},
                     {"pcapng rewritten, lengths kept", "pcapng.zst rewritten, lengths kept"});
    }
    void frameReadAgainAfterTheFileChanged()
    {
        QFETCH(QString, format);
        QFETCH(QString, fault);
        QTemporaryDir dir;
        const QString path = dir.filePath("c");
        writeFile(path, captureAs(evenFrames(6, 100), format));
        const Loaded loaded = loadAll(path);
        QCOMPARE(loaded.end, CaptureReader::Status::End);
        QCOMPARE(loaded.records.size(), size_t(6));
        QVERIFY(loaded.layout.files[0].handle);

        const bool compressedFile = format.endsWith(".gz") || format.endsWith(".zst");
        QString message; // what the frames that cannot be read say; empty: all read
        if (fault == "renamed over") {
            renameOver(path, captureAs(evenFrames(6, 300, 5000), format));
        } else if (fault == "deleted") {
            QVERIFY(QFile::remove(path));
        } else if (fault == "cut short") {
            // plain: inside frame 4 (pcap: its data; pcapng: its block); compressed: halved
            const uint64_t at = compressedFile ? uint64_t(QFileInfo(path).size() / 2)
                                : format == "pcapng" ? loaded.records[3].position - 1
                                                     : loaded.records[3].position + 1;
            cutTo(path, at);
            message = "the file was cut short since it was loaded: it now ends at byte ";
        } else {
            // in place (the same inode): another capture, or the same frames a second later
            const bool keepLengths = fault == "rewritten, lengths kept";
            const Bytes other = captureAs(keepLengths ? evenFrames(6, 100, 1001) : evenFrames(6, 300, 5000), format);
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
            QCOMPARE(f.write(reinterpret_cast<const char*>(other.data()), qint64(other.size())), qint64(other.size()));
            f.close();
            message = "the file changed since it was loaded: ";
        }

        FrameSource source;
        QVERIFY2(source.open(loaded.layout), source.errorString().c_str());
        int read = 0;
        for (size_t i = 0; i < loaded.records.size(); ++i) {
            FrameView frame{.number = uint32_t(i + 1), .record = loaded.records[i]};
            std::vector<uint8_t> bytes;
            if (source.read(frame, bytes)) {
                QVERIFY2(read == int(i), "a frame after one that could not be read"); // a prefix reads
                QCOMPARE(Bytes(bytes.begin(), bytes.end()), loaded.bytes[i]); // as loaded, never others
                ++read;
                continue;
            }
            const QString error = QString::fromStdString(source.errorString());
            QVERIFY2(!message.isEmpty() && error.startsWith(message), qPrintable(error));
            QCOMPARE(source.pathOf(frame.record), path.toStdString());
        }
        if (message.isEmpty())
            QCOMPARE(read, 6);
        else if (fault == "cut short" && !compressedFile)
            QCOMPARE(read, 3);
        else if (fault == "cut short")
            QVERIFY(read < 6);
        else
            QCOMPARE(read, 0);
    }

    /// The capture changes on disk while it is being read: renamed over or deleted, it is read
    /// to its end as it was opened; cut short, the reading ends truncated and says so (also
    /// when the cut falls between two records, or after the bytes read so far), and a frame
    /// read before the cut that is not in the file any more cannot be read again.
    void fileChangedWhileItIsRead_data()
    {
        addFaultRows({"pcap", "pcapng"}, {"renamed over", "deleted", "cut short", "cut at a record's end"});
    }
    void fileChangedWhileItIsRead()
    {
        QFETCH(QString, format);
        QFETCH(QString, fault);
        QTemporaryDir dir;
        const QString path = dir.filePath("c");
        // 3,000 frames of about 1 KB: larger than what the reader reads ahead (1 MiB); cut
        // between two records, 500, all read ahead by the time it is cut
        const size_t count = fault == "cut at a record's end" ? 500 : 3000;
        const CaptureSpec spec = evenFrames(int(count), 1000);
        const Bytes bytes = captureAs(spec, format);
        writeFile(path, bytes);
        const uint64_t size = bytes.size();
        // a frame's position (pcap: its data; pcapng: its block's end) in an unchanged copy
        const Loaded whole = loadAll(path);
        QCOMPARE(whole.records.size(), count);
        const uint64_t recordEnd = format == "pcap" ? whole.records[9].position + whole.records[9].capturedLength
                                                    : whole.records[9].position;
        const Loaded loaded = loadAll(path, [&] {
            if (fault == "renamed over")
                renameOver(path, captureAs(evenFrames(10, 5, 9000), format));
            else if (fault == "deleted")
                QVERIFY(QFile::remove(path));
            else if (fault == "cut short")
                cutTo(path, size / 6); // before the end of what was read ahead
            else
                cutTo(path, recordEnd); // after frame 10, all of it read ahead
        });
        if (fault == "renamed over" || fault == "deleted") {
            QCOMPARE(loaded.end, CaptureReader::Status::End);
            QCOMPARE(loaded.records.size(), count);
            QCOMPARE(loaded.bytes, whole.bytes);
        } else {
            QCOMPARE(loaded.end, CaptureReader::Status::Truncated);
            QVERIFY2(QString::fromStdString(loaded.error)
                         .contains(QString("the file was cut short while it was read (from %1 to ").arg(size)),
                     loaded.error.c_str());
            QVERIFY(loaded.records.size() > 10 && loaded.records.size() <= count);
        }
        // read again: as loaded, or (past the cut) an error saying so
        FrameSource source;
        QVERIFY2(source.open(loaded.layout), source.errorString().c_str());
        size_t again = 0;
        std::vector<uint8_t> data;
        for (size_t i = 0; i < loaded.records.size(); ++i) {
            if (!source.read(loaded.records[i], data)) {
                QVERIFY2(source.errorString().starts_with("the file was cut short since it was loaded"),
                         source.errorString().c_str());
                continue;
            }
            QCOMPARE(Bytes(data.begin(), data.end()), whole.bytes[i]);
            ++again;
        }
        if (fault == "cut at a record's end")
            QCOMPARE(again, size_t(10));
        else if (fault == "cut short")
            QVERIFY(again < loaded.records.size());
        else
            QCOMPARE(again, count);
    }

    /// A loaded capture keeps one descriptor per file open, for its frames to be read again,
    /// and lets it go with the last copy of its layout.
    void aLoadedCaptureHoldsOneDescriptor()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("c.pcapng");
        writeFile(path, captureAs(evenFrames(5, 10), "pcapng"));
        auto openDescriptors = [] { return QDir("/proc/self/fd").entryList(QDir::Files | QDir::System).size(); };
        const qsizetype before = openDescriptors();
        {
            CaptureReader reader;
            QVERIFY(reader.open(path.toStdString()));
            QCOMPARE(openDescriptors(), before + 1);
            FrameView frame;
            while (reader.next(frame) == CaptureReader::Status::Frame) {
            }
            CaptureLayout layout = reader.layout();
            reader.close();
            QCOMPARE(openDescriptors(), before + 1); // the layout's
            const CaptureLayout copy = layout;
            layout = {};
            QCOMPARE(openDescriptors(), before + 1);
        }
        QCOMPARE(openDescriptors(), before);
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
