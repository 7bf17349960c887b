#pragma once

#include "FieldNode.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace fi {

/// The rich decode of one frame: every layer the decoder walked, outermost first, each nested
/// in the one before it (`ethernet` → `ipv4` → `tcp`), with every header field.
struct LayerTree
{
    FieldNode root;        ///< a Group whose only child is the outermost layer
    std::string protocols; ///< `Ethernet:IPv4:TCP`
    std::string stopReason; ///< why decoding stopped before TCP, if it did
    bool isFlowPacket = false;

    /// The innermost layers in order, outermost first.
    std::vector<const FieldNode*> layers() const;
};

/// `originalLength` is the frame's length on the wire (0: the captured length).
LayerTree decodeLayers(int linkType, const uint8_t* data, size_t capturedLength,
                       size_t originalLength = 0);

} // namespace fi
