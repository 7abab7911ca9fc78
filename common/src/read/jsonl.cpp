// SPDX-License-Identifier: GPL-2.0-or-later
// The JSON Lines reader: one article per record (nlohmann/json), streamed line by line; a bad
// record is reported and skipped.

#include <xxhash.h>

#include <istream>
#include <nlohmann/json.hpp>
#include <string>

#include "read/input.hpp"
#include "read/parse_util.hpp"
#include "text/utf8.hpp"

namespace folio {

using namespace detail;

thread_local std::size_t t_sink_line = 0;

namespace {

// JSONL

// A record that cannot be used: reported, counted, skipped.
struct BadRecord {
    std::string reason;
};

std::string kind_of(const nlohmann::json& value) {
    switch (value.type()) {
        case nlohmann::json::value_t::object:
            return "an object";
        case nlohmann::json::value_t::array:
            return "an array";
        case nlohmann::json::value_t::string:
            return "a string";
        case nlohmann::json::value_t::boolean:
            return "a boolean";
        case nlohmann::json::value_t::null:
            return "null";
        default:
            return "a number";
    }
}

const nlohmann::json* field(const nlohmann::json& record, const char* key) {
    const auto it = record.find(key);
    return it == record.end() || it->is_null() ? nullptr : &*it;
}

std::optional<std::string> string_field(const nlohmann::json& record, const char* key) {
    const nlohmann::json* value = field(record, key);
    if (value == nullptr)
        return std::nullopt;
    if (!value->is_string()) {
        throw BadRecord{"field '" + std::string(key) + "' must be a string, not " +
                        kind_of(*value)};
    }
    return value->get<std::string>();
}

// A string or an array of strings; a string is split at commas when `comma_separated`.
void list_field(const nlohmann::json& record, const char* key, bool comma_separated,
                std::vector<std::string>& out) {
    const nlohmann::json* value = field(record, key);
    if (value == nullptr)
        return;
    DistinctList list(out);
    if (value->is_string()) {
        if (comma_separated) {
            list.add_comma_separated(value->get_ref<const std::string&>());
        } else {
            list.add(value->get_ref<const std::string&>());
        }
        return;
    }
    if (!value->is_array()) {
        throw BadRecord{"field '" + std::string(key) +
                        "' must be a string or an array of strings, not " + kind_of(*value)};
    }
    for (std::size_t i = 0; i < value->size(); ++i) {
        const nlohmann::json& item = (*value)[i];
        if (item.is_null())
            continue;
        if (!item.is_string()) {
            throw BadRecord{"field '" + std::string(key) + "' must be an array of strings, item " +
                            std::to_string(i + 1) + " is " + kind_of(item)};
        }
        list.add(item.get_ref<const std::string&>());
    }
}

// nlohmann's message without its "[json.exception...]" tag and, for a syntax error, without the
// position it repeats; a parse error names its byte, an out-of-range number (1e999) has none.
std::string json_error_reason(const nlohmann::json::exception& e, std::size_t byte) {
    std::string_view what = e.what();
    const std::size_t tag = what.find("] ");
    if (tag != std::string_view::npos)
        what.remove_prefix(tag + 2);
    const std::size_t column = what.find("column ");
    if (column != std::string_view::npos) {
        const std::size_t colon = what.find(": ", column);
        if (colon != std::string_view::npos)
            what.remove_prefix(colon + 2);
    }
    constexpr std::size_t kMaxReason = 200;
    std::string reason(what.substr(0, kMaxReason));
    if (what.size() > kMaxReason)
        reason += "...";
    if (byte == 0)
        return "invalid JSON: " + reason;
    return "invalid JSON at column " + std::to_string(byte) + ": " + reason;
}

class JsonlReader {
  public:
    JsonlReader(const FileInfo& info, const ArticleSink& sink, const DiagnosticSink& diagnostics)
        : info_(info), sink_(sink), diagnostics_(diagnostics) {}

    // `line_limit`: longer lines are errors (0: no limit).
    ReadStats run(LineReader& lines, std::uint64_t line_limit) {
        std::string line;
        bool too_long = false;
        // A slice of a file (FileInfo::offset) counts lines from where it starts, and only the
        // start of the whole file can be a BOM or tell a binary file.
        std::size_t number = info_.first_line - 1;
        bool seen_record = info_.offset != 0;
        while (lines.next(line, line_limit, &too_long)) {
            ++number;
            if (too_long) {
                fail(number, "line is longer than the --max-file-size limit (" +
                                 std::to_string(line_limit) + " bytes)");
                seen_record = true;
                continue;
            }
            std::string_view raw = line;
            if (number == 1 && info_.offset == 0)
                raw = strip_bom(raw);
            if (!raw.empty() && raw.back() == '\r')
                raw.remove_suffix(1);
            if (is_blank(raw))
                continue;
            if (looks_binary(raw)) {
                if (!seen_record) {
                    report(Diagnostic::Severity::warning, 0,
                           "binary file (contains NUL bytes), skipped");
                    return stats_;
                }
                fail(number, "line contains NUL bytes");
                continue;
            }
            seen_record = true;
            record(raw, number);
        }
        return stats_;
    }

  private:
    void record(std::string_view raw, std::size_t number) {
        bool transcoded = false;
        const std::string text = to_utf8(raw, &transcoded);
        if (transcoded) {
            report(Diagnostic::Severity::warning, number,
                   "not valid UTF-8, decoded as Windows-1252");
        }
        nlohmann::json json;
        try {
            json = nlohmann::json::parse(text);
        } catch (const nlohmann::json::parse_error& e) {
            fail(number, json_error_reason(e, e.byte));
            return;
        } catch (const nlohmann::json::exception& e) {
            fail(number, json_error_reason(e, 0));
            return;
        }
        if (!json.is_object()) {
            fail(number, "line is not a JSON object but " + kind_of(json));
            return;
        }
        Article article;
        t_values_dropped = 0;
        try {
            article = to_article(json, raw, number);
        } catch (const BadRecord& bad) {
            fail(number, bad.reason);
            return;
        }
        if (std::string dropped = dropped_values_warning(); !dropped.empty())
            report(Diagnostic::Severity::warning, number, std::move(dropped));
        check_script(article, [&](std::string message) {
            report(Diagnostic::Severity::warning, number, std::move(message));
        });
        ++stats_.articles;
        struct AtLine {  // t_sink_line back to 0, whatever the sink throws
            explicit AtLine(std::size_t line) { t_sink_line = line; }
            ~AtLine() { t_sink_line = 0; }
            AtLine(const AtLine&) = delete;
            AtLine& operator=(const AtLine&) = delete;
        } at_line(number);
        sink_(std::move(article));
    }

    Article to_article(const nlohmann::json& json, std::string_view raw, std::size_t number) {
        Article a = new_article(info_);
        if (const nlohmann::json* id = field(json, "id")) {
            if (id->is_string()) {
                a.id = trim(id->get_ref<const std::string&>());
                if (a.id.empty())
                    throw BadRecord{"field 'id' is empty"};
                if (a.id.find('\0') != std::string::npos)
                    throw BadRecord{
                        "field 'id' contains a NUL byte (no command line could name "
                        "the article, as --like does)"};
            } else if (id->is_number_integer()) {
                a.id = id->dump();
            } else {
                throw BadRecord{"field 'id' must be a string or an integer, not " + kind_of(*id)};
            }
        } else {
            a.id = info_.id + "#" + hex64(XXH3_64bits(raw.data(), raw.size()));
        }
        const auto title = string_field(json, "title");
        std::optional<std::string> body;
        for (const char* key : {"body", "text", "content"}) {
            if ((body = string_field(json, key)))
                break;
        }
        if (!title && !body) {
            throw BadRecord{"record has no 'title' and no 'body' (nor 'text' or 'content')"};
        }
        a.title = collapse_spaces(title.value_or(""));
        a.body = body ? to_utf8(*body) : "";
        list_field(json, "author", false, a.authors);
        list_field(json, "authors", false, a.authors);
        list_field(json, "tags", true, a.tags);
        if (auto url = string_field(json, "url"))
            a.url = trim(*url);
        if (auto description = string_field(json, "description"))
            a.description = *description;
        if (auto source = string_field(json, "source"); source && !is_blank(*source)) {
            a.source = *source;
        }
        auto language = string_field(json, "language");
        if (!language)
            language = string_field(json, "lang");
        if (language && !is_blank(*language)) {
            a.language = language_or_tag(*language);
            check_language(a, [&](std::string message) {
                report(Diagnostic::Severity::warning, number, std::move(message));
            });
        }
        std::optional<std::string> date;
        if (const nlohmann::json* value = field(json, "date");
            value != nullptr && value->is_number()) {
            // 19870226, ISO 8601's basic format as a JSON number (or a year, 1987).
            if (!value->is_number_integer())
                throw BadRecord{"field 'date' must be a string or an integer, not a number"};
            date = value->dump();
        } else {
            date = string_field(json, "date");
        }
        if (date && !is_blank(*date)) {
            if (auto normal = normalize_date(*date)) {
                a.date = *normal;
            } else {
                report(Diagnostic::Severity::warning, number,
                       "field 'date' is not a date: \"" + *date + "\" (indexed without a date)");
            }
        }
        return a;
    }

    void report(Diagnostic::Severity severity, std::size_t line, std::string message) {
        diagnostics_(Diagnostic{severity, info_.path, line, std::move(message)});
    }

    void fail(std::size_t line, std::string reason) {
        ++stats_.failed;
        report(Diagnostic::Severity::error, line, std::move(reason));
    }

    const FileInfo& info_;
    const ArticleSink& sink_;
    const DiagnosticSink& diagnostics_;
    ReadStats stats_;
};

}  // namespace

ReadStats read_jsonl(LineReader& lines, std::uint64_t line_limit, const FileInfo& info,
                     const ArticleSink& sink, const DiagnosticSink& diagnostics) {
    return JsonlReader(info, sink, diagnostics).run(lines, line_limit);
}

ReadStats parse_jsonl(std::istream& in, const FileInfo& info, const ArticleSink& sink,
                      const DiagnosticSink& diagnostics) {
    ChunkReader raw = [&in](char* buffer, std::size_t n) {
        in.read(buffer, static_cast<std::streamsize>(n));
        return static_cast<std::size_t>(in.gcount());
    };
    bool utf16_damaged = false;
    LineReader lines(info.offset == 0 ? decoding_utf16(std::move(raw), &utf16_damaged)
                                      : std::move(raw));
    ReadStats stats = JsonlReader(info, sink, diagnostics).run(lines, 0);
    if (utf16_damaged)
        diagnostics(Diagnostic{Diagnostic::Severity::warning, info.path, 0, kUtf16Damaged});
    return stats;
}

}  // namespace folio
