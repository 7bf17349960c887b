// The hex dump widget: its text, highlight, hit testing, scrolling, copying and painting, and
// its 16 or 8 bytes a line as its width allows.

#include "HexView.h"
#include "PacketBuilder.h"

#include <QApplication>
#include <QClipboard>
#include <QFont>
#include <QImage>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTest>
#include <algorithm>
#include <cstdlib>

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

/// The width the details pane gives the view in the app's default layout at 1024x700.
constexpr int kNarrowWidth = 340;

/// A width at which a whole 16-byte line fits, scroll bar and all.
int wideWidth(const HexView& view)
{
    return view.sizeHint().width() + 20;
}

/// Shows `view` at `size` and waits for its scroll bars and viewport to settle.
bool showAt(HexView& view, const QSize& size)
{
    view.resize(size);
    view.show();
    if (!QTest::qWaitForWindowExposed(&view))
        return false;
    QCoreApplication::processEvents(); // the scroll bars show and hide in queued calls
    return true;
}

/// Whether the whole of `rect` lies inside `view`'s viewport.
bool inViewport(const HexView& view, const QRect& rect)
{
    return !rect.isEmpty() && view.viewport()->rect().contains(rect);
}

/// Whether `view`'s viewport is wide enough for the whole ASCII column: the last character of
/// a full line ends inside it, and there is nothing to scroll sideways to.
bool asciiColumnFits(const HexView& view)
{
    const int lastInLine = std::min<int>(view.bytesPerLine(), int(view.bytes().size())) - 1;
    const QRect last = view.asciiRect(lastInLine);
    return !last.isEmpty() && last.left() >= 0 && last.right() < view.viewport()->width() &&
           view.horizontalScrollBar()->maximum() == 0;
}

/// The colour `image` (of the viewport) has at the top middle of `rect`, off any glyph.
QRgb colourAtTopOf(const QImage& image, const QRect& rect)
{
    return image.pixelColor(rect.center().x(), rect.top()).rgb();
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
    void bytesPerLineFollowsTheWidth();
    void neverFewerThanEightBytesPerLine();
    void bytesPerLineFollowsTheFont();
    void wideLinesMakeRoomForTheScrollBarTheyNeed();
    void narrowViewHitsAndPaintsItsBytes();
    void clickingAndArrowsAtEightPerLine();
    void highlightAndCursorSurviveAResize();
    void resizingKeepsTheTopByteAndTheCursorInView();
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
    QVERIFY(showAt(view, {wideWidth(view), 200}));
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
    view.resize(wideWidth(view), 400);
    view.setBytes(countingBytes(70));
    QCOMPARE(view.bytesPerLine(), 16);
    for (int offset = 0; offset < 70; ++offset) {
        const QRect rect = view.byteRect(offset);
        QVERIFY(!rect.isEmpty());
        QCOMPARE(view.byteAt(rect.center()), offset);
        QCOMPARE(view.byteAt(rect.topLeft() + QPoint(1, 1)), offset);
        const QRect ascii = view.asciiRect(offset);
        QCOMPARE(ascii.top(), rect.top());
        QVERIFY(ascii.left() > view.byteRect(offset | 15).right()); // after the hex column
        QCOMPARE(view.byteAt(ascii.center()), offset);
    }
    QCOMPARE(view.byteRect(70), QRect());
    QCOMPARE(view.byteRect(-1), QRect());
    QCOMPARE(view.asciiRect(70), QRect());
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
    QVERIFY(showAt(view, {wideWidth(view), 200}));
    view.setBytes(countingBytes(4096));
    QCOMPARE(view.bytesPerLine(), 16);
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
    QVERIFY(showAt(view, {wideWidth(view), 200}));
    view.setBytes(countingBytes(4096));
    QCOMPARE(view.bytesPerLine(), 16);
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
    QCOMPARE(view.bytesPerLine(), 16);
    QVERIFY(view.viewport()->rect().contains(view.byteRect(15)));
    QVERIFY(asciiColumnFits(view));
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

void TestHexView::bytesPerLineFollowsTheWidth()
{
    HexView view;
    view.setBytes(countingBytes(300));
    QVERIFY(showAt(view, {wideWidth(view), 300}));
    QCOMPARE(view.bytesPerLine(), 16);
    QTRY_VERIFY(asciiColumnFits(view));
    QVERIFY(view.asciiRect(15).top() == view.asciiRect(0).top());
    QVERIFY(view.byteRect(16).top() > view.byteRect(15).top());

    // The app's default layout: the whole 16-byte line does not fit, 8 do.
    view.resize(kNarrowWidth, 300);
    QCOMPARE(view.bytesPerLine(), 8);
    QTRY_VERIFY(asciiColumnFits(view));
    QVERIFY(view.asciiRect(7).right() < view.viewport()->width());
    QCOMPARE(view.byteRect(8).left(), view.byteRect(0).left()); // byte 8 starts the next line
    QVERIFY(view.byteRect(8).top() > view.byteRect(7).top());
    QCOMPARE(view.asciiRect(8).left(), view.asciiRect(0).left());
    QCOMPARE(view.verticalScrollBar()->maximum() + view.verticalScrollBar()->pageStep(),
             300 / 8 + 1); // lines of 8, the last one partial

    // The ASCII column starts two characters after the last byte's two digits.
    const QRect lastHex = view.byteRect(7);
    const int gap = view.asciiRect(0).left() - (lastHex.left() + lastHex.width());
    QVERIFY2(std::abs(gap - lastHex.width()) <= 2, qPrintable(QString::number(gap)));

    // The copied dump does not depend on the width.
    const QStringList lines = view.dumpText().split(QLatin1Char('\n'));
    QCOMPARE(lines.size(), 19);
    QVERIFY(lines[1].startsWith(QStringLiteral("0010  10 11 12 13 14 15 16 17  18 19")));

    // Wide again: 16 a line again.
    view.resize(wideWidth(view), 300);
    QCOMPARE(view.bytesPerLine(), 16);
    QTRY_VERIFY(asciiColumnFits(view));
}

void TestHexView::neverFewerThanEightBytesPerLine()
{
    HexView view;
    view.setBytes(countingBytes(100));
    QVERIFY(showAt(view, {120, 300}));
    QCOMPARE(view.bytesPerLine(), 8);
    // Too narrow even for 8: the view scrolls sideways to the ASCII column.
    QTRY_VERIFY(view.horizontalScrollBar()->maximum() > 0);
    QVERIFY(!view.viewport()->rect().contains(view.asciiRect(7)));
    view.horizontalScrollBar()->setValue(view.horizontalScrollBar()->maximum());
    QVERIFY(inViewport(view, view.asciiRect(7)));
    QCOMPARE(view.byteAt(view.asciiRect(7).center()), 7);
}

void TestHexView::bytesPerLineFollowsTheFont()
{
    HexView view;
    view.setBytes(countingBytes(100));
    QVERIFY(showAt(view, {wideWidth(view), 300}));
    QCOMPARE(view.bytesPerLine(), 16);

    // At the same width a font twice as big leaves room only for 8 a line.
    const QFont normal = view.font();
    QFont big = normal;
    big.setPointSizeF(2 * normal.pointSizeF());
    view.setFont(big);
    QCOMPARE(view.bytesPerLine(), 8);
    QCOMPARE(view.byteRect(8).left(), view.byteRect(0).left());

    view.setFont(normal);
    QCOMPARE(view.bytesPerLine(), 16);
    QTRY_VERIFY(asciiColumnFits(view));
}

void TestHexView::wideLinesMakeRoomForTheScrollBarTheyNeed()
{
    // Just wide enough for a 16-byte line if there is no vertical scroll bar.
    HexView view;
    const int width = view.sizeHint().width() - view.verticalScrollBar()->sizeHint().width();
    view.setBytes(countingBytes(40)); // 3 lines: no scroll bar
    QVERIFY(showAt(view, {width, 300}));
    QCOMPARE(view.bytesPerLine(), 16);
    QTRY_VERIFY(asciiColumnFits(view));
    QVERIFY(!view.verticalScrollBar()->isVisible());

    // So many lines need a scroll bar, and beside it 16 do not fit.
    view.setBytes(countingBytes(4096));
    QCOMPARE(view.bytesPerLine(), 8);
    QTRY_VERIFY(view.verticalScrollBar()->isVisible());
    QVERIFY(asciiColumnFits(view));

    view.setBytes(countingBytes(40));
    QCOMPARE(view.bytesPerLine(), 16);
    QTRY_VERIFY(!view.verticalScrollBar()->isVisible());
    QVERIFY(asciiColumnFits(view));
}

void TestHexView::narrowViewHitsAndPaintsItsBytes()
{
    HexView view;
    view.resize(kNarrowWidth, 400);
    view.setBytes(countingBytes(70));
    QCOMPARE(view.bytesPerLine(), 8);
    for (int offset = 0; offset < 70; ++offset) {
        const QRect rect = view.byteRect(offset);
        QCOMPARE(view.byteAt(rect.center()), offset);
        QCOMPARE(view.byteAt(view.asciiRect(offset).center()), offset);
        QCOMPARE(rect.top(), view.byteRect(offset - offset % 8).top());
        QCOMPARE(rect.left(), view.byteRect(offset % 8).left());
    }
    // Between the last byte of a line and the ASCII column: no byte.
    const QRect last = view.byteRect(7);
    QCOMPARE(view.byteAt(QPoint(last.right() + last.width() / 2, last.center().y())), -1);

    // A highlight running over two lines shows in both columns on both lines.
    view.setHighlight(6, 4);
    const QImage image = view.viewport()->grab().toImage();
    const QRgb highlight = view.palette().color(QPalette::Highlight).rgb();
    for (int offset : {6, 7, 8, 9}) {
        QCOMPARE(colourAtTopOf(image, view.byteRect(offset)), highlight);
        QCOMPARE(colourAtTopOf(image, view.asciiRect(offset)), highlight);
    }
    for (int offset : {5, 10}) {
        QVERIFY(colourAtTopOf(image, view.byteRect(offset)) != highlight);
        QVERIFY(colourAtTopOf(image, view.asciiRect(offset)) != highlight);
    }
}

void TestHexView::clickingAndArrowsAtEightPerLine()
{
    HexView view;
    QVERIFY(showAt(view, {kNarrowWidth, 200}));
    view.setBytes(countingBytes(4096));
    QCOMPARE(view.bytesPerLine(), 8);
    QSignalSpy clicked(&view, &HexView::byteClicked);

    QTest::mouseClick(view.viewport(), Qt::LeftButton, {}, view.byteRect(13).center());
    QTest::mouseClick(view.viewport(), Qt::LeftButton, {}, view.asciiRect(21).center());
    QCOMPARE(view.cursorOffset(), 21);
    QTest::keyClick(&view, Qt::Key_Up);
    QCOMPARE(view.cursorOffset(), 13);
    QTest::keyClick(&view, Qt::Key_Up);
    QTest::keyClick(&view, Qt::Key_Up); // stays on the first line
    QCOMPARE(view.cursorOffset(), 5);
    QTest::keyClick(&view, Qt::Key_Down);
    QTest::keyClick(&view, Qt::Key_Right);
    QCOMPARE(view.cursorOffset(), 14);
    QList<int> offsets;
    for (const QList<QVariant>& signal : clicked)
        offsets << signal.at(0).toInt();
    QCOMPARE(offsets, (QList<int>{13, 21, 13, 5, 5, 13, 14}));

    for (int i = 0; i < 600; ++i) // the view follows the byte to the last line, 8 a line
        QTest::keyClick(&view, Qt::Key_Down);
    QCOMPARE(view.cursorOffset(), 4088 + 14 % 8);
    QScrollBar* bar = view.verticalScrollBar();
    QCOMPARE(bar->value(), bar->maximum());
    QCOMPARE(bar->maximum() + bar->pageStep(), 4096 / 8);
    QVERIFY(inViewport(view, view.byteRect(view.cursorOffset())));
}

void TestHexView::highlightAndCursorSurviveAResize()
{
    HexView view;
    QVERIFY(showAt(view, {wideWidth(view), 200}));
    view.setBytes(countingBytes(4096));
    QCOMPARE(view.bytesPerLine(), 16);
    view.setHighlight(2000, 4);
    QVERIFY(view.verticalScrollBar()->value() > 0);
    const QRgb highlight = view.palette().color(QPalette::Highlight).rgb();

    // The highlight alone (no keyboard byte yet) stays in view.
    view.resize(kNarrowWidth, 200);
    QCOMPARE(view.bytesPerLine(), 8);
    QTRY_VERIFY(asciiColumnFits(view));
    QVERIFY(inViewport(view, view.byteRect(2000)));
    QVERIFY(inViewport(view, view.byteRect(2003)));
    view.resize(wideWidth(view), 200);
    QCOMPARE(view.bytesPerLine(), 16);

    QTest::keyClick(&view, Qt::Key_Right); // the keyboard goes on from the highlight
    QCOMPARE(view.cursorOffset(), 2001);

    for (const int width : {kNarrowWidth, wideWidth(view), kNarrowWidth}) {
        view.resize(width, 200);
        QCOMPARE(view.bytesPerLine(), width == kNarrowWidth ? 8 : 16);
        QCOMPARE(view.highlightOffset(), 2000);
        QCOMPARE(view.highlightLength(), 4);
        QCOMPARE(view.cursorOffset(), 2001);
        // Still in view, and still painted on the same bytes.
        QTRY_VERIFY(asciiColumnFits(view));
        QVERIFY(inViewport(view, view.byteRect(2001)));
        QVERIFY(inViewport(view, view.asciiRect(2001)));
        const QImage image = view.viewport()->grab().toImage();
        for (int offset : {2000, 2003}) {
            QCOMPARE(colourAtTopOf(image, view.byteRect(offset)), highlight);
            QCOMPARE(colourAtTopOf(image, view.asciiRect(offset)), highlight);
        }
        QVERIFY(colourAtTopOf(image, view.byteRect(2004)) != highlight);
        QVERIFY(colourAtTopOf(image, view.asciiRect(2004)) != highlight);
    }

    // And the keys move by the new line.
    QCOMPARE(view.bytesPerLine(), 8);
    QTest::keyClick(&view, Qt::Key_Down);
    QCOMPARE(view.cursorOffset(), 2009);
}

void TestHexView::resizingKeepsTheTopByteAndTheCursorInView()
{
    HexView view;
    QVERIFY(showAt(view, {wideWidth(view), 200}));
    view.setBytes(countingBytes(4096));
    QScrollBar* bar = view.verticalScrollBar();

    // Scrolled by hand: the bytes at the top stay at the top.
    bar->setValue(100); // byte 1600
    view.resize(kNarrowWidth, 200);
    QCOMPARE(view.bytesPerLine(), 8);
    QCOMPARE(bar->value(), 200);
    view.resize(wideWidth(view), 200);
    QCOMPARE(bar->value(), 100);

    // The keyboard's byte stays in view, though the highlight is not in view.
    view.setHighlight(0, 4);
    QCOMPARE(bar->value(), 0);
    QTest::keyClick(&view, Qt::Key_Right);
    for (int i = 0; i < 30; ++i)
        QTest::keyClick(&view, Qt::Key_Down);
    QCOMPARE(view.cursorOffset(), 481);
    QVERIFY(bar->value() > 0);
    QVERIFY(!inViewport(view, view.byteRect(0)));
    QVERIFY(inViewport(view, view.byteRect(481)));
    view.resize(kNarrowWidth, 200);
    QCOMPARE(view.bytesPerLine(), 8);
    QTRY_VERIFY(asciiColumnFits(view));
    QVERIFY(inViewport(view, view.byteRect(481)));
    view.resize(wideWidth(view), 200);
    QCOMPARE(view.bytesPerLine(), 16);
    QTRY_VERIFY(asciiColumnFits(view));
    QVERIFY(inViewport(view, view.byteRect(481)));
}

QTEST_MAIN(TestHexView)
#include "tst_hexview.moc"
