// Re-reading frames of a zstd capture written as one frame (what plain `zstd file` writes): the
// load spills the frame's output past its first access spacing into an anonymous temporary
// file, so that a frame read again there costs no decompression; when that file cannot be made
// or written, reading falls back to decompressing from the nearest point, and no file is ever
// left behind.

#include "CaptureBuilder.h"
#include "Compressor.h"

#include "CaptureReader.h"
#include "CompressedByteSource.h"
#include "FrameSource.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <thread>

using namespace fi;
using namespace fi::test;

namespace {

constexpr uint64_t kSpacing = CompressedIndex::kSpacing;

/// Sets an environment variable for the scope, then puts back what it was.
class ScopedEnv
{
public:
    ScopedEnv(const char* name, const QByteArray& value) : m_name(name), m_had(qEnvironmentVariableIsSet(name))
    {
        m_old = qgetenv(name);
        qputenv(name, value);
    }
    ~ScopedEnv()
    {
        if (m_had)
            qputenv(m_name, m_old);
        else
            qunsetenv(m_name);
    }

private:
    const char* m_name;
    bool m_had;
    QByteArray m_old;
};

/// The descriptors of this process open on a file in `dir` (an O_TMPFILE one reads as
/// "DIR/#inode (deleted)").
std::vector<int> descriptorsIn(const QString& dir)
{
    const std::string prefix = QDir(dir).canonicalPath().toStdString() + "/";
    std::vector<int> out;
    for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
        std::error_code error;
        const std::string target = std::filesystem::read_symlink(entry.path(), error).string();
        if (!error && target.compare(0, prefix.size(), prefix) == 0)
            out.push_back(std::stoi(entry.path().filename().string()));
    }
    return out;
}

/// What `dir` holds by name (hidden files too).
QStringList entriesOf(const QString& dir)
{
    return QDir(dir).entryList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot);
}

/// Waits (up to 20 s) until the index's spill writer has written `bytes`.
bool waitForSpilled(const CompressedIndex& index, uint64_t bytes)
{
    for (int i = 0; i < 2000 && index.spilledBytes() < bytes; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return index.spilledBytes() == bytes;
}

struct Loaded
{
    CaptureReader reader;
    std::vector<FrameRecord> records;
};

/// Opens `path` and reads every frame, keeping their records.
bool load(const QString& path, Loaded& out, FramesReadAgain readAgain = FramesReadAgain::Yes)
{
    if (!out.reader.open(path.toStdString(), readAgain))
        return false;
    FrameView frame;
    CaptureReader::Status status;
    while ((status = out.reader.next(frame)) == CaptureReader::Status::Frame)
        out.records.push_back(frame.record);
    return status == CaptureReader::Status::End;
}

} // namespace

class TestCompressedSpill : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    Bytes m_plain;      ///< a pcap of about 26 MiB: more than six spacings
    QString m_oneFrame; ///< it as one zstd frame
    QString m_smallFrames; ///< as zstd frames shorter than a spacing
    QString m_gzip;

    bool sameAsPlain(const FrameRecord& record, const std::vector<uint8_t>& bytes) const
    {
        return bytes.size() == record.capturedLength && record.position + bytes.size() <= m_plain.size() &&
               std::equal(bytes.begin(), bytes.end(), m_plain.begin() + std::ptrdiff_t(record.position));
    }

    /// Every frame read again by one FrameSource, the last first: how many differ from the plain file.
    int rereadBackwards(const CaptureLayout& layout, const std::vector<FrameRecord>& records)
    {
        FrameSource source;
        if (!source.open(layout))
            return -1;
        std::vector<uint8_t> bytes;
        int wrong = 0;
        for (size_t i = records.size(); i-- > 0;)
            wrong += !source.read(records[i], bytes) || !sameAsPlain(records[i], bytes);
        return wrong;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        CaptureSpec spec;
        uint32_t noise = 3;
        for (int i = 0; i < 26'000; ++i) {
            TcpSpec s;
            s.srcPort = uint16_t(1000 + i % 300);
            s.seq = uint32_t(i);
            for (int k = 0; k < 1000; ++k) { // compresses by about half: many zstd blocks
                noise = noise * 1103515245u + 12345u;
                s.data.push_back(char('a' + (noise >> 28)));
            }
            spec.add(tcpOverIpv4("10.0.0.1", "10.0.0.2", s), 1000 + i);
        }
        m_plain = pcapFile(spec);
        QVERIFY(m_plain.size() > 6 * kSpacing);
        m_oneFrame = m_dir.filePath("one.pcap.zst");
        writeFile(m_oneFrame, compressed(m_plain, Packing::Zstd));
        m_smallFrames = m_dir.filePath("small.pcap.zst");
        writeFile(m_smallFrames, compressed(m_plain, Packing::Zstd, int(m_plain.size() / (kSpacing / 2)) + 1));
        m_gzip = m_dir.filePath("c.pcap.gz");
        writeFile(m_gzip, compressed(m_plain, Packing::Gzip));
    }

    /// After the load, a frame past the frame's first spacing is read again from the spill
    /// (nothing decompressed), one before it from the start (at most a spacing and a window);
    /// the file is one anonymous descriptor in TMPDIR while the capture is open, gone after.
    void rereadFromTheSpill()
    {
        QTemporaryDir spillDir;
        ScopedEnv tmpdir("TMPDIR", QFile::encodeName(spillDir.path()));
        {
            Loaded loaded;
            QVERIFY2(load(m_oneFrame, loaded), loaded.reader.errorString().c_str());
            const std::shared_ptr<CompressedIndex> index = loaded.reader.layout().files[0].index;
            QVERIFY(!index->pointBefore(m_plain.size() - 1)); // one frame: no access point but the start
            QVERIFY2(index->spillProblem().empty(), index->spillProblem().c_str());
            QVERIFY(waitForSpilled(*index, m_plain.size() - kSpacing));
            QCOMPARE(descriptorsIn(spillDir.path()).size(), size_t(1));
            QVERIFY2(entriesOf(spillDir.path()).isEmpty(), qPrintable(entriesOf(spillDir.path()).join(' ')));

            QFile f(m_oneFrame);
            QVERIFY(f.open(QIODevice::ReadOnly));
            CompressedByteSource source(f.handle(), uint64_t(f.size()), Compression::Zstd, index);
            std::vector<uint8_t> bytes;
            uint64_t headCost = 0;
            for (size_t i = loaded.records.size(); i-- > 0;) {
                const FrameRecord& r = loaded.records[i];
                const uint64_t before = source.decompressedBytes();
                bytes.resize(r.capturedLength);
                QCOMPARE(source.readAt(r.position, bytes.data(), bytes.size()), ssize_t(bytes.size()));
                QVERIFY(sameAsPlain(r, bytes));
                const uint64_t cost = source.decompressedBytes() - before;
                if (r.position >= kSpacing)
                    QVERIFY2(cost == 0, qPrintable(QString("frame at %1: %2 bytes decompressed").arg(r.position).arg(cost)));
                else
                    QVERIFY2(cost <= kSpacing + CompressedIndex::kSpillBufferSize, qPrintable(QString::number(cost)));
                headCost += cost;
            }
            QVERIFY(headCost > 0); // the frame's first spacing is decompressed again (each read at most a spacing and a window)
            QCOMPARE(rereadBackwards(loaded.reader.layout(), loaded.records), 0);
        }
        QCOMPARE(descriptorsIn(spillDir.path()).size(), size_t(0));
        QVERIFY(entriesOf(spillDir.path()).isEmpty());
    }

    /// Frames shorter than a spacing have their own access points, and gzip its saved states:
    /// neither spills; nor does a capture whose frames will not be read again (the CLI's stats).
    void onlyLongZstdFramesSpill_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<bool>("readAgain");
        QTest::newRow("zstd, frames of half a spacing") << m_smallFrames << true;
        QTest::newRow("gzip") << m_gzip << true;
        QTest::newRow("one zstd frame, its frames not to be read again") << m_oneFrame << false;
    }
    void onlyLongZstdFramesSpill()
    {
        QFETCH(QString, path);
        QFETCH(bool, readAgain);
        QTemporaryDir spillDir;
        ScopedEnv tmpdir("TMPDIR", QFile::encodeName(spillDir.path()));
        Loaded loaded;
        QVERIFY2(load(path, loaded, readAgain ? FramesReadAgain::Yes : FramesReadAgain::No),
                 loaded.reader.errorString().c_str());
        const std::shared_ptr<CompressedIndex> index = loaded.reader.layout().files[0].index;
        if (readAgain)
            QVERIFY(index->size() >= m_plain.size() / kSpacing);
        QCOMPARE(index->spilledBytes(), uint64_t(0));
        QVERIFY(index->spillProblem().empty());
        QCOMPARE(descriptorsIn(spillDir.path()).size(), size_t(0));
        QCOMPARE(rereadBackwards(loaded.reader.layout(), loaded.records), 0);
    }

    /// Two other readers (each a FrameSource, as the details pane and Follow Stream) read frames
    /// the loader has passed while it is still loading and spilling, on their own threads.
    void readersWhileLoading()
    {
        QTemporaryDir spillDir;
        ScopedEnv tmpdir("TMPDIR", QFile::encodeName(spillDir.path()));
        CaptureReader reader;
        QVERIFY2(reader.open(m_oneFrame.toStdString()), reader.errorString().c_str());
        const CaptureLayout layout = reader.layout();
        std::mutex mutex;
        std::vector<FrameRecord> passed;
        passed.reserve(30'000);
        std::atomic<bool> loading = true;
        std::atomic<int> reads = 0, wrong = 0;
        auto readBehind = [&](uint32_t seed) {
            FrameSource source;
            if (!source.open(layout)) {
                ++wrong;
                return;
            }
            std::vector<uint8_t> bytes;
            while (loading) {
                FrameRecord record;
                {
                    std::lock_guard lock(mutex);
                    if (passed.empty())
                        continue;
                    seed = seed * 1103515245u + 12345u; // alternately the latest frame and any earlier
                    record = passed[seed & 1 ? passed.size() - 1 : (seed >> 8) % passed.size()];
                }
                wrong += !source.read(record, bytes) || !sameAsPlain(record, bytes);
                ++reads;
            }
        };
        std::thread a(readBehind, 1), b(readBehind, 2);
        FrameView frame;
        CaptureReader::Status status;
        size_t frames = 0;
        while ((status = reader.next(frame)) == CaptureReader::Status::Frame) {
            ++frames;
            std::lock_guard lock(mutex);
            passed.push_back(frame.record);
        }
        loading = false;
        a.join();
        b.join();
        QCOMPARE(status, CaptureReader::Status::End);
        QCOMPARE(frames, size_t(26'000));
        QCOMPARE(wrong.load(), 0);
        QVERIFY(reads > 0);
        QVERIFY(waitForSpilled(*layout.files[0].index, m_plain.size() - kSpacing));
        QCOMPARE(rereadBackwards(layout, passed), 0);
    }

    /// No temporary file can be made (TMPDIR a directory that does not exist, or a plain file):
    /// the load goes on, says why in the index, and every frame reads right, decompressed again.
    void fallbackWithoutTemporaryFile_data()
    {
        QTest::addColumn<QString>("tmpdir");
        QTest::newRow("missing directory") << m_dir.filePath("missing/dir");
        QTest::newRow("a file") << m_oneFrame;
    }
    void fallbackWithoutTemporaryFile()
    {
        QFETCH(QString, tmpdir);
        ScopedEnv env("TMPDIR", QFile::encodeName(tmpdir));
        Loaded loaded;
        QVERIFY2(load(m_oneFrame, loaded), loaded.reader.errorString().c_str());
        QCOMPARE(loaded.records.size(), size_t(26'000));
        const std::shared_ptr<CompressedIndex> index = loaded.reader.layout().files[0].index;
        QVERIFY2(QString::fromStdString(index->spillProblem()).contains("cannot make a temporary file"),
                 index->spillProblem().c_str());
        QCOMPARE(index->spilledBytes(), uint64_t(0));
        QCOMPARE(rereadBackwards(loaded.reader.layout(), loaded.records), 0);
        // as before the spill: a frame near the end is decompressed again from the start
        QFile f(m_oneFrame);
        QVERIFY(f.open(QIODevice::ReadOnly));
        CompressedByteSource source(f.handle(), uint64_t(f.size()), Compression::Zstd, index);
        const FrameRecord& last = loaded.records.back();
        std::vector<uint8_t> bytes(last.capturedLength);
        QCOMPARE(source.readAt(last.position, bytes.data(), bytes.size()), ssize_t(bytes.size()));
        QVERIFY(sameAsPlain(last, bytes));
        QVERIFY(source.decompressedBytes() >= last.position);
    }

    /// The spill file cannot grow past a point (here the file size limit, as a full disk would
    /// stop it): the spill stops, its file is emptied at once, and every frame still reads right.
    void fallbackWhenTheFileCannotGrow()
    {
        QTemporaryDir spillDir;
        ScopedEnv tmpdir("TMPDIR", QFile::encodeName(spillDir.path()));
        rlimit old{};
        QCOMPARE(::getrlimit(RLIMIT_FSIZE, &old), 0);
        rlimit limited = old;
        limited.rlim_cur = rlim_t(3 * kSpacing); // the spill's first writes fit, then one does not
        QCOMPARE(::setrlimit(RLIMIT_FSIZE, &limited), 0);
        Loaded loaded;
        const bool ok = load(m_oneFrame, loaded);
        QCOMPARE(::setrlimit(RLIMIT_FSIZE, &old), 0);
        QVERIFY2(ok, loaded.reader.errorString().c_str());
        QCOMPARE(loaded.records.size(), size_t(26'000));
        const std::shared_ptr<CompressedIndex> index = loaded.reader.layout().files[0].index;
        for (int i = 0; i < 2000 && index->spillProblem().empty(); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        QVERIFY2(QString::fromStdString(index->spillProblem()).contains("file size limit"), index->spillProblem().c_str());
        QCOMPARE(index->spilledBytes(), uint64_t(0));
        const std::vector<int> fds = descriptorsIn(spillDir.path());
        QCOMPARE(fds.size(), size_t(1)); // (until the capture closes)
        struct stat st{};
        QCOMPARE(::fstat(fds[0], &st), 0);
        QCOMPARE(qint64(st.st_size), qint64(0)); // its space given back
        QCOMPARE(rereadBackwards(loaded.reader.layout(), loaded.records), 0);
    }
};

QTEST_GUILESS_MAIN(TestCompressedSpill)
#include "tst_compressedspill.moc"
