#include "TcpFlags.h"

namespace fi {

std::string tcpFlagsText(uint16_t flags)
{
    static const char* const kNames[9] = {"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR", "NS"};
    std::string out;
    for (int bit = 0; bit < 9; ++bit) {
        if (!(flags & (1u << bit)))
            continue;
        if (!out.empty())
            out += ", ";
        out += kNames[bit];
    }
    return out.empty() ? "none" : out;
}

} // namespace fi
