#pragma once

#include "FlowListener.h"
#include "FlowWriterPool.h"
#include "OutputOptions.h"

#include <cstdint>
#include <string>
#include <unordered_set>
#include <vector>

namespace fi {

/// The per-flow files of spec section 4 as a stage of the flow rule: it listens to a
/// FlowTracker and writes every flow's frames, as they are traced, to `DIR/{label}{ext}`
/// through a FlowWriterPool (buffered, written whole, temporary names). When tracing ends it
/// gives every file its final name, all or nothing; when tracing is aborted or it failed, it
/// removes what it wrote. With `options.flowLabels`, only the flows of those labels are written, and a
/// label no flow has is an error at the end (nothing is written then).
class FlowFileWriter final : public FlowListener
{
public:
    /// `options.format` must not be OutputFormat::None.
    explicit FlowFileWriter(OutputOptions options);

    /// Checks that the output directory exists and is writable (creating it if needed); call
    /// before tracing. On failure errorString() says why.
    bool prepare();

    void flowOpened(uint32_t flow, const Packet& first) override;
    void packetAdded(uint32_t flow, const Packet& packet) override;
    void flowClosed(uint32_t flow) override;
    void traceEnded() override;
    void traceAborted() override;
    std::string outputPath(uint32_t flow) const override { return m_pool.pathOf(flow); }

    /// Files given their final name, and the bytes written.
    size_t filesWritten() const { return m_pool.filesWritten(); }
    uint64_t bytesWritten() const { return m_pool.bytesWritten(); }
    /// OutputFormat::Payload: what the flows' payloads lacked.
    const FlowWriterPool::PayloadGaps& payloadGaps() const { return m_pool.payloadGaps(); }

private:
    bool selected(uint32_t flow) const { return flow < m_selected.size() && m_selected[flow]; }

    OutputOptions m_options;
    FlowWriterPool m_pool;
    std::unordered_set<std::string> m_asked;  ///< the options' flowLabels
    std::unordered_set<std::string> m_unseen; ///< those no flow had so far
    std::vector<uint8_t> m_selected;          ///< by flow id: its frames are written
};

} // namespace fi
