// SPDX-License-Identifier: GPL-2.0-or-later
// Fuzz target: the PDF reader (poppler: text per page, document information, page cap).
#include "fuzz_readers.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    folio::fuzz::parse_document(data, size, "fuzz.pdf",
                                [](std::string_view bytes, const folio::FileInfo& info,
                                   std::uint64_t) { return folio::parse_pdf(bytes, info); });
    return 0;
}
