// libFuzzer target: the flow filter language's parser (any text: a filter, or an error with
// its reason and position inside the text).

#include "FlowFilter.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    fi::FlowFilterError error;
    const auto filter = fi::FlowFilter::parse(text, &error);
    if (!filter && (error.reason.empty() || error.begin > error.end || error.end > text.size())) {
        std::fprintf(stderr, "fuzz_filter: an error without a reason, or outside the text\n");
        std::abort();
    }
    return 0;
}
