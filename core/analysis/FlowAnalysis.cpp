#include "FlowAnalysis.h"

#include "TcpAnalysis.h"

namespace fi {

void FlowAnalysis::addRtt(int64_t ns)
{
    rttMinNs = rttSamples == 0 || ns < rttMinNs ? ns : rttMinNs;
    rttMaxNs = rttSamples == 0 || ns > rttMaxNs ? ns : rttMaxNs;
    rttSumNs += ns;
    ++rttSamples;
}

void FlowAnalysis::merge(const FlowAnalysis& other)
{
    retransmissions += other.retransmissions;
    outOfOrder += other.outOfOrder;
    lostSegments += other.lostSegments;
    duplicateAcks += other.duplicateAcks;
    zeroWindows += other.zeroWindows;
    retransmittedBytes += other.retransmittedBytes;
    if (other.rttSamples) {
        rttMinNs = rttSamples == 0 || other.rttMinNs < rttMinNs ? other.rttMinNs : rttMinNs;
        rttMaxNs = rttSamples == 0 || other.rttMaxNs > rttMaxNs ? other.rttMaxNs : rttMaxNs;
        rttSumNs += other.rttSumNs;
        rttSamples += other.rttSamples;
    }
    if (handshakeRttNs == 0)
        handshakeRttNs = other.handshakeRttNs;
    maxBytesInFlight = other.maxBytesInFlight > maxBytesInFlight ? other.maxBytesInFlight : maxBytesInFlight;
}

void FlowAnalysis::addSegment(const SegmentAnalysis& a, uint32_t payloadLength)
{
    using namespace TcpAnalysisFlag;
    if (a.flags & Retransmission) {
        ++retransmissions;
        retransmittedBytes += payloadLength;
    }
    outOfOrder += (a.flags & OutOfOrder) ? 1 : 0;
    lostSegments += (a.flags & LostSegment) ? 1 : 0;
    duplicateAcks += (a.flags & DuplicateAck) ? 1 : 0;
    zeroWindows += (a.flags & ZeroWindow) ? 1 : 0;
    maxBytesInFlight = a.bytesInFlight > maxBytesInFlight ? a.bytesInFlight : maxBytesInFlight;
    if (a.handshakeRttNs != 0)
        handshakeRttNs = a.handshakeRttNs;
    if (a.windowScale != -1)
        windowScale = a.windowScale;
}

void FlowAnalysis::addAcknowledgement(const SegmentAnalysis& a)
{
    addRtt(a.ackRttNs);
    // (the handshake's ACK acknowledges the SYN/ACK: its flow learns the RTT even if it
    // sends nothing more)
    if (a.handshakeRttNs != 0)
        handshakeRttNs = a.handshakeRttNs;
}

} // namespace fi
