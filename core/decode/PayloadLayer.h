#pragma once

#include "LayerTree.h"

#include <cstddef>
#include <cstdint>

namespace fi {

/// Adds what a flow packet carried after its TCP header to its decode (decodeLayers), as the
/// last layer, nested in TCP: `payload`, with its length and its captured bytes, and in it,
/// where the payload is plain text of a protocol known by its well-known port (either port),
/// that protocol's lines:
///
/// - HTTP/1 (ports 80, 3128, 8000, 8008, 8080, 8081): the request line (method, target,
///   version) or the status line (version, status code, reason), the header fields, the
///   length of the body that follows them in this segment;
/// - SMTP (25, 587), FTP (21), POP3 (110), IMAP (143): each line, a command when sent to the
///   well-known port, a reply when sent from it.
///
/// Frames without payload are left as they are. The per-flow json/plist/tree files (spec
/// section 4) are pcapkit's and have no such layer: this is for the desktop's frame details.
void addPayloadLayer(LayerTree& tree, int linkType, const uint8_t* data, size_t capturedLength,
                     size_t originalLength = 0);

} // namespace fi
