#pragma once

#include <QAbstractScrollArea>
#include <QByteArray>
#include <QRect>
#include <QString>

class QPainter;

/// A hex and ASCII dump of a frame's bytes, 16 to a line in two groups of 8 when the whole
/// line fits the width:
///
///     0000  00 1b 21 3a 4f 5e 00 0c  29 1d 2c 3b 08 00 45 00  ..!:O^..).,;..E.
///
/// and 8 to a line (one group) when it does not, so that a narrow view keeps its ASCII column:
///
///     0000  00 1b 21 3a 4f 5e 00 0c  ..!:O^..
///     0008  29 1d 2c 3b 08 00 45 00  ).,;..E.
///
/// Never fewer than 8: a view too narrow even for that scrolls sideways. bytesPerLine() follows
/// resizes and font changes; the highlight and the keyboard's byte are offsets, so they stay on
/// their bytes when it changes, and the view keeps showing them.
///
/// One range of bytes can be highlighted (in both columns, in the palette's highlight
/// colours); clicking a byte reports its offset. Painted by hand in the system's fixed-pitch
/// font; scrolls by lines.
class HexView final : public QAbstractScrollArea
{
    Q_OBJECT

public:
    /// Bytes on a line when the whole line fits the view's width, and (one group) when not.
    static constexpr int kWideBytesPerLine = 16;
    static constexpr int kBytesPerGroup = 8;

    explicit HexView(QWidget* parent = nullptr);

    void setBytes(const QByteArray& bytes);
    QByteArray bytes() const { return m_bytes; }
    /// Shows nothing (and the hint to select a frame).
    void clear();

    /// Highlights `length` bytes from `offset` (clipped to the bytes shown) and scrolls to show
    /// the first; a length of 0 (or a range outside the bytes) clears the highlight.
    void setHighlight(int offset, int length);
    int highlightOffset() const { return m_highlightOffset; }
    int highlightLength() const { return m_highlightLength; }
    /// The byte the keyboard is on (arrow keys move it a byte or a line and select the byte's
    /// field, as a click does), or -1 before a byte was clicked or moved to.
    int cursorOffset() const { return m_cursor; }

    /// Bytes shown on a line: kWideBytesPerLine when a whole line of them (offset, hex and
    /// ASCII) fits the viewport's width, else kBytesPerGroup.
    int bytesPerLine() const { return m_bytesPerLine; }

    /// The dump as plain text, one line per 16 bytes whatever bytesPerLine() is (copied text
    /// does not depend on the view's width), lines joined by '\n' (no trailing one).
    QString dumpText() const;

    /// Where byte `offset` is drawn in the hex column, in viewport coordinates (it may lie
    /// outside the viewport if scrolled away); an empty rect for an offset out of range.
    QRect byteRect(int offset) const;
    /// Where byte `offset` is drawn in the ASCII column, likewise.
    QRect asciiRect(int offset) const;
    /// The byte drawn at `viewportPos` (in the hex or the ASCII column), or -1.
    int byteAt(const QPoint& viewportPos) const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

public slots:
    /// Puts dumpText() on the clipboard.
    void copyAsText();

signals:
    void byteClicked(int offset);

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void contextMenuEvent(QContextMenuEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    int lineCount() const { return lineCount(m_bytesPerLine); }
    int lineCount(int bytesPerLine) const;
    /// Lines that fit wholly in the viewport (at least 1).
    int visibleLineCount() const { return visibleLineCount(viewport()->height()); }
    int visibleLineCount(int viewportHeight) const;
    int firstVisibleLine() const;
    /// Character columns of the layout, for `bytesPerLine` bytes a line (by default the
    /// current bytesPerLine()).
    int hexColumn() const { return m_offsetDigits + 2; }
    int byteColumn(int indexInLine) const;
    int asciiColumn() const { return asciiColumn(m_bytesPerLine); }
    int asciiColumn(int bytesPerLine) const { return byteColumn(bytesPerLine - 1) + 4; }
    int lineWidthInColumns(int bytesPerLine) const
    {
        return asciiColumn(bytesPerLine) + bytesPerLine;
    }
    /// The width a line of `bytesPerLine` bytes needs, margins included, in pixels.
    int contentWidth(int bytesPerLine) const;
    qreal columnX(int column) const;
    int lineY(int line) const;
    /// The rect of `widthInColumns` characters from `column` on byte `offset`'s line.
    QRect cellRect(int offset, int column, int widthInColumns) const;

    /// kWideBytesPerLine if a whole wide line fits the width the viewport has at that many a
    /// line (less a vertical scroll bar only if it would then need one), else kBytesPerGroup.
    int fittingBytesPerLine() const;
    /// Sets bytesPerLine() to fittingBytesPerLine(), keeping in view the byte at the top and
    /// the keyboard's byte or the highlight if shown.
    void updateBytesPerLine();

    /// Writes line `line` of the dump at `bytesPerLine` bytes a line into `out` (resized to
    /// fit, reusing its storage).
    void formatLine(int line, int bytesPerLine, QString& out) const;
    void paintLine(QPainter& painter, int line, int y);
    void paintEmptyHint(QPainter& painter);
    void updateFontMetrics();
    void updateScrollBars();
    /// Scrolls as little as needed to show `firstLine` and as many lines after it up to
    /// `lastLine` as fit.
    void scrollToShowLines(int firstLine, int lastLine);

    QByteArray m_bytes;
    int m_cursor = -1;
    int m_highlightOffset = 0;
    int m_highlightLength = 0;
    int m_offsetDigits = 4;
    int m_bytesPerLine = kWideBytesPerLine;

    qreal m_charWidth = 8;
    int m_lineHeight = 16;
    int m_ascent = 12;

    QString m_lineText; ///< reused by paintLine
};
