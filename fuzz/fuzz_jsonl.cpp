// SPDX-License-Identifier: GPL-2.0-or-later
// Fuzz target: the JSON Lines reader, bytes as they are (it repairs encodings per line and
// reports bad lines as diagnostics; it must never throw for a bad line).
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "read/readers.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
    folio::FileInfo info;
    info.path = "fuzz.jsonl";
    info.id = "fuzz.jsonl";
    info.source = "fuzz";
    std::size_t articles = 0, errors = 0;
    const folio::ReadStats stats = folio::parse_jsonl(
        in, info,
        [&](folio::Article&& article) {
            ++articles;
            if (article.id.empty())
                __builtin_trap();
        },
        [&](folio::Diagnostic&& d) { errors += d.severity == folio::Diagnostic::Severity::error; });
    if (stats.articles != articles || stats.failed != errors)
        __builtin_trap();
    return 0;
}
