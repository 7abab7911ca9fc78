// folio/readers.hpp: turning input files into Articles. Owns file-format detection, encoding
// repair (UTF-8, else Windows-1252), binary and size checks, and one parser per format.
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

namespace folio {

/// A problem found while reading input: reported to the user, never fatal for other files.
struct Diagnostic {
    enum class Severity { warning, error };
    Severity severity = Severity::error;
    std::string path;
    std::size_t line = 0;  ///< 1-based, 0 when not tied to a line
    std::string message;

    /// "PATH[:LINE]: MESSAGE"
    std::string to_string() const;
};

using ArticleSink = std::function<void(Article&&)>;
using DiagnosticSink = std::function<void(Diagnostic&&)>;

enum class Format { text, markdown, html, jsonl, unknown };

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

struct ReadOptions {
    std::uint64_t max_file_size = 100ull << 20;  ///< larger files are skipped (0: no limit)
};

/// What reading one file produced.
struct ReadStats {
    std::size_t articles = 0;  ///< articles passed to the sink
    std::size_t failed = 0;    ///< articles (records, or the whole file) that could not be read
};

/// Makes text valid UTF-8: strips a UTF-8 BOM, keeps valid UTF-8 as it is, and otherwise
/// decodes the bytes as Windows-1252 (Latin-1 where 1252 has holes). Line ends become "\n".
/// Sets *transcoded when the bytes were not valid UTF-8.
std::string to_utf8(std::string_view bytes, bool* transcoded = nullptr);

/// Text that starts with a UTF-16 byte-order mark (FF FE little-endian, FE FF big-endian) as
/// UTF-8, line ends made "\n"; std::nullopt for any other bytes. Unpaired surrogates and an odd
/// last byte become U+FFFD and set *damaged.
std::optional<std::string> decode_utf16(std::string_view bytes, bool* damaged = nullptr);

/// The byte order that a UTF-16 byte-order mark at the start of `bytes` announces: true for
/// little-endian (FF FE), false for big-endian (FE FF), std::nullopt when there is none.
std::optional<bool> utf16_little_endian(std::string_view bytes);

/// Decodes UTF-16 without its byte-order mark into UTF-8 a piece at a time, for input that is
/// streamed (JSON Lines): a code unit or surrogate pair split between pieces is carried over.
/// Unpaired surrogates and an odd last byte become U+FFFD and set damaged(); line ends are kept.
class Utf16Decoder {
  public:
    explicit Utf16Decoder(bool little_endian) : little_(little_endian) {}
    /// Appends the UTF-8 of `bytes` to `out`.
    void decode(std::string_view bytes, std::string& out);
    /// Ends the input: appends U+FFFD for a unit or pair left incomplete.
    void finish(std::string& out);
    [[nodiscard]] bool damaged() const { return damaged_; }

  private:
    bool little_;
    bool have_byte_ = false;
    unsigned char byte_ = 0;
    std::uint32_t high_ = 0;  // a high surrogate waiting for its low half
    bool damaged_ = false;
};

/// True when the bytes contain a NUL byte (taken as a binary file).
bool looks_binary(std::string_view bytes);

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
/// html lang attribute, visible text only (no script/style/noscript/template), entities decoded,
/// block elements separated by blank lines. Tags nested deeper than kMaxHtmlDepth are ignored
/// (their text is kept; the number ignored goes to *dropped_tags), which keeps parse time linear.
Article parse_html(std::string_view text, const FileInfo& info,
                   std::size_t* dropped_tags = nullptr);

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

/// Reads one file (or standard input for path "-") in the format its name says, with the
/// encoding, binary and size checks; every article goes to `sink`, every problem to
/// `diagnostics`. Never throws for a bad file: the failure is counted and reported (exceptions
/// thrown by `sink` pass through). Standard input has no size to check before reading: its
/// JSONL lines are each held to max_file_size instead. Articles read from "-" get path "".
ReadStats read_file(const FileInfo& info, const ReadOptions& options, const ArticleSink& sink,
                    const DiagnosticSink& diagnostics);

/// Normalises a date written in any common form (ISO 8601 with or without time, "YYYY",
/// "YYYY-MM", ISO 8601's basic "YYYYMMDD" (and "20220218T101500Z"), "February 18, 2022",
/// "Feb. 18, 2022", "18 February 2022", "2/18/2022", RFC 2822 "Fri, 18 Feb 2022 ...") to
/// "YYYY-MM-DD"; std::nullopt when it is not a date.
std::optional<std::string> normalize_date(std::string_view text);

}  // namespace folio
