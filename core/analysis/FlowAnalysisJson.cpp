#include "FlowAnalysisJson.h"

namespace fi {

std::string secondsText(int64_t ns)
{
    const uint64_t magnitude = ns < 0 ? uint64_t(0) - uint64_t(ns) : uint64_t(ns);
    std::string fraction = std::to_string(magnitude % 1'000'000'000);
    fraction.insert(0, 9 - fraction.size(), '0');
    return (ns < 0 ? "-" : "") + std::to_string(magnitude / 1'000'000'000) + "." + fraction;
}

std::string flowAnalysisJson(const FlowAnalysis& f, const ConnectionSummary& connection)
{
    const auto time = [](bool known, int64_t ns) { return known ? secondsText(ns) : std::string("null"); };
    const bool rtt = f.rttSamples > 0;
    return "{\"retransmissions\": " + std::to_string(f.retransmissions) +
           ", \"retransmitted_bytes\": " + std::to_string(f.retransmittedBytes) +
           ", \"out_of_order\": " + std::to_string(f.outOfOrder) +
           ", \"lost_segments\": " + std::to_string(f.lostSegments) +
           ", \"duplicate_acks\": " + std::to_string(f.duplicateAcks) +
           ", \"zero_windows\": " + std::to_string(f.zeroWindows) +
           ", \"handshake_rtt\": " + time(f.handshakeRttNs != 0, f.handshakeRttNs) +
           ", \"rtt_samples\": " + std::to_string(f.rttSamples) +
           ", \"rtt_min\": " + time(rtt, f.rttMinNs) + ", \"rtt_mean\": " + time(rtt, f.rttMeanNs()) +
           ", \"rtt_max\": " + time(rtt, f.rttMaxNs) +
           ", \"max_bytes_in_flight\": " + std::to_string(f.maxBytesInFlight) +
           // (a history's letters need no escaping)
           ", \"conn_state\": \"" + zeekConnStateName(connection.state) + "\", \"history\": \"" +
           connection.history + "\"}";
}

} // namespace fi
