#include "CliOptions.h"

#include <algorithm>
#include <string_view>
#include <vector>

namespace {

/// `A,B,C` to its labels; false for an empty label.
bool splitLabels(std::string_view text, std::vector<std::string>& labels)
{
    for (size_t start = 0;;) {
        const size_t comma = std::min(text.find(',', start), text.size());
        if (comma == start)
            return false;
        labels.emplace_back(text.substr(start, comma - start));
        if (comma == text.size())
            return true;
        start = comma + 1;
    }
}

} // namespace

std::string cliUsage()
{
    return "Usage: flowinspector-cli COMMAND CAPTURE... [OPTIONS]\n"
           "\n"
           "Traces the TCP flows of a pcap or pcapng capture the way pcapkit's TraceFlow does.\n"
           "A capture may be compressed (gzip or zstd); several CAPTURE files are read as one\n"
           "capture set, their frames merged in time order and numbered across them.\n"
           "\n"
           "Commands:\n"
           "  index CAPTURE            print the flow index as JSON, sorted by first frame\n"
           "  trace CAPTURE -o DIR -f FORMAT [--flows LABEL[,LABEL...]]\n"
           "                           write the flows to files in DIR\n"
           "  stats CAPTURE            trace without output and print the counts\n"
           "  analyze CAPTURE [--all-frames]\n"
           "                           print as JSON what TCP did, as Wireshark's sequence\n"
           "                           analysis says it: per flow the count of each flag\n"
           "                           and its figures (retransmitted packets and bytes,\n"
           "                           segments out of order and lost, duplicate ACKs, zero\n"
           "                           windows, handshake RTT, RTT min/mean/max over its\n"
           "                           ACKed segments, most bytes in flight; times in\n"
           "                           seconds), and each flagged frame with its flags;\n"
           "                           --all-frames: every frame, with the frame its ACK\n"
           "                           acknowledged, that RTT and the bytes in flight\n"
           "  follow CAPTURE LABEL [--hex]\n"
           "                           print the payload of the flow's connection, both\n"
           "                           directions in the order sent, each byte once, as\n"
           "                           Wireshark's Follow TCP Stream (tshark -z follow,tcp,ascii;\n"
           "                           --hex: as -z follow,tcp,raw); Node 0 is the flow LABEL,\n"
           "                           Node 1's chunks are indented by a tab; bytes never\n"
           "                           captured are a chunk saying [N bytes missing in\n"
           "                           capture file], as tshark writes it\n"
           "\n"
           "Options of trace:\n"
           "  -o, --output DIR         output directory (created if missing)\n"
           "  -f, --format FORMAT      pcap, json, plist or tree: one file per flow,\n"
           "                           DIR/{label}{ext} (.pcap, .json, .plist, .txt);\n"
           "                           payload: each flow's payload in sequence order,\n"
           "                           DIR/{label}.bin: each byte at its offset from the\n"
           "                           SYN (or the first segment), once (its first\n"
           "                           captured copy); bytes never captured are zeros, up\n"
           "                           to gaps of 16 MiB (the file goes on after a longer\n"
           "                           one); a flow without payload has no file;\n"
           "                           merged-pcap: one pcap of the flows' frames in capture\n"
           "                           order, DIR/{capture name}-flows.pcap;\n"
           "                           csv: the flow table, DIR/{capture name}-flows.csv\n"
           "                           ({capture name}: its file name without extension)\n"
           "  --flows LABEL[,LABEL...] write only the flows of these labels\n"
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
            auto format = fi::exportFormatFromName(v);
            if (!format) {
                error = "unknown format '" + std::string(v) +
                        "' (pcap, json, plist, tree, payload, merged-pcap or csv)";
                return CliParse::Error;
            }
            o.format = *format;
            o.output.format = fi::perFlowFormat(*format);
            formatGiven = true;
        } else if (a == "--flows") {
            if (!value(v))
                return CliParse::Error;
            std::vector<std::string> labels;
            if (!splitLabels(v, labels)) {
                error = "--flows needs labels separated by commas, not '" + std::string(v) + "'";
                return CliParse::Error;
            }
            if (!o.output.flowLabels)
                o.output.flowLabels.emplace();
            o.output.flowLabels->insert(o.output.flowLabels->end(), labels.begin(), labels.end());
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
        } else if (a == "--hex") {
            o.hex = true;
        } else if (a == "--all-frames") {
            o.allFrames = true;
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
        error = "no command given (index, trace, stats, follow or analyze)";
        return CliParse::Error;
    }
    std::string_view command = positional[0];
    if (command == "index")
        o.command = CliOptions::Command::Index;
    else if (command == "trace")
        o.command = CliOptions::Command::Trace;
    else if (command == "stats")
        o.command = CliOptions::Command::Stats;
    else if (command == "follow")
        o.command = CliOptions::Command::Follow;
    else if (command == "analyze")
        o.command = CliOptions::Command::Analyze;
    else {
        error = "unknown command '" + std::string(command) + "' (index, trace, stats, follow or analyze)";
        return CliParse::Error;
    }
    if (o.command == CliOptions::Command::Follow) {
        if (positional.size() < 3) {
            error = "follow needs a capture file and a flow label";
            return CliParse::Error;
        }
        o.followLabel = std::string(positional.back());
        positional.pop_back();
    } else if (positional.size() < 2) {
        error = "no capture file given";
        return CliParse::Error;
    } else if (o.hex) {
        error = "--hex belongs to the follow command";
        return CliParse::Error;
    }
    if (o.allFrames && o.command != CliOptions::Command::Analyze) {
        error = "--all-frames belongs to the analyze command";
        return CliParse::Error;
    }
    o.captures.assign(positional.begin() + 1, positional.end());
    o.capture = o.captures.front();
    if (o.command == CliOptions::Command::Trace) {
        if (!outputGiven || !formatGiven) {
            error = "trace needs an output directory (-o DIR) and a format (-f FORMAT)";
            return CliParse::Error;
        }
    } else if (outputGiven || formatGiven || byteOrderGiven || o.output.flowLabels) {
        error = "-o, -f, --flows, --byteorder and --nanosecond belong to the trace command";
        return CliParse::Error;
    }
    return CliParse::Run;
}
