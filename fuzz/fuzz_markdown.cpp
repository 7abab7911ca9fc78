// SPDX-License-Identifier: GPL-2.0-or-later
// Fuzz target: the Markdown reader (YAML front matter, markup reduced to text).
#include "fuzz_readers.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    folio::fuzz::parse_as_file(data, size, "fuzz.md", folio::parse_markdown);
    return 0;
}
