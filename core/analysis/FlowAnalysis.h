#pragma once

#include <cstdint>

namespace fi {

struct SegmentAnalysis;

/// What TCP analysis found over one flow (one direction of a connection): its segments' flags
/// counted, the round trips of its segments (each measured at the other side's ACK that
/// acknowledged exactly up to the segment's end, as Wireshark's ack_rtt), the most bytes it
/// had in flight, and its connection's handshake RTT. 72 bytes.
struct FlowAnalysis
{
    uint32_t retransmissions = 0;     ///< segments flagged retransmission (fast and spurious too)
    uint32_t outOfOrder = 0;
    uint32_t lostSegments = 0;        ///< segments after bytes not captured
    uint32_t duplicateAcks = 0;
    uint32_t zeroWindows = 0;         ///< segments announcing a zero window
    uint32_t rttSamples = 0;
    uint64_t retransmittedBytes = 0;  ///< payload bytes of the retransmissions
    int64_t rttMinNs = 0;             ///< valid when rttSamples > 0
    int64_t rttMaxNs = 0;
    int64_t rttSumNs = 0;
    /// The connection's handshake: from its latest SYN to the first ACK after it (Wireshark's
    /// initial RTT); 0: not seen.
    int64_t handshakeRttNs = 0;
    uint32_t maxBytesInFlight = 0;
    /// The flow's window scale (shift count) from its handshake: -1 not known, -2 not in use.
    int8_t windowScale = -1;

    /// A window field of the flow's as the receiver reads it: scaled, except in a SYN (as
    /// Wireshark's calculated window size).
    uint32_t scaledWindow(uint16_t window, bool syn) const
    {
        return !syn && windowScale >= 0 ? uint32_t(window) << windowScale : window;
    }

    int64_t rttMeanNs() const { return rttSamples ? rttSumNs / int64_t(rttSamples) : 0; }
    void addRtt(int64_t ns);

    /// Counts one of the flow's segments, of `payloadLength` bytes, as the analysis saw it.
    void addSegment(const SegmentAnalysis& a, uint32_t payloadLength);
    /// Counts what the other side's ACK, analysed as `a`, measured of one of the flow's
    /// segments (a.ackedFlow is this flow).
    void addAcknowledgement(const SegmentAnalysis& a);
    /// Takes in another flow's figures, as of one flow made of both (counts added, RTTs and
    /// bytes in flight over both, the handshake's RTT if this has none; the window scale, a
    /// direction's own, stays).
    void merge(const FlowAnalysis& other);
};

} // namespace fi
