#pragma once

#include <cstdint>
#include <string>

namespace fi {

/// The one text of a set of TCP flags, as Wireshark's Info column writes it: the set flags'
/// names from the lowest bit up, `FIN, SYN, RST, PSH, ACK, URG, ECE, CWR, NS`, joined by ", "
/// (`SYN, ACK`, `FIN, PSH, ACK`); `none` when no flag is set. `flags` holds the TCP header's
/// flags byte in its low 8 bits and the NS (accurate ECN) bit as bit 8.
std::string tcpFlagsText(uint16_t flags);

/// Bit 8 of tcpFlagsText()'s argument: the NS bit (the low bit of the header's 13th byte).
constexpr uint16_t kTcpFlagNs = 0x100;

} // namespace fi
