// Exporting chosen flows (FlowExporter) and the CLI's `trace --flows`, `-f merged-pcap` and
// `-f csv`: per-flow files byte-identical to the CLI's, a merged pcap read back with libpcap,
// the CSV flow table, frames read only at their stored positions, overwrite and skip, and
// nothing left behind (nor anything lost) by a cancelled or failed export.

#include "CaptureBuilder.h"
#include "CaptureStore.h"
#include "CaptureTracer.h"
#include "FlowColumns.h"
#include "FlowExporter.h"
#include "FlowWriterPool.h"
#include "TestPaths.h"
#include "Waits.h"
#include "LoadBatchBuilder.h"
#include "SmallDisk.h"

#include <QDir>
#include <QFileInfo>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <atomic>
#include <csignal>
#include <cstring>
#include <numeric>
#include <pcap/pcap.h>
#include <set>
#include <sys/resource.h>
#include <tuple>
#include <unistd.h>

using namespace fi;
using namespace fi::test;

namespace {

/// `connections` TCP connections (IPv4 and IPv6 alternately), both directions, `rounds`
/// packets per direction from SYN to FIN, interleaved; an ARP frame first.
CaptureSpec conversations(int connections, int rounds)
{
    CaptureSpec spec;
    spec.add(ethernet(0x0806, Bytes(28, 7)), 999, 0);
    for (int round = 0; round < rounds; ++round)
        for (int c = 0; c < connections; ++c)
            for (int back = 0; back < 2; ++back) {
                TcpSpec s;
                s.srcPort = uint16_t(back ? 80 : 1000 + c);
                s.dstPort = uint16_t(back ? 1000 + c : 80);
                s.flags = round == 0
                              ? TcpFlag::SYN
                              : (round + 1 == rounds ? TcpFlag::FIN | TcpFlag::ACK : TcpFlag::ACK);
                s.seq = uint32_t(round * 100);
                s.payload = size_t(10 * round + c);
                const uint32_t micros = uint32_t(c * 1000 + back * 10 + round);
                const bool v6 = c % 2;
                const std::string a = v6 ? "2001:db8::1" : "10.0.0.1";
                const std::string b = v6 ? "2001:db8::2" : "10.0.0.2";
                spec.add(v6 ? tcpOverIpv6(back ? b : a, back ? a : b, s)
                            : tcpOverIpv4(back ? b : a, back ? a : b, s),
                         1000 + round, micros);
            }
    return spec;
}

/// A capture loaded the way the GUI has it: every frame's record and every flow.
CaptureStore loadStore(const QString& path)
{
    CaptureStore store;
    CaptureTracer tracer;
    if (!tracer.open(path.toStdString()))
        return store;
    loadCaptureStore(tracer, path.toStdString(), store);
    return store;
}

/// Frame `number` of an Ethernet interface, its bytes whole (as read: `bytes` must outlive it).
FrameView frameOf(uint32_t number, const Bytes& bytes)
{
    FrameView frame;
    frame.number = number;
    frame.linkType = 1;
    frame.record.capturedLength = frame.record.originalLength = uint32_t(bytes.size());
    frame.data = bytes.data();
    return frame;
}

QStringList entriesOf(const QString& dir)
{
    return QDir(dir).entryList(QDir::Files | QDir::Hidden, QDir::Name);
}

QByteArray contentOf(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

void setContent(const QString& path, const QByteArray& bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(f.write(bytes), bytes.size());
}

/// Runs flowinspector-cli; returns its exit code (-1 when it crashed) and its stderr.
std::pair<int, QByteArray> cli(const QStringList& args)
{
    QProcess p;
    p.start(cliPath(), args);
    if (!p.waitForFinished(kWorkerTimeoutMs)) {
        QTest::qFail(qPrintable("flowinspector-cli " + args.join(' ') + " did not finish"), __FILE__, __LINE__);
        return {-1, {}};
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, p.readAllStandardError()};
}

QString labelOf(const CaptureStore& store, uint32_t flow)
{
    return QString::fromStdString(store.flows[flow].label());
}

/// The labels of `flows`, comma-separated, for --flows.
QString labelList(const CaptureStore& store, const std::vector<uint32_t>& flows)
{
    QStringList labels;
    for (uint32_t f : flows)
        labels << labelOf(store, f);
    return labels.join(',');
}

/// RFC 4180: fields separated by commas, records ended by CRLF, quoted fields with doubled
/// quotes. `ok` is false for anything else (a bare line break, an open quote, no final CRLF).
QList<QStringList> parseCsv(const QByteArray& text, bool& ok)
{
    QList<QStringList> rows;
    QStringList row;
    QByteArray field;
    bool quoted = false, wasQuoted = false;
    ok = true;
    for (qsizetype i = 0; i < text.size() && ok; ++i) {
        const char c = text[i];
        const char next = i + 1 < text.size() ? text[i + 1] : '\0';
        if (quoted) {
            if (c != '"')
                field += c;
            else if (next == '"')
                field += text[++i];
            else
                quoted = false;
        } else if (c == '"') {
            ok = field.isEmpty() && !wasQuoted;
            quoted = wasQuoted = true;
        } else if (c == ',' || (c == '\r' && next == '\n')) {
            row << QString::fromUtf8(field);
            field.clear();
            wasQuoted = false;
            if (c == '\r') {
                rows << row;
                row.clear();
                ++i;
            }
        } else {
            ok = c != '\r' && c != '\n' && !wasQuoted;
            field += c;
        }
    }
    ok = ok && !quoted && row.isEmpty() && field.isEmpty();
    return rows;
}

struct PcapRecord
{
    int64_t timeNs = 0;
    uint32_t originalLength = 0;
    QByteArray data;
    friend bool operator==(const PcapRecord&, const PcapRecord&) = default;
};

struct PcapContent
{
    QString error;
    int linkType = -1;
    bool swapped = false;
    std::vector<PcapRecord> records;
};

/// A pcap file as libpcap reads it, at nanosecond resolution.
PcapContent readPcap(const QString& path)
{
    PcapContent content;
    char err[PCAP_ERRBUF_SIZE];
    pcap_t* p = pcap_open_offline_with_tstamp_precision(path.toLocal8Bit().constData(),
                                                        PCAP_TSTAMP_PRECISION_NANO, err);
    if (!p) {
        content.error = QString::fromLocal8Bit(err);
        return content;
    }
    content.linkType = pcap_datalink(p);
    content.swapped = pcap_is_swapped(p) != 0;
    pcap_pkthdr* h;
    const u_char* data;
    while (pcap_next_ex(p, &h, &data) == 1)
        content.records.push_back({int64_t(h->ts.tv_sec) * 1'000'000'000 + h->ts.tv_usec, h->len,
                                   QByteArray(reinterpret_cast<const char*>(data), h->caplen)});
    pcap_close(p);
    return content;
}

/// Test data: one row `format` (an ExportFormat) per format.
void addFormatRows(const std::vector<ExportFormat>& formats)
{
    QTest::addColumn<int>("format");
    for (ExportFormat f : formats)
        QTest::newRow(exportFormatName(f)) << int(f);
}

/// The ids of every flow of `store`.
std::vector<uint32_t> allFlows(const CaptureStore& store)
{
    std::vector<uint32_t> all(store.flows.size());
    std::iota(all.begin(), all.end(), 0u);
    return all;
}

ExportResult exportFlows(const CaptureStore& store, const std::vector<uint32_t>& flows,
                         ExportFormat format, const QString& dir)
{
    ExportOptions o;
    o.format = format;
    o.directory = dir.toStdString();
    return FlowExporter(store, flows, o).run();
}

} // namespace

class TestExport : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    /// A capture of 3 connections (6 flows, 5 frames each) as pcap or pcapng.
    QString capture(bool pcapng, const QString& name = {})
    {
        const CaptureSpec spec = conversations(3, 5);
        const QString path =
            m_dir.filePath(name.isEmpty() ? (pcapng ? "in.pcapng" : "in.pcap") : name);
        writeFile(path, pcapng ? pcapngFile(spec) : pcapFile(spec));
        return path;
    }

    /// conversations(connections, rounds) as a pcap file, loaded.
    CaptureStore loadConversations(int connections, int rounds)
    {
        const QString path = m_dir.filePath(QString("conversations-%1x%2.pcap").arg(connections).arg(rounds));
        if (!QFile::exists(path))
            writeFile(path, pcapFile(conversations(connections, rounds)));
        return loadStore(path);
    }

private slots:
    void perFlowFilesAreTheClisBytes_data()
    {
        QTest::addColumn<QString>("format");
        QTest::addColumn<QStringList>("options");
        QTest::addColumn<bool>("pcapng");
        for (bool ng : {false, true}) {
            const char* kind = ng ? "pcapng" : "pcap";
            QTest::addRow("pcap from %s", kind) << "pcap" << QStringList{} << ng;
            QTest::addRow("pcap big ns from %s", kind)
                << "pcap" << QStringList{"--byteorder", "big", "--nanosecond"} << ng;
            QTest::addRow("pcap little from %s", kind)
                << "pcap" << QStringList{"--byteorder", "little"} << ng;
            QTest::addRow("json from %s", kind) << "json" << QStringList{} << ng;
            QTest::addRow("plist from %s", kind) << "plist" << QStringList{} << ng;
            QTest::addRow("tree from %s", kind) << "tree" << QStringList{} << ng;
            QTest::addRow("payload from %s", kind) << "payload" << QStringList{} << ng;
        }
    }
    void perFlowFilesAreTheClisBytes()
    {
        QFETCH(QString, format);
        QFETCH(QStringList, options);
        QFETCH(bool, pcapng);
        const QString path = capture(pcapng);
        const CaptureStore store = loadStore(path);
        QCOMPARE(store.flows.size(), size_t(6));
        const std::vector<uint32_t> chosen = {4, 1, 2}; // any order: written in flow order

        QTemporaryDir out;
        const QString all = out.filePath("cli-all"), some = out.filePath("cli-some");
        QCOMPARE(cli(QStringList{"trace", path, "-o", all, "-f", format} + options).first, 0);
        QCOMPARE(cli(QStringList{"trace", path, "-o", some, "-f", format, "--flows",
                                 labelList(store, chosen)} +
                     options)
                     .first,
                 0);

        ExportOptions o;
        o.format = *exportFormatFromName(format.toStdString());
        o.directory = out.filePath("gui").toStdString();
        o.byteOrder = options.contains("big")      ? ByteOrder::Big
                      : options.contains("little") ? ByteOrder::Little
                                                   : ByteOrder::Host;
        o.nanosecond = options.contains("--nanosecond");
        FlowExporter exporter(store, chosen, o);
        QCOMPARE(exporter.flowIds(), (std::vector<uint32_t>{1, 2, 4}));
        const std::vector<std::string> targets = exporter.targetPaths();
        QVERIFY(exporter.existingTargets().empty());
        const ExportResult r = exporter.run();
        QVERIFY2(r.ok(), r.error.c_str());
        QCOMPARE(r.files, targets);
        QCOMPARE(r.skipped, size_t(0));

        const QString ext = QString::fromLatin1(outputExtension(perFlowFormat(o.format)));
        QStringList expected;
        for (uint32_t f : {1, 2, 4})
            expected << labelOf(store, f) + ext;
        expected.sort();
        QCOMPARE(entriesOf(out.filePath("gui")), expected);
        QCOMPARE(entriesOf(some), expected);
        qint64 bytes = 0;
        for (const QString& name : expected) {
            const QByteArray ours = contentOf(out.filePath("gui/" + name));
            QVERIFY(!ours.isEmpty());
            QVERIFY2(ours == contentOf(all + "/" + name), qPrintable(name));
            QVERIFY2(ours == contentOf(some + "/" + name), qPrintable(name));
            bytes += ours.size();
        }
        QCOMPARE(r.bytesWritten, uint64_t(bytes));
    }

    void onlyTheStoredPositionsAreRead()
    {
        // Load, then overwrite every frame that is not exported with 0xEE: the export still
        // equals the CLI's of the intact file, so nothing but the chosen frames was read.
        const QString path = capture(false, "overwritten.pcap");
        const CaptureStore store = loadStore(path);
        QTemporaryDir out;
        QCOMPARE(cli({"trace", path, "-o", out.filePath("cli"), "-f", "json"}).first, 0);
        const std::vector<uint32_t> chosen = {0, 3};
        std::set<uint32_t> kept;
        for (uint32_t f : chosen)
            for (const FlowPacket& p : store.packetsOf(f))
                kept.insert(p.frame);
        QByteArray file = contentOf(path);
        for (uint32_t n = 1; n <= store.frames.size(); ++n)
            if (!kept.count(n)) {
                const FrameRecord& r = store.frame(n);
                std::memset(file.data() + r.position, 0xEE, r.capturedLength);
            }
        setContent(path, file);

        const ExportResult r = exportFlows(store, chosen, ExportFormat::Json, out.filePath("gui"));
        QVERIFY2(r.ok(), r.error.c_str());
        QCOMPARE(r.files.size(), size_t(2));
        for (const std::string& written : r.files) {
            const QString name = QFileInfo(QString::fromStdString(written)).fileName();
            QCOMPARE(contentOf(QString::fromStdString(written)),
                     contentOf(out.filePath("cli/" + name)));
        }
    }

    void mergedPcapHoldsTheChosenFramesInCaptureOrder_data()
    {
        QTest::addColumn<int>("byteOrder");
        QTest::addColumn<bool>("nanosecond");
        QTest::addColumn<bool>("pcapng");
        for (int row = 0; row < 12; ++row) {
            const auto [order, nano, ng] = std::tuple(row % 3, row / 3 % 2 == 1, row >= 6);
            QTest::addRow("order %d %s from %s", order, nano ? "ns" : "us", ng ? "pcapng" : "pcap")
                << order << nano << ng;
        }
    }
    void mergedPcapHoldsTheChosenFramesInCaptureOrder()
    {
        QFETCH(int, byteOrder);
        QFETCH(bool, nanosecond);
        QFETCH(bool, pcapng);
        const CaptureSpec spec = conversations(3, 5);
        const QString path = capture(pcapng);
        const CaptureStore store = loadStore(path);
        const std::vector<uint32_t> chosen = {5, 0, 3};
        std::set<uint32_t> frames;
        for (uint32_t f : chosen)
            for (const FlowPacket& p : store.packetsOf(f))
                frames.insert(p.frame);
        QCOMPARE(frames.size(), size_t(15));

        QTemporaryDir out;
        ExportOptions o;
        o.format = ExportFormat::MergedPcap;
        o.directory = out.path().toStdString();
        o.byteOrder = ByteOrder(byteOrder);
        o.nanosecond = nanosecond;
        const ExportResult r = FlowExporter(store, chosen, o).run();
        QVERIFY2(r.ok(), r.error.c_str());
        const QString merged = out.filePath("in-flows.pcap"); // in.pcap or in.pcapng
        QCOMPARE(r.files, std::vector<std::string>{merged.toStdString()});
        QCOMPARE(entriesOf(out.path()), QStringList{"in-flows.pcap"});
        QCOMPARE(r.bytesWritten, uint64_t(QFileInfo(merged).size()));

        const PcapContent read = readPcap(merged);
        QVERIFY2(read.error.isEmpty(), qPrintable(read.error));
        QCOMPARE(read.linkType, store.layout.interfaces.at(0).linkType);
        const bool swapped =
            o.byteOrder != ByteOrder::Host &&
            (o.byteOrder == ByteOrder::Big) != (QSysInfo::ByteOrder == QSysInfo::BigEndian);
        QCOMPARE(read.swapped, swapped);
        QCOMPARE(read.records.size(), frames.size());
        auto record = read.records.begin();
        for (uint32_t n : frames) { // capture order; microsecond source: exact either way
            const TestFrame& f = spec.frames[n - 1];
            const PcapRecord want{f.seconds * 1'000'000'000 + f.fraction * 1000,
                                  uint32_t(f.bytes.size()),
                                  QByteArray(reinterpret_cast<const char*>(f.bytes.data()),
                                             qsizetype(f.bytes.size()))};
            QVERIFY2(*record++ == want, qPrintable(QString("frame %1").arg(n)));
        }

        // the CLI writes the same file
        QStringList args = {"trace", path,          "-o",      out.filePath("cli"),
                            "-f",    "merged-pcap", "--flows", labelList(store, chosen)};
        if (o.byteOrder != ByteOrder::Host)
            args << "--byteorder" << (o.byteOrder == ByteOrder::Big ? "big" : "little");
        if (nanosecond)
            args << "--nanosecond";
        QCOMPARE(cli(args).first, 0);
        QCOMPARE(contentOf(out.filePath("cli/in-flows.pcap")), contentOf(merged));
    }

    void csvParsesAndHoldsTheFlowTable()
    {
        const QString path = capture(false);
        const CaptureStore store = loadStore(path);
        QTemporaryDir out;
        const std::vector<uint32_t> chosen = {2, 5, 0};
        const ExportResult r = exportFlows(store, chosen, ExportFormat::Csv, out.path());
        QVERIFY2(r.ok(), r.error.c_str());
        QCOMPARE(entriesOf(out.path()), QStringList{"in-flows.csv"});
        const QByteArray text = contentOf(out.filePath("in-flows.csv"));
        QCOMPARE(r.bytesWritten, uint64_t(text.size()));
        bool ok = false;
        const QList<QStringList> rows = parseCsv(text, ok);
        QVERIFY(ok);
        QCOMPARE(rows.size(), 4);
        QCOMPARE(rows[0],
                 (QStringList{"Label", "Source", "Src port", "Destination", "Dst port", "Packets",
                              "Bytes", "Start", "Duration", "SYN", "FIN", "RST", "State", "Retrans",
                              "Retrans bytes", "Out of order", "Lost", "Dup ACKs", "Zero win",
                              "Handshake RTT", "RTT min", "RTT mean", "RTT max", "Max in flight",
                              "Throughput", "Conn state", "History"}));
        int row = 1;
        for (uint32_t id : {0, 2, 5}) {
            const FlowRecord& f = store.flows[id];
            const QStringList& fields = rows[row++];
            QCOMPARE(fields.size(), 27);
            QCOMPARE(fields[0], QString::fromStdString(f.label()));
            QCOMPARE(fields[1], QString::fromStdString(f.id.src.toString()));
            QCOMPARE(fields[2].toInt(), int(f.id.srcport));
            QCOMPARE(fields[3], QString::fromStdString(f.id.dst.toString()));
            QCOMPARE(fields[4].toInt(), int(f.id.dstport));
            QCOMPARE(fields[5].toUInt(), f.stats.packets);
            QCOMPARE(fields[6].toULongLong(), qulonglong(f.stats.bytes));
            QCOMPARE(fields[7],
                     QString::number(double(f.stats.firstNs - store.startNs()) / 1e9, 'f', 6));
            QCOMPARE(fields[8],
                     QString::number(double(f.stats.lastNs - f.stats.firstNs) / 1e9, 'f', 6));
            QCOMPARE(fields[9].toUInt(), f.stats.syn);
            QCOMPARE(fields[10].toUInt(), f.stats.fin);
            QCOMPARE(fields[11].toUInt(), f.stats.rst);
            QCOMPARE(fields[12], f.stats.closedByFin ? "closed by FIN" : "open at end");
            QCOMPARE(fields[13].toUInt(), f.analysis.retransmissions);
            QCOMPARE(fields[20], f.analysis.rttSamples ? QString::number(double(f.analysis.rttMinNs) / 1e9, 'f', 6) : QString());
            QCOMPARE(fields[23].toUInt(), f.analysis.maxBytesInFlight);
            QCOMPARE(fields[25], zeekConnStateName(f.connection.state));
            QCOMPARE(fields[26], QString::fromStdString(f.connection.history));
            QVERIFY(!fields[26].isEmpty());
        }

        // the CLI writes the same table for the same flows
        QCOMPARE(cli({"trace", path, "-o", out.filePath("cli"), "-f", "csv", "--flows",
                      labelList(store, chosen)})
                     .first,
                 0);
        QCOMPARE(contentOf(out.filePath("cli/in-flows.csv")), text);
    }

    void csvQuotesWhatNeedsQuoting()
    {
        CaptureStore store;
        store.path = "/nowhere/odd.pcap";
        FlowRecord& f = store.flows.emplace_back();
        // (a label has none of these; a text field the exporter is given may)
        f.connection.history = "comma, \"quote\"\r\nand break";
        f.stats.packets = 1;
        bool ok = false;
        const QList<QStringList> rows =
            parseCsv(QByteArray::fromStdString(FlowExporter(store, {0}, {}).csvText()), ok);
        QVERIFY(ok);
        QCOMPARE(rows.size(), 2);
        QCOMPARE(rows[1][0], QString::fromStdString(f.label()));
        QCOMPARE(rows[1][fi::FlowColumns::History], QString::fromStdString(f.connection.history));
        QCOMPARE(rows[1][12], "open at end");
    }

    void cancelMidExportLeavesNothing_data()
    {
        addFormatRows(
            {ExportFormat::Pcap, ExportFormat::Json, ExportFormat::Tree, ExportFormat::MergedPcap});
    }
    void cancelMidExportLeavesNothing()
    {
        QFETCH(int, format);
        // 40 connections of 3 packets: flows are finished (closed) long before the cancel
        const CaptureStore store = loadConversations(40, 3);
        const std::vector<uint32_t> all = allFlows(store);
        QTemporaryDir out;
        ExportOptions o;
        o.format = ExportFormat(format);
        o.directory = out.path().toStdString();
        o.maxOpenFiles = 4;
        FlowExporter exporter(store, all, o);
        std::atomic<bool> cancel{false};
        uint64_t last = 0;
        exporter.setCancelFlag(&cancel);
        exporter.setProgressHook(
            [&](uint64_t done, uint64_t total) {
                QCOMPARE(total, uint64_t(240));
                last = done;
                if (done == 200)
                    cancel = true;
            },
            1);
        const ExportResult r = exporter.run();
        QCOMPARE(r.end, ExportResult::End::Cancelled);
        QCOMPARE(last, uint64_t(200));
        QVERIFY(r.files.empty());
        QCOMPARE(entriesOf(out.path()), QStringList{});
    }

    void unwritableDirectoryLeavesNothing_data() { addFormatRows(exportFormats()); }
    void unwritableDirectoryLeavesNothing()
    {
        QFETCH(int, format);
        const CaptureStore store = loadStore(capture(false));
        QTemporaryDir dir;
        const QString out = fi::test::unwritableDirectory(dir.path());
        const QStringList before = entriesOf(out);
        const ExportResult r = exportFlows(store, {0, 1}, ExportFormat(format), out);
        QCOMPARE(r.end, ExportResult::End::Failed);
        QVERIFY2(QString::fromStdString(r.error).contains(out), r.error.c_str());
        QVERIFY2(QString::fromStdString(r.error).contains("not writable"), r.error.c_str());
        QVERIFY(r.files.empty());
        QCOMPARE(entriesOf(out), before);
        QCOMPARE(store.flows.size(), size_t(6)); // the loaded capture is as it was
    }

    void overwriteOrSkipExistingFiles()
    {
        const CaptureStore store = loadStore(capture(false));
        QTemporaryDir out;
        const std::vector<uint32_t> chosen = {0, 1, 2};
        ExportResult first = exportFlows(store, chosen, ExportFormat::Pcap, out.path());
        QVERIFY(first.ok());
        const QString mine = QString::fromStdString(first.files[1]);
        const QByteArray original = contentOf(mine);
        setContent(mine, "mine");
        QVERIFY(QFile::remove(QString::fromStdString(first.files[2])));

        ExportOptions o;
        o.format = ExportFormat::Pcap;
        o.directory = out.path().toStdString();
        FlowExporter skipping(store, chosen, o);
        QCOMPARE(skipping.existingTargets(),
                 (std::vector<std::string>{first.files[0], first.files[1]}));
        skipping.setOverwritePolicy(OverwritePolicy::SkipExisting);
        const ExportResult skipped = skipping.run();
        QVERIFY(skipped.ok());
        QCOMPARE(skipped.skipped, size_t(2));
        QCOMPARE(skipped.files, std::vector<std::string>{first.files[2]});
        QCOMPARE(contentOf(mine), QByteArray("mine"));
        QCOMPARE(entriesOf(out.path()).size(), 3);

        const ExportResult overwritten = FlowExporter(store, chosen, o).run();
        QVERIFY(overwritten.ok());
        QCOMPARE(overwritten.files.size(), size_t(3));
        QCOMPARE(contentOf(mine), original);
        QCOMPARE(entriesOf(out.path()).size(), 3);

        // a single-file format is skipped as a whole
        ExportOptions csv = o;
        csv.format = ExportFormat::Csv;
        csv.overwrite = OverwritePolicy::SkipExisting;
        setContent(out.filePath("in-flows.csv"), "mine");
        const ExportResult table = FlowExporter(store, chosen, csv).run();
        QVERIFY(table.ok());
        QCOMPARE(table.skipped, size_t(1));
        QVERIFY(table.files.empty());
        QCOMPARE(contentOf(out.filePath("in-flows.csv")), QByteArray("mine"));
    }

    void existingFilesSurviveAFailedExport_data()
    {
        addFormatRows({ExportFormat::Pcap, ExportFormat::Plist, ExportFormat::MergedPcap});
    }
    void existingFilesSurviveAFailedExport()
    {
        QFETCH(int, format);
        const QString path = capture(false, "shrinks.pcap");
        const CaptureStore store = loadStore(path);
        QTemporaryDir out;
        const std::vector<uint32_t> chosen = {0, 1, 2, 3};
        ExportOptions o;
        o.format = ExportFormat(format);
        o.directory = out.path().toStdString();
        FlowExporter exporter(store, chosen, o);
        for (const std::string& target : exporter.targetPaths())
            setContent(QString::fromStdString(target), "mine");
        const QStringList before = entriesOf(out.path());
        // the capture loses its end after it was loaded, from flow 3's last frame on: the export
        // fails late, after the files of flows 0 to 2 were completed
        QByteArray file = contentOf(path);
        file.truncate(qsizetype(store.frame(store.lastPacketOf(3)->frame).position));
        setContent(path, file);

        const ExportResult r = exporter.run();
        QCOMPARE(r.end, ExportResult::End::Failed);
        QVERIFY2(QString::fromStdString(r.error).startsWith(path + ": frame "), r.error.c_str());
        QCOMPARE(entriesOf(out.path()), before);
        for (const QString& name : before)
            QCOMPARE(contentOf(out.filePath(name)), QByteArray("mine"));
    }

    void fullDiskNamesTheFileAndLeavesNothing()
    {
        // A file size limit fails writes as a full disk does (EFBIG instead of ENOSPC).
        const CaptureStore store = loadStore(capture(false));
        QTemporaryDir out;
        rlimit old{};
        QCOMPARE(::getrlimit(RLIMIT_FSIZE, &old), 0);
        auto previous = std::signal(SIGXFSZ, SIG_IGN);
        rlimit small = old;
        small.rlim_cur = 1500;
        QCOMPARE(::setrlimit(RLIMIT_FSIZE, &small), 0);
        const ExportResult r =
            exportFlows(store, {0, 1, 2, 3, 4, 5}, ExportFormat::MergedPcap, out.path());
        ::setrlimit(RLIMIT_FSIZE, &old);
        std::signal(SIGXFSZ, previous);
        QCOMPARE(r.end, ExportResult::End::Failed);
        QVERIFY2(QString::fromStdString(r.error).startsWith(out.filePath("in-flows.pcap") + ": "),
                 r.error.c_str());
        QVERIFY2(r.error.find(std::strerror(EFBIG)) != std::string::npos, r.error.c_str());
        QCOMPARE(entriesOf(out.path()), QStringList{});
    }

    /// The disk fills during an export (a small tmpfs, its space nearly taken: a real full
    /// disk, whose last write is cut short): the export fails naming the file and the cause,
    /// leaves no file of its own, and the files that were there (some of which it was to
    /// replace) are as they were.
    void fullDiskOnARealFileSystem_data()
    {
        QTest::addColumn<int>("format");
        QTest::addColumn<bool>("newDirectory"); // the export makes its directory on that disk
        for (ExportFormat f : exportFormats())
            for (bool made : {false, true})
                QTest::addRow("%s, %s directory", exportFormatName(f), made ? "new" : "existing") << int(f) << made;
    }
    void fullDiskOnARealFileSystem()
    {
        QFETCH(int, format);
        QFETCH(bool, newDirectory);
        // 120 flows of 3 frames; each file (a page at least) or the whole (merged pcap, CSV:
        // 24 KB and more) takes more than the 16 KiB left
        const CaptureStore store = loadConversations(60, 3);
        const std::vector<uint32_t> all = allFlows(store);
        QCOMPARE(all.size(), size_t(120));
        QTemporaryDir mountPoint;
        SmallDisk disk(mountPoint.path(), 512 * 1024);
        if (!disk.isMounted())
            QSKIP(qPrintable("no small file system to fill: " + disk.whyNot()));
        const QString out = newDirectory ? mountPoint.filePath("new") : mountPoint.path();
        ExportOptions o;
        o.format = ExportFormat(format);
        o.directory = out.toStdString();
        FlowExporter exporter(store, all, o);
        const std::vector<std::string> targets = exporter.targetPaths();
        if (!newDirectory) // the user's files: the first and last to be replaced, and another
            for (const QString& mine : {QString::fromStdString(targets.front()), QString::fromStdString(targets.back()),
                                        mountPoint.filePath("notes.txt")})
                setContent(mine, "mine");
        QVERIFY(disk.fillLeaving(16 * 1024));
        const QStringList before = entriesOf(mountPoint.path());

        const ExportResult r = exporter.run();
        QCOMPARE(r.end, ExportResult::End::Failed);
        const QString error = QString::fromStdString(r.error);
        bool namesATarget = false;
        for (const std::string& target : targets)
            namesATarget = namesATarget || error.startsWith(QString::fromStdString(target) + ": ");
        QVERIFY2(namesATarget, qPrintable(error));
        QVERIFY2(error.endsWith(QString::fromLocal8Bit(std::strerror(ENOSPC))), qPrintable(error));
        QVERIFY(r.files.empty());
        QCOMPARE(QDir(mountPoint.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot),
                 before);
        if (!newDirectory)
            for (const QString& name : before)
                if (name != ".filler")
                    QCOMPARE(contentOf(mountPoint.filePath(name)), QByteArray("mine"));
    }

    /// The export directory is removed (or removed and made again) while the export runs,
    /// after some flows' files were written: the export fails saying what is gone, and leaves
    /// nothing (in a directory made again neither).
    void directoryRemovedMidExport_data()
    {
        QTest::addColumn<int>("format");
        QTest::addColumn<QString>("what");
        for (ExportFormat f : {ExportFormat::Pcap, ExportFormat::Json, ExportFormat::Payload, ExportFormat::MergedPcap})
            for (const char* what : {"removed", "removed and made again", "its parent removed"})
                QTest::addRow("%s, %s", exportFormatName(f), what) << int(f) << QString(what);
    }
    void directoryRemovedMidExport()
    {
        QFETCH(int, format);
        QFETCH(QString, what);
        const CaptureStore store = loadConversations(40, 3); // 240 flow frames; flows end from frame 160 on
        const std::vector<uint32_t> all = allFlows(store);
        QTemporaryDir top;
        const bool parent = what == "its parent removed";
        const QString removed = parent ? top.filePath("parent") : top.filePath("out");
        const QString out = parent ? removed + "/out" : removed;
        QVERIFY(QDir().mkpath(parent ? removed : out));
        ExportOptions o;
        o.format = ExportFormat(format);
        o.directory = out.toStdString();
        FlowExporter exporter(store, all, o);
        bool removedIt = false;
        exporter.setProgressHook(
            [&](uint64_t done, uint64_t) {
                if (done != 200 || removedIt) // 20 connections' files written
                    return;
                removedIt = QDir(removed).removeRecursively();
                if (what == "removed and made again")
                    QDir().mkdir(removed);
            },
            1);
        const ExportResult r = exporter.run();
        QVERIFY(removedIt);
        if (ExportFormat(format) == ExportFormat::MergedPcap && what == "removed and made again") {
            // its one file waits in memory to its end: written whole into the new directory
            QVERIFY2(r.ok(), r.error.c_str());
            QCOMPARE(entriesOf(out), QStringList{"conversations-40x3-flows.pcap"});
            QCOMPARE(readPcap(out + "/conversations-40x3-flows.pcap").records.size(), size_t(240));
            return;
        }
        QCOMPARE(r.end, ExportResult::End::Failed);
        QVERIFY(r.files.empty());
        const QString error = QString::fromStdString(r.error);
        QVERIFY2(error.startsWith(out + "/"), qPrintable(error));
        if (what == "removed and made again") {
            // the files written before are gone with the directory: those still to come would
            // be written, but the export is not whole
            QVERIFY2(error.contains(") is gone"), qPrintable(error));
            QCOMPARE(QDir(removed).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot), QStringList{});
        } else {
            QVERIFY2(error.endsWith(": the directory it was being written in (" + out + ") no longer exists"),
                     qPrintable(error));
            QVERIFY(!QFileInfo::exists(removed));
        }
        QCOMPARE(QDir(top.path()).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot),
                 what == "removed and made again" ? QStringList{"out"} : QStringList{});
    }

    void tooLongNameNamesTheFile()
    {
        const CaptureStore store = loadStore(capture(false));
        QTemporaryDir out;
        ExportOptions o;
        o.format = ExportFormat::Csv;
        o.directory = out.path().toStdString();
        o.baseName = std::string(300, 'n');
        const ExportResult r = FlowExporter(store, {0}, o).run();
        QCOMPARE(r.end, ExportResult::End::Failed);
        QVERIFY2(r.error.find(o.baseName + "-flows.csv: ") != std::string::npos, r.error.c_str());
        QVERIFY2(r.error.find(std::strerror(ENAMETOOLONG)) != std::string::npos, r.error.c_str());
        QCOMPARE(entriesOf(out.path()), QStringList{});
    }

    void poolRenamesOnlyOnCommit()
    {
        QTemporaryDir out;
        OutputOptions o;
        o.format = OutputFormat::Pcap;
        o.directory = out.path().toStdString();
        const Bytes bytes = tcpOverIpv4("10.0.0.1", "10.0.0.2", TcpSpec{});
        const FrameView frame = frameOf(1, bytes);
        const QString final = out.filePath("a.pcap"), temp = out.filePath(".a.pcap.part");
        {
            FlowWriterPool pool(o);
            QCOMPARE(pool.reserve(0, "a"), final.toStdString());
            QVERIFY(pool.write(0, frame));
            QVERIFY(pool.finish(0));
            QCOMPARE(pool.openFileCount(), size_t(0));
            QCOMPARE(entriesOf(out.path()), QStringList{".a.pcap.part"});
            QVERIFY(pool.commit());
            QCOMPARE(pool.filesWritten(), size_t(1));
            QCOMPARE(entriesOf(out.path()), QStringList{"a.pcap"});
        }
        QCOMPARE(entriesOf(out.path()), QStringList{"a.pcap"}); // committed files stay
        setContent(final, "mine");
        {
            FlowWriterPool pool(o);
            pool.reserve(0, "a");
            QVERIFY(pool.write(0, frame));
            QVERIFY(pool.finish(0));
            pool.abort();
            QCOMPARE(entriesOf(out.path()), QStringList{"a.pcap"});
            QCOMPARE(contentOf(final), QByteArray("mine"));
        }
        {
            FlowWriterPool pool(o);
            pool.reserve(0, "a");
            QVERIFY(pool.write(0, frame));
        } // never committed: removed
        QCOMPARE(entriesOf(out.path()), QStringList{"a.pcap"});
        QCOMPARE(contentOf(final), QByteArray("mine"));
        QVERIFY(!QFile::exists(temp));
    }

    /// Flows written round-robin, a frame at a time, through a pool that may hold `budget`
    /// bytes and two open files: no final name before commit(), no file left open between
    /// calls, memory within the budget, and every file exactly its flow's pcap.
    void poolKeepsItsBudgetAndWritesWholeFiles_data()
    {
        QTest::addColumn<qulonglong>("budget");
        for (qulonglong budget : {0ull, 100ull, 5000ull, 40000ull, 1ull << 20})
            QTest::addRow("budget %llu", budget) << budget;
    }
    void poolKeepsItsBudgetAndWritesWholeFiles()
    {
        QFETCH(qulonglong, budget);
        QTemporaryDir out;
        OutputOptions o;
        o.format = OutputFormat::Pcap;
        o.directory = out.path().toStdString();
        o.maxOpenFiles = 2;
        o.memoryBudget = size_t(budget);
        const int flows = 30, frames = 20;
        std::vector<QByteArray> expected(flows);
        for (QByteArray& file : expected) { // global header: host order, microseconds, Ethernet
            const uint32_t header[] = {0xA1B2C3D4, 0x00040002, 0, 0, 262144, 1};
            file = QByteArray(reinterpret_cast<const char*>(header), sizeof header);
        }
        FlowWriterPool pool(o);
        for (int flow = 0; flow < flows; ++flow)
            pool.reserve(uint32_t(flow), "flow" + std::to_string(flow));
        uint32_t number = 0;
        for (int round = 0; round < frames; ++round)
            for (int flow = 0; flow < flows; ++flow) {
                if (round >= 5 + flow / 2) // flows end one after another
                    continue;
                TcpSpec spec;
                spec.srcPort = uint16_t(1000 + flow);
                spec.seq = uint32_t(round);
                spec.payload = size_t(flow * 41 + round * 7) % 1300;
                const Bytes bytes = tcpOverIpv4("10.0.0.1", "10.0.0.2", spec);
                FrameView frame = frameOf(++number, bytes);
                frame.record.timeNs = int64_t(1000 + round) * 1'000'000'000 + flow * 1000;
                QVERIFY2(pool.write(uint32_t(flow), frame), pool.errorString().c_str());
                const uint32_t record[] = {uint32_t(1000 + round), uint32_t(flow),
                                           uint32_t(bytes.size()), uint32_t(bytes.size())};
                expected[size_t(flow)] += QByteArray(reinterpret_cast<const char*>(record), 16);
                expected[size_t(flow)] += QByteArray(reinterpret_cast<const char*>(bytes.data()),
                                                     qsizetype(bytes.size()));
                if (round + 1 == 5 + flow / 2)
                    QVERIFY(pool.finish(uint32_t(flow)));
                QCOMPARE(pool.openFileCount(), size_t(0));
            }
        for (const QString& name : entriesOf(out.path()))
            QVERIFY2(name.startsWith('.') && name.endsWith(".part"), qPrintable(name));
        QVERIFY2(pool.peakBufferedBytes() <= budget + budget / 4 + 8192,
                 qPrintable(QString::number(pool.peakBufferedBytes())));
        QVERIFY(pool.commit());
        QCOMPARE(pool.filesWritten(), size_t(flows));
        QCOMPARE(entriesOf(out.path()).size(), flows);
        qint64 bytes = 0;
        for (int flow = 0; flow < flows; ++flow) {
            const QString path = out.filePath(QStringLiteral("flow%1.pcap").arg(flow));
            QVERIFY2(contentOf(path) == expected[size_t(flow)], qPrintable(path));
            bytes += expected[size_t(flow)].size();
        }
        QCOMPARE(pool.bytesWritten(), uint64_t(bytes));
    }

    /// A commit that fails puts the files it replaced back; when one cannot be put back (here a
    /// directory came to stand at its name meanwhile, as another program could make one), the
    /// error says where the user's file is, and nothing removes it.
    void commitReportsAFileItCannotPutBack()
    {
        QTemporaryDir out;
        OutputOptions o;
        o.format = OutputFormat::Pcap;
        o.directory = out.path().toStdString();
        const Bytes bytes = tcpOverIpv4("10.0.0.1", "10.0.0.2", TcpSpec{});
        const FrameView frame = frameOf(1, bytes);
        const QString a = out.filePath("a.pcap"), backup = out.filePath(".a.pcap.replaced");
        setContent(a, "mine");
        QVERIFY(QDir().mkpath(out.filePath("b.pcap/inside"))); // b's file cannot take its name
        FlowWriterPool pool(o);
        pool.reserve(0, "a");
        pool.reserve(1, "b");
        QVERIFY(pool.write(0, frame));
        QVERIFY(pool.write(1, frame));
        QStringList renames;
        pool.setRenameHook([&](const std::string& from, const std::string& to) {
            renames << QFileInfo(QString::fromStdString(from)).fileName() + " > " +
                           QFileInfo(QString::fromStdString(to)).fileName();
            if (QString::fromStdString(from) == backup) // putting a's file back
                QDir().mkpath(a + "/made meanwhile");
        });
        QVERIFY(!pool.commit());
        QCOMPARE(renames, (QStringList{".a.pcap.part > a.pcap", "a.pcap > .a.pcap.replaced",
                                       ".a.pcap.part > a.pcap", ".b.pcap.part > b.pcap",
                                       "a.pcap > .a.pcap.part", ".a.pcap.replaced > a.pcap"}));
        const QString error = QString::fromStdString(pool.errorString());
        QVERIFY2(error.startsWith(out.filePath("b.pcap") +
                                  ": a directory of that name is in the way; "),
                 qPrintable(error));
        QVERIFY2(error.contains(a + ": the file that was there is left as " + backup + ": "),
                 qPrintable(error));
        QCOMPARE(pool.filesWritten(), size_t(0));
        pool.abort();
        QCOMPARE(contentOf(backup), QByteArray("mine"));
        QCOMPARE(entriesOf(out.path()), QStringList{".a.pcap.replaced"});
    }

    /// A hidden `.NAME.replaced` already there (a file left by an earlier failure) is never
    /// overwritten: the commit fails, naming it, and every file stays as it was.
    void commitNeverOverwritesAnEarlierBackup()
    {
        QTemporaryDir out;
        OutputOptions o;
        o.format = OutputFormat::Pcap;
        o.directory = out.path().toStdString();
        const Bytes bytes = tcpOverIpv4("10.0.0.1", "10.0.0.2", TcpSpec{});
        const FrameView frame = frameOf(1, bytes);
        setContent(out.filePath("a.pcap"), "mine");
        setContent(out.filePath(".a.pcap.replaced"), "mine before");
        FlowWriterPool pool(o);
        pool.reserve(0, "0");
        pool.reserve(1, "a");
        QVERIFY(pool.write(0, frame));
        QVERIFY(pool.write(1, frame));
        QVERIFY(!pool.commit());
        QCOMPARE(QString::fromStdString(pool.errorString()),
                 out.filePath("a.pcap") + ": cannot replace the existing file: " +
                     out.filePath(".a.pcap.replaced") + " is in the way");
        pool.abort();
        QCOMPARE(entriesOf(out.path()), (QStringList{".a.pcap.replaced", "a.pcap"}));
        QCOMPARE(contentOf(out.filePath("a.pcap")), QByteArray("mine"));
        QCOMPARE(contentOf(out.filePath(".a.pcap.replaced")), QByteArray("mine before"));
    }

    void cliRejectsUnknownLabels_data()
    {
        QTest::addColumn<QString>("format");
        for (const char* f : {"pcap", "json", "merged-pcap", "csv"})
            QTest::newRow(f) << f;
    }
    void cliRejectsUnknownLabels()
    {
        QFETCH(QString, format);
        const QString path = capture(false);
        const CaptureStore store = loadStore(path);
        QTemporaryDir out;
        const auto [code, err] = cli({"trace", path, "-o", out.path(), "-f", format, "--flows",
                                      labelOf(store, 0) + ",10.9.9.9_1-10.9.9.8_2-1.0"});
        QCOMPARE(code, 1);
        QVERIFY2(err.startsWith("flowinspector-cli: "), err.constData());
        QVERIFY2(err.contains("'10.9.9.9_1-10.9.9.8_2-1.0'"), err.constData());
        QCOMPARE(err.count('\n'), 1);
        QCOMPARE(entriesOf(out.path()), QStringList{});
    }

    void cliUsage()
    {
        for (const QStringList& args :
             {QStringList{"index", "x.pcap", "--flows", "a"},
              QStringList{"trace", "x.pcap", "-o", "d", "-f", "pcap", "--flows", "a,,b"},
              QStringList{"trace", "x.pcap", "-o", "d", "-f", "pcap", "--flows", ""},
              QStringList{"trace", "x.pcap", "-o", "d", "-f", "pcapng"}}) {
            const auto [code, err] = cli(args);
            QCOMPARE(code, 2);
            QVERIFY2(err.startsWith("flowinspector-cli: "), err.constData());
        }
        QProcess help;
        help.start(cliPath(), {"--help"});
        QVERIFY2(help.waitForFinished(kWorkerTimeoutMs), "flowinspector-cli --help did not finish");
        const QByteArray text = help.readAllStandardOutput();
        for (const char* word : {"merged-pcap", "csv", "--flows", "-flows.pcap", "-flows.csv"})
            QVERIFY2(text.contains(word), word);
    }
};

QTEST_GUILESS_MAIN(TestExport)
#include "tst_export.moc"
