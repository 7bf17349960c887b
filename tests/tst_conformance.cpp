// Conformance: the flow index of the spec's example and of every capture in ../shared/corpus
// equals its reference, except the deliberate differences in conformance/known-differences.txt.

#include "CaptureBuilder.h"
#include "Compressor.h"
#include "KnownDifferences.h"
#include "TestPaths.h"

#include "CaptureReader.h"
#include "CaptureTracer.h"
#include "TraceFlow.h"

#include <QDirIterator>
#include <QTemporaryDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QTest>

#include <algorithm>

using namespace fi;

namespace {

struct FlowEntry
{
    QString label;
    QList<uint> frames;
    bool operator==(const FlowEntry&) const = default;
};

using FlowList = QList<FlowEntry>;

FlowList readExpected(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    FlowList out;
    const QJsonArray flows = QJsonDocument::fromJson(file.readAll()).object()["flows"].toArray();
    for (const QJsonValue& f : flows) {
        FlowEntry e{f["label"].toString(), {}};
        for (const QJsonValue& n : f["frames"].toArray())
            e.frames.append(uint(n.toInt()));
        out.append(e);
    }
    return out;
}

/// Our index of a capture (one file, or a set of files) sorted by first frame; `opened` says
/// whether it could be opened.
FlowList traceFiles(const std::vector<std::string>& paths, bool* opened = nullptr, QString* error = nullptr)
{
    CaptureTracer tracer;
    const bool ok = tracer.open(paths);
    if (opened)
        *opened = ok;
    if (!ok) {
        if (error)
            *error = QString::fromStdString(tracer.errorString());
        return {};
    }
    TraceFlow trace;
    tracer.run(trace);
    std::vector<const Index*> flows = trace.index();
    std::stable_sort(flows.begin(), flows.end(), [](const Index* a, const Index* b) {
        return a->index.front() < b->index.front();
    });
    FlowList out;
    for (const Index* f : flows) {
        FlowEntry e{QString::fromStdString(f->label), {}};
        for (uint32_t n : f->index)
            e.frames.append(n);
        out.append(e);
    }
    return out;
}

FlowList traceFile(const QString& path, bool* opened = nullptr, QString* error = nullptr)
{
    return traceFiles({path.toStdString()}, opened, error);
}

QString describeDifference(const FlowList& expected, const FlowList& actual)
{
    QString text = QStringLiteral("expected %1 flows, got %2").arg(expected.size()).arg(actual.size());
    for (qsizetype i = 0; i < std::max(expected.size(), actual.size()); ++i) {
        const QString e = i < expected.size() ? expected[i].label : QStringLiteral("(none)");
        const QString a = i < actual.size() ? actual[i].label : QStringLiteral("(none)");
        if (i >= expected.size() || i >= actual.size() || !(expected[i] == actual[i]))
            return text + QStringLiteral("; first difference at flow %1: expected %2, got %3")
                              .arg(i)
                              .arg(e, a);
    }
    return text;
}

} // namespace

class TestConformance : public QObject
{
    Q_OBJECT
    int m_capturesSplit = 0;

private slots:
    void specExample()
    {
        FI_REQUIRE_SHARED();
        const QString dir = fi::test::sharedDir() + QStringLiteral("/spec/examples/");
        const FlowList expected = readExpected(dir + QStringLiteral("in.index.json"));
        QVERIFY(!expected.isEmpty());
        const FlowList actual = traceFile(dir + QStringLiteral("in.pcap"));
        QVERIFY2(actual == expected, qPrintable(describeDifference(expected, actual)));
    }

    /// The bundled demo capture against the index the tshark oracle gave for it (shipped, so
    /// this runs without ../shared).
    void demoCapture()
    {
        const QString root = fi::test::sourceDir();
        const FlowList expected = readExpected(root + QStringLiteral("/tests/conformance/demo.index.json"));
        QVERIFY(expected.size() > 20);
        const FlowList actual = traceFile(root + QStringLiteral("/resources/demo/demo.pcapng"));
        QVERIFY2(actual == expected, qPrintable(describeDifference(expected, actual)));
    }

    /// Captures shipped with the tests (conformance/merged: `mergecap` of corpus captures of
    /// different link types) against the index the tshark oracle gave for each.
    void shippedCaptures_data()
    {
        QTest::addColumn<QString>("capture");
        const QDir dir(fi::test::sourceDir() + QStringLiteral("/tests/conformance/merged"));
        const QStringList names = dir.entryList({QStringLiteral("*.pcapng"), QStringLiteral("*.pcap")}, QDir::Files);
        for (const QString& name : names)
            QTest::newRow(qPrintable(name)) << dir.filePath(name);
    }
    void shippedCaptures()
    {
        QFETCH(QString, capture);
        const QString base = capture.left(capture.lastIndexOf('.'));
        const FlowList expected = readExpected(base + QStringLiteral(".index.json"));
        QVERIFY(!expected.isEmpty());
        const FlowList actual = traceFile(capture);
        QVERIFY2(actual == expected, qPrintable(describeDifference(expected, actual)));
    }

    void knownDifferencesListIsWellFormed()
    {
        const auto known = fi::test::knownDifferences("known-differences.txt", 1);
        QVERIFY(!known.isEmpty());
        for (auto it = known.begin(); it != known.end(); ++it)
            QVERIFY2(!it.value().isEmpty(), qPrintable(it.key() + " has no reason"));
    }

    void corpus_data()
    {
        QTest::addColumn<QString>("capture");
        QTest::addColumn<QString>("expected");
        const QString shared = fi::test::sharedDir();
        if (shared.isEmpty())
            return;
        const QString root = shared + QStringLiteral("/corpus/");
        QStringList names;
        QDirIterator it(root + QStringLiteral("expected"), {QStringLiteral("*.json")}, QDir::Files,
                        QDirIterator::Subdirectories);
        while (it.hasNext())
            names << it.next();
        names.sort();
        const qsizetype prefix = (root + QStringLiteral("expected/")).size();
        for (const QString& json : names) {
            const QString relative = json.mid(prefix).chopped(5); // SOURCE/NAME
            QTest::newRow(qPrintable(relative)) << root + relative << json;
        }
    }
    void corpus()
    {
        FI_REQUIRE_SHARED();
        QFETCH(QString, capture);
        QFETCH(QString, expected);
        static const QMap<QString, QString> known = fi::test::knownDifferences("known-differences.txt", 1);
        const QString relative = QString::fromLatin1(QTest::currentDataTag());

        const FlowList reference = readExpected(expected);
        bool opened = false;
        QString error;
        const FlowList actual = traceFile(capture, &opened, &error);
        if (!opened) // a file libpcap cannot open must say why, and holds no flows for us
            QVERIFY2(!error.isEmpty(), "no error message for a capture that does not open");

        if (known.contains(relative)) {
            QVERIFY2(!(actual == reference),
                     qPrintable(relative + " now matches its reference: remove it from "
                                           "tests/conformance/known-differences.txt"));
            return;
        }
        QVERIFY2(actual == reference, qPrintable(describeDifference(reference, actual)));
    }

    /// Every corpus capture (of one link type) split frame by frame into two files and opened
    /// as a capture set gives the index of the same frames merged into one file in time order
    /// (the earlier file's frame first when times are equal).
    void corpusAsCaptureSet_data() { corpus_data(); }
    void corpusAsCaptureSet()
    {
        FI_REQUIRE_SHARED();
        QFETCH(QString, capture);
        CaptureReader reader;
        if (!reader.open(capture.toStdString()))
            return; // (nothing to split)
        fi::test::CaptureSpec parts[2], merged;
        std::vector<std::pair<int64_t, fi::test::TestFrame>> frames[2];
        FrameView frame;
        int linkType = -1;
        uint32_t snapLength = 0;
        while (reader.next(frame) == CaptureReader::Status::Frame) {
            if (linkType < 0)
                linkType = frame.linkType;
            if (frame.linkType != linkType || frame.record.timeNs < 0 || frame.record.timeNs / 1'000'000'000 > UINT32_MAX)
                return; // (a pcap file holds one link type and unsigned 32-bit seconds)
            snapLength = std::max(snapLength, frame.snapLength);
            const fi::Timestamp t = frame.record.timestamp();
            fi::test::TestFrame f{t.seconds, t.nanoseconds, fi::test::Bytes(frame.data, frame.data + frame.record.capturedLength),
                                  frame.record.originalLength};
            frames[(frame.number - 1) % 2].emplace_back(frame.record.timeNs, std::move(f));
        }
        if (frames[1].empty())
            return;
        for (fi::test::CaptureSpec* spec : {&parts[0], &parts[1], &merged}) {
            spec->linkType = linkType;
            spec->nanosecond = true;
            spec->snapLength = snapLength ? snapLength : 262144;
        }
        size_t next[2] = {0, 0};
        while (next[0] < frames[0].size() || next[1] < frames[1].size()) {
            const int from = next[1] < frames[1].size() &&
                                     (next[0] == frames[0].size() || frames[1][next[1]].first < frames[0][next[0]].first)
                                 ? 1
                                 : 0;
            merged.frames.push_back(frames[from][next[from]++].second);
        }
        for (int i : {0, 1})
            for (auto& [time, f] : frames[i])
                parts[i].frames.push_back(std::move(f));
        QTemporaryDir dir;
        const std::vector<std::string> set = {dir.filePath("a.pcap").toStdString(), dir.filePath("b.pcap").toStdString()};
        fi::test::writeFile(QString::fromStdString(set[0]), fi::test::pcapFile(parts[0]));
        fi::test::writeFile(QString::fromStdString(set[1]), fi::test::pcapFile(parts[1]));
        fi::test::writeFile(dir.filePath("merged.pcap"), fi::test::pcapFile(merged));
        const FlowList expected = traceFile(dir.filePath("merged.pcap"));
        const FlowList actual = traceFiles(set);
        QVERIFY2(actual == expected, qPrintable(describeDifference(expected, actual)));
        ++m_capturesSplit;
    }
    /// (The split above is not skipped for most of the corpus.)
    void corpusAsCaptureSetCoveredTheCorpus()
    {
        FI_REQUIRE_SHARED();
        QVERIFY2(m_capturesSplit > 500, qPrintable(QString::number(m_capturesSplit)));
    }

    /// A gzip and a zstd copy of every corpus capture give the index the plain file gives (and
    /// one that does not open does not open compressed either).
    void corpusCompressed_data() { corpus_data(); }
    void corpusCompressed()
    {
        FI_REQUIRE_SHARED();
        QFETCH(QString, capture);
        bool opened = false;
        const FlowList plain = traceFile(capture, &opened);
        QTemporaryDir dir;
        for (const auto& [packing, name] : {std::pair{fi::test::Packing::Gzip, "c.gz"}, std::pair{fi::test::Packing::Zstd, "c.zst"}}) {
            const QString packed = dir.filePath(QString::fromLatin1(name));
            QVERIFY(fi::test::compressFile(capture, packed, packing));
            bool packedOpened = false;
            QString error;
            const FlowList actual = traceFile(packed, &packedOpened, &error);
            QCOMPARE(packedOpened, opened);
            if (!opened)
                QVERIFY2(!error.isEmpty(), name);
            QVERIFY2(actual == plain, qPrintable(QString::fromLatin1(name) + ": " + describeDifference(plain, actual)));
        }
    }
};

QTEST_GUILESS_MAIN(TestConformance)
#include "tst_conformance.moc"
