#pragma once

#include "ByteSource.h"
#include "CaptureLayout.h"
#include "Frame.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace fi {

/// Reads single frames of a capture again by their stored FrameRecord, without rescanning:
/// each from the file of its interface (a compressed one from its nearest access point).
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
    struct OpenFile
    {
        int fd = -1;
        std::unique_ptr<ByteSource> bytes;
    };
    /// The open file of the frame's interface, or nullptr (and m_error).
    ByteSource* fileOf(const FrameRecord& record);
    /// Opens file `index` of the layout; false (and m_error) when it cannot be.
    bool openFile(size_t index);
    bool readAt(ByteSource& file, uint64_t offset, void* buffer, size_t size);
    bool resolvePcapNgData(ByteSource& file, const FrameRecord& record, uint64_t& dataOffset);
    bool checkPcapRecord(ByteSource& file, const FrameRecord& record);

    CaptureLayout m_layout;
    std::vector<OpenFile> m_files; ///< by file index; opened when first needed
    std::string m_error;
};

} // namespace fi
