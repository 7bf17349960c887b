// Conformance of the payload format with tcpflow: for every capture of ../shared/corpus, each
// flow's `-f payload` file equals the file tcpflow writes for the same direction, wherever the
// 4-tuple is used by a single connection (one tcpflow file, one of our flows with payload),
// except the deliberate differences in conformance/payload-differences.txt.

#include "KnownDifferences.h"
#include "TestPaths.h"
#include "Waits.h"

#include "CaptureTracer.h"
#include "FlowFileWriter.h"
#include "TraceFlow.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QMap>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace fi;

namespace {

/// tcpflow's name of an endpoint: IPv4 octets and the port zero-padded, IPv6 as printed.
QString tcpflowEndpoint(const IpAddress& address, uint16_t port)
{
    QString text;
    if (address.isV6()) {
        text = QString::fromStdString(address.toString());
    } else {
        const QStringList octets = QString::fromStdString(address.toString()).split('.');
        for (const QString& o : octets)
            text += QStringLiteral("%1.").arg(o.toInt(), 3, 10, QChar('0'));
        text.chop(1);
    }
    return text + QStringLiteral(".%1").arg(port, 5, 10, QChar('0'));
}

QByteArray contentOf(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

} // namespace

class TestPayloadConformance : public QObject
{
    Q_OBJECT

private slots:
    void knownDifferencesListIsWellFormed()
    {
        const QString problem = fi::test::knownDifferencesProblem("payload-differences.txt", 2);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
    }

    void corpus_data()
    {
        QTest::addColumn<QString>("capture");
        const QString shared = fi::test::sharedDir();
        if (shared.isEmpty())
            return;
        const QString root = shared + QStringLiteral("/corpus/");
        QStringList names;
        for (const QString& source : {QStringLiteral("tcpdump"), QStringLiteral("zeek")}) {
            QDirIterator it(root + source, QDir::Files, QDirIterator::Subdirectories);
            while (it.hasNext())
                names << it.next().mid(root.size());
        }
        names.sort();
        for (const QString& relative : names)
            QTest::newRow(qPrintable(relative)) << root + relative;
    }
    void corpus()
    {
        FI_REQUIRE_SHARED();
        QFETCH(QString, capture);
        const QString tcpflow = QStandardPaths::findExecutable(QStringLiteral("tcpflow"));
        if (tcpflow.isEmpty())
            QSKIP("tcpflow is not installed (apt-get install tcpflow): payload not compared");
        static const QMap<QString, QString> known =
            fi::test::knownDifferences("payload-differences.txt", 2);
        const QString relative = QString::fromLatin1(QTest::currentDataTag());

        QTemporaryDir dir;
        QProcess theirs;
        theirs.start(tcpflow, {"-r", capture, "-o", dir.filePath("tcpflow")});
        QVERIFY2(theirs.waitForFinished(2 * fi::test::kWorkerTimeoutMs), "tcpflow did not finish");
        const QStringList theirFiles = QDir(dir.filePath("tcpflow")).entryList(QDir::Files);

        OutputOptions options;
        options.format = OutputFormat::Payload;
        options.directory = dir.filePath("ours").toStdString();
        CaptureTracer tracer;
        if (!tracer.open(capture.toStdString()))
            return; // (conformance of the flow index covers what cannot be read)
        FlowFileWriter writer(options);
        QVERIFY(writer.prepare());
        TraceFlow trace(&writer);
        tracer.run(trace);

        // our payload files by tcpflow's name of their direction
        QMap<QString, QStringList> ours;
        for (const Index& flow : trace.flows()) {
            const BufferID& id = trace.id(flow);
            const QString name = tcpflowEndpoint(id.src, id.srcport) + '-' +
                                 tcpflowEndpoint(id.dst, id.dstport);
            QStringList& files = ours[name];
            if (!flow.fpout.empty() && QFile::exists(QString::fromStdString(flow.fpout)))
                files << QString::fromStdString(flow.fpout);
        }
        QStringList failures;
        for (auto it = ours.begin(); it != ours.end(); ++it) {
            const QStringList theirsOfTuple = theirFiles.filter(QRegularExpression(
                "^" + QRegularExpression::escape(it.key()) + "(c[0-9]+)?$"));
            if (it.value().size() != 1 || theirsOfTuple.size() != 1)
                continue; // not one connection's direction on both sides
            const QString key = relative + " | " + it.key();
            const bool same = contentOf(it.value().front()) ==
                              contentOf(dir.filePath("tcpflow/" + theirsOfTuple.front()));
            if (known.contains(key) && same)
                failures << key + " now matches tcpflow: remove it from "
                                  "tests/conformance/payload-differences.txt";
            else if (!known.contains(key) && !same)
                failures << key + " differs from tcpflow's file";
        }
        for (auto it = known.begin(); it != known.end(); ++it)
            if (it.key().startsWith(relative + " | ") &&
                !ours.contains(it.key().mid(relative.size() + 3)))
                failures << it.key() + " is listed but has no such flow";
        QVERIFY2(failures.isEmpty(), qPrintable(failures.join("; ")));
    }
};

QTEST_GUILESS_MAIN(TestPayloadConformance)
#include "tst_payloadconformance.moc"
