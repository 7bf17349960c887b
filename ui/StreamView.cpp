#include "StreamView.h"

#include <QFontDatabase>
#include <QKeyEvent>
#include <QPainter>
#include <QScrollBar>

#include <algorithm>

namespace {

constexpr int kMargin = 4;

} // namespace

StreamView::StreamView(QWidget* parent) : QAbstractScrollArea(parent)
{
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    setFocusPolicy(Qt::StrongFocus);
    viewport()->setBackgroundRole(QPalette::Base);
    updateScrollBars();
}

QColor StreamView::textColor(int direction)
{
    return direction == 0 ? QColor(0x7f, 0x00, 0x00) : QColor(0x00, 0x00, 0x7f);
}

QColor StreamView::backgroundColor(int direction)
{
    return direction == 0 ? QColor(0xfb, 0xed, 0xed) : QColor(0xed, 0xed, 0xfb);
}

int StreamView::lineHeight() const
{
    return fontMetrics().height();
}

void StreamView::setDocument(std::shared_ptr<const StreamDocument> document)
{
    m_document = std::move(document);
    m_current.reset();
    m_match.reset();
    verticalScrollBar()->setValue(0);
    horizontalScrollBar()->setValue(0);
    updateScrollBars();
    viewport()->update();
}

void StreamView::updateScrollBars()
{
    const int lines = m_document ? int(std::min<size_t>(m_document->lineCount(), INT_MAX)) : 0;
    const int visible = std::max(1, viewport()->height() / lineHeight());
    verticalScrollBar()->setRange(0, std::max(0, lines - visible));
    verticalScrollBar()->setPageStep(visible);
    verticalScrollBar()->setSingleStep(1);
    const int width = m_document ? m_document->maxColumns() * fontMetrics().horizontalAdvance(QLatin1Char('0')) + 2 * kMargin : 0;
    horizontalScrollBar()->setRange(0, std::max(0, width - viewport()->width()));
    horizontalScrollBar()->setPageStep(viewport()->width());
    horizontalScrollBar()->setSingleStep(fontMetrics().horizontalAdvance(QLatin1Char('0')) * 4);
}

std::optional<size_t> StreamView::lineAt(int y) const
{
    if (!m_document || y < 0)
        return std::nullopt;
    const size_t line = size_t(verticalScrollBar()->value()) + size_t(y / lineHeight());
    return line < m_document->lineCount() ? std::optional<size_t>(line) : std::nullopt;
}

void StreamView::scrollToLine(size_t line)
{
    const int first = verticalScrollBar()->value();
    const int visible = std::max(1, viewport()->height() / lineHeight());
    if (int(line) < first || int(line) >= first + visible)
        verticalScrollBar()->setValue(int(line) - visible / 3);
}

void StreamView::setCurrentLine(size_t line)
{
    if (!m_document || line >= m_document->lineCount())
        return;
    m_current = line;
    m_match.reset();
    scrollToLine(line);
    viewport()->update();
}

void StreamView::showMatch(const StreamDocument::Match& match)
{
    setCurrentLine(match.line);
    m_match = match;
    // the match's columns in sight
    const int advance = fontMetrics().horizontalAdvance(QLatin1Char('0'));
    const int x = kMargin + m_document->columnOf(match.line, match.offset) * advance;
    QScrollBar* h = horizontalScrollBar();
    if (x < h->value() || x > h->value() + viewport()->width() - 4 * advance)
        h->setValue(std::max(0, x - viewport()->width() / 3));
    viewport()->update();
}

void StreamView::paintEvent(QPaintEvent*)
{
    QPainter painter(viewport());
    if (!m_document)
        return;
    const int height = lineHeight();
    const int ascent = fontMetrics().ascent();
    const int advance = fontMetrics().horizontalAdvance(QLatin1Char('0'));
    const int left = kMargin - horizontalScrollBar()->value();
    const int width = viewport()->width();
    const size_t first = size_t(verticalScrollBar()->value());
    QFont gapFont = font();
    gapFont.setItalic(true);
    for (size_t line = first; line < m_document->lineCount(); ++line) {
        const int y = int(line - first) * height;
        if (y >= viewport()->height())
            break;
        const bool current = m_current && *m_current == line;
        const int direction = m_document->direction(line);
        const bool gap = m_document->isGap(line);
        QColor background = gap ? palette().color(QPalette::AlternateBase) : backgroundColor(direction);
        if (current && !m_match)
            background = palette().color(QPalette::Highlight);
        painter.fillRect(0, y, width, height, background);
        const QString text = m_document->text(line);
        if (current && m_match) {
            const int from = m_document->columnOf(line, m_match->offset);
            const int to = m_document->columnOf(line, m_match->offset + m_match->length);
            painter.fillRect(left + from * advance, y, (to - from) * advance, height,
                             palette().color(QPalette::Highlight));
        }
        painter.setFont(gap ? gapFont : font());
        painter.setPen(current && !m_match ? palette().color(QPalette::HighlightedText)
                       : gap             ? palette().color(QPalette::PlaceholderText)
                                         : textColor(direction));
        painter.drawText(left, y + ascent, text);
    }
}

void StreamView::resizeEvent(QResizeEvent* event)
{
    QAbstractScrollArea::resizeEvent(event);
    updateScrollBars();
}

void StreamView::changeEvent(QEvent* event)
{
    QAbstractScrollArea::changeEvent(event);
    if (event->type() == QEvent::FontChange)
        updateScrollBars();
}

void StreamView::mousePressEvent(QMouseEvent* event)
{
    const std::optional<size_t> line = lineAt(event->position().toPoint().y());
    if (!line)
        return;
    setCurrentLine(*line);
    emit frameClicked(m_document->frame(*line));
}

void StreamView::keyPressEvent(QKeyEvent* event)
{
    QScrollBar* v = verticalScrollBar();
    switch (event->key()) {
    case Qt::Key_Up: v->triggerAction(QAbstractSlider::SliderSingleStepSub); break;
    case Qt::Key_Down: v->triggerAction(QAbstractSlider::SliderSingleStepAdd); break;
    case Qt::Key_PageUp: v->triggerAction(QAbstractSlider::SliderPageStepSub); break;
    case Qt::Key_PageDown: v->triggerAction(QAbstractSlider::SliderPageStepAdd); break;
    case Qt::Key_Home: v->triggerAction(QAbstractSlider::SliderToMinimum); break;
    case Qt::Key_End: v->triggerAction(QAbstractSlider::SliderToMaximum); break;
    default: QAbstractScrollArea::keyPressEvent(event); return;
    }
}
