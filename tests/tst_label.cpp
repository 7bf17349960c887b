// The label rule: `{src}_{srcport}-{dst}_{dstport}-{timestamp}` byte-identical to pcapkit's.

#include "CaptureBuilder.h"

#include "CaptureTracer.h"
#include "FlowTypes.h"
#include "IpAddress.h"
#include "Timestamp.h"
#include "TraceFlow.h"

#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <cstdio>
#include <vector>

using namespace fi;
using namespace fi::test;

class TestLabel : public QObject
{
    Q_OBJECT

private slots:
    void timestampText_data()
    {
        QTest::addColumn<qint64>("seconds");
        QTest::addColumn<uint>("nanoseconds");
        QTest::addColumn<QString>("expected");
        QTest::newRow("microseconds") << 1511106549LL << 913720000u << "1511106549.91372";
        QTest::newRow("integral") << 1389719041LL << 0u << "1389719041.0";
        QTest::newRow("zero") << 0LL << 0u << "0.0";
        QTest::newRow("one microsecond") << 0LL << 1000u << "1e-06";
        QTest::newRow("1e-4 stays fixed") << 0LL << 100000u << "0.0001";
        QTest::newRow("small fraction") << 0LL << 123456000u << "0.123456";
        QTest::newRow("nanoseconds beyond double precision") << 1795690670LL << 477849123u << "1795690670.477849";
        QTest::newRow("nanoseconds") << 1000LL << 5u << "1000.000000005";
        // 1000 + 157038 / 1e6 in doubles is 1000.1570380000001; the exact decimal is not.
        QTest::newRow("naive sum differs") << 1000LL << 157038000u << "1000.157038";
        QTest::newRow("last microsecond") << 1418145369LL << 999999000u << "1418145369.999999";
        QTest::newRow("one nanosecond past one second") << 1LL << 1u << "1.000000001";
        QTest::newRow("large integral") << 6553632LL << 0u << "6553632.0";
        QTest::newRow("before 1970") << -1LL << 500000000u << "-0.5";
        QTest::newRow("the epoch") << 0LL << 0u << "0.0";
    }
    void timestampText()
    {
        QFETCH(qint64, seconds);
        QFETCH(uint, nanoseconds);
        QFETCH(QString, expected);
        QCOMPARE(QString::fromStdString(Timestamp{seconds, nanoseconds}.labelText()), expected);
    }

    void labelTextOfMicrosecondsAsTheDouble()
    {
        // writeLabelText() writes whole microseconds in 1..2^32 s without the double; it must
        // give what repr() of the double gives, at the ends of that range and between them.
        auto viaDouble = [](const Timestamp& t) { return pythonFloatRepr(t.toDouble()); };
        std::vector<Timestamp> times;
        for (int64_t s : {int64_t(0), int64_t(1), int64_t(9), int64_t(10), int64_t(999'999'999),
                          int64_t(1'000'000'000), int64_t(1) << 31, (int64_t(1) << 32) - 1, int64_t(1) << 32})
            for (uint32_t us : {0u, 1u, 10u, 100'000u, 123'456u, 500'000u, 999'999u})
                times.push_back({s, us * 1000});
        uint64_t state = 0x9E3779B97F4A7C15ull; // xorshift: the same times every run
        auto next = [&state] { state ^= state << 13; state ^= state >> 7; state ^= state << 17; return state; };
        for (int i = 0; i < 200'000; ++i)
            times.push_back({int64_t(next() % (uint64_t(1) << 33)), uint32_t(next() % 1'000'000) * 1000});
        for (int i = 0; i < 1000; ++i) // and times of nanoseconds, which take the double's way
            times.push_back({int64_t(next() % (uint64_t(1) << 33)), uint32_t(next() % 1'000'000'000)});
        for (const Timestamp& t : times)
            QCOMPARE(QString::fromStdString(t.labelText()), QString::fromStdString(viaDouble(t)));
    }

    void exactDecimalRounding()
    {
        // Values where computing sec + usec/1e6 in doubles is off by one ulp: the label must
        // use the correctly rounded exact decimal. Check many microsecond values against
        // from_chars of the decimal text (the definition), and that at least one differs from
        // the naive sum, so this test can tell the two apart.
        int naiveDiffers = 0;
        for (uint32_t usec = 0; usec < 1000000; usec += 7) {
            Timestamp ts{1000, usec * 1000};
            double exact = ts.toDouble();
            double naive = 1000.0 + usec / 1e6;
            char text[40];
            std::snprintf(text, sizeof text, "1000.%06u", usec);
            QCOMPARE(exact, std::strtod(text, nullptr));
            naiveDiffers += exact != naive;
        }
        QVERIFY(naiveDiffers > 0);
    }

    void pythonRepr_data()
    {
        QTest::addColumn<double>("value");
        QTest::addColumn<QString>("expected");
        QTest::newRow("1e16") << 1e16 << "1e+16";
        QTest::newRow("below 1e16") << 1234567890123456.0 << "1234567890123456.0";
        QTest::newRow("1e-5") << 1e-5 << "1e-05";
        QTest::newRow("1.5e-5") << 1.5e-5 << "1.5e-05";
        QTest::newRow("0.1") << 0.1 << "0.1";
        QTest::newRow("2^53+2") << 9007199254740994.0 << "9007199254740994.0";
        QTest::newRow("1e-4") << 1e-4 << "0.0001";
        QTest::newRow("integral") << 123.0 << "123.0";
        QTest::newRow("negative") << -2.5 << "-2.5";
        QTest::newRow("a label's time") << 1700000021.858788 << "1700000021.858788";
        QTest::newRow("1e100") << 1e100 << "1e+100";
        QTest::newRow("-1e-300") << -1e-300 << "-1e-300";
        QTest::newRow("largest") << 1.7976931348623157e308 << "1.7976931348623157e+308";
        QTest::newRow("smallest") << 5e-324 << "5e-324";
        QTest::newRow("zero") << 0.0 << "0.0";
        QTest::newRow("negative zero") << -0.0 << "-0.0";
        QTest::newRow("nan") << std::nan("") << "nan";
        QTest::newRow("inf") << HUGE_VAL << "inf";
        QTest::newRow("-inf") << -HUGE_VAL << "-inf";
    }
    void pythonRepr()
    {
        QFETCH(double, value);
        QFETCH(QString, expected);
        QCOMPARE(QString::fromStdString(pythonFloatRepr(value)), expected);
    }

    void addressText_data()
    {
        QTest::addColumn<QString>("address");
        QTest::addColumn<QString>("expected");
        QTest::newRow("ipv4") << "192.168.1.100" << "192.168.1.100";
        QTest::newRow("ipv6 compressed") << "2001:0db8:0:0:0:0:0:1" << "2001:db8::1";
        QTest::newRow("ipv6 longest run") << "2001:0:0:1:0:0:0:1" << "2001:0:0:1::1";
        QTest::newRow("ipv6 first of equal runs") << "2001:0:0:1:0:0:1:1" << "2001::1:0:0:1:1";
        QTest::newRow("ipv6 single zero kept") << "2001:db8:0:1:1:1:1:1" << "2001:db8:0:1:1:1:1:1";
        QTest::newRow("ipv6 all zero") << "::" << "::";
        QTest::newRow("ipv6 loopback") << "::1" << "::1";
        QTest::newRow("ipv6 upper case") << "FE80::ABCD" << "fe80::abcd";
        QTest::newRow("ipv4-mapped") << "::ffff:1.2.3.4" << "::ffff:1.2.3.4";
        QTest::newRow("trailing zeros") << "2001:db8::" << "2001:db8::";
    }
    void addressText()
    {
        QFETCH(QString, address);
        QFETCH(QString, expected);
        Bytes b = ipBytes(address.toStdString());
        IpAddress a = b.size() == 4 ? IpAddress::v4(b.data()) : IpAddress::v6(b.data());
        QCOMPARE(QString::fromStdString(a.toString()), expected);
    }

    void labelOfIpv6Flow()
    {
        Bytes s = ipBytes("2001:db8::1"), d = ipBytes("2001:db8::2");
        BufferID id{IpAddress::v6(s.data()), 5, IpAddress::v6(d.data()), 6};
        QCOMPARE(QString::fromStdString(makeLabel(id, Timestamp{1795690670, 477849000})),
                 "2001.db8..1_5-2001.db8..2_6-1795690670.477849");
    }

    /// The label of a flow traced from a real file, micro- and nanosecond, both byte orders.
    void labelFromFile_data()
    {
        QTest::addColumn<bool>("nanosecond");
        QTest::addColumn<bool>("bigEndian");
        QTest::addColumn<bool>("pcapng");
        QTest::addColumn<qint64>("seconds");
        QTest::addColumn<uint>("fraction");
        QTest::addColumn<QString>("expected");
        const QString prefix = "10.0.0.1_1234-10.0.0.2_80-";
        QTest::newRow("micro LE") << false << false << false << 1511106549LL << 913720u << prefix + "1511106549.91372";
        QTest::newRow("micro BE") << false << true << false << 1511106549LL << 913720u << prefix + "1511106549.91372";
        QTest::newRow("micro integral") << false << false << false << 1511106549LL << 0u << prefix + "1511106549.0";
        QTest::newRow("micro naive sum differs") << false << false << false << 1000LL << 157038u << prefix + "1000.157038";
        QTest::newRow("nano LE") << true << false << false << 1511106549LL << 913720001u << prefix + "1511106549.91372";
        QTest::newRow("nano BE") << true << true << false << 1000LL << 1u << prefix + "1000.000000001";
        QTest::newRow("pcapng micro") << false << false << true << 1511106549LL << 913720u << prefix + "1511106549.91372";
        QTest::newRow("pcapng nano") << true << true << true << 1000LL << 5u << prefix + "1000.000000005";
        // pcap seconds are unsigned 32-bit: 2038 and later stay positive
        QTest::newRow("pcap after 2038") << false << false << false << 2147483648LL << 500000u << prefix + "2147483648.5";
    }
    void labelFromFile()
    {
        QFETCH(bool, nanosecond);
        QFETCH(bool, bigEndian);
        QFETCH(bool, pcapng);
        QFETCH(qint64, seconds);
        QFETCH(uint, fraction);
        QFETCH(QString, expected);
        CaptureSpec spec;
        spec.nanosecond = nanosecond;
        spec.bigEndian = bigEndian;
        spec.add(tcpOverIpv4("10.0.0.1", "10.0.0.2", {}), seconds, fraction);
        QTemporaryDir dir;
        const QString path = dir.filePath("label.cap");
        writeFile(path, pcapng ? pcapngFile(spec) : pcapFile(spec));

        CaptureTracer tracer;
        QVERIFY2(tracer.open(path.toStdString()), tracer.errorString().c_str());
        TraceFlow trace;
        TraceSummary s = tracer.run(trace);
        QCOMPARE(s.end, TraceSummary::End::Complete);
        QCOMPARE(trace.flows().size(), size_t(1));
        QCOMPARE(QString::fromStdString(trace.flows()[0].label), expected);
    }
};

QTEST_GUILESS_MAIN(TestLabel)
#include "tst_label.moc"
