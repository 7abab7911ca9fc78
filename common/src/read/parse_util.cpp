// SPDX-License-Identifier: GPL-2.0-or-later
// Helpers the format readers share.

#include "read/parse_util.hpp"

#include <mutex>
#include <set>
#include <string>
#include <unordered_set>

#include "analysis/stemmer.hpp"

namespace folio {

using namespace detail;

std::string Diagnostic::to_string() const {
    std::string out = path;
    if (line != 0)
        out += ":" + std::to_string(line);
    return out + ": " + message;
}

Format format_for_path(const std::filesystem::path& path) {
    if (path == "-")
        return Format::jsonl;
    const std::string ext = detail::lower(path.extension().string());
    if (ext == ".txt" || ext == ".text")
        return Format::text;
    if (ext == ".md" || ext == ".markdown" || ext == ".mdown" || ext == ".mkd") {
        return Format::markdown;
    }
    if (ext == ".html" || ext == ".htm" || ext == ".xhtml")
        return Format::html;
    if (ext == ".jsonl" || ext == ".ndjson")
        return Format::jsonl;
    if (ext == ".pdf")
        return Format::pdf;
    if (ext == ".epub")
        return Format::epub;
    if (ext == ".docx")
        return Format::docx;
    if (ext == ".odt")
        return Format::odt;
    return Format::unknown;
}

bool is_document(Format format) {
    return format == Format::pdf || format == Format::epub || format == Format::docx ||
           format == Format::odt;
}

namespace detail {

thread_local std::size_t t_values_dropped = 0;

// The lines of `text`, without their "\n" or "\r\n".
std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    while (!text.empty()) {
        const std::size_t nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        lines.push_back(line);
        if (nl == std::string_view::npos)
            break;
        text.remove_prefix(nl + 1);
    }
    return lines;
}

// Lines joined into a body: trailing spaces dropped, runs of blank lines become one blank line
// (a paragraph break), no blank lines at either end.
std::string join_body(const std::vector<std::string>& lines) {
    std::string body;
    bool pending_break = false;
    for (const std::string& raw : lines) {
        const std::string_view line = trim_right(raw);
        if (line.empty()) {
            pending_break = !body.empty();
            continue;
        }
        if (!body.empty())
            body += pending_break ? "\n\n" : "\n";
        pending_break = false;
        body += line;
    }
    return body;
}

// Whitespace runs (including no-break spaces) become one space; the ends are trimmed.
std::string collapse_spaces(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    bool space = false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (is_space(s[i]) || (s[i] == '\xC2' && i + 1 < s.size() && s[i + 1] == '\xA0')) {
            if (s[i] == '\xC2')
                ++i;
            space = !out.empty();
            continue;
        }
        if (space)
            out += ' ';
        space = false;
        out += s[i];
    }
    return out;
}

// The warning for the values an article's lists left out, or "" when none were.
std::string dropped_values_warning() {
    if (t_values_dropped == 0)
        return "";
    return std::to_string(t_values_dropped) + " author or tag values past the first " +
           std::to_string(kMaxListValues) + " of a list ignored";
}

// The canonical language of a name or a BCP 47 tag ("en-US", "zh-Hant"); a tag Folio does not
// know is kept as written (trimmed), for read_file to warn about once and drop.
std::string language_or_tag(std::string_view tag) {
    tag = trim(tag);
    std::string language = language_of_tag(tag);
    return language.empty() ? std::string(tag) : language;
}

// Drops an unknown language tag from `article` (it is indexed in the database's language),
// with one warning per tag in a run (first_sight_of_unknown_tag), not one per file.
void check_language(Article& article, const std::function<void(std::string)>& warn) {
    if (article.language.empty() || !language_of_tag(article.language).empty())
        return;
    if (first_sight_of_unknown_tag(article.language)) {
        warn("unknown language '" + article.language +
             "', indexed in the database's language (warned once per tag)");
    }
    article.language.clear();
}

std::string_view unsegmented_script(std::string_view text) {
    // In UTF-8: Thai U+0E00-U+0E7F and Lao U+0E80-U+0EFF are E0 B8-BB xx, Burmese
    // U+1000-U+109F E1 80-82 xx, Khmer U+1780-U+17FF E1 9E-9F xx. One pass over the bytes: text
    // in other scripts of those lead bytes (Devanagari is E0 A4-A5) is read once, not searched
    // again from each of its characters.
    for (std::size_t i = 0; i + 2 < text.size(); ++i) {
        const auto lead = static_cast<unsigned char>(text[i]);
        if (lead != 0xE0 && lead != 0xE1)
            continue;
        const auto second = static_cast<unsigned char>(text[i + 1]);
        if (lead == 0xE0 && second >= 0xB8 && second <= 0xB9)
            return "Thai";
        if (lead == 0xE0 && second >= 0xBA && second <= 0xBB)
            return "Lao";
        if (lead == 0xE1 && second >= 0x80 && second <= 0x82)
            return "Burmese";
        if (lead == 0xE1 && second >= 0x9E && second <= 0x9F)
            return "Khmer";
    }
    return {};
}

void check_script(const Article& article, const std::function<void(std::string)>& warn) {
    std::string_view script = unsegmented_script(article.title);
    if (script.empty())
        script = unsegmented_script(article.body);
    if (script.empty())
        return;
    static std::mutex mutex;
    static std::set<std::string_view> warned;  // of the few scripts above, so bounded
    {
        std::lock_guard<std::mutex> lock(mutex);
        if (!warned.insert(script).second)
            return;
    }
    warn(std::string(script) +
         " text: its words are written without spaces, which Folio does not split yet; a word "
         "inside a run between spaces is not found (warned once per script)");
}

Article new_article(const FileInfo& info) {
    Article article;
    article.id = info.id;
    article.source = info.source;
    article.path = info.path == "-" ? "" : info.path;
    return article;
}

}  // namespace detail

}  // namespace folio
