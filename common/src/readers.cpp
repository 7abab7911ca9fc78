#include "folio/readers.hpp"

#include <fcntl.h>
#include <gumbo.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <unordered_set>
#include <utility>

#include "folio/error.hpp"
#include "folio/stemmer.hpp"
#include "text_util.hpp"

namespace folio {

using detail::iequals;
using detail::is_blank;
using detail::is_space;
using detail::trim;
using detail::trim_right;

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
    return Format::unknown;
}

namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// ---------------------------------------------------------------------------------------------
// Helpers shared by the parsers

std::string_view strip_bom(std::string_view text) {
    if (text.substr(0, kUtf8Bom.size()) == kUtf8Bom)
        text.remove_prefix(kUtf8Bom.size());
    return text;
}

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

// The authors or tags past this many in one article are ignored, with a warning: an article
// with 100,000 tags is an attack or a mistake, and each tag is a term, a value and a facet count.
constexpr std::size_t kMaxListValues = 1000;

// The values the lists of the article being read left out (over kMaxListValues): reset before
// an article is parsed, reported after. One parse runs on one thread.
thread_local std::size_t t_values_dropped = 0;

// A list of distinct values (authors, tags) in the order first seen: trimmed, spaces collapsed,
// empty values and repeats left out, in time linear in the values offered (a hash set beside
// the list), at most kMaxListValues.
class DistinctList {
  public:
    explicit DistinctList(std::vector<std::string>& list)
        : list_(list), seen_(list.begin(), list.end()) {}
    DistinctList(const DistinctList&) = delete;
    DistinctList& operator=(const DistinctList&) = delete;

    void add(std::string_view value) {
        if (list_.size() >= kMaxListValues) {
            if (!trim(value).empty())
                ++t_values_dropped;
            return;
        }
        std::string v = collapse_spaces(value);
        if (!v.empty() && seen_.insert(v).second)
            list_.push_back(std::move(v));
    }

    void add_comma_separated(std::string_view csv) {
        while (!csv.empty()) {
            const std::size_t comma = csv.find(',');
            add(csv.substr(0, comma));
            if (comma == std::string_view::npos)
                break;
            csv.remove_prefix(comma + 1);
        }
    }

  private:
    std::vector<std::string>& list_;
    std::unordered_set<std::string> seen_;
};

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

Article new_article(const FileInfo& info) {
    Article article;
    article.id = info.id;
    article.source = info.source;
    article.path = info.path == "-" ? "" : info.path;
    return article;
}

void append_code_point(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

// ---------------------------------------------------------------------------------------------
// Relative dates ("3 days ago") against a file's modification time

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
    return a / b - (a % b < 0 ? 1 : 0);
}

// Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant's algorithm).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const std::int64_t era = floor_div(y, 400);
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct Civil {
    std::int64_t year;
    unsigned month;
    unsigned day;
};

Civil civil_from_days(std::int64_t z) {
    z += 719468;
    const std::int64_t era = floor_div(z, 146097);
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    return {static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2), m, d};
}

std::optional<std::string> format_civil(const Civil& c) {
    if (c.year < 1000 || c.year > 9999)
        return std::nullopt;
    char buf[40];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(c.year), c.month, c.day);
    return std::string(buf);
}

// `c` moved back by whole months, the day clamped to the end of the month (Mar 31 -> Feb 28).
Civil minus_months(Civil c, std::int64_t months) {
    std::int64_t index = c.year * 12 + (c.month - 1) - months;
    c.year = floor_div(index, 12);
    c.month = static_cast<unsigned>(index - c.year * 12) + 1;
    const std::int64_t first = days_from_civil(c.year, c.month, 1);
    const std::int64_t next = days_from_civil(c.year + (c.month == 12), c.month % 12 + 1, 1);
    c.day = std::min<unsigned>(c.day, static_cast<unsigned>(next - first));
    return c;
}

struct DateLine {
    bool is_date = false;   ///< the whole line is a date (absolute or relative)
    std::string date;       ///< "YYYY-MM-DD", or "" when it could not be resolved
    bool relative = false;  ///< "3 days ago": resolved against `against`
    std::string against;    ///< the day the relative date counts back from, "YYYY-MM-DD"
};

// "N unit(s) ago", "a year ago", "yesterday", "today": resolved against mtime when given.
std::optional<DateLine> relative_date(std::string_view text, std::optional<std::int64_t> mtime) {
    const std::string line = collapse_spaces(detail::lower(text));
    std::int64_t count = 0;
    std::string unit;
    if (line == "today" || line == "just now") {
        unit = "day";
    } else if (line == "yesterday") {
        count = 1;
        unit = "day";
    } else {
        const std::size_t sp1 = line.find(' ');
        const std::size_t sp2 = sp1 == std::string::npos ? sp1 : line.find(' ', sp1 + 1);
        if (sp2 == std::string::npos || line.substr(sp2 + 1) != "ago")
            return std::nullopt;
        const std::string n = line.substr(0, sp1);
        unit = line.substr(sp1 + 1, sp2 - sp1 - 1);
        if (n == "a" || n == "an" || n == "one") {
            count = 1;
        } else if (!n.empty() && n.size() <= 6 &&
                   std::all_of(n.begin(), n.end(), detail::is_digit)) {
            count = std::stoll(n);
        } else {
            return std::nullopt;
        }
        if (unit.size() > 1 && unit.back() == 's')
            unit.pop_back();
    }
    std::int64_t seconds = 0;
    std::int64_t months = 0;
    if (unit == "second" || unit == "sec") {
        seconds = count;
    } else if (unit == "minute" || unit == "min") {
        seconds = count * 60;
    } else if (unit == "hour" || unit == "hr") {
        seconds = count * 3600;
    } else if (unit == "day") {
        seconds = count * 86400;
    } else if (unit == "week" || unit == "wk") {
        seconds = count * 7 * 86400;
    } else if (unit == "month") {
        months = count;
    } else if (unit == "year" || unit == "yr") {
        months = count * 12;
    } else {
        return std::nullopt;
    }
    DateLine result{true, "", true, ""};
    if (!mtime)
        return result;
    result.against = format_civil(civil_from_days(floor_div(*mtime, 86400))).value_or("?");
    const Civil now = civil_from_days(floor_div(*mtime - seconds, 86400));
    result.date = format_civil(minus_months(now, months)).value_or("");
    return result;
}

// The line just below a .txt title, when the whole line is a date: "1 year ago",
// "February 18, 2022", "Published: 2022-02-18", "Updated on Feb. 18, 2022".
DateLine date_line(std::string_view line, std::optional<std::int64_t> mtime) {
    line = trim(line);
    for (std::string_view prefix : {"published", "updated", "posted"}) {
        if (!detail::istarts_with(line, prefix))
            continue;
        std::string_view rest = line.substr(prefix.size());
        if (!rest.empty() && !is_space(rest.front()) && rest.front() != ':')
            break;
        rest = trim(rest);
        if (!rest.empty() && rest.front() == ':')
            rest = trim(rest.substr(1));
        if (detail::istarts_with(rest, "on "))
            rest = trim(rest.substr(3));
        line = rest;
        break;
    }
    if (line.empty())
        return {};
    if (auto relative = relative_date(line, mtime))
        return *relative;
    if (auto date = normalize_date(line))
        return {true, *date, false, ""};
    return {};
}

// A .txt file's first line cut to a title of reasonable length (a whole text on one line, as
// raw transcripts come): kept whole up to kMaxTitleBytes; else cut at the first sentence end
// within that length, the rest of the line going to the body; else cut at a word boundary,
// with an ellipsis, the whole line staying in the body (no words lost, phrases intact).
constexpr std::size_t kMaxTitleBytes = 200;
constexpr std::size_t kCutTitleBytes = 150;
constexpr std::size_t kMinSentenceBytes = 16;

struct TitleCut {
    std::string title;
    std::string rest;  ///< what goes to the body before the following lines
};

bool is_sentence_end(const std::string& line, std::size_t dot) {
    const char c = line[dot];
    if (c != '.' && c != '?' && c != '!')
        return false;
    std::size_t next = dot + 1;
    while (next < line.size() && (line[next] == '"' || line[next] == '\'' || line[next] == ')'))
        ++next;
    if (next >= line.size() || line[next] != ' ')
        return false;
    if (c != '.')
        return true;
    // Not an abbreviation or an initial: "Mr.", "St.", "J." (a word of under four letters
    // with a capital, before the full stop).
    std::size_t start = dot;
    while (start > 0 && detail::is_alpha(line[start - 1]))
        --start;
    const std::size_t letters = dot - start;
    return !(letters > 0 && letters < 4 && line[start] >= 'A' && line[start] <= 'Z');
}

TitleCut cut_title(std::string line) {
    if (line.size() <= kMaxTitleBytes)
        return {std::move(line), ""};
    for (std::size_t k = kMinSentenceBytes; k < kMaxTitleBytes; ++k) {
        if (is_sentence_end(line, k)) {
            std::size_t rest = k + 1;
            while (rest < line.size() && line[rest] != ' ')
                ++rest;
            std::string title = line.substr(0, rest);
            return {std::move(title), line.substr(rest + 1)};
        }
    }
    std::size_t space = line.rfind(' ', kCutTitleBytes);
    if (space == std::string::npos || space < kMinSentenceBytes) {
        // One very long word: cut at a character boundary.
        space = kCutTitleBytes;
        while (space > 0 && (static_cast<unsigned char>(line[space]) & 0xC0) == 0x80)
            --space;
    }
    std::string title = line.substr(0, space);
    while (!title.empty() && (title.back() == ',' || title.back() == ';' || title.back() == ':' ||
                              title.back() == ' '))
        title.pop_back();
    return {title + "…", std::move(line)};
}

// ---------------------------------------------------------------------------------------------
// Markdown

enum class BlockKind { blank, heading, paragraph, code };

struct Block {
    BlockKind kind;
    std::string text;
};

std::size_t leading_spaces(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size() && s[i] == ' ')
        ++i;
    return i;
}

// "```" or "~~~" (3 or more) after at most three spaces: returns the fence, else "".
std::string_view fence_of(std::string_view line) {
    const std::size_t indent = leading_spaces(line);
    if (indent > 3 || indent >= line.size())
        return {};
    const char c = line[indent];
    if (c != '`' && c != '~')
        return {};
    std::size_t end = indent;
    while (end < line.size() && line[end] == c)
        ++end;
    if (end - indent < 3)
        return {};
    return line.substr(indent, end - indent);
}

// The text of an ATX heading ("## Title ##"), or nullopt when the line is not one.
std::optional<std::string_view> atx_heading(std::string_view line) {
    const std::size_t indent = leading_spaces(line);
    if (indent > 3)
        return std::nullopt;
    std::size_t hashes = indent;
    while (hashes < line.size() && line[hashes] == '#')
        ++hashes;
    const std::size_t level = hashes - indent;
    if (level == 0 || level > 6)
        return std::nullopt;
    if (hashes < line.size() && line[hashes] != ' ' && line[hashes] != '\t')
        return std::nullopt;
    std::string_view text = trim(line.substr(hashes));
    // A closing sequence of '#' is dropped when it stands apart from the text.
    std::size_t end = text.size();
    while (end > 0 && text[end - 1] == '#')
        --end;
    if (end == 0 || (end < text.size() && is_space(text[end - 1])))
        text = trim(text.substr(0, end));
    return text;
}

// "===" or "---" alone on a line: a setext underline (or, after a blank line, a rule).
char underline_of(std::string_view line) {
    line = trim(line);
    if (line.empty() || (line.front() != '=' && line.front() != '-'))
        return 0;
    for (char c : line) {
        if (c != line.front())
            return 0;
    }
    return line.front();
}

bool is_thematic_break(std::string_view line) {
    line = trim(line);
    if (line.empty() || (line.front() != '*' && line.front() != '-' && line.front() != '_')) {
        return false;
    }
    std::size_t marks = 0;
    for (char c : line) {
        if (c == line.front()) {
            ++marks;
        } else if (c != ' ' && c != '\t') {
            return false;
        }
    }
    return marks >= 3;
}

// "[label]: https://..." (a link reference definition, not text).
bool is_link_definition(std::string_view line) {
    line = trim(line);
    if (line.size() < 4 || line.front() != '[')
        return false;
    const std::size_t close = line.find("]:");
    return close != std::string_view::npos && close > 1 && line.find('[', 1) > close;
}

std::string_view strip_blockquote(std::string_view line) {
    for (;;) {
        const std::size_t indent = leading_spaces(line);
        if (indent > 3 || indent >= line.size() || line[indent] != '>')
            return line;
        line.remove_prefix(indent + 1);
        if (!line.empty() && line.front() == ' ')
            line.remove_prefix(1);
    }
}

// Markdown lines (after the front matter) as blocks; fences dropped, their code kept.
std::vector<Block> markdown_blocks(const std::vector<std::string_view>& lines, std::size_t first) {
    std::vector<Block> blocks;
    std::string_view fence;
    for (std::size_t i = first; i < lines.size(); ++i) {
        std::string_view line = lines[i];
        if (!fence.empty()) {
            const std::string_view close = fence_of(line);
            if (close.size() >= fence.size() && close.front() == fence.front() &&
                is_blank(trim(line).substr(close.size()))) {
                fence = {};
                blocks.push_back({BlockKind::blank, ""});
            } else {
                blocks.push_back({BlockKind::code, std::string(line)});
            }
            continue;
        }
        line = strip_blockquote(line);
        if (const std::string_view open = fence_of(line); !open.empty()) {
            fence = open;
            blocks.push_back({BlockKind::blank, ""});
            continue;
        }
        if (is_blank(line)) {
            blocks.push_back({BlockKind::blank, ""});
        } else if (const auto heading = atx_heading(line)) {
            blocks.push_back({BlockKind::heading, std::string(*heading)});
        } else if (const char u = underline_of(line);
                   u != 0 && !blocks.empty() && blocks.back().kind == BlockKind::paragraph) {
            blocks.back().kind = BlockKind::heading;
        } else if (is_thematic_break(line) || is_link_definition(line)) {
            blocks.push_back({BlockKind::blank, ""});
        } else {
            blocks.push_back({BlockKind::paragraph, std::string(line)});
        }
    }
    return blocks;
}

// Decodes "&amp;", "&#8220;", "&#x201C;" and a few other common entities at s[i] ('&').
// Returns the length consumed, 0 when it is not an entity.
std::size_t decode_entity(std::string_view s, std::size_t i, std::string& out) {
    const std::size_t semi = s.find(';', i);
    if (semi == std::string_view::npos || semi - i > 10 || semi == i + 1)
        return 0;
    const std::string_view name = s.substr(i + 1, semi - i - 1);
    static constexpr std::pair<std::string_view, std::string_view> kNamed[] = {
        {"amp", "&"},  {"lt", "<"},   {"gt", ">"},         {"quot", "\""},
        {"apos", "'"}, {"nbsp", " "}, {"mdash", "\u2014"}, {"ndash", "\u2013"}};
    for (const auto& [entity, text] : kNamed) {
        if (name == entity) {
            out += text;
            return semi - i + 1;
        }
    }
    if (name.front() != '#')
        return 0;
    const bool hex = name.size() > 1 && (name[1] == 'x' || name[1] == 'X');
    const std::string_view digits = name.substr(hex ? 2 : 1);
    if (digits.empty())
        return 0;
    char32_t cp = 0;
    for (char c : digits) {
        int v;
        if (detail::is_digit(c)) {
            v = c - '0';
        } else if (hex && detail::to_lower(c) >= 'a' && detail::to_lower(c) <= 'f') {
            v = detail::to_lower(c) - 'a' + 10;
        } else {
            return 0;
        }
        cp = cp * (hex ? 16 : 10) + static_cast<char32_t>(v);
        if (cp > 0x10FFFF)
            return 0;
    }
    if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    append_code_point(out, cp);
    return semi - i + 1;
}

// How far matching brackets and code spans are looked for, to keep bad input linear.
constexpr std::size_t kInlineSearchLimit = 4096;
constexpr int kMaxLinkNesting = 8;

// Index of the `close` matching the `open` at s[i], or npos.
std::size_t matching(std::string_view s, std::size_t i, char open, char close) {
    int depth = 0;
    const std::size_t end = std::min(s.size(), i + kInlineSearchLimit);
    for (std::size_t k = i; k < end; ++k) {
        if (s[k] == '\\') {
            ++k;
        } else if (s[k] == open) {
            ++depth;
        } else if (s[k] == close && --depth == 0) {
            return k;
        }
    }
    return std::string_view::npos;
}

bool is_word_byte(char c) {
    return detail::is_alpha(c) || detail::is_digit(c) || static_cast<unsigned char>(c) >= 0x80;
}

bool is_ascii_punct(char c) {
    return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') ||
           (c >= '{' && c <= '~');
}

void reduce_inline(std::string_view s, std::string& out, int depth);

// A link or image at s[i] ('['): appends its text and returns the length consumed, or 0.
std::size_t reduce_link(std::string_view s, std::size_t i, std::string& out, int depth) {
    const std::size_t close = matching(s, i, '[', ']');
    if (close == std::string_view::npos || close + 1 >= s.size())
        return 0;
    std::size_t end;
    if (s[close + 1] == '(') {
        end = matching(s, close + 1, '(', ')');
    } else if (s[close + 1] == '[') {
        end = s.find(']', close + 1);
    } else {
        return 0;
    }
    if (end == std::string_view::npos)
        return 0;
    const std::string_view label = s.substr(i + 1, close - i - 1);
    if (depth < kMaxLinkNesting) {
        reduce_inline(label, out, depth + 1);
    } else {
        out += label;
    }
    return end - i + 1;
}

// A code span at s[i] ('`'): appends its text verbatim and returns the length consumed.
std::size_t reduce_code_span(std::string_view s, std::size_t i, std::string& out) {
    std::size_t ticks = i;
    while (ticks < s.size() && s[ticks] == '`')
        ++ticks;
    const std::string_view fence = s.substr(i, ticks - i);
    std::size_t k = ticks;
    const std::size_t end = std::min(s.size(), ticks + kInlineSearchLimit);
    while (k < end) {
        const std::size_t found = s.find(fence, k);
        if (found == std::string_view::npos || found >= end)
            break;
        std::size_t after = found + fence.size();
        if (after < s.size() && s[after] == '`') {
            while (after < s.size() && s[after] == '`')
                ++after;
            k = after;
            continue;
        }
        std::string_view code = s.substr(ticks, found - ticks);
        if (code.size() >= 2 && code.front() == ' ' && code.back() == ' ') {
            code = code.substr(1, code.size() - 2);
        }
        out += code;
        return after - i;
    }
    return fence.size();  // an unmatched run of backticks is dropped
}

// An HTML tag or autolink at s[i] ('<'): appends an autolink's address, drops a tag, and
// returns the length consumed, or 0 when it is a plain '<'.
std::size_t reduce_angle(std::string_view s, std::size_t i, std::string& out) {
    if (i + 1 >= s.size())
        return 0;
    const char next = s[i + 1];
    if (!detail::is_alpha(next) && next != '/' && next != '!' && next != '?')
        return 0;
    const std::size_t close = s.find('>', i + 1);
    if (close == std::string_view::npos)
        return 0;
    const std::string_view inner = s.substr(i + 1, close - i - 1);
    if (inner.find('<') != std::string_view::npos)
        return 0;
    const std::size_t colon = inner.find(':');
    const bool autolink = inner.find_first_of(" \t") == std::string_view::npos &&
                          ((colon != std::string_view::npos && colon >= 2) ||
                           inner.find('@') != std::string_view::npos);
    if (autolink)
        out += inner;
    return close - i + 1;
}

// Reduces one line of Markdown inline markup to its text.
void reduce_inline(std::string_view s, std::string& out, int depth) {
    for (std::size_t i = 0; i < s.size();) {
        const char c = s[i];
        std::size_t used = 0;
        if (c == '\\' && i + 1 < s.size() && is_ascii_punct(s[i + 1])) {
            out += s[i + 1];
            used = 2;
        } else if (c == '`') {
            used = reduce_code_span(s, i, out);
        } else if (c == '!' && i + 1 < s.size() && s[i + 1] == '[') {
            used = reduce_link(s, i + 1, out, depth);
            if (used != 0)
                ++used;
        } else if (c == '[') {
            used = reduce_link(s, i, out, depth);
        } else if (c == '<') {
            used = reduce_angle(s, i, out);
        } else if (c == '&') {
            used = decode_entity(s, i, out);
        } else if (c == '*' || c == '_' || c == '~') {
            std::size_t end = i;
            while (end < s.size() && s[end] == c)
                ++end;
            const bool before_word = i > 0 && is_word_byte(s[i - 1]);
            const bool after_word = end < s.size() && is_word_byte(s[end]);
            const bool before_space = i == 0 || is_space(s[i - 1]);
            const bool after_space = end == s.size() || is_space(s[end]);
            bool markup;
            if (c == '_') {
                markup = !(before_word && after_word);  // snake_case stays
            } else if (c == '~') {
                markup = end - i == 2;  // ~~strikethrough~~
            } else {
                markup = !(before_space && after_space);  // a lone " * " stays
            }
            if (!markup)
                out.append(s.substr(i, end - i));
            used = end - i;
        }
        if (used == 0) {
            out += c;
            used = 1;
        }
        i += used;
    }
}

std::string reduce_line(std::string_view line) {
    std::string out;
    out.reserve(line.size());
    reduce_inline(line, out, 0);
    return out;
}

/// The length of the strict UTF-8 sequence at s[i] (RFC 3629), or 0 when it is not one.
std::size_t utf8_sequence(std::string_view s, std::size_t i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80)
        return 1;
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        lo = c == 0xE0 ? 0xA0 : lo;  // overlong
        hi = c == 0xED ? 0x9F : hi;  // surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        lo = c == 0xF0 ? 0x90 : lo;  // overlong
        hi = c == 0xF4 ? 0x8F : hi;  // above U+10FFFF
    } else {
        return 0;
    }
    if (i + len > s.size())
        return 0;
    for (std::size_t k = 1; k < len; ++k) {
        const auto b = static_cast<unsigned char>(s[i + k]);
        if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF))
            return 0;
    }
    return len;
}

/// Replaces each byte that does not start a valid UTF-8 sequence with U+FFFD, or with the
/// Latin-1 character of that byte when `stray_as_latin1`. (Gumbo 0.10 writes a numeric character
/// reference beyond U+10FFFF, like &#x999999999;, as a stray byte; yaml-cpp writes the escapes
/// "\_" and "\N" of a double-quoted scalar as the Latin-1 bytes A0 and 85.)
void repair_utf8(std::string& s, bool stray_as_latin1 = false) {
    std::string out;
    std::size_t i = 0, copied = 0;
    while (i < s.size()) {
        const std::size_t len = utf8_sequence(s, i);
        if (len != 0) {
            i += len;
            continue;
        }
        out.append(s, copied, i - copied);
        const auto byte = static_cast<unsigned char>(s[i]);
        if (stray_as_latin1) {
            out += static_cast<char>(0xC0 | (byte >> 6));
            out += static_cast<char>(0x80 | (byte & 0x3F));
        } else {
            out += "\xEF\xBF\xBD";
        }
        copied = ++i;
    }
    if (copied == 0)
        return;
    out.append(s, copied, std::string::npos);
    s = std::move(out);
}

// Where the front matter's YAML text starts (the line after the opening "---"), 1-based.
constexpr std::size_t kFrontMatterFirstLine = 2;

class FrontMatter {
  public:
    FrontMatter(const std::string& path, Article& article) : path_(path), article_(article) {}

    // Applies the YAML front matter to the article; throws InputError on bad YAML or types.
    void apply(const std::string& yaml) {
        YAML::Node root;
        try {
            root = YAML::Load(yaml);
        } catch (const YAML::DeepRecursion& e) {
            // yaml-cpp's depth guard says "bad file", which misleads.
            throw InputError(path_, kFrontMatterFirstLine + static_cast<std::size_t>(e.mark.line),
                             "bad YAML front matter: nested too deep (more than " +
                                 std::to_string(e.depth()) + " levels)");
        } catch (const YAML::Exception& e) {
            const std::size_t line =
                e.mark.is_null() ? 1
                                 : kFrontMatterFirstLine + static_cast<std::size_t>(e.mark.line);
            throw InputError(path_, line, "bad YAML front matter: " + e.msg);
        }
        if (!root || root.IsNull())
            return;
        if (!root.IsMap()) {
            throw InputError(path_, 1, "front matter is not a YAML mapping of keys to values");
        }
        for (const auto& entry : root) {
            if (!entry.first.IsScalar())
                continue;
            apply_field(detail::lower(entry.first.Scalar()), entry.second);
        }
    }

    bool has_title() const { return has_title_; }

  private:
    void apply_field(const std::string& key, const YAML::Node& value) {
        if (key == "title") {
            if (auto s = scalar(key, value)) {
                article_.title = collapse_spaces(*s);
                has_title_ = true;
            }
        } else if (key == "date") {
            // An unreadable date is left out rather than losing the article.
            if (auto s = scalar(key, value))
                article_.date = normalize_date(*s).value_or("");
        } else if (key == "author" || key == "authors") {
            list(key, value, false, article_.authors);
        } else if (key == "tags" || key == "keywords") {
            list(key, value, true, article_.tags);
        } else if (key == "url") {
            if (auto s = scalar(key, value))
                article_.url = std::string(trim(*s));
        } else if (key == "lang" || key == "language") {
            if (auto s = scalar(key, value))
                article_.language = language_or_tag(*s);
        } else if (key == "source") {
            if (auto s = scalar(key, value); s && !is_blank(*s))
                article_.source = *s;
        } else if (key == "id") {
            if (auto s = scalar(key, value); s && !is_blank(*s)) {
                if (s->find('\0') != std::string::npos) {
                    throw InputError(path_, line_of(value),
                                     "front matter field 'id' contains a NUL byte (no command "
                                     "line could name the article)");
                }
                article_.id = trim(*s);
            }
        } else if (key == "description") {
            if (auto s = scalar(key, value))
                article_.description = std::string(trim(*s));
        }
    }

    // A scalar's text, valid UTF-8 (see repair_utf8 for what yaml-cpp may leave).
    static std::string text_of(const YAML::Node& node) {
        std::string text = node.Scalar();
        repair_utf8(text, true);
        return text;
    }

    std::size_t line_of(const YAML::Node& node) const {
        const YAML::Mark mark = node.Mark();
        return mark.is_null() ? 1 : kFrontMatterFirstLine + static_cast<std::size_t>(mark.line);
    }

    std::optional<std::string> scalar(const std::string& key, const YAML::Node& value) const {
        if (value.IsNull())
            return std::nullopt;
        if (!value.IsScalar()) {
            throw InputError(path_, line_of(value),
                             "front matter field '" + key + "' must be a single value, not a " +
                                 (value.IsSequence() ? "list" : "mapping"));
        }
        return text_of(value);
    }

    void list(const std::string& key, const YAML::Node& value, bool comma_separated,
              std::vector<std::string>& out) const {
        if (value.IsNull())
            return;
        DistinctList list(out);
        if (value.IsScalar()) {
            if (comma_separated) {
                list.add_comma_separated(text_of(value));
            } else {
                list.add(text_of(value));
            }
            return;
        }
        if (!value.IsSequence()) {
            throw InputError(path_, line_of(value),
                             "front matter field '" + key + "' must be a list or a string");
        }
        for (const auto& item : value) {
            if (item.IsNull())
                continue;
            if (!item.IsScalar()) {
                throw InputError(path_, line_of(item),
                                 "front matter field '" + key + "' must be a list of strings");
            }
            list.add(text_of(item));
        }
    }

    const std::string& path_;
    Article& article_;
    bool has_title_ = false;
};

// ---------------------------------------------------------------------------------------------
// HTML

// Accumulates visible text: whitespace collapsed, blocks separated by blank lines.
class TextBuilder {
  public:
    void text(std::string_view s) {
        for (std::size_t i = 0; i < s.size(); ++i) {
            const char c = s[i];
            if (is_space(c)) {
                space_ = true;
            } else if (c == '\xC2' && i + 1 < s.size() && s[i + 1] == '\xA0') {
                space_ = true;  // a no-break space separates words like any other
                ++i;
            } else {
                flush();
                out_ += c;
            }
        }
    }

    // Preformatted text: kept as it is.
    void verbatim(std::string_view s) {
        if (s.empty())
            return;
        flush();
        out_ += s;
    }

    void line_break(int newlines) {
        if (!out_.empty())
            breaks_ = std::max(breaks_, newlines);
    }

    void space() { space_ = true; }

    std::string finish() {
        while (!out_.empty() && is_space(out_.back()))
            out_.pop_back();
        return std::move(out_);
    }

  private:
    void flush() {
        if (breaks_ > 0) {
            while (!out_.empty() && (out_.back() == ' ' || out_.back() == '\t'))
                out_.pop_back();
            int have = 0;
            for (auto it = out_.rbegin(); it != out_.rend() && *it == '\n'; ++it)
                ++have;
            for (; have < breaks_; ++have)
                out_ += '\n';
        } else if (space_ && !out_.empty() && out_.back() != '\n') {
            out_ += ' ';
        }
        breaks_ = 0;
        space_ = false;
    }

    std::string out_;
    int breaks_ = 0;
    bool space_ = false;
};

bool is_hidden_tag(GumboTag tag) {
    switch (tag) {
        case GUMBO_TAG_SCRIPT:
        case GUMBO_TAG_STYLE:
        case GUMBO_TAG_NOSCRIPT:
        case GUMBO_TAG_TEMPLATE:
        case GUMBO_TAG_HEAD:
        case GUMBO_TAG_SVG:
        case GUMBO_TAG_CANVAS:
        case GUMBO_TAG_IFRAME:
        case GUMBO_TAG_OBJECT:
        case GUMBO_TAG_AUDIO:
        case GUMBO_TAG_VIDEO:
            return true;
        default:
            return false;
    }
}

bool is_block_tag(GumboTag tag) {
    switch (tag) {
        case GUMBO_TAG_ADDRESS:
        case GUMBO_TAG_ARTICLE:
        case GUMBO_TAG_ASIDE:
        case GUMBO_TAG_BLOCKQUOTE:
        case GUMBO_TAG_BODY:
        case GUMBO_TAG_CAPTION:
        case GUMBO_TAG_CENTER:
        case GUMBO_TAG_DD:
        case GUMBO_TAG_DETAILS:
        case GUMBO_TAG_DIR:
        case GUMBO_TAG_DIV:
        case GUMBO_TAG_DL:
        case GUMBO_TAG_DT:
        case GUMBO_TAG_FIELDSET:
        case GUMBO_TAG_FIGCAPTION:
        case GUMBO_TAG_FIGURE:
        case GUMBO_TAG_FOOTER:
        case GUMBO_TAG_FORM:
        case GUMBO_TAG_H1:
        case GUMBO_TAG_H2:
        case GUMBO_TAG_H3:
        case GUMBO_TAG_H4:
        case GUMBO_TAG_H5:
        case GUMBO_TAG_H6:
        case GUMBO_TAG_HEADER:
        case GUMBO_TAG_HGROUP:
        case GUMBO_TAG_HR:
        case GUMBO_TAG_LEGEND:
        case GUMBO_TAG_LI:
        case GUMBO_TAG_LISTING:
        case GUMBO_TAG_MAIN:
        case GUMBO_TAG_MENU:
        case GUMBO_TAG_NAV:
        case GUMBO_TAG_OL:
        case GUMBO_TAG_P:
        case GUMBO_TAG_PRE:
        case GUMBO_TAG_SECTION:
        case GUMBO_TAG_SUMMARY:
        case GUMBO_TAG_TABLE:
        case GUMBO_TAG_TR:
        case GUMBO_TAG_UL:
            return true;
        default:
            return false;
    }
}

std::string_view attribute(const GumboElement& element, const char* name) {
    const GumboAttribute* attr = gumbo_get_attribute(&element.attributes, name);
    return attr == nullptr ? std::string_view() : std::string_view(attr->value);
}

// What the <head> (and <html>) say about the page.
struct HtmlMeta {
    std::string title;
    std::string h1;
    std::string og_title;
    std::vector<std::string> authors;
    std::string date;
    std::string description;
    std::string og_description;
    std::vector<std::string> tags;
    std::string canonical;
    std::string og_url;
    std::string lang;
    std::string meta_lang;
    DistinctList author_list{authors};
    DistinctList tag_list{tags};
};

void read_meta(const GumboElement& element, HtmlMeta& meta) {
    std::string_view key = attribute(element, "name");
    if (key.empty())
        key = attribute(element, "property");
    if (key.empty())
        key = attribute(element, "itemprop");
    if (key.empty())
        key = attribute(element, "http-equiv");
    const std::string name = detail::lower(trim(key));
    const std::string_view content = trim(attribute(element, "content"));
    if (name.empty() || content.empty())
        return;
    if (name == "author" || name == "dc.creator" || name == "article:author") {
        if (content.find("://") == std::string_view::npos)
            meta.author_list.add(content);
    } else if (name == "date" || name == "article:published_time" || name == "dc.date" ||
               name == "dc.date.issued" || name == "pubdate" || name == "publish-date" ||
               name == "datepublished") {
        if (meta.date.empty())
            meta.date = normalize_date(content).value_or("");
    } else if (name == "description") {
        meta.description = collapse_spaces(content);
    } else if (name == "og:description") {
        meta.og_description = collapse_spaces(content);
    } else if (name == "keywords" || name == "news_keywords") {
        meta.tag_list.add_comma_separated(content);
    } else if (name == "article:tag") {
        meta.tag_list.add(content);
    } else if (name == "og:url") {
        meta.og_url = content;
    } else if (name == "og:title") {
        meta.og_title = collapse_spaces(content);
    } else if (name == "content-language" || name == "language" || name == "dc.language") {
        meta.meta_lang = content;
    }
}

void read_link(const GumboElement& element, HtmlMeta& meta) {
    const std::string rel = detail::lower(attribute(element, "rel"));
    const std::string_view href = trim(attribute(element, "href"));
    if (meta.canonical.empty() && !href.empty() &&
        (" " + collapse_spaces(rel) + " ").find(" canonical ") != std::string::npos) {
        meta.canonical = href;
    }
}

// Walks the document without recursion (pages can nest deeply), collecting the visible text
// into `body` and the metadata into `meta`.
bool ascii_iequal(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

bool is_ascii_alpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/// Elements that never nest: void elements, and those whose end tag is optional (the next one
/// closes them).
bool never_nests(std::string_view tag) {
    static constexpr std::string_view kTags[] = {
        "area",  "base", "br",    "col",    "embed",  "hr",       "img",
        "input", "link", "meta",  "param",  "source", "track",    "wbr",
        "p",     "li",   "dt",    "dd",     "option", "optgroup", "tr",
        "td",    "th",   "tbody", "thead",  "tfoot",  "colgroup", "rb",
        "rt",    "rp",   "rtc",   "keygen", "frame",  "basefont", "bgsound"};
    for (std::string_view t : kTags) {
        if (ascii_iequal(t, tag))
            return true;
    }
    return false;
}

/// Elements whose content is text up to their end tag, never tags.
bool is_raw_text(std::string_view tag) {
    for (std::string_view t : {"script", "style", "textarea", "title", "xmp", "iframe", "noembed",
                               "noframes", "noscript", "plaintext"}) {
        if (ascii_iequal(t, tag))
            return true;
    }
    return false;
}

/// Where the tag that starts at html[i] ('<') ends (one past its '>'), quoted attribute values
/// skipped; html.size() when it is never closed.
std::size_t tag_end(std::string_view html, std::size_t i) {
    char quote = 0;
    for (std::size_t k = i + 1; k < html.size(); ++k) {
        const char c = html[k];
        if (quote != 0) {
            quote = c == quote ? 0 : quote;
        } else if (c == '"' || c == '\'') {
            quote = c;
        } else if (c == '>') {
            return k + 1;
        }
    }
    return html.size();
}

}  // namespace

std::size_t flatten_html_nesting(std::string_view html, std::size_t max_depth, std::string& out) {
    out.clear();
    out.reserve(html.size());
    std::size_t depth = 0, excess = 0, dropped = 0, copied = 0;
    std::size_t i = 0;
    while ((i = html.find('<', i)) != std::string_view::npos) {
        if (html.substr(i, 4) == "<!--") {
            const std::size_t end = html.find("-->", i + 4);
            i = end == std::string_view::npos ? html.size() : end + 3;
            continue;
        }
        const bool closing = i + 1 < html.size() && html[i + 1] == '/';
        const std::size_t name_at = i + (closing ? 2 : 1);
        if (name_at >= html.size() || !is_ascii_alpha(html[name_at])) {
            ++i;
            continue;
        }
        std::size_t name_end = name_at;
        while (name_end < html.size() &&
               (std::isalnum(static_cast<unsigned char>(html[name_end])) || html[name_end] == '-' ||
                html[name_end] == ':')) {
            ++name_end;
        }
        const std::string_view name = html.substr(name_at, name_end - name_at);
        const std::size_t end = tag_end(html, i);
        bool drop = false;
        if (closing) {
            if (!never_nests(name)) {
                if (excess > 0) {
                    --excess;
                    drop = true;
                } else if (depth > 0) {
                    --depth;
                }
            }
        } else if (is_raw_text(name)) {
            // Skip to the end tag: what is inside is not markup.
            std::size_t k = end;
            while ((k = html.find("</", k)) != std::string_view::npos &&
                   !ascii_iequal(html.substr(k + 2, name.size()), name)) {
                k += 2;
            }
            i = k == std::string_view::npos ? html.size() : k;
            continue;
        } else if (!never_nests(name) && html[end - 2] != '/') {
            if (depth >= max_depth) {
                ++excess;
                drop = true;
            } else {
                ++depth;
            }
        }
        if (drop) {
            // The tag becomes a space, so that the words either side stay apart.
            out.append(html.substr(copied, i - copied));
            out.push_back(' ');
            copied = end;
            ++dropped;
        }
        i = end;
    }
    if (dropped == 0) {
        out.clear();
        return 0;
    }
    out.append(html.substr(copied));
    return dropped;
}

namespace {

void walk_html(const GumboNode* root, TextBuilder& body, HtmlMeta& meta) {
    struct Frame {
        const GumboNode* node;
        unsigned next_child;
    };
    std::vector<Frame> stack;
    int hidden = 0;  // inside script, style, head...
    int preformatted = 0;
    int title_depth = 0;
    int h1_depth = 0;
    bool seen_title = false;
    bool seen_h1 = false;
    std::string title;
    std::string h1;

    auto enter = [&](const GumboNode* node) {
        if (node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_WHITESPACE ||
            node->type == GUMBO_NODE_CDATA) {
            const std::string_view text = node->v.text.text;
            if (title_depth > 0)
                title += text;
            if (h1_depth > 0)
                h1 += text;
            if (hidden > 0)
                return;
            if (preformatted > 0) {
                body.verbatim(text);
            } else {
                body.text(text);
            }
            return;
        }
        if (node->type != GUMBO_NODE_ELEMENT && node->type != GUMBO_NODE_TEMPLATE)
            return;
        const GumboElement& element = node->v.element;
        const GumboTag tag = element.tag;
        const bool html_ns = element.tag_namespace == GUMBO_NAMESPACE_HTML;
        if (html_ns && tag == GUMBO_TAG_HTML && meta.lang.empty()) {
            meta.lang = attribute(element, "lang");
            if (meta.lang.empty())
                meta.lang = attribute(element, "xml:lang");
        }
        if (tag == GUMBO_TAG_META)
            read_meta(element, meta);
        if (tag == GUMBO_TAG_LINK)
            read_link(element, meta);
        if (html_ns && tag == GUMBO_TAG_TITLE && !seen_title) {
            seen_title = true;
            ++title_depth;
        }
        if (html_ns && tag == GUMBO_TAG_H1 && !seen_h1) {
            seen_h1 = true;
            ++h1_depth;
        }
        if (node->type == GUMBO_NODE_TEMPLATE || is_hidden_tag(tag))
            ++hidden;
        if (tag == GUMBO_TAG_PRE || tag == GUMBO_TAG_LISTING)
            ++preformatted;
        if (is_block_tag(tag))
            body.line_break(2);
        if (tag == GUMBO_TAG_BR)
            body.line_break(1);
        if (tag == GUMBO_TAG_TD || tag == GUMBO_TAG_TH)
            body.space();
        stack.push_back({node, 0});
    };

    auto leave = [&](const GumboNode* node) {
        const GumboElement& element = node->v.element;
        const GumboTag tag = element.tag;
        const bool html_ns = element.tag_namespace == GUMBO_NAMESPACE_HTML;
        if (html_ns && tag == GUMBO_TAG_TITLE && title_depth > 0)
            --title_depth;
        if (html_ns && tag == GUMBO_TAG_H1 && h1_depth > 0)
            --h1_depth;
        if (node->type == GUMBO_NODE_TEMPLATE || is_hidden_tag(tag))
            --hidden;
        if (tag == GUMBO_TAG_PRE || tag == GUMBO_TAG_LISTING)
            --preformatted;
        if (is_block_tag(tag))
            body.line_break(2);
        if (tag == GUMBO_TAG_TD || tag == GUMBO_TAG_TH)
            body.space();
    };

    if (root->type == GUMBO_NODE_DOCUMENT) {
        stack.push_back({root, 0});
    } else {
        enter(root);
    }
    while (!stack.empty()) {
        Frame& frame = stack.back();
        const GumboVector& children = frame.node->type == GUMBO_NODE_DOCUMENT
                                          ? frame.node->v.document.children
                                          : frame.node->v.element.children;
        if (frame.next_child < children.length) {
            const auto* child = static_cast<const GumboNode*>(children.data[frame.next_child++]);
            enter(child);
            continue;
        }
        const GumboNode* done = frame.node;
        stack.pop_back();
        if (done->type != GUMBO_NODE_DOCUMENT)
            leave(done);
    }
    meta.title = collapse_spaces(title);
    meta.h1 = collapse_spaces(h1);
}

}  // namespace

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

struct GumboOutputDeleter {
    void operator()(GumboOutput* output) const {
        gumbo_destroy_output(&kGumboDefaultOptions, output);
    }
};

// ---------------------------------------------------------------------------------------------
// Input: files and standard input, read in chunks

// A file opened for reading (or standard input for "-"); throws std::system_error.
class Input {
  public:
    explicit Input(const std::string& path) {
        if (path == "-")
            return;
        // Non-blocking, so that a named pipe put where a file was cannot hang the open (and the
        // indexer with its lock); only regular files are read.
        fd_ = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        if (fd_ < 0)
            throw std::system_error(errno, std::generic_category(), "cannot open file");
        struct stat st {};
        if (::fstat(fd_, &st) != 0) {
            throw std::system_error(errno, std::generic_category(), "cannot open file");
        }
        if (S_ISDIR(st.st_mode)) {
            throw std::system_error(EISDIR, std::generic_category(), "cannot read file");
        }
        if (!S_ISREG(st.st_mode))
            throw std::runtime_error(std::string("not a regular file (") +
                                     special_kind(st.st_mode) + "): not read");
        ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) & ~O_NONBLOCK);
        size_ = static_cast<std::uint64_t>(st.st_size);
    }
    Input(const Input&) = delete;
    Input& operator=(const Input&) = delete;
    ~Input() {
        if (fd_ >= 0)
            ::close(fd_);
    }

    /// Moves to byte `offset` of a regular file.
    void seek(std::uint64_t offset) {
        if (fd_ < 0 || ::lseek(fd_, static_cast<off_t>(offset), SEEK_SET) < 0) {
            throw std::system_error(errno, std::generic_category(), "cannot seek in file");
        }
    }

    /// The size when it is known before reading (regular files).
    std::optional<std::uint64_t> size() const { return size_; }

    /// Reads up to n bytes; 0 at the end.
    std::size_t read(char* buffer, std::size_t n) {
        if (fd_ < 0) {
            std::cin.read(buffer, static_cast<std::streamsize>(n));
            if (std::cin.bad())
                throw std::runtime_error("cannot read standard input");
            return static_cast<std::size_t>(std::cin.gcount());
        }
        for (;;) {
            const ssize_t got = ::read(fd_, buffer, n);
            if (got >= 0)
                return static_cast<std::size_t>(got);
            if (errno != EINTR) {
                throw std::system_error(errno, std::generic_category(), "cannot read file");
            }
        }
    }

  private:
    int fd_ = -1;
    std::optional<std::uint64_t> size_;
};

using ChunkReader = std::function<std::size_t(char*, std::size_t)>;

constexpr const char* kUtf16Damaged =
    "UTF-16 text with unpaired surrogates or an odd last byte: replaced by U+FFFD";

// Splits a byte stream into lines without holding more than one line (and a buffer).
class LineReader {
  public:
    explicit LineReader(ChunkReader read)
        : read_(std::move(read)), buffer_(new char[kBufferSize]) {}

    // The next line without its "\n". A line longer than `limit` bytes (0: no limit) is
    // skipped up to its end and comes back empty with *too_long set. False at the end.
    bool next(std::string& line, std::uint64_t limit, bool* too_long) {
        line.clear();
        *too_long = false;
        bool any = false;
        for (;;) {
            if (pos_ == end_) {
                if (eof_)
                    return any;
                end_ = read_(buffer_.get(), kBufferSize);
                pos_ = 0;
                if (end_ == 0) {
                    eof_ = true;
                    return any;
                }
            }
            any = true;
            const char* start = buffer_.get() + pos_;
            const auto* nl = static_cast<const char*>(std::memchr(start, '\n', end_ - pos_));
            const std::size_t len =
                nl == nullptr ? end_ - pos_ : static_cast<std::size_t>(nl - start);
            if (!*too_long) {
                if (limit != 0 && line.size() + len > limit) {
                    *too_long = true;
                    line.clear();
                    line.shrink_to_fit();
                } else {
                    line.append(start, len);
                }
            }
            pos_ += len;
            if (nl != nullptr) {
                ++pos_;
                return true;
            }
        }
    }

  private:
    static constexpr std::size_t kBufferSize = 256 << 10;

    ChunkReader read_;
    std::unique_ptr<char[]> buffer_;  // not zeroed: only read_ writes it
    std::size_t pos_ = 0;
    std::size_t end_ = 0;
    bool eof_ = false;
};

// A stream that starts with a UTF-16 byte-order mark, read as UTF-8; any other stream as it is.
// *damaged is set at the end of a UTF-16 stream that had unpaired surrogates or an odd last byte.
ChunkReader decoding_utf16(ChunkReader raw, bool* damaged) {
    struct State {
        ChunkReader raw;
        bool* damaged;
        bool started = false;
        bool eof = false;
        std::optional<Utf16Decoder> decoder;
        std::string pending;  // bytes ready to hand out: the first bytes, or decoded text
        std::size_t pos = 0;
        std::vector<char> in;
    };
    auto s = std::make_shared<State>();
    s->raw = std::move(raw);
    s->damaged = damaged;
    return [s](char* buffer, std::size_t n) -> std::size_t {
        if (!s->started) {
            s->started = true;
            char head[2];
            std::size_t got = 0;
            while (got < sizeof head) {
                const std::size_t r = s->raw(head + got, sizeof head - got);
                if (r == 0)
                    break;
                got += r;
            }
            if (std::optional<bool> little = utf16_little_endian({head, got})) {
                s->decoder.emplace(*little);
            } else {
                s->pending.assign(head, got);
            }
        }
        while (s->pos == s->pending.size()) {
            if (!s->decoder)
                return s->raw(buffer, n);
            if (s->eof)
                return 0;
            s->pending.clear();
            s->pos = 0;
            s->in.resize(n);
            const std::size_t r = s->raw(s->in.data(), n);
            if (r == 0) {
                s->eof = true;
                s->decoder->finish(s->pending);
                *s->damaged = s->decoder->damaged();
            } else {
                s->decoder->decode({s->in.data(), r}, s->pending);
            }
        }
        const std::size_t take = std::min(n, s->pending.size() - s->pos);
        std::memcpy(buffer, s->pending.data() + s->pos, take);
        s->pos += take;
        return take;
    };
}

// ---------------------------------------------------------------------------------------------
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

std::string hex64(std::uint64_t h) {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
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
        ++stats_.articles;
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

// The whole input, or nullopt when it grows past `limit` (0: no limit).
std::optional<std::string> read_all(Input& input, std::uint64_t limit) {
    std::string data;
    if (input.size())
        data.reserve(static_cast<std::size_t>(*input.size()));
    std::vector<char> chunk(1 << 16);
    for (;;) {
        const std::size_t got = input.read(chunk.data(), chunk.size());
        if (got == 0)
            return data;
        data.append(chunk.data(), got);
        if (limit != 0 && data.size() > limit)
            return std::nullopt;
    }
}

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

// ---------------------------------------------------------------------------------------------

Article parse_text(std::string_view text, const FileInfo& info) {
    std::vector<Diagnostic> notes;
    return parse_text_noting(text, info, notes);
}

Article parse_text_noting(std::string_view text, const FileInfo& info,
                          std::vector<Diagnostic>& notes) {
    const std::vector<std::string_view> lines = split_lines(strip_bom(text));
    std::size_t i = 0;
    while (i < lines.size() && is_blank(lines[i]))
        ++i;
    if (i == lines.size())
        throw InputError(info.path, 0, "no text (the file is empty)");
    Article article = new_article(info);
    TitleCut cut = cut_title(collapse_spaces(lines[i++]));
    article.title = std::move(cut.title);

    std::size_t next = i;
    while (next < lines.size() && is_blank(lines[next]))
        ++next;
    if (cut.rest.empty() && next < lines.size()) {
        DateLine date = date_line(lines[next], info.mtime);
        if (date.is_date) {
            article.date = std::move(date.date);
            i = next + 1;
            if (date.relative) {
                const std::string line(trim(lines[next]));
                notes.push_back(Diagnostic{
                    Diagnostic::Severity::warning, info.path, next + 1,
                    article.date.empty()
                        ? "relative date '" + line +
                              "' cannot be resolved (no modification time): indexed without a date"
                        : "relative date '" + line +
                              "' resolved against the file's modification time (" + date.against +
                              "): " + article.date});
            }
        }
    }

    std::size_t end = lines.size();
    while (end > i && is_blank(lines[end - 1]))
        --end;
    if (end > i && iequals(trim(lines[end - 1]), "Read Entire Article"))
        --end;

    std::vector<std::string> body;
    if (!cut.rest.empty())
        body.push_back(std::move(cut.rest));
    body.insert(body.end(), lines.begin() + static_cast<std::ptrdiff_t>(i),
                lines.begin() + static_cast<std::ptrdiff_t>(end));
    article.body = join_body(body);
    return article;
}

Article parse_markdown(std::string_view text, const FileInfo& info) {
    const std::vector<std::string_view> lines = split_lines(strip_bom(text));
    Article article = new_article(info);
    FrontMatter front(info.path, article);
    std::size_t first = 0;
    if (!lines.empty() && trim_right(lines[0]) == "---") {
        std::size_t close = 1;
        while (close < lines.size() && trim_right(lines[close]) != "---" &&
               trim_right(lines[close]) != "...") {
            ++close;
        }
        if (close == lines.size()) {
            throw InputError(info.path, 1, "front matter is not closed by a '---' line");
        }
        std::string yaml;
        for (std::size_t k = 1; k < close; ++k) {
            yaml += lines[k];
            yaml += '\n';
        }
        front.apply(yaml);
        first = close + 1;
    }

    std::vector<Block> blocks = markdown_blocks(lines, first);
    // The title heading is not repeated in the body: the first heading when the front matter
    // has no title, else a leading heading that only repeats the front matter's title.
    auto first_content = std::find_if(blocks.begin(), blocks.end(),
                                      [](const Block& b) { return b.kind != BlockKind::blank; });
    if (!front.has_title()) {
        auto heading = std::find_if(blocks.begin(), blocks.end(),
                                    [](const Block& b) { return b.kind == BlockKind::heading; });
        if (heading != blocks.end()) {
            article.title = collapse_spaces(reduce_line(heading->text));
            heading->kind = BlockKind::blank;
        } else if (first_content != blocks.end()) {
            // No heading: the first line names the article but stays part of the text.
            article.title = collapse_spaces(reduce_line(first_content->text));
        }
    } else if (first_content != blocks.end() && first_content->kind == BlockKind::heading &&
               iequals(collapse_spaces(reduce_line(first_content->text)), article.title)) {
        first_content->kind = BlockKind::blank;
    }

    std::vector<std::string> body;
    body.reserve(blocks.size());
    for (const Block& block : blocks) {
        switch (block.kind) {
            case BlockKind::blank:
                body.emplace_back();
                break;
            case BlockKind::code:
                body.push_back(block.text);
                break;
            case BlockKind::heading:
                body.emplace_back();
                body.push_back(collapse_spaces(reduce_line(block.text)));
                body.emplace_back();
                break;
            case BlockKind::paragraph:
                body.push_back(reduce_line(block.text));
                break;
        }
    }
    article.body = join_body(body);
    return article;
}

Article parse_html(std::string_view text, const FileInfo& info, std::size_t* dropped_tags) {
    // Gumbo's parse time grows with the square of the nesting depth (20,000 nested elements
    // took 26 s): tags deeper than kMaxHtmlDepth are taken out first, their text kept.
    std::string flat;
    const std::size_t dropped = flatten_html_nesting(text, kMaxHtmlDepth, flat);
    if (dropped_tags != nullptr)
        *dropped_tags = dropped;
    if (dropped > 0)
        text = flat;
    const std::unique_ptr<GumboOutput, GumboOutputDeleter> output(
        gumbo_parse_with_options(&kGumboDefaultOptions, text.data(), text.size()));
    if (!output)
        throw InputError(info.path, 0, "cannot parse the HTML");
    TextBuilder body;
    HtmlMeta meta;
    walk_html(output->document, body, meta);

    Article article = new_article(info);
    article.title = !meta.title.empty() ? meta.title : !meta.h1.empty() ? meta.h1 : meta.og_title;
    article.body = body.finish();
    article.date = meta.date;
    article.authors = std::move(meta.authors);
    article.tags = std::move(meta.tags);
    article.url = !meta.canonical.empty() ? meta.canonical : meta.og_url;
    article.description = !meta.description.empty() ? meta.description : meta.og_description;
    article.language = language_or_tag(meta.lang.empty() ? meta.meta_lang : meta.lang);
    for (std::string* field : {&article.title, &article.body, &article.date, &article.url,
                               &article.description, &article.language}) {
        repair_utf8(*field);
    }
    for (auto* list : {&article.authors, &article.tags}) {
        for (std::string& item : *list)
            repair_utf8(item);
    }
    return article;
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
    const std::string too_large = "file is larger than the --max-file-size limit (" +
                                  std::to_string(options.max_file_size) + " bytes)";

    const Format format = format_for_path(info.path);
    if (format == Format::unknown)
        return fail(0, "unsupported file type");

    std::optional<Input> input;
    std::optional<std::string> bytes;
    try {
        input.emplace(info.path);
        if (options.max_file_size != 0 && input->size() && *input->size() > options.max_file_size) {
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
        // A file's size was checked above; a stream's records are held to the limit instead.
        const std::uint64_t line_limit = input->size() ? 0 : options.max_file_size;
        stats = JsonlReader(info, sink, diagnostics).run(lines, line_limit);
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
    // UTF-16 with its byte-order mark (Windows' "Unicode" text): decoded, not taken as binary.
    bool utf16_damaged = false;
    if (std::optional<std::string> decoded = decode_utf16(*bytes, &utf16_damaged)) {
        bytes = std::move(decoded);
        if (utf16_damaged) {
            report(Diagnostic::Severity::warning, 0, kUtf16Damaged);
        }
    }
    if (looks_binary(*bytes)) {
        report(Diagnostic::Severity::warning, 0, "binary file (contains NUL bytes), skipped");
        return stats;
    }
    bool transcoded = false;
    const std::string text = to_utf8(*bytes, &transcoded);
    bytes.reset();
    if (is_blank(text)) {
        report(Diagnostic::Severity::warning, 0, "empty file, skipped");
        return stats;
    }
    if (transcoded)
        report(Diagnostic::Severity::warning, 0, "not valid UTF-8, decoded as Windows-1252");
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
    for (Diagnostic& note : notes)
        diagnostics(std::move(note));
    check_language(article, [&](std::string message) {
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
}

}  // namespace folio
