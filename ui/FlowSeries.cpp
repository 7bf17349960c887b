#include "FlowSeries.h"

#include <QCoreApplication>

#include <algorithm>
#include <cmath>
#include <numeric>

using namespace fi;

FlowSeries buildFlowSeries(const CaptureStore& store, uint32_t flow, PlotValue value,
                           PlotOrigin origin, int lane)
{
    FlowSeries s;
    s.flow = flow;
    const FlowRecord& f = store.flows[flow];
    const int64_t zero = origin == PlotOrigin::FlowStart ? f.stats.firstNs : store.startNs();
    const qsizetype n = qsizetype(f.packets.size());
    const uint32_t firstSeq = f.packets.empty() ? 0 : f.packets.front().seq;

    // Points in time order: frames come in capture order, which is time order unless the
    // capture's clock stepped back (then a stable sort by time).
    QVector<qsizetype> order(n);
    std::iota(order.begin(), order.end(), 0);
    auto timeOf = [&](qsizetype i) { return store.frame(f.packets[size_t(i)].frame).timeNs; };
    if (!std::is_sorted(order.begin(), order.end(), [&](qsizetype a, qsizetype b) { return timeOf(a) < timeOf(b); }))
        std::stable_sort(order.begin(), order.end(), [&](qsizetype a, qsizetype b) { return timeOf(a) < timeOf(b); });

    s.keys.reserve(n);
    s.values.reserve(n);
    s.frames.reserve(n);
    double cumulative = 0;
    for (qsizetype i : order) {
        const FlowPacket& p = f.packets[size_t(i)];
        const FrameRecord& r = store.frame(p.frame);
        const double key = double(r.timeNs - zero) / 1e9;
        double y = lane;
        if (lane < 0) {
            switch (value) {
            case PlotValue::FrameLength: y = r.originalLength; break;
            case PlotValue::PayloadLength: y = p.payloadLength; break;
            case PlotValue::RelativeSequence: y = double(uint32_t(p.seq - firstSeq)); break;
            case PlotValue::CumulativeBytes: y = cumulative += r.originalLength; break;
            }
        }
        s.keys.push_back(key);
        s.values.push_back(y);
        s.frames.push_back(p.frame);
        if (p.flags & TcpFlag::SYN) {
            s.synKeys.push_back(key);
            s.synValues.push_back(y);
        }
        if (p.flags & TcpFlag::FIN) {
            s.finKeys.push_back(key);
            s.finValues.push_back(y);
        }
        if (p.flags & TcpFlag::RST) {
            s.rstKeys.push_back(key);
            s.rstValues.push_back(y);
        }
    }
    return s;
}

int FlowSeries::nearestPoint(double key) const
{
    if (keys.isEmpty())
        return -1;
    const auto it = std::lower_bound(keys.begin(), keys.end(), key);
    if (it == keys.end())
        return int(keys.size() - 1);
    const int i = int(it - keys.begin());
    if (i > 0 && std::abs(keys[i - 1] - key) <= std::abs(keys[i] - key))
        return i - 1;
    return i;
}

uint32_t reverseFlow(const CaptureStore& store, uint32_t flow)
{
    const FlowRecord& f = store.flows[flow];
    const BufferID mirror = f.id.mirrored();
    uint32_t best = UINT32_MAX;
    int64_t bestOverlap = -1;
    for (uint32_t i = 0; i < store.flows.size(); ++i) {
        const FlowRecord& g = store.flows[i];
        if (i == flow || !(g.id == mirror))
            continue;
        const int64_t overlap = std::min(f.stats.lastNs, g.stats.lastNs) - std::max(f.stats.firstNs, g.stats.firstNs);
        if (overlap >= 0 && overlap > bestOverlap) {
            best = i;
            bestOverlap = overlap;
        }
    }
    return best;
}

QString plotValueName(PlotValue value)
{
    switch (value) {
    case PlotValue::FrameLength: return QCoreApplication::translate("FlowPlot", "Frame length (bytes)");
    case PlotValue::PayloadLength: return QCoreApplication::translate("FlowPlot", "TCP payload length (bytes)");
    case PlotValue::RelativeSequence: return QCoreApplication::translate("FlowPlot", "Relative sequence number");
    case PlotValue::CumulativeBytes: return QCoreApplication::translate("FlowPlot", "Cumulative bytes (frame lengths)");
    }
    return {};
}
