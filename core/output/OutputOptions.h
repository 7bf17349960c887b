#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fi {

/// The per-flow file formats: those of spec section 4, and the flow's payload in sequence order
/// (PayloadLayout: as tcpflow writes it).
enum class OutputFormat { None, Pcap, Json, Plist, Tree, Payload };

enum class ByteOrder { Host, Big, Little };

struct OutputOptions
{
    OutputFormat format = OutputFormat::None;
    std::string directory;
    ByteOrder byteOrder = ByteOrder::Host; ///< pcap only
    bool nanosecond = false;               ///< pcap timestamps (and json/plist/tree frame info)
    size_t maxOpenFiles = 64;              ///< bound of the output files open at once
    /// Memory the flows' bytes may hold while they wait to be written (most files are then
    /// written whole, once); 0 writes every frame at once.
    size_t memoryBudget = size_t(64) << 20;
    /// Only the flows of these labels are written (all others are traced but not written);
    /// nullopt: every flow. A label no flow has is an error when tracing is submitted.
    std::optional<std::vector<std::string>> flowLabels;
};

/// `pcap` → Pcap …; nullopt for an unknown name.
std::optional<OutputFormat> outputFormatFromName(std::string_view name);
const char* outputFormatName(OutputFormat format);
/// The file name extension of a format, with its dot (`.pcap`, `.json`, `.plist`, `.txt`,
/// `.bin`).
const char* outputExtension(OutputFormat format);

} // namespace fi
