#include "MainWindow.h"

#include "ConversationModel.h"
#include "Decoder.h"
#include "DetailsPane.h"
#include "ExportController.h"
#include "ExportDialog.h"
#include "FlowPlot.h"
#include "FlowTableModel.h"
#include "FlowTreeView.h"
#include "FollowStreamPane.h"
#include "FrameAnalysisFields.h"
#include "FrameCaptureFields.h"
#include "FrameInspector.h"
#include "FrameTableModel.h"
#include "RecentFiles.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDesktopServices>
#include <QDir>
#include <QFontMetrics>
#include <QComboBox>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QSettings>
#include <QTabWidget>
#include <QShortcut>
#include <QSplitter>
#include <QStatusBar>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QTableView>
#include <QTreeView>
#include <QVBoxLayout>

#include <pcap/pcap.h>
#include <qcustomplot.h>

using namespace fi;

static void initResources()
{
    Q_INIT_RESOURCE(flowinspector); // the .qrc lives in a static library
}

/// The filter box's tooltip: its language in brief (fi::FlowFilter).
/// The link types of a capture's interfaces, for a message: `link type 1 (Ethernet)`.
static QString linkTypesText(const fi::CaptureLayout& layout)
{
    QStringList names;
    for (const fi::CaptureInterface& i : layout.interfaces) {
        const QString name = QStringLiteral("%1 (%2)").arg(i.linkType).arg(QString::fromLatin1(fi::linkTypeName(i.linkType)));
        if (!names.contains(name))
            names << name;
    }
    return (names.size() == 1 ? QObject::tr("link type %1") : QObject::tr("link types %1")).arg(names.join(QStringLiteral(", ")));
}

static QString filterHelp()
{
    return MainWindow::tr("Keep the flows that match, as in Wireshark or tcpdump:\n"
                          "  host 10.0.0.1, src net 10.0.0.0/8, ip.addr == 2001:db8::/32, 10.0.0.1\n"
                          "  port 443, dst port 80, tcp.port >= 1024, portrange 1000-2000\n"
                          "  packets > 100, bytes >= 1M (k M G; KiB MiB GiB), duration > 2 (s, ms), start, syn, fin, rst\n"
                          "  retransmissions > 0, lost > 0, dupacks, rtt.max > 0.2, irtt, bytes_in_flight, throughput\n"
                          "  open, closed, ip6, label contains \"_80-\"\n"
                          "  state == REJ (Zeek's S0, S1, SF, REJ, RSTO…), history contains R (R: the originator's RST)\n"
                          "  and (&&), or (||), not (!), ( ); terms side by side mean and\n"
                          "Other words match text in the label or addresses; a number also matches a port.");
}

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent), m_model(new FlowTableModel(this)),
      m_conversations(new ConversationModel(m_model, this)), m_frames(new FrameTableModel(this)),
      m_loader(new CaptureLoader(this)), m_inspector(new FrameInspector(this)),
      m_exporter(new ExportController(this))
{
    initResources();
    setWindowIcon(QIcon(QStringLiteral(":/icons/flowinspector.svg")));
    setWindowTitle(tr("FlowInspector"));
    setAcceptDrops(true);

    createCentralArea();
    createActions();
    createStatusBar();
    restoreSettings();

    connect(m_loader, &CaptureLoader::started, this, &MainWindow::onStarted);
    connect(m_loader, &CaptureLoader::batchReady, this, &MainWindow::onBatch);
    connect(m_loader, &CaptureLoader::progress, this, [this](qint64 read, qint64 size) {
        m_progress->setValue(size > 0 ? int(read * 1000 / size) : 0);
    });
    connect(m_loader, &CaptureLoader::finished, this, &MainWindow::onFinished);
    connect(m_loader, &CaptureLoader::failed, this, &MainWindow::onFailed);
    connect(m_inspector, &FrameInspector::frameReady, this,
            [this](uint32_t number, const QByteArray& bytes, const fi::LayerTree& tree) {
                fi::LayerTree shown = tree;
                fi::addFrameAnalysisFields(shown.root, m_model->store(), number);
                fi::addFrameCaptureFields(shown.root, m_model->store().layout, m_model->store().frame(number));
                m_details->showFrame(number, bytes, shown);
            });
    connect(m_inspector, &FrameInspector::frameFailed, m_details, &DetailsPane::showFrameError);
    connect(m_exporter, &ExportController::started, this, [this](qint64 total) {
        m_exportLabel->setText(tr("Exporting %1 frames…").arg(QLocale().toString(total)));
        m_exportLabel->show();
    });
    connect(m_exporter, &ExportController::progress, this, [this](qint64 done, qint64 total) {
        m_exportLabel->setText(tr("Exporting: %1 of %2 frames").arg(QLocale().toString(done), QLocale().toString(total)));
    });
    connect(m_exporter, &ExportController::finished, this, &MainWindow::onExportFinished);
}

void MainWindow::exportSelectedFlows()
{
    const std::vector<uint32_t> flows = selectedFlows();
    if (flows.empty()) {
        m_statusLabel->setText(tr("Select the flows to export first."));
        return;
    }
    if (m_exporter->isRunning()) {
        m_statusLabel->setText(tr("An export is still running."));
        return;
    }
    ExportDialog dialog(int(flows.size()), this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    m_exporter->start(m_model->store(), flows, dialog.options());
}

void MainWindow::onExportFinished(const ExportResult& result)
{
    // The summary and, when files were written, a link that opens their folder.
    QString text = ExportController::summaryText(result).toHtmlEscaped();
    if (!result.files.empty())
        text += QStringLiteral(" <a href=\"%1\">%2</a>")
                    .arg(QUrl::fromLocalFile(QString::fromStdString(result.directory)).toString(), tr("Open folder"));
    m_exportLabel->setText(text);
    m_exportLabel->show();
    if (result.end == ExportResult::End::Failed)
        showError(tr("Export failed"), QString::fromStdString(result.error));
}

MainWindow::~MainWindow() = default;

void MainWindow::createCentralArea()
{
    auto* left = new QWidget(this);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(4, 4, 4, 0);
    auto* filterRow = new QHBoxLayout;
    m_filterEdit = new QLineEdit(left);
    m_filterEdit->setObjectName(QStringLiteral("filter"));
    m_filterEdit->setAccessibleName(tr("Filter"));
    m_filterEdit->setPlaceholderText(tr("Filter (Ctrl+F), e.g. host 10.0.0.1 and port 443, bytes > 1M, closed"));
    m_filterEdit->setClearButtonEnabled(true);
    m_filterEdit->setToolTip(filterHelp());
    m_flowCountLabel = new QLabel(left);
    m_flowCountLabel->setAccessibleName(tr("Flows shown"));
    m_filterErrorLabel = new QLabel(left);
    m_filterErrorLabel->setAccessibleName(tr("Filter error"));
    m_filterErrorLabel->setWordWrap(true);
    QPalette errorPalette = m_filterErrorLabel->palette();
    errorPalette.setColor(QPalette::WindowText, QColor(0xb0, 0x00, 0x20));
    m_filterErrorLabel->setPalette(errorPalette);
    m_filterErrorLabel->hide();
    m_stateCombo = new QComboBox(left);
    m_stateCombo->setAccessibleName(tr("Flow state"));
    m_stateCombo->addItem(tr("All flows"), int(FlowTableModel::StateFilter::All));
    m_stateCombo->addItem(tr("Open flows"), int(FlowTableModel::StateFilter::Open));
    m_stateCombo->addItem(tr("Closed flows"), int(FlowTableModel::StateFilter::Closed));
    m_modeCombo = new QComboBox(left);
    m_modeCombo->setAccessibleName(tr("Table shows"));
    m_modeCombo->setToolTip(tr("Flows: one row per flow (a direction, split at each FIN, as the seed's rule says).\n"
                               "Conversations: one row per TCP connection, both directions, its flows below."));
    m_modeCombo->addItem(tr("Flows"));
    m_modeCombo->addItem(tr("Conversations"));
    filterRow->addWidget(m_filterEdit, 1);
    filterRow->addWidget(m_flowCountLabel);
    filterRow->addWidget(m_modeCombo);
    filterRow->addWidget(m_stateCombo);
    leftLayout->addLayout(filterRow);
    leftLayout->addWidget(m_filterErrorLabel);

    m_flowView = new FlowTreeView(left);
    m_flowView->setObjectName(QStringLiteral("flows"));
    m_flowView->setAccessibleName(tr("Flows"));
    m_flowView->setModel(m_model);
    // the table grows four times a second while a capture loads (each growth lays out every row)
    m_model->setRowInsertInterval(250);
    m_flowView->setRootIsDecorated(false); // a table: one row per flow
    m_flowView->setItemsExpandable(false);
    m_flowView->setSortingEnabled(true);
    m_flowView->sortByColumn(-1, Qt::AscendingOrder); // capture order until a header is clicked
    m_flowView->setUniformRowHeights(true);
    m_flowView->setAllColumnsShowFocus(true);
    m_flowView->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_flowView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_flowView->header()->setSectionsMovable(true);
    // Widths that show the label's ends (elided in the middle, whole in its tooltip) and the
    // columns beside it up to the State without scrolling at 1600 pixels.
    m_flowView->setTextElideMode(Qt::ElideMiddle);
    m_flowView->setColumnWidth(FlowTableModel::Label, 250);
    m_flowView->setColumnWidth(FlowTableModel::Source, 110);
    m_flowView->setColumnWidth(FlowTableModel::Destination, 110);
    for (int c : {FlowTableModel::SourcePort, FlowTableModel::DestinationPort, FlowTableModel::Packets})
        m_flowView->setColumnWidth(c, 60);
    for (int c : {FlowTableModel::Syn, FlowTableModel::Fin, FlowTableModel::Rst})
        m_flowView->setColumnWidth(c, 40);
    for (int c : {FlowTableModel::Bytes, FlowTableModel::Start, FlowTableModel::Duration})
        m_flowView->setColumnWidth(c, 80);
    m_flowView->setColumnWidth(FlowTableModel::State, 100);
    leftLayout->addWidget(m_flowView, 1);

    // A table view: it keeps nothing per row (a tree view keeps an item for each, 64 MB and a
    // long layout for the two million frames of a select all).
    m_frameView = new QTableView(this);
    m_frameView->setObjectName(QStringLiteral("frames"));
    m_frameView->setAccessibleName(tr("Frames of the selected flows"));
    m_frameView->setModel(m_frames);
    m_frameView->verticalHeader()->hide();
    m_frameView->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_frameView->verticalHeader()->setDefaultSectionSize(m_frameView->fontMetrics().height() + 4);
    m_frameView->horizontalHeader()->setHighlightSections(false);
    m_frameView->horizontalHeader()->setStretchLastSection(true);
    m_frameView->setShowGrid(false);
    m_frameView->setWordWrap(false);
    m_frameView->setCornerButtonEnabled(false);
    m_frameView->setSortingEnabled(true);
    m_frameView->sortByColumn(-1, Qt::AscendingOrder); // capture order until a header is clicked
    m_frameView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_frameView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_frameView->setTextElideMode(Qt::ElideMiddle);
    for (int c : {FrameTableModel::Number, FrameTableModel::Length, FrameTableModel::Window, FrameTableModel::WindowSize,
                  FrameTableModel::Payload, FrameTableModel::BytesInFlight})
        m_frameView->setColumnWidth(c, 64);
    for (int c : {FrameTableModel::Time, FrameTableModel::Delta, FrameTableModel::AckRtt})
        m_frameView->setColumnWidth(c, 90);
    m_frameView->setColumnWidth(FrameTableModel::Flow, 230);
    m_frameView->setColumnWidth(FrameTableModel::Flags, 110);
    m_frameView->setColumnWidth(FrameTableModel::Analysis, 170);
    for (int c : {FrameTableModel::Seq, FrameTableModel::Ack, FrameTableModel::RawSeq, FrameTableModel::RawAck})
        m_frameView->setColumnWidth(c, 84);

    m_plot = new FlowPlot(this);
    m_leftSplitter = new QSplitter(Qt::Vertical, this);
    m_leftSplitter->setObjectName(QStringLiteral("leftSplitter"));
    m_leftSplitter->addWidget(left);
    m_leftSplitter->addWidget(m_frameView);
    m_leftSplitter->addWidget(m_plot);
    m_leftSplitter->setStretchFactor(0, 3);
    m_leftSplitter->setStretchFactor(1, 2);
    m_leftSplitter->setStretchFactor(2, 2);
    m_leftSplitter->setChildrenCollapsible(false);

    m_details = new DetailsPane(this);
    m_follow = new FollowStreamPane(this);
    m_follow->setObjectName(QStringLiteral("followStream"));
    m_rightTabs = new QTabWidget(this);
    m_rightTabs->setObjectName(QStringLiteral("rightTabs"));
    m_rightTabs->setDocumentMode(true);
    m_rightTabs->addTab(m_details, tr("Details"));
    m_rightTabs->addTab(m_follow, tr("Follow Stream"));
    m_mainSplitter = new QSplitter(Qt::Horizontal, this);
    m_mainSplitter->setObjectName(QStringLiteral("mainSplitter"));
    m_mainSplitter->addWidget(m_leftSplitter);
    m_mainSplitter->addWidget(m_rightTabs);
    m_mainSplitter->setStretchFactor(0, 5);
    m_mainSplitter->setStretchFactor(1, 2);
    m_mainSplitter->setChildrenCollapsible(false);
    setCentralWidget(m_mainSplitter);

    m_filterTimer = new QTimer(this);
    m_filterTimer->setSingleShot(true);
    m_filterTimer->setInterval(300);
    connect(m_filterEdit, &QLineEdit::textChanged, m_filterTimer, qOverload<>(&QTimer::start));
    connect(m_filterTimer, &QTimer::timeout, this, &MainWindow::applyFilterText);
    connect(m_model, &FlowTableModel::flowCountsChanged, this, &MainWindow::updateFlowCount);
    connect(m_model, &FlowTableModel::statisticsChanged, m_flowView->viewport(), qOverload<>(&QWidget::update));
    updateFlowCount();
    connect(m_stateCombo, &QComboBox::currentIndexChanged, this, [this] {
        m_model->setStateFilter(FlowTableModel::StateFilter(m_stateCombo->currentData().toInt()));
    });
    connect(m_frameView->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &MainWindow::onCurrentFrameChanged);
    m_selectionTimer = new QTimer(this);
    m_selectionTimer->setSingleShot(true);
    m_selectionTimer->setInterval(80);
    connect(m_selectionTimer, &QTimer::timeout, this, &MainWindow::showSelectedFlows);
    connectFlowSelection();
    connect(m_conversations, &ConversationModel::statisticsChanged, m_flowView->viewport(), qOverload<>(&QWidget::update));
    connect(m_conversations, &QAbstractItemModel::layoutChanged, this, &MainWindow::updateFlowCount);
    connect(m_conversations, &QAbstractItemModel::rowsInserted, this, &MainWindow::updateFlowCount);
    connect(m_modeCombo, &QComboBox::currentIndexChanged, this, [this] { setConversationsMode(m_modeCombo->currentIndex() == 1); });
    // A filter that hides selected flows takes them out of the selection without a
    // selectionChanged: the frames and the plot follow it too.
    connect(m_model, &QAbstractItemModel::layoutChanged, m_selectionTimer, qOverload<>(&QTimer::start));
    connect(m_plot, &FlowPlot::frameClicked, this, &MainWindow::selectFrame);
    connect(m_rightTabs, &QTabWidget::currentChanged, this, &MainWindow::updateFollowedFlow);
    connect(m_follow, &FollowStreamPane::frameClicked, this, &MainWindow::showStreamFrame);
    connect(m_plot, &FlowPlot::message, this, [this](const QString& text) { statusBar()->showMessage(text, 10000); });
}

void MainWindow::applyFilterText()
{
    // A text that is not a filter (yet) keeps the rows of the last one that was.
    showFilterError(m_model->setFilterText(m_filterEdit->text()) ? QString() : m_model->filterError());
}

void MainWindow::showFilterError(const QString& error)
{
    QPalette palette; // the application's, unless the text is not a filter
    if (!error.isEmpty()) {
        palette.setColor(QPalette::Base, QColor(0xff, 0xd6, 0xd6));
        palette.setColor(QPalette::Text, Qt::black);
    }
    m_filterEdit->setPalette(palette);
    m_filterEdit->setToolTip(error.isEmpty() ? filterHelp() : error);
    m_filterErrorLabel->setText(error.isEmpty() ? QString() : tr("Filter not applied: %1").arg(error));
    m_filterErrorLabel->setVisible(!error.isEmpty());
}

void MainWindow::updateFlowCount()
{
    const QLocale locale;
    const int total = m_model->totalFlows();
    if (conversationsMode()) {
        const int conversations = int(m_conversations->conversations().size());
        const int shown = m_conversations->shownConversations();
        m_flowCountLabel->setText(shown < conversations
                                      ? tr("%1 of %2 conversations").arg(locale.toString(shown), locale.toString(conversations))
                                      : conversations == 1 ? tr("1 conversation")
                                                          : tr("%1 conversations").arg(locale.toString(conversations)));
        return;
    }
    m_flowCountLabel->setText(m_model->isFiltering()
                                  ? tr("%1 of %2 flows").arg(locale.toString(m_model->shownFlows()), locale.toString(total))
                                  : total == 1 ? tr("1 flow") : tr("%1 flows").arg(locale.toString(total)));
}

void MainWindow::showSelectedFlows()
{
    const std::vector<uint32_t> flows = selectedFlows();
    // The same flows in another row order (the table was sorted): nothing to redo.
    if (!flows.empty() && m_frames->showsFlows(flows))
        return;
    const uint32_t currentFrame = m_frameView->currentIndex().isValid()
                                      ? m_frameView->currentIndex().data(FrameTableModel::FrameNumberRole).toUInt()
                                      : 0;
    m_frames->setFlows(&m_model->store(), flows);
    // the frame shown in the details stays current while its flow is selected
    const int row = currentFrame ? m_frames->rowOfFrame(currentFrame) : -1;
    if (row >= 0) {
        const QModelIndex index = m_frames->index(row, 0);
        m_frameView->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        m_frameView->scrollTo(index);
    } else if (currentFrame) {
        showCurrentFlowDetails(); // that frame's flow is no longer selected (or shown)
    }
    if (flows.empty() && !m_flowView->currentIndex().isValid())
        m_details->showNothing();
    // on the next turn of the event loop: the frames table's first slice and the plot's each
    // take a share of the 50 ms a turn may take
    QMetaObject::invokeMethod(this, &MainWindow::plotSelectedFlows, Qt::QueuedConnection);
}

void MainWindow::plotSelectedFlows()
{
    m_plot->setFlows(&m_model->store(), m_frames->flows());
    const QModelIndex current = m_frameView->currentIndex();
    m_plot->markFrame(current.isValid() ? current.data(FrameTableModel::FrameNumberRole).toUInt() : 0);
}

void MainWindow::selectFrame(uint32_t, uint32_t frame)
{
    const int row = m_frames->rowOfFrame(frame);
    if (row < 0)
        return;
    const QModelIndex index = m_frames->index(row, 0);
    m_frameView->scrollTo(index);
    m_frameView->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
}

void MainWindow::showStreamFrame(uint32_t frame)
{
    if (frame == 0 || frame > m_model->store().frames.size())
        return;
    if (m_frames->rowOfFrame(frame) >= 0) {
        selectFrame(0, frame);
        return;
    }
    // a frame of the other direction, whose flow is not selected
    m_frameView->selectionModel()->clearCurrentIndex();
    m_details->showFrameLoading(frame);
    m_inspector->request(m_model->store(), frame);
    m_plot->markFrame(frame);
}

void MainWindow::followCurrentFlow()
{
    m_rightTabs->setCurrentWidget(m_follow);
    updateFollowedFlow();
}

void MainWindow::updateFollowedFlow()
{
    if (m_rightTabs->currentWidget() != m_follow)
        return;
    if (const std::optional<uint32_t> flow = currentFlow())
        m_follow->follow(m_model->store(), *flow);
}

bool MainWindow::conversationsMode() const
{
    return m_flowView->model() == m_conversations;
}

void MainWindow::setConversationsMode(bool conversations)
{
    if (conversations == conversationsMode())
        return;
    if (conversations)
        m_flowHeaderState = m_flowView->header()->saveState();
    QItemSelectionModel* old = m_flowView->selectionModel();
    m_flowView->setModel(conversations ? static_cast<QAbstractItemModel*>(m_conversations) : m_model);
    delete old;
    m_flowView->setRootIsDecorated(conversations);
    m_flowView->setItemsExpandable(conversations);
    if (conversations) {
        m_flowView->sortByColumn(-1, Qt::AscendingOrder); // capture order until a header is clicked
        m_flowView->setColumnWidth(ConversationModel::Conversation, 300);
        for (int c : {ConversationModel::Client, ConversationModel::Server})
            m_flowView->setColumnWidth(c, 150);
        for (int c = ConversationModel::ClientPackets; c < ConversationModel::ColumnCount; ++c)
            m_flowView->setColumnWidth(c, 80);
    } else if (!m_flowHeaderState.isEmpty()) {
        m_flowView->header()->restoreState(m_flowHeaderState);
    }
    m_modeCombo->setCurrentIndex(conversations ? 1 : 0);
    connectFlowSelection();
    updateFlowCount();
    showCurrentFlowDetails();
    m_selectionTimer->start();
}

void MainWindow::connectFlowSelection()
{
    connect(m_flowView->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &MainWindow::onCurrentFlowChanged);
    connect(m_flowView->selectionModel(), &QItemSelectionModel::selectionChanged, m_selectionTimer,
            qOverload<>(&QTimer::start));
}

std::optional<uint32_t> MainWindow::currentFlow() const
{
    const QModelIndex current = m_flowView->currentIndex();
    if (!current.isValid())
        return std::nullopt;
    if (conversationsMode())
        return m_conversations->flowOf(current);
    return m_model->flowAt(current.row());
}

void MainWindow::createActions()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* open = file->addAction(QIcon(QStringLiteral(":/icons/open.svg")), tr("&Open…"), this,
                                    &MainWindow::showOpenDialog);
    open->setShortcut(QKeySequence::Open);
    open->setToolTip(tr("Open a capture (Ctrl+O)"));
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    connect(m_recentMenu, &QMenu::aboutToShow, this, &MainWindow::updateRecentMenu);
    updateRecentMenu();
    file->addSeparator();
    m_exportAction = file->addAction(QIcon(QStringLiteral(":/icons/export.svg")), tr("&Export Selected Flows…"),
                                     this, &MainWindow::exportSelectedFlows);
    m_exportAction->setShortcut(Qt::CTRL | Qt::Key_E);
    m_exportAction->setToolTip(tr("Write the selected flows to files (Ctrl+E)"));
    file->addAction(QIcon(QStringLiteral(":/icons/plot.svg")), tr("Save &Plot…"), m_plot, &FlowPlot::saveWithDialog);
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    QAction* absolute = view->addAction(tr("&Absolute Start Times"));
    absolute->setCheckable(true);
    connect(absolute, &QAction::toggled, m_model, &FlowTableModel::setAbsoluteTimes);
    connect(absolute, &QAction::toggled, m_frames, &FrameTableModel::setAbsoluteTimes);
    QAction* follow = view->addAction(tr("Follow &Stream"), this, &MainWindow::followCurrentFlow);
    follow->setShortcut(Qt::CTRL | Qt::ALT | Qt::SHIFT | Qt::Key_T); // as in Wireshark
    m_flowView->addAction(follow);
    QAction* find = view->addAction(tr("&Filter Flows"), this, [this] {
        m_filterEdit->setFocus();
        m_filterEdit->selectAll();
    });
    find->setShortcut(QKeySequence::Find);

    m_cancelAction = new QAction(QIcon(QStringLiteral(":/icons/cancel.svg")), tr("&Cancel Loading"), this);
    m_cancelAction->setShortcut(Qt::Key_Escape);
    m_cancelAction->setShortcutContext(Qt::WindowShortcut);
    m_cancelAction->setEnabled(false);
    connect(m_cancelAction, &QAction::triggered, m_loader, &CaptureLoader::cancel);
    file->insertAction(quit, m_cancelAction);
    addAction(m_cancelAction);

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About FlowInspector"), this, [this] {
        QMessageBox::about(this, tr("About FlowInspector"),
                           tr("<b>FlowInspector %1</b><p>A TCP flow inspector. Flows are traced "
                              "as pcapkit's TraceFlow does: one direction of a connection, "
                              "labelled by its addresses, ports and first timestamp, ended by "
                              "a FIN.</p><p>Qt %2 (built with %3)<br>%4<br>QCustomPlot %5</p>")
                               .arg(QStringLiteral(FLOWINSPECTOR_VERSION), QString::fromLatin1(qVersion()),
                                    QStringLiteral(QT_VERSION_STR), QString::fromLatin1(pcap_lib_version()),
                                    QStringLiteral(QCUSTOMPLOT_VERSION_STR)));
    });

    QToolBar* bar = addToolBar(tr("Main"));
    bar->setObjectName(QStringLiteral("mainToolBar"));
    bar->addAction(open);
    bar->addAction(m_exportAction);
    bar->addAction(m_cancelAction);

    m_flowView->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_flowView->addAction(m_exportAction);
}

void MainWindow::createStatusBar()
{
    m_statusLabel = new QLabel(tr("Open a capture with File > Open (Ctrl+O) or drop one here."), this);
    m_statusLabel->setAccessibleName(tr("Status"));
    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 1000);
    m_progress->setMaximumWidth(200);
    m_progress->setTextVisible(false);
    m_progress->setAccessibleName(tr("Loading progress"));
    m_cancelButton = new QToolButton(this);
    m_cancelButton->setDefaultAction(m_cancelAction);
    m_cancelButton->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_exportLabel = new QLabel(this);
    m_exportLabel->setAccessibleName(tr("Export status"));
    m_exportLabel->setTextFormat(Qt::RichText);
    m_exportLabel->setOpenExternalLinks(false);
    connect(m_exportLabel, &QLabel::linkActivated, this, [](const QString& url) { QDesktopServices::openUrl(QUrl(url)); });
    m_exportLabel->hide();
    statusBar()->addWidget(m_statusLabel, 1);
    statusBar()->addPermanentWidget(m_exportLabel);
    statusBar()->addPermanentWidget(m_progress);
    statusBar()->addPermanentWidget(m_cancelButton);
    setLoadingUi(false);
}

void MainWindow::setLoadingUi(bool loading)
{
    m_progress->setVisible(loading);
    m_cancelButton->setVisible(loading);
    m_cancelAction->setEnabled(loading);
    m_exportAction->setEnabled(!loading); // flows still growing would be written in part
}

QString MainWindow::statusText() const
{
    return m_statusLabel->text();
}

void MainWindow::restoreSettings()
{
    QSettings s;
    restoreGeometry(s.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(s.value(QStringLiteral("window/state")).toByteArray());
    m_mainSplitter->restoreState(s.value(QStringLiteral("window/mainSplitter")).toByteArray());
    m_details->frameSplitter()->restoreState(s.value(QStringLiteral("window/frameSplitter")).toByteArray());
    m_leftSplitter->restoreState(s.value(QStringLiteral("window/leftSplitter")).toByteArray());
    const QByteArray header = s.value(QStringLiteral("window/flowHeader")).toByteArray();
    if (!header.isEmpty())
        m_flowView->header()->restoreState(header);
    const QByteArray frameHeader = s.value(QStringLiteral("window/frameHeader")).toByteArray();
    if (!frameHeader.isEmpty())
        m_frameView->horizontalHeader()->restoreState(frameHeader);
    if (!s.contains(QStringLiteral("window/geometry")))
        resize(1280, 800);
    if (!s.contains(QStringLiteral("window/mainSplitter")))
        m_mainSplitter->setSizes({72, 28}); // shares of the width: the tables get nearly three quarters
    if (!s.contains(QStringLiteral("window/leftSplitter")))
        m_leftSplitter->setSizes({300, 170, 330}); // room for the plot to be read at 700 pixels high
}

void MainWindow::saveSettings() const
{
    QSettings s;
    s.setValue(QStringLiteral("window/geometry"), saveGeometry());
    s.setValue(QStringLiteral("window/state"), saveState());
    s.setValue(QStringLiteral("window/mainSplitter"), m_mainSplitter->saveState());
    s.setValue(QStringLiteral("window/frameSplitter"), m_details->frameSplitter()->saveState());
    s.setValue(QStringLiteral("window/leftSplitter"), m_leftSplitter->saveState());
    s.setValue(QStringLiteral("window/flowHeader"),
               conversationsMode() ? m_flowHeaderState : m_flowView->header()->saveState());
    s.setValue(QStringLiteral("window/frameHeader"), m_frameView->horizontalHeader()->saveState());
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    saveSettings();
    m_loader->cancel();
    m_exporter->cancel();
    event->accept();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event)
{
    const QList<QUrl> urls = event->mimeData()->urls();
    if (!urls.isEmpty() && std::all_of(urls.begin(), urls.end(), [](const QUrl& u) { return u.isLocalFile(); }))
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event)
{
    const QList<QUrl> urls = event->mimeData()->urls();
    QStringList paths;
    for (const QUrl& u : urls)
        if (u.isLocalFile())
            paths << u.toLocalFile();
    if (!paths.isEmpty() && paths.size() == urls.size()) {
        event->acceptProposedAction();
        openCaptures(paths); // several files dropped together: one capture set
    }
}

void MainWindow::updateRecentMenu()
{
    m_recentMenu->clear();
    const QStringList files = RecentFiles::list();
    const QString home = QDir::homePath();
    const QFontMetrics metrics(m_recentMenu->font());
    for (int i = 0; i < files.size(); ++i) {
        const QString path = files[i];
        // The name, then its folder (home as ~, long folders shortened in the middle): two
        // captures of the same name in different folders are told apart.
        const QFileInfo info(path);
        QString folder = info.absolutePath();
        if (folder == home || folder.startsWith(home + QLatin1Char('/')))
            folder = QLatin1Char('~') + folder.mid(home.size());
        folder = metrics.elidedText(QDir::toNativeSeparators(folder), Qt::ElideMiddle, 40 * metrics.averageCharWidth());
        QString name = info.fileName();
        name.replace(QLatin1Char('&'), QLatin1String("&&"));
        folder.replace(QLatin1Char('&'), QLatin1String("&&"));
        QAction* a = m_recentMenu->addAction(QStringLiteral("&%1 %2 \u2014 %3").arg((i + 1) % 10).arg(name, folder),
                                             this, [this, path] { openCapture(path); });
        a->setToolTip(path);
        a->setStatusTip(path);
    }
    if (files.isEmpty())
        m_recentMenu->addAction(tr("No recent captures"))->setEnabled(false);
    m_recentMenu->addSeparator();
    m_recentMenu->addAction(tr("&Clear List"), this, [] { RecentFiles::clear(); })->setEnabled(!files.isEmpty());
}

void MainWindow::showOpenDialog()
{
    QSettings s;
    const QString dir = s.value(QStringLiteral("lastOpenDirectory")).toString();
    // Several files chosen together are one capture set (a rotated capture, several taps).
    const QStringList paths = QFileDialog::getOpenFileNames(
        this, tr("Open Capture (several files: one capture, merged in time order)"), dir,
        tr("Captures (*.pcap *.pcapng *.cap *.dmp *.gz *.zst);;All files (*)"));
    if (paths.isEmpty())
        return;
    s.setValue(QStringLiteral("lastOpenDirectory"), QFileInfo(paths.front()).absolutePath());
    openCaptures(paths);
}

QString MainWindow::captureName(const QStringList& paths)
{
    const QString first = QFileInfo(paths.value(0)).fileName();
    return paths.size() > 1 ? tr("%1 and %n more file(s)", nullptr, int(paths.size() - 1)).arg(first) : first;
}

void MainWindow::openCaptures(const QStringList& paths)
{
    if (paths.isEmpty())
        return;
    m_interruptedLoad = m_loader->isLoading() ? captureName(m_loadingPaths) : QString();
    m_loadingPaths = paths;
    m_framesSoFar = 0;
    m_inspector->cancel();
    m_details->showNothing();
    m_statusLabel->setText(tr("Opening %1…").arg(captureName(paths)));
    m_progress->setValue(0);
    setLoadingUi(true);
    m_loader->load(paths);
}

void MainWindow::onStarted(const QString& path)
{
    m_plot->clear();
    m_follow->clear();
    m_frames->clear(); // before its store is emptied
    // While loading, new flows are added at the end of the table; the sort order and the
    // filter take them in when the load ends (FlowTableModel::finishLoading).
    m_model->reset(path);
    setWindowTitle(tr("%1 — FlowInspector").arg(captureName(m_loadingPaths)));
    if (m_loadingPaths.size() == 1) // (a set is not one file to open again)
        RecentFiles::add(path);
}

void MainWindow::onBatch(const std::shared_ptr<const LoadBatch>& batch)
{
    m_model->applyBatch(*batch);
    m_frames->appendBatch(*batch);
    m_framesSoFar = batch->firstFrame + uint32_t(batch->frames.size()) - 1;
    m_statusLabel->setText(tr("Loading %1: %2 frames, %3 flows…")
                               .arg(captureName(m_loadingPaths), QLocale().toString(m_framesSoFar),
                                    QLocale().toString(qulonglong(m_model->store().flows.size()))));
}

void MainWindow::onFinished(const LoadResult& result)
{
    setLoadingUi(false);
    m_model->finishLoading();
    const TraceSummary& s = result.summary;
    const QLocale locale;
    const QString name = captureName(m_loadingPaths);
    const QString counts = tr("%1 frames, %2 flow packets, %3 flows, %4 skipped")
                               .arg(locale.toString(s.framesRead), locale.toString(qulonglong(s.flowPackets)),
                                    locale.toString(qulonglong(s.flows)), locale.toString(s.skipped));
    switch (s.end) {
    case TraceSummary::End::Complete:
        if (s.flows == 0 && s.framesRead > 0) // an empty table says why
            m_statusLabel->setText(
                s.skipped == s.framesRead
                    ? tr("%1: no TCP flows: none of its %2 frames could be decoded (%3)")
                          .arg(name, locale.toString(s.framesRead), linkTypesText(m_model->store().layout))
                    : tr("%1: no TCP flows: none of its %2 frames carries TCP (%3 could not be decoded)")
                          .arg(name, locale.toString(s.framesRead), locale.toString(s.skipped)));
        else
            m_statusLabel->setText(tr("%1: %2, loaded in %3 s")
                                       .arg(name, counts, QString::number(double(result.elapsedMs) / 1000.0, 'f', 2)));
        break;
    case TraceSummary::End::Cancelled:
        m_statusLabel->setText(tr("Loading %1 cancelled after frame %2: %3").arg(name).arg(s.framesRead).arg(counts));
        break;
    case TraceSummary::End::Truncated:
    case TraceSummary::End::Damaged:
    case TraceSummary::End::OutputError: {
        const QString reason = QString::fromStdString(s.message);
        m_statusLabel->setText(tr("%1 ends early, after frame %2 (%3): %4").arg(name).arg(s.framesRead).arg(reason, counts));
        showError(tr("Capture ends early"),
                  tr("%1\n\nThe file ends early, after frame %2: %3.\nThe flows read so far are shown.")
                      .arg(result.path)
                      .arg(s.framesRead)
                      .arg(reason));
        break;
    }
    }
    if (!m_plot->flows().empty())
        plotSelectedFlows(); // the flows plotted while loading have grown since
    emit loadFinished(result);
}

void MainWindow::onFailed(const QString& path, const QString& reason)
{
    setLoadingUi(false);
    m_model->finishLoading();
    m_statusLabel->setText(tr("Cannot open %1: %2").arg(QFileInfo(path).fileName(), reason));
    if (!m_interruptedLoad.isEmpty()) {
        // Opening this file stopped the load of another: what was shown of that one is partial.
        m_plot->clear();
        m_frames->clear();
        m_details->showNothing();
        m_model->reset(QString());
        setWindowTitle(tr("FlowInspector"));
        m_statusLabel->setText(m_statusLabel->text() + tr(" (loading %1 was stopped)").arg(m_interruptedLoad));
    }
    RecentFiles::remove(QFileInfo(path).absoluteFilePath());
    showError(tr("Cannot open capture"), tr("%1\n\n%2").arg(path, reason));
    LoadResult result;
    result.path = path;
    result.summary.end = TraceSummary::End::Damaged;
    result.summary.message = reason.toStdString();
    emit loadFinished(result);
}

void MainWindow::showError(const QString& title, const QString& text)
{
    // Window-modal and non-blocking: loading and automation carry on while it is shown.
    auto* box = new QMessageBox(QMessageBox::Warning, title, text, QMessageBox::Ok, this);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setWindowModality(Qt::WindowModal);
    box->open();
}

void MainWindow::onCurrentFlowChanged(const QModelIndex&)
{
    // A flow chosen in the table shows its summary until one of its frames is chosen.
    m_frameView->selectionModel()->clearCurrentIndex();
    showCurrentFlowDetails();
    updateFollowedFlow();
}

void MainWindow::showCurrentFlowDetails()
{
    m_inspector->cancel();
    const QModelIndex current = m_flowView->currentIndex();
    if (conversationsMode() && current.isValid() && !current.parent().isValid())
        m_details->showConversation(*m_conversations, current);
    else if (const std::optional<uint32_t> flow = currentFlow())
        m_details->showFlow(*m_model, *flow);
    else
        m_details->showNothing();
}

void MainWindow::onCurrentFrameChanged(const QModelIndex& current)
{
    if (!current.isValid())
        return;
    const uint32_t frame = current.data(FrameTableModel::FrameNumberRole).toUInt();
    m_details->showFrameLoading(frame);
    m_inspector->request(m_model->store(), frame);
    m_plot->markFrame(frame);
}

std::vector<uint32_t> MainWindow::selectedFlows() const
{
    // Linear in the selected rows, without a model index list: a select all of a quarter of a
    // million flows is one range.
    std::vector<uint32_t> flows;
    std::vector<uint8_t> taken(m_model->store().flows.size(), 0);
    auto take = [&](uint32_t flow) {
        if (flow < taken.size() && !taken[flow]) {
            taken[flow] = 1;
            flows.push_back(flow);
        }
    };
    const bool conversations = conversationsMode();
    std::vector<uint32_t> ofRow;
    for (const QItemSelectionRange& range : m_flowView->selectionModel()->selection())
        for (int row = range.top(); row <= range.bottom(); ++row) {
            if (!conversations) {
                take(m_model->flowAt(row));
                continue;
            }
            ofRow.clear(); // a conversation's flows, or a flow row's one
            m_conversations->appendFlowsOf(m_conversations->index(row, 0, range.parent()), ofRow);
            for (uint32_t flow : ofRow)
                take(flow);
        }
    return flows;
}
