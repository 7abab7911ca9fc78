// SPDX-License-Identifier: GPL-2.0-or-later
// fuzz_readers.hpp: what the reader fuzz targets share: the bytes as a file of one format would
// reach its parser (binary check, encoding repair), and the parser's contract (InputError only).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "folio/error.hpp"
#include "read/readers.hpp"

namespace folio::fuzz {

/// Runs `parse` on `data` as read_file would hand it over: UTF-16 with a byte-order mark is
/// decoded, NUL bytes mean a binary file (not parsed), everything else is made valid UTF-8 first.
/// InputError is the parser's documented way to refuse input; anything else escapes and is a
/// finding.
template <typename Parse>
void parse_as_file(const std::uint8_t* data, std::size_t size, const char* name, Parse parse) {
    std::string_view bytes(reinterpret_cast<const char*>(data), size);
    const std::optional<std::string> utf16 = decode_utf16(bytes);  // as read_file does
    if (utf16) {
        bool invalid = false;
        to_utf8(*utf16, &invalid);
        if (invalid)
            __builtin_trap();  // decode_utf16 must give valid UTF-8
        bytes = *utf16;
    }
    if (looks_binary(bytes))
        return;
    const std::string text = to_utf8(bytes);
    FileInfo info;
    info.path = name;
    info.id = name;
    info.source = "fuzz";
    info.mtime = 1700000000;
    try {
        Article article = parse(text, info);
        // What the writer relies on: the fields are valid UTF-8.
        bool title_invalid = false, body_invalid = false;
        to_utf8(article.title, &title_invalid);
        to_utf8(article.body, &body_invalid);
        if (title_invalid || body_invalid)
            __builtin_trap();
    } catch (const InputError&) {
    }
}

/// Runs `parse` on `data` as read_file hands a document format (PDF, EPUB, DOCX, ODT) over:
/// the file's bytes as they are, here with a small expanded-size budget (1 MB) so that a zip
/// that inflates further is refused quickly. InputError is the documented refusal; anything
/// else escapes and is a finding, as are fields that are not valid UTF-8.
template <typename Parse>
void parse_document(const std::uint8_t* data, std::size_t size, const char* name, Parse parse) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    FileInfo info;
    info.path = name;
    info.id = name;
    info.source = "fuzz";
    try {
        Article article = parse(bytes, info, std::uint64_t{1} << 20);
        bool title_invalid = false, body_invalid = false;
        to_utf8(article.title, &title_invalid);
        to_utf8(article.body, &body_invalid);
        if (title_invalid || body_invalid)
            __builtin_trap();
    } catch (const InputError&) {
    }
}

}  // namespace folio::fuzz
