#include "ExportOptions.h"

#include <algorithm>

namespace fi {

const std::vector<ExportFormat>& exportFormats()
{
    static const std::vector<ExportFormat> kAll = {ExportFormat::Pcap,       ExportFormat::Json,
                                                   ExportFormat::Plist,      ExportFormat::Tree,
                                                   ExportFormat::Payload,    ExportFormat::MergedPcap,
                                                   ExportFormat::Csv};
    return kAll;
}

std::optional<ExportFormat> exportFormatFromName(std::string_view name)
{
    const std::vector<ExportFormat>& all = exportFormats();
    auto named = std::find_if(all.begin(), all.end(),
                              [name](ExportFormat f) { return name == exportFormatName(f); });
    return named == all.end() ? std::nullopt : std::optional<ExportFormat>(*named);
}

const char* exportFormatName(ExportFormat format)
{
    switch (format) {
    case ExportFormat::MergedPcap:
        return "merged-pcap";
    case ExportFormat::Csv:
        return "csv";
    default:
        return outputFormatName(perFlowFormat(format));
    }
}

OutputFormat perFlowFormat(ExportFormat format)
{
    switch (format) {
    case ExportFormat::Pcap:
        return OutputFormat::Pcap;
    case ExportFormat::Json:
        return OutputFormat::Json;
    case ExportFormat::Plist:
        return OutputFormat::Plist;
    case ExportFormat::Tree:
        return OutputFormat::Tree;
    case ExportFormat::Payload:
        return OutputFormat::Payload;
    default:
        return OutputFormat::None;
    }
}

bool isPcapFormat(ExportFormat format)
{
    return format == ExportFormat::Pcap || format == ExportFormat::MergedPcap;
}

} // namespace fi
