#pragma once

#include "Frame.h"

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace fi {

/// Reads single frames of a capture again by their stored FrameRecord, without rescanning.
class FrameSource
{
public:
    FrameSource() = default;
    ~FrameSource();
    FrameSource(const FrameSource&) = delete;
    FrameSource& operator=(const FrameSource&) = delete;

    bool open(const std::string& path, bool pcapng);
    void close();
    bool isOpen() const { return m_file != nullptr; }

    /// Reads the captured bytes of the frame into `out`; false (and errorString()) on failure.
    bool read(const FrameRecord& record, std::vector<uint8_t>& out);
    const std::string& errorString() const { return m_error; }

private:
    bool readAt(uint64_t offset, void* buffer, size_t size);
    bool resolvePcapNgData(const FrameRecord& record, uint64_t& dataOffset);
    bool checkPcapRecord(const FrameRecord& record);

    std::FILE* m_file = nullptr;
    bool m_pcapng = false;
    std::string m_error;
};

} // namespace fi
