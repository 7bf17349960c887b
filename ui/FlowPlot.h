#pragma once

#include "CaptureStore.h"
#include "PlotValue.h"

#include <QWidget>

#include <array>
#include <memory>
#include <vector>

class QCPGraph;
class QCPLegend;
class QCPGraphData;
class QCustomPlot;
class QCheckBox;
class QComboBox;
class QLabel;
class QStackedWidget;
class QToolButton;
class QMouseEvent;
class QTimer;
class PlotPointsBuilder;

/// The packet timeline of the selected flows (QCustomPlot): x is time, y a chosen value, or
/// in lanes mode one horizontal lane per flow. SYN, FIN and RST packets are marker graphs of
/// their own (green triangle, red square, black cross) that can be hidden, each in the legend
/// with its count. Wheel zooms, drag pans, Shift+drag zooms to a rectangle, Home or a double
/// click resets; hovering a point tells its frame, clicking it selects that frame. From the
/// keyboard (the plot takes focus and shows it): arrows pan, + and - zoom the time axis, Home
/// resets, Shift+Left/Right step to the previous/next point in time and select its frame.
///
/// Any number of flows: up to kNamedFlows each flow is a graph of its own, named in the
/// legend; beyond that the flows share kColourGroups graphs (flow i in colour i % 8) and the
/// legend says how many flows it shows; lanes then show about kVisibleLanes at a time and
/// scroll. The points are built a slice at a time (PlotPointsBuilder) between events, so a
/// selection of every flow never holds the GUI thread for long, and a new selection drops
/// the building one; plotted() says when the points are shown.
class FlowPlot final : public QWidget
{
    Q_OBJECT

public:
    static constexpr size_t kNamedFlows = 8;
    static constexpr size_t kColourGroups = 8;
    static constexpr int kVisibleLanes = 24;

    explicit FlowPlot(QWidget* parent = nullptr);
    ~FlowPlot() override;

    /// Plots these flows of `store` (the store must outlive the plot's use of it).
    void setFlows(const fi::CaptureStore* store, const std::vector<uint32_t>& flows);
    void clear();
    /// Marks one frame (0: none).
    void markFrame(uint32_t frame);
    /// Adds the other direction of every plotted flow that has one not plotted yet; false if
    /// there was none to add.
    bool addReverseDirection();
    /// Whether the points of the flows are still being built.
    bool isBuilding() const { return m_builder != nullptr; }

    void setValue(PlotValue value);
    void setOrigin(PlotOrigin origin);
    void setLanes(bool lanes);
    void setMarkerVisible(PlotMarker marker, bool visible);
    bool isMarkerVisible(PlotMarker marker) const;
    void resetZoom();
    /// Saves as PNG, JPG or PDF by the file's extension; width/height 0 = the size shown.
    bool save(const QString& path, int width = 0, int height = 0);
    /// Asks for a file and a size, then saves.
    void saveWithDialog();

    const std::vector<uint32_t>& flows() const { return m_flows; }
    QCustomPlot* plot() const { return m_plot; }
    /// The graphs of the flows' points: one per flow up to kNamedFlows, else kColourGroups.
    size_t flowGraphCount() const { return m_flowGraphs.size(); }
    QCPGraph* flowGraph(size_t i) const { return m_flowGraphs[i]; }
    /// Time-sequence graph of up to kNamedFlows flows: per flow, the other side's ACK line and
    /// the right edge of its offered window (none otherwise).
    size_t ackGraphCount() const { return m_ackGraphs.size(); }
    QCPGraph* ackGraph(size_t i) const { return m_ackGraphs[i]; }
    QCPGraph* windowGraph(size_t i) const { return m_windowGraphs[i]; }
    /// A marker's graph (nullptr while there is no plot).
    QCPGraph* markerGraph(PlotMarker marker) const { return m_markerGraphs[size_t(marker)]; }
    /// The markers' legend, beneath the flows' (the plot's own legend).
    QCPLegend* markerLegend() const { return m_markerLegend; }
    /// The ring around the frame selected in the tree (one point, or none).
    QCPGraph* markGraph() const { return m_mark; }
    /// The frame of the point nearest to `pixel` within a few pixels, or 0.
    uint32_t frameAt(const QPoint& pixel) const;
    /// The pixel position of a frame's point (for tests and automation), or (-1,-1).
    QPoint pixelOfFrame(uint32_t frame) const;
    bool showsMessage() const;
    /// Marks and selects (frameClicked) the point after the marked one in time (`forward`)
    /// or before it; false at an end or with nothing plotted.
    bool stepPoint(bool forward);

signals:
    void frameClicked(uint32_t flow, uint32_t frame);
    /// Something the user should read in the status bar: where a plot was saved, or why not.
    void message(const QString& text);
    /// The points of the flows set last are shown.
    void plotted();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void rebuild();
    /// Builds points for about `budgetMs`; shows them when all are built, else goes on later.
    void buildSlice(int budgetMs);
    void showPoints();
    /// Lays the legend out in as many columns as fit the plot's width.
    void fitLegend();
    void fitLegend(QCPLegend* legend, int maxColumns);
    /// A point of a flow graph: the graph's place in m_flowGraphs and the point's index there.
    struct PointRef
    {
        size_t graph = 0;
        qsizetype index = -1; ///< -1: no point
        bool valid() const { return index >= 0; }
    };
    /// The point of `frame`, if it is plotted.
    PointRef pointOfFrame(uint32_t frame) const;
    /// The visible point nearest to `pixel` within a few pixels, if any.
    PointRef pointAt(const QPoint& pixel) const;
    const QCPGraphData& dataOf(PointRef point) const;
    uint32_t frameOf(PointRef point) const { return m_pointFrames[point.graph][size_t(point.index)]; }
    uint32_t flowOf(PointRef point) const { return m_pointFlows[point.graph][size_t(point.index)]; }
    void onMouseMove(QMouseEvent* event);
    void onMouseRelease(QMouseEvent* event);
    void contextMenu(const QPoint& pos);
    static QColor flowColor(size_t i);

    const fi::CaptureStore* m_store = nullptr;
    std::vector<uint32_t> m_flows;
    std::unique_ptr<PlotPointsBuilder> m_builder; ///< while points are being built
    QTimer* m_buildTimer;
    /// Per flow graph, and then per marker graph (PlotMarker order): each point's frame and flow,
    /// in the order of the graph's data.
    std::vector<std::vector<uint32_t>> m_pointFrames;
    std::vector<std::vector<uint32_t>> m_pointFlows;
    PlotValue m_value = PlotValue::FrameLength;
    PlotOrigin m_origin = PlotOrigin::CaptureStart;
    bool m_lanes = false;
    uint32_t m_markedFrame = 0;
    QPoint m_pressPos;

    QStackedWidget* m_stack;
    QLabel* m_message;
    QCustomPlot* m_plot;
    QComboBox* m_valueCombo;
    QComboBox* m_originCombo;
    QCheckBox* m_lanesCheck;
    std::array<QCheckBox*, kPlotMarkerCount> m_markerChecks;
    QToolButton* m_reverseButton;
    std::vector<QCPGraph*> m_flowGraphs;
    std::vector<QCPGraph*> m_ackGraphs, m_windowGraphs; ///< TimeSequence: per flow, up to kNamedFlows
    std::array<QCPGraph*, kPlotMarkerCount> m_markerGraphs{};
    QCPGraph* m_mark = nullptr;
    QCPLegend* m_markerLegend; ///< the markers' (the flows' is the plot's own)
    QString m_yLabel;          ///< the y axis' title, whole (the axis shows it elided to fit)
};
