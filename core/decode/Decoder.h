#pragma once

#include "TcpPacket.h"

#include <cstddef>
#include <cstdint>

namespace fi {

/// The fast decode of the hot path: walks link layer, tunnels and IP to the TCP header
/// carried by the innermost IP header, bounds-checked, without allocating.
/// Returns a TcpPacket whose `valid` says whether the frame is a flow packet.
/// `originalLength` is the frame's length on the wire (0: the captured length).
TcpPacket decodeTcp(int linkType, const uint8_t* data, size_t capturedLength,
                    size_t originalLength = 0);

/// True when the decoder knows the link type.
bool isKnownLinkType(int linkType);

/// A short name of a link type (`Ethernet`, `Linux SLL`, …) or `DLT n`.
const char* linkTypeName(int linkType);

} // namespace fi
