#pragma once

#include "FlowAnalysis.h"
#include "TraceFlow.h"
#include "ZeekHistory.h"

#include <vector>

#include <string>

namespace fi {

/// The flow index as JSON, sorted by first frame number:
/// `{"flows": [{"label": …, "frames": […], "src": …, "srcport": …, "dst": …, "dstport": …,
///   "packets": …, "bytes": …, "first": …, "last": …, "syn": …, "fin": …, "rst": …,
///   "closed": …, "analysis": {…}}, …]}` (times as epoch seconds printed like the label's
/// timestamp; "analysis", the flow's TCP analysis figures as flowAnalysisJson() writes them,
/// when `figures` (by flow id) are given).
std::string flowIndexJson(const TraceFlow& trace, const std::vector<FlowAnalysis>* figures = nullptr,
                          const std::vector<ConnectionSummary>* connections = nullptr);

} // namespace fi
