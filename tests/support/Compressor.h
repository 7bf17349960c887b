#pragma once

// Compresses test captures as gzip and zstd write them (with the libraries, not the tools).

#include "PacketBuilder.h"

#include <QString>

namespace fi::test {

enum class Packing { Gzip, Zstd };

/// `bytes` compressed in `pieces` consecutive gzip members or zstd frames (as `cat a.gz b.gz`
/// or `zstd` of a file written in several parts gives).
Bytes compressed(const Bytes& bytes, Packing packing, int pieces = 1);
/// Writes a compressed copy of file `from` to `to`; false when either cannot be read/written.
bool compressFile(const QString& from, const QString& to, Packing packing);

} // namespace fi::test
