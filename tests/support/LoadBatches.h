#pragma once

#include "CaptureBuilder.h"

#include "CaptureStore.h"

#include <vector>

namespace fi::test {

/// Traces `spec` (written as a pcap file) into loader batches of `perBatch` frames each, the
/// rest in a last batch (0: one batch), as the desktop application's loader sends them.
std::vector<LoadBatch> batchesOf(const CaptureSpec& spec, size_t perBatch);

} // namespace fi::test
