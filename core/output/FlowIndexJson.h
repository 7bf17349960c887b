#pragma once

#include "TcpAnalysis.h"
#include "TraceFlow.h"

#include <string>

namespace fi {

/// The flow index as JSON, sorted by first frame number:
/// `{"flows": [{"label": …, "frames": […], "src": …, "srcport": …, "dst": …, "dstport": …,
///   "packets": …, "bytes": …, "first": …, "last": …, "syn": …, "fin": …, "rst": …,
///   "closed": …, "analysis": {…}}, …]}` (times as epoch seconds printed like the label's
/// timestamp; "analysis", the flow's TCP analysis figures as flowAnalysisJson() writes them,
/// when `analyzer` analysed the trace).
std::string flowIndexJson(const TraceFlow& trace, const TcpAnalyzer* analyzer = nullptr);

} // namespace fi
