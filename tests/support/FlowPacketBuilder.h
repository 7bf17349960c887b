#pragma once

// Flow packets for the tests of the flow rule, without a capture: what decoding a frame gives.

#include "FlowTypes.h"

#include <cstdint>
#include <string>

namespace fi::test {

/// "10.0.0.1" or "2001:db8::1" as an IpAddress.
IpAddress ipAddress(const std::string& text);

/// The flow packet of frame `frame` (time 1000 + frame seconds, `length` bytes, no data).
Packet flowPacket(uint32_t frame, const std::string& src, uint16_t srcPort, const std::string& dst,
                  uint16_t dstPort, uint8_t flags = TcpFlag::ACK, uint32_t length = 60);

} // namespace fi::test
