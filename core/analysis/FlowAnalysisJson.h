#pragma once

#include "FlowAnalysis.h"
#include "ZeekHistory.h"

#include <string>

namespace fi {

/// `ns` nanoseconds as seconds with nine decimals (`-0.000001000` when negative).
std::string secondsText(int64_t ns);

/// A flow's analysis figures as a JSON object: `{"retransmissions": …, "retransmitted_bytes": …,
/// "out_of_order": …, "lost_segments": …, "duplicate_acks": …, "zero_windows": …,
/// "handshake_rtt": …, "rtt_samples": …, "rtt_min": …, "rtt_mean": …, "rtt_max": …,
/// "max_bytes_in_flight": …, "conn_state": "SF", "history": "ShADadFf"}`; times in seconds,
/// null when not measured; the connection's state and history as Zeek gives them ("" before
/// any packet).
std::string flowAnalysisJson(const FlowAnalysis& f, const ConnectionSummary& connection);

} // namespace fi
