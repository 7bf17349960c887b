// The hex dump widget: its text, highlight, hit testing, scrolling, copying and painting.

#include "HexView.h"
#include "PacketBuilder.h"

#include <QApplication>
#include <QClipboard>
#include <QImage>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTest>

namespace {

void useOffscreenPlatform()
{
    if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
}

QByteArray countingBytes(int size)
{
    QByteArray bytes(size, Qt::Uninitialized);
    for (int i = 0; i < size; ++i)
        bytes[i] = char(i & 0xFF);
    return bytes;
}

/// Pixels of `image` that differ from `background`.
int pixelsDifferingFrom(const QImage& image, const QColor& background)
{
    const QImage rgb = image.convertToFormat(QImage::Format_RGB32);
    const QRgb plain = background.rgb();
    int count = 0;
    for (int y = 0; y < rgb.height(); ++y) {
        const auto* line = reinterpret_cast<const QRgb*>(rgb.constScanLine(y));
        for (int x = 0; x < rgb.width(); ++x)
            count += (line[x] & 0xFFFFFF) != (plain & 0xFFFFFF) ? 1 : 0;
    }
    return count;
}

} // namespace

Q_CONSTRUCTOR_FUNCTION(useOffscreenPlatform)

class TestHexView : public QObject
{
    Q_OBJECT

private slots:
    void dumpsKnownBytesExactly();
    void widensOffsetColumnPastSixtyFourKiB();
    void emptyViewHasNoText();
    void isNamedForAccessibility();
    void highlightIsClippedAndCleared();
    void settingBytesClearsHighlight();
    void highlightScrollsIntoView();
    void everyByteRectHitsItsByte();
    void clickingAByteEmitsItsOffset();
    void clickingOutsideBytesEmitsNothing();
    void keysScroll();
    void arrowsMoveTheByteAndSelectIt();
    void ctrlCCopiesDump();
    void sizeHintFitsAWholeLine();
    void paintsBytesAndEmptyHint();
};

void TestHexView::dumpsKnownBytesExactly()
{
    HexView view;
    QByteArray bytes("GET / HTTP/1.1\r\n");
    bytes.append(char(0x00)).append(char(0xFF)).append(char(0x7F)).append(' ');
    QCOMPARE(bytes.size(), 20);
    view.setBytes(bytes);
    QCOMPARE(view.bytes(), bytes);

    const QStringList lines = view.dumpText().split(QLatin1Char('\n'));
    QCOMPARE(lines.size(), 2);
    QCOMPARE(
        lines[0],
        QStringLiteral("0000  47 45 54 20 2f 20 48 54  54 50 2f 31 2e 31 0d 0a  GET / HTTP/1.1.."));
    // The ASCII column stays aligned on the short last line: column 56.
    QCOMPARE(lines[1],
             QStringLiteral("0010  00 ff 7f 20                                       ... "));
    QCOMPARE(lines[1].indexOf(QLatin1Char('.')), 56);
    QVERIFY(!view.dumpText().endsWith(QLatin1Char('\n')));
}

void TestHexView::widensOffsetColumnPastSixtyFourKiB()
{
    HexView view;
    view.setBytes(countingBytes(70000));
    const QStringList lines = view.dumpText().split(QLatin1Char('\n'));
    QCOMPARE(lines.size(), 4375);
    QVERIFY(lines.first().startsWith(QStringLiteral("00000  00 01 02")));
    QVERIFY(lines.last().startsWith(QStringLiteral("11160  60 61 62")));
}

void TestHexView::emptyViewHasNoText()
{
    HexView view;
    QVERIFY(view.bytes().isEmpty());
    QCOMPARE(view.dumpText(), QString());
    QCOMPARE(view.byteRect(0), QRect());
    QCOMPARE(view.byteAt(QPoint(20, 10)), -1);

    view.setBytes("abc");
    view.clear();
    QVERIFY(view.bytes().isEmpty());
    QCOMPARE(view.dumpText(), QString());
}

void TestHexView::isNamedForAccessibility()
{
    HexView view;
    QCOMPARE(view.accessibleName(), QStringLiteral("Bytes"));
}

void TestHexView::highlightIsClippedAndCleared()
{
    HexView view;
    view.setBytes(countingBytes(100));

    view.setHighlight(20, 5);
    QCOMPARE(view.highlightOffset(), 20);
    QCOMPARE(view.highlightLength(), 5);

    view.setHighlight(98, 10);
    QCOMPARE(view.highlightOffset(), 98);
    QCOMPARE(view.highlightLength(), 2);

    view.setHighlight(5, 0);
    QCOMPARE(view.highlightOffset(), 0);
    QCOMPARE(view.highlightLength(), 0);

    view.setHighlight(200, 3);
    QCOMPARE(view.highlightLength(), 0);
    view.setHighlight(-1, 3);
    QCOMPARE(view.highlightLength(), 0);
}

void TestHexView::settingBytesClearsHighlight()
{
    HexView view;
    view.setBytes(countingBytes(100));
    view.setHighlight(10, 4);
    view.setBytes(countingBytes(50));
    QCOMPARE(view.highlightOffset(), 0);
    QCOMPARE(view.highlightLength(), 0);
}

void TestHexView::highlightScrollsIntoView()
{
    HexView view;
    view.resize(600, 200);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.setBytes(countingBytes(4096));
    QCOMPARE(view.verticalScrollBar()->value(), 0);
    QVERIFY(!view.viewport()->rect().contains(view.byteRect(4000)));

    view.setHighlight(4000, 4);
    QVERIFY(view.verticalScrollBar()->value() > 0);
    QVERIFY(view.viewport()->rect().contains(view.byteRect(4000)));
    QVERIFY(view.viewport()->rect().contains(view.byteRect(4003)));

    view.setHighlight(3, 1);
    QCOMPARE(view.verticalScrollBar()->value(), 0);
}

void TestHexView::everyByteRectHitsItsByte()
{
    HexView view;
    view.resize(700, 400);
    view.setBytes(countingBytes(70));
    for (int offset = 0; offset < 70; ++offset) {
        const QRect rect = view.byteRect(offset);
        QVERIFY(!rect.isEmpty());
        QCOMPARE(view.byteAt(rect.center()), offset);
        QCOMPARE(view.byteAt(rect.topLeft() + QPoint(1, 1)), offset);
    }
    QCOMPARE(view.byteRect(70), QRect());
    QCOMPARE(view.byteRect(-1), QRect());
    // Bytes 0 and 16 sit on consecutive lines, 8 and 7 either side of the group gap.
    QVERIFY(view.byteRect(16).top() > view.byteRect(0).top());
    QVERIFY(view.byteRect(8).left() - view.byteRect(7).right() >
            view.byteRect(7).left() - view.byteRect(6).right());
}

void TestHexView::clickingAByteEmitsItsOffset()
{
    HexView view;
    view.resize(700, 300);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.setBytes(countingBytes(64));
    QSignalSpy clicked(&view, &HexView::byteClicked);

    QTest::mouseClick(view.viewport(), Qt::LeftButton, {}, view.byteRect(37).center());
    QCOMPARE(clicked.count(), 1);
    QCOMPARE(clicked.at(0).at(0).toInt(), 37);

    QTest::mouseClick(view.viewport(), Qt::LeftButton, {}, view.byteRect(0).center());
    QCOMPARE(clicked.count(), 2);
    QCOMPARE(clicked.at(1).at(0).toInt(), 0);
}

void TestHexView::clickingOutsideBytesEmitsNothing()
{
    HexView view;
    view.resize(700, 300);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.setBytes(countingBytes(20));
    QSignalSpy clicked(&view, &HexView::byteClicked);

    // Below the last line, and on the offset column.
    const QRect last = view.byteRect(19);
    QTest::mouseClick(view.viewport(), Qt::LeftButton, {},
                      last.center() + QPoint(0, 3 * last.height()));
    QTest::mouseClick(view.viewport(), Qt::LeftButton, {},
                      QPoint(10, view.byteRect(0).center().y()));
    QCOMPARE(clicked.count(), 0);
}

void TestHexView::keysScroll()
{
    HexView view;
    view.resize(600, 200);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.setBytes(countingBytes(4096));
    QScrollBar* bar = view.verticalScrollBar();
    QVERIFY(bar->maximum() > 0);

    QTest::keyClick(&view, Qt::Key_PageDown);
    QCOMPARE(bar->value(), bar->pageStep());
    QTest::keyClick(&view, Qt::Key_PageUp);
    QCOMPARE(bar->value(), 0);
    QTest::keyClick(&view, Qt::Key_End);
    QCOMPARE(bar->value(), bar->maximum());
    QCOMPARE(bar->maximum(), 256 - bar->pageStep());
    QTest::keyClick(&view, Qt::Key_Home);
    QCOMPARE(bar->value(), 0);
}

void TestHexView::arrowsMoveTheByteAndSelectIt()
{
    HexView view;
    view.resize(600, 200);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.setBytes(countingBytes(4096));
    QSignalSpy moved(&view, &HexView::byteClicked);
    QCOMPARE(view.cursorOffset(), -1);
    QTest::keyClick(&view, Qt::Key_Right); // the first key starts at the first byte
    QCOMPARE(view.cursorOffset(), 0);
    QTest::keyClick(&view, Qt::Key_Right);
    QTest::keyClick(&view, Qt::Key_Down);
    QCOMPARE(view.cursorOffset(), 17);
    QTest::keyClick(&view, Qt::Key_Left);
    QTest::keyClick(&view, Qt::Key_Up);
    QTest::keyClick(&view, Qt::Key_Up); // stays on the first line
    QCOMPARE(view.cursorOffset(), 0);
    QList<int> offsets;
    for (const QList<QVariant>& signal : moved)
        offsets << signal.at(0).toInt();
    QCOMPARE(offsets, (QList<int>{0, 1, 17, 16, 0, 0}));
    // from a field selected elsewhere (its highlight), the arrows go on from that field
    view.setHighlight(100, 4);
    view.setBytes(countingBytes(4096));
    view.setHighlight(100, 4);
    QTest::keyClick(&view, Qt::Key_Down);
    QCOMPARE(view.cursorOffset(), 116);
    for (int i = 0; i < 300; ++i) // the view follows the byte
        QTest::keyClick(&view, Qt::Key_Down);
    QCOMPARE(view.cursorOffset(), 4080 + 116 % 16); // the last line, same column
    QVERIFY(view.verticalScrollBar()->value() == view.verticalScrollBar()->maximum());
}

void TestHexView::ctrlCCopiesDump()
{
    HexView view;
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.setBytes(countingBytes(40));
    QApplication::clipboard()->clear();

    QTest::keyClick(&view, Qt::Key_C, Qt::ControlModifier);
    QCOMPARE(QApplication::clipboard()->text(), view.dumpText());

    QApplication::clipboard()->clear();
    view.copyAsText();
    QCOMPARE(QApplication::clipboard()->text(), view.dumpText());
}

void TestHexView::sizeHintFitsAWholeLine()
{
    HexView view;
    view.setBytes(countingBytes(4096));
    const QSize hint = view.sizeHint();
    QVERIFY(hint.width() > view.minimumSizeHint().width());
    QVERIFY(hint.height() > view.minimumSizeHint().height());
    view.resize(hint);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QCOMPARE(view.horizontalScrollBar()->maximum(), 0);
    QVERIFY(view.viewport()->rect().contains(view.byteRect(15)));
}

void TestHexView::paintsBytesAndEmptyHint()
{
    HexView view;
    view.resize(600, 200);
    const QColor background = view.viewport()->palette().color(QPalette::Base);

    // The empty view shows its hint.
    QVERIFY(pixelsDifferingFrom(view.viewport()->grab().toImage(), background) > 0);

    const fi::test::Bytes frame = fi::test::tcpOverIpv4("10.0.0.1", "10.0.0.2", {});
    view.setBytes(QByteArray(reinterpret_cast<const char*>(frame.data()), qsizetype(frame.size())));
    const QImage plain = view.grab().toImage();
    QVERIFY(pixelsDifferingFrom(plain, background) > 1000);

    view.setHighlight(26, 8);
    const QImage highlighted = view.grab().toImage();
    QCOMPARE(highlighted.size(), plain.size());
    QVERIFY(highlighted != plain);
    // The highlight colour shows inside the rect of a highlighted byte.
    const QRect rect = view.byteRect(27).translated(view.viewport()->pos());
    const QColor highlight = view.palette().color(QPalette::Highlight);
    QCOMPARE(highlighted.pixelColor(rect.topLeft()).rgb(), highlight.rgb());
}

QTEST_MAIN(TestHexView)
#include "tst_hexview.moc"
