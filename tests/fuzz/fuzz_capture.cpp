// libFuzzer target: a whole capture file from bytes (pcap, pcapng, gzip- or zstd-compressed,
// told by content as for any file): read, traced, analysed and stored as the desktop
// application loads it, then its first and last frames read again by position.

#include "CaptureTracer.h"
#include "FrameSource.h"
#include "LoadBatchBuilder.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    // The readers open files by path: the input as an anonymous in-memory file.
    const int fd = memfd_create("capture", MFD_CLOEXEC);
    if (fd < 0)
        return 0;
    size_t written = 0;
    while (written < size) {
        const ssize_t n = ::write(fd, data + written, size - written);
        if (n <= 0)
            break;
        written += size_t(n);
    }
    const std::string path = "/proc/self/fd/" + std::to_string(fd);
    fi::CaptureTracer tracer;
    if (tracer.open(path)) {
        fi::CaptureStore store;
        fi::loadCaptureStore(tracer, path, store);
        if (!store.frames.empty()) {
            fi::FrameSource source;
            std::vector<uint8_t> bytes;
            if (source.open(store.layout)) {
                source.read(store.frame(1), bytes);
                source.read(store.frame(uint32_t(store.frames.size())), bytes);
            }
        }
    }
    ::close(fd);
    return 0;
}
