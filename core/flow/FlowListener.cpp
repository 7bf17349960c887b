#include "FlowListener.h"

namespace fi {

FlowListener::~FlowListener() = default;
void FlowListener::flowOpened(uint32_t, const Packet&) {}
void FlowListener::packetAdded(uint32_t, const Packet&) {}
void FlowListener::flowClosed(uint32_t) {}
void FlowListener::traceEnded() {}
void FlowListener::traceAborted() {}
std::string FlowListener::outputPath(uint32_t) const { return {}; }

void FlowListener::fail(const std::string& message)
{
    if (m_error.empty())
        m_error = message;
}

} // namespace fi
