// SPDX-License-Identifier: GPL-2.0-or-later
// Fuzz target: the .txt reader (title, date line, body) after encoding repair.
#include "fuzz_readers.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    folio::fuzz::parse_as_file(data, size, "fuzz.txt", folio::parse_text);
    return 0;
}
