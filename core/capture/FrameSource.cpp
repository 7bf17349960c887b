#include "FrameSource.h"

#include "ByteSwap.h"

#include <bit>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace fi {

FrameSource::~FrameSource()
{
    close();
}

bool FrameSource::open(CaptureLayout layout)
{
    close();
    m_layout = std::move(layout);
    m_files.resize(m_layout.files.size());
    if (m_layout.files.empty()) {
        m_error = "no capture file";
        return false;
    }
    return openFile(0); // (a capture gone says so now)
}

void FrameSource::close()
{
    for (OpenFile& f : m_files) {
        f.bytes.reset();
        if (f.fd >= 0)
            ::close(f.fd);
    }
    m_files.clear();
}

bool FrameSource::openFile(size_t index)
{
    OpenFile& f = m_files[index];
    const CaptureFile& file = m_layout.files[index];
    f.fd = ::open(file.path.c_str(), O_RDONLY | O_CLOEXEC);
    struct stat st{};
    if (f.fd < 0 || ::fstat(f.fd, &st) != 0) {
        m_error = std::strerror(errno);
        return false;
    }
    f.bytes = openByteSource(f.fd, uint64_t(st.st_size), file.compression, file.index);
    return true;
}

const std::string& FrameSource::pathOf(const FrameRecord& record) const
{
    static const std::string kNone;
    const CaptureInterface* i = m_layout.interfaceOf(record.interface);
    return i && i->file < m_layout.files.size() ? m_layout.files[i->file].path : kNone;
}

ByteSource* FrameSource::fileOf(const FrameRecord& record)
{
    const CaptureInterface* i = m_layout.interfaceOf(record.interface);
    if (!i || i->file >= m_files.size()) {
        m_error = "the frame's interface " + std::to_string(record.interface) + " is not in the capture";
        return nullptr;
    }
    if (!m_files[i->file].bytes && !openFile(i->file))
        return nullptr;
    return m_files[i->file].bytes.get();
}

bool FrameSource::readAt(ByteSource& file, uint64_t offset, void* buffer, size_t size)
{
    const ssize_t got = file.readAt(offset, buffer, size);
    if (got == ssize_t(size))
        return true;
    m_error = got < 0 ? file.errorString() : "the file is shorter than before";
    return false;
}

bool FrameSource::resolvePcapNgData(ByteSource& file, const FrameRecord& record, uint64_t& dataOffset)
{
    // The block ends at record.position with its total length repeated; its header says which
    // kind of packet block it is, and so where the packet data starts.
    uint32_t trailer = 0;
    if (record.position < 12 || !readAt(file, record.position - 4, &trailer, 4))
        return false;
    for (uint32_t length : {trailer, byteSwapped(trailer)}) {
        if (length < 12 || length > record.position)
            continue;
        uint32_t head[2];
        uint64_t start = record.position - length;
        if (!readAt(file, start, head, 8))
            return false;
        bool swapped = length != trailer;
        uint32_t type = swapped ? byteSwapped(head[0]) : head[0];
        uint32_t headLength = swapped ? byteSwapped(head[1]) : head[1];
        if (headLength != length)
            continue;
        switch (type) {
        case 6: // Enhanced Packet Block
        case 2: // obsolete Packet Block
            dataOffset = start + 28;
            return true;
        case 3: // Simple Packet Block
            dataOffset = start + 12;
            return true;
        default:
            break;
        }
    }
    m_error = "no packet block at the stored position";
    return false;
}

bool FrameSource::checkPcapRecord(ByteSource& file, const FrameRecord& record)
{
    // The record header before the data must still describe this frame (16 bytes, or 24 in
    // the modified format; its lengths the other way round in files before version 2.3);
    // otherwise the file was replaced since it was loaded.
    for (uint64_t headerSize : {16u, 24u}) {
        uint32_t header[4];
        if (record.position < 24 + headerSize || !readAt(file, record.position - headerSize, header, 16))
            continue;
        for (bool swap : {false, true}) {
            for (bool exchanged : {false, true}) {
                const uint32_t included = swap ? byteSwapped(header[exchanged ? 3 : 2]) : header[exchanged ? 3 : 2];
                const uint32_t original = swap ? byteSwapped(header[exchanged ? 2 : 3]) : header[exchanged ? 2 : 3];
                if (original == record.originalLength && included >= record.capturedLength)
                    return true;
            }
        }
    }
    m_error = "the capture changed since it was loaded";
    return false;
}

bool FrameSource::read(const FrameRecord& record, std::vector<uint8_t>& out)
{
    ByteSource* source = fileOf(record);
    if (!source)
        return false;
    ByteSource& file = *source;
    const bool pcapng = m_layout.files[m_layout.interfaces[record.interface].file].pcapng;
    uint64_t offset = record.position;
    if (pcapng ? !resolvePcapNgData(file, record, offset) : !checkPcapRecord(file, record))
        return false;
    out.resize(record.capturedLength);
    return record.capturedLength == 0 || readAt(file, offset, out.data(), out.size());
}

bool FrameSource::read(FrameView& frame, std::vector<uint8_t>& buffer)
{
    if (!read(frame.record, buffer))
        return false;
    const CaptureInterface& i = m_layout.interfaces[frame.record.interface];
    frame.linkType = i.linkType;
    frame.snapLength = i.snapLength;
    frame.data = buffer.data();
    return true;
}

} // namespace fi
