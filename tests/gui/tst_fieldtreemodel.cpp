// The frame-details model: its structure (checked by QAbstractItemModelTester), what its rows
// say, and the byte ranges they carry.

#include "FieldTreeModel.h"
#include "LayerTree.h"
#include "PacketBuilder.h"
#include "PayloadLayer.h"

#include <QAbstractItemModelTester>
#include <QFont>
#include <QTest>

namespace {

void useOffscreenPlatform()
{
    if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
}

fi::LayerTree decodeEthernet(const fi::test::Bytes& frame)
{
    return fi::decodeLayers(1, frame.data(), frame.size());
}

fi::test::TcpSpec synAck()
{
    fi::test::TcpSpec spec;
    spec.srcPort = 1234;
    spec.dstPort = 80;
    spec.flags = 0x12; // SYN ACK
    return spec;
}

fi::LayerTree ipv4Tree()
{
    return decodeEthernet(fi::test::tcpOverIpv4("10.0.0.1", "10.0.0.2", synAck()));
}

fi::LayerTree ipv6Tree()
{
    fi::test::TcpSpec spec = synAck();
    spec.flags = 0x18; // PSH ACK
    spec.dataOffset = 8;
    spec.payload = 10;
    return decodeEthernet(fi::test::tcpOverIpv6("2001:db8::1", "2001:db8::2", spec));
}

/// An HTTP request, with the payload layer of the frame details.
fi::LayerTree httpTree()
{
    fi::test::TcpSpec spec = synAck();
    spec.srcPort = 40000;
    spec.flags = 0x18; // PSH ACK
    spec.data = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
    const fi::test::Bytes frame = fi::test::tcpOverIpv4("10.0.0.1", "10.0.0.2", spec);
    fi::LayerTree tree = decodeEthernet(frame);
    fi::addPayloadLayer(tree, 1, frame.data(), frame.size());
    return tree;
}

/// An Ethernet/IPv4 frame cut inside the IPv4 header.
fi::LayerTree truncatedTree()
{
    fi::test::Bytes frame = fi::test::tcpOverIpv4("10.0.0.1", "10.0.0.2", synAck());
    frame.resize(30);
    return decodeEthernet(frame);
}

QString fieldText(const QModelIndex& index)
{
    return index.siblingAtColumn(FieldTreeModel::FieldColumn).data().toString();
}

QString valueText(const QModelIndex& index)
{
    return index.siblingAtColumn(FieldTreeModel::ValueColumn).data().toString();
}

/// The row under `parent` whose Field column reads `field`, or an invalid index.
QModelIndex findRow(const QAbstractItemModel& model, const QModelIndex& parent,
                    const QString& field)
{
    for (int row = 0; row < model.rowCount(parent); ++row) {
        const QModelIndex index = model.index(row, FieldTreeModel::FieldColumn, parent);
        if (fieldText(index) == field)
            return index;
    }
    return {};
}

/// Follows a path of Field texts from the top level (`{"Ethernet", "IPv4", "src"}`).
QModelIndex findPath(const QAbstractItemModel& model, const QStringList& path)
{
    QModelIndex index;
    for (const QString& field : path) {
        index = findRow(model, index, field);
        if (!index.isValid())
            return {};
    }
    return index;
}

} // namespace

Q_CONSTRUCTOR_FUNCTION(useOffscreenPlatform)

class TestFieldTreeModel : public QObject
{
    Q_OBJECT

private slots:
    void passesModelTester_data();
    void passesModelTester();
    void passesModelTesterAcrossResets();
    void hasFieldAndValueColumns();
    void ipv4SourceRowCarriesItsByteRange();
    void layerRowsShowSummaries();
    void payloadLayersShowSizeAndFirstLine();
    void ipv6LayerShowsItsAddresses();
    void fieldAndGroupRows();
    void truncatedFrameEndsWithStopRow();
    void emptyTreeHasNoRows();
    void clearRemovesRows();
    void indexAtByteFindsInnermostField();
};

void TestFieldTreeModel::passesModelTester_data()
{
    QTest::addColumn<int>("treeKind");
    QTest::newRow("ipv4") << 0;
    QTest::newRow("ipv6") << 1;
    QTest::newRow("truncated") << 2;
    QTest::newRow("empty") << 3;
    QTest::newRow("http payload") << 4;
}

void TestFieldTreeModel::passesModelTester()
{
    QFETCH(int, treeKind);
    FieldTreeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    switch (treeKind) {
    case 0:
        model.setLayerTree(ipv4Tree());
        break;
    case 1:
        model.setLayerTree(ipv6Tree());
        break;
    case 2:
        model.setLayerTree(truncatedTree());
        break;
    case 4:
        model.setLayerTree(httpTree());
        break;
    default:
        model.setLayerTree(fi::LayerTree());
        break;
    }
    QVERIFY(treeKind == 3 || model.rowCount() > 0);
}

void TestFieldTreeModel::passesModelTesterAcrossResets()
{
    FieldTreeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setLayerTree(ipv4Tree());
    model.setLayerTree(truncatedTree());
    model.clear();
    model.setLayerTree(ipv6Tree());
    QCOMPARE(model.rowCount(), 1);
}

void TestFieldTreeModel::hasFieldAndValueColumns()
{
    FieldTreeModel model;
    QCOMPARE(model.columnCount(), 2);
    QCOMPARE(model.headerData(FieldTreeModel::FieldColumn, Qt::Horizontal).toString(),
             QStringLiteral("Field"));
    QCOMPARE(model.headerData(FieldTreeModel::ValueColumn, Qt::Horizontal).toString(),
             QStringLiteral("Value"));
}

void TestFieldTreeModel::ipv4SourceRowCarriesItsByteRange()
{
    FieldTreeModel model;
    model.setLayerTree(ipv4Tree());
    const QModelIndex src = findPath(model, {"Ethernet", "IPv4", "src"});
    QVERIFY(src.isValid());
    QCOMPARE(valueText(src), QStringLiteral("10.0.0.1"));
    QCOMPARE(src.data(FieldTreeModel::ByteOffsetRole).toInt(), 26);
    QCOMPARE(src.data(FieldTreeModel::ByteLengthRole).toInt(), 4);
    // Both columns carry the range.
    QCOMPARE(src.siblingAtColumn(FieldTreeModel::ValueColumn)
                 .data(FieldTreeModel::ByteOffsetRole)
                 .toInt(),
             26);

    const QModelIndex dst = findPath(model, {"Ethernet", "IPv4", "dst"});
    QCOMPARE(dst.data(FieldTreeModel::ByteOffsetRole).toInt(), 30);
    QCOMPARE(dst.data(FieldTreeModel::ByteLengthRole).toInt(), 4);
}

void TestFieldTreeModel::layerRowsShowSummaries()
{
    FieldTreeModel model;
    model.setLayerTree(ipv4Tree());
    QCOMPARE(model.rowCount(), 1);

    const QModelIndex ethernet = model.index(0, 0);
    QCOMPARE(fieldText(ethernet), QStringLiteral("Ethernet"));
    QCOMPARE(valueText(ethernet), QStringLiteral("14 bytes"));
    QCOMPARE(ethernet.data(FieldTreeModel::ByteOffsetRole).toInt(), 0);

    const QModelIndex ipv4 = findRow(model, ethernet, "IPv4");
    QVERIFY(ipv4.isValid());
    QCOMPARE(valueText(ipv4), QStringLiteral("10.0.0.1 \u2192 10.0.0.2"));
    QCOMPARE(ipv4.data(FieldTreeModel::ByteOffsetRole).toInt(), 14);

    const QModelIndex tcp = findRow(model, ipv4, "TCP");
    QVERIFY(tcp.isValid());
    QCOMPARE(valueText(tcp), QStringLiteral("1234 \u2192 80 [SYN, ACK]"));
    QCOMPARE(tcp.data(FieldTreeModel::ByteOffsetRole).toInt(), 34);
    QCOMPARE(tcp.data(FieldTreeModel::ByteLengthRole).toInt(), 20);
    QVERIFY(tcp.data(Qt::FontRole).value<QFont>().bold());
}

void TestFieldTreeModel::payloadLayersShowSizeAndFirstLine()
{
    FieldTreeModel model;
    model.setLayerTree(httpTree());
    const QModelIndex tcp = findRow(model, findRow(model, model.index(0, 0), "IPv4"), "TCP");
    QCOMPARE(valueText(tcp), QStringLiteral("40000 \u2192 80 [PSH, ACK]"));
    const QModelIndex payload = findRow(model, tcp, "Payload");
    QVERIFY(payload.isValid());
    QCOMPARE(valueText(payload), QStringLiteral("27 bytes"));
    QCOMPARE(payload.data(FieldTreeModel::ByteOffsetRole).toInt(), 54);
    const QModelIndex http = findRow(model, payload, "HTTP");
    QVERIFY(http.isValid());
    QCOMPARE(valueText(http), QStringLiteral("GET / HTTP/1.1"));
}

void TestFieldTreeModel::ipv6LayerShowsItsAddresses()
{
    FieldTreeModel model;
    model.setLayerTree(ipv6Tree());
    const QModelIndex ipv6 = findPath(model, {"Ethernet", "IPv6"});
    QVERIFY(ipv6.isValid());
    QCOMPARE(valueText(ipv6), QStringLiteral("2001:db8::1 \u2192 2001:db8::2"));
    const QModelIndex tcp = findRow(model, ipv6, "TCP");
    QCOMPARE(valueText(tcp), QStringLiteral("1234 \u2192 80 [PSH, ACK]"));
    const QModelIndex src = findRow(model, ipv6, "src");
    QCOMPARE(src.data(FieldTreeModel::ByteOffsetRole).toInt(), 22);
    QCOMPARE(src.data(FieldTreeModel::ByteLengthRole).toInt(), 16);
}

void TestFieldTreeModel::fieldAndGroupRows()
{
    FieldTreeModel model;
    model.setLayerTree(ipv4Tree());
    const QModelIndex tcp = findPath(model, {"Ethernet", "IPv4", "TCP"});

    const QModelIndex dstPort = findRow(model, tcp, "dstport");
    QCOMPARE(valueText(dstPort), QStringLiteral("80"));
    QCOMPARE(model.rowCount(dstPort), 0);

    const QModelIndex flags = findRow(model, tcp, "flags");
    QVERIFY(flags.isValid());
    QCOMPARE(valueText(flags), QString());
    QCOMPARE(model.rowCount(flags), 9);
    QCOMPARE(valueText(findRow(model, flags, "syn")), QStringLiteral("True"));
    QCOMPARE(valueText(findRow(model, flags, "fin")), QStringLiteral("False"));
    QCOMPARE(model.parent(findRow(model, flags, "syn")), flags);
}

void TestFieldTreeModel::truncatedFrameEndsWithStopRow()
{
    const fi::LayerTree tree = truncatedTree();
    QVERIFY(!tree.stopReason.empty());
    FieldTreeModel model;
    model.setLayerTree(tree);

    QCOMPARE(model.rowCount(), int(tree.root.children.size()) + 1);
    const QModelIndex stop = model.index(model.rowCount() - 1, 0);
    QCOMPARE(fieldText(stop), QStringLiteral("Decoding stopped"));
    QCOMPARE(valueText(stop), QString::fromStdString(tree.stopReason));
    QCOMPARE(model.rowCount(stop), 0);
    QCOMPARE(model.parent(stop), QModelIndex());
    QCOMPARE(stop.data(FieldTreeModel::ByteLengthRole).toInt(), 0);

    // The cut-short IPv4 layer has no fields to summarise; it shows the bytes it has.
    const QModelIndex ipv4 = findPath(model, {"Ethernet", "IPv4"});
    QVERIFY(ipv4.isValid());
    QCOMPARE(valueText(ipv4), QStringLiteral("16 bytes"));
}

void TestFieldTreeModel::emptyTreeHasNoRows()
{
    FieldTreeModel model;
    QCOMPARE(model.rowCount(), 0);
    model.setLayerTree(fi::LayerTree());
    QCOMPARE(model.rowCount(), 0);
    QVERIFY(!model.index(0, 0).isValid());
    QVERIFY(!model.indexAtByte(0).isValid());
}

void TestFieldTreeModel::clearRemovesRows()
{
    FieldTreeModel model;
    model.setLayerTree(truncatedTree());
    QVERIFY(model.rowCount() > 0);
    model.clear();
    QCOMPARE(model.rowCount(), 0);
    QVERIFY(model.layerTree().protocols.empty());
}

void TestFieldTreeModel::indexAtByteFindsInnermostField()
{
    FieldTreeModel model;
    model.setLayerTree(ipv4Tree());

    const QModelIndex src = model.indexAtByte(27);
    QCOMPARE(src, findPath(model, {"Ethernet", "IPv4", "src"}));

    const QModelIndex ethernetType = model.indexAtByte(12);
    QCOMPARE(ethernetType, findPath(model, {"Ethernet", "type"}));

    const QModelIndex synFlag = model.indexAtByte(34 + 13);
    QCOMPARE(synFlag.parent(), findPath(model, {"Ethernet", "IPv4", "TCP", "flags"}));

    QVERIFY(!model.indexAtByte(-1).isValid());
    QVERIFY(!model.indexAtByte(10000).isValid());
}

QTEST_MAIN(TestFieldTreeModel)
#include "tst_fieldtreemodel.moc"
