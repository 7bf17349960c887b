#include "CliOptions.h"

#include <string_view>
#include <vector>

std::string cliUsage()
{
    return "Usage: flowinspector-cli COMMAND CAPTURE [OPTIONS]\n"
           "\n"
           "Traces the TCP flows of a pcap or pcapng capture the way pcapkit's TraceFlow does.\n"
           "\n"
           "Commands:\n"
           "  index CAPTURE            print the flow index as JSON, sorted by first frame\n"
           "  trace CAPTURE -o DIR -f FORMAT\n"
           "                           write one file per flow, DIR/{label}{ext}\n"
           "  stats CAPTURE            trace without output and print the counts\n"
           "\n"
           "Options of trace:\n"
           "  -o, --output DIR         output directory (created if missing)\n"
           "  -f, --format FORMAT      pcap, json, plist or tree\n"
           "  --byteorder big|little   byte order of pcap output (default: this machine's)\n"
           "  --nanosecond             nanosecond timestamps in pcap output\n"
           "\n"
           "  -h, --help               show this help\n"
           "  --version                show the version\n"
           "\n"
           "Exit status: 0 success, 1 unreadable or invalid input or output, 2 wrong usage.\n";
}

CliParse parseCliOptions(int argc, char** argv, CliOptions& o, std::string& error)
{
    std::vector<std::string_view> args(argv + 1, argv + argc);
    std::vector<std::string_view> positional;
    bool formatGiven = false, outputGiven = false, byteOrderGiven = false;
    for (size_t i = 0; i < args.size(); ++i) {
        std::string_view a = args[i];
        auto value = [&](std::string_view& out) {
            if (i + 1 >= args.size()) {
                error = "option " + std::string(a) + " needs a value";
                return false;
            }
            out = args[++i];
            return true;
        };
        if (a == "-h" || a == "--help")
            return CliParse::Help;
        if (a == "--version")
            return CliParse::Version;
        std::string_view v;
        if (a == "-o" || a == "--output") {
            if (!value(v))
                return CliParse::Error;
            o.output.directory = std::string(v);
            outputGiven = true;
        } else if (a == "-f" || a == "--format") {
            if (!value(v))
                return CliParse::Error;
            auto format = fi::outputFormatFromName(v);
            if (!format) {
                error = "unknown format '" + std::string(v) + "' (pcap, json, plist or tree)";
                return CliParse::Error;
            }
            o.output.format = *format;
            formatGiven = true;
        } else if (a == "--byteorder") {
            if (!value(v))
                return CliParse::Error;
            if (v == "big")
                o.output.byteOrder = fi::ByteOrder::Big;
            else if (v == "little")
                o.output.byteOrder = fi::ByteOrder::Little;
            else {
                error = "unknown byte order '" + std::string(v) + "' (big or little)";
                return CliParse::Error;
            }
            byteOrderGiven = true;
        } else if (a == "--nanosecond") {
            o.output.nanosecond = true;
            byteOrderGiven = true;
        } else if (a.size() > 1 && a[0] == '-') {
            error = "unknown option " + std::string(a);
            return CliParse::Error;
        } else {
            positional.push_back(a);
        }
    }
    if (positional.empty()) {
        error = "no command given (index, trace or stats)";
        return CliParse::Error;
    }
    std::string_view command = positional[0];
    if (command == "index")
        o.command = CliOptions::Command::Index;
    else if (command == "trace")
        o.command = CliOptions::Command::Trace;
    else if (command == "stats")
        o.command = CliOptions::Command::Stats;
    else {
        error = "unknown command '" + std::string(command) + "' (index, trace or stats)";
        return CliParse::Error;
    }
    if (positional.size() != 2) {
        error = positional.size() < 2 ? "no capture file given" : "more than one capture file given";
        return CliParse::Error;
    }
    o.capture = std::string(positional[1]);
    if (o.command == CliOptions::Command::Trace) {
        if (!outputGiven || !formatGiven) {
            error = "trace needs an output directory (-o DIR) and a format (-f FORMAT)";
            return CliParse::Error;
        }
    } else if (outputGiven || formatGiven || byteOrderGiven) {
        error = "-o, -f, --byteorder and --nanosecond belong to the trace command";
        return CliParse::Error;
    }
    return CliParse::Run;
}
