#include "FrameSource.h"

#include "ByteSwap.h"

#include <algorithm>
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
    int fd = file.handle ? file.handle->fd() : -1; // the file as it was loaded
    if (!file.handle) {
        f.fd = fd = ::open(file.path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            m_error = std::strerror(errno);
            return false;
        }
    }
    struct stat st{};
    if (::fstat(fd, &st) != 0) {
        m_error = std::strerror(errno);
        return false;
    }
    f.bytes = openByteSource(fd, uint64_t(st.st_size), file.compression, file.index);
    f.pcapFormat = file.pcapFormat;
    if (!file.pcapng && !f.pcapFormat) { // (a layout not made by reading the file)
        uint8_t header[24];
        if (readAt(*f.bytes, 0, header, sizeof header))
            f.pcapFormat = PcapFileFormat::fromGlobalHeader(header);
        if (!f.pcapFormat) {
            m_error = "not a pcap file";
            f.bytes.reset();
            return false;
        }
    }
    return true;
}

const std::string& FrameSource::pathOf(const FrameRecord& record) const
{
    static const std::string kNone;
    const CaptureInterface* i = m_layout.interfaceOf(record.interface);
    return i && i->file < m_layout.files.size() ? m_layout.files[i->file].path : kNone;
}

FrameSource::OpenFile* FrameSource::fileOf(const FrameRecord& record)
{
    const CaptureInterface* i = m_layout.interfaceOf(record.interface);
    if (!i || i->file >= m_files.size()) {
        m_error = "the frame's interface " + std::to_string(record.interface) + " is not in the capture";
        return nullptr;
    }
    if (!m_files[i->file].bytes && !openFile(i->file))
        return nullptr;
    return &m_files[i->file];
}

bool FrameSource::readAt(ByteSource& file, uint64_t offset, void* buffer, size_t size)
{
    const ssize_t got = file.readAt(offset, buffer, size);
    if (got == ssize_t(size))
        return true;
    m_error = got < 0 ? file.errorString()
                      : "the file was cut short since it was loaded: it now ends at byte " +
                            std::to_string(offset + uint64_t(got)) + ", before the end of this frame";
    return false;
}

bool FrameSource::changed(const char* what)
{
    m_error = std::string("the file changed since it was loaded: ") + what +
              " (open it again to read it as it is now)";
    return false;
}

bool FrameSource::resolvePcapNgData(ByteSource& file, const FrameRecord& record, uint64_t& dataOffset)
{
    // The block ends at record.position with its total length repeated; its header says which
    // kind of packet block it is, and so where the packet data starts; its lengths must still
    // be the frame's.
    if (record.position < 12)
        return changed("no packet block ends where this frame's did");
    uint32_t trailer = 0;
    if (!readAt(file, record.position - 4, &trailer, 4))
        return false;
    for (uint32_t length : {trailer, byteSwapped(trailer)}) {
        if (length < 12 || length > record.position)
            continue;
        uint32_t head[7] = {};
        const uint64_t start = record.position - length;
        if (!readAt(file, start, head, std::min<size_t>(length - 4, sizeof head)))
            return false;
        const bool swapped = length != trailer;
        auto field = [&](size_t i) { return swapped ? byteSwapped(head[i]) : head[i]; };
        if (field(1) != length)
            continue;
        switch (field(0)) {
        case 6: // Enhanced Packet Block
        case 2: // obsolete Packet Block: lengths at the same places
            if (length < 32 || field(5) < record.capturedLength || field(6) != record.originalLength)
                return changed("the packet block where this frame was holds another");
            dataOffset = start + 28;
            return true;
        case 3: // Simple Packet Block
            if (length < 16 || field(2) != record.originalLength)
                return changed("the packet block where this frame was holds another");
            dataOffset = start + 12;
            return true;
        default:
            break;
        }
    }
    return changed("no packet block ends where this frame's did");
}

bool FrameSource::checkPcapRecord(ByteSource& file, const PcapFileFormat& format, const FrameRecord& record)
{
    // The record header before the data must still describe this frame: its time and lengths
    // (libpcap may have cut the data to the snap length); otherwise the file was rewritten
    // since it was loaded.
    uint8_t header[16];
    if (record.position < 24 + format.recordHeaderSize)
        return changed("no record starts where this frame's did");
    if (!readAt(file, record.position - format.recordHeaderSize, header, sizeof header))
        return false;
    const PcapFileFormat::Record r = format.record(header);
    if (r.timeNs != record.timeNs || r.original != record.originalLength || r.captured < record.capturedLength)
        return changed("the record where this frame was holds another");
    return true;
}

bool FrameSource::read(const FrameRecord& record, std::vector<uint8_t>& out)
{
    OpenFile* f = fileOf(record);
    if (!f)
        return false;
    ByteSource& file = *f->bytes;
    uint64_t offset = record.position;
    if (f->pcapFormat ? !checkPcapRecord(file, *f->pcapFormat, record) : !resolvePcapNgData(file, record, offset))
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
