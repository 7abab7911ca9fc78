// SPDX-License-Identifier: GPL-2.0-or-later
// The document formats' dispatcher: in a file of its own, so that only the programs that pass
// it to read_file (ReadOptions::documents) link the document readers and their libraries.

#include "folio/error.hpp"
#include "read/readers.hpp"

namespace folio {

Article read_document(Format format, std::string_view bytes, const FileInfo& info,
                      std::uint64_t max_expanded, std::size_t* dropped_tags) {
    switch (format) {
        case Format::pdf:
            return parse_pdf(bytes, info);
        case Format::epub:
            return parse_epub(bytes, info, max_expanded, dropped_tags);
        case Format::docx:
            return parse_docx(bytes, info, max_expanded);
        case Format::odt:
            return parse_odt(bytes, info, max_expanded);
        default:
            throw InputError(info.path, 0, "unsupported file type");
    }
}

}  // namespace folio
