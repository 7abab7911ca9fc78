// SPDX-License-Identifier: GPL-2.0-or-later
// Fuzz target: the DOCX reader (libzip, libxml2: word/document.xml paragraphs, core properties).
#include "fuzz_readers.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    folio::fuzz::parse_document(
        data, size, "fuzz.docx",
        [](std::string_view bytes, const folio::FileInfo& info, std::uint64_t budget) {
            return folio::parse_docx(bytes, info, budget);
        });
    return 0;
}
