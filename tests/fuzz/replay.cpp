// Replays inputs through a fuzz target's LLVMFuzzerTestOneInput without libFuzzer, so that the
// normal and sanitizer builds run every input the fuzzers kept (tests/fuzz/regressions) under
// ctest. Arguments are files or directories (every regular file in them, in name order). A
// target's own check aborts on a finding; an input that cannot be read fails with its name.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

bool replay(const std::filesystem::path& file)
{
    std::ifstream in(file, std::ios::binary);
    const std::vector<char> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (!in.eof() && in.fail()) {
        std::fprintf(stderr, "%s: cannot be read\n", file.c_str());
        return false;
    }
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
    return true;
}

} // namespace

int main(int argc, char** argv)
{
    int replayed = 0;
    for (int i = 1; i < argc; ++i) {
        std::error_code error;
        std::vector<std::filesystem::path> files;
        if (std::filesystem::is_directory(argv[i], error)) {
            for (const auto& entry : std::filesystem::directory_iterator(argv[i], error))
                if (entry.is_regular_file())
                    files.push_back(entry.path());
        } else {
            files.emplace_back(argv[i]);
        }
        if (error || files.empty()) {
            std::fprintf(stderr, "%s: no input to replay%s%s\n", argv[i], error ? ": " : "",
                         error ? error.message().c_str() : "");
            return 1;
        }
        std::sort(files.begin(), files.end());
        for (const auto& file : files) {
            if (!replay(file))
                return 1;
            ++replayed;
        }
    }
    std::printf("%d inputs replayed, no finding\n", replayed);
    return 0;
}
