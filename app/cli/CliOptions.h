#pragma once

#include "ExportOptions.h"
#include "OutputOptions.h"

#include <string>
#include <vector>

struct CliOptions
{
    enum class Command { None, Index, Trace, Stats, Follow, Analyze };
    Command command = Command::None;
    /// The capture's files: one, or a capture set read as one capture.
    std::vector<std::string> captures;
    /// The capture as messages and file names give it: its (first) file.
    std::string capture;
    /// trace: the format asked for; per-flow formats are also in output.format (None for
    /// merged-pcap and csv), and --flows is output.flowLabels.
    fi::ExportFormat format = fi::ExportFormat::Pcap;
    fi::OutputOptions output;
    /// follow: the label of the flow whose connection to print, and whether as hex.
    std::string followLabel;
    bool hex = false;
    /// analyze: every flow packet, not only the flagged ones.
    bool allFrames = false;
};

enum class CliParse { Run, Help, Version, Error };

CliParse parseCliOptions(int argc, char** argv, CliOptions& options, std::string& error);
std::string cliUsage();
