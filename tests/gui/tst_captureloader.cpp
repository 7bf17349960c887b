// The background loader: progress and completion signals, batches while the file is read,
// cancellation, a second open during a load, truncated and non-capture files.

#include "CaptureBuilder.h"

#include "CaptureLoader.h"
#include "FlowTableModel.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace fi;
using namespace fi::test;

namespace {

/// `flows` connections of `perFlow` packets each, interleaved; every connection ends with FIN.
CaptureSpec manyFlows(int flows, int perFlow)
{
    CaptureSpec spec;
    for (int i = 0; i < perFlow; ++i)
        for (int f = 0; f < flows; ++f) {
            TcpSpec s;
            s.srcPort = uint16_t(10000 + f % 50000);
            s.flags = i == 0 ? TcpFlag::SYN : (i + 1 == perFlow ? TcpFlag::FIN : TcpFlag::ACK);
            s.payload = size_t(i % 3) * 100;
            const std::string src = "10.1." + std::to_string(f / 50000) + ".1";
            spec.add(tcpOverIpv4(src, "10.0.0.2", s), 1000 + i, uint32_t(f));
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

private slots:
    void initTestCase()
    {
        qRegisterMetaType<LoadResult>("LoadResult");
        m_big = m_dir.filePath("big.pcap");
        writeFile(m_big, pcapFile(manyFlows(2000, 150))); // 300,000 frames
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
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 60000);
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
        QCOMPARE(f.packets.size(), size_t(150));
        QVERIFY(f.stats.closedByFin);
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
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 60000);
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
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 60000);
        QTest::qWait(200); // nothing of the first load may arrive late
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
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, 60000);
        const LoadResult r = finished.front().front().value<LoadResult>();
        QCOMPARE(r.summary.end, TraceSummary::End::Truncated);
        QCOMPARE(r.summary.framesRead, 49u);
        QCOMPARE(c.model.rowCount(), 5);
        QCOMPARE(c.model.store().frames.size(), size_t(49));
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
        QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, 10000);
        QCOMPARE(failed.front()[0].toString(), path);
        QVERIFY(failed.front()[1].toString().contains("not a pcap"));
        QVERIFY(finished.isEmpty());
        QVERIFY(!loader.isLoading());
    }

    void destroyingDuringALoadDoesNotHang()
    {
        auto* loader = new CaptureLoader;
        loader->load(m_big);
        QThread::msleep(20);
        delete loader; // cancels and waits
    }
};

QTEST_MAIN(TestCaptureLoader)
#include "tst_captureloader.moc"
