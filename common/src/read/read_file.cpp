// SPDX-License-Identifier: GPL-2.0-or-later
// Reading one input file: its format by extension, size and binary checks, encoding repair, then
// the format's reader.

#include <sys/stat.h>

#include <optional>
#include <string>
#include <vector>

#include "folio/error.hpp"
#include "read/input.hpp"
#include "read/parse_util.hpp"

namespace folio {

using namespace detail;

const char* special_kind(unsigned st_mode) noexcept {
    if (S_ISFIFO(st_mode))
        return "a named pipe";
    if (S_ISCHR(st_mode))
        return "a character device";
    if (S_ISBLK(st_mode))
        return "a block device";
    if (S_ISSOCK(st_mode))
        return "a socket";
    return "a special file";
}

namespace {

Article parse(Format format, std::string_view text, const FileInfo& info) {
    switch (format) {
        case Format::text:
            return parse_text(text, info);  // read_file calls parse_text_noting itself
        case Format::markdown:
            return parse_markdown(text, info);
        case Format::html:
            return parse_html(text, info);
        default:
            throw InputError(info.path, 0, "unsupported file type");
    }
}

}  // namespace

ReadStats read_file(const FileInfo& info, const ReadOptions& options, const ArticleSink& sink,
                    const DiagnosticSink& diagnostics) {
    ReadStats stats;
    auto report = [&](Diagnostic::Severity severity, std::size_t line, std::string message) {
        diagnostics(Diagnostic{severity, info.path, line, std::move(message)});
    };
    auto fail = [&](std::size_t line, std::string message) {
        report(Diagnostic::Severity::error, line, std::move(message));
        stats.failed = 1;
        return stats;
    };
    // What every article read from a single-article file goes through before the sink.
    auto finish = [&](Article& article, std::size_t dropped_tags, std::vector<Diagnostic> notes) {
        for (Diagnostic& note : notes)
            diagnostics(std::move(note));
        check_language(article, [&](std::string message) {
            report(Diagnostic::Severity::warning, 0, std::move(message));
        });
        check_script(article, [&](std::string message) {
            report(Diagnostic::Severity::warning, 0, std::move(message));
        });
        if (dropped_tags > 0) {
            report(Diagnostic::Severity::warning, 0,
                   "HTML nested deeper than " + std::to_string(kMaxHtmlDepth) + " elements: " +
                       std::to_string(dropped_tags) + " tags below that depth ignored (text kept)");
        }
        if (std::string dropped = dropped_values_warning(); !dropped.empty())
            report(Diagnostic::Severity::warning, 0, std::move(dropped));
        sink(std::move(article));
        stats.articles = 1;
        return stats;
    };
    const std::string too_large = "file is larger than the --max-file-size limit (" +
                                  std::to_string(options.max_file_size) + " bytes)";

    const Format format = format_for_path(info.path);
    if (format == Format::unknown)
        return fail(0, "unsupported file type");

    std::optional<Input> input;
    std::optional<std::string> bytes;
    try {
        input.emplace(info.path);
        // JSON Lines are read a record at a time, so a large file of them is no risk: each of
        // its lines is held to the limit instead.
        if (options.max_file_size != 0 && input->size() && *input->size() > options.max_file_size &&
            format != Format::jsonl) {
            return fail(0, too_large);
        }
        if (format != Format::jsonl)
            bytes = read_all(*input, options.max_file_size);
    } catch (const std::runtime_error& e) {
        return fail(0, e.what());
    }
    if (format == Format::jsonl) {
        // Read errors end the stream and are reported after the records read so far; errors
        // thrown by the sink are not about the file and pass through.
        std::string read_error;
        std::uint64_t left = info.length;  // of a slice; 0: to the end
        try {
            if (info.offset != 0)
                input->seek(info.offset);
        } catch (const std::runtime_error& e) {
            return fail(0, e.what());
        }
        ChunkReader raw = [&](char* buffer, std::size_t n) -> std::size_t {
            try {
                if (info.length == 0)
                    return input->read(buffer, n);
                std::size_t got =
                    input->read(buffer, static_cast<std::size_t>(std::min<std::uint64_t>(n, left)));
                left -= got;
                return got;
            } catch (const std::runtime_error& e) {
                read_error = e.what();
                return 0;
            }
        };
        // UTF-16 with its byte-order mark is decoded as it streams; a file in that encoding is
        // never sliced (split_units), so only a read from the start can meet the mark.
        bool utf16_damaged = false;
        LineReader lines(info.offset == 0 ? decoding_utf16(std::move(raw), &utf16_damaged)
                                          : std::move(raw));
        stats = read_jsonl(lines, options.max_file_size, info, sink, diagnostics);
        if (utf16_damaged)
            report(Diagnostic::Severity::warning, 0, kUtf16Damaged);
        if (!read_error.empty()) {
            report(Diagnostic::Severity::error, 0, read_error);
            ++stats.failed;
        }
        return stats;
    }
    if (!bytes)
        return fail(0, too_large);
    if (is_document(format)) {
        if (options.documents == nullptr)
            return fail(0, "PDF, EPUB, DOCX and ODT files are read by the indexer only");
        Article article;
        std::size_t dropped_tags = 0;
        t_values_dropped = 0;
        try {
            article = options.documents(format, *bytes, info, options.max_file_size, &dropped_tags);
        } catch (const InputError& e) {
            return fail(e.line(), e.reason());
        } catch (const std::exception& e) {
            return fail(0, e.what());
        }
        bytes.reset();
        if (is_blank(article.body)) {
            report(Diagnostic::Severity::warning, 0,
                   format == Format::pdf ? "no text layer (an image-only PDF?), skipped"
                                         : "no text, skipped");
            return stats;
        }
        return finish(article, dropped_tags, {});
    }
    // UTF-16 with its byte-order mark (Windows' "Unicode" text): decoded, not taken as binary.
    bool utf16_damaged = false;
    if (std::optional<std::string> decoded = decode_utf16(*bytes, &utf16_damaged)) {
        bytes = std::move(decoded);
        if (utf16_damaged) {
            report(Diagnostic::Severity::warning, 0, kUtf16Damaged);
        }
    } else if (bool little = false; looks_binary(*bytes)) {
        // Without the mark, NUL bytes between Latin letters are UTF-16's, not a binary file's.
        if (std::optional<std::string> unmarked = decode_unmarked_utf16(*bytes, &little)) {
            bytes = std::move(unmarked);
            report(Diagnostic::Severity::warning, 0,
                   std::string("UTF-16 without a byte-order mark, decoded as ") +
                       (little ? "little" : "big") + "-endian");
        }
    }
    if (looks_binary(*bytes)) {
        report(Diagnostic::Severity::warning, 0, "binary file (contains NUL bytes), skipped");
        return stats;
    }
    bool transcoded = false;
    std::string text = to_utf8(*bytes, &transcoded);
    // A page that is not UTF-8 is read in the character set it declares (windows-1251,
    // shift_jis...), where there is one other than Windows-1252's family.
    std::string charset;
    bool damaged = false;
    if (format == Format::html && transcoded) {
        charset = declared_charset(*bytes);
        if (std::optional<std::string> decoded = decode_charset(*bytes, charset, &damaged)) {
            text = std::move(*decoded);
            transcoded = false;
        }
    }
    bytes.reset();
    if (is_blank(text)) {
        report(Diagnostic::Severity::warning, 0, "empty file, skipped");
        return stats;
    }
    // Not for a page that declares the Windows-1252 family: it was read as it says it is.
    if (transcoded && !windows_1252_label(charset))
        report(Diagnostic::Severity::warning, 0, "not valid UTF-8, decoded as Windows-1252");
    if (damaged) {
        report(Diagnostic::Severity::warning, 0,
               "not valid " + charset + " (the charset it declares): bytes replaced by U+FFFD");
    }
    Article article;
    std::size_t dropped_tags = 0;
    std::vector<Diagnostic> notes;
    t_values_dropped = 0;
    try {
        article = format == Format::html   ? parse_html(text, info, &dropped_tags)
                  : format == Format::text ? parse_text_noting(text, info, notes)
                                           : parse(format, text, info);
    } catch (const InputError& e) {
        return fail(e.line(), e.reason());
    } catch (const std::exception& e) {
        return fail(0, e.what());
    }
    return finish(article, dropped_tags, std::move(notes));
}

}  // namespace folio
