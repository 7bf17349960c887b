#pragma once

#include "FlowSeries.h"

#include <QWidget>

#include <vector>

class QCPGraph;
class QCustomPlot;
class QCheckBox;
class QComboBox;
class QLabel;
class QStackedWidget;
class QToolButton;
class QMouseEvent;

/// The packet timeline of the selected flows (QCustomPlot): x is time, y a chosen value, or
/// in lanes mode one horizontal lane per flow. SYN, FIN and RST packets are marker graphs of
/// their own (green triangle, red square, black cross) that can be hidden, each in the legend
/// with its count. Wheel zooms, drag pans, Shift+drag zooms to a rectangle, Home or a double
/// click resets; hovering a point tells its frame, clicking it selects that frame.
class FlowPlot final : public QWidget
{
    Q_OBJECT

public:
    explicit FlowPlot(QWidget* parent = nullptr);

    /// Plots these flows of `store` (the store must outlive the plot's use of it).
    void setFlows(const fi::CaptureStore* store, const std::vector<uint32_t>& flows);
    void clear();
    /// Marks one frame (0: none).
    void markFrame(uint32_t frame);
    /// Adds the reverse direction of the first plotted flow, if there is one.
    bool addReverseDirection();

    void setValue(PlotValue value);
    void setOrigin(PlotOrigin origin);
    void setLanes(bool lanes);
    void setMarkersVisible(bool syn, bool fin, bool rst);
    void resetZoom();
    /// Saves as PNG, JPG or PDF by the file's extension; width/height 0 = the size shown.
    bool save(const QString& path, int width = 0, int height = 0);
    /// Asks for a file and a size, then saves.
    void saveWithDialog();

    const std::vector<uint32_t>& flows() const { return m_flows; }
    QCustomPlot* plot() const { return m_plot; }
    /// Graph per flow (points), then the SYN, FIN and RST marker graphs.
    QCPGraph* flowGraph(size_t i) const { return m_flowGraphs[i]; }
    QCPGraph* synGraph() const { return m_syn; }
    QCPGraph* finGraph() const { return m_fin; }
    QCPGraph* rstGraph() const { return m_rst; }
    /// The ring around the frame selected in the tree (one point, or none).
    QCPGraph* markGraph() const { return m_mark; }
    /// The frame of the point nearest to `pixel` within a few pixels, or 0.
    uint32_t frameAt(const QPoint& pixel) const;
    /// The pixel position of a frame's point (for tests and automation), or (-1,-1).
    QPoint pixelOfFrame(uint32_t frame) const;
    bool showsMessage() const;

signals:
    void frameClicked(uint32_t flow, uint32_t frame);

private:
    void rebuild();
    void onMouseMove(QMouseEvent* event);
    void onMouseRelease(QMouseEvent* event);
    void contextMenu(const QPoint& pos);
    static QColor flowColor(size_t i);

    const fi::CaptureStore* m_store = nullptr;
    std::vector<uint32_t> m_flows;
    std::vector<FlowSeries> m_series;
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
    QCheckBox* m_synCheck;
    QCheckBox* m_finCheck;
    QCheckBox* m_rstCheck;
    QToolButton* m_reverseButton;
    std::vector<QCPGraph*> m_flowGraphs;
    QCPGraph* m_syn = nullptr;
    QCPGraph* m_fin = nullptr;
    QCPGraph* m_rst = nullptr;
    QCPGraph* m_mark = nullptr;
};
