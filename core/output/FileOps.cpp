#include "FileOps.h"

#include <cerrno>
#include <cstdio>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace fi::fileops {

namespace {

/// Opens `path` with `flags`, writes `size` bytes at `offset` (-1: where the file's offset is)
/// and closes it.
int writeFile(const std::string& path, int flags, off_t offset, const char* data, size_t size)
{
    int fd;
    do
        fd = ::open(path.c_str(), flags | O_WRONLY | O_CLOEXEC, 0666);
    while (fd < 0 && errno == EINTR);
    if (fd < 0)
        return errno;
    int error = 0;
    while (size > 0) {
        const ssize_t n = offset < 0 ? ::write(fd, data, size) : ::pwrite(fd, data, size, offset);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) { // a write that makes no progress is a full disk
            error = n < 0 ? errno : ENOSPC;
            break;
        }
        data += n;
        size -= size_t(n);
        if (offset >= 0)
            offset += n;
    }
    // close(2) can report a delayed write error; it is not retried on EINTR (Linux closed it)
    if (::close(fd) != 0 && error == 0 && errno != EINTR)
        error = errno;
    return error;
}

} // namespace

int appendToFile(const std::string& path, bool create, const char* data, size_t size)
{
    return writeFile(path, create ? O_CREAT | O_TRUNC : O_APPEND, -1, data, size);
}

int writeAt(const std::string& path, uint64_t offset, const char* data, size_t size)
{
    return writeFile(path, 0, off_t(offset), data, size);
}

int renameNoReplace(const std::string& from, const std::string& to)
{
    if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0)
        return 0;
    if (errno != EINVAL && errno != ENOSYS)
        return errno;
    // a file system without RENAME_NOREPLACE: look, then rename
    struct stat st;
    if (::lstat(to.c_str(), &st) == 0)
        return EEXIST;
    return renameReplacing(from, to);
}

int renameReplacing(const std::string& from, const std::string& to)
{
    return ::rename(from.c_str(), to.c_str()) == 0 ? 0 : errno;
}

int removeFile(const std::string& path)
{
    return ::unlink(path.c_str()) == 0 ? 0 : errno;
}

int makeDirectory(const std::string& path)
{
    return ::mkdir(path.c_str(), 0777) == 0 ? 0 : errno;
}

int removeDirectory(const std::string& path)
{
    return ::rmdir(path.c_str()) == 0 ? 0 : errno;
}

bool isDirectory(const std::string& path)
{
    struct stat st;
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

} // namespace fi::fileops
