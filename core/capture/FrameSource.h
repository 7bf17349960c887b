#pragma once

#include "ByteSource.h"
#include "CaptureLayout.h"
#include "Frame.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace fi {

/// Reads single frames of a capture again by their stored FrameRecord, without rescanning:
/// each from the file of its interface (a compressed one from its nearest access point),
/// through the descriptor the layout kept from loading it, so that a file renamed over or
/// deleted since reads as it was loaded. A frame whose record (pcap: its time and lengths;
/// pcapng: its packet block's lengths) is not what was loaded, or that lies past the file's end
/// now, is an error saying the file changed or was cut short since it was loaded.
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
        int fd = -1; ///< opened here (a layout without the file's handle), else -1
        std::unique_ptr<ByteSource> bytes;
        std::optional<PcapFileFormat> pcapFormat; ///< classic pcap; nullopt: pcapng
    };
    /// The open file of the frame's interface, or nullptr (and m_error).
    OpenFile* fileOf(const FrameRecord& record);
    /// Opens file `index` of the layout (through its handle, or else by its path); false (and
    /// m_error) when it cannot be.
    bool openFile(size_t index);
    /// Reads exactly `size` bytes; false (and m_error) when reading fails or the file ends first.
    bool readAt(ByteSource& file, uint64_t offset, void* buffer, size_t size);
    /// false, with m_error saying that the file changed since it was loaded and `what` shows it.
    bool changed(const char* what);
    bool resolvePcapNgData(ByteSource& file, const FrameRecord& record, uint64_t& dataOffset);
    bool checkPcapRecord(ByteSource& file, const PcapFileFormat& format, const FrameRecord& record);

    CaptureLayout m_layout;
    std::vector<OpenFile> m_files; ///< by file index; opened when first needed
    std::string m_error;
};

} // namespace fi
