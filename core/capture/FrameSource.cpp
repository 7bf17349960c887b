#include "FrameSource.h"

#include "ByteSwap.h"

#include <bit>
#include <cerrno>
#include <cstring>

namespace fi {

FrameSource::~FrameSource()
{
    close();
}

bool FrameSource::open(const std::string& path, bool pcapng)
{
    close();
    m_pcapng = pcapng;
    m_file = std::fopen(path.c_str(), "rb");
    if (!m_file) {
        m_error = std::strerror(errno);
        return false;
    }
    return true;
}

void FrameSource::close()
{
    if (m_file)
        std::fclose(m_file);
    m_file = nullptr;
}

bool FrameSource::readAt(uint64_t offset, void* buffer, size_t size)
{
    if (!m_file) {
        m_error = "capture is not open";
        return false;
    }
    if (fseeko(m_file, off_t(offset), SEEK_SET) != 0 || std::fread(buffer, 1, size, m_file) != size) {
        m_error = std::ferror(m_file) ? std::strerror(errno) : "the file is shorter than before";
        std::clearerr(m_file);
        return false;
    }
    return true;
}

bool FrameSource::resolvePcapNgData(const FrameRecord& record, uint64_t& dataOffset)
{
    // The block ends at record.position with its total length repeated; its header says which
    // kind of packet block it is, and so where the packet data starts.
    uint32_t trailer = 0;
    if (record.position < 12 || !readAt(record.position - 4, &trailer, 4))
        return false;
    for (uint32_t length : {trailer, byteSwapped(trailer)}) {
        if (length < 12 || length > record.position)
            continue;
        uint32_t head[2];
        uint64_t start = record.position - length;
        if (!readAt(start, head, 8))
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

bool FrameSource::checkPcapRecord(const FrameRecord& record)
{
    // The record header before the data must still describe this frame (16 bytes, or 24 in
    // the modified format; its lengths the other way round in files before version 2.3);
    // otherwise the file was replaced since it was loaded.
    for (uint64_t headerSize : {16u, 24u}) {
        uint32_t header[4];
        if (record.position < 24 + headerSize || !readAt(record.position - headerSize, header, 16))
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
    uint64_t offset = record.position;
    if (m_pcapng ? !resolvePcapNgData(record, offset) : !checkPcapRecord(record))
        return false;
    out.resize(record.capturedLength);
    return record.capturedLength == 0 || readAt(offset, out.data(), out.size());
}

} // namespace fi
