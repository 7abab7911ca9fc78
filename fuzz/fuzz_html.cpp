// SPDX-License-Identifier: GPL-2.0-or-later
// Fuzz target: the HTML reader (Gumbo, metadata, visible text, nesting cap).
#include "fuzz_readers.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    folio::fuzz::parse_as_file(data, size, "fuzz.html",
                               [](std::string_view text, const folio::FileInfo& info) {
                                   return folio::parse_html(text, info);
                               });
    return 0;
}
