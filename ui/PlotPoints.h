#pragma once

#include "CaptureStore.h"
#include "PlotValue.h"

#include <qcustomplot.h>

#include <QVector>

#include <array>

#include <cstdint>
#include <vector>

/// The points of one graph of the plot, sorted by time: for each, its time in seconds since
/// the origin and its value (as the graph holds them: handing them over copies nothing), its
/// frame and its flow.
struct PlotPoints
{
    QVector<QCPGraphData> data;
    std::vector<uint32_t> frames;
    std::vector<uint32_t> flows;

    qsizetype size() const { return data.size(); }
    void add(double key, double value, uint32_t frame, uint32_t flow);
};

/// What to plot: which flows (in the order of their lanes), which value from which origin,
/// and in how many graphs: flow i of `flows` goes to graph i % groupCount.
struct PlotRequest
{
    std::vector<uint32_t> flows;
    PlotValue value = PlotValue::FrameLength;
    PlotOrigin origin = PlotOrigin::CaptureStart;
    bool lanes = false; ///< every value is the flow's lane (its position in `flows`)
    size_t groupCount = 1;
    /// TimeSequence: also each flow's ACK and receive window lines (from the other direction
    /// of its connection), a pair per flow.
    bool ackLines = false;
};

/// Builds the points of a PlotRequest a slice at a time, so that plotting every flow of a
/// capture of millions of packets never holds the GUI thread for long: first each flow's
/// packets go to its group (in the flow's time order, which a cumulative value needs), then
/// each group is sorted by time (AckRtt reads every flow's ACKs instead, for the segments of
/// the plotted flows they acknowledged). The packets of each PlotMarker are gathered again as
/// markers.
/// The store must not lose flows while building (it may grow: each flow is read once, with
/// the packets it has then).
class PlotPointsBuilder
{
public:
    PlotPointsBuilder(const fi::CaptureStore& store, PlotRequest request);

    /// Works for about `budgetMs` milliseconds; true when every point is built.
    bool step(int budgetMs);
    bool done() const { return m_phase == Phase::Done; }
    /// How far it got, 0 to 1.
    double progress() const;

    const PlotRequest& request() const { return m_request; }
    std::vector<PlotPoints>& groups() { return m_groups; }
    PlotPoints& markers(PlotMarker marker) { return m_markers[size_t(marker)]; }
    /// With ackLines, per flow (as `flows`): the other side's ACK numbers and the right edge of
    /// the window it offered, relative to the flow's first sequence number, in time order.
    std::vector<PlotPoints>& ackLines() { return m_ackLines; }
    std::vector<PlotPoints>& windowLines() { return m_windowLines; }

private:
    enum class Phase { Flows, Sort, Done };
    void addFlow(size_t lane);
    /// AckRtt: the points of the segments of plotted flows that the ACKs of `ackFlow`
    /// acknowledged.
    void addAcknowledgements(uint32_t ackFlow);
    bool plotsAcknowledgements() const;
    /// Where `flow`'s time axis starts (PlotOrigin), in nanoseconds.
    int64_t originOf(const fi::FlowRecord& flow) const;
    /// What the Flows phase steps through: the plotted flows, or (AckRtt) every flow.
    size_t flowSteps() const;
    /// A point of `group` for packet `p` of `flow`, and its markers.
    void addPoint(PlotPoints& group, double key, double y, const fi::FlowPacket& p, uint32_t flow);
    static void sortByKey(PlotPoints& points);

    const fi::CaptureStore& m_store;
    PlotRequest m_request;
    std::vector<PlotPoints> m_groups;
    std::array<PlotPoints, kPlotMarkerCount> m_markers;
    std::vector<PlotPoints> m_ackLines, m_windowLines;
    /// The ACK and window lines of flow `lane`.
    void addAckLines(size_t lane, uint32_t firstSeq, int64_t zero);
    static constexpr uint32_t kNoLane = UINT32_MAX;
    std::vector<uint32_t> m_laneOf; ///< AckRtt: by flow id, its lane, or kNoLane
    Phase m_phase = Phase::Flows;
    size_t m_next = 0; ///< the next flow (Flows) or group (Sort; then the markers)
};
