#pragma once

#include "FlowAnalysis.h"

#include <string>

namespace fi {

/// `ns` nanoseconds as seconds with nine decimals (`-0.000001000` when negative).
std::string secondsText(int64_t ns);

/// A flow's analysis figures as a JSON object: `{"retransmissions": …, "retransmitted_bytes": …,
/// "out_of_order": …, "lost_segments": …, "duplicate_acks": …, "zero_windows": …,
/// "handshake_rtt": …, "rtt_samples": …, "rtt_min": …, "rtt_mean": …, "rtt_max": …,
/// "max_bytes_in_flight": …}`; times in seconds, null when not measured.
std::string flowAnalysisJson(const FlowAnalysis& f);

} // namespace fi
