#include "CaptureReader.h"

#include <pcap/pcap.h>

#include <cstdio>
#include <cerrno>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

namespace fi {

CaptureReader::~CaptureReader()
{
    close();
}

void CaptureReader::close()
{
    if (m_pcap)
        pcap_close(m_pcap);
    m_pcap = nullptr;
    m_framesRead = 0;
}

bool CaptureReader::open(const std::string& path)
{
    close();
    m_error.clear();
    struct stat st{};
    if (::stat(path.c_str(), &st) != 0) {
        m_error = std::strerror(errno);
        return false;
    }
    if (S_ISDIR(st.st_mode)) {
        m_error = "is a directory";
        return false;
    }
    m_fileSize = uint64_t(st.st_size);

    std::FILE* file = std::fopen(path.c_str(), "rb");
    if (!file) {
        m_error = std::strerror(errno);
        return false;
    }
    // The magic number, read beside the FILE: its buffer can only be set before its first read.
    // (glibc ignores the size unless it is given the buffer: libpcap would read 4 KiB at a time.)
    uint32_t magic = 0;
    const ssize_t got = ::pread(fileno(file), &magic, 4, 0);
    if (got != 4) {
        m_error = got < 0            ? std::strerror(errno)
                  : m_fileSize == 0 ? "the file is empty"
                                    : "not a pcap or pcapng capture (too short)";
        std::fclose(file);
        return false;
    }
    constexpr size_t kFileBufferSize = 1 << 20;
    if (!m_fileBuffer)
        m_fileBuffer = std::make_unique_for_overwrite<char[]>(kFileBufferSize);
    std::setvbuf(file, m_fileBuffer.get(), _IOFBF, kFileBufferSize);
    // A seek tells the FILE where it stands; without one glibc asks the kernel at every ftello.
    if (fseeko(file, 0, SEEK_SET) != 0) {
        m_error = std::strerror(errno);
        std::fclose(file);
        return false;
    }
    // Kuznetzov's modified pcap has 24-byte record headers; every other pcap 16.
    m_recordHeaderSize = magic == 0xA1B2CD34 || magic == 0x34CDB2A1 ? 24 : 16;
    m_recordEnd = 24; // the global header

    char errbuf[PCAP_ERRBUF_SIZE] = {};
    m_pcap = pcap_fopen_offline_with_tstamp_precision(file, PCAP_TSTAMP_PRECISION_NANO, errbuf);
    if (!m_pcap) {
        std::fclose(file);
        m_error = errbuf;
        if (m_error.find("unknown file format") != std::string::npos)
            m_error = "not a pcap or pcapng capture (" + m_error + ")";
        return false;
    }
    // libpcap reports DLT values; files (and our pcap output) carry LINKTYPE values, which
    // differ for raw IP (DLT_RAW is 12 or 14, LINKTYPE_RAW 101).
    m_linkType = pcap_datalink(m_pcap);
    if (m_linkType == DLT_RAW)
        m_linkType = 101;
    m_snapLength = pcap_snapshot(m_pcap);
    m_pcapng = magic == 0x0A0D0D0A;
    return true;
}

uint64_t CaptureReader::bytesRead() const
{
    if (!m_pcap)
        return 0;
    const off_t pos = ftello(pcap_file(m_pcap));
    return pos < 0 ? 0 : uint64_t(pos);
}

CaptureReader::Status CaptureReader::next(FrameView& frame)
{
    if (!m_pcap)
        return Status::End;
    pcap_pkthdr* header = nullptr;
    const u_char* data = nullptr;
    int rc = pcap_next_ex(m_pcap, &header, &data);
    if (rc == PCAP_ERROR_BREAK)
        return Status::End;
    if (rc != 1) {
        m_error = pcap_geterr(m_pcap);
        // libpcap fails alike for a damaged record and for a file that ends inside one; in the
        // latter its reading reached the end of the file.
        return std::feof(pcap_file(m_pcap)) ? Status::Truncated : Status::Error;
    }
    const off_t end = ftello(pcap_file(m_pcap));
    if (end < 0) {
        m_error = std::string("cannot tell where in the file the frame ended: ") + std::strerror(errno);
        return Status::Error;
    }
    frame.number = ++m_framesRead;
    frame.record.capturedLength = header->caplen;
    frame.record.originalLength = header->len;
    // pcap stores seconds as an unsigned 32-bit number (libpcap reads it signed: 2038 and
    // later would come out negative); pcapng's 64-bit times arrive whole.
    const int64_t seconds = m_pcapng ? int64_t(header->ts.tv_sec) : int64_t(uint32_t(header->ts.tv_sec));
    frame.record.timeNs = seconds * 1'000'000'000 + header->ts.tv_usec;
    // pcap: the data follows the record header. (Not end - caplen: libpcap cuts a record
    // longer than the snap length to it, and skips the rest.) pcapng: the block's end.
    frame.record.position = m_pcapng ? uint64_t(end) : m_recordEnd + m_recordHeaderSize;
    m_recordEnd = uint64_t(end);
    frame.data = data;
    return Status::Frame;
}

} // namespace fi
