#pragma once

#include "OutputOptions.h"

#include <string>

struct CliOptions
{
    enum class Command { None, Index, Trace, Stats };
    Command command = Command::None;
    std::string capture;
    fi::OutputOptions output;
};

enum class CliParse { Run, Help, Version, Error };

CliParse parseCliOptions(int argc, char** argv, CliOptions& options, std::string& error);
std::string cliUsage();
