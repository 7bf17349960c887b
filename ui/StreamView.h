#pragma once

#include "StreamDocument.h"

#include <QAbstractScrollArea>

#include <memory>
#include <optional>

/// Paints a StreamDocument: only the lines in sight, each laid out when painted, so that a
/// stream of a hundred megabytes scrolls as quickly as a short one. Each direction has its
/// colours (as Wireshark's Follow Stream: the flow followed red on pink, the other direction
/// blue on lavender); bytes never captured are a grey line. Clicking a line makes it current
/// and reports the frame that carried it; a find's match is highlighted.
class StreamView final : public QAbstractScrollArea
{
    Q_OBJECT

public:
    explicit StreamView(QWidget* parent = nullptr);

    void setDocument(std::shared_ptr<const StreamDocument> document);
    const std::shared_ptr<const StreamDocument>& document() const { return m_document; }

    /// The current line (clicked, or a match's); nullopt when none.
    std::optional<size_t> currentLine() const { return m_current; }
    /// Makes `line` current and scrolls to it; a match of a find is also highlighted.
    void setCurrentLine(size_t line);
    void showMatch(const StreamDocument::Match& match);
    /// The line painted at viewport position `y`; nullopt below the last.
    std::optional<size_t> lineAt(int y) const;
    int lineHeight() const;

    /// The colours of a direction's lines: text, background.
    static QColor textColor(int direction);
    static QColor backgroundColor(int direction);

signals:
    /// A line was clicked: the frame that carried its bytes (0 for a gap at the end).
    void frameClicked(uint32_t frame);

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void updateScrollBars();
    void scrollToLine(size_t line);

    std::shared_ptr<const StreamDocument> m_document;
    std::optional<size_t> m_current;
    std::optional<StreamDocument::Match> m_match;
};
