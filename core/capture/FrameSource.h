#pragma once

#include "CaptureLayout.h"
#include "Frame.h"

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace fi {

/// Reads single frames of a capture again by their stored FrameRecord, without rescanning:
/// each from the file of its interface.
class FrameSource
{
public:
    FrameSource() = default;
    ~FrameSource();
    FrameSource(const FrameSource&) = delete;
    FrameSource& operator=(const FrameSource&) = delete;

    /// Reads frames of a capture with this layout (files are opened when first needed; false
    /// and errorString() when the first file cannot be).
    bool open(CaptureLayout layout);
    void close();
    const CaptureLayout& layout() const { return m_layout; }

    /// Reads the captured bytes of the frame into `out`; false (and errorString()) on failure.
    bool read(const FrameRecord& record, std::vector<uint8_t>& out);
    /// Reads frame.record's bytes into `buffer` and points frame.data at them, with the link
    /// type and snap length of its interface.
    bool read(FrameView& frame, std::vector<uint8_t>& buffer);
    /// The file a frame is read from (for messages).
    const std::string& pathOf(const FrameRecord& record) const;
    const std::string& errorString() const { return m_error; }

private:
    /// The open file of the frame's interface, or nullptr (and m_error).
    std::FILE* fileOf(const FrameRecord& record);
    bool readAt(std::FILE* file, uint64_t offset, void* buffer, size_t size);
    bool resolvePcapNgData(std::FILE* file, const FrameRecord& record, uint64_t& dataOffset);
    bool checkPcapRecord(std::FILE* file, const FrameRecord& record);

    CaptureLayout m_layout;
    std::vector<std::FILE*> m_files; ///< by file index; null until first needed
    std::string m_error;
};

} // namespace fi
