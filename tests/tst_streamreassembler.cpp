// One direction's payload put back in sequence order (StreamReassembler): each byte once, the
// first captured copy winning, out-of-order segments in their place, gaps where nothing was
// captured, the base at the SYN or the first segment, and sequence numbers that wrap.

#include "StreamReassembler.h"

#include <QTest>

using namespace fi;

namespace {

struct Segment
{
    uint32_t seq;
    QByteArray flags; ///< "S" SYN, "F" FIN
    QByteArray payload;
};

/// The stream as text from its begin(): captured bytes as they are, gaps as [N].
QByteArray render(const StreamReassembler& stream)
{
    QByteArray out;
    int64_t at = stream.begin();
    for (const StreamReassembler::Piece& p : stream.pieces()) {
        if (p.offset > at)
            out += '[' + QByteArray::number(qlonglong(p.offset - at)) + ']';
        out += QByteArray(stream.bytes().data() + p.data, qsizetype(p.length));
        at = p.offset + p.length;
    }
    if (stream.end() > at)
        out += '[' + QByteArray::number(qlonglong(stream.end() - at)) + ']';
    return out;
}

} // namespace

Q_DECLARE_METATYPE(QList<Segment>)

class TestStreamReassembler : public QObject
{
    Q_OBJECT

private slots:
    void reassembles_data()
    {
        QTest::addColumn<QList<Segment>>("segments");
        QTest::addColumn<QByteArray>("stream");
        QTest::addColumn<qlonglong>("begin");
        QTest::addColumn<qulonglong>("missing");
        QTest::addColumn<qulonglong>("duplicate");

        const uint32_t isn = 1000;
        QTest::newRow("in order after a SYN") << QList<Segment>{{isn, "S", ""}, {isn + 1, "", "abc"}, {isn + 4, "", "def"}}
                                              << QByteArray("abcdef") << 0LL << 0ULL << 0ULL;
        QTest::newRow("out of order") << QList<Segment>{{isn, "S", ""}, {isn + 4, "", "def"}, {isn + 1, "", "abc"}}
                                      << QByteArray("abcdef") << 0LL << 0ULL << 0ULL;
        QTest::newRow("a retransmission counts once, the first copy wins")
            << QList<Segment>{{isn, "S", ""}, {isn + 1, "", "abc"}, {isn + 1, "", "xyz"}, {isn + 4, "", "d"}}
            << QByteArray("abcd") << 0LL << 0ULL << 3ULL;
        QTest::newRow("a retransmission overlapping both sides")
            << QList<Segment>{{isn, "S", ""}, {isn + 3, "", "cd"}, {isn + 1, "", "ABCDEF"}}
            << QByteArray("ABcdEF") << 0LL << 0ULL << 2ULL;
        QTest::newRow("a segment inside a gap's edges")
            << QList<Segment>{{isn, "S", ""}, {isn + 1, "", "ab"}, {isn + 6, "", "fg"}, {isn + 2, "", "BCDEFG"}}
            << QByteArray("abCDEfg") << 0LL << 0ULL << 3ULL;
        QTest::newRow("bytes never captured") << QList<Segment>{{isn, "S", ""}, {isn + 1, "", "abc"}, {isn + 10, "", "jk"}}
                                              << QByteArray("abc[6]jk") << 0LL << 6ULL << 0ULL;
        QTest::newRow("the first data lost after the SYN") << QList<Segment>{{isn, "S", ""}, {isn + 5, "", "ef"}}
                                                           << QByteArray("[4]ef") << 0LL << 4ULL << 0ULL;
        QTest::newRow("a FIN after a gap ends the stream")
            << QList<Segment>{{isn, "S", ""}, {isn + 1, "", "ab"}, {isn + 7, "F", ""}}
            << QByteArray("ab[4]") << 0LL << 4ULL << 0ULL;
        QTest::newRow("without a SYN, from the first segment")
            << QList<Segment>{{5000, "", "mid"}, {5003, "", "dle"}} << QByteArray("middle") << 0LL << 0ULL << 0ULL;
        QTest::newRow("earlier bytes seen later have their place")
            << QList<Segment>{{5000, "", "dle"}, {4997, "", "mid"}} << QByteArray("middle") << -3LL << 0ULL << 0ULL;
        QTest::newRow("sequence numbers wrap")
            << QList<Segment>{{0xfffffffe, "S", ""}, {0xffffffff, "", "ab"}, {1, "", "cd"}, {3, "F", "e"}}
            << QByteArray("abcde") << 0LL << 0ULL << 0ULL;
        QTest::newRow("a FIN again with the SYN's number (tcp__fin_retransmission)")
            << QList<Segment>{{isn, "S", ""}, {isn, "F", ""}, {isn, "F", ""}} << QByteArray("") << 0LL << 0ULL << 0ULL;
        QTest::newRow("a SYN carrying data") << QList<Segment>{{isn, "S", "hi"}, {isn + 3, "", "!"}}
                                             << QByteArray("hi!") << 0LL << 0ULL << 0ULL;
        QTest::newRow("a retransmitted SYN") << QList<Segment>{{isn, "S", ""}, {isn, "S", ""}, {isn + 1, "", "a"}}
                                             << QByteArray("a") << 0LL << 0ULL << 0ULL;
        QTest::newRow("keep-alive: one byte before the next") << QList<Segment>{{isn, "S", ""}, {isn + 1, "", "ab"}, {isn + 2, "", "X"}}
                                                              << QByteArray("ab") << 0LL << 0ULL << 1ULL;
    }
    void reassembles()
    {
        QFETCH(QList<Segment>, segments);
        QFETCH(QByteArray, stream);
        QFETCH(qlonglong, begin);
        QFETCH(qulonglong, missing);
        QFETCH(qulonglong, duplicate);
        StreamReassembler r;
        QVERIFY(r.empty());
        uint32_t frame = 0;
        for (const Segment& s : segments)
            r.add(++frame, s.seq, s.flags.contains('S'), s.flags.contains('F'),
                  std::span(reinterpret_cast<const uint8_t*>(s.payload.constData()), size_t(s.payload.size())));
        QCOMPARE(render(r), stream);
        QCOMPARE(qlonglong(r.begin()), begin);
        QCOMPARE(qulonglong(r.missingBytes()), missing);
        QCOMPARE(qulonglong(r.duplicateBytes()), duplicate);
        // pieces never overlap and come in order
        int64_t at = INT64_MIN;
        for (const StreamReassembler::Piece& p : r.pieces()) {
            QVERIFY(p.offset >= at);
            QVERIFY(p.length > 0);
            at = p.offset + p.length;
        }
    }

    void piecesNameTheFramesThatCarriedThem()
    {
        StreamReassembler r;
        const QByteArray b = "world", c = "HELLO WORLD";
        auto add = [&r](uint32_t frame, uint32_t seq, const QByteArray& p) {
            r.add(frame, seq, false, false, std::span(reinterpret_cast<const uint8_t*>(p.constData()), size_t(p.size())));
        };
        add(7, 100, QByteArray()); // a pure ACK first: the base
        add(8, 106, b);
        add(9, 100, c); // fills 0..5, its overlap with frame 8 dropped
        const std::vector<StreamReassembler::Piece> pieces = r.pieces();
        QCOMPARE(pieces.size(), size_t(2));
        QCOMPARE(pieces[0].frame, 9u);
        QCOMPARE(pieces[0].offset, 0);
        QCOMPARE(pieces[0].length, 6u);
        QCOMPARE(pieces[1].frame, 8u);
        QCOMPARE(pieces[1].offset, 6);
        QCOMPARE(render(r), QByteArray("HELLO world"));
        QVERIFY(!r.finished());
    }

    void aLongStreamInOrder()
    {
        // 100,000 segments of 1,460 bytes, every tenth sent twice: 146 MB, each byte once
        StreamReassembler r;
        std::vector<uint8_t> payload(1460);
        const uint32_t isn = 0xfff00000; // wraps about 700 segments in
        r.add(1, isn, true, false, {});
        uint64_t sum = 0;
        for (uint32_t i = 0; i < 100'000; ++i) {
            std::fill(payload.begin(), payload.end(), uint8_t(i));
            const uint32_t seq = isn + 1 + i * 1460;
            r.add(i + 2, seq, false, false, payload);
            if (i % 10 == 0)
                r.add(i + 2, seq, false, false, payload);
            sum += uint8_t(i) * 1460ull;
        }
        QCOMPARE(r.end(), int64_t(146'000'000));
        QCOMPARE(r.missingBytes(), 0ull);
        QCOMPARE(r.duplicateBytes(), 10'000ull * 1460);
        QCOMPARE(r.bytes().size(), size_t(146'000'000));
        uint64_t got = 0;
        for (char c : r.bytes())
            got += uint8_t(c);
        QCOMPARE(got, sum);
    }
};

QTEST_GUILESS_MAIN(TestStreamReassembler)
#include "tst_streamreassembler.moc"
