#include "OutputOptions.h"

namespace fi {

std::optional<OutputFormat> outputFormatFromName(std::string_view name)
{
    for (OutputFormat f : {OutputFormat::Pcap, OutputFormat::Json, OutputFormat::Plist,
                           OutputFormat::Tree, OutputFormat::Payload})
        if (name == outputFormatName(f))
            return f;
    return std::nullopt;
}

const char* outputFormatName(OutputFormat format)
{
    switch (format) {
    case OutputFormat::None: return "none";
    case OutputFormat::Pcap: return "pcap";
    case OutputFormat::Json: return "json";
    case OutputFormat::Plist: return "plist";
    case OutputFormat::Tree: return "tree";
    case OutputFormat::Payload: return "payload";
    }
    return "none";
}

const char* outputExtension(OutputFormat format)
{
    switch (format) {
    case OutputFormat::None: return "";
    case OutputFormat::Pcap: return ".pcap";
    case OutputFormat::Json: return ".json";
    case OutputFormat::Plist: return ".plist";
    case OutputFormat::Tree: return ".txt";
    case OutputFormat::Payload: return ".bin";
    }
    return "";
}

} // namespace fi
