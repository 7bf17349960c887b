#pragma once

#include "CaptureLoader.h"
#include "ExportOptions.h"

#include <QByteArray>
#include <QMainWindow>

#include <optional>

class ConversationModel;
class DetailsPane;
class ExportController;
class FlowPlot;
class FlowTableModel;
class FollowStreamPane;
class FrameInspector;
class FrameTableModel;
class QComboBox;
class QLabel;
class QLineEdit;
class QMenu;
class QProgressBar;
class QSplitter;
class QTabWidget;
class QTableView;
class QTimer;
class QToolButton;
class QTreeView;

/// The FlowInspector window: open a capture (dialog, recent files, drag and drop, command
/// line), watch its flows appear while it loads, filter and sort them, and inspect frames.
class MainWindow final : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    /// Opens a capture: the path File > Open, recent files, drops and the command line take.
    void openCapture(const QString& path) { openCaptures({path}); }
    /// Opens several files as one capture set (one file: as openCapture()).
    void openCaptures(const QStringList& paths);

    FlowTableModel* flowModel() const { return m_model; }
    ConversationModel* conversationModel() const { return m_conversations; }
    QComboBox* modeBox() const { return m_modeCombo; }
    /// Conversations mode: the flow table shows conversations, their flows below.
    void setConversationsMode(bool conversations);
    bool conversationsMode() const;
    QTreeView* flowView() const { return m_flowView; }
    FrameTableModel* frameModel() const { return m_frames; }
    QTableView* frameView() const { return m_frameView; }
    DetailsPane* details() const { return m_details; }
    FollowStreamPane* followPane() const { return m_follow; }
    QTabWidget* rightTabs() const { return m_rightTabs; }
    /// Shows the Follow Stream tab, following the current flow's connection.
    void followCurrentFlow();
    FlowPlot* plot() const { return m_plot; }
    ExportController* exporter() const { return m_exporter; }
    QAction* exportAction() const { return m_exportAction; }
    /// Asks where and how to export the selected flows, then exports them in the background.
    void exportSelectedFlows();
    CaptureLoader* loader() const { return m_loader; }
    QLineEdit* filterEdit() const { return m_filterEdit; }
    QComboBox* stateFilter() const { return m_stateCombo; }
    QMenu* recentMenu() const { return m_recentMenu; }
    QString statusText() const;
    /// The flow ids of the selected flows, in row order.
    std::vector<uint32_t> selectedFlows() const;

signals:
    /// A load finished (completely, cancelled, or ended early); for tests and automation.
    void loadFinished(const LoadResult& result);

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    /// `a.pcap`, or `a.pcap and 2 more files`.
    static QString captureName(const QStringList& paths);

private:
    void createActions();
    void createCentralArea();
    void createStatusBar();
    void restoreSettings();
    void saveSettings() const;
    void updateRecentMenu();
    void showOpenDialog();
    void onStarted(const QString& path);
    void onBatch(const std::shared_ptr<const fi::LoadBatch>& batch);
    void onFinished(const LoadResult& result);
    void onFailed(const QString& path, const QString& reason);
    void onCurrentFlowChanged(const QModelIndex& current);
    void onCurrentFrameChanged(const QModelIndex& current);
    /// The flow of the flow table's current row (a conversation's: its first); nullopt if none.
    std::optional<uint32_t> currentFlow() const;
    /// The current and selected rows of the flow table's (new) selection model are followed.
    void connectFlowSelection();
    /// The current flow's summary in the details pane (nothing when no flow is current).
    void showCurrentFlowDetails();
    /// The frames table and the plot follow the selected flows.
    void showSelectedFlows();
    void plotSelectedFlows();
    void selectFrame(uint32_t flow, uint32_t frame);
    /// A frame the Follow Stream view points at: selected in the frames table when it is
    /// there, its details shown in any case.
    void showStreamFrame(uint32_t frame);
    /// The Follow Stream tab follows the current flow while it is shown.
    void updateFollowedFlow();
    void setLoadingUi(bool loading);
    void showError(const QString& title, const QString& text);
    void applyFilterText();
    void showFilterError(const QString& error);
    void updateFlowCount();

    void onExportFinished(const fi::ExportResult& result);

    FlowTableModel* m_model;
    ConversationModel* m_conversations;
    FrameTableModel* m_frames;
    CaptureLoader* m_loader;
    FrameInspector* m_inspector;
    QTreeView* m_flowView = nullptr;
    QTableView* m_frameView = nullptr;
    DetailsPane* m_details = nullptr;
    FollowStreamPane* m_follow = nullptr;
    QTabWidget* m_rightTabs = nullptr;
    FlowPlot* m_plot = nullptr;
    QSplitter* m_mainSplitter = nullptr;
    QSplitter* m_leftSplitter = nullptr;
    QTimer* m_selectionTimer = nullptr; ///< selection changes settle before the frames and plot follow
    QLineEdit* m_filterEdit = nullptr;
    QComboBox* m_stateCombo = nullptr;
    QComboBox* m_modeCombo = nullptr;
    QByteArray m_flowHeaderState; ///< the flows' header, kept while conversations are shown
    QTimer* m_filterTimer = nullptr;
    QLabel* m_flowCountLabel = nullptr;   ///< `12 of 29 flows` beside the filter
    QLabel* m_filterErrorLabel = nullptr; ///< why the filter text is not a filter, under it
    QLabel* m_statusLabel = nullptr;
    QProgressBar* m_progress = nullptr;
    QToolButton* m_cancelButton = nullptr;
    QMenu* m_recentMenu = nullptr;
    QAction* m_cancelAction = nullptr;
    QAction* m_exportAction = nullptr;
    ExportController* m_exporter;
    QLabel* m_exportLabel = nullptr;
    QStringList m_loadingPaths; ///< the files of the capture loading or loaded
    QString m_interruptedLoad;  ///< captureName() of the capture whose load the current open stopped, if any
    uint32_t m_framesSoFar = 0;
};
