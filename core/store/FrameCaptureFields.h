#pragma once

#include "CaptureLayout.h"
#include "FieldNode.h"
#include "Frame.h"

namespace fi {

/// Where a frame came from, as the first layer of its details (Wireshark's "Frame" shows the
/// same): the interface that captured it (its name and id in its pcapng section, or that
/// libpcap read the file and does not say which), its link type, and its file when the
/// capture has several. A Group named "Capture" whose fields cover no bytes of the frame.
FieldNode frameCaptureFields(const CaptureLayout& layout, const FrameRecord& record);

/// Puts frameCaptureFields() before the first layer of `root`.
void addFrameCaptureFields(FieldNode& root, const CaptureLayout& layout, const FrameRecord& record);

} // namespace fi
