#include "SmallDisk.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>
#include <vector>

namespace fi::test {

SmallDisk::SmallDisk(const QString& directory, uint64_t bytes) : m_directory(directory)
{
    if (::geteuid() != 0) {
        m_why = "mounting a small tmpfs needs root";
        return;
    }
    const QByteArray options = "size=" + QByteArray::number(qulonglong(bytes)) + ",mode=0755";
    if (::mount("tmpfs", directory.toLocal8Bit().constData(), "tmpfs", MS_NOSUID | MS_NODEV, options.constData()) != 0) {
        m_why = QString("cannot mount a tmpfs on %1: %2").arg(directory, QString::fromLocal8Bit(std::strerror(errno)));
        return;
    }
    m_mounted = true;
}

SmallDisk::~SmallDisk()
{
    if (m_mounted)
        ::umount2(m_directory.toLocal8Bit().constData(), MNT_DETACH);
}

bool SmallDisk::fillLeaving(uint64_t bytes)
{
    const QByteArray path = (m_directory + "/.filler").toLocal8Bit();
    const int fd = ::open(path.constData(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return false;
    const std::vector<char> page(4096, 'f');
    off_t size = 0;
    ssize_t n;
    while ((n = ::write(fd, page.data(), page.size())) > 0)
        size += n;
    const bool full = n < 0 && errno == ENOSPC;
    const off_t left = size > off_t(bytes) ? size - off_t(bytes) : 0;
    const bool cut = ::ftruncate(fd, left) == 0;
    return ::close(fd) == 0 && full && cut;
}

} // namespace fi::test
