#include "CaptureFileReader.h"

#include <pcap/pcap.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <limits>
#include <optional>
#include <sys/stat.h>
#include <unistd.h>

namespace fi {

namespace {

/// libpcap's smallest maximum captured length (MAXIMUM_SNAPLEN; some link types allow more):
/// a record up to it and up to the snap length is always read whole, never refused or cut.
constexpr uint32_t kLongestRecordLibpcapReadsWhole = 262144;

/// Whether libpcap changes the records of this link type as it reads them (pcap_post_process:
/// pseudo-headers written in the other byte order, old Linux USB lengths).
bool libpcapRewritesRecords(int dlt, bool byteSwapped)
{
    if (dlt == DLT_USB_LINUX_MMAPPED)
        return true;
    if (!byteSwapped)
        return false;
    switch (dlt) {
    case DLT_PFLOG:
    case DLT_LINUX_SLL:
    case DLT_LINUX_SLL2:
    case DLT_USB_LINUX:
    case DLT_NFLOG:
        return true;
    default:
        return false;
    }
}

/// The LINKTYPE_* value files carry (and our pcap output writes) for libpcap's DLT_* value,
/// where the two differ (libpcap's dlt_to_linktype, which it does not export).
int linkTypeOfDlt(int dlt)
{
    switch (dlt) {
    case DLT_RAW: return 101;          // 12 (14 on OpenBSD)
    case DLT_ATM_RFC1483: return 100;  // 11
#ifdef DLT_ATM_CLIP
    case DLT_ATM_CLIP: return 106;     // 19 on Linux
#endif
    case DLT_SLIP_BSDOS: return 102;   // 15
    case DLT_PPP_BSDOS: return 103;    // 16
    default: return dlt;
    }
}

/// A FILE that reads `source` (for libpcap to read a compressed file through); it does not own
/// the source.
std::FILE* openSourceAsFile(ByteSource& source)
{
    struct Cookie
    {
        ByteSource* source;
        uint64_t position;
    };
    cookie_io_functions_t functions{};
    functions.read = [](void* c, char* buffer, size_t size) -> ssize_t {
        auto* cookie = static_cast<Cookie*>(c);
        const ssize_t got = cookie->source->readAt(cookie->position, buffer, size);
        if (got < 0) {
            errno = EIO;
            return -1;
        }
        cookie->position += uint64_t(got);
        return got;
    };
    functions.seek = [](void* c, off64_t* offset, int whence) -> int {
        auto* cookie = static_cast<Cookie*>(c);
        const int64_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? int64_t(cookie->position) : -1;
        if (base < 0 || base + *offset < 0) {
            errno = EINVAL; // (the end of a compressed file is not known before reading it)
            return -1;
        }
        cookie->position = uint64_t(base + *offset);
        *offset = off64_t(cookie->position);
        return 0;
    };
    functions.close = [](void* c) -> int {
        delete static_cast<Cookie*>(c);
        return 0;
    };
    auto* cookie = new Cookie{&source, 0};
    std::FILE* file = fopencookie(cookie, "rb", functions);
    if (!file)
        delete cookie;
    return file;
}

} // namespace

CaptureFileReader::~CaptureFileReader()
{
    close();
}

void CaptureFileReader::close()
{
    if (m_pcap)
        pcap_close(m_pcap); // (and its FILE)
    else if (m_stream)
        std::fclose(m_stream);
    m_pcap = nullptr;
    m_stream = nullptr;
    m_source.reset();
    m_handle.reset(); // (closed when no layout refers to it either)
    m_walking = false;
    m_ownPcapNg = false;
    m_hasPending = false;
    m_layout = nullptr;
    m_framesRead = 0;
}

bool CaptureFileReader::open(const std::string& path, uint32_t fileIndex, CaptureLayout& layout,
                             FramesReadAgain readAgain)
{
    close();
    m_layout = &layout;
    m_fileIndex = fileIndex;
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
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        m_error = std::strerror(errno);
        return false;
    }
    m_handle = std::make_shared<FileHandle>(fd);
    if (::fstat(fd, &st) != 0) { // (of the file opened, should another have taken its name)
        m_error = std::strerror(errno);
        return false;
    }
    m_fileSize = uint64_t(st.st_size);
    m_source = std::make_unique<FileByteSource>(fd, m_fileSize);
    uint8_t magic[4] = {};
    const ssize_t magicBytes = m_source->readAt(0, magic, sizeof magic);
    if (magicBytes < 0) {
        m_error = m_source->errorString();
        return false;
    }
    CaptureFile file;
    file.path = path;
    file.compression = compressionOf(magic, size_t(magicBytes));
    file.handle = m_handle;
    m_compressed = file.compression != Compression::None;
    if (m_compressed) { // its contents are read decompressed
        file.index = std::make_shared<CompressedIndex>(readAgain);
        m_source = openByteSource(fd, m_fileSize, file.compression, file.index);
    }

    // The global header (of the uncompressed contents).
    uint8_t header[24] = {};
    const ssize_t got = m_source->readAt(0, header, sizeof header);
    const std::string compressed = m_compressed ? std::string(compressionName(file.compression)) + "-compressed " : "";
    if (got < 4) {
        m_error = got < 0                       ? m_source->errorString()
                  : m_fileSize == 0             ? "the file is empty"
                  : m_compressed && got == 0    ? "the " + compressed + "file holds nothing"
                                                : "not a " + compressed + "pcap or pcapng capture (too short)";
        return false;
    }
    uint32_t captureMagic = 0;
    std::memcpy(&captureMagic, header, 4);
    m_pcapng = captureMagic == 0x0A0D0D0A;
    file.pcapng = m_pcapng;
    const std::optional<PcapFileFormat> format =
        got == ssize_t(sizeof header) ? PcapFileFormat::fromGlobalHeader(header) : std::nullopt;
    m_recordHeaderSize = format ? format->recordHeaderSize : 16;
    m_recordEnd = 24; // the global header
    file.pcapFormat = format;
    if (m_layout->files.size() <= m_fileIndex)
        m_layout->files.resize(size_t(m_fileIndex) + 1);
    m_layout->files[m_fileIndex] = file;

    // libpcap reads through a FILE over the same bytes (the file's one descriptor, which the
    // layout keeps for reading frames again; decompressed for a compressed file).
    std::FILE* stream = openSourceAsFile(*m_source);
    if (!stream) {
        m_error = std::strerror(errno);
        return false;
    }
    m_stream = stream;
    // libpcap reads pcapng through a large buffer (glibc ignores the size unless it is given the
    // buffer: it would read 4 KiB at a time). Of classic pcap it reads the header and the few
    // records left to it, each after a seek that drops what was buffered: 4 KiB suit them.
    if (!format) {
        constexpr size_t kFileBufferSize = 1 << 20;
        if (!m_fileBuffer)
            m_fileBuffer = std::make_unique_for_overwrite<char[]>(kFileBufferSize);
        std::setvbuf(stream, m_fileBuffer.get(), _IOFBF, kFileBufferSize);
    }
    // A seek tells the FILE where it stands; without one glibc asks the kernel at every ftello.
    if (fseeko(stream, 0, SEEK_SET) != 0) {
        m_error = std::strerror(errno);
        return false;
    }

    char errbuf[PCAP_ERRBUF_SIZE] = {};
    m_pcap = pcap_fopen_offline_with_tstamp_precision(stream, PCAP_TSTAMP_PRECISION_NANO, errbuf);
    if (!m_pcap) {
        m_error = errbuf; // (the FILE stays open, for PcapNgReader to read its descriptor)
        if (m_pcapng && takeOverFromLibpcap(0))
            return true;
        if (m_error.find("unknown file format") != std::string::npos)
            m_error = "not a " + compressed + "pcap or pcapng capture (" + m_error + ")";
        return false;
    }
    // libpcap reports DLT values; files (and our pcap output) carry LINKTYPE values, which
    // differ for a few (raw IP: DLT_RAW is 12 or 14, LINKTYPE_RAW 101).
    const int dlt = pcap_datalink(m_pcap);
    if (m_layout->interfaces.size() >= FrameRecord::kMaxInterfaces) {
        m_error = "more than " + std::to_string(FrameRecord::kMaxInterfaces) + " interfaces";
        return false;
    }
    CaptureInterface libpcapInterface;
    libpcapInterface.file = m_fileIndex;
    libpcapInterface.linkType = linkTypeOfDlt(dlt);
    libpcapInterface.snapLength = uint32_t(pcap_snapshot(m_pcap));
    libpcapInterface.wholeFile = m_pcapng;
    m_libpcapInterface = uint32_t(m_layout->interfaces.size());
    m_layout->interfaces.push_back(libpcapInterface);

    if (format && !libpcapRewritesRecords(dlt, format->byteSwapped)) {
        const uint32_t longest = std::min(libpcapInterface.snapLength, kLongestRecordLibpcapReadsWhole);
        m_walker.start(*m_source, sizeof header, *format, longest);
        m_walking = true;
    }
    return true;
}

bool CaptureFileReader::takeOverFromLibpcap(uint32_t frames)
{
    m_pcapNgReader.start(*m_source, m_fileIndex, *m_layout);
    FrameView frame;
    for (uint32_t skipped = 0; skipped <= frames; ++skipped) {
        const PcapNgReader::Step step = m_pcapNgReader.next(frame);
        if (step == PcapNgReader::Step::End && skipped == frames)
            break; // libpcap stopped at something after the last frame that PcapNgReader reads
        if (step != PcapNgReader::Step::Frame)
            return false; // libpcap's verdict stands
    }
    m_ownPcapNg = true;
    m_hasPending = frame.data != nullptr;
    m_pending = frame;
    m_error.clear();
    return true;
}

uint64_t CaptureFileReader::bytesRead() const
{
    if (m_compressed) // (the offsets below are of the uncompressed bytes)
        return m_source->fileBytesRead();
    if (m_ownPcapNg)
        return m_pcapNgReader.offset();
    if (!m_pcap)
        return 0;
    if (m_walking)
        return m_walker.offset();
    const off_t pos = ftello(pcap_file(m_pcap));
    return pos < 0 ? 0 : uint64_t(pos);
}

CaptureFileReader::Status CaptureFileReader::next(FrameView& frame)
{
    if (!m_pcap && !m_ownPcapNg)
        return Status::End;
    const Status status = m_ownPcapNg ? nextFromPcapNg(frame)
                          : m_walking ? nextWalked(frame)
                                      : nextFromLibpcap(frame);
    if (status == Status::Frame) {
        if (!m_ownPcapNg) {
            const CaptureInterface& i = m_layout->interfaces[m_libpcapInterface];
            frame.record.interface = m_libpcapInterface;
            frame.linkType = i.linkType;
            frame.snapLength = i.snapLength;
        }
        ++m_framesRead;
        return status;
    }
    return status == Status::Error ? status : endedEarlyIfShrunk(status);
}

CaptureFileReader::Status CaptureFileReader::endedEarlyIfShrunk(Status status)
{
    // A file cut short while it was read can end at a record's end, as if it were whole.
    const int64_t now = m_handle->currentSize();
    if (now < 0 || uint64_t(now) >= m_fileSize)
        return status;
    const std::string shrunk = "the file was cut short while it was read (from " + std::to_string(m_fileSize) +
                               " to " + std::to_string(now) + " bytes)";
    m_error = status == Status::Truncated ? m_error + "; " + shrunk : shrunk;
    return Status::Truncated;
}

CaptureFileReader::Status CaptureFileReader::nextFromPcapNg(FrameView& frame)
{
    if (m_hasPending) {
        m_hasPending = false;
        frame = m_pending;
        return Status::Frame;
    }
    const PcapNgReader::Step step = m_pcapNgReader.next(frame);
    if (step == PcapNgReader::Step::Frame)
        return Status::Frame;
    if (step == PcapNgReader::Step::End)
        return Status::End;
    m_error = m_pcapNgReader.errorString();
    return step == PcapNgReader::Step::Truncated ? Status::Truncated : Status::Error;
}

CaptureFileReader::Status CaptureFileReader::nextWalked(FrameView& frame)
{
    switch (m_walker.next(frame)) {
    case PcapRecordWalker::Step::Record:
        return Status::Frame;
    case PcapRecordWalker::Step::End:
        return Status::End;
    case PcapRecordWalker::Step::Truncated:
        m_error = m_walker.errorString();
        return Status::Truncated;
    case PcapRecordWalker::Step::Error:
        m_error = m_walker.errorString();
        return Status::Error;
    case PcapRecordWalker::Step::LongRecord:
        break;
    }
    // libpcap decides what a record longer than the snap length (or than its maximum) is: an
    // error, or a frame cut to the snap length. It reads it from its start; the walker has
    // already stepped over it.
    const uint64_t start = m_walker.recordOffset();
    if (fseeko(pcap_file(m_pcap), off_t(start), SEEK_SET) != 0) {
        m_error = std::string("cannot seek to a record: ") + std::strerror(errno);
        return Status::Error;
    }
    const Status status = readWithLibpcap(frame);
    frame.record.position = start + m_recordHeaderSize;
    return status;
}

CaptureFileReader::Status CaptureFileReader::nextFromLibpcap(FrameView& frame)
{
    const Status status = readWithLibpcap(frame);
    if (status == Status::Error && m_pcapng && takeOverFromLibpcap(m_framesRead))
        return nextFromPcapNg(frame);
    if (status != Status::Frame)
        return status;
    const off_t end = ftello(pcap_file(m_pcap));
    if (end < 0) {
        m_error = std::string("cannot tell where in the file the frame ended: ") + std::strerror(errno);
        return Status::Error;
    }
    // pcap: the data follows the record header. (Not end - caplen: libpcap cuts a record
    // longer than the snap length to it, and skips the rest.) pcapng: the block's end.
    frame.record.position = m_pcapng ? uint64_t(end) : m_recordEnd + m_recordHeaderSize;
    m_recordEnd = uint64_t(end);
    return Status::Frame;
}

CaptureFileReader::Status CaptureFileReader::readWithLibpcap(FrameView& frame)
{
    pcap_pkthdr* header = nullptr;
    const u_char* data = nullptr;
    const int rc = pcap_next_ex(m_pcap, &header, &data);
    if (rc == PCAP_ERROR_BREAK)
        return Status::End;
    if (rc != 1) {
        m_error = pcap_geterr(m_pcap);
        // libpcap fails alike for a damaged record and for a file that ends inside one; in the
        // latter its reading reached the end of the file.
        return std::feof(pcap_file(m_pcap)) ? Status::Truncated : Status::Error;
    }
    frame.record.capturedLength = header->caplen;
    frame.record.originalLength = header->len;

    // pcap stores seconds as an unsigned 32-bit number (libpcap reads it signed: 2038 and
    // later would come out negative); pcapng's 64-bit times arrive whole.
    const int64_t seconds = m_pcapng ? int64_t(header->ts.tv_sec) : int64_t(uint32_t(header->ts.tv_sec));
    constexpr int64_t kLatestSecond = std::numeric_limits<int64_t>::max() / 1'000'000'000 - 1;
    if (seconds > kLatestSecond || seconds < -kLatestSecond) {
        m_error = "frame " + std::to_string(m_framesRead + 1) +
                  ": its timestamp lies beyond the year 2262, out of the range this reader keeps";
        return Status::Error;
    }
    frame.record.timeNs = seconds * 1'000'000'000 + header->ts.tv_usec;
    frame.data = data;
    return Status::Frame;
}

} // namespace fi
