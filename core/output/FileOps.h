#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace fi {

/// The few file operations the per-flow output needs, as plain POSIX calls: each returns 0 on
/// success or the errno of the call that failed, so that the caller can name the file the
/// user knows in its message.
namespace fileops {

/// Writes `size` bytes at the end of the file at `path` and closes it: one open, as few writes
/// as the kernel allows, one close. `create` creates the file (truncating one that is there);
/// otherwise it must exist. A short write (disk full, file size limit) is an error.
int appendToFile(const std::string& path, bool create, const char* data, size_t size);

/// Writes `size` bytes at `offset` of the existing file at `path` (over what is there, or past
/// its end) and closes it.
int writeAt(const std::string& path, uint64_t offset, const char* data, size_t size);

/// Renames `from` to `to` unless something is at `to` (then EEXIST): never replaces a file.
int renameNoReplace(const std::string& from, const std::string& to);

/// rename(2): replaces what is at `to` (not a directory).
int renameReplacing(const std::string& from, const std::string& to);

/// unlink(2).
int removeFile(const std::string& path);

/// mkdir(2) with the permissions the umask leaves, and rmdir(2).
int makeDirectory(const std::string& path);
int removeDirectory(const std::string& path);

/// Whether `path` is a directory (following a symbolic link).
bool isDirectory(const std::string& path);

} // namespace fileops

} // namespace fi
