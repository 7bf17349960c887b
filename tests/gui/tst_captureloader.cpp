// The background loader: progress and completion signals, flows that reach the model batch by
// batch while the file is still read, cancellation, a second open during a load, truncated and
// non-capture files.

#include "CaptureBuilder.h"
#include "Waits.h"

#include "CaptureLoader.h"
#include "FlowTableModel.h"
#include "LoadBatchBuilder.h"

#include <QFileInfo>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace fi;
using namespace fi::test;

namespace {

/// `flows` connections of `perFlow` packets each, every one ending with FIN: interleaved (all
/// open at once), or `inTurn`, one after another (new flows all along the file).
CaptureSpec manyFlows(int flows, int perFlow, bool inTurn = false)
{
    CaptureSpec spec;
    for (int outer = 0; outer < (inTurn ? flows : perFlow); ++outer)
        for (int inner = 0; inner < (inTurn ? perFlow : flows); ++inner) {
            const int f = inTurn ? outer : inner, i = inTurn ? inner : outer;
            TcpSpec s;
            s.srcPort = uint16_t(10000 + f % 50000);
            s.flags = i == 0 ? TcpFlag::SYN : (i + 1 == perFlow ? TcpFlag::FIN : TcpFlag::ACK);
            s.payload = size_t(i % 3) * 100;
            const std::string src = "10.1." + std::to_string(f / 50000) + ".1";
            spec.add(tcpOverIpv4(src, "10.0.0.2", s), 1000 + outer, uint32_t(inner));
        }
    return spec;
}

struct Collected
{
    FlowTableModel model;
    int batches = 0;
};

void collect(CaptureLoader& loader, Collected& c)
{
    QObject::connect(&loader, &CaptureLoader::started, &c.model,
                     [&c](const QString& path) { c.model.reset(path); });
    QObject::connect(&loader, &CaptureLoader::batchReady, &c.model,
                     [&c](const std::shared_ptr<const LoadBatch>& b) {
                         c.model.applyBatch(*b);
                         ++c.batches;
                     });
}

} // namespace

class TestCaptureLoader : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_big;
    QString m_spread;

private slots:
    void initTestCase()
    {
        qRegisterMetaType<LoadResult>("LoadResult");
        m_big = m_dir.filePath("big.pcap");
        writeFile(m_big, pcapFile(manyFlows(2000, 150))); // 300,000 frames
        // 200,000 frames, a new flow every 10: more than a few batches (each of 16,384 frames
        // at most), the loader waiting while 3 are not yet taken
        m_spread = m_dir.filePath("spread.pcap");
        writeFile(m_spread, pcapFile(manyFlows(20000, 10, true)));
    }

    void loadsEverythingWithProgress()
    {
        CaptureLoader loader;
        Collected c;
        collect(loader, c);
        QSignalSpy progress(&loader, &CaptureLoader::progress);
        QSignalSpy finished(&loader, &CaptureLoader::finished);
        QSignalSpy started(&loader, &CaptureLoader::started);
        loader.load(m_big);
        QVERIFY(loader.isLoading());
        QVERIFY2(finished.wait(kWorkerTimeoutMs), "the load did not finish");
        QVERIFY(!loader.isLoading());
        QCOMPARE(started.size(), 1);
        const LoadResult r = finished.front().front().value<LoadResult>();
        QCOMPARE(r.summary.end, TraceSummary::End::Complete);
        QCOMPARE(r.summary.framesRead, 300000u);
        QCOMPARE(c.model.store().frames.size(), size_t(300000));
        QCOMPARE(c.model.rowCount(), 2000);
        QVERIFY(c.batches >= 1);
        QVERIFY(!progress.isEmpty());
        // progress never goes back, and ends at the whole file
        qint64 last = -1;
        for (const QList<QVariant>& p : progress) {
            QVERIFY(p[0].toLongLong() >= last);
            last = p[0].toLongLong();
        }
        QCOMPARE(last, progress.back()[1].toLongLong());
        // the statistics arrived with the flows
        const FlowRecord& f = c.model.store().flows[0];
        QCOMPARE(f.stats.packets, 150u);
        QCOMPARE(c.model.store().packetsOf(0).size(), size_t(150));
        QVERIFY(f.stats.closedByFin);
    }

    /// The TCP analysis, made on the loader's analysis thread batch by batch, is what analysing
    /// the whole capture at once gives: every packet's flags, acknowledged segment and bytes in
    /// flight, every flow's figures, history and state.
    void analysisArrivesWithTheBatches()
    {
        CaptureLoader loader;
        Collected c;
        collect(loader, c);
        QSignalSpy finished(&loader, &CaptureLoader::finished);
        loader.load(m_big);
        QVERIFY2(finished.wait(kWorkerTimeoutMs), "the load did not finish");
        QVERIFY(c.batches > 5); // connections span batches
        CaptureStore whole;
        CaptureTracer tracer;
        QVERIFY(tracer.open(m_big.toStdString()));
        loadCaptureStore(tracer, m_big.toStdString(), whole);
        const CaptureStore& loaded = c.model.store();
        QCOMPARE(loaded.flows.size(), whole.flows.size());
        uint64_t flagged = 0;
        for (size_t f = 0; f < whole.flows.size(); ++f) {
            const FlowRecord &a = loaded.flows[f], &b = whole.flows[f];
            const FlowPacketList ap = loaded.packetsOf(uint32_t(f)), bp = whole.packetsOf(uint32_t(f));
            QCOMPARE(ap.size(), bp.size());
            for (size_t i = 0; i < bp.size(); ++i) {
                QCOMPARE(ap[i].frame, bp[i].frame);
                QCOMPARE(ap[i].analysis, bp[i].analysis);
                QCOMPARE(ap[i].acksFrame, bp[i].acksFrame);
                QCOMPARE(ap[i].bytesInFlight, bp[i].bytesInFlight);
                flagged += bp[i].analysis != 0;
            }
            QCOMPARE(a.analysis.retransmissions, b.analysis.retransmissions);
            QCOMPARE(a.analysis.duplicateAcks, b.analysis.duplicateAcks);
            QCOMPARE(a.analysis.rttSamples, b.analysis.rttSamples);
            QCOMPARE(a.analysis.rttSumNs, b.analysis.rttSumNs);
            QCOMPARE(a.analysis.maxBytesInFlight, b.analysis.maxBytesInFlight);
            QCOMPARE(a.connection.history, b.connection.history);
            QCOMPARE(a.connection.state, b.connection.state);
            QVERIFY(!a.connection.history.empty());
        }
        QVERIFY(flagged > 0); // (the same sequence numbers again: retransmissions)
    }

    void cancelStopsAndReports()
    {
        CaptureLoader loader;
        Collected c;
        collect(loader, c);
        QSignalSpy finished(&loader, &CaptureLoader::finished);
        QSignalSpy batches(&loader, &CaptureLoader::batchReady);
        loader.load(m_big);
        loader.cancel();
        QVERIFY2(finished.wait(kWorkerTimeoutMs), "the load did not finish");
        const LoadResult r = finished.front().front().value<LoadResult>();
        QCOMPARE(r.summary.end, TraceSummary::End::Cancelled);
        QVERIFY(r.summary.framesRead < 300000u);
    }

    void secondOpenSupersedesTheFirst()
    {
        QTemporaryDir dir;
        const QString small = dir.filePath("small.pcap");
        writeFile(small, pcapFile(manyFlows(3, 4)));
        CaptureLoader loader;
        Collected c;
        collect(loader, c);
        QSignalSpy finished(&loader, &CaptureLoader::finished);
        QSignalSpy started(&loader, &CaptureLoader::started);
        loader.load(m_big);
        loader.load(small);
        QVERIFY2(finished.wait(kWorkerTimeoutMs), "the load did not finish");
        // nothing of the first load may arrive late: once both workers have ended, all they
        // posted has been delivered
        QTRY_VERIFY2_WITH_TIMEOUT(loader.workerCount() == 0, "the first load's worker did not end", kWorkerTimeoutMs);
        QCOMPARE(finished.size(), 1);
        QCOMPARE(finished.front().front().value<LoadResult>().path, small);
        QCOMPARE(c.model.rowCount(), 3);
        QCOMPARE(c.model.store().frames.size(), size_t(12));
        QCOMPARE(started.back().front().toString(), small);
    }

    void truncatedFileKeepsItsFlows()
    {
        Bytes file = pcapFile(manyFlows(5, 10));
        file.resize(file.size() - 7);
        const QString path = m_dir.filePath("cut.pcap");
        writeFile(path, file);
        CaptureLoader loader;
        Collected c;
        collect(loader, c);
        QSignalSpy finished(&loader, &CaptureLoader::finished);
        loader.load(path);
        QVERIFY2(finished.wait(kWorkerTimeoutMs), "the load did not finish");
        const LoadResult r = finished.front().front().value<LoadResult>();
        QCOMPARE(r.summary.end, TraceSummary::End::Truncated);
        QCOMPARE(r.summary.framesRead, 49u);
        QCOMPARE(c.model.rowCount(), 5);
        QCOMPARE(c.model.store().frames.size(), size_t(49));
    }

    /// The file is cut short while it loads (at its first batch): the load ends truncated,
    /// saying that the file shrank while it was read, with the flows read so far.
    void aFileCutShortWhileItLoadsSaysSo()
    {
        const QString path = m_dir.filePath("shrinks.pcap");
        QFile::remove(path);
        QVERIFY(QFile::copy(m_spread, path));
        const qint64 size = QFileInfo(path).size();
        CaptureLoader loader;
        Collected c;
        collect(loader, c);
        QSignalSpy finished(&loader, &CaptureLoader::finished);
        bool cut = false;
        QObject::connect(&loader, &CaptureLoader::batchReady, &c.model, [&] {
            if (!cut)
                cut = QFile::resize(path, size / 2); // ahead of the reader, which waits for room
        });
        loader.load(path);
        QVERIFY2(finished.wait(kWorkerTimeoutMs), "the load did not finish");
        QVERIFY(cut);
        const LoadResult r = finished.front().front().value<LoadResult>();
        QCOMPARE(r.summary.end, TraceSummary::End::Truncated);
        QVERIFY2(QString::fromStdString(r.summary.message)
                     .contains(QString("the file was cut short while it was read (from %1 to %2 bytes)").arg(size).arg(size / 2)),
                 r.summary.message.c_str());
        QVERIFY(r.summary.framesRead < 200000u);
        QCOMPARE(c.model.store().frames.size(), size_t(r.summary.framesRead));
        QVERIFY(c.model.rowCount() > 0);
    }

    void notACaptureFails()
    {
        const QString path = m_dir.filePath("notes.txt");
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("these are notes, not packets\n");
        f.close();
        CaptureLoader loader;
        QSignalSpy failed(&loader, &CaptureLoader::failed);
        QSignalSpy finished(&loader, &CaptureLoader::finished);
        loader.load(path);
        QVERIFY2(failed.wait(kWorkerTimeoutMs), "the load did not fail");
        QCOMPARE(failed.front()[0].toString(), path);
        QVERIFY(failed.front()[1].toString().contains("not a pcap"));
        QVERIFY(finished.isEmpty());
        QVERIFY(!loader.isLoading());
    }

    void destroyingDuringALoadDoesNotHang()
    {
        auto* loader = new CaptureLoader;
        QSignalSpy batches(loader, &CaptureLoader::batchReady);
        loader->load(m_big);
        QVERIFY2(batches.wait(kWorkerTimeoutMs), "no batch came"); // the worker is reading
        QVERIFY(loader->isLoading());
        Watchdog watchdog("destroying a loader during a load");
        delete loader; // cancels and waits
    }

    /// Flows reach the model while the file is still read: batch by batch, the first of them
    /// long before the load ends, with fewer flows than the capture has.
    void flowsReachTheModelBeforeTheLoadFinishes()
    {
        CaptureLoader loader;
        Collected c;
        collect(loader, c);
        QSignalSpy finished(&loader, &CaptureLoader::finished);
        int firstRows = -1, insertions = 0;
        qint64 firstRead = -1, fileSize = -1;
        bool finishedFirst = false;
        QObject::connect(&loader, &CaptureLoader::progress, &c.model, [&](qint64 read, qint64 size) {
            if (firstRead < 0) {
                firstRead = read;
                fileSize = size;
            }
        });
        QObject::connect(&c.model, &QAbstractItemModel::rowsInserted, &c.model, [&] {
            if (insertions++ == 0) {
                firstRows = c.model.rowCount();
                finishedFirst = !finished.isEmpty() || !loader.isLoading();
            }
        });
        loader.load(m_spread);
        QVERIFY2(finished.wait(kWorkerTimeoutMs), "the load did not finish");
        QCOMPARE(finished.front().front().value<LoadResult>().summary.end, TraceSummary::End::Complete);
        QCOMPARE(c.model.rowCount(), 20000);
        QVERIFY2(!finishedFirst, "the first flows came after the load had finished");
        QVERIFY2(firstRows > 0 && firstRows < 20000, qPrintable(QString::number(firstRows)));
        QVERIFY2(insertions > 1, qPrintable(QString::number(insertions)));
        QVERIFY2(firstRead > 0 && firstRead < fileSize, qPrintable(QString("%1 of %2").arg(firstRead).arg(fileSize)));
    }

    /// The worker is still reading when the first flows are shown: cancelled then, the load
    /// stops with the frames read so far, the model holding their flows.
    void aLoadCancelledAtItsFirstFlowsStopsMidFile()
    {
        CaptureLoader loader;
        Collected c;
        collect(loader, c);
        QSignalSpy finished(&loader, &CaptureLoader::finished);
        QObject::connect(&c.model, &QAbstractItemModel::rowsInserted, &c.model, [&] { loader.cancel(); });
        loader.load(m_spread);
        QVERIFY2(finished.wait(kWorkerTimeoutMs), "the load did not finish");
        const LoadResult r = finished.front().front().value<LoadResult>();
        QCOMPARE(r.summary.end, TraceSummary::End::Cancelled);
        QVERIFY2(r.summary.framesRead < 200000u, qPrintable(QString::number(r.summary.framesRead)));
        QCOMPARE(c.model.store().frames.size(), size_t(r.summary.framesRead));
        QVERIFY(c.model.rowCount() > 0 && c.model.rowCount() < 20000);
    }
};

QTEST_MAIN(TestCaptureLoader)
#include "tst_captureloader.moc"
