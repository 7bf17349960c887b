#pragma once

#include "CaptureStore.h"
#include "FieldNode.h"

#include <cstdint>

namespace fi {

/// The TCP analysis of frame `number` as fields of its details, the way Wireshark shows its
/// "[SEQ/ACK analysis]" under TCP: the connection's handshake RTT (iRTT), the segment an ACK
/// acknowledged and its RTT, the bytes in flight, the window scale and the calculated window
/// size, and every analysis flag with Wireshark's explanation. A Group named
/// "SEQ/ACK analysis", whose fields cover no bytes of the frame (they are computed); with no
/// children when the frame is not a flow packet.
FieldNode frameAnalysisFields(const CaptureStore& store, uint32_t number);

/// Adds frameAnalysisFields() to `tree`'s TCP layer after its header fields, before the
/// layers it carries (nothing when the
/// tree has no TCP layer or the frame no analysis).
void addFrameAnalysisFields(FieldNode& root, const CaptureStore& store, uint32_t number);

} // namespace fi
