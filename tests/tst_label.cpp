// The label rule: `{src}_{srcport}-{dst}_{dstport}-{timestamp}` byte-identical to pcapkit's.

#include "CaptureBuilder.h"

#include "CaptureTracer.h"
#include "FlowTypes.h"
#include "IpAddress.h"
#include "Timestamp.h"
#include "TraceFlow.h"

#include <QTemporaryDir>
#include <QTest>

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
    }
    void timestampText()
    {
        QFETCH(qint64, seconds);
        QFETCH(uint, nanoseconds);
        QFETCH(QString, expected);
        QCOMPARE(QString::fromStdString(Timestamp{seconds, nanoseconds}.labelText()), expected);
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
