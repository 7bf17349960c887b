#include "FlowPlot.h"

#include "PlotPoints.h"
#include "PlotSizeDialog.h"
#include "TcpFlags.h"

#include <qcustomplot.h>

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QShortcut>
#include <QStackedWidget>
#include <QTimer>
#include <QToolButton>
#include <QToolTip>
#include <QVBoxLayout>

#include <cmath>
#include <functional>
#include <limits>
#include <optional>

using namespace fi;

namespace {

constexpr double kPickRadius = 8.0; // pixels
constexpr qsizetype kLargeSeries = 50000; // more points than this draw as dots
constexpr int kFirstSliceMs = 10; // building points in setFlows(): small selections are done
constexpr int kBuildSliceMs = 20; // building points: at most about this long per event

/// The lanes' ticks: one per lane in view, labelled with its flow, when few enough lanes are in
/// view to be read (lanes mode shows about FlowPlot::kVisibleLanes and scrolls).
class LaneTicker final : public QCPAxisTicker
{
public:
    LaneTicker(std::function<QString(int)> labelOf, int lanes) : m_labelOf(std::move(labelOf)), m_lanes(lanes) {}

protected:
    QVector<double> createTickVector(double, const QCPRange& range) override
    {
        QVector<double> ticks;
        const int first = std::max(0, int(std::ceil(range.lower)));
        const int last = std::min(m_lanes - 1, int(std::floor(range.upper)));
        if (last - first > 3 * FlowPlot::kVisibleLanes)
            return ticks; // zoomed out over thousands of lanes: no labels to read
        for (int lane = first; lane <= last; ++lane)
            ticks.push_back(lane);
        return ticks;
    }
    QVector<double> createSubTickVector(int, const QVector<double>&) override { return {}; }
    QString getTickLabel(double tick, const QLocale&, QChar, int) override { return m_labelOf(int(tick)); }

private:
    std::function<QString(int)> m_labelOf;
    int m_lanes;
};

QCPScatterStyle tickStyle(const QColor& color)
{
    QPainterPath tick;
    tick.moveTo(0, -6);
    tick.lineTo(0, 6);
    return QCPScatterStyle(tick, QPen(color, 1.5), Qt::NoBrush, 6); // a custom path is scaled by size / 6
}

QString elided(const std::string& text, int length)
{
    const QString s = QString::fromStdString(text);
    return s.size() <= length ? s : s.left(length - 1) + QChar(0x2026);
}

} // namespace

FlowPlot::FlowPlot(QWidget* parent) : QWidget(parent)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* controls = new QHBoxLayout;
    m_valueCombo = new QComboBox(this);
    m_valueCombo->setAccessibleName(tr("Plot value"));
    for (PlotValue v : {PlotValue::FrameLength, PlotValue::PayloadLength, PlotValue::RelativeSequence,
                        PlotValue::CumulativeBytes, PlotValue::TimeSequence, PlotValue::AckRtt,
                        PlotValue::Throughput, PlotValue::BytesInFlight})
        m_valueCombo->addItem(plotValueName(v), int(v));
    m_originCombo = new QComboBox(this);
    m_originCombo->setAccessibleName(tr("Time origin"));
    m_originCombo->addItem(tr("Time from capture start"), int(PlotOrigin::CaptureStart));
    m_originCombo->addItem(tr("Time from flow start"), int(PlotOrigin::FlowStart));
    m_lanesCheck = new QCheckBox(tr("&Lanes"), this);
    m_lanesCheck->setToolTip(tr("One horizontal lane per flow on a shared time axis"));
    for (int m = 0; m < kPlotMarkerCount; ++m) {
        // (the analysis's markers under shorter names: the row must fit a narrow window)
        static const char* const kShort[kPlotMarkerCount] = {"SYN", "FIN", "RST", "Retr.", "Dup", "ZW"};
        QCheckBox* c = m_markerChecks[size_t(m)] = new QCheckBox(tr(kShort[m]), this);
        c->setChecked(true);
        c->setToolTip(tr("Show the %1 markers").arg(plotMarkerName(PlotMarker(m))));
    }
    m_reverseButton = new QToolButton(this);
    m_reverseButton->setText(tr("Add &Reverse Direction"));
    m_reverseButton->setToolTip(tr("Also plot the other direction of this connection"));
    auto* reset = new QToolButton(this);
    reset->setText(tr("Reset Zoom"));
    reset->setToolTip(tr("Show everything (Home, or double-click the plot)"));
    auto* saveButton = new QToolButton(this);
    saveButton->setText(tr("Save…"));
    saveButton->setToolTip(tr("Save the plot as PNG, PDF or JPG"));
    // Two rows of compact controls, so that the plot never forces the window's left side
    // wider than the flow tree needs (the details pane beside it keeps its room).
    for (QComboBox* combo : {m_valueCombo, m_originCombo}) {
        combo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
        combo->setMinimumContentsLength(12);
    }
    controls->addWidget(m_valueCombo, 1);
    controls->addWidget(m_originCombo, 1);
    controls->addWidget(m_lanesCheck);
    auto* secondRow = new QHBoxLayout;
    for (QCheckBox* c : m_markerChecks)
        secondRow->addWidget(c);
    secondRow->addStretch(1);
    secondRow->addWidget(m_reverseButton);
    secondRow->addWidget(reset);
    secondRow->addWidget(saveButton);
    layout->addLayout(controls);
    layout->addLayout(secondRow);

    m_stack = new QStackedWidget(this);
    m_message = new QLabel(m_stack);
    m_message->setAlignment(Qt::AlignCenter);
    m_message->setEnabled(false);
    m_plot = new QCustomPlot(m_stack);
    m_plot->setAccessibleName(tr("Packet timeline"));
    m_plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    m_plot->setNoAntialiasingOnDrag(true);
    m_plot->legend->setVisible(true);
    QFont legendFont = font();
    legendFont.setPointSizeF(legendFont.pointSizeF() * 0.85);
    m_plot->legend->setFont(legendFont);
    m_plot->legend->setBrush(QColor(255, 255, 255, 210));
    // The legend sits below the axes, in columns, so that it never hides points.
    m_plot->plotLayout()->addElement(1, 0, m_plot->legend);
    m_plot->plotLayout()->setRowStretchFactor(1, 0.001);
    m_plot->legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    m_plot->legend->setWrap(4);
    m_plot->legend->setBorderPen(Qt::NoPen);
    // The markers' legend of its own beneath: their short names share rows, where in the
    // flows' columns each took a row of its own.
    m_markerLegend = new QCPLegend;
    m_plot->plotLayout()->addElement(2, 0, m_markerLegend);
    m_plot->plotLayout()->setRowStretchFactor(2, 0.001);
    m_markerLegend->setLayer(m_plot->legend->layer());
    m_markerLegend->setFont(legendFont);
    m_markerLegend->setBrush(m_plot->legend->brush());
    m_markerLegend->setBorderPen(Qt::NoPen);
    m_markerLegend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
    m_markerLegend->setWrap(kPlotMarkerCount);
    // Both legends as tight as their text, so that a short plot keeps its height for the axes.
    for (QCPLegend* legend : {m_plot->legend, m_markerLegend}) {
        legend->setIconSize(16, 10);
        legend->setMargins(QMargins(4, 1, 4, 1));
        legend->setRowSpacing(0);
    }
    m_plot->plotLayout()->setRowSpacing(0);
    // The y axis' title elided to the axes' height (a short plot cut it off mid-word); the
    // value box above names it whole.
    connect(m_plot, &QCustomPlot::afterLayout, this, [this] {
        const QString shown = QFontMetrics(m_plot->yAxis->labelFont())
                                  .elidedText(m_yLabel, Qt::ElideRight, m_plot->axisRect()->height());
        if (shown != m_plot->yAxis->label())
            m_plot->yAxis->setLabel(shown);
    });
    m_plot->setContextMenuPolicy(Qt::CustomContextMenu);
    m_plot->setMinimumHeight(160);
    m_stack->addWidget(m_message);
    m_stack->addWidget(m_plot);
    layout->addWidget(m_stack, 1);

    connect(m_valueCombo, &QComboBox::currentIndexChanged, this,
            [this] { setValue(PlotValue(m_valueCombo->currentData().toInt())); });
    connect(m_originCombo, &QComboBox::currentIndexChanged, this,
            [this] { setOrigin(PlotOrigin(m_originCombo->currentData().toInt())); });
    connect(m_lanesCheck, &QCheckBox::toggled, this, &FlowPlot::setLanes);
    for (int m = 0; m < kPlotMarkerCount; ++m)
        connect(m_markerChecks[size_t(m)], &QCheckBox::toggled, this,
                [this, m](bool on) { setMarkerVisible(PlotMarker(m), on); });
    connect(m_reverseButton, &QToolButton::clicked, this, &FlowPlot::addReverseDirection);
    connect(reset, &QToolButton::clicked, this, &FlowPlot::resetZoom);
    connect(saveButton, &QToolButton::clicked, this, &FlowPlot::saveWithDialog);
    connect(m_plot, &QCustomPlot::mouseMove, this, &FlowPlot::onMouseMove);
    connect(m_plot, &QCustomPlot::mousePress, this, [this](QMouseEvent* e) {
        m_pressPos = e->pos();
        // Shift+drag draws a rectangle to zoom into; a plain drag pans.
        m_plot->setSelectionRectMode(e->modifiers() & Qt::ShiftModifier ? QCP::srmZoom : QCP::srmNone);
    });
    connect(m_plot, &QCustomPlot::mouseRelease, this, &FlowPlot::onMouseRelease);
    connect(m_plot, &QCustomPlot::mouseDoubleClick, this, &FlowPlot::resetZoom);
    connect(m_plot, &QWidget::customContextMenuRequested, this, &FlowPlot::contextMenu);
    auto* home = new QShortcut(QKeySequence(Qt::Key_Home), m_plot);
    home->setContext(Qt::WidgetWithChildrenShortcut);
    connect(home, &QShortcut::activated, this, &FlowPlot::resetZoom);
    m_plot->setFocusPolicy(Qt::StrongFocus);
    m_plot->installEventFilter(this);
    m_buildTimer = new QTimer(this);
    m_buildTimer->setSingleShot(true);
    m_buildTimer->setInterval(0);
    connect(m_buildTimer, &QTimer::timeout, this, [this] {
        if (m_builder)
            buildSlice(kBuildSliceMs);
    });
    rebuild();
}

QColor FlowPlot::flowColor(size_t i)
{
    static const QColor kPalette[] = {QColor(31, 119, 180), QColor(255, 127, 14), QColor(148, 103, 189),
                                      QColor(23, 190, 207),  QColor(140, 86, 75),  QColor(227, 119, 194),
                                      QColor(188, 189, 34),  QColor(127, 127, 127)};
    constexpr size_t n = sizeof kPalette / sizeof kPalette[0];
    if (i < n)
        return kPalette[i];
    return QColor::fromHsv(int((i * 137) % 360), 200, 190); // golden-angle hues beyond the palette
}

FlowPlot::~FlowPlot() = default;

void FlowPlot::setFlows(const CaptureStore* store, const std::vector<uint32_t>& flows)
{
    m_store = store;
    m_flows = flows;
    m_markedFrame = 0;
    rebuild();
}

void FlowPlot::clear()
{
    setFlows(nullptr, {});
}

void FlowPlot::setValue(PlotValue value)
{
    m_value = value;
    m_valueCombo->setCurrentIndex(m_valueCombo->findData(int(value)));
    rebuild();
}

void FlowPlot::setOrigin(PlotOrigin origin)
{
    m_origin = origin;
    m_originCombo->setCurrentIndex(m_originCombo->findData(int(origin)));
    rebuild();
}

void FlowPlot::setLanes(bool lanes)
{
    m_lanes = lanes;
    m_lanesCheck->setChecked(lanes);
    m_valueCombo->setEnabled(!lanes);
    rebuild();
}

void FlowPlot::setMarkerVisible(PlotMarker marker, bool visible)
{
    m_markerChecks[size_t(marker)]->setChecked(visible);
    if (QCPGraph* g = m_markerGraphs[size_t(marker)]) {
        g->setVisible(visible);
        m_plot->replot(QCustomPlot::rpQueuedReplot);
    }
}

bool FlowPlot::isMarkerVisible(PlotMarker marker) const
{
    return m_markerChecks[size_t(marker)]->isChecked();
}

namespace {
/// The other directions of `flows` that are not among them, in order.
std::vector<uint32_t> missingReverses(const CaptureStore& store, const std::vector<uint32_t>& flows)
{
    std::vector<uint8_t> plotted(store.flows.size(), 0);
    for (uint32_t f : flows)
        if (f < plotted.size())
            plotted[f] = 1;
    std::vector<uint32_t> out;
    for (uint32_t f : flows) {
        const uint32_t r = f < store.flows.size() ? store.flows[f].reverse : FlowTracker::kNoFlow;
        if (r < plotted.size() && !plotted[r]) {
            plotted[r] = 1;
            out.push_back(r);
        }
    }
    return out;
}
} // namespace

bool FlowPlot::addReverseDirection()
{
    if (!m_store)
        return false;
    const std::vector<uint32_t> more = missingReverses(*m_store, m_flows);
    if (more.empty())
        return false;
    m_flows.insert(m_flows.end(), more.begin(), more.end());
    rebuild();
    return true;
}

bool FlowPlot::showsMessage() const
{
    return m_stack->currentWidget() == m_message;
}

void FlowPlot::rebuild()
{
    m_buildTimer->stop();
    m_builder.reset();
    m_markerLegend->clearItems(); // (the graphs know only the main legend)
    m_plot->clearGraphs();
    m_flowGraphs.clear();
    m_ackGraphs.clear();
    m_windowGraphs.clear();
    m_pointFrames.clear();
    m_pointFlows.clear();
    m_markerGraphs.fill(nullptr);
    m_mark = nullptr;
    const bool any = m_store && !m_flows.empty();
    m_reverseButton->setEnabled(any && !missingReverses(*m_store, m_flows).empty());
    if (!any) {
        m_message->setText(tr("Select one or more flows to plot their packets over time."));
        m_stack->setCurrentWidget(m_message);
        emit plotted();
        return;
    }
    PlotRequest request;
    request.flows = m_flows;
    request.value = m_value;
    request.origin = m_origin;
    request.lanes = m_lanes;
    request.groupCount = m_flows.size() <= kNamedFlows ? m_flows.size() : kColourGroups;
    request.ackLines = m_value == PlotValue::TimeSequence && m_flows.size() <= kNamedFlows;
    m_builder = std::make_unique<PlotPointsBuilder>(*m_store, std::move(request));
    buildSlice(kFirstSliceMs);
}

void FlowPlot::buildSlice(int budgetMs)
{
    if (!m_builder->step(budgetMs)) {
        m_message->setText(tr("Plotting %1 flows… %2%")
                               .arg(QLocale().toString(qulonglong(m_flows.size())))
                               .arg(int(m_builder->progress() * 100)));
        m_stack->setCurrentWidget(m_message);
        m_buildTimer->start();
        return;
    }
    showPoints();
}

void FlowPlot::showPoints()
{

    std::unique_ptr<PlotPointsBuilder> builder = std::move(m_builder);
    m_stack->setCurrentWidget(m_plot);
    const bool named = m_flows.size() <= kNamedFlows;
    std::vector<PlotPoints>& groups = builder->groups();
    qsizetype points = 0;
    for (const PlotPoints& g : groups)
        points += g.size();
    // Many points draw as plain dots without antialiasing: a million discs take a quarter of
    // a second to paint, a million dots a few milliseconds.
    const bool dots = points > kLargeSeries;
    for (size_t i = 0; i < groups.size(); ++i) {
        PlotPoints& p = groups[i];
        const QColor color = flowColor(i);
        QCPGraph* g = m_plot->addGraph();
        g->setPen(QPen(color, 1));
        g->setLineStyle(named && !m_lanes && m_value == PlotValue::CumulativeBytes ? QCPGraph::lsStepLeft
                                                                                 : QCPGraph::lsNone);
        g->setScatterStyle(dots      ? QCPScatterStyle(QCPScatterStyle::ssDot, color, 1)
                           : m_lanes ? tickStyle(color)
                                     : QCPScatterStyle(QCPScatterStyle::ssDisc, color, color, 4));
        g->setAntialiasedScatters(!dots);
        g->data()->set(p.data, true);
        if (named)
            g->setName(elided(m_store->flows[m_flows[i]].label(), 48));
        else if (i == 0)
            g->setName(tr("%1 flows, %2 packets (colours repeat every %3 flows)")
                           .arg(QLocale().toString(qulonglong(m_flows.size())), QLocale().toString(qlonglong(points)))
                           .arg(kColourGroups));
        else
            g->removeFromLegend();
        m_flowGraphs.push_back(g);
        m_pointFrames.push_back(std::move(p.frames));
        m_pointFlows.push_back(std::move(p.flows));
        p = PlotPoints{}; // the graph holds the points now
    }
    // The time-sequence graph's other side: its ACK line and the right edge of the window it
    // offered, as steps in each flow's colour (one legend entry for all flows' lines).
    for (size_t i = 0; i < builder->ackLines().size(); ++i) {
        for (int line = 0; line < 2; ++line) {
            PlotPoints& p = line == 0 ? builder->ackLines()[i] : builder->windowLines()[i];
            QCPGraph* g = m_plot->addGraph();
            g->setPen(QPen(flowColor(i), line == 0 ? 1.5 : 1, line == 0 ? Qt::SolidLine : Qt::DashLine));
            g->setLineStyle(QCPGraph::lsStepLeft);
            g->data()->set(p.data, true);
            g->setName(line == 0 ? tr("ACKs of the other side") : tr("Window the other side offered"));
            if (i > 0)
                g->removeFromLegend();
            (line == 0 ? m_ackGraphs : m_windowGraphs).push_back(g);
            p = PlotPoints{};
        }
    }
    auto markers = [this](const QString& name, PlotPoints& p, const QCPScatterStyle& style) {
        QCPGraph* g = m_plot->addGraph();
        g->setName(QStringLiteral("%1 (%2)").arg(name, QLocale().toString(qlonglong(p.size()))));
        g->setLineStyle(QCPGraph::lsNone);
        g->setScatterStyle(style);
        g->setAntialiasedScatters(p.size() <= kLargeSeries); // (as the points: see above)
        g->data()->set(p.data, true);
        m_pointFrames.push_back(std::move(p.frames));
        m_pointFlows.push_back(std::move(p.flows));
        p = PlotPoints{};
        return g;
    };
    // Thousands of markers at full size would bury the points under a band of symbols: many
    // flows get markers of half the size.
    const double scale = named ? 1.0 : 0.5;
    const QCPScatterStyle styles[kPlotMarkerCount] = {
        {QCPScatterStyle::ssTriangle, QPen(QColor(0, 140, 0), 1.5 * scale), QColor(0, 200, 0), 10 * scale},
        {QCPScatterStyle::ssSquare, QPen(QColor(170, 0, 0), 1.5 * scale), QColor(230, 30, 30), 9 * scale},
        {QCPScatterStyle::ssCross, QPen(Qt::black, 2 * scale), Qt::NoBrush, 11 * scale},
        {QCPScatterStyle::ssDiamond, QPen(QColor(200, 90, 0), 1.5 * scale), QColor(255, 150, 40), 10 * scale},
        {QCPScatterStyle::ssTriangleInverted, QPen(QColor(120, 40, 160), 1.5 * scale), QColor(180, 110, 220), 9 * scale},
        {QCPScatterStyle::ssStar, QPen(QColor(0, 90, 200), 2 * scale), Qt::NoBrush, 12 * scale},
    };
    for (int m = 0; m < kPlotMarkerCount; ++m) {
        // a marker without a packet stays out of the legend
        const bool none = builder->markers(PlotMarker(m)).size() == 0;
        QCPGraph* g = m_markerGraphs[size_t(m)] = markers(plotMarkerName(PlotMarker(m)), builder->markers(PlotMarker(m)), styles[m]);
        g->setVisible(m_markerChecks[size_t(m)]->isChecked());
        g->removeFromLegend();
        if (!none || m < int(PlotMarker::Retransmission))
            g->addToLegend(m_markerLegend);
    }
    m_mark = m_plot->addGraph();
    m_mark->setLineStyle(QCPGraph::lsNone);
    m_mark->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(QColor(255, 140, 0), 2.5), Qt::NoBrush, 16));
    m_mark->removeFromLegend();

    m_plot->xAxis->setLabel(m_origin == PlotOrigin::FlowStart ? tr("Time since the flow's first frame (s)")
                                                              : tr("Time since the capture's first frame (s)"));
    m_plot->yAxis->setRangeReversed(m_lanes); // lanes read top down, as the flow table does
    if (m_lanes) {
        const CaptureStore* store = m_store;
        const std::vector<uint32_t> flows = m_flows;
        m_plot->yAxis->setTicker(QSharedPointer<QCPAxisTicker>(new LaneTicker([store, flows](int lane) {
            return elided(store->flows[flows[size_t(lane)]].label(), 34);
        }, int(m_flows.size()))));
        m_yLabel.clear();
    } else {
        m_plot->yAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
        m_yLabel = plotValueName(m_value);
    }
    m_plot->yAxis->setLabel(m_yLabel); // (elided to the axes' height at the next layout)
    fitLegend();
    markFrame(m_markedFrame);
    resetZoom();
    emit plotted();
}

void FlowPlot::resetZoom()
{
    if (m_flowGraphs.empty())
        return;
    m_plot->rescaleAxes(true);
    QCPRange x = m_plot->xAxis->range(), y = m_plot->yAxis->range();
    // A single packet (or packets at one time or of one size) still gets a readable range.
    if (x.size() <= 0)
        x = QCPRange(x.lower - 0.001, x.upper + 0.001);
    if (m_lanes) // the first lanes, at most as many as stay readable; the rest scroll
        y = QCPRange(-0.6, double(std::min<size_t>(m_flows.size(), kVisibleLanes)) - 0.4);
    else if (y.size() <= 0)
        y = QCPRange(std::min(0.0, y.lower), y.upper > 0 ? y.upper * 1.25 : 1.0);
    const double dx = x.size() * 0.03, dy = m_lanes ? 0 : y.size() * 0.06;
    m_plot->xAxis->setRange(x.lower - dx, x.upper + dx);
    m_plot->yAxis->setRange(y.lower - dy, y.upper + dy);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

FlowPlot::PointRef FlowPlot::pointOfFrame(uint32_t frame) const
{
    if (frame == 0)
        return {};
    for (size_t g = 0; g < m_flowGraphs.size(); ++g) {
        const std::vector<uint32_t>& frames = m_pointFrames[g];
        const auto it = std::find(frames.begin(), frames.end(), frame);
        if (it != frames.end())
            return {g, qsizetype(it - frames.begin())};
    }
    return {};
}

const QCPGraphData& FlowPlot::dataOf(PointRef point) const
{
    return *m_flowGraphs[point.graph]->data()->at(int(point.index));
}

void FlowPlot::markFrame(uint32_t frame)
{
    m_markedFrame = frame;
    if (!m_mark)
        return;
    m_mark->data()->clear();
    if (const PointRef point = pointOfFrame(frame); point.valid())
        m_mark->addData(dataOf(point).key, dataOf(point).value);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

FlowPlot::PointRef FlowPlot::pointAt(const QPoint& pixel) const
{
    double best = kPickRadius * kPickRadius;
    PointRef nearest;
    const double lo = m_plot->xAxis->pixelToCoord(pixel.x() - kPickRadius);
    const double hi = m_plot->xAxis->pixelToCoord(pixel.x() + kPickRadius);
    for (size_t g = 0; g < m_flowGraphs.size(); ++g) {
        if (!m_flowGraphs[g]->visible())
            continue;
        const QSharedPointer<QCPGraphDataContainer> points = m_flowGraphs[g]->data();
        auto it = points->findBegin(std::min(lo, hi), false);
        const auto last = points->findEnd(std::max(lo, hi), false);
        int budget = 4096; // dense regions: looking at a few thousand points is enough
        for (; it != last && budget-- > 0; ++it) {
            const double px = m_plot->xAxis->coordToPixel(it->key) - pixel.x();
            const double py = m_plot->yAxis->coordToPixel(it->value) - pixel.y();
            if (px * px + py * py < best) {
                best = px * px + py * py;
                nearest = {g, qsizetype(it - points->constBegin())};
            }
        }
    }
    return nearest;
}

uint32_t FlowPlot::frameAt(const QPoint& pixel) const
{
    const PointRef point = pointAt(pixel);
    return point.valid() ? frameOf(point) : 0;
}

QPoint FlowPlot::pixelOfFrame(uint32_t frame) const
{
    const PointRef point = pointOfFrame(frame);
    if (!point.valid())
        return {-1, -1};
    return QPoint(int(std::lround(m_plot->xAxis->coordToPixel(dataOf(point).key))),
                  int(std::lround(m_plot->yAxis->coordToPixel(dataOf(point).value))));
}

void FlowPlot::onMouseMove(QMouseEvent* event)
{
    if (event->buttons() != Qt::NoButton || !m_store)
        return;
    const PointRef point = pointAt(event->pos());
    if (!point.valid()) {
        QToolTip::hideText();
        return;
    }
    const uint32_t frame = frameOf(point);
    const FlowRecord& flow = m_store->flows[flowOf(point)];
    const FrameRecord& r = m_store->frame(frame);
    const FlowPacket* p = m_store->packetOfFrame(frame);
    const uint8_t flags = p ? p->flags : 0;
    const double t = double(r.timeNs - m_store->startNs()) / 1e9;
    QToolTip::showText(event->globalPosition().toPoint(),
                       tr("Frame %1\nTime %2 s\nLength %3 bytes\nFlags %4\n%5")
                           .arg(frame)
                           .arg(QString::number(t, 'f', 6))
                           .arg(r.originalLength)
                           .arg(QString::fromStdString(tcpFlagsText(flags)), QString::fromStdString(flow.label())),
                       m_plot);
}

void FlowPlot::onMouseRelease(QMouseEvent* event)
{
    if (event->button() != Qt::LeftButton || (event->pos() - m_pressPos).manhattanLength() > 3)
        return;
    const PointRef point = pointAt(event->pos());
    if (!point.valid())
        return;
    markFrame(frameOf(point));
    emit frameClicked(flowOf(point), frameOf(point));
}

bool FlowPlot::stepPoint(bool forward)
{
    // Points in the order of (time, frame number); the next one after the marked point (or
    // from the start or the end) over every visible flow graph.
    using Place = std::pair<double, uint32_t>;
    const double edge = forward ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
    const PointRef marked = pointOfFrame(m_markedFrame);
    const Place from = marked.valid() ? Place{dataOf(marked).key, m_markedFrame} : Place{edge, 0};
    auto beyond = [forward](const Place& a, const Place& b) { return forward ? a > b : a < b; };
    PointRef best;
    Place bestPlace;
    for (size_t g = 0; g < m_flowGraphs.size(); ++g) {
        if (!m_flowGraphs[g]->visible())
            continue;
        const QSharedPointer<QCPGraphDataContainer> points = m_flowGraphs[g]->data();
        // From `from`'s time on (backward: from past it), up to the end of the first time that
        // has a point beyond `from`: points of one time stand in any frame order.
        const qsizetype start = (forward ? points->findBegin(from.first, false)
                                         : points->findEnd(from.first, false)) - points->constBegin();
        std::optional<double> firstTime;
        for (qsizetype i = forward ? start : start - 1; i >= 0 && i < points->size(); i += forward ? 1 : -1) {
            const PointRef here{g, i};
            const Place place{dataOf(here).key, frameOf(here)};
            if (!beyond(place, from))
                continue;
            if (firstTime && place.first != *firstTime)
                break; // the rest of this graph is further on in time
            firstTime = place.first;
            if (!best.valid() || beyond(bestPlace, place)) {
                best = here;
                bestPlace = place;
            }
        }
    }
    if (!best.valid())
        return false;
    markFrame(frameOf(best));
    const QCPRange x = m_plot->xAxis->range();
    if (!x.contains(bestPlace.first)) { // keep the new point in view
        m_plot->xAxis->setRange(bestPlace.first - x.size() / 2, bestPlace.first + x.size() / 2);
        m_plot->replot(QCustomPlot::rpQueuedReplot);
    }
    emit frameClicked(flowOf(best), frameOf(best));
    return true;
}

void FlowPlot::fitLegend()
{
    fitLegend(m_plot->legend, 4);
    fitLegend(m_markerLegend, kPlotMarkerCount);
}

void FlowPlot::fitLegend(QCPLegend* legend, int maxColumns)
{
    // The most columns (at most maxColumns) whose entries all fit the plot's width uncut;
    // entries fill the rows left to right, so entry i stands in column i % columns.
    std::vector<int> widths;
    for (int i = 0; i < legend->itemCount(); ++i)
        if (const QCPAbstractLegendItem* item = legend->item(i)) // (a grid may have empty cells)
            widths.push_back(item->minimumOuterSizeHint().width());
    const int available = m_plot->width() - 20;
    int columns = maxColumns;
    for (; columns > 1; --columns) {
        std::vector<int> columnWidth(size_t(columns), 0);
        for (size_t i = 0; i < widths.size(); ++i)
            columnWidth[i % size_t(columns)] = std::max(columnWidth[i % size_t(columns)], widths[i]);
        int total = (columns - 1) * legend->columnSpacing();
        for (int w : columnWidth)
            total += w;
        if (total <= available)
            break;
    }
    if (legend->wrap() != columns) {
        legend->setWrap(columns);
        legend->setFillOrder(QCPLayoutGrid::foColumnsFirst, true);
    }
}

bool FlowPlot::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_plot && event->type() == QEvent::Resize)
        fitLegend();
    if (watched == m_plot && (event->type() == QEvent::FocusIn || event->type() == QEvent::FocusOut)) {
        // the plot shows that it has the keyboard: its axis box in the highlight colour
        const QPen pen = m_plot->hasFocus() ? QPen(palette().color(QPalette::Highlight), 2) : QPen(Qt::black, 0);
        for (QCPAxis* axis : {m_plot->xAxis, m_plot->yAxis})
            axis->setBasePen(pen);
        m_plot->replot(QCustomPlot::rpQueuedReplot);
    }
    if (watched != m_plot || event->type() != QEvent::KeyPress || m_flowGraphs.empty())
        return QWidget::eventFilter(watched, event);
    auto* key = static_cast<QKeyEvent*>(event);
    QCPAxis* x = m_plot->xAxis;
    QCPAxis* y = m_plot->yAxis;
    const bool shift = key->modifiers() & Qt::ShiftModifier;
    switch (key->key()) {
    case Qt::Key_Left:
    case Qt::Key_Right:
        if (shift)
            stepPoint(key->key() == Qt::Key_Right);
        else
            x->moveRange((key->key() == Qt::Key_Right ? 0.1 : -0.1) * x->range().size());
        break;
    case Qt::Key_Up:
    case Qt::Key_Down: {
        // lanes scroll a lane at a time, from the top (lane 0) down; values move a tenth
        const double step = m_lanes ? 1.0 : 0.1 * y->range().size();
        const bool towardsLowerValues = (key->key() == Qt::Key_Down) != m_lanes;
        y->moveRange(towardsLowerValues ? -step : step);
        break;
    }
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        x->scaleRange(0.5, x->range().center());
        break;
    case Qt::Key_Minus:
        x->scaleRange(2.0, x->range().center());
        break;
    default:
        return QWidget::eventFilter(watched, event);
    }
    m_plot->replot(QCustomPlot::rpQueuedReplot);
    return true;
}

void FlowPlot::contextMenu(const QPoint& pos)
{
    QMenu menu(this);
    menu.addAction(tr("Reset Zoom"), this, &FlowPlot::resetZoom);
    menu.addAction(tr("Save Plot…"), this, &FlowPlot::saveWithDialog)->setEnabled(!m_flowGraphs.empty());
    menu.addAction(tr("Add Reverse Direction"), this, &FlowPlot::addReverseDirection)
        ->setEnabled(m_reverseButton->isEnabled());
    menu.exec(m_plot->mapToGlobal(pos));
}

bool FlowPlot::save(const QString& path, int width, int height)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QLatin1String("pdf"))
        return m_plot->savePdf(path, width, height);
    if (suffix == QLatin1String("jpg") || suffix == QLatin1String("jpeg"))
        return m_plot->saveJpg(path, width, height);
    return m_plot->savePng(path, width, height);
}

void FlowPlot::saveWithDialog()
{
    if (m_flowGraphs.empty())
        return;
    QString filter;
    QString path = QFileDialog::getSaveFileName(this, tr("Save Plot"), QStringLiteral("flows.png"),
                                                tr("PNG image (*.png);;PDF document (*.pdf);;JPEG image (*.jpg)"), &filter);
    if (path.isEmpty())
        return;
    if (QFileInfo(path).suffix().isEmpty())
        path += filter.contains(QLatin1String("pdf")) ? QStringLiteral(".pdf")
                : filter.contains(QLatin1String("jpg")) ? QStringLiteral(".jpg")
                                                          : QStringLiteral(".png");
    PlotSizeDialog sizeDialog(m_plot->size(), this);
    if (sizeDialog.exec() != QDialog::Accepted)
        return;
    const QSize size = sizeDialog.chosenSize();
    if (!save(path, size.width(), size.height())) {
        emit message(tr("The plot could not be saved to %1").arg(path));
        QMessageBox::warning(this, tr("Save Plot"), tr("%1\n\nThe plot could not be written there.").arg(path));
        return;
    }
    const QSize written = size.isEmpty() ? m_plot->size() : size;
    emit message(tr("Plot saved to %1 (%2 × %3)").arg(QDir::toNativeSeparators(path)).arg(written.width()).arg(written.height()));
}
