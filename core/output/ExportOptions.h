#pragma once

#include "OutputOptions.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace fi {

/// What an export of chosen flows writes: per-flow files (one file per flow, `{label}{ext}`, as
/// `flowinspector-cli trace` writes them: spec section 4's and the payload), one pcap of all chosen
/// flows' frames in capture order, or the flow table as CSV.
enum class ExportFormat
{
    Pcap,
    Json,
    Plist,
    Tree,
    Payload,
    MergedPcap,
    Csv
};

/// What to do with a target file that exists when an export starts.
enum class OverwritePolicy
{
    Overwrite,    ///< replace it (only once the whole export succeeded)
    SkipExisting, ///< leave it alone and do not write that file
};

struct ExportOptions
{
    ExportFormat format = ExportFormat::Pcap;
    std::string directory;                 ///< created if missing
    ByteOrder byteOrder = ByteOrder::Host; ///< pcap and merged pcap
    bool nanosecond = false;               ///< pcap timestamps (and json/plist/tree frame info)
    size_t maxOpenFiles = 64;              ///< per-flow formats: bound of the pool of open files
    OverwritePolicy overwrite = OverwritePolicy::Overwrite;
    /// Merged pcap and CSV write `DIR/{baseName}-flows.pcap` / `.csv`; empty: the capture's
    /// file name without its extension.
    std::string baseName;
};

/// How an export ended and what it wrote.
struct ExportResult
{
    enum class End
    {
        Complete,
        Cancelled,
        Failed
    };

    End end = End::Complete;
    std::string directory;
    std::vector<std::string> files; ///< final paths of the files written
    size_t skipped = 0;             ///< existing files left alone (OverwritePolicy::SkipExisting)
    uint64_t bytesWritten = 0;
    /// Payload: flows with bytes never captured, and those bytes (FlowWriterPool::PayloadGaps)
    size_t flowsWithMissingBytes = 0;
    uint64_t missingBytes = 0;
    std::string error; ///< Failed: what went wrong, naming the file

    bool ok() const { return end == End::Complete; }
};

/// `pcap`, `json`, `plist`, `tree`, `payload`, `merged-pcap`, `csv`; nullopt for an unknown name.
std::optional<ExportFormat> exportFormatFromName(std::string_view name);
const char* exportFormatName(ExportFormat format);
/// The per-flow file format of `format`; OutputFormat::None for merged pcap and CSV.
OutputFormat perFlowFormat(ExportFormat format);
/// Whether the format writes pcap (and so takes a byte order and a resolution).
bool isPcapFormat(ExportFormat format);
/// Every export format, in the order above.
const std::vector<ExportFormat>& exportFormats();

} // namespace fi
