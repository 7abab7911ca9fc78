// SPDX-License-Identifier: GPL-2.0-or-later
// read/readers.hpp: turning input files into Articles. Owns file-format detection, binary and
// size checks, and one parser per format; the bytes are made UTF-8 by text/encoding.hpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "folio/article.hpp"
#include "folio/diagnostic.hpp"
#include "folio/indexing.hpp"
#include "text/dates.hpp"
#include "text/encoding.hpp"

namespace folio {

using ArticleSink = std::function<void(Article&&)>;
using DiagnosticSink = std::function<void(Diagnostic&&)>;

enum class Format { text, markdown, html, jsonl, pdf, epub, docx, odt, unknown };

/// Whether files of the format are binary documents (PDF, EPUB, DOCX, ODT), read from their
/// bytes by their own reader rather than as text.
bool is_document(Format format);

/// What a file of mode `st_mode` (stat(2)) is when it is not a regular file or directory, for
/// messages: "a named pipe", "a character device", "a block device", "a socket", "a special file".
const char* special_kind(unsigned st_mode) noexcept;

/// The format a file's name says it has (by extension, case-insensitive); "-" is jsonl.
Format format_for_path(const std::filesystem::path& path);

/// What the caller knows about an input file before it is read.
struct FileInfo {
    std::string path;    ///< as shown in messages, and stored as Article::path
    std::string id;      ///< the stable id of a single-article file (ignored for jsonl)
    std::string source;  ///< default Article::source
    std::optional<std::int64_t> mtime;  ///< seconds since the epoch, resolves relative dates
    /// A slice of a JSON Lines file, so that one large file can be read by several threads:
    /// `length` bytes (0: to the end) from byte `offset`, which starts line `first_line`.
    /// Slices must start and end at line boundaries.
    std::uint64_t offset = 0;
    std::uint64_t length = 0;
    std::size_t first_line = 1;
};

/// Reads a document format (PDF, EPUB, DOCX, ODT) from a file's bytes: read_document.
using DocumentReader = Article (*)(Format format, std::string_view bytes, const FileInfo& info,
                                   std::uint64_t max_expanded, std::size_t* dropped_tags);

struct ReadOptions {
    std::uint64_t max_file_size = kDefaultMaxFileSize;  ///< larger files are skipped (0: no limit)
    /// The document formats' reader (&read_document); nullptr: those files are refused with an
    /// error. A pointer rather than a call, so that a program that reads no documents (the
    /// searcher's --like-file) neither links poppler, libzip and libxml2 nor loads them at
    /// every start.
    DocumentReader documents = nullptr;
};

/// What reading one file produced.
struct ReadStats {
    std::size_t articles = 0;  ///< articles passed to the sink
    std::size_t failed = 0;    ///< articles (records, or the whole file) that could not be read
};

// One parser per format. Each takes valid UTF-8 text (see to_utf8) and throws InputError
// (path and, where it applies, line) on input it cannot use. An article's language is the
// canonical name of its tag (language_of_tag: "fr-CA" is "french"); parse_markdown and
// parse_html keep a tag Folio does not know as written, and read_file drops it with one warning
// per tag in a run (the article is indexed in the database's language).

/// .txt: first non-empty line is the title; a date line just below it ("February 18, 2022",
/// "2022-02-18", or relative: "1 year ago", resolved against info.mtime) becomes the date;
/// a trailing "Read Entire Article" link line is dropped; the rest is the body.
/// The date line must be a date as a whole (optionally after "Published", "Updated" or
/// "Posted" and a colon); it leaves the body even when, without mtime, it cannot be resolved.
/// Throws InputError when the text has no non-blank line.
/// A first line longer than 200 bytes (a whole text on one line) is cut to a title: at the
/// first sentence end within 200 bytes (the rest of the line starts the body), else at the last
/// word boundary within 150 bytes, with "…" (the whole line stays in the body).
Article parse_text(std::string_view text, const FileInfo& info);

/// parse_text, adding to `notes` the warnings it has for the file: a relative date line, with
/// what it was resolved against (the file's modification time) or that it could not be.
Article parse_text_noting(std::string_view text, const FileInfo& info,
                          std::vector<Diagnostic>& notes);

/// .md: optional YAML front matter (title, date, author/authors, tags, url, lang/language,
/// source, id, description); else the first heading is the title. Markdown markup is reduced
/// to its text (headings, emphasis, links, code fences). Without a front matter title the first
/// heading is the title and leaves the body; with no heading, the first line is the title and
/// stays in the body. An unreadable front matter date is left out. Throws InputError (with the
/// file's line) for bad YAML, a field of the wrong type, or a front matter never closed.
Article parse_markdown(std::string_view text, const FileInfo& info);

/// HTML elements nested deeper than this are flattened before parsing (see parse_html).
inline constexpr std::size_t kMaxHtmlDepth = 256;

/// .html/.htm: <title> (else the first <h1>), meta author/date/description/keywords, the
/// html lang attribute, visible text only (no script/style/noscript/template, no element marked
/// hidden), entities decoded, block elements separated by blank lines. Tags nested deeper than
/// kMaxHtmlDepth are ignored (their text is kept; the number ignored goes to *dropped_tags), which
/// keeps parse time linear.
Article parse_html(std::string_view text, const FileInfo& info,
                   std::size_t* dropped_tags = nullptr);

/// The character set an HTML page declares, lower-cased, from its first 16 KB: <meta charset>,
/// <meta http-equiv="Content-Type" content="...; charset=..."> or <?xml ... encoding="..."?>;
/// "" when it declares none.
std::string declared_charset(std::string_view html);

/// Copies `html` to `out` without the start and end tags of elements nested deeper than
/// `max_depth` (each becomes a space; text, comments and raw text are kept). Counts nesting by
/// tags, as written: void elements and those with optional end tags (p, li, td...) do not
/// nest. Returns the number of tags taken out; when 0, `out` is left empty.
std::size_t flatten_html_nesting(std::string_view html, std::size_t max_depth, std::string& out);

/// .jsonl/.ndjson: one JSON object per line with fields id, title, body (or text/content),
/// date, author/authors, tags, url, language/lang, source, description. A bad line is reported
/// through `diagnostics` as "path:line: reason" and skipped; blank lines are ignored. A record
/// without an id gets "<info.id>#<content hash>" so re-reading gives the same id (the hash is
/// XXH3-64 of the line's bytes without BOM and line end; an integer id is taken as its decimal
/// text). NUL bytes in the first record mean a binary file: one warning, nothing read.
ReadStats parse_jsonl(std::istream& in, const FileInfo& info, const ArticleSink& sink,
                      const DiagnosticSink& diagnostics);

// The document readers take the file's bytes, check that they are what the extension says
// (PDF: "%PDF-" within the first 1 KB; EPUB, DOCX, ODT: a zip archive, "PK\3\4", whose mimetype
// entry or main part is the format's) and throw InputError naming the file with a reason on
// anything they cannot read: another type of file, a broken or truncated file, an encrypted
// PDF, limits passed (container.hpp: kMaxPdfPages, kMaxZipEntries, kMaxXmlDepth; the zip
// entries they read expand to at most `max_expanded` bytes, counted while inflating; 0 is
// kMaxExpandedBytes). XML is parsed without network access, DTD loading or entity expansion.
// A document with no text comes back with an empty body (read_file warns and skips it). Without
// a title in its metadata, the first line of the text is the title, cut as parse_text cuts it.

/// Whether `bytes` has the "%PDF-" signature in its first 1 KB.
bool has_pdf_signature(std::string_view bytes);

/// .pdf (poppler): each page's text in reading order, pages separated by "\n\f\n" (a form
/// feed: passages tell their page by them); title, author (split at ';'), subject (the
/// description), keywords (tags, split at ',' or ';') and creation date from the document
/// information.
Article parse_pdf(std::string_view bytes, const FileInfo& info);

/// .docx: the paragraphs of word/document.xml (deleted text and field codes left out); title,
/// creator, created date, description (else subject), keywords, language from docProps/core.xml.
Article parse_docx(std::string_view bytes, const FileInfo& info, std::uint64_t max_expanded);

/// .odt: the paragraphs and headings of content.xml (annotations left out); title, initial
/// creator (else creator), creation date (else date), description (else subject), keywords,
/// language from meta.xml.
Article parse_odt(std::string_view bytes, const FileInfo& info, std::uint64_t max_expanded);

/// .epub: ONE article per file: the spine's chapters in order, each read by parse_html
/// (dropped tags added to *dropped_tags), separated by blank lines; title (else the first
/// chapter's), creators, date, language, description and subjects (tags) from the OPF metadata.
Article parse_epub(std::string_view bytes, const FileInfo& info, std::uint64_t max_expanded,
                   std::size_t* dropped_tags = nullptr);

/// The reader of `format` (parse_pdf, parse_epub, parse_docx, parse_odt) on the file's bytes;
/// throws InputError, for another format too.
Article read_document(Format format, std::string_view bytes, const FileInfo& info,
                      std::uint64_t max_expanded, std::size_t* dropped_tags);

/// The line of the JSON Lines record whose article the reading thread is giving its sink, for
/// the messages about the article; 0 while it gives a file's one article.
extern thread_local std::size_t t_sink_line;

/// Reads one file (or standard input for path "-") in the format its name says, with the
/// encoding, binary and size checks; every article goes to `sink`, every problem to
/// `diagnostics`. Never throws for a bad file: the failure is counted and reported (exceptions
/// thrown by `sink` pass through). JSON Lines, from a file or standard input, are not held to
/// max_file_size as a whole but line by line. Articles read from "-" get path "".
ReadStats read_file(const FileInfo& info, const ReadOptions& options, const ArticleSink& sink,
                    const DiagnosticSink& diagnostics);

}  // namespace folio
