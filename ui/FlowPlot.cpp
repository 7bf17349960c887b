#include "FlowPlot.h"

#include "FlowTreeModel.h"
#include "PlotSizeDialog.h"

#include <qcustomplot.h>

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QShortcut>
#include <QStackedWidget>
#include <QToolButton>
#include <QToolTip>
#include <QVBoxLayout>

#include <cmath>

using namespace fi;

namespace {

constexpr double kPickRadius = 8.0; // pixels
constexpr size_t kLegendFlows = 4;   // more flows than this are not named in the legend
constexpr qsizetype kLargeSeries = 50000;

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
                        PlotValue::CumulativeBytes})
        m_valueCombo->addItem(plotValueName(v), int(v));
    m_originCombo = new QComboBox(this);
    m_originCombo->setAccessibleName(tr("Time origin"));
    m_originCombo->addItem(tr("Time from capture start"), int(PlotOrigin::CaptureStart));
    m_originCombo->addItem(tr("Time from flow start"), int(PlotOrigin::FlowStart));
    m_lanesCheck = new QCheckBox(tr("&Lanes"), this);
    m_lanesCheck->setToolTip(tr("One horizontal lane per flow on a shared time axis"));
    m_synCheck = new QCheckBox(tr("SYN"), this);
    m_finCheck = new QCheckBox(tr("FIN"), this);
    m_rstCheck = new QCheckBox(tr("RST"), this);
    for (QCheckBox* c : {m_synCheck, m_finCheck, m_rstCheck}) {
        c->setChecked(true);
        c->setToolTip(tr("Show the %1 markers").arg(c->text()));
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
    secondRow->addWidget(m_synCheck);
    secondRow->addWidget(m_finCheck);
    secondRow->addWidget(m_rstCheck);
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
    for (QCheckBox* c : {m_synCheck, m_finCheck, m_rstCheck})
        connect(c, &QCheckBox::toggled, this, [this] {
            setMarkersVisible(m_synCheck->isChecked(), m_finCheck->isChecked(), m_rstCheck->isChecked());
        });
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

void FlowPlot::setMarkersVisible(bool syn, bool fin, bool rst)
{
    m_synCheck->setChecked(syn);
    m_finCheck->setChecked(fin);
    m_rstCheck->setChecked(rst);
    if (m_syn) {
        m_syn->setVisible(syn);
        m_fin->setVisible(fin);
        m_rst->setVisible(rst);
        m_plot->replot(QCustomPlot::rpQueuedReplot);
    }
}

bool FlowPlot::addReverseDirection()
{
    if (!m_store || m_flows.empty())
        return false;
    const uint32_t reverse = reverseFlow(*m_store, m_flows.front());
    if (reverse == UINT32_MAX || std::find(m_flows.begin(), m_flows.end(), reverse) != m_flows.end())
        return false;
    m_flows.push_back(reverse);
    rebuild();
    return true;
}

bool FlowPlot::showsMessage() const
{
    return m_stack->currentWidget() == m_message;
}

void FlowPlot::rebuild()
{
    m_plot->clearGraphs();
    m_flowGraphs.clear();
    m_series.clear();
    m_syn = m_fin = m_rst = m_mark = nullptr;
    const bool any = m_store && !m_flows.empty();
    const uint32_t reverse = any ? reverseFlow(*m_store, m_flows.front()) : UINT32_MAX;
    m_reverseButton->setEnabled(reverse != UINT32_MAX &&
                                std::find(m_flows.begin(), m_flows.end(), reverse) == m_flows.end());
    if (!any) {
        m_message->setText(tr("Select one or more flows to plot their packets over time."));
        m_stack->setCurrentWidget(m_message);
        return;
    }
    m_stack->setCurrentWidget(m_plot);

    QVector<double> synK, synV, finK, finV, rstK, rstV;
    for (size_t i = 0; i < m_flows.size(); ++i) {
        FlowSeries s = buildFlowSeries(*m_store, m_flows[i], m_value, m_origin, m_lanes ? int(i) : -1);
        const QColor color = flowColor(i);
        QCPGraph* g = m_plot->addGraph();
        g->setName(elided(m_store->flows[m_flows[i]].label, 60));
        g->setPen(QPen(color, 1));
        g->setLineStyle(!m_lanes && m_value == PlotValue::CumulativeBytes ? QCPGraph::lsStepLeft : QCPGraph::lsNone);
        // Large flows draw their points as plain dots without antialiasing: a million discs
        // take a quarter of a second to paint, a million dots a few milliseconds.
        const bool large = s.keys.size() > kLargeSeries;
        g->setScatterStyle(large    ? QCPScatterStyle(QCPScatterStyle::ssDot, color, 1)
                           : m_lanes ? tickStyle(color)
                                     : QCPScatterStyle(QCPScatterStyle::ssDisc, color, color, 4));
        g->setAntialiasedScatters(!large);
        g->setData(s.keys, s.values, true);
        if (m_flows.size() > kLegendFlows)
            g->removeFromLegend(); // many flows: the legend keeps to the markers
        m_flowGraphs.push_back(g);
        synK += s.synKeys;
        synV += s.synValues;
        finK += s.finKeys;
        finV += s.finValues;
        rstK += s.rstKeys;
        rstV += s.rstValues;
        m_series.push_back(std::move(s));
    }
    auto markers = [this](const QString& name, const QVector<double>& k, const QVector<double>& v,
                          const QCPScatterStyle& style) {
        QCPGraph* g = m_plot->addGraph();
        g->setName(QStringLiteral("%1 (%2)").arg(name).arg(k.size()));
        g->setLineStyle(QCPGraph::lsNone);
        g->setScatterStyle(style);
        g->setData(k, v); // several flows' markers: let the graph sort them
        return g;
    };
    m_syn = markers(tr("SYN"), synK, synV, QCPScatterStyle(QCPScatterStyle::ssTriangle, QPen(QColor(0, 140, 0), 1.5), QColor(0, 200, 0), 10));
    m_fin = markers(tr("FIN"), finK, finV, QCPScatterStyle(QCPScatterStyle::ssSquare, QPen(QColor(170, 0, 0), 1.5), QColor(230, 30, 30), 9));
    m_rst = markers(tr("RST"), rstK, rstV, QCPScatterStyle(QCPScatterStyle::ssCross, QPen(Qt::black, 2), Qt::NoBrush, 11));
    m_syn->setVisible(m_synCheck->isChecked());
    m_fin->setVisible(m_finCheck->isChecked());
    m_rst->setVisible(m_rstCheck->isChecked());
    m_mark = m_plot->addGraph();
    m_mark->setLineStyle(QCPGraph::lsNone);
    m_mark->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, QPen(QColor(255, 140, 0), 2.5), Qt::NoBrush, 16));
    m_mark->removeFromLegend();

    m_plot->xAxis->setLabel(m_origin == PlotOrigin::FlowStart ? tr("Time since the flow's first frame (s)")
                                                              : tr("Time since the capture's first frame (s)"));
    if (m_lanes) {
        QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
        for (size_t i = 0; i < m_flows.size(); ++i)
            ticker->addTick(double(i), elided(m_store->flows[m_flows[i]].label, 34));
        m_plot->yAxis->setTicker(ticker);
        m_plot->yAxis->setLabel(QString());
    } else {
        m_plot->yAxis->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
        m_plot->yAxis->setLabel(plotValueName(m_value));
    }
    markFrame(m_markedFrame);
    resetZoom();
}

void FlowPlot::resetZoom()
{
    if (m_series.empty())
        return;
    m_plot->rescaleAxes(true);
    QCPRange x = m_plot->xAxis->range(), y = m_plot->yAxis->range();
    // A single packet (or packets at one time or of one size) still gets a readable range.
    if (x.size() <= 0)
        x = QCPRange(x.lower - 0.001, x.upper + 0.001);
    if (m_lanes)
        y = QCPRange(-0.6, double(m_flows.size()) - 0.4);
    else if (y.size() <= 0)
        y = QCPRange(std::min(0.0, y.lower), y.upper > 0 ? y.upper * 1.25 : 1.0);
    const double dx = x.size() * 0.03, dy = m_lanes ? 0 : y.size() * 0.06;
    m_plot->xAxis->setRange(x.lower - dx, x.upper + dx);
    m_plot->yAxis->setRange(y.lower - dy, y.upper + dy);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void FlowPlot::markFrame(uint32_t frame)
{
    m_markedFrame = frame;
    if (!m_mark)
        return;
    m_mark->data()->clear();
    for (const FlowSeries& s : m_series) {
        const auto it = std::find(s.frames.begin(), s.frames.end(), frame);
        if (frame != 0 && it != s.frames.end()) {
            const qsizetype i = it - s.frames.begin();
            m_mark->addData(s.keys[i], s.values[i]);
            break;
        }
    }
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

uint32_t FlowPlot::frameAt(const QPoint& pixel) const
{
    double best = kPickRadius * kPickRadius;
    uint32_t frame = 0;
    const double lo = m_plot->xAxis->pixelToCoord(pixel.x() - kPickRadius);
    const double hi = m_plot->xAxis->pixelToCoord(pixel.x() + kPickRadius);
    for (size_t g = 0; g < m_series.size(); ++g) {
        if (!m_flowGraphs[g]->visible())
            continue;
        const FlowSeries& s = m_series[g];
        auto first = std::lower_bound(s.keys.begin(), s.keys.end(), std::min(lo, hi));
        auto last = std::upper_bound(first, s.keys.end(), std::max(lo, hi));
        int budget = 4096; // dense regions: looking at a few thousand points is enough
        for (auto it = first; it != last && budget-- > 0; ++it) {
            const qsizetype i = it - s.keys.begin();
            const double px = m_plot->xAxis->coordToPixel(s.keys[i]) - pixel.x();
            const double py = m_plot->yAxis->coordToPixel(s.values[i]) - pixel.y();
            if (px * px + py * py < best) {
                best = px * px + py * py;
                frame = s.frames[i];
            }
        }
    }
    return frame;
}

QPoint FlowPlot::pixelOfFrame(uint32_t frame) const
{
    for (const FlowSeries& s : m_series) {
        const auto it = std::find(s.frames.begin(), s.frames.end(), frame);
        if (it != s.frames.end()) {
            const qsizetype i = it - s.frames.begin();
            return QPoint(int(std::lround(m_plot->xAxis->coordToPixel(s.keys[i]))),
                          int(std::lround(m_plot->yAxis->coordToPixel(s.values[i]))));
        }
    }
    return {-1, -1};
}

void FlowPlot::onMouseMove(QMouseEvent* event)
{
    if (event->buttons() != Qt::NoButton || !m_store)
        return;
    const uint32_t frame = frameAt(event->pos());
    if (frame == 0) {
        QToolTip::hideText();
        return;
    }
    const FrameRecord& r = m_store->frame(frame);
    uint8_t flags = 0;
    QString label;
    for (const FlowSeries& s : m_series) {
        const std::vector<FlowPacket>& packets = m_store->flows[s.flow].packets;
        const auto p = std::lower_bound(packets.begin(), packets.end(), frame,
                                        [](const FlowPacket& a, uint32_t n) { return a.frame < n; });
        if (p != packets.end() && p->frame == frame) {
            flags = p->flags;
            label = QString::fromStdString(m_store->flows[s.flow].label);
            break;
        }
    }
    const double t = double(r.timeNs - m_store->startNs()) / 1e9;
    QToolTip::showText(event->globalPosition().toPoint(),
                       tr("Frame %1\nTime %2 s\nLength %3 bytes\nFlags %4\n%5")
                           .arg(frame)
                           .arg(QString::number(t, 'f', 6))
                           .arg(r.originalLength)
                           .arg(FlowTreeModel::flagsText(flags), label),
                       m_plot);
}

void FlowPlot::onMouseRelease(QMouseEvent* event)
{
    if (event->button() != Qt::LeftButton || (event->pos() - m_pressPos).manhattanLength() > 3)
        return;
    const uint32_t frame = frameAt(event->pos());
    if (frame == 0)
        return;
    for (const FlowSeries& s : m_series)
        if (std::find(s.frames.begin(), s.frames.end(), frame) != s.frames.end()) {
            markFrame(frame);
            emit frameClicked(s.flow, frame);
            return;
        }
}

void FlowPlot::contextMenu(const QPoint& pos)
{
    QMenu menu(this);
    menu.addAction(tr("Reset Zoom"), this, &FlowPlot::resetZoom);
    menu.addAction(tr("Save Plot…"), this, &FlowPlot::saveWithDialog)->setEnabled(!m_series.empty());
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
    if (m_series.empty())
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
    if (!save(path, size.width(), size.height()))
        QMessageBox::warning(this, tr("Save Plot"), tr("%1\n\nThe plot could not be written there.").arg(path));
}
