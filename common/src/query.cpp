#include "folio/query.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <optional>
#include <set>
#include <string_view>

#include "folio/error.hpp"
#include "folio/readers.hpp"
#include "folio/schema.hpp"
#include "folio/stemmer.hpp"

namespace folio {

namespace {

/// A boolean field: the value is lower-cased into one filter term.
class BooleanField : public Xapian::FieldProcessor {
  public:
    explicit BooleanField(std::string_view prefix) : prefix_(prefix) {}
    Xapian::Query operator()(const std::string& value) override {
        return Xapian::Query(schema::boolean_term(prefix_, value));
    }

  private:
    std::string prefix_;
};

/// lang:en, lang:English, lang:french: any name or code Folio accepts.
class LanguageField : public Xapian::FieldProcessor {
  public:
    Xapian::Query operator()(const std::string& value) override {
        std::string language;
        try {
            language = canonical_language(value);
        } catch (const UsageError&) {
            language = value;  // matches nothing, as an unknown tag would
        }
        return Xapian::Query(schema::boolean_term(schema::kPrefixLanguage, language));
    }
};

/// The match-all field that Checker puts in front of a query or group made only of excluded
/// parts: every article, at no weight, so that the words around it rank as they would alone.
class MatchAllField : public Xapian::FieldProcessor {
  public:
    Xapian::Query operator()(const std::string&) override {
        return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query::MatchAll, 0.0);
    }
};

/// The date fields: year:1862, year:1990..1999, date:2020-01-01..2021-06-30 (also 2020-01 or
/// 2020 at either end, or alone for the whole period; open ends allowed) over the date slot.
/// Boolean fields, so that a range is a filter like tag: (excluded with '-', joined with OR to
/// the same field's other values); Checker has refused malformed values before.
class DateField : public Xapian::FieldProcessor {
  public:
    DateField(bool year, std::shared_ptr<std::pair<std::string, std::string>> error)
        : year_(year), error_(std::move(error)) {}

    Xapian::Query operator()(const std::string& value) override {
        const std::size_t dots = value.find("..");
        std::string from, to;
        const std::string begin = dots == std::string::npos ? value : value.substr(0, dots);
        const std::string end = dots == std::string::npos ? value : value.substr(dots + 2);
        if ((!begin.empty() && !bound(begin, false, from)) ||
            (!end.empty() && !bound(end, true, to)) ||
            (dots == std::string::npos && from.empty())) {
            // The checker refuses these where a query names the field; this is a field that
            // Xapian's parser found inside a word ("x$year:abc").
            const std::string field = year_ ? "year:" : "date:";
            if (error_->first.empty()) {
                *error_ = {field + value, "'" + field + value + "': expected " +
                                              (year_ ? "a year (YYYY) or a range YYYY..YYYY"
                                                     : "a date (YYYY-MM-DD) or a range FROM..TO")};
            }
            return Xapian::Query::MatchNothing;
        }
        if (year_ && dots == std::string::npos)  // one year: its term
            return Xapian::Query(std::string(schema::kPrefixYear) + value);
        if (from.empty() && to.empty())  // date:.. : every dated article
            return Xapian::Query(Xapian::Query::OP_VALUE_GE, schema::kSlotDate, "0");
        if (from.empty())
            return Xapian::Query(Xapian::Query::OP_VALUE_LE, schema::kSlotDate, to);
        if (to.empty())
            return Xapian::Query(Xapian::Query::OP_VALUE_GE, schema::kSlotDate, from);
        return Xapian::Query(Xapian::Query::OP_VALUE_RANGE, schema::kSlotDate, from, to);
    }

    /// "2020" -> 20200101 (or 20201231 as an upper bound), "2020-06" likewise, full dates as
    /// they are (years only for year:); false when `text` is no such date.
    bool bound(const std::string& text, bool upper, std::string& out) const {
        if (year_) {
            if (text.size() != 4 || !std::all_of(text.begin(), text.end(), [](unsigned char c) {
                    return std::isdigit(c) != 0;
                }))
                return false;
            out = text + (upper ? "1231" : "0101");
            return true;
        }
        return date_bound(text, upper, out);
    }

    /// A date (YYYY-MM-DD, YYYY-MM or YYYY) as the first or last day it stands for.
    static bool date_bound(const std::string& text, bool upper, std::string& out) {
        std::string iso = text;
        if (text.size() == 4) {
            iso += upper ? "-12-31" : "-01-01";
        } else if (text.size() == 7) {
            iso += upper ? "-31" : "-01";
        }
        if (iso.size() == 10 && upper && text.size() == 7) {
            // The end of a month: the last day that normalize_date accepts.
            for (const char* day : {"31", "30", "29", "28"}) {
                std::string candidate = iso.substr(0, 8) + day;
                if (normalize_date(candidate)) {
                    iso = candidate;
                    break;
                }
            }
        }
        auto normal = normalize_date(iso);
        if (!normal || *normal != iso)
            return false;
        out = schema::date_value(iso);
        return true;
    }

  private:
    bool year_;
    std::shared_ptr<std::pair<std::string, std::string>> error_;
};

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

struct Token {
    std::string text;
    std::size_t column;
};

/// Splits outside quotes at spaces and parentheses, keeping each parenthesis as a token.
std::vector<Token> tokens_of(const std::string& text) {
    std::vector<Token> out;
    std::size_t i = 0;
    while (i < text.size()) {
        if (is_space(text[i])) {
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
               (quoted || (!is_space(text[i]) && text[i] != '(' && text[i] != ')'))) {
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

bool is_proximity_operator(const std::string& t) {
    return t == "NEAR" || t == "ADJ" || t.starts_with("NEAR/") || t.starts_with("ADJ/");
}

std::string lower_ascii(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
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
/// conflicting signs, NEAR or ADJ next to anything but a word.
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
                    if (o.sign == 0 && !o.group && !o.synonym && !o.chained && !o.field.empty() &&
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
        const bool signed_group = (t.text == "-" || t.text == "+") && k + 1 < tokens_.size() &&
                                  tokens_[k + 1].text == "(" &&
                                  tokens_[k + 1].column == t.column + 1;
        if (t.text != "(" && !signed_group)
            return item(t);
        Operand o;
        o.column = t.column;
        o.group = true;
        if (signed_group) {
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
        if (name_end > i && name_end + 1 < s.size() && s[name_end] == ':' &&
            std::isalpha(static_cast<unsigned char>(s[i])) != 0 &&
            s.compare(name_end + 1, 2, "//") != 0) {
            const std::string name = s.substr(i, name_end - i);
            const std::string lower = lower_ascii(name);
            if (std::find(kFieldNames.begin(), kFieldNames.end(), lower) == kFieldNames.end())
                fail(t.column + i, unknown_field(name, s.substr(i)));
            if (lower != name)
                edits_.push_back({t.column + i, name.size(), lower});
            o.field = lower;
            i = name_end + 1;
        }
        o.empty = std::none_of(s.begin() + static_cast<long>(i), s.end(),
                               [](unsigned char c) { return is_word_char(c); });
        if (i < s.size() && s[i] == '"') {
            o.phrase = true;
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
        auto ok = [&](const std::string& v, bool upper) {
            if (v.empty())
                return true;
            if (is_year) {
                return v.size() == 4 && std::all_of(v.begin(), v.end(), [](unsigned char c) {
                           return std::isdigit(c) != 0;
                       });
            }
            std::string ignored;
            return DateField::date_bound(v, upper, ignored);
        };
        const std::size_t dots = value.find("..");
        if (dots == std::string::npos) {
            if (!ok(value, false) || value.empty()) {
                fail(column, std::string("expected ") +
                                 (is_year ? "a year (YYYY) or a range YYYY..YYYY"
                                          : "a date (YYYY-MM-DD) or a range FROM..TO"));
            }
            return;
        }
        const std::string from = value.substr(0, dots), to = value.substr(dots + 2);
        if (!ok(from, false))
            fail(column, "'" + from + "' is not a " + (is_year ? "year" : "date"));
        if (!ok(to, true))
            fail(column + dots + 2, "'" + to + "' is not a " + (is_year ? "year" : "date"));
        if (!from.empty() && !to.empty() && from > to)
            fail(column, "range starts after it ends");
    }

    std::string unknown_field(const std::string& name, const std::string& written) const {
        const std::string lower = lower_ascii(name);
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
        if (c < 0x20 && !is_space(text[i]))
            throw QueryError(text, i, "control character in query");
    }
    // Parsing and matching cost grows faster than the length of the query (10,000 words took
    // seconds): longer queries are refused.
    std::size_t words = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (!is_space(text[i]) && (i == 0 || is_space(text[i - 1])) && ++words > kMaxQueryWords) {
            throw QueryError(
                text, i, "query too long: more than " + std::to_string(kMaxQueryWords) + " words");
        }
    }
    return Checker(text).rewrite();
}

}  // namespace

void check_query_syntax(const std::string& text) {
    checked_query(text);
}

namespace {

/// The free-text fields a query may name ("" for none) with their term prefixes, and for each
/// the hidden field QueryBuilder::rewrite_wildcards sends its wildcards to in a stems-only
/// database (schema 2), which has no terms under the field's own prefix: the hidden field's
/// prefix adds the stem prefix, so "milit*" expands over the stems (militia, militari, milit:
/// militia, military, militant).
struct TextField {
    std::string_view name;
    std::string_view prefix;
    std::string_view wildcard_field;
};
constexpr std::array<TextField, 3> kTextFields{{
    {"", "", "xfoliowild"},
    {"title", schema::kPrefixTitle, "xfoliowildtitle"},
    {"author", schema::kPrefixAuthor, "xfoliowildauthor"},
}};

}  // namespace

QueryBuilder::QueryBuilder(const Xapian::Database& db, const QueryOptions& options)
    : db_(db),
      stem_(make_stemmer(options.language, options.word_rules)),
      language_(options.language),
      word_rules_(options.word_rules),
      stems_only_(schema::stems_only(schema::version_of(db))),
      wildcard_limit_(options.wildcard_limit) {
    parser_.set_database(db);
    parser_.set_stemmer(stem_);
    // As the database's schema indexes words (see schema::kVersion).
    parser_.set_stemming_strategy(stems_only_ ? Xapian::QueryParser::STEM_ALL_Z
                                              : Xapian::QueryParser::STEM_SOME);
    if (const Xapian::Stopper* stopper = make_stopper(options.language)) {
        parser_.set_stopper(stopper);
    }
    parser_.set_default_op(options.default_and ? Xapian::Query::OP_AND : Xapian::Query::OP_OR);
    parser_.set_max_expansion(options.wildcard_limit, Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT);
    for (const TextField& field : kTextFields) {
        if (!field.name.empty())
            parser_.add_prefix(std::string(field.name), std::string(field.prefix));
        if (stems_only_)  // parse() sends wildcards here, to expand over the stems
            parser_.add_prefix(std::string(field.wildcard_field), "Z" + std::string(field.prefix));
    }
    parser_.add_prefix("xfolioall", (new MatchAllField())->release());
    parser_.add_boolean_prefix("tag", (new BooleanField(schema::kPrefixTag))->release());
    parser_.add_boolean_prefix("source", (new BooleanField(schema::kPrefixSource))->release());
    parser_.add_boolean_prefix("lang", (new LanguageField())->release());
    parser_.add_boolean_prefix("year", (new DateField(true, field_error_))->release());
    parser_.add_boolean_prefix("date", (new DateField(false, field_error_))->release());
    flags_ = Xapian::QueryParser::FLAG_DEFAULT | Xapian::QueryParser::FLAG_WILDCARD |
             Xapian::QueryParser::FLAG_PURE_NOT | Xapian::QueryParser::FLAG_SYNONYM;
    if (options.expand_synonyms)
        flags_ |= Xapian::QueryParser::FLAG_AUTO_SYNONYMS;
    cjk_ = stems_only_ && word_rules_ && options.language != "none";
    if (cjk_)
        flags_ |= Xapian::QueryParser::FLAG_CJK_NGRAM;
    if (stems_only_)
        plan_languages(options);
}

void QueryBuilder::plan_languages(const QueryOptions& options) {
    // The rule (docs/QUERY-SYNTAX.md, "Languages"): a word is looked for as its stem in every
    // language the database's articles are indexed in, the database's own first. A database
    // built with "none" indexes words as written; one built with "none" before schema 4 stemmed
    // the articles that named a language, and those are looked for too.
    const bool plain = options.language == "none";
    std::vector<std::string> order{options.language};
    for (const std::string& language : options.languages) {
        if (std::find(order.begin(), order.end(), language) == order.end())
            order.push_back(language);
    }
    const bool stemmed_terms = !plain || db_.allterms_begin("Z") != db_.allterms_end("Z");
    for (const std::string& language : order) {
        if (plain && language == options.language) {
            expansions_.push_back({language, Xapian::Stem(), true});
        } else if (stemmed_terms) {
            try {
                if (language == "none") {
                    expansions_.push_back({language, make_identity_stemmer(), false});
                    continue;
                }
                expansions_.push_back(
                    {language, make_stemmer(language, options.word_rules), false});
                // Shards built before and after elision was split off: both forms.
                if (options.mixed_word_rules && split_elision("l'a", language).size() == 1)
                    expansions_.push_back(
                        {language, make_stemmer(language, !options.word_rules), false});
            } catch (const UsageError&) {
                continue;  // a language this build has no stemmer for: its articles' stems unknown
            }
        }
    }
    if (expansions_.size() <= 1)
        expansions_.clear();  // the parser's own stemming is the whole rule
}

std::vector<std::string> QueryBuilder::word_terms(const std::string& prefix,
                                                  const std::string& word, bool unique) const {
    std::vector<std::string> out;
    for (const Expansion& e : expansions_) {
        std::string term = e.plain ? prefix + word : "Z" + prefix + e.stem(word);
        if (term.size() > schema::kMaxTermLength)
            continue;
        if (!unique || std::find(out.begin(), out.end(), term) == out.end())
            out.push_back(std::move(term));
    }
    return out;
}

namespace {

/// The number after `word` at the top level of a compound query's description, as Xapian
/// prints the window of PHRASE and NEAR ("((a PHRASE 2 b))"); 0 when it cannot be read.
Xapian::termcount window_of(const Xapian::Query& query, std::string_view word) {
    const std::string description = query.get_description();
    std::string first = query.get_subquery(0).get_description();  // "Query(...)"
    if (first.size() < 7)
        return 0;
    first = first.substr(6, first.size() - 7);
    const std::string head = "Query((" + first + " " + std::string(word) + " ";
    if (!description.starts_with(head))
        return 0;
    return static_cast<Xapian::termcount>(
        std::strtoul(description.c_str() + head.size(), nullptr, 10));
}

/// The query position of a leaf term as its description shows it ("Query(Zword@3)"), or 0.
Xapian::termpos position_of(const Xapian::Query& leaf) {
    const std::string description = leaf.get_description();
    const std::size_t at = description.rfind('@');
    if (at == std::string::npos || description.back() != ')')
        return 0;
    for (std::size_t i = at + 1; i + 1 < description.size(); ++i) {
        if (description[i] < '0' || description[i] > '9')
            return 0;
    }
    return static_cast<Xapian::termpos>(std::strtoul(description.c_str() + at + 1, nullptr, 10));
}

/// `query` with its subqueries replaced by `parts`, or nothing where Xapian 1.4 gives no way to
/// rebuild its type: the boolean operators as they are; PHRASE and NEAR with their window, and
/// SCALE_WEIGHT with its factor, both read from the description (1.4 has no accessor for them).
/// The one place that rebuilds parsed queries (languages, CJK, the XOR and AND_MAYBE rewrites).
std::optional<Xapian::Query> rebuilt(const Xapian::Query& query,
                                     const std::vector<Xapian::Query>& parts) {
    const auto type = query.get_type();
    switch (type) {
        case Xapian::Query::OP_AND:
        case Xapian::Query::OP_OR:
        case Xapian::Query::OP_AND_NOT:
        case Xapian::Query::OP_XOR:
        case Xapian::Query::OP_AND_MAYBE:
        case Xapian::Query::OP_FILTER:
        case Xapian::Query::OP_SYNONYM:
        case Xapian::Query::OP_MAX:
            return Xapian::Query(type, parts.begin(), parts.end());
        case Xapian::Query::OP_PHRASE:
        case Xapian::Query::OP_NEAR: {
            const Xapian::termcount window =
                window_of(query, type == Xapian::Query::OP_PHRASE ? "PHRASE" : "NEAR");
            if (window == 0)
                return std::nullopt;
            return Xapian::Query(type, parts.begin(), parts.end(), window);
        }
        case Xapian::Query::OP_SCALE_WEIGHT: {
            const std::string description = query.get_description();  // "Query(0 * ...)"
            const std::size_t star = description.find(" * ");
            if (parts.size() != 1 || star == std::string::npos ||
                !description.starts_with("Query("))
                return std::nullopt;
            const std::string factor = description.substr(6, star - 6);
            char* end = nullptr;
            const double scale = std::strtod(factor.c_str(), &end);
            if (factor.empty() || end != factor.c_str() + factor.size())
                return std::nullopt;
            return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, parts.front(), scale);
        }
        default:
            return std::nullopt;
    }
}

}  // namespace

Xapian::Query QueryBuilder::expand_languages(const Xapian::Query& query, bool positional) const {
    const auto type = query.get_type();
    if (type == Xapian::Query::LEAF_TERM) {
        const std::string term = *query.get_terms_begin();
        const bool stemmed = term.starts_with('Z');
        std::string_view rest(term);
        if (stemmed)
            rest.remove_prefix(1);
        const std::string prefix(rest.substr(0, schema::prefix_length(rest)));
        if (prefix != "" && prefix != schema::kPrefixTitle && prefix != schema::kPrefixAuthor)
            return query;  // a filter term
        std::vector<std::string> terms{term};
        for (auto word = parser_.unstem_begin(term); word != parser_.unstem_end(term); ++word) {
            for (std::string& t : word_terms(prefix, Xapian::Unicode::tolower(*word), true))
                terms.push_back(std::move(t));
        }
        if (terms.size() == 1)
            return query;  // not a word of the query (a synonym's term, say)
        // The parser's term first (the database's own language), then the other languages'
        // forms in their order, each once: query_terms reads a phrase's k-th forms as the
        // phrase in one language.
        std::vector<std::string> unique;
        for (std::string& t : terms) {
            if (std::find(unique.begin(), unique.end(), t) == unique.end())
                unique.push_back(std::move(t));
        }
        terms.swap(unique);
        if (terms.size() == 1)
            return query;
        const Xapian::termpos pos = position_of(query);
        std::vector<Xapian::Query> leaves;
        for (const std::string& t : terms)
            leaves.emplace_back(t, 1, pos);
        return Xapian::Query(positional ? Xapian::Query::OP_OR : Xapian::Query::OP_SYNONYM,
                             leaves.begin(), leaves.end());
    }
    const std::size_t n = query.get_num_subqueries();
    if (n == 0)
        return query;  // other leaves: wildcards, value ranges, match-all
    const bool inner_positional =
        positional || type == Xapian::Query::OP_PHRASE || type == Xapian::Query::OP_NEAR;
    std::vector<Xapian::Query> subqueries;
    bool changed = false;
    for (std::size_t i = 0; i < n; ++i) {
        const Xapian::Query sub = query.get_subquery(i);
        subqueries.push_back(expand_languages(sub, inner_positional));
        changed = changed || subqueries.back().internal.get() != sub.internal.get();
    }
    if (!changed)
        return query;
    // A query that cannot be rebuilt (an elite set, say): as it is.
    return rebuilt(query, subqueries).value_or(query);
}

namespace {

/// True for the code points Xapian's n-gram mode splits (CJK ideographs, kana, Hangul, and
/// their punctuation and compatibility forms).
bool is_cjk(std::uint32_t c) {
    return (c >= 0x2E80 && c <= 0x9FFF) || (c >= 0xA960 && c <= 0xA97F) ||
           (c >= 0xAC00 && c <= 0xD7AF) || (c >= 0xF900 && c <= 0xFAFF) ||
           (c >= 0xFF00 && c <= 0xFFEF) || (c >= 0x20000 && c <= 0x2FFFF);
}

/// The first code point of `s` (valid UTF-8), or 0.
std::uint32_t first_code_point(std::string_view s) {
    Xapian::Utf8Iterator it(s.data(), s.size());
    return it == Xapian::Utf8Iterator() ? 0 : *it;
}

}  // namespace

Xapian::Query QueryBuilder::cjk_ngrams(const Xapian::Query& query) const {
    const auto type = query.get_type();
    if (type == Xapian::Query::LEAF_TERM) {
        // Xapian's parser gives a CJK n-gram without the stem prefix its TermGenerator gave it.
        const std::string term = *query.get_terms_begin();
        const std::size_t prefix = schema::prefix_length(term);
        const std::string_view field = std::string_view(term).substr(0, prefix);
        if (term.starts_with('Z') ||
            (field != "" && field != schema::kPrefixTitle && field != schema::kPrefixAuthor) ||
            !is_cjk(first_code_point(std::string_view(term).substr(prefix))))
            return query;
        return Xapian::Query("Z" + term, 1, position_of(query));
    }
    const std::size_t n = query.get_num_subqueries();
    if (n == 0)
        return query;
    std::vector<Xapian::Query> subqueries;
    bool changed = false;
    std::size_t cjk_unigrams = 0;  // in a phrase: characters, a position apart from each other
    for (std::size_t i = 0; i < n; ++i) {
        const Xapian::Query sub = query.get_subquery(i);
        subqueries.push_back(cjk_ngrams(sub));
        changed = changed || subqueries.back().internal.get() != sub.internal.get();
        if (sub.get_type() == Xapian::Query::LEAF_TERM) {
            const std::string term = *sub.get_terms_begin();
            const std::string_view word =
                std::string_view(term).substr(schema::prefix_length(term));
            Xapian::Utf8Iterator it(word.data(), word.size());
            if (it != Xapian::Utf8Iterator() && is_cjk(*it) && ++it == Xapian::Utf8Iterator())
                ++cjk_unigrams;
        }
    }
    if (type == Xapian::Query::OP_PHRASE || type == Xapian::Query::OP_NEAR) {
        // The index puts each pair of characters between its two characters: consecutive
        // characters are two positions apart.
        const Xapian::termcount window =
            window_of(query, type == Xapian::Query::OP_PHRASE ? "PHRASE" : "NEAR");
        if (window == 0 || (!changed && cjk_unigrams < 2))
            return query;
        return Xapian::Query(type, subqueries.begin(), subqueries.end(),
                             window + (cjk_unigrams > 1 ? cjk_unigrams - 1 : 0));
    }
    if (!changed)
        return query;
    return rebuilt(query, subqueries).value_or(query);
}

const Xapian::Stem& QueryBuilder::stemmer_for(const std::string& language) const {
    if (language.empty() || language == language_)
        return stem_;
    for (const Expansion& e : expansions_) {
        if (e.language == language)
            return e.stem;
    }
    return stem_;
}

QueryBuilder::~QueryBuilder() = default;

std::string QueryBuilder::stem_pattern(const std::string& pattern) const {
    // A pattern can run past the stem of the words it should find ("emancipat*": emancipation
    // stems to "emancip"; "liberty*": liberti): cut it back to the stems of the spelling
    // dictionary's words that start with it, by two letters at most ("emancip*", "libert*").
    std::string lower = Xapian::Unicode::tolower(pattern);
    std::size_t keep = lower.size();
    if (stem_.is_none() || lower.size() < 3)
        return lower;
    try {
        auto it = db_.spellings_begin();
        unsigned seen = 0;
        for (it.skip_to(lower);
             it != db_.spellings_end() && (*it).starts_with(lower) && ++seen <= 1000; ++it) {
            const std::string stem = stem_(*it);
            std::size_t common = 0;
            while (common < stem.size() && common < keep && stem[common] == lower[common])
                ++common;
            if (common < keep && common + 2 >= lower.size() && common >= 3)
                keep = common;
        }
    } catch (const Xapian::UnimplementedError&) {
        // Remote shards keep no spelling dictionary here: the pattern as typed.
    }
    return lower.substr(0, keep);
}

std::string QueryBuilder::rewrite_wildcards(const std::string& text) {
    wildcards_.clear();
    std::string out = text;
    long shift = 0;
    for (const Token& t : tokens_of(text)) {
        const std::string& w = t.text;
        if (w.size() < 2 || w.back() != '*' || w.find('"') != std::string::npos)
            continue;
        std::size_t start = (w[0] == '+' || w[0] == '-') ? 1 : 0;
        std::size_t colon = w.find(':', start);
        std::string_view field = colon == std::string::npos
                                     ? std::string_view()
                                     : std::string_view(w).substr(start, colon - start);
        std::size_t word = colon == std::string::npos ? start : colon + 1;
        if (word + 1 >= w.size())
            continue;
        for (const TextField& text_field : kTextFields) {
            if (text_field.name != field)
                continue;
            const std::string typed = w.substr(word, w.size() - 1 - word);
            std::string pattern =
                stems_only_ ? stem_pattern(typed) : Xapian::Unicode::tolower(typed);
            if (stems_only_ && word_rules_)
                pattern = fold_accents(pattern);  // as the stems are
            wildcards_.push_back(pattern);
            if (!stems_only_)
                continue;
            std::string replacement =
                w.substr(0, start) + std::string(text_field.wildcard_field) + ":" + pattern + "*";
            out.replace(static_cast<std::size_t>(static_cast<long>(t.column) + shift), w.size(),
                        replacement);
            shift += static_cast<long>(replacement.size()) - static_cast<long>(w.size());
        }
    }
    return out;
}

namespace {

/// `query` with every XOR written with OR, AND and AND_NOT: a XOR b is (a OR b) AND_NOT
/// (a AND b), and a XOR b XOR c is (a XOR b) XOR c; the same matches and weights (one side's).
/// Xapian 1.4.22's XOR postlist reads memory it never set (valgrind: postlist_sub_xor), which
/// made XOR queries match differently from run to run. Only the boolean operators that the
/// parser puts above an XOR are rebuilt; anything else is kept as it is.
Xapian::Query without_xor(const Xapian::Query& query) {
    const auto type = query.get_type();
    switch (type) {
        case Xapian::Query::OP_AND:
        case Xapian::Query::OP_OR:
        case Xapian::Query::OP_AND_NOT:
        case Xapian::Query::OP_AND_MAYBE:
        case Xapian::Query::OP_FILTER:
        case Xapian::Query::OP_XOR:
        case Xapian::Query::OP_SCALE_WEIGHT:  // the parser weighs boolean-only parts at 0
            break;
        default:
            return query;
    }
    bool changed = false;
    std::vector<Xapian::Query> parts;
    for (std::size_t i = 0; i < query.get_num_subqueries(); ++i) {
        const Xapian::Query sub = query.get_subquery(i);
        parts.push_back(without_xor(sub));
        changed = changed || parts.back().internal.get() != sub.internal.get();
    }
    if (type == Xapian::Query::OP_XOR) {
        Xapian::Query odd = parts.front();
        for (std::size_t i = 1; i < parts.size(); ++i) {
            odd = Xapian::Query(Xapian::Query::OP_AND_NOT,
                                Xapian::Query(Xapian::Query::OP_OR, odd, parts[i]),
                                Xapian::Query(Xapian::Query::OP_AND, odd, parts[i]));
        }
        return odd;
    }
    if (!changed)
        return query;  // no XOR below: as it is
    std::optional<Xapian::Query> out = rebuilt(query, parts);
    if (!out)
        throw QueryError(query.get_description(), 0, "cannot rewrite XOR under a weight");
    return *out;
}

/// `query` matching as it does, with every AND_MAYBE in an excluded part (the right side of an
/// AND_NOT, where only matching counts) cut to its first subquery. Xapian 1.4.22 reads memory it
/// never set when it builds an AND_MAYBE under an AND_NOT (valgrind), and such queries matched
/// different sets in a build with another allocator (ASan): "a NOT (+b c)", "a XOR +b c".
Xapian::Query without_maybe(const Xapian::Query& query, bool excluded) {
    const auto type = query.get_type();
    switch (type) {
        case Xapian::Query::OP_AND:
        case Xapian::Query::OP_OR:
        case Xapian::Query::OP_AND_NOT:
        case Xapian::Query::OP_AND_MAYBE:
        case Xapian::Query::OP_FILTER:
            break;
        default:
            return query;
    }
    if (excluded && type == Xapian::Query::OP_AND_MAYBE)
        return without_maybe(query.get_subquery(0), true);
    bool changed = false;
    std::vector<Xapian::Query> parts;
    for (std::size_t i = 0; i < query.get_num_subqueries(); ++i) {
        const Xapian::Query sub = query.get_subquery(i);
        parts.push_back(
            without_maybe(sub, excluded || (type == Xapian::Query::OP_AND_NOT && i > 0)));
        changed = changed || parts.back().internal.get() != sub.internal.get();
    }
    return changed ? rebuilt(query, parts).value_or(query) : query;
}

/// The parser's query as Folio runs it: see without_xor and without_maybe.
Xapian::Query as_run(const Xapian::Query& query) {
    return without_maybe(without_xor(query), false);
}

}  // namespace

Xapian::Query QueryBuilder::parse(const std::string& text) {
    // Operators with a distance are unambiguous in any case: near/3, Adj/2.
    std::string normal = text;
    for (Token& t : tokens_of(text)) {
        std::string upper = t.text;
        std::transform(upper.begin(), upper.end(), upper.begin(),
                       [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
        if (upper.starts_with("NEAR/") || upper.starts_with("ADJ/")) {
            normal.replace(t.column, t.text.size(), upper);
        }
    }
    try {
        normal = checked_query(normal);
    } catch (const QueryError& e) {
        throw QueryError(text, e.column(), e.reason());  // the query as the user wrote it
    }
    normal = rewrite_wildcards(normal);
    try {
        *field_error_ = {};
        Xapian::Query query = as_run(parser_.parse_query(normal, flags_));
        if (!field_error_->first.empty()) {
            const std::size_t at = text.find(field_error_->first);
            const std::string reason = field_error_->second;
            *field_error_ = {};
            throw QueryError(text, at == std::string::npos ? 0 : at, reason);
        }
        if (cjk_ && std::any_of(normal.begin(), normal.end(),
                                [](char c) { return static_cast<unsigned char>(c) >= 0xE2; }))
            query = cjk_ngrams(query);
        if (!expansions_.empty())
            return expand_languages(query, false);
        return query;
    } catch (const Xapian::QueryParserError& e) {
        throw QueryError(text, 0, e.get_msg());
    } catch (const Xapian::WildcardError& e) {
        throw QueryError(text, 0, "a wildcard matches too many words: " + e.get_msg());
    }
}

Xapian::Query QueryBuilder::filtered(const Xapian::Query& query,
                                     const std::vector<std::string>& filters) {
    Xapian::Query result = query;
    for (const auto& f : filters) {
        Xapian::Query filter = parse(f);
        if (result.empty()) {
            result = Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, filter, 0.0);
        } else {
            result = Xapian::Query(Xapian::Query::OP_FILTER, result, filter);
        }
    }
    return result;
}

namespace {

bool is_word_byte(unsigned char c) {
    return std::isalnum(c) != 0 || c == '\'' || c >= 0x80;
}

bool is_operator(const std::string& token) {
    std::string upper = token;
    std::transform(upper.begin(), upper.end(), upper.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return token == "NOT" || is_binary_operator(token) || upper.starts_with("NEAR/") ||
           upper.starts_with("ADJ/");
}

}  // namespace

SpellingRule QueryBuilder::spelling_rule() const {
    return spelling_rule_;
}

Xapian::doccount QueryBuilder::word_frequency(const std::string& lower) const {
    Xapian::doccount df = db_.get_termfreq(lower);
    if (!stem_.is_none())
        df = std::max(df, db_.get_termfreq("Z" + stem_(lower)));
    for (const std::string& term : word_terms("", lower, true))  // in every language
        df = std::max(df, db_.get_termfreq(term));
    return df;
}

namespace {

/// Whether `a` and `b` are one edit apart: one byte deleted, inserted or substituted, or two
/// adjacent bytes transposed (Damerau-Levenshtein distance 1).
bool one_edit_apart(std::string_view a, std::string_view b) {
    if (a.size() < b.size())
        std::swap(a, b);
    if (a.size() - b.size() > 1 || a == b)
        return false;
    std::size_t i = 0;
    while (i < b.size() && a[i] == b[i])
        ++i;
    if (a.size() != b.size())
        return a.substr(i + 1) == b.substr(i);  // a deletion from `a`
    if (a.substr(i + 1) == b.substr(i + 1))
        return true;  // a substitution
    return i + 1 < a.size() && a[i] == b[i + 1] && a[i + 1] == b[i] &&
           a.substr(i + 2) == b.substr(i + 2);  // a transposition
}

}  // namespace

Xapian::termcount QueryBuilder::spelling_frequency(const std::string& lower) const {
    Xapian::TermIterator it = db_.spellings_begin();
    it.skip_to(lower);
    return it != db_.spellings_end() && *it == lower ? it.get_termfreq() : 0;
}

std::pair<std::string, Xapian::termcount> QueryBuilder::frequent_neighbour(
    const std::string& lower) const {
    // The dictionary's words with the same first two bytes, in order: a misspelling rarely
    // starts wrong, and a scan of them costs a twentieth of Xapian's trigram search
    // (get_spelling_suggestion: 0.57 ms a word on Reuters, this 0.03 ms).
    const std::string prefix = lower.substr(0, 2);
    std::pair<std::string, Xapian::termcount> best{"", 0};
    Xapian::TermIterator it = db_.spellings_begin();
    for (it.skip_to(prefix); it != db_.spellings_end(); ++it) {
        const std::string& word = *it;
        if (word.compare(0, prefix.size(), prefix) != 0)
            break;
        if (word.size() + 1 < lower.size() || word.size() > lower.size() + 1)
            continue;
        if (one_edit_apart(word, lower) && it.get_termfreq() > best.second)
            best = {word, it.get_termfreq()};
    }
    return best;
}

std::string QueryBuilder::correction(const std::string& word) const {
    const std::string lower = Xapian::Unicode::tolower(word);
    if (word_frequency(lower) == 0) {
        // Not in the index (neither as written nor by its stem): the dictionary's best guess.
        std::string fix = db_.get_spelling_suggestion(lower);
        return fix != lower ? fix : std::string();
    }
    // In the index, but perhaps as a misspelling that a few articles share ("goverment": 9
    // articles of Reuters against 2,251): the much more frequent neighbour, when the word is
    // rare and the neighbour far more common (Lucene's SUGGEST_MORE_POPULAR), never for a word
    // common in its own right. A stems-only index keeps no count of a word as written but the
    // spelling dictionary's (its occurrences), so the frequencies compared are those.
    const SpellingRule& rule = spelling_rule_;
    if (rule.ratio == 0 || lower.size() < rule.min_length)
        return {};
    try {
        const Xapian::termcount seen = spelling_frequency(lower);
        const double rare_max = std::max(static_cast<double>(rule.rare_max),
                                         rule.rare_per_article * db_.get_doccount());
        if (seen == 0 || static_cast<double>(seen) > rare_max)
            return {};  // too rare to be in the dictionary, or common in its own right
        auto [fix, fix_seen] = frequent_neighbour(lower);
        if (fix.empty() || fix_seen < rule.min_neighbour ||
            static_cast<double>(fix_seen) < static_cast<double>(rule.ratio) * seen) {
            return {};
        }
        // Another form of the same word (plural, tense) is not a correction.
        if (!stem_.is_none() && stem_(fix) == stem_(lower))
            return {};
        return fix;
    } catch (const Xapian::UnimplementedError&) {
        return {};  // remote shards keep no spelling dictionary here
    }
}

namespace {

/// Where a word of a query may be corrected: bounded by the start or end of its token, a space
/// or a quote (inside a phrase), or a leading + or -. A word touching anything else is part of
/// an operator or of something that is not a word ("mic?osoft", "milit*", "*soft", "~defence",
/// "u.s.", "e-mail") and is left as written.
bool correctable_at(const std::string& t, std::size_t begin, std::size_t end,
                    std::size_t word_start) {
    auto bound_before = [&](std::size_t i) {
        if (i == word_start)
            return true;
        const char c = t[i - 1];
        if (c == ' ' || c == '"')
            return true;
        // A sign at the start of the token or of a phrase's word: "-word", "+word".
        return (c == '+' || c == '-') && (i - 1 == word_start || t[i - 2] == ' ');
    };
    auto bound_after = [&](std::size_t i) { return i == t.size() || t[i] == ' ' || t[i] == '"'; };
    return bound_before(begin) && bound_after(end);
}

}  // namespace

std::string QueryBuilder::suggest(const std::string& text) const {
    static const std::set<std::string> boolean_fields{"tag", "source", "lang", "year", "date"};
    std::string out = text;
    bool changed = false;
    long shift = 0;  // out's offsets differ from text's by the replacements so far
    for (const Token& token : tokens_of(text)) {
        if (is_operator(token.text))
            continue;
        std::size_t begin = 0;
        std::size_t colon = token.text.find(':');
        if (colon != std::string::npos && token.text.find('"') > colon) {
            // A field prefix ("title:", "-tag:", "+author:"): the name is never rewritten, and
            // the values of boolean fields are what they are.
            std::string field = token.text.substr(0, colon);
            if (!field.empty() && (field[0] == '+' || field[0] == '-'))
                field.erase(0, 1);
            std::transform(field.begin(), field.end(), field.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
            if (boolean_fields.count(field) != 0)
                continue;
            begin = colon + 1;
        }
        const std::string& t = token.text;
        for (std::size_t i = begin; i < t.size();) {
            if (!is_word_byte(static_cast<unsigned char>(t[i]))) {
                ++i;
                continue;
            }
            std::size_t end = i;
            while (end < t.size() && is_word_byte(static_cast<unsigned char>(t[end])))
                ++end;
            std::string word = t.substr(i, end - i);
            // CJK text in an n-gram index: no whole word to look up (its n-grams are).
            if (cjk_ && is_cjk(first_code_point(word))) {
                i = end;
                continue;
            }
            bool digits = std::any_of(word.begin(), word.end(),
                                      [](unsigned char c) { return std::isdigit(c) != 0; });
            if (!digits && word.size() >= 3 && correctable_at(t, i, end, begin)) {
                std::string fix = correction(word);
                if (!fix.empty()) {
                    std::size_t at =
                        static_cast<std::size_t>(static_cast<long>(token.column + i) + shift);
                    out.replace(at, word.size(), fix);
                    shift += static_cast<long>(fix.size()) - static_cast<long>(word.size());
                    changed = true;
                }
            }
            i = end;
        }
    }
    return changed ? out : std::string();
}

namespace {

void collect(const Xapian::Query& q, bool in_phrase, QueryTerms& out, std::set<std::string>& inside,
             std::set<std::string>& outside) {
    auto type = q.get_type();
    if (type == Xapian::Query::LEAF_TERM) {
        for (auto it = q.get_terms_begin(); it != q.get_terms_end(); ++it) {
            (in_phrase ? inside : outside).insert(*it);
        }
        return;
    }
    if (type == Xapian::Query::OP_PHRASE) {
        // Each position is a term, or the OR of a word's forms in the database's languages,
        // aligned (QueryBuilder::expand_languages): one phrase per language.
        std::vector<std::vector<std::string>> forms;
        std::size_t languages = 1;
        for (std::size_t i = 0; i < q.get_num_subqueries(); ++i) {
            const Xapian::Query sub = q.get_subquery(i);
            std::vector<std::string> position;
            // In the OR's order (its term iterator sorts them).
            const std::size_t forms_here = sub.get_num_subqueries();
            for (std::size_t j = 0; j < std::max<std::size_t>(1, forms_here); ++j) {
                const Xapian::Query form = forms_here == 0 ? sub : sub.get_subquery(j);
                for (auto it = form.get_terms_begin(); it != form.get_terms_end(); ++it) {
                    std::string term = *it;
                    inside.insert(term);
                    // Field phrases (title:"...") carry their prefix; the passage text has none.
                    position.push_back(term.substr(schema::prefix_length(term)));
                }
            }
            if (position.empty())
                continue;  // not a word (as before: the phrase's words only)
            languages = std::max(languages, position.size());
            forms.push_back(std::move(position));
        }
        for (std::size_t k = 0; k < languages && !forms.empty(); ++k) {
            std::vector<std::string> words;
            for (const auto& position : forms)
                words.push_back(position[k < position.size() ? k : 0]);
            if (std::find(out.phrases.begin(), out.phrases.end(), words) == out.phrases.end())
                out.phrases.push_back(std::move(words));
        }
        return;
    }
    // AND_NOT's first subquery is what matches; the others are excluded.
    const std::size_t n = type == Xapian::Query::OP_AND_NOT ? 1 : q.get_num_subqueries();
    for (std::size_t i = 0; i < n; ++i) {
        collect(q.get_subquery(i), in_phrase, out, inside, outside);
    }
}

void collect_positive(const Xapian::Query& q, std::vector<std::string>& out,
                      std::set<std::string>& seen) {
    switch (q.get_type()) {
        case Xapian::Query::LEAF_TERM:
        case Xapian::Query::OP_PHRASE:
        case Xapian::Query::OP_NEAR:
            for (auto it = q.get_terms_begin(); it != q.get_terms_end(); ++it) {
                if (seen.insert(*it).second)
                    out.push_back(*it);
            }
            return;
        default:
            break;
    }
    const std::size_t n = q.get_type() == Xapian::Query::OP_AND_NOT ? 1 : q.get_num_subqueries();
    for (std::size_t i = 0; i < n; ++i)
        collect_positive(q.get_subquery(i), out, seen);
}

}  // namespace

std::vector<std::string> database_languages(const Xapian::Database& db,
                                            const std::vector<std::string>& recorded) {
    std::set<std::string> out;
    for (const std::string& language : recorded) {
        if (!language.empty())
            out.insert(language);
    }
    const std::string prefix(schema::kPrefixLanguage);
    for (auto it = db.allterms_begin(prefix); it != db.allterms_end(prefix); ++it) {
        const std::string name = (*it).substr(prefix.size());
        if (std::string language = language_of_tag(name); !language.empty())
            out.insert(language);
    }
    return {out.begin(), out.end()};
}

QueryTerms query_terms(const Xapian::Query& query) {
    QueryTerms out;
    std::set<std::string> inside, outside;
    collect(query, false, out, inside, outside);
    std::set_difference(inside.begin(), inside.end(), outside.begin(), outside.end(),
                        std::back_inserter(out.phrase_only));
    return out;
}

std::vector<std::string> positive_terms(const Xapian::Query& query) {
    std::vector<std::string> out;
    std::set<std::string> seen;
    collect_positive(query, out, seen);
    return out;
}

std::vector<std::string> QueryBuilder::positional_terms(const Xapian::Query& query) const {
    std::vector<std::string> out;
    const std::vector<std::string> positive = positive_terms(query);
    const std::set<std::string> matchable(positive.begin(), positive.end());
    for (auto it = query.get_terms_begin(); it != query.get_terms_end(); ++it) {
        const std::string& term = *it;
        if (matchable.count(term) == 0)
            continue;  // excluded
        if (schema::is_text_stem(term)) {
            if (stems_only_) {
                out.push_back(term);
                continue;
            }
            auto forms = parser_.unstem_begin(term);
            if (forms != parser_.unstem_end(term))
                out.push_back(*forms);
        } else if (!term.empty() && !(term[0] >= 'A' && term[0] <= 'Z')) {
            out.push_back(term);
        }
    }
    return out;
}

}  // namespace folio
