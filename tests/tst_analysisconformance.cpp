// Conformance of TCP analysis with tshark: for every capture of ../shared/corpus, the flags
// of each frame equal the tcp.analysis.* flags tshark 4.0 sets (conformance/analysis-tshark.txt,
// written by conformance/make-analysis-reference.py), except the differences listed with their
// reasons in conformance/analysis-differences.txt. Prints each flag's agreement (F1) at the end.
// The flags are compared per segment: where tshark reassembled an IP datagram from fragments and
// flagged the segment at its last fragment, they are compared at its first, where the flow rule
// (pcapkit's: fragments are not reassembled, a first fragment's TCP header counts) has it.

#include "KnownDifferences.h"
#include "TestPaths.h"

#include "CaptureTracer.h"
#include "FlowTracker.h"
#include "TcpAnalysis.h"

#include <QFile>
#include <QMap>
#include <QSet>
#include <QTest>

using namespace fi;

namespace {

/// Capture (relative to the corpus) → frame → the flags set on its segment.
using FlagsByFrame = QMap<uint32_t, QSet<QString>>;

QMap<QString, FlagsByFrame> readReference()
{
    QMap<QString, FlagsByFrame> out;
    QFile file(fi::test::sourceDir() + QStringLiteral("/tests/conformance/analysis-tshark.txt"));
    if (!file.open(QIODevice::ReadOnly))
        return out;
    FlagsByFrame* current = nullptr;
    while (!file.atEnd()) {
        const QString line = QString::fromUtf8(file.readLine()).trimmed();
        if (line.isEmpty() || line.startsWith('#'))
            continue;
        if (line.startsWith(QStringLiteral("= "))) {
            current = &out[line.mid(2)];
            continue;
        }
        // FRAME FLAGS [FIRST_FRAGMENT]: the segment's frame is the datagram's first fragment's
        const QStringList parts = line.split(' ');
        if (current && (parts.size() == 2 || parts.size() == 3))
            for (const QString& flag : parts[1].split(','))
                (*current)[parts[parts.size() == 3 ? 2 : 0].toUInt()].insert(flag);
    }
    return out;
}

const QMap<QString, FlagsByFrame>& reference()
{
    static const QMap<QString, FlagsByFrame> r = readReference();
    return r;
}

/// Our flags of every flow packet of `path` that has any.
FlagsByFrame ourFlags(const QString& path)
{
    FlagsByFrame out;
    CaptureTracer tracer;
    if (!tracer.open(path.toStdString()))
        return out;
    FlowTracker tracker;
    TcpAnalyzer analyzer;
    tracer.setFrameHook([&](const FrameView& frame, const TcpPacket& tcp, uint32_t flow) {
        if (flow == FlowTracker::kNoFlow)
            return;
        const uint16_t flags = analyzer.analyze(frame, tcp, flow).flags;
        for (int bit = 0; bit < TcpAnalysisFlag::kCount; ++bit)
            if (flags & (1u << bit))
                out[frame.number].insert(QString::fromLatin1(tcpAnalysisFlagName(bit)));
    });
    tracer.run(tracker);
    return out;
}

struct Agreement
{
    int both = 0, oursOnly = 0, tsharkOnly = 0;
};

} // namespace

class TestAnalysisConformance : public QObject
{
    Q_OBJECT

    QMap<QString, Agreement> m_agreement; ///< by flag, over the captures compared

private slots:
    void referenceAndListAreWellFormed()
    {
        QVERIFY2(reference().size() > 1000, "tests/conformance/analysis-tshark.txt is missing or cut short");
        const QString problem = fi::test::knownDifferencesProblem("analysis-differences.txt", 3);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
    }

    void corpus_data()
    {
        QTest::addColumn<QString>("capture");
        const QString shared = fi::test::sharedDir();
        if (shared.isEmpty())
            return;
        for (auto it = reference().begin(); it != reference().end(); ++it)
            QTest::newRow(qPrintable(it.key())) << shared + QStringLiteral("/corpus/") + it.key();
    }
    void corpus()
    {
        FI_REQUIRE_SHARED();
        QFETCH(QString, capture);
        if (!QFile::exists(capture))
            QSKIP("not in this copy of the corpus");
        static const QMap<QString, QString> known = fi::test::knownDifferences("analysis-differences.txt", 3);
        const QString relative = QString::fromLatin1(QTest::currentDataTag());
        const FlagsByFrame& theirs = reference()[relative];
        const FlagsByFrame ours = ourFlags(capture);

        QStringList failures;
        QSet<uint32_t> frames(theirs.keyBegin(), theirs.keyEnd());
        frames.unite(QSet<uint32_t>(ours.keyBegin(), ours.keyEnd()));
        for (uint32_t frame : frames) {
            const QSet<QString> a = ours.value(frame), b = theirs.value(frame);
            for (const QString& flag : a | b) {
                Agreement& agreement = m_agreement[flag];
                const QString key = QStringLiteral("%1 | %2 | %3").arg(relative).arg(frame).arg(flag);
                if (a.contains(flag) && b.contains(flag)) {
                    ++agreement.both;
                    if (known.contains(key))
                        failures << key + " now agrees with tshark: remove it from tests/conformance/analysis-differences.txt";
                    continue;
                }
                ++(a.contains(flag) ? agreement.oursOnly : agreement.tsharkOnly);
                if (!known.contains(key))
                    failures << key + (a.contains(flag) ? " is ours, not tshark's" : " is tshark's, not ours");
            }
        }
        for (auto it = known.begin(); it != known.end(); ++it) {
            const QStringList parts = it.key().split(QStringLiteral(" | "));
            if (parts[0] == relative && !frames.contains(parts[1].toUInt()))
                failures << it.key() + " is listed, but both agree on that frame";
        }
        QVERIFY2(failures.isEmpty(), qPrintable(failures.join("; ")));
    }

    void cleanupTestCase()
    {
        // each flag's agreement over the corpus: F1 = 2 both / (2 both + ours only + tshark only)
        for (auto it = m_agreement.begin(); it != m_agreement.end(); ++it) {
            const Agreement& a = it.value();
            const double f1 = 2.0 * a.both / (2.0 * a.both + a.oursOnly + a.tsharkOnly);
            qInfo("%-24s F1 %.3f (both %d, ours only %d, tshark only %d)", qPrintable(it.key()), f1, a.both,
                  a.oursOnly, a.tsharkOnly);
        }
    }
};

QTEST_GUILESS_MAIN(TestAnalysisConformance)
#include "tst_analysisconformance.moc"
