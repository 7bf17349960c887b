#include "HexView.h"

#include <QApplication>
#include <QClipboard>
#include <QContextMenuEvent>
#include <QFontDatabase>
#include <QKeyEvent>
#include <QMenu>
#include <QMouseEvent>
#include <QPaintEvent>
#include <QPainter>
#include <QScrollBar>
#include <QStyle>
#include <QStyleOption>
#include <algorithm>
#include <array>
#include <cmath>

namespace {

/// Space between the viewport's edge and the text, in pixels.
constexpr int kMargin = 6;
/// Extra space between lines, in pixels.
constexpr int kLineGap = 2;
/// Lines the size hint asks room for.
constexpr int kPreferredLines = 12;

constexpr char kHexDigits[] = "0123456789abcdef";

bool isPrintable(uint8_t byte)
{
    return byte >= 0x20 && byte < 0x7f;
}

/// A run of one line's characters drawn in one style.
struct Span
{
    int firstColumn = 0;
    int endColumn = 0;
    bool highlighted = false;
};

} // namespace

HexView::HexView(QWidget* parent) : QAbstractScrollArea(parent)
{
    setAccessibleName(tr("Bytes"));
    setFocusPolicy(Qt::StrongFocus);
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_lineText.reserve(lineWidthInColumns(kWideBytesPerLine));
    updateFontMetrics();
    updateScrollBars();
}

void HexView::setBytes(const QByteArray& bytes)
{
    m_bytes = bytes;
    m_cursor = -1;
    m_highlightOffset = 0;
    m_highlightLength = 0;

    // The same digits at either bytesPerLine(): rounding down to 8 or to 16 only clears the
    // last hex digit, which leaves the offset 0 or as long as it was.
    const int oldDigits = m_offsetDigits;
    const auto lastLineOffset =
        quint64(std::max(0, lineCount(kWideBytesPerLine) - 1)) * kWideBytesPerLine;
    m_offsetDigits = 4;
    while ((lastLineOffset >> (4 * m_offsetDigits)) != 0)
        ++m_offsetDigits;
    if (m_offsetDigits != oldDigits)
        updateGeometry();

    // Whether a wide line fits can depend on the bytes: their offsets' digits, and whether
    // so many lines need a vertical scroll bar.
    m_bytesPerLine = fittingBytesPerLine();
    updateScrollBars();
    verticalScrollBar()->setValue(0);
    viewport()->update();
}

void HexView::clear()
{
    setBytes({});
}

void HexView::setHighlight(int offset, int length)
{
    const int size = int(m_bytes.size());
    if (length <= 0 || offset < 0 || offset >= size) {
        offset = 0;
        length = 0;
    } else {
        length = std::min(length, size - offset);
    }
    if (offset == m_highlightOffset && length == m_highlightLength)
        return;
    m_highlightOffset = offset;
    m_highlightLength = length;
    if (length > 0)
        scrollToShowLines(offset / m_bytesPerLine, (offset + length - 1) / m_bytesPerLine);
    viewport()->update();
}

QString HexView::dumpText() const
{
    QString text;
    QString line;
    const int lines = lineCount(kWideBytesPerLine);
    text.reserve(lines * (lineWidthInColumns(kWideBytesPerLine) + 1));
    for (int i = 0; i < lines; ++i) {
        formatLine(i, kWideBytesPerLine, line);
        if (i > 0)
            text += QLatin1Char('\n');
        text += line;
    }
    return text;
}

void HexView::copyAsText()
{
    if (m_bytes.isEmpty())
        return;
    QApplication::clipboard()->setText(dumpText());
}

QRect HexView::byteRect(int offset) const
{
    return cellRect(offset, byteColumn(offset % m_bytesPerLine), 2);
}

QRect HexView::asciiRect(int offset) const
{
    return cellRect(offset, asciiColumn() + offset % m_bytesPerLine, 1);
}

QRect HexView::cellRect(int offset, int column, int widthInColumns) const
{
    if (offset < 0 || offset >= m_bytes.size())
        return {};
    const qreal x = columnX(column);
    return QRect(int(std::floor(x)), lineY(offset / m_bytesPerLine),
                 int(std::ceil(widthInColumns * m_charWidth)), m_lineHeight);
}

int HexView::byteAt(const QPoint& viewportPos) const
{
    if (m_bytes.isEmpty() || viewportPos.y() < kMargin)
        return -1;
    const int line = firstVisibleLine() + (viewportPos.y() - kMargin) / m_lineHeight;
    const qreal textX = viewportPos.x() + horizontalScrollBar()->value() - kMargin;
    if (line >= lineCount() || textX < 0)
        return -1;
    const int column = int(textX / m_charWidth);

    int indexInLine = -1;
    if (column >= hexColumn() && column < byteColumn(m_bytesPerLine - 1) + 2) {
        // Each byte owns its two digits and the space after it; the gap between the groups
        // (at 16 a line) belongs to the last byte of the first group.
        const int inHex = column - hexColumn();
        const int groupGap = kBytesPerGroup * 3;
        indexInLine = (inHex >= groupGap ? inHex - 1 : inHex) / 3;
    } else if (column >= asciiColumn() && column < asciiColumn() + m_bytesPerLine) {
        indexInLine = column - asciiColumn();
    }
    if (indexInLine < 0)
        return -1;
    const int offset = line * m_bytesPerLine + indexInLine;
    return offset < m_bytes.size() ? offset : -1;
}

QSize HexView::sizeHint() const
{
    const int frame = 2 * frameWidth();
    return {contentWidth(kWideBytesPerLine) + verticalScrollBar()->sizeHint().width() + frame,
            2 * kMargin + kPreferredLines * m_lineHeight + frame};
}

QSize HexView::minimumSizeHint() const
{
    const int frame = 2 * frameWidth();
    return {int(std::ceil(24 * m_charWidth)) + frame, 2 * kMargin + 3 * m_lineHeight + frame};
}

int HexView::lineCount(int bytesPerLine) const
{
    return int((m_bytes.size() + bytesPerLine - 1) / bytesPerLine);
}

int HexView::visibleLineCount(int viewportHeight) const
{
    return std::max(1, (viewportHeight - 2 * kMargin) / m_lineHeight);
}

int HexView::firstVisibleLine() const
{
    return verticalScrollBar()->value();
}

int HexView::byteColumn(int indexInLine) const
{
    return hexColumn() + indexInLine * 3 + (indexInLine >= kBytesPerGroup ? 1 : 0);
}

int HexView::contentWidth(int bytesPerLine) const
{
    return 2 * kMargin + int(std::ceil(lineWidthInColumns(bytesPerLine) * m_charWidth));
}

qreal HexView::columnX(int column) const
{
    return kMargin + column * m_charWidth - horizontalScrollBar()->value();
}

int HexView::lineY(int line) const
{
    return kMargin + (line - firstVisibleLine()) * m_lineHeight;
}

void HexView::formatLine(int line, int bytesPerLine, QString& out) const
{
    const int first = line * bytesPerLine;
    const int count = std::min<int>(bytesPerLine, int(m_bytes.size()) - first);
    const int ascii = asciiColumn(bytesPerLine);
    out.resize(ascii + count);
    QChar* chars = out.data();
    std::fill(chars, chars + ascii, QLatin1Char(' '));

    for (int digit = 0; digit < m_offsetDigits; ++digit) {
        const int shift = 4 * (m_offsetDigits - 1 - digit);
        chars[digit] = QLatin1Char(kHexDigits[(quint64(first) >> shift) & 0xF]);
    }
    const auto* lineBytes = reinterpret_cast<const uint8_t*>(m_bytes.constData()) + first;
    for (int i = 0; i < count; ++i) {
        const uint8_t byte = lineBytes[i];
        const int column = byteColumn(i);
        chars[column] = QLatin1Char(kHexDigits[byte >> 4]);
        chars[column + 1] = QLatin1Char(kHexDigits[byte & 0xF]);
        chars[ascii + i] = QLatin1Char(isPrintable(byte) ? char(byte) : '.');
    }
}

void HexView::paintEvent(QPaintEvent* event)
{
    QPainter painter(viewport());
    if (m_bytes.isEmpty()) {
        paintEmptyHint(painter);
        return;
    }
    painter.setFont(font());
    const int first = firstVisibleLine();
    const int firstDirty = first + std::max(0, (event->rect().top() - kMargin) / m_lineHeight);
    const int lastDirty = first + std::max(0, (event->rect().bottom() - kMargin) / m_lineHeight);
    const int last = std::min(lineCount() - 1, lastDirty);
    for (int line = firstDirty; line <= last; ++line)
        paintLine(painter, line, lineY(line));
    if (m_cursor >= 0 && hasFocus()) { // the keyboard's byte: a frame around it
        painter.setPen(QPen(palette().color(QPalette::Highlight), 1));
        painter.setBrush(Qt::NoBrush);
        painter.drawRect(byteRect(m_cursor).adjusted(-1, 0, 0, -1));
    }
}

void HexView::paintLine(QPainter& painter, int line, int y)
{
    formatLine(line, m_bytesPerLine, m_lineText);
    const QPalette& colors = palette();
    const int baseline = y + kLineGap / 2 + m_ascent;

    std::array<Span, 5> spans;
    size_t spanCount = 0;
    const int textEnd = int(m_lineText.size());
    const int lineStart = line * m_bytesPerLine;
    const int lineEnd = lineStart + int(textEnd - asciiColumn());
    const int highlightStart = std::max(m_highlightOffset, lineStart);
    const int highlightEnd = std::min(m_highlightOffset + m_highlightLength, lineEnd);
    if (highlightStart < highlightEnd) {
        const int firstIndex = highlightStart - lineStart;
        const int lastIndex = highlightEnd - 1 - lineStart;
        const int hexStart = byteColumn(firstIndex);
        const int hexEnd = byteColumn(lastIndex) + 2;
        const int asciiStart = asciiColumn() + firstIndex;
        const int asciiEnd = asciiColumn() + lastIndex + 1;

        // Half a character of padding either side joins neighbouring bytes into one bar.
        const qreal pad = m_charWidth / 2;
        const QColor highlight = colors.color(QPalette::Highlight);
        painter.fillRect(QRectF(columnX(hexStart) - pad, y,
                                (hexEnd - hexStart) * m_charWidth + 2 * pad, m_lineHeight),
                         highlight);
        painter.fillRect(
            QRectF(columnX(asciiStart), y, (asciiEnd - asciiStart) * m_charWidth, m_lineHeight),
            highlight);

        spans[spanCount++] = {hexColumn(), hexStart, false};
        spans[spanCount++] = {hexStart, hexEnd, true};
        spans[spanCount++] = {hexEnd, asciiStart, false};
        spans[spanCount++] = {asciiStart, asciiEnd, true};
        spans[spanCount++] = {asciiEnd, textEnd, false};
    } else {
        spans[spanCount++] = {hexColumn(), textEnd, false};
    }

    painter.setPen(colors.color(QPalette::PlaceholderText));
    painter.drawText(QPointF(columnX(0), baseline),
                     QString::fromRawData(m_lineText.constData(), m_offsetDigits));
    for (size_t i = 0; i < spanCount; ++i) {
        const Span& span = spans[i];
        if (span.endColumn <= span.firstColumn)
            continue;
        painter.setPen(colors.color(span.highlighted ? QPalette::HighlightedText : QPalette::Text));
        painter.drawText(QPointF(columnX(span.firstColumn), baseline),
                         QString::fromRawData(m_lineText.constData() + span.firstColumn,
                                              span.endColumn - span.firstColumn));
    }
}

void HexView::paintEmptyHint(QPainter& painter)
{
    painter.setFont(QApplication::font(this));
    painter.setPen(palette().color(QPalette::PlaceholderText));
    painter.drawText(viewport()->rect().adjusted(kMargin, kMargin, -kMargin, -kMargin),
                     Qt::AlignCenter | Qt::TextWordWrap, tr("Select a frame to see its bytes"));
}

void HexView::resizeEvent(QResizeEvent* event)
{
    QAbstractScrollArea::resizeEvent(event);
    updateBytesPerLine();
    updateScrollBars();
}

void HexView::mousePressEvent(QMouseEvent* event)
{
    if (event->button() != Qt::LeftButton) {
        QAbstractScrollArea::mousePressEvent(event);
        return;
    }
    event->accept();
    const int offset = byteAt(event->position().toPoint());
    if (offset >= 0) {
        m_cursor = offset;
        viewport()->update();
        emit byteClicked(offset);
    }
}

void HexView::mouseReleaseEvent(QMouseEvent* event)
{
    if (event->button() != Qt::LeftButton) {
        QAbstractScrollArea::mouseReleaseEvent(event);
        return;
    }
    event->accept();
}

void HexView::keyPressEvent(QKeyEvent* event)
{
    if (event->matches(QKeySequence::Copy)) {
        copyAsText();
        event->accept();
        return;
    }
    // Arrows move the keyboard's byte (and select its field, as a click does) when there are
    // bytes; Page Up/Down, Home and End scroll.
    int step = 0;
    switch (event->key()) {
    case Qt::Key_Left: step = -1; break;
    case Qt::Key_Right: step = 1; break;
    case Qt::Key_Up: step = -m_bytesPerLine; break;
    case Qt::Key_Down: step = m_bytesPerLine; break;
    default: break;
    }
    if (step != 0 && !m_bytes.isEmpty()) {
        const int from = m_cursor >= 0 ? m_cursor : m_highlightLength > 0 ? m_highlightOffset : 0;
        // a line up or down stays in its column: past the first or last line it stays put
        int to = from + step;
        if (m_cursor < 0 && m_highlightLength == 0)
            to = 0;
        else if (to < 0 || to >= int(m_bytes.size()))
            to = std::abs(step) == 1 ? std::clamp(to, 0, int(m_bytes.size()) - 1) : from;
        m_cursor = to;
        scrollToShowLines(to / m_bytesPerLine, to / m_bytesPerLine);
        viewport()->update();
        emit byteClicked(to);
        event->accept();
        return;
    }
    QScrollBar* vertical = verticalScrollBar();
    switch (event->key()) {
    case Qt::Key_Up:
        vertical->triggerAction(QAbstractSlider::SliderSingleStepSub);
        break;
    case Qt::Key_Down:
        vertical->triggerAction(QAbstractSlider::SliderSingleStepAdd);
        break;
    case Qt::Key_PageUp:
        vertical->triggerAction(QAbstractSlider::SliderPageStepSub);
        break;
    case Qt::Key_PageDown:
        vertical->triggerAction(QAbstractSlider::SliderPageStepAdd);
        break;
    case Qt::Key_Home:
        vertical->triggerAction(QAbstractSlider::SliderToMinimum);
        break;
    case Qt::Key_End:
        vertical->triggerAction(QAbstractSlider::SliderToMaximum);
        break;
    default:
        QAbstractScrollArea::keyPressEvent(event);
        return;
    }
    event->accept();
}

void HexView::contextMenuEvent(QContextMenuEvent* event)
{
    QMenu menu(this);
    QAction* copy = menu.addAction(tr("&Copy as Text"), this, &HexView::copyAsText);
    copy->setShortcut(QKeySequence::Copy);
    copy->setEnabled(!m_bytes.isEmpty());
    menu.exec(event->globalPos());
}

void HexView::changeEvent(QEvent* event)
{
    QAbstractScrollArea::changeEvent(event);
    if (event->type() == QEvent::FontChange) {
        updateFontMetrics();
        updateBytesPerLine();
        updateScrollBars();
        updateGeometry();
        viewport()->update();
    } else if (event->type() == QEvent::StyleChange) { // the scroll bars' room may differ
        updateBytesPerLine();
        updateScrollBars();
    }
}

void HexView::updateFontMetrics()
{
    const QFontMetricsF metrics(font());
    m_charWidth = std::max<qreal>(1, metrics.horizontalAdvance(QLatin1Char('0')));
    const QFontMetrics intMetrics(font());
    m_lineHeight = std::max(1, intMetrics.height() + kLineGap);
    m_ascent = intMetrics.ascent();
}

void HexView::updateScrollBars()
{
    const int visible = visibleLineCount();
    QScrollBar* vertical = verticalScrollBar();
    vertical->setRange(0, std::max(0, lineCount() - visible));
    vertical->setPageStep(visible);
    vertical->setSingleStep(1);

    const int width = viewport()->width();
    QScrollBar* horizontal = horizontalScrollBar();
    horizontal->setRange(0, std::max(0, contentWidth(m_bytesPerLine) - width));
    horizontal->setPageStep(width);
    horizontal->setSingleStep(int(std::ceil(m_charWidth)));
}

void HexView::scrollToShowLines(int firstLine, int lastLine)
{
    const int visible = visibleLineCount();
    const int top = firstVisibleLine();
    if (firstLine < top)
        verticalScrollBar()->setValue(firstLine);
    else if (lastLine >= top + visible)
        verticalScrollBar()->setValue(std::min(firstLine, lastLine - visible + 1));
}

int HexView::fittingBytesPerLine() const
{
    // Worked out from the widget's size rather than the viewport's, which shrinks and grows as
    // the scroll bars come and go (and is stale while a hidden widget's resize is pending): so
    // the choice depends only on the size, the bytes, the font and the style, and cannot flip
    // back and forth as a scroll bar shown for one choice makes room for the other. The room
    // a scroll bar takes is reckoned as QAbstractScrollArea lays out its scroll bars.
    QStyleOption option;
    option.initFrom(this);
    const QStyle* style = this->style();
    const bool frameOnlyAroundContents =
        frameStyle() != QFrame::NoFrame &&
        style->styleHint(QStyle::SH_ScrollView_FrameOnlyAroundContents, &option, this);
    const int spacing =
        frameOnlyAroundContents
            ? style->pixelMetric(QStyle::PM_ScrollView_ScrollBarSpacing, &option, this)
            : 0;
    // Scroll bars that overlap the viewport (transient ones) take no room from it.
    const int overlap = style->pixelMetric(QStyle::PM_ScrollView_ScrollBarOverlap, &option, this);
    const int verticalBarRoom =
        std::max(0, verticalScrollBar()->sizeHint().width() - overlap + spacing);
    const int horizontalBarRoom =
        std::max(0, horizontalScrollBar()->sizeHint().height() - overlap + spacing);

    const QMargins margins = viewportMargins();
    int width = this->width() - 2 * frameWidth() - margins.left() - margins.right();
    int height = this->height() - 2 * frameWidth() - margins.top() - margins.bottom();
    // A wide line that fits needs no horizontal scroll bar, unless it is always on.
    if (horizontalScrollBarPolicy() == Qt::ScrollBarAlwaysOn)
        height -= horizontalBarRoom;
    const Qt::ScrollBarPolicy verticalPolicy = verticalScrollBarPolicy();
    if (verticalPolicy == Qt::ScrollBarAlwaysOn ||
        (verticalPolicy == Qt::ScrollBarAsNeeded &&
         lineCount(kWideBytesPerLine) > visibleLineCount(height)))
        width -= verticalBarRoom;
    return contentWidth(kWideBytesPerLine) <= width ? kWideBytesPerLine : kBytesPerGroup;
}

void HexView::updateBytesPerLine()
{
    const int bytesPerLine = fittingBytesPerLine();
    if (bytesPerLine == m_bytesPerLine)
        return;
    const int top = firstVisibleLine();
    const int visible = visibleLineCount();
    auto shown = [&](int firstOffset, int lastOffset) {
        return firstOffset / m_bytesPerLine < top + visible && lastOffset / m_bytesPerLine >= top;
    };
    const bool cursorShown = m_cursor >= 0 && shown(m_cursor, m_cursor);
    const int highlightEnd = m_highlightOffset + m_highlightLength - 1;
    const bool highlightShown = m_highlightLength > 0 && shown(m_highlightOffset, highlightEnd);
    const int topOffset = top * m_bytesPerLine;

    m_bytesPerLine = bytesPerLine;
    updateScrollBars();
    // The byte that was on the top line stays on it; then the keyboard's byte, or else the
    // highlight, comes back into view if it was in view.
    verticalScrollBar()->setValue(topOffset / m_bytesPerLine);
    if (cursorShown)
        scrollToShowLines(m_cursor / m_bytesPerLine, m_cursor / m_bytesPerLine);
    else if (highlightShown)
        scrollToShowLines(m_highlightOffset / m_bytesPerLine, highlightEnd / m_bytesPerLine);
    viewport()->update();
}
