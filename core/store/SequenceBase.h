#pragma once

#include "CaptureStore.h"

#include <cstdint>

namespace fi {

/// What a flow's sequence and acknowledgement numbers are counted from, as Wireshark's
/// relative sequence numbers count (tcp.seq, tcp.ack): a direction's base is set by the first
/// of its own first segment (the SYN's sequence number, otherwise one less than the
/// segment's, so that it is byte 1) or an ACK of the other direction that comes before it
/// (one less than the number acknowledged). The other direction is FlowRecord::reverse.
///
/// Where Wireshark follows a TCP stream across a FIN, the seed's rule starts a new flow (the
/// last ACK of a connection is a flow of its own): such a flow's numbers start again from its
/// own first segment. Conversations will join them.
struct SequenceBase
{
    uint32_t seq = 0; ///< relative seq = seq - this
    uint32_t ack = 0; ///< relative ack = ack - this (when hasAck)
    bool hasAck = false; ///< false when the flow never sets ACK and has no other direction

    static SequenceBase of(const CaptureStore& store, uint32_t flow);
};

} // namespace fi
