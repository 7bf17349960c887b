// Per-flow output files (spec section 4): pcap files hold exactly the flow's frames (read back
// with libpcap, every byte order and resolution); json/plist/tree parse and hold one `Frame N`
// entry per frame in pcapkit's shape; the bounded pool of open files; nothing half-written.

#include "CaptureBuilder.h"
#include "SmallDisk.h"
#include "TestPaths.h"

#include "CaptureTracer.h"
#include "FlowFileWriter.h"
#include "FlowWriterPool.h"
#include "LayerTree.h"
#include "TraceFlow.h"

#include <pcap/pcap.h>

#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QXmlStreamReader>

#include <csignal>
#include <optional>
#include <set>
#include <cstring>
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

using namespace fi;
using namespace fi::test;

namespace {

/// Two connections, interleaved, each closed by FIN; frame 3 is ARP (not a flow packet).
CaptureSpec conversation()
{
    CaptureSpec spec;
    auto seg = [](uint16_t sport, uint16_t dport, uint8_t flags, size_t payload) {
        TcpSpec s;
        s.srcPort = sport;
        s.dstPort = dport;
        s.flags = flags;
        s.payload = payload;
        return s;
    };
    spec.add(tcpOverIpv4("10.0.0.1", "10.0.0.2", seg(1000, 80, TcpFlag::SYN, 0)), 1000, 1);
    spec.add(tcpOverIpv6("2001:db8::1", "2001:db8::2", seg(2000, 443, TcpFlag::SYN, 0)), 1000, 2);
    spec.add(ethernet(0x0806, Bytes(28, 1)), 1000, 3);
    spec.add(tcpOverIpv4("10.0.0.1", "10.0.0.2", seg(1000, 80, TcpFlag::ACK, 500)), 1000, 4);
    spec.add(tcpOverIpv6("2001:db8::1", "2001:db8::2", seg(2000, 443, TcpFlag::ACK, 1200)), 1000, 5);
    spec.add(tcpOverIpv4("10.0.0.1", "10.0.0.2", seg(1000, 80, TcpFlag::FIN | TcpFlag::ACK, 0)), 1001, 6);
    spec.add(tcpOverIpv6("2001:db8::1", "2001:db8::2", seg(2000, 443, TcpFlag::FIN, 0)), 1002, 7);
    return spec;
}

/// `flows` connections sending `rounds` segments each, round-robin, so that every flow's frames
/// are spread over the whole capture; odd ports end with a FIN, even ones stay open. Port 1's
/// first segment is a FIN and its next one reuses that segment's timestamp: it opens a second
/// flow of the same label (its file gets " (2)").
CaptureSpec interleaved(int flows, int rounds)
{
    CaptureSpec spec;
    for (int round = 0; round < rounds; ++round)
        for (uint16_t port = 1; port <= flows; ++port) {
            TcpSpec s;
            s.srcPort = port;
            s.seq = uint32_t(round * 1000);
            s.payload = size_t(port * 37 + round * 11) % 1400;
            const bool last = round + 1 == rounds;
            s.flags = (last && port % 2) || (port == 1 && round == 0) ? TcpFlag::FIN | TcpFlag::ACK
                                                                     : TcpFlag::ACK;
            const bool reused = port == 1 && round == 1;
            spec.add(tcpOverIpv4("10.0.0.1", "10.0.0.2", s), reused ? 1000 : 1000 + round,
                     reused ? 1 : port);
        }
    return spec;
}

struct Traced
{
    TraceSummary summary;
    struct Flow : Index
    {
        BufferID id;
    };
    std::vector<Flow> flows;
};

Traced traceTo(const QString& capture, OutputOptions o, size_t maxOpen = 64)
{
    CaptureTracer tracer;
    if (!tracer.open(capture.toStdString()))
        return {};
    o.maxOpenFiles = maxOpen;
    FlowFileWriter writer(o);
    if (!writer.prepare())
        return {{TraceSummary::End::OutputError, 0, 0, 0, 0, writer.errorString()}, {}};
    TraceFlow trace(&writer);
    Traced t;
    t.summary = tracer.run(trace);
    for (const Index& f : trace.flows())
        t.flows.push_back({f, trace.id(f)});
    return t;
}

QStringList entriesOf(const QString& dir)
{
    return QDir(dir).entryList(QDir::Files | QDir::Hidden, QDir::Name);
}

void setContent(const QString& path, const QByteArray& bytes)
{
    QFile f(path);
    if (f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        f.write(bytes);
}

/// Every file of a directory and its bytes.
QMap<QString, QByteArray> filesOf(const QString& dir)
{
    QMap<QString, QByteArray> files;
    for (const QString& name : entriesOf(dir)) {
        QFile f(dir + "/" + name);
        files[name] = f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray("(unreadable)");
    }
    return files;
}

/// Test data: a memory budget (bytes) in the `budget` column.
const size_t kDefaultBudget = OutputOptions().memoryBudget;

/// Takes every file descriptor this process could still open but `spare` ones (until
/// destroyed): whatever opens more at once fails with EMFILE.
class DescriptorLimit
{
public:
    explicit DescriptorLimit(int spare)
    {
        int highest = 0;
        for (const QString& fd : QDir("/proc/self/fd").entryList(QDir::Files | QDir::System))
            highest = std::max(highest, fd.toInt());
        // fill the holes below the highest descriptor, so that the limit counts every one free
        for (int fd; (fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0;) {
            if (fd > highest) {
                ::close(fd);
                break;
            }
            m_fillers.push_back(fd);
        }
        ::getrlimit(RLIMIT_NOFILE, &m_old);
        rlimit limit = m_old;
        limit.rlim_cur = rlim_t(highest + 1 + spare);
        m_ok = ::setrlimit(RLIMIT_NOFILE, &limit) == 0;
    }
    ~DescriptorLimit()
    {
        ::setrlimit(RLIMIT_NOFILE, &m_old);
        for (int fd : m_fillers)
            ::close(fd);
    }
    bool ok() const { return m_ok; }

private:
    rlimit m_old{};
    std::vector<int> m_fillers;
    bool m_ok = false;
};

} // namespace

class TestOutput : public QObject
{
    Q_OBJECT

private slots:
    void pcapHoldsExactlyTheFlowsFrames_data()
    {
        QTest::addColumn<int>("byteOrder");
        QTest::addColumn<bool>("nanosecond");
        QTest::addColumn<bool>("sourceNano");
        for (int order : {int(ByteOrder::Host), int(ByteOrder::Big), int(ByteOrder::Little)})
            for (bool nano : {false, true})
                for (bool sourceNano : {false, true})
                    QTest::addRow("order %d %s from %s", order, nano ? "ns" : "us",
                                  sourceNano ? "ns" : "us")
                        << order << nano << sourceNano;
    }
    void pcapHoldsExactlyTheFlowsFrames()
    {
        QFETCH(int, byteOrder);
        QFETCH(bool, nanosecond);
        QFETCH(bool, sourceNano);
        CaptureSpec spec = conversation();
        spec.nanosecond = sourceNano;
        QTemporaryDir dir;
        const QString capture = dir.filePath("in.pcap");
        writeFile(capture, pcapFile(spec));
        OutputOptions o;
        o.format = OutputFormat::Pcap;
        o.directory = dir.filePath("out").toStdString();
        o.byteOrder = ByteOrder(byteOrder);
        o.nanosecond = nanosecond;
        Traced t = traceTo(capture, o);
        QCOMPARE(t.summary.end, TraceSummary::End::Complete);
        QCOMPARE(t.flows.size(), size_t(2));
        QCOMPARE(entriesOf(dir.filePath("out")).size(), 2);

        for (const Index& flow : t.flows) {
            QCOMPARE(QFileInfo(QString::fromStdString(flow.fpout)).fileName(),
                     QString::fromStdString(flow.label) + ".pcap");
            char err[PCAP_ERRBUF_SIZE];
            pcap_t* p = pcap_open_offline_with_tstamp_precision(
                flow.fpout.c_str(), PCAP_TSTAMP_PRECISION_NANO, err);
            QVERIFY2(p, err);
            QCOMPARE(pcap_datalink(p), 1);
            QCOMPARE(pcap_is_swapped(p) != 0,
                     o.byteOrder != ByteOrder::Host &&
                         (o.byteOrder == ByteOrder::Big) != (QSysInfo::ByteOrder == QSysInfo::BigEndian));
            pcap_pkthdr* h;
            const u_char* data;
            size_t n = 0;
            while (pcap_next_ex(p, &h, &data) == 1) {
                QVERIFY(n < flow.index.size());
                const TestFrame& f = spec.frames[flow.index[n] - 1];
                QCOMPARE(h->caplen, uint32_t(f.bytes.size()));
                QCOMPARE(h->len, uint32_t(f.bytes.size()));
                QCOMPARE(int64_t(h->ts.tv_sec), f.seconds);
                // a microsecond file written at nanosecond resolution is exact; nanoseconds
                // written at microsecond resolution lose the sub-microsecond part
                const uint32_t ns = sourceNano ? f.fraction : f.fraction * 1000;
                QCOMPARE(uint32_t(h->ts.tv_usec), nanosecond ? ns : ns / 1000 * 1000);
                QVERIFY(std::equal(f.bytes.begin(), f.bytes.end(), data));
                ++n;
            }
            pcap_close(p);
            QCOMPARE(n, flow.index.size());
        }
    }

    /// A capture whose interfaces have different link types (the shipped `mergecap` of three
    /// corpus captures): each flow's pcap file has its frames' link type and their bytes.
    void pcapOfEachFlowHasItsLinkType()
    {
        const QString capture = sourceDir() + QStringLiteral("/tests/conformance/merged/three-link-types.pcapng");
        QTemporaryDir dir;
        OutputOptions o;
        o.format = OutputFormat::Pcap;
        o.directory = dir.filePath("out").toStdString();
        Traced t = traceTo(capture, o);
        QCOMPARE(t.summary.end, TraceSummary::End::Complete);
        QCOMPARE(t.flows.size(), size_t(7));
        std::set<int> linkTypes;
        CaptureReader reader;
        QVERIFY(reader.open(capture.toStdString()));
        std::vector<std::pair<int, Bytes>> frames; // by frame number - 1
        FrameView frame;
        while (reader.next(frame) == CaptureReader::Status::Frame)
            frames.emplace_back(frame.linkType, Bytes(frame.data, frame.data + frame.record.capturedLength));
        for (const Index& flow : t.flows) {
            char err[PCAP_ERRBUF_SIZE];
            pcap_t* p = pcap_open_offline(flow.fpout.c_str(), err);
            QVERIFY2(p, err);
            const int expected = frames[flow.index.front() - 1].first;
            QCOMPARE(pcap_datalink(p) == DLT_RAW ? 101 : pcap_datalink(p), expected);
            linkTypes.insert(expected);
            pcap_pkthdr* h;
            const u_char* data;
            size_t n = 0;
            while (pcap_next_ex(p, &h, &data) == 1) {
                QVERIFY(n < flow.index.size());
                const Bytes& bytes = frames[flow.index[n] - 1].second;
                QVERIFY(h->caplen == bytes.size() && std::equal(bytes.begin(), bytes.end(), data));
                ++n;
            }
            pcap_close(p);
            QCOMPARE(n, flow.index.size());
        }
        QCOMPARE(linkTypes, (std::set<int>{1, 101, 113}));
    }

    /// A pcap file holds one link type: a flow whose frames come from interfaces of two link
    /// types is an error that says so, and leaves no file behind.
    void aFlowOfTwoLinkTypesIsRefused()
    {
        QTemporaryDir dir;
        OutputOptions o;
        o.format = OutputFormat::Pcap;
        o.directory = dir.filePath("out").toStdString();
        FlowWriterPool pool(o);
        std::string error;
        QVERIFY(FlowWriterPool::prepareDirectory(o.directory, error));
        pool.reserve(0, "mixed");
        const Bytes ether = tcpOverIpv4("10.0.0.1", "10.0.0.2", {});
        const Bytes raw = ipv4("10.0.0.1", "10.0.0.2", 6, tcp({}));
        FrameView frame;
        frame.number = 1;
        frame.linkType = 1;
        frame.record.capturedLength = frame.record.originalLength = uint32_t(ether.size());
        frame.data = ether.data();
        QVERIFY(pool.write(0, frame));
        frame.number = 2;
        frame.linkType = 101;
        frame.record.capturedLength = frame.record.originalLength = uint32_t(raw.size());
        frame.data = raw.data();
        QVERIFY(!pool.write(0, frame));
        QVERIFY2(QString::fromStdString(pool.errorString()).contains("one link type"), pool.errorString().c_str());
        pool.abort();
        QVERIFY(entriesOf(dir.filePath("out")).isEmpty());
    }

    void documentsParseWithOneEntryPerFrame_data()
    {
        QTest::addColumn<int>("format");
        QTest::newRow("json") << int(OutputFormat::Json);
        QTest::newRow("plist") << int(OutputFormat::Plist);
        QTest::newRow("tree") << int(OutputFormat::Tree);
    }
    void documentsParseWithOneEntryPerFrame()
    {
        QFETCH(int, format);
        QTemporaryDir dir;
        const QString capture = dir.filePath("in.pcap");
        writeFile(capture, pcapFile(conversation()));
        OutputOptions o;
        o.format = OutputFormat(format);
        o.directory = dir.filePath("out").toStdString();
        Traced t = traceTo(capture, o);
        QCOMPARE(t.summary.end, TraceSummary::End::Complete);
        for (const auto& flow : t.flows) {
            QFile file(QString::fromStdString(flow.fpout));
            QVERIFY(file.open(QIODevice::ReadOnly));
            const QByteArray text = file.readAll();
            QStringList frames;
            if (o.format == OutputFormat::Json) {
                QJsonParseError error;
                QJsonObject doc = QJsonDocument::fromJson(text, &error).object();
                QVERIFY2(error.error == QJsonParseError::NoError, qPrintable(error.errorString()));
                frames = doc.keys();
                for (const QString& key : frames) {
                    QJsonObject f = doc[key].toObject();
                    QCOMPARE(f["number"].toInt(), key.mid(6).toInt());
                    QVERIFY(f["ethernet"].toObject().contains(flow.id.src.isV6() ? "ipv6" : "ipv4"));
                    QVERIFY(f["frame_info"].toObject().contains("ts_usec"));
                    QVERIFY(f["protocols"].toString().endsWith(":TCP"));
                }
            } else if (o.format == OutputFormat::Plist) {
                QXmlStreamReader xml(text);
                int depth = 0;
                while (!xml.atEnd()) {
                    xml.readNext();
                    if (xml.isStartElement() && xml.name() == QLatin1String("dict"))
                        ++depth;
                    if (xml.isEndElement() && xml.name() == QLatin1String("dict"))
                        --depth;
                    if (xml.isStartElement() && xml.name() == QLatin1String("key") && depth == 1)
                        frames << xml.readElementText();
                }
                QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
                QVERIFY(text.startsWith("<?xml"));
                QVERIFY(text.contains("<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\""));
            } else {
                for (const QByteArray& line : text.split('\n'))
                    if (line.startsWith("Frame "))
                        frames << QString::fromLatin1(line);
                QVERIFY(text.contains("  |-- tcp \n") || text.contains("|-- tcp \n"));
            }
            QStringList expected;
            for (uint32_t n : flow.index)
                expected << QStringLiteral("Frame %1").arg(n);
            frames.sort();
            expected.sort();
            QCOMPARE(frames, expected);
        }
    }

    /// Our json for the spec's example has pcapkit's shape: the same files, the same keys of
    /// each frame and of its frame_info, the same frame values, layers nested outermost first.
    void jsonMatchesPcapkitShape()
    {
        FI_REQUIRE_SHARED();
        const QString examples = fi::test::sharedDir() + "/spec/examples/";
        QTemporaryDir dir;
        OutputOptions o;
        o.format = OutputFormat::Json;
        o.directory = dir.path().toStdString();
        Traced t = traceTo(examples + "in.pcap", o);
        QCOMPARE(entriesOf(dir.path()), entriesOf(examples + "pcapkit-json"));
        for (const QString& name : entriesOf(dir.path())) {
            auto load = [](const QString& path) {
                QFile f(path);
                f.open(QIODevice::ReadOnly);
                return QJsonDocument::fromJson(f.readAll()).object();
            };
            const QJsonObject ours = load(dir.filePath(name));
            const QJsonObject theirs = load(examples + "pcapkit-json/" + name);
            QCOMPARE(ours.keys(), theirs.keys());
            for (const QString& frame : ours.keys()) {
                const QJsonObject a = ours[frame].toObject(), b = theirs[frame].toObject();
                QCOMPARE(a.keys(), b.keys());
                QCOMPARE(a["frame_info"], b["frame_info"]);
                for (const char* key : {"time", "number", "time_epoch", "len", "cap_len", "protocols"})
                    QCOMPARE(a[key], b[key]);
                QVERIFY(a["ethernet"].toObject()["ipv4"].toObject().contains("tcp"));
            }
        }
    }

    void boundedPoolOfOpenFiles()
    {
        // 40 flows written interleaved through a pool of 3 open files: every file complete.
        CaptureSpec spec;
        for (int round = 0; round < 5; ++round)
            for (uint16_t port = 1; port <= 40; ++port) {
                TcpSpec s;
                s.srcPort = port;
                s.flags = round == 4 && port % 2 ? TcpFlag::FIN : TcpFlag::ACK;
                s.payload = port;
                spec.add(tcpOverIpv4("10.0.0.1", "10.0.0.2", s), 1000 + round, port);
            }
        QTemporaryDir dir;
        const QString capture = dir.filePath("in.pcap");
        writeFile(capture, pcapFile(spec));
        for (OutputFormat format : {OutputFormat::Pcap, OutputFormat::Json}) {
            OutputOptions o;
            o.format = format;
            o.directory = dir.filePath(outputFormatName(format)).toStdString();
            Traced t = traceTo(capture, o, 3);
            QCOMPARE(t.summary.end, TraceSummary::End::Complete);
            QCOMPARE(entriesOf(QString::fromStdString(o.directory)).size(), 40);
            for (const Index& flow : t.flows) {
                QFile f(QString::fromStdString(flow.fpout));
                QVERIFY(f.open(QIODevice::ReadOnly));
                const QByteArray bytes = f.readAll();
                if (format == OutputFormat::Pcap) {
                    size_t frameBytes = 0;
                    for (uint32_t n : flow.index)
                        frameBytes += 16 + spec.frames[n - 1].bytes.size();
                    QCOMPARE(size_t(bytes.size()), 24 + frameBytes);
                } else {
                    QCOMPARE(QJsonDocument::fromJson(bytes).object().size(), 5);
                }
            }
        }
    }

    /// However little memory the pool may use and however few files it may keep open, every
    /// file is complete and byte for byte the one written whole, under the same name.
    void filesAreTheSameWithinAnyBudget_data()
    {
        QTest::addColumn<int>("format");
        QTest::addColumn<qulonglong>("budget");
        QTest::addColumn<int>("maxOpen");
        for (OutputFormat f : {OutputFormat::Pcap, OutputFormat::Json, OutputFormat::Tree})
            for (qulonglong budget : {0ull, 1ull, 700ull, 4096ull, 65536ull})
                QTest::addRow("%s budget %llu", outputFormatName(f), budget)
                    << int(f) << budget << 2;
        QTest::addRow("plist budget 1") << int(OutputFormat::Plist) << 1ull << 2;
        QTest::addRow("pcap budget 1, one open file") << int(OutputFormat::Pcap) << 1ull << 1;
    }
    void filesAreTheSameWithinAnyBudget()
    {
        QFETCH(int, format);
        QFETCH(qulonglong, budget);
        QFETCH(int, maxOpen);
        QTemporaryDir dir;
        const QString capture = dir.filePath("in.pcap");
        writeFile(capture, pcapFile(interleaved(30, 6)));
        OutputOptions o;
        o.format = OutputFormat(format);
        o.directory = dir.filePath("whole").toStdString();
        QCOMPARE(traceTo(capture, o).summary.end, TraceSummary::End::Complete);
        const QMap<QString, QByteArray> whole = filesOf(dir.filePath("whole"));
        QCOMPARE(whole.size(), 31);
        QVERIFY(whole.contains(QStringLiteral("10.0.0.1_1-10.0.0.2_80-1000.000001 (2)") +
                               outputExtension(o.format)));

        o.directory = dir.filePath("pieces").toStdString();
        o.memoryBudget = size_t(budget);
        const Traced t = traceTo(capture, o, size_t(maxOpen));
        QCOMPARE(t.summary.end, TraceSummary::End::Complete);
        const QMap<QString, QByteArray> pieces = filesOf(dir.filePath("pieces"));
        QCOMPARE(pieces.keys(), whole.keys());
        for (const QString& name : whole.keys())
            QVERIFY2(pieces[name] == whole[name], qPrintable(name));
    }

    /// The pool never has more files open than it may: with only the capture's descriptor and
    /// `maxOpen` more to spare, 31 interleaved flows are written in full.
    void openFilesStayWithinTheBound_data()
    {
        QTest::addColumn<qulonglong>("budget");
        QTest::addColumn<int>("maxOpen");
        for (int maxOpen : {1, 2})
            for (qulonglong budget : {1ull, 4096ull, qulonglong(kDefaultBudget)})
                QTest::addRow("%d open, budget %llu", maxOpen, budget) << budget << maxOpen;
    }
    void openFilesStayWithinTheBound()
    {
        QFETCH(qulonglong, budget);
        QFETCH(int, maxOpen);
        QTemporaryDir dir;
        const QString capture = dir.filePath("in.pcap");
        const CaptureSpec spec = interleaved(30, 6);
        writeFile(capture, pcapFile(spec));
        OutputOptions o;
        o.format = OutputFormat::Pcap;
        o.directory = dir.filePath("out").toStdString();
        o.memoryBudget = size_t(budget);
        Traced t;
        {
            DescriptorLimit limit(1 + maxOpen); // the capture, and the pool's
            QVERIFY(limit.ok());
            t = traceTo(capture, o, size_t(maxOpen));
        }
        QVERIFY2(t.summary.end == TraceSummary::End::Complete, t.summary.message.c_str());
        QCOMPARE(t.flows.size(), size_t(31));
        for (const Index& flow : t.flows) {
            size_t bytes = 24;
            for (uint32_t n : flow.index)
                bytes += 16 + spec.frames[n - 1].bytes.size();
            QCOMPARE(size_t(QFileInfo(QString::fromStdString(flow.fpout)).size()), bytes);
        }
        // the bound is real: with no descriptor to spare for the pool, writing fails
        QTemporaryDir none;
        o.directory = none.filePath("out").toStdString();
        {
            DescriptorLimit limit(1);
            QVERIFY(limit.ok());
            t = traceTo(capture, o, size_t(maxOpen));
        }
        QCOMPARE(t.summary.end, TraceSummary::End::OutputError);
        QVERIFY2(t.summary.message.find(std::strerror(EMFILE)) != std::string::npos,
                 t.summary.message.c_str());
    }

    /// A write that fails for want of space names the file by its final name, and leaves
    /// nothing behind: on a full disk (a small tmpfs, 4 KiB left; when run as root), or where a
    /// file size limit fails it as a full disk does.
    void fullDiskNamesTheFileAndLeavesNothing_data()
    {
        QTest::addColumn<int>("format");
        QTest::addColumn<qulonglong>("budget");
        QTest::addColumn<bool>("tmpfs"); // else a file size limit
        for (bool tmpfs : {false, true})
            for (OutputFormat f : {OutputFormat::Pcap, OutputFormat::Json})
                for (qulonglong budget : {0ull, 4096ull, qulonglong(kDefaultBudget)})
                    QTest::addRow("%s budget %llu, %s", outputFormatName(f), budget,
                                  tmpfs ? "full disk" : "file size limit")
                        << int(f) << budget << tmpfs;
    }
    void fullDiskNamesTheFileAndLeavesNothing()
    {
        QFETCH(int, format);
        QFETCH(qulonglong, budget);
        QFETCH(bool, tmpfs);
        QTemporaryDir dir;
        const QString capture = dir.filePath("in.pcap");
        writeFile(capture, pcapFile(interleaved(10, 6)));
        QTemporaryDir mountPoint;
        std::optional<SmallDisk> disk;
        if (tmpfs) {
            disk.emplace(mountPoint.path(), 256 * 1024);
            if (!disk->isMounted())
                QSKIP(qPrintable("no small file system to fill: " + disk->whyNot()));
            QVERIFY(disk->fillLeaving(4096));
        }
        const QString root = tmpfs ? mountPoint.path() : dir.path();
        OutputOptions o;
        o.format = OutputFormat(format);
        o.directory = (root + "/out").toStdString();
        o.memoryBudget = size_t(budget);
        rlimit old{};
        QCOMPARE(::getrlimit(RLIMIT_FSIZE, &old), 0);
        auto previous = std::signal(SIGXFSZ, SIG_IGN);
        rlimit small = old;
        small.rlim_cur = tmpfs ? old.rlim_cur : 2000;
        QCOMPARE(::setrlimit(RLIMIT_FSIZE, &small), 0);
        const Traced t = traceTo(capture, o, 2);
        ::setrlimit(RLIMIT_FSIZE, &old);
        std::signal(SIGXFSZ, previous);
        QCOMPARE(t.summary.end, TraceSummary::End::OutputError);
        const QString message = QString::fromStdString(t.summary.message);
        // DIR/{label}{ext}, the label of a flow from 10.0.0.1 to 10.0.0.2:80, maybe with " (2)"
        const QRegularExpression named(
            "^" + QRegularExpression::escape(root + "/out") +
            "/10\\.0\\.0\\.1_\\d+-10\\.0\\.0\\.2_80-[0-9.]+( \\(\\d+\\))?" +
            QRegularExpression::escape(outputExtension(o.format)) + ": " +
            QRegularExpression::escape(std::strerror(tmpfs ? ENOSPC : EFBIG)) + "$");
        QVERIFY2(named.match(message).hasMatch(), qPrintable(message));
        QCOMPARE(QDir(root).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot),
                 QStringList{tmpfs ? ".filler" : "in.pcap"});
    }

    void unwritableDirectoryFailsCleanly()
    {
        QTemporaryDir dir;
        const QString capture = dir.filePath("in.pcap");
        writeFile(capture, pcapFile(conversation()));
        const QString out = fi::test::unwritableDirectory(dir.path());
        const QStringList before = entriesOf(out);
        OutputOptions o;
        o.format = OutputFormat::Pcap;
        o.directory = out.toStdString();
        Traced t = traceTo(capture, o);
        QCOMPARE(t.summary.end, TraceSummary::End::OutputError);
        QVERIFY(QString::fromStdString(t.summary.message).contains(out));
        QVERIFY(QString::fromStdString(t.summary.message).contains("not writable"));
        QCOMPARE(entriesOf(out), before);
    }

    /// When the last rename fails, the files already renamed go and the files they replaced
    /// come back: no file the user had is lost.
    void failedCommitRestoresExistingFiles()
    {
        QTemporaryDir dir;
        const QString capture = dir.filePath("in.pcap");
        writeFile(capture, pcapFile(conversation()));
        const QString out = dir.filePath("out");
        QVERIFY(QDir().mkdir(out));
        // flow 1's file exists already; where flow 2's goes, a directory is in the way
        const QString kept = out + "/10.0.0.1_1000-10.0.0.2_80-1000.000001.pcap";
        writeFile(kept, Bytes{'p', 'r', 'e', 'c', 'i', 'o', 'u', 's'});
        QVERIFY(QDir().mkdir(out + "/2001.db8..1_2000-2001.db8..2_443-1000.000002.pcap"));
        OutputOptions o;
        o.format = OutputFormat::Pcap;
        o.directory = out.toStdString();
        Traced t = traceTo(capture, o);
        QCOMPARE(t.summary.end, TraceSummary::End::OutputError);
        QVERIFY2(QString::fromStdString(t.summary.message).contains("2001.db8..1_2000"), t.summary.message.c_str());
        QFile f(kept);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), QByteArray("precious"));
        QCOMPARE(entriesOf(out), (QStringList{"10.0.0.1_1000-10.0.0.2_80-1000.000001.pcap"}));
    }

    /// Names are json and plist keys: repeated fields (two NOP options) get distinct names.
    void documentKeysAreUnique()
    {
        TcpSpec s;
        s.dataOffset = 8; // 12 bytes of NOP options
        const Bytes frame = tcpOverIpv4("10.0.0.1", "10.0.0.2", s);
        const LayerTree tree = decodeLayers(1, frame.data(), frame.size());
        std::function<void(const FieldNode&)> check = [&](const FieldNode& node) {
            QSet<QString> names;
            for (const FieldNode& c : node.children) {
                QVERIFY2(!names.contains(QString::fromStdString(c.name)), c.name.c_str());
                names.insert(QString::fromStdString(c.name));
                check(c);
            }
        };
        check(tree.root);
        const FieldNode* tcp = tree.layers().back();
        QCOMPARE(tcp->name, std::string("tcp"));
        const FieldNode* options = tcp->child("options");
        QVERIFY(options && options->child("nop") && options->child("nop_2") && options->child("nop_12"));
    }

    void failedWriteLeavesNothing()
    {
        // A directory path that is a file: writing fails at once, and nothing is left behind.
        QTemporaryDir dir;
        const QString capture = dir.filePath("in.pcap");
        writeFile(capture, pcapFile(conversation()));
        OutputOptions o;
        o.format = OutputFormat::Json;
        o.directory = capture.toStdString();
        Traced t = traceTo(capture, o);
        QCOMPARE(t.summary.end, TraceSummary::End::OutputError);
        QVERIFY(QString::fromStdString(t.summary.message).contains("not a directory"));
        QCOMPARE(entriesOf(dir.path()), QStringList{"in.pcap"});
    }

    void cancelledRunRemovesItsFiles_data()
    {
        QTest::addColumn<qulonglong>("budget");
        QTest::addColumn<bool>("existing"); // the output directory exists before the run
        for (bool existing : {false, true})
            for (qulonglong budget : {0ull, 1000ull, qulonglong(kDefaultBudget)})
                QTest::addRow("%s directory, budget %llu", existing ? "existing" : "new", budget)
                    << budget << existing;
    }
    void cancelledRunRemovesItsFiles()
    {
        QFETCH(qulonglong, budget);
        QFETCH(bool, existing);
        QTemporaryDir dir;
        const QString capture = dir.filePath("in.pcap");
        writeFile(capture, pcapFile(interleaved(10, 6)));
        if (existing)
            QVERIFY(QDir().mkdir(dir.filePath("out")));
        OutputOptions o;
        o.format = OutputFormat::Pcap;
        o.directory = dir.filePath("out").toStdString();
        o.memoryBudget = size_t(budget);
        o.maxOpenFiles = 2;
        CaptureTracer tracer;
        QVERIFY(tracer.open(capture.toStdString()));
        std::atomic<bool> cancel{false};
        tracer.setCancelFlag(&cancel);
        QStringList before;
        tracer.setFrameHook([&](const FrameView& f, const TcpPacket&, uint32_t) {
            if (f.number == 51) { // after port 1's flows were completed, amid the others
                before = entriesOf(dir.filePath(existing ? "out" : ".out.part"));
                cancel = true;
            }
        });
        FlowFileWriter writer(o);
        QVERIFY(writer.prepare());
        TraceFlow trace(&writer);
        QCOMPARE(tracer.run(trace).end, TraceSummary::End::Cancelled);
        QVERIFY(!before.isEmpty()); // files were being written
        for (const QString& name : before) // under hidden names
            QVERIFY2(!existing || (name.startsWith('.') && name.endsWith(".part")),
                     qPrintable(name));
        QCOMPARE(QDir(dir.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot),
                 existing ? QStringList({"in.pcap", "out"}) : QStringList{"in.pcap"});
        QVERIFY(entriesOf(dir.filePath("out")).isEmpty());
    }

    /// A new output directory is made whole under a hidden name and appears at once with every
    /// file; when a directory of that name was made meanwhile, the files go into it one by one,
    /// beside what it holds. Either way the files are those written into an existing directory.
    void newDirectoryAppearsWhole_data()
    {
        QTest::addColumn<QString>("meanwhile"); // what another program puts at DIR meanwhile
        QTest::newRow("nothing") << "";
        QTest::newRow("an empty directory") << "empty";
        QTest::newRow("a directory with a file") << "file";
        QTest::newRow("a leftover hidden directory") << "leftover"; // written in place then
    }
    void newDirectoryAppearsWhole()
    {
        QFETCH(QString, meanwhile);
        QTemporaryDir dir;
        const QString capture = dir.filePath("in.pcap");
        writeFile(capture, pcapFile(interleaved(20, 4)));
        const QString out = dir.filePath("out"), existing = dir.filePath("existing");
        QVERIFY(QDir().mkdir(existing));
        OutputOptions o;
        o.format = OutputFormat::Pcap;
        o.directory = existing.toStdString();
        QCOMPARE(traceTo(capture, o).summary.end, TraceSummary::End::Complete);
        const QMap<QString, QByteArray> expected = filesOf(existing);
        QCOMPARE(expected.size(), 21);

        o.directory = out.toStdString();
        o.maxOpenFiles = 2;
        o.memoryBudget = 2000;
        const bool leftover = meanwhile == "leftover";
        if (leftover) {
            QVERIFY(QDir().mkdir(dir.filePath(".out.part")));
            setContent(dir.filePath(".out.part/old"), "old");
        }
        CaptureTracer tracer;
        QVERIFY(tracer.open(capture.toStdString()));
        bool outSeen = false;
        QStringList staged;
        tracer.setFrameHook([&](const FrameView& f, const TcpPacket&, uint32_t) {
            outSeen = outSeen || (f.number <= 70 && QFileInfo::exists(out));
            if (f.number == 70) {
                staged = entriesOf(dir.filePath(leftover ? "out" : ".out.part"));
                if (meanwhile == "empty" || meanwhile == "file")
                    QDir().mkdir(out);
                if (meanwhile == "file")
                    setContent(out + "/mine.txt", "mine");
            }
        });
        FlowFileWriter writer(o);
        QVERIFY(writer.prepare());
        TraceFlow trace(&writer);
        QCOMPARE(tracer.run(trace).end, TraceSummary::End::Complete);
        QCOMPARE(outSeen, leftover);
        QVERIFY(!staged.isEmpty());
        for (const QString& name : staged) // own names in the hidden directory, or hidden ones
            QVERIFY2(leftover ? name.startsWith('.') && name.endsWith(".part")
                              : expected.contains(name),
                     qPrintable(name));
        QCOMPARE(QDir(dir.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot),
                 leftover ? QStringList({".out.part", "existing", "in.pcap", "out"})
                          : QStringList({"existing", "in.pcap", "out"}));
        if (leftover)
            QCOMPARE(filesOf(dir.filePath(".out.part")), (QMap<QString, QByteArray>{{"old", "old"}}));
        QMap<QString, QByteArray> files = filesOf(out);
        if (meanwhile == "file")
            QCOMPARE(files.take("mine.txt"), QByteArray("mine"));
        QCOMPARE(files, expected);
        QCOMPARE(writer.filesWritten(), size_t(21));
    }
};

QTEST_GUILESS_MAIN(TestOutput)
#include "tst_output.moc"
