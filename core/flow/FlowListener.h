#pragma once

#include "FlowTypes.h"

#include <cstdint>
#include <string>

namespace fi {

/// A stage that listens to the flow rule (FlowTracker): per-flow files, the seed's index, the
/// desktop application's store, later analysis. For each packet it is told, in this order, that
/// the packet opened a flow (flowOpened), that it joined that flow (packetAdded: the flow's
/// statistics already count it) and, for a FIN, that the flow closed (flowClosed). At the end it
/// is told once that tracing ended (completed: traceEnded) or was stopped (traceAborted: undo).
///
/// A listener that fails (a file cannot be written) says why with fail(); the pipeline stops
/// reading then and aborts.
class FlowListener
{
public:
    virtual ~FlowListener();

    virtual void flowOpened(uint32_t flow, const Packet& first);
    virtual void packetAdded(uint32_t flow, const Packet& packet);
    virtual void flowClosed(uint32_t flow);
    /// Every packet was traced: complete the work (the flows still open stay open).
    virtual void traceEnded();
    /// Tracing was cancelled or failed: undo what cannot stand half-done.
    virtual void traceAborted();

    /// Where this listener writes the frames of `flow` (the seed's fpout); empty if nowhere.
    virtual std::string outputPath(uint32_t flow) const;

    bool failed() const { return !m_error.empty(); }
    /// Why this listener failed; empty while all is well.
    const std::string& errorString() const { return m_error; }

protected:
    /// Records the first failure (later ones keep the first message).
    void fail(const std::string& message);

private:
    std::string m_error;
};

} // namespace fi
