// fi-file-floor: the least any program can do to write a set of files, the floor of the
// `trace -f pcap` benchmark (whose time on a file per flow is mostly the file system's).
//
//   fi-file-floor LIST DIR
//
// LIST has one "SIZE NAME" line per file (what `find OUT -type f -printf '%s %f\n'` prints for
// the files of a trace run). The list is read first; then DIR is made and each file is created
// in it with one open, as many writes of a 1 MiB buffer as its size needs, and one close, in
// the list's order. Prints the number of files and bytes written.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

namespace {

struct File
{
    uint64_t size;
    std::string name;
};

bool writeFile(const std::string& path, uint64_t size, const std::vector<char>& buffer)
{
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0)
        return false;
    while (size > 0) {
        const size_t chunk = size < buffer.size() ? size_t(size) : buffer.size();
        const ssize_t n = ::write(fd, buffer.data(), chunk);
        if (n <= 0) {
            ::close(fd);
            return false;
        }
        size -= uint64_t(n);
    }
    return ::close(fd) == 0;
}

} // namespace

int main(int argc, char** argv)
{
    if (argc != 3) {
        std::fprintf(stderr, "usage: fi-file-floor LIST DIR\n");
        return 2;
    }
    std::ifstream list(argv[1]);
    if (!list) {
        std::fprintf(stderr, "fi-file-floor: %s: cannot read\n", argv[1]);
        return 1;
    }
    std::vector<File> files;
    File f;
    while (list >> f.size && list.get() == ' ' && std::getline(list, f.name))
        files.push_back(f);
    if (!list.eof()) {
        std::fprintf(stderr, "fi-file-floor: %s: line %zu is not \"SIZE NAME\"\n", argv[1],
                     files.size() + 1);
        return 1;
    }
    const std::string dir = argv[2];
    if (::mkdir(dir.c_str(), 0755) != 0) {
        std::fprintf(stderr, "fi-file-floor: %s: %s\n", dir.c_str(), std::strerror(errno));
        return 1;
    }
    const std::vector<char> buffer(size_t(1) << 20, '\0');
    uint64_t bytes = 0;
    for (const File& file : files) {
        const std::string path = dir + '/' + file.name;
        if (!writeFile(path, file.size, buffer)) {
            std::fprintf(stderr, "fi-file-floor: %s: %s\n", path.c_str(), std::strerror(errno));
            return 1;
        }
        bytes += file.size;
    }
    std::printf("%zu files, %llu bytes\n", files.size(), static_cast<unsigned long long>(bytes));
    return 0;
}
