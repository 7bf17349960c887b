#pragma once

#include "LayerTree.h"

#include <QStackedWidget>

class ConversationModel;
class FieldTreeModel;
class FlowTableModel;
class HexView;
class QLabel;
class QModelIndex;
class QSplitter;
class QTextBrowser;
class QTreeView;

/// The right-hand pane: a hint when nothing is selected, a flow's summary when a flow is,
/// and for a frame its decoded layers (a field tree) above its bytes (a hex dump), where
/// selecting a field highlights its bytes.
class DetailsPane final : public QStackedWidget
{
    Q_OBJECT

public:
    explicit DetailsPane(QWidget* parent = nullptr);

    void showNothing();
    void showFlow(const FlowTableModel& model, uint32_t flow);
    /// A conversation row's summary: its columns and its flows' labels.
    void showConversation(const ConversationModel& model, const QModelIndex& conversation);
    void showFrameLoading(uint32_t number);
    void showFrame(uint32_t number, const QByteArray& bytes, const fi::LayerTree& tree);
    void showFrameError(uint32_t number, const QString& reason);

    QTreeView* fieldView() const { return m_fieldView; }
    FieldTreeModel* fieldModel() const { return m_fieldModel; }
    HexView* hexView() const { return m_hexView; }
    QTextBrowser* flowSummary() const { return m_flowSummary; }
    QSplitter* frameSplitter() const { return m_frameSplitter; }

private:
    void highlightField(const QModelIndex& index);

    QLabel* m_hint;
    QTextBrowser* m_flowSummary;
    QSplitter* m_frameSplitter;
    QLabel* m_frameTitle;
    QTreeView* m_fieldView;
    FieldTreeModel* m_fieldModel;
    HexView* m_hexView;
};
