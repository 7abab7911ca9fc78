// SPDX-License-Identifier: GPL-2.0-or-later
#include <array>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "text/dates.hpp"
#include "text/text_util.hpp"

namespace folio {

namespace {

using detail::is_alpha;
using detail::is_digit;
using detail::is_space;

struct Ymd {
    int year = 0;
    int month = 0;
    int day = 0;
};

bool is_leap(int y) {
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int days_in_month(int y, int m) {
    static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : kDays[static_cast<std::size_t>(m - 1)];
}

bool is_valid(const Ymd& d) {
    return d.year >= 1000 && d.year <= 9999 && d.month >= 1 && d.month <= 12 && d.day >= 1 &&
           d.day <= days_in_month(d.year, d.month);
}

// 1-12 for an English month name or abbreviation ("Feb", "Sept", "february"), else 0.
int month_number(std::string_view word) {
    static constexpr std::array<std::string_view, 12> kNames = {
        "january", "february", "march",     "april",   "may",      "june",
        "july",    "august",   "september", "october", "november", "december"};
    const std::string w = detail::lower(word);
    if (w == "sept")
        return 9;
    for (std::size_t i = 0; i < kNames.size(); ++i) {
        if (w == kNames[i] || (w.size() == 3 && kNames[i].substr(0, 3) == w)) {
            return static_cast<int>(i) + 1;
        }
    }
    return 0;
}

bool is_weekday(std::string_view word) {
    static constexpr std::array<std::string_view, 7> kNames = {
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};
    const std::string w = detail::lower(word);
    if (w == "tues" || w == "thur" || w == "thurs")
        return true;
    for (std::string_view name : kNames) {
        if (w == name || (w.size() == 3 && name.substr(0, 3) == w))
            return true;
    }
    return false;
}

// A cursor over the text being parsed; every parse step either advances or leaves it alone.
class Scanner {
  public:
    explicit Scanner(std::string_view text) : text_(text) {}

    std::size_t pos() const { return pos_; }
    void reset(std::size_t pos) { pos_ = pos; }
    bool done() const { return pos_ >= text_.size(); }
    char peek() const { return done() ? '\0' : text_[pos_]; }

    bool eat(char c) {
        if (peek() != c || done())
            return false;
        ++pos_;
        return true;
    }

    // Skips spaces (and commas when `commas`); returns whether anything was skipped.
    bool skip_spaces(bool commas = false) {
        const std::size_t start = pos_;
        while (!done() && (is_space(peek()) || (commas && peek() == ',')))
            ++pos_;
        return pos_ != start;
    }

    // Reads min..max digits not followed by another digit.
    std::optional<int> number(std::size_t min, std::size_t max) {
        std::size_t end = pos_;
        while (end < text_.size() && is_digit(text_[end]))
            ++end;
        const std::size_t len = end - pos_;
        if (len < min || len > max)
            return std::nullopt;
        int value = 0;
        for (; pos_ < end; ++pos_)
            value = value * 10 + (text_[pos_] - '0');
        return value;
    }

    std::string_view word() {
        const std::size_t start = pos_;
        while (!done() && is_alpha(peek()))
            ++pos_;
        return text_.substr(start, pos_ - start);
    }

    // Consumes `literal` (case-insensitive) when it comes next.
    bool eat_word(std::string_view literal) {
        if (!detail::istarts_with(text_.substr(pos_), literal))
            return false;
        pos_ += literal.size();
        return true;
    }

  private:
    std::string_view text_;
    std::size_t pos_ = 0;
};

void skip_ordinal_suffix(Scanner& sc) {
    for (std::string_view suffix : {"st", "nd", "rd", "th"}) {
        if (sc.eat_word(suffix))
            return;
    }
}

// "Fri, " / "Friday " before the date.
void skip_weekday(Scanner& sc) {
    const std::size_t start = sc.pos();
    if (is_weekday(sc.word())) {
        sc.eat('.');
        if (sc.skip_spaces(true))
            return;
    }
    sc.reset(start);
}

// 2022, 2022-02, 2022-02-18, 2022/2/18
bool parse_iso(Scanner& sc, Ymd& out) {
    const auto year = sc.number(4, 4);
    if (!year)
        return false;
    out = {*year, 1, 1};
    const char sep = sc.peek();
    if (sep != '-' && sep != '/')
        return true;
    const std::size_t after_year = sc.pos();
    sc.eat(sep);
    const auto month = sc.number(1, 2);
    if (!month) {
        sc.reset(after_year);
        return true;
    }
    out.month = *month;
    if (!sc.eat(sep))
        return true;
    const auto day = sc.number(1, 2);
    if (!day)
        return false;
    out.day = *day;
    return true;
}

// ISO 8601's basic format: 20220218 (eight digits; a time may follow, "T101500Z").
bool parse_iso_basic(Scanner& sc, Ymd& out) {
    const auto all = sc.number(8, 8);
    if (!all)
        return false;
    out = {*all / 10000, *all / 100 % 100, *all % 100};
    return true;
}

// The four-digit year that ends a written date whose month and day were read.
bool year_after(Scanner& sc, int month, int day, Ymd& out) {
    const auto year = sc.number(4, 4);
    if (!year)
        return false;
    out = {*year, month, day};
    return true;
}

// "February 18, 2022", "Feb. 18th 2022", "February 2022"
bool parse_month_first(Scanner& sc, Ymd& out) {
    const int month = month_number(sc.word());
    if (month == 0)
        return false;
    const bool dot = sc.eat('.');
    if (!sc.skip_spaces(true) && !dot)
        return false;
    if (const auto year = sc.number(4, 4)) {
        out = {*year, month, 1};
        return true;
    }
    const auto day = sc.number(1, 2);
    if (!day)
        return false;
    skip_ordinal_suffix(sc);
    return sc.skip_spaces(true) && year_after(sc, month, *day, out);
}

// "18 February 2022", "18th of Feb. 2022", "18-Feb-2022", RFC 2822 "18 Feb 2022"
bool parse_day_first(Scanner& sc, Ymd& out) {
    const auto day = sc.number(1, 2);
    if (!day)
        return false;
    skip_ordinal_suffix(sc);
    const bool dash = sc.eat('-');
    if (!dash) {
        if (!sc.skip_spaces())
            return false;
        const std::size_t before_of = sc.pos();
        if (!(sc.eat_word("of") && sc.skip_spaces()))
            sc.reset(before_of);
    }
    const int month = month_number(sc.word());
    if (month == 0)
        return false;
    sc.eat('.');
    if (dash ? !sc.eat('-') : !sc.skip_spaces(true))
        return false;
    return year_after(sc, month, *day, out);
}

// "2/18/2022" (US order unless the first number cannot be a month), "18.02.2022" (day first)
bool parse_numeric(Scanner& sc, Ymd& out) {
    const auto a = sc.number(1, 2);
    if (!a)
        return false;
    const char sep = sc.peek();
    if (sep != '/' && sep != '.' && sep != '-')
        return false;
    sc.eat(sep);
    const auto b = sc.number(1, 2);
    if (!b || !sc.eat(sep))
        return false;
    const auto year = sc.number(4, 4);
    if (!year)
        return false;
    const bool day_first = sep == '.' || *a > 12;
    out = {*year, day_first ? *b : *a, day_first ? *a : *b};
    return true;
}

// A numeric UTC offset: +01, +0100, +01:00.
bool parse_offset(Scanner& sc) {
    if (sc.peek() != '+' && sc.peek() != '-')
        return false;
    const std::size_t start = sc.pos();
    sc.eat(sc.peek());
    if (!sc.number(2, 4)) {
        sc.reset(start);
        return false;
    }
    if (sc.eat(':') && !sc.number(2, 2))
        return false;
    return true;
}

// Seconds' fractions (".25", ",5"), if any; false for a '.' or ',' with no digit after it.
bool skip_fraction(Scanner& sc) {
    if (!sc.eat('.') && !sc.eat(','))
        return true;
    if (!is_digit(sc.peek()))
        return false;
    while (is_digit(sc.peek()))
        sc.eat(sc.peek());
    return true;
}

// A time zone after a time of day ("Z", "EST", "+0100", "GMT+1", "(UTC)"); true when the text
// ends after it.
bool parse_zone(Scanner& sc) {
    sc.skip_spaces();
    if (!parse_offset(sc)) {
        const std::string_view zone = sc.word();
        if (zone.size() > 5)
            return false;
        parse_offset(sc);  // "GMT+1"
    }
    sc.skip_spaces();
    if (sc.eat('(')) {
        const std::string_view zone = sc.word();
        if (zone.empty() || !sc.eat(')'))
            return false;
        sc.skip_spaces();
    }
    return sc.done();
}

// What may follow a date: a time of day, am/pm and a time zone ("T10:00:00.5Z",
// " 10:00 AM EST", " 10:00:00 +0000 (UTC)"). True when the text ends after it.
bool parse_time_suffix(Scanner& sc) {
    const bool spaced = sc.skip_spaces(true);
    if (sc.done())
        return true;
    const std::size_t before_t = sc.pos();
    if (sc.eat('T') || sc.eat('t')) {
        if (!is_digit(sc.peek()))
            return false;
        // ISO 8601's basic time: hhmm or hhmmss, then fractions and a zone as below.
        const std::size_t at = sc.pos();
        if (const auto hhmmss = sc.number(4, 6); hhmmss) {
            const std::size_t digits = sc.pos() - at;
            const int hms = digits == 4 ? *hhmmss * 100 : *hhmmss;
            if (digits == 5 || hms / 10000 > 24 || hms / 100 % 100 > 59 || hms % 100 > 60)
                return false;
            if (!skip_fraction(sc))
                return false;
            return parse_zone(sc);
        }
    } else if (!spaced) {
        sc.reset(before_t);
        return false;
    } else if (sc.eat_word("at") && !sc.skip_spaces()) {
        return false;
    }
    const auto hour = sc.number(1, 2);
    if (!hour || *hour > 24 || !sc.eat(':'))
        return false;
    const auto minute = sc.number(2, 2);
    if (!minute || *minute > 59)
        return false;
    if (sc.eat(':')) {
        const auto second = sc.number(2, 2);
        if (!second || *second > 60)
            return false;
        if (!skip_fraction(sc))
            return false;
    }
    sc.skip_spaces();
    for (std::string_view meridiem : {"a.m.", "p.m.", "am", "pm"}) {
        if (sc.eat_word(meridiem))
            break;
    }
    return parse_zone(sc);
}

}  // namespace

std::optional<std::string> normalize_date(std::string_view text) {
    text = detail::trim(text);
    if (text.empty())
        return std::nullopt;
    Scanner sc(text);
    skip_weekday(sc);
    const std::size_t start = sc.pos();
    for (auto parse :
         {parse_iso_basic, parse_iso, parse_month_first, parse_day_first, parse_numeric}) {
        sc.reset(start);
        Ymd ymd;
        if (parse(sc, ymd) && parse_time_suffix(sc) && is_valid(ymd)) {
            char buf[40];
            std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", ymd.year, ymd.month, ymd.day);
            return std::string(buf);
        }
    }
    return std::nullopt;
}

}  // namespace folio
