#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <sys/types.h>

namespace fi {

/// The bytes of a capture file as the formats see them: a plain file, or a compressed file's
/// uncompressed contents. Read at any offset; reading forward is what is fast.
class ByteSource
{
public:
    virtual ~ByteSource() = default;

    /// Reads up to `size` bytes at `offset`: the number read (fewer only at the end), or -1
    /// when reading failed (errorString() says why).
    virtual ssize_t readAt(uint64_t offset, void* buffer, size_t size) = 0;
    /// Bytes of the file itself consumed so far (for progress against fileSize()).
    virtual uint64_t fileBytesRead() const = 0;
    /// Size of the file itself.
    virtual uint64_t fileSize() const = 0;
    const std::string& errorString() const { return m_error; }

protected:
    std::string m_error;
};

/// The descriptor of a capture file as it was opened when it was loaded, closed when the last
/// owner lets it go. Frames are read again through it (pread, any thread), so that a file
/// renamed over or deleted since still reads as it was loaded.
class FileHandle
{
public:
    explicit FileHandle(int fd) : m_fd(fd) {}
    ~FileHandle();
    FileHandle(const FileHandle&) = delete;
    FileHandle& operator=(const FileHandle&) = delete;

    int fd() const { return m_fd; }
    /// The file's size now (it may have changed since it was opened); -1 when fstat fails.
    int64_t currentSize() const;

private:
    int m_fd;
};

/// A plain file, read with pread (the descriptor's own offset is left alone).
class FileByteSource final : public ByteSource
{
public:
    /// Reads through `fd` (not owned) of a file of `size` bytes.
    FileByteSource(int fd, uint64_t size) : m_fd(fd), m_size(size) {}

    ssize_t readAt(uint64_t offset, void* buffer, size_t size) override;
    uint64_t fileBytesRead() const override { return m_furthest; }
    uint64_t fileSize() const override { return m_size; }

private:
    int m_fd;
    uint64_t m_size;
    uint64_t m_furthest = 0;
};

} // namespace fi
