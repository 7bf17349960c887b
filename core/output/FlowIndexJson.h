#pragma once

#include "TraceFlow.h"

#include <string>

namespace fi {

/// The flow index as JSON, sorted by first frame number:
/// `{"flows": [{"label": …, "frames": […], "src": …, "srcport": …, "dst": …, "dstport": …,
///   "packets": …, "bytes": …, "first": …, "last": …, "syn": …, "fin": …, "rst": …,
///   "closed": …}, …]}` (times as epoch seconds printed like the label's timestamp).
std::string flowIndexJson(const TraceFlow& trace);

} // namespace fi
