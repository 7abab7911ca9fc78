// SPDX-License-Identifier: GPL-2.0-or-later
// The .txt reader: the first line is the title (cut to a reasonable length), a date line below
// it (relative dates resolved against the file's time), the rest the body.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "folio/error.hpp"
#include "read/parse_util.hpp"

namespace folio {

using namespace detail;

namespace {

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

}  // namespace

std::string detail::title_from_first_line(std::string_view text) {
    for (std::string_view line : split_lines(text)) {
        if (!is_blank(line))
            return cut_title(collapse_spaces(line)).title;
    }
    return {};
}

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

}  // namespace folio
