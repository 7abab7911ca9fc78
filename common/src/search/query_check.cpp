// SPDX-License-Identifier: GPL-2.0-or-later
// The query checker: reads every query against Folio's grammar first, refuses with a byte
// column what Xapian's parser would silently repair or reinterpret, and rewrites what it reads
// differently.

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <optional>
#include <set>
#include <string_view>

#include "analysis/stemmer.hpp"
#include "folio/error.hpp"
#include "folio/languages.hpp"
#include "schema/schema.hpp"
#include "search/query.hpp"
#include "search/query_parts.hpp"
#include "text/text_util.hpp"

namespace folio {

using detail::checked_query;
using detail::is_binary_operator;
using detail::Token;
using detail::tokens_of;

namespace {

bool is_proximity_operator(const std::string& t) {
    return t == "NEAR" || t == "ADJ" || t.starts_with("NEAR/") || t.starts_with("ADJ/");
}

/// The fields a query may name: the free-text ones, the filters and the ranges.
constexpr std::array<std::string_view, 7> kFieldNames{"title", "author", "tag", "source",
                                                      "lang",  "date",   "year"};

bool is_text_field(std::string_view name) {
    return name.empty() || name == "title" || name == "author";
}

bool is_word_char(unsigned char c) {
    return std::isalnum(c) != 0 || c >= 0x80;
}

/// The number of single-byte edits that turn `a` into `b` (for the unknown-field hint).
std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j)
        row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            row[j] =
                std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1] ? 1 : 0)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

/// One operand as written: [+|-] [~] [field:] (word[*] | "phrase"), or [+|-] ( group ).
struct Operand {
    std::size_t column = 0;  ///< of its first byte (its sign, if any)
    std::size_t end = 0;     ///< the byte after it
    char sign = 0;           ///< '+', '-' or 0
    bool group = false;
    bool synonym = false;  ///< ~word
    std::string field;     ///< lower case; "" for the free text
    bool phrase = false;
    bool wildcard = false;
    bool empty = false;    ///< no word at all ("-", ",", ""): Xapian's parser skips it
    bool chained = false;  ///< joined to its neighbour by NEAR or ADJ
    bool filter() const { return !group && !is_text_field(field); }
    /// What NEAR and ADJ can join: a word of the text, title or authors.
    bool single_word() const {
        return sign == 0 && !group && !synonym && !phrase && !wildcard && !filter();
    }
};

/// Checks a query against Folio's grammar (docs/QUERY-SYNTAX.md), throwing QueryError at the
/// first fault, and rewrites it into what Xapian's QueryParser reads as Folio means it:
/// - a run of operands between boolean operators (or a group, or the query) made only of
///   excluded parts (-word, -"phrase", -field:x, -(...)) matches every article except those,
///   and so does NOT at the start of a group or after OR/XOR: the match-all field goes in front
///   (Xapian's parser would read a lone "-word" as "word", and fails after OR);
/// - NEAR and ADJ join single words and bind tighter than the words around them: a chain is
///   put in parentheses (Xapian's parser would read NEAR as a word next to other words);
/// - a word or phrase of title: or author: next to other parts of a run is required (+);
/// - field names are matched in any case (Title: is title:).
/// What the parser would silently reinterpret is refused: unknown fields, '*' anywhere but at
/// the end of a word or in phrases and filters, '?' inside a word, NEAR/0, NOT NOT, NOT -word,
/// conflicting signs, NEAR or ADJ next to anything but a word; a field without its value
/// (year: 2020), a sign or '~' after the field (title:-x), a filter before a group (tag:(a b)),
/// '~' before a wildcard or a group, a wildcard in words joined by '-' or '.', a phrase without
/// words, other engines' suffixes (x~2, "a b"~3, x^2), unknown languages, reversed ranges.
class Checker {
  public:
    explicit Checker(const std::string& text) : text_(text), tokens_(tokens_of(text)) {}

    std::string rewrite() {
        std::size_t k = 0;
        group(k, std::string::npos, 0);
        std::string out = text_;
        // From the back, so that earlier columns stay valid; at one column the replacement
        // (a field name) before the insertions that go in front of it.
        std::stable_sort(edits_.begin(), edits_.end(), [](const Edit& a, const Edit& b) {
            return a.column != b.column ? a.column > b.column : a.length > b.length;
        });
        for (const Edit& e : edits_)
            out.replace(e.column, e.length, e.text);
        return out;
    }

  private:
    struct Edit {
        std::size_t column, length;
        std::string text;
    };

    static constexpr const char* kMatchAll = "xfolioall:x ";
    static constexpr unsigned kMaxDepth = 100;

    [[noreturn]] void fail(std::size_t column, const std::string& reason) const {
        throw QueryError(text_, column, reason);
    }

    void insert(std::size_t column, std::string text) {
        edits_.push_back({column, 0, std::move(text)});
    }

    /// The tokens of one group from k; `open` is the column of its '(' (npos for the query
    /// itself). Leaves k on the group's ')'.
    void group(std::size_t& k, std::size_t open, unsigned depth) {
        if (depth > kMaxDepth)
            fail(open, "parentheses nested more than " + std::to_string(kMaxDepth) + " deep");
        enum class Last { start, operand, boolean, proximity };
        Last last = Last::start;
        std::string last_operator;  // the last boolean operator ("AND NOT" for AND NOT)
        std::vector<Operand> run;   // the operands since the last boolean operator
        Operand previous;           // the last operand
        bool chain = false;         // previous ends a NEAR/ADJ chain that started at chain_start
        std::size_t chain_start = 0;
        auto end_chain = [&] {
            if (chain) {
                insert(chain_start, "(");
                insert(previous.end, ")");
            }
            chain = false;
        };
        auto end_run = [&] {
            // A word or phrase of title: or author: says what the hits must be (as a filter
            // does): next to other parts joined by the default operator it is required, as
            // +title:x, and the other parts rank ('author:lincoln "union"': Lincoln's articles
            // that say "union", not every article that says it).
            if (run.size() > 1) {
                for (const Operand& o : run) {
                    if (o.sign == 0 && !o.synonym && !o.chained && !o.field.empty() &&
                        !o.filter()) {
                        insert(o.column, "+");
                    }
                }
            }
            // Excluded parts with nothing to exclude them from but filters: from everything.
            const bool negative =
                std::any_of(run.begin(), run.end(), [](const Operand& o) { return o.sign == '-'; });
            const bool positive = std::any_of(run.begin(), run.end(), [](const Operand& o) {
                return o.sign != '-' && !o.filter();
            });
            if (negative && !positive)
                insert(run.front().column, kMatchAll);
            // Xapian's parser misreads signs after a boolean operator ("a AND -b c" as
            // a NOT (b OR c), "a OR -b c" fails): a run with signs goes in parentheses.
            if (std::any_of(run.begin(), run.end(), [](const Operand& o) { return o.sign != 0; })) {
                insert(run.front().column, "(");
                insert(run.back().end, ")");
            }
            run.clear();
        };
        for (; k < tokens_.size() && tokens_[k].text != ")"; ++k) {
            const Token& t = tokens_[k];
            if (t.text == "NOT" || is_binary_operator(t.text)) {
                const bool is_not = t.text == "NOT";
                const bool after_start = last == Last::start;
                if (is_not && last == Last::boolean && last_operator.ends_with("NOT"))
                    fail(t.column, "'NOT NOT' is a double negative: leave both out");
                if (after_start || last != Last::operand) {
                    const bool unary_not =
                        is_not && (after_start || last_operator == "AND" || last_operator == "OR" ||
                                   last_operator == "XOR");
                    if (!unary_not)
                        fail(t.column, "'" + t.text + "' needs something before it");
                }
                if (k + 1 == tokens_.size() || tokens_[k + 1].text == ")")
                    fail(t.column, "'" + t.text + "' needs something after it");
                if (is_proximity_operator(t.text)) {
                    check_distance(t);
                    if (!previous.single_word())
                        fail(previous.column, proximity_reason(t.text, previous));
                    run.back().chained = true;
                    if (!chain)
                        chain_start = previous.column;
                    chain = true;
                    last = Last::proximity;
                    continue;
                }
                end_chain();
                end_run();
                if (is_not && last != Last::operand && last_operator != "AND")
                    insert(t.column, kMatchAll);  // NOT x alone: everything but x
                last_operator = is_not && last == Last::boolean ? last_operator + " NOT" : t.text;
                last = Last::boolean;
                continue;
            }
            Operand o = operand(k, depth);
            if (o.empty)
                continue;
            if (last == Last::proximity) {
                if (!o.single_word())
                    fail(o.column, proximity_reason(tokens_[k - 1].text, o));
                o.chained = true;
            } else {
                end_chain();
                if (last == Last::boolean && last_operator.ends_with("NOT") && o.sign == '-')
                    fail(o.column, "'NOT -' is a double negative: write the word without '-'");
            }
            run.push_back(o);
            previous = o;
            last = Last::operand;
        }
        if (k == tokens_.size() && open != std::string::npos)
            fail(open, "unbalanced '(': missing ')'");
        if (k < tokens_.size() && open == std::string::npos)
            fail(tokens_[k].column, "unbalanced ')'");
        end_chain();
        end_run();
    }

    /// The operand at tokens_[k]: a group (k is left on its ')') or an item.
    Operand operand(std::size_t& k, unsigned depth) {
        const Token& t = tokens_[k];
        const bool before_group = k + 1 < tokens_.size() && tokens_[k + 1].text == "(" &&
                                  tokens_[k + 1].column == t.column + t.text.size();
        const bool signed_group = (t.text == "-" || t.text == "+") && before_group;
        // title:( group ): the field's words, one operand (required next to others as
        // title:word is); a filter takes one value, and Xapian's parser would read "(a" as it.
        std::optional<Operand> field;
        const std::size_t named = t.text[0] == '+' || t.text[0] == '-' ? 1 : 0;  // after a sign
        if (before_group && t.text.size() > named && t.text[named] == '~')       // ~(a), ~title:(a)
            fail(t.column + named, "'~' takes one word (~word), not a group");
        if (before_group && t.text.size() > named + 1 && t.text.back() == ':') {
            const std::string name = t.text.substr(named, t.text.size() - 1 - named);
            const std::string lower = detail::lower(name);
            if (std::find(kFieldNames.begin(), kFieldNames.end(), lower) != kFieldNames.end()) {
                field = Operand{};
                field->sign = named != 0 ? t.text[0] : 0;
                field->field = lower;
                if (field->filter())
                    fail(t.column, "'" + lower + ":' takes one value, not a group: write " + lower +
                                       ":a OR " + lower + ":b");
                if (lower != name)
                    edits_.push_back({t.column + named, name.size(), lower});
            }
        }
        if (t.text != "(" && !signed_group && !field)
            return item(t);
        Operand o = field.value_or(Operand{});
        o.column = t.column;
        o.group = true;
        o.empty = false;
        if (signed_group || field) {
            if (signed_group)
                o.sign = t.text[0];
            ++k;
        }
        const std::size_t open = tokens_[k].column;
        ++k;
        if (k < tokens_.size() && tokens_[k].text == ")")
            fail(open, "empty parentheses");
        group(k, open, depth + 1);
        o.end = tokens_[k].column + 1;
        return o;
    }

    std::string proximity_reason(const std::string& op, const Operand& o) const {
        std::string name = op.substr(0, op.find('/'));
        std::string what = "'" + name + "' joins single words";
        if (o.group)
            return what + ", not a group in parentheses";
        if (o.phrase)
            return what + ", not phrases (write the words: \"a b\" is a ADJ/1 b)";
        if (o.wildcard)
            return what + ", not wildcards";
        if (o.synonym)
            return what + ", not synonym groups (~word)";
        if (o.sign != 0)
            return what + ", without '" + std::string(1, o.sign) + "'";
        if (o.filter())
            return what + " of the text, title: or author:, not " + o.field + ":";
        return what;
    }

    /// NEAR/n and ADJ/n: n a whole number from 1 to kMaxDistance.
    void check_distance(const Token& t) const {
        const std::size_t slash = t.text.find('/');
        if (slash == std::string::npos)
            return;
        const std::string n = t.text.substr(slash + 1);
        const bool digits =
            !n.empty() && n.size() <= 5 &&
            std::all_of(n.begin(), n.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
        if (!digits || std::stoul(n) < 1 || std::stoul(n) > kMaxDistance) {
            fail(t.column + slash + 1, "'" + t.text.substr(0, slash) +
                                           "/n' takes a distance n from 1 to " +
                                           std::to_string(kMaxDistance));
        }
    }

    /// One word, phrase or field:value, checked for what the parser would reinterpret.
    Operand item(const Token& t) {
        Operand o;
        o.column = t.column;
        o.end = t.column + t.text.size();
        const std::string& s = t.text;
        std::size_t i = 0;
        if (s[i] == '+' || s[i] == '-') {
            o.sign = s[i];
            ++i;
            if (i < s.size() && (s[i] == '+' || s[i] == '-'))
                fail(t.column, "conflicting signs '" + s.substr(0, 2) + "': use one");
        }
        if (i < s.size() && s[i] == '~') {
            o.synonym = true;
            ++i;
        }
        // field:value; a name followed by "//" is a URL, not a field.
        std::size_t name_end = i;
        while (name_end < s.size() &&
               (std::isalnum(static_cast<unsigned char>(s[name_end])) != 0 || s[name_end] == '_'))
            ++name_end;
        if (name_end > i && name_end + 1 == s.size() && s[name_end] == ':') {
            // "year: 2020": Xapian's parser searches the words "year" and "2020".
            const std::string lower = detail::lower(s.substr(i, name_end - i));
            if (std::find(kFieldNames.begin(), kFieldNames.end(), lower) != kFieldNames.end())
                fail(t.column + i, "'" + lower +
                                       ":' takes its value right after the ':', without a "
                                       "space (" +
                                       lower + ":value)");
        }
        if (name_end > i && name_end + 1 < s.size() && s[name_end] == ':' &&
            std::isalpha(static_cast<unsigned char>(s[i])) != 0 &&
            s.compare(name_end + 1, 2, "//") != 0) {
            const std::string name = s.substr(i, name_end - i);
            const std::string lower = detail::lower(name);
            if (std::find(kFieldNames.begin(), kFieldNames.end(), lower) == kFieldNames.end())
                fail(t.column + i, unknown_field(name, s.substr(i)));
            if (lower != name)
                edits_.push_back({t.column + i, name.size(), lower});
            o.field = lower;
            i = name_end + 1;
            // Xapian's parser reads title:~gold and title:+gold as the word "title" and the
            // rest, and title:-gold as title:gold.
            if ((s[i] == '~' || s[i] == '+' || s[i] == '-') && !o.filter())
                fail(t.column + i, "'" + std::string(1, s[i]) + "' goes before the field: " + s[i] +
                                       lower + ":" + s.substr(i + 1));
        }
        if (!o.filter())
            check_suffix(s, i, t.column);
        // (A filter's value is whatever follows its ':', words or not: date:.. is a range.)
        o.empty = (o.filter() && i < s.size())
                      ? false
                      : std::none_of(s.begin() + static_cast<long>(i), s.end(),
                                     [](unsigned char c) { return is_word_char(c); });
        if (o.field == "lang" && i < s.size())
            check_language(s.substr(i), t.column + i);
        if (i < s.size() && s[i] == '"') {
            o.phrase = true;
            if (o.empty)  // "" or "...": Xapian's parser drops it, and the query may be nothing
                fail(t.column + i, "a phrase without words: write words between the quotes");
            const std::size_t star = s.find('*', i);
            if (star != std::string::npos)
                fail(t.column + star, "wildcards do not work inside phrases");
            return o;
        }
        if (o.field == "date" || o.field == "year")
            check_range(t, o.field, s.substr(i), t.column + i);
        for (std::size_t j = i; j < s.size(); ++j) {
            const auto c = static_cast<unsigned char>(s[j]);
            if (c == '*') {
                const bool after_word = j > i && is_word_char(static_cast<unsigned char>(s[j - 1]));
                if (j + 1 != s.size() || !after_word) {
                    fail(t.column + j,
                         "a wildcard '*' goes at the end of a word (soft* finds software; *soft "
                         "and mi*soft are not supported)");
                }
                if (o.filter()) {
                    fail(t.column + j,
                         "wildcards work in the text, title: and author:, not in " + o.field + ":");
                }
                // Words joined by '-', '/', '\\', '@' or '.' (but 3.14) are a phrase, where
                // Xapian's parser drops the '*' ("self-gov*" searched "self gov").
                for (std::size_t at = i + 1; at + 1 < j; ++at) {
                    const char joint = s[at];
                    const bool number = joint == '.' &&
                                        std::isdigit(static_cast<unsigned char>(s[at - 1])) != 0 &&
                                        std::isdigit(static_cast<unsigned char>(s[at + 1])) != 0;
                    if (std::string_view("-/\\@.").find(joint) != std::string_view::npos && !number)
                        fail(t.column + j, "words joined by '" + std::string(1, joint) +
                                               "' are a phrase, where wildcards do not work: "
                                               "write " +
                                               s.substr(i, at - i) + " AND " + s.substr(at + 1));
                }
                if (o.synonym)  // Xapian's parser would search "~gol" as a pattern
                    fail(t.column + s.find('~'),
                         "'~' takes a word, not a wildcard: write " + s.substr(i) + " alone");
                o.wildcard = true;
            } else if (c == '?' && j > i && j + 1 < s.size() &&
                       is_word_char(static_cast<unsigned char>(s[j - 1])) &&
                       is_word_char(static_cast<unsigned char>(s[j + 1]))) {
                fail(t.column + j,
                     "'?' is not a wildcard: only a trailing '*' is (micro* finds microsoft)");
            }
        }
        return o;
    }

    /// date:FROM..TO and year:FROM..TO, the value starting at `column`.
    void check_range(const Token& t, const std::string& field, const std::string& value,
                     std::size_t column) const {
        (void)t;
        const bool is_year = field == "year";
        // `bound`: the first (or last, `upper`) day that `v` stands for, as YYYYMMDD.
        auto ok = [&](const std::string& v, bool upper, std::string& bound) {
            if (v.empty())
                return true;
            if (is_year) {
                bound = v + (upper ? "1231" : "0101");
                return v.size() == 4 && std::all_of(v.begin(), v.end(), [](unsigned char c) {
                           return std::isdigit(c) != 0;
                       });
            }
            return detail::date_bound(v, upper, bound);
        };
        std::string first, last;
        const std::size_t dots = value.find("..");
        if (dots == std::string::npos) {
            if (!ok(value, false, first) || value.empty()) {
                fail(column, std::string("expected ") +
                                 (is_year ? "a year (YYYY) or a range YYYY..YYYY"
                                          : "a date (YYYY-MM-DD) or a range FROM..TO"));
            }
            return;
        }
        const std::string from = value.substr(0, dots), to = value.substr(dots + 2);
        if (!ok(from, false, first))
            fail(column, "'" + from + "' is not a " + (is_year ? "year" : "date"));
        if (!ok(to, true, last))
            fail(column + dots + 2, "'" + to + "' is not a " + (is_year ? "year" : "date"));
        // By the days the ends stand for, not as written: 2020-05..2020 is May to December.
        if (!first.empty() && !last.empty() && first > last)
            fail(column, "range starts after it ends");
    }

    /// Another engine's suffixes after a word or phrase (Lucene's gold~2, "a b"~3, gold^2),
    /// which Xapian's parser would read as one more word ("2").
    void check_suffix(const std::string& s, std::size_t i, std::size_t column) const {
        const std::size_t at = s.find_last_of("~^");
        if (at == std::string::npos || at <= i || s.find('"', at) != std::string::npos)
            return;
        const auto before = static_cast<unsigned char>(s[at - 1]);
        if ((!is_word_char(before) && before != '"') ||
            !std::all_of(s.begin() + static_cast<long>(at) + 1, s.end(),
                         [](unsigned char c) { return std::isdigit(c) != 0 || c == '.'; }))
            return;
        if (s[at] == '^')
            fail(column + at,
                 "'" + s.substr(at) + "' is not supported (a boost): the ranking weighs the words");
        fail(column + at, "'" + s.substr(at) +
                              "' after a word or phrase is not supported: for words near each "
                              "other write a NEAR/n b; ~word (before it) adds its synonyms");
    }

    /// lang:VALUE: a language Folio knows, else no article can have it (the indexer files an
    /// article of an unknown tag under the database's language).
    void check_language(std::string value, std::size_t column) const {
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
            value = value.substr(1, value.size() - 2);
        try {
            canonical_language(value);
        } catch (const UsageError&) {
            fail(column, "unknown language '" + value +
                             "': lang: takes a language name, an ISO 639 code or a BCP 47 tag "
                             "(lang:french, lang:fr, lang:fr-CA; folio-indexer --list-languages)");
        }
    }

    std::string unknown_field(const std::string& name, const std::string& written) const {
        const std::string lower = detail::lower(name);
        std::string reason = "unknown field '" + name + ":'";
        std::string_view best;
        std::size_t best_distance = 3;
        for (std::string_view field : kFieldNames) {
            const std::size_t d = edit_distance(lower, field);
            if (d < best_distance) {
                best_distance = d;
                best = field;
            }
        }
        if (!best.empty())
            reason += " (did you mean " + std::string(best) + ":?)";
        return reason +
               "; the fields are title:, author:, tag:, source:, lang:, date: and year:; to "
               "search the words, quote them: \"" +
               written + "\"";
    }

    const std::string& text_;
    std::vector<Token> tokens_;
    std::vector<Edit> edits_;
};

/// `text` checked and rewritten for Xapian's parser (see Checker).

}  // namespace

namespace detail {

/// Splits outside quotes at spaces and parentheses, keeping each parenthesis as a token.
std::vector<Token> tokens_of(const std::string& text) {
    std::vector<Token> out;
    std::size_t i = 0;
    while (i < text.size()) {
        if (detail::is_space(text[i])) {
            ++i;
            continue;
        }
        if (text[i] == '(' || text[i] == ')') {
            out.push_back({std::string(1, text[i]), i});
            ++i;
            continue;
        }
        std::size_t start = i;
        bool quoted = false;
        while (i < text.size() &&
               (quoted || (!detail::is_space(text[i]) && text[i] != '(' && text[i] != ')'))) {
            if (text[i] == '"')
                quoted = !quoted;
            ++i;
        }
        out.push_back({text.substr(start, i - start), start});
    }
    return out;
}

bool is_binary_operator(const std::string& t) {
    if (t == "AND" || t == "OR" || t == "XOR" || t == "NEAR" || t == "ADJ")
        return true;
    return t.starts_with("NEAR/") || t.starts_with("ADJ/");
}

std::string checked_query(const std::string& text) {
    // Quotes first: an unterminated phrase points at its opening quote.
    std::size_t open_quote = std::string::npos;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '"')
            open_quote = open_quote == std::string::npos ? i : std::string::npos;
    }
    if (open_quote != std::string::npos)
        throw QueryError(text, open_quote, "unterminated phrase: missing closing \"");
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x20 && !detail::is_space(text[i]))
            throw QueryError(text, i, "control character in query");
    }
    // Parsing and matching cost grows faster than the length of the query (10,000 words took
    // seconds): longer queries are refused.
    std::size_t words = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (!detail::is_space(text[i]) && (i == 0 || detail::is_space(text[i - 1])) &&
            ++words > kMaxQueryWords) {
            throw QueryError(
                text, i, "query too long: more than " + std::to_string(kMaxQueryWords) + " words");
        }
    }
    return Checker(text).rewrite();
}

}  // namespace detail

void check_query_syntax(const std::string& text) {
    checked_query(text);
}

}  // namespace folio
