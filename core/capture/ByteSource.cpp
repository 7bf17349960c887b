#include "ByteSource.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

namespace fi {

FileHandle::~FileHandle()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

int64_t FileHandle::currentSize() const
{
    struct stat st{};
    return ::fstat(m_fd, &st) == 0 ? int64_t(st.st_size) : -1;
}

ssize_t FileByteSource::readAt(uint64_t offset, void* buffer, size_t size)
{
    size_t done = 0;
    while (done < size) {
        const ssize_t got = ::pread(m_fd, static_cast<char*>(buffer) + done, size - done, off_t(offset + done));
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            m_error = std::strerror(errno);
            return -1;
        }
        if (got == 0)
            break;
        done += size_t(got);
    }
    m_furthest = std::max(m_furthest, offset + done);
    return ssize_t(done);
}

} // namespace fi
