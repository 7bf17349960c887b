#pragma once

// A small file system of its own for tests of a full disk: a tmpfs mounted on a directory, its
// space nearly taken, so that writes fail as on a full disk (ENOSPC, after a short write).

#include <QString>

#include <cstdint>

namespace fi::test {

class SmallDisk
{
public:
    /// Mounts a tmpfs of `bytes` bytes on `directory` (which must exist). Only root can: when
    /// it cannot, isMounted() is false and whyNot() says why.
    SmallDisk(const QString& directory, uint64_t bytes);
    /// Unmounts it (lazily: what is still open there does not keep it).
    ~SmallDisk();
    SmallDisk(const SmallDisk&) = delete;
    SmallDisk& operator=(const SmallDisk&) = delete;

    bool isMounted() const { return m_mounted; }
    const QString& whyNot() const { return m_why; }

    /// Takes all of its space but `bytes` (whole pages) with a hidden file `.filler`; false
    /// when it cannot.
    bool fillLeaving(uint64_t bytes);

private:
    QString m_directory;
    bool m_mounted = false;
    QString m_why;
};

} // namespace fi::test
