// SPDX-License-Identifier: GPL-2.0-or-later
// Fuzz target: the EPUB reader (libzip, libxml2: container, OPF, spine chapters through the HTML
// reader).
#include "fuzz_readers.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    folio::fuzz::parse_document(
        data, size, "fuzz.epub",
        [](std::string_view bytes, const folio::FileInfo& info, std::uint64_t budget) {
            return folio::parse_epub(bytes, info, budget);
        });
    return 0;
}
