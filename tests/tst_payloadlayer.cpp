// The payload as the last layer of a frame's details (addPayloadLayer): its length and bytes,
// and the plain-text application protocol of a well-known port: HTTP/1 request and status
// lines and headers, SMTP/FTP/POP3/IMAP command and reply lines; nothing for a frame without
// payload, no protocol for bytes that are not text.

#include "CaptureBuilder.h"
#include "PayloadLayer.h"
#include "TcpPacket.h"

#include <QTest>

using namespace fi;
using namespace fi::test;

namespace {

/// `name=value` of the node's fields, and `name{…}` of its groups and layers, depth first.
QString outline(const FieldNode& node)
{
    QStringList parts;
    for (const FieldNode& c : node.children) {
        const QString name = QString::fromStdString(c.name);
        if (c.isContainer())
            parts << name + '{' + outline(c) + '}';
        else if (c.name != "data")
            parts << name + '=' + QString::fromStdString(c.displayValue());
    }
    return parts.join(QLatin1Char(' '));
}

} // namespace

class TestPayloadLayer : public QObject
{
    Q_OBJECT

private slots:
    void layer_data()
    {
        QTest::addColumn<int>("srcPort");
        QTest::addColumn<int>("dstPort");
        QTest::addColumn<QByteArray>("payload");
        QTest::addColumn<int>("cut");          ///< payload bytes the snapshot length left out
        QTest::addColumn<QString>("protocols");
        QTest::addColumn<QString>("expected"); ///< the payload layer's outline; empty: none

        QTest::newRow("an HTTP request")
            << 40000 << 80 << QByteArray("GET /index.html HTTP/1.1\r\nHost: example.org\r\nAccept: */*\r\n\r\n") << 0
            << "Ethernet:IPv4:TCP:Payload:HTTP"
            << "length=60 http{request_line=GET /index.html HTTP/1.1 method=GET uri=/index.html version=HTTP/1.1 "
               "headers{Host=example.org Accept=*/*}}";
        QTest::newRow("an HTTP response with a body, from port 8080")
            << 8080 << 40000 << QByteArray("HTTP/1.0 404 Not Found\r\nContent-Length: 5\r\n\r\n\x01\x02" "abc") << 0
            << "Ethernet:IPv4:TCP:Payload:HTTP"
            << "length=50 http{status_line=HTTP/1.0 404 Not Found version=HTTP/1.0 status_code=404 reason=Not Found "
               "headers{Content-Length=5} body=5}";
        QTest::newRow("HTTP body bytes alone are no HTTP layer")
            << 80 << 40000 << QByteArray("\x89PNG\r\n\x1a\n", 8) << 0 << "Ethernet:IPv4:TCP:Payload" << "length=8";
        QTest::newRow("SMTP commands") << 40000 << 25 << QByteArray("EHLO client\r\nMAIL FROM:<a@b>\r\n") << 0
                                       << "Ethernet:IPv4:TCP:Payload:SMTP"
                                       << "length=30 smtp{command=EHLO client command=MAIL FROM:<a@b>}";
        QTest::newRow("an FTP reply") << 21 << 40000 << QByteArray("220 Service ready\r\n") << 0
                                      << "Ethernet:IPv4:TCP:Payload:FTP" << "length=19 ftp{reply=220 Service ready}";
        QTest::newRow("POP3") << 40000 << 110 << QByteArray("USER alice\r\n") << 0 << "Ethernet:IPv4:TCP:Payload:POP3"
                              << "length=12 pop{command=USER alice}";
        QTest::newRow("IMAP without a final line end") << 143 << 40000 << QByteArray("* OK ready") << 0
                                                       << "Ethernet:IPv4:TCP:Payload:IMAP" << "length=10 imap{reply=* OK ready}";
        QTest::newRow("binary on an SMTP port") << 40000 << 25 << QByteArray("\x16\x03\x01\x00", 4) << 0
                                                << "Ethernet:IPv4:TCP:Payload" << "length=4";
        QTest::newRow("an unknown port") << 40000 << 5555 << QByteArray("hello\r\n") << 0 << "Ethernet:IPv4:TCP:Payload"
                                         << "length=7";
        QTest::newRow("cut by the snapshot length") << 40000 << 80 << QByteArray("GET / HTTP/1.1\r\nHost: x\r\n\r\n") << 10
                                                    << "Ethernet:IPv4:TCP:Payload:HTTP"
                                                    << "length=27 captured=17 http{request_line=GET / HTTP/1.1 method=GET "
                                                       "uri=/ version=HTTP/1.1}";
        QTest::newRow("no payload") << 40000 << 80 << QByteArray() << 0 << "Ethernet:IPv4:TCP" << "";
    }
    void layer()
    {
        QFETCH(int, srcPort);
        QFETCH(int, dstPort);
        QFETCH(QByteArray, payload);
        QFETCH(int, cut);
        QFETCH(QString, protocols);
        QFETCH(QString, expected);
        TcpSpec spec;
        spec.srcPort = uint16_t(srcPort);
        spec.dstPort = uint16_t(dstPort);
        spec.flags = TcpFlag::ACK | TcpFlag::PSH;
        spec.data = payload.toStdString();
        Bytes frame = tcpOverIpv4("10.0.0.1", "10.0.0.2", spec);
        const size_t original = frame.size();
        frame.resize(frame.size() - size_t(cut));

        LayerTree tree = decodeLayers(1, frame.data(), frame.size(), original);
        addPayloadLayer(tree, 1, frame.data(), frame.size(), original);
        QCOMPARE(QString::fromStdString(tree.protocols), protocols);
        const std::vector<const FieldNode*> layers = tree.layers();
        const auto tcp = std::find_if(layers.begin(), layers.end(), [](const FieldNode* l) { return l->name == "tcp"; });
        QVERIFY(tcp != layers.end());
        const FieldNode* layer = (*tcp)->child("payload");
        if (expected.isEmpty()) {
            QVERIFY(!layer);
            return;
        }
        QVERIFY(layer);
        QCOMPARE(outline(*layer), expected);
        // its bytes: where the payload starts in the frame, as far as it was captured
        const uint32_t start = uint32_t(original - size_t(payload.size()));
        QCOMPARE(layer->offset, start);
        QCOMPARE(layer->length, uint32_t(payload.size() - cut));
        QCOMPARE(QString::fromStdString(layer->child("data")->text),
                 QString::fromLatin1(payload.left(payload.size() - cut).toHex()));
    }
};

QTEST_GUILESS_MAIN(TestPayloadLayer)
#include "tst_payloadlayer.moc"
