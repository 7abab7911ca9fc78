#include "folio/query.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
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

/// year:1990..1999 over the date slot; either end may be open.
class YearRange : public Xapian::RangeProcessor {
  public:
    YearRange() : Xapian::RangeProcessor(schema::kSlotDate, "year:") {}
    Xapian::Query operator()(const std::string& begin, const std::string& end) override {
        auto year = [](const std::string& s) {
            return s.size() == 4 && std::all_of(s.begin(), s.end(), [](unsigned char c) {
                       return std::isdigit(c) != 0;
                   });
        };
        if ((!begin.empty() && !year(begin)) || (!end.empty() && !year(end))) {
            return Xapian::Query(Xapian::Query::OP_INVALID);
        }
        return Xapian::RangeProcessor::operator()(begin.empty() ? "" : begin + "0101",
                                                  end.empty() ? "" : end + "1231");
    }
};

/// date:2020-01-01..2021-06-30 (also 2020-01 or 2020 at either end, open ends allowed).
class DateRange : public Xapian::RangeProcessor {
  public:
    DateRange() : Xapian::RangeProcessor(schema::kSlotDate, "date:") {}
    Xapian::Query operator()(const std::string& begin, const std::string& end) override {
        std::string from, to;
        if (!begin.empty() && !bound(begin, false, from)) {
            return Xapian::Query(Xapian::Query::OP_INVALID);
        }
        if (!end.empty() && !bound(end, true, to)) {
            return Xapian::Query(Xapian::Query::OP_INVALID);
        }
        return Xapian::RangeProcessor::operator()(from, to);
    }

    /// "2020" -> 20200101 (or 20201231 as an upper bound), "2020-06" likewise, full dates as
    /// they are; false when `text` is no date.
    static bool bound(const std::string& text, bool upper, std::string& out) {
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

}  // namespace

void check_query_syntax(const std::string& text) {
    // Quotes first: an unterminated phrase points at its opening quote.
    std::size_t open_quote = std::string::npos;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '"')
            open_quote = open_quote == std::string::npos ? i : std::string::npos;
    }
    if (open_quote != std::string::npos) {
        throw QueryError(text, open_quote, "unterminated phrase: missing closing \"");
    }
    for (std::size_t i = 0; i < text.size(); ++i) {
        auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x20 && !is_space(text[i])) {
            throw QueryError(text, i, "control character in query");
        }
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

    std::vector<Token> tokens = tokens_of(text);
    std::vector<std::size_t> open;
    const Token* previous = nullptr;
    for (std::size_t k = 0; k < tokens.size(); ++k) {
        const Token& t = tokens[k];
        if (t.text == "(") {
            open.push_back(t.column);
        } else if (t.text == ")") {
            if (open.empty())
                throw QueryError(text, t.column, "unbalanced ')'");
            if (previous != nullptr && previous->text == "(") {
                throw QueryError(text, previous->column, "empty parentheses");
            }
            if (previous != nullptr &&
                (is_binary_operator(previous->text) || previous->text == "NOT")) {
                throw QueryError(text, previous->column,
                                 "'" + previous->text + "' needs something after it");
            }
            open.pop_back();
        } else if (is_binary_operator(t.text)) {
            if (previous == nullptr || previous->text == "(" ||
                is_binary_operator(previous->text) || previous->text == "NOT") {
                throw QueryError(text, t.column, "'" + t.text + "' needs something before it");
            }
        }
        if ((is_binary_operator(t.text) || t.text == "NOT") && k + 1 == tokens.size()) {
            throw QueryError(text, t.column, "'" + t.text + "' needs something after it");
        }
        if (t.text.starts_with("date:") || t.text.starts_with("year:")) {
            std::string value = t.text.substr(5);
            std::size_t dots = value.find("..");
            bool is_year = t.text[0] == 'y';
            auto ok = [&](const std::string& v, bool upper) {
                if (v.empty())
                    return true;
                if (is_year) {
                    return v.size() == 4 && std::all_of(v.begin(), v.end(), [](unsigned char c) {
                               return std::isdigit(c) != 0;
                           });
                }
                std::string ignored;
                return DateRange::bound(v, upper, ignored);
            };
            if (dots == std::string::npos) {
                if (!ok(value, false) || value.empty()) {
                    throw QueryError(text, t.column + 5,
                                     std::string("expected ") +
                                         (is_year ? "a year (YYYY) or a range YYYY..YYYY"
                                                  : "a date (YYYY-MM-DD) or a range FROM..TO"));
                }
            } else {
                std::string from = value.substr(0, dots), to = value.substr(dots + 2);
                if (!ok(from, false)) {
                    throw QueryError(text, t.column + 5,
                                     "'" + from + "' is not a " + (is_year ? "year" : "date"));
                }
                if (!ok(to, true)) {
                    throw QueryError(text, t.column + 5 + dots + 2,
                                     "'" + to + "' is not a " + (is_year ? "year" : "date"));
                }
                if (!from.empty() && !to.empty() && from > to) {
                    throw QueryError(text, t.column + 5, "range starts after it ends");
                }
            }
        }
        previous = &t;
    }
    if (!open.empty())
        throw QueryError(text, open.back(), "unbalanced '(': missing ')'");
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
    parser_.add_boolean_prefix("tag", (new BooleanField(schema::kPrefixTag))->release());
    parser_.add_boolean_prefix("source", (new BooleanField(schema::kPrefixSource))->release());
    parser_.add_boolean_prefix("lang", (new LanguageField())->release());
    parser_.add_boolean_prefix("year", std::string(schema::kPrefixYear));
    parser_.add_rangeprocessor((new YearRange())->release());
    parser_.add_rangeprocessor((new DateRange())->release());
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
    switch (type) {
        case Xapian::Query::OP_AND:
        case Xapian::Query::OP_OR:
        case Xapian::Query::OP_AND_NOT:
        case Xapian::Query::OP_XOR:
        case Xapian::Query::OP_AND_MAYBE:
        case Xapian::Query::OP_FILTER:
        case Xapian::Query::OP_SYNONYM:
        case Xapian::Query::OP_MAX:
            return Xapian::Query(type, subqueries.begin(), subqueries.end());
        case Xapian::Query::OP_PHRASE:
        case Xapian::Query::OP_NEAR: {
            const Xapian::termcount window =
                window_of(query, type == Xapian::Query::OP_PHRASE ? "PHRASE" : "NEAR");
            if (window == 0)
                break;
            return Xapian::Query(type, subqueries.begin(), subqueries.end(), window);
        }
        default:
            break;
    }
    // A query the parser does not make from words (a weight scale, an elite set): as it is.
    return query;
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
    switch (type) {
        case Xapian::Query::OP_AND:
        case Xapian::Query::OP_OR:
        case Xapian::Query::OP_AND_NOT:
        case Xapian::Query::OP_XOR:
        case Xapian::Query::OP_AND_MAYBE:
        case Xapian::Query::OP_FILTER:
        case Xapian::Query::OP_SYNONYM:
        case Xapian::Query::OP_MAX:
            return Xapian::Query(type, subqueries.begin(), subqueries.end());
        default:
            return query;
    }
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

Xapian::Query QueryBuilder::parse(const std::string& text) {
    check_query_syntax(text);
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
    normal = rewrite_wildcards(normal);
    try {
        Xapian::Query query = parser_.parse_query(normal, flags_);
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
            std::string field = token.text.substr(0, colon);
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
            bool wildcard = end < t.size() && t[end] == '*';
            bool digits = std::any_of(word.begin(), word.end(),
                                      [](unsigned char c) { return std::isdigit(c) != 0; });
            if (!wildcard && !digits && word.size() >= 3) {
                std::string lower = Xapian::Unicode::tolower(word);
                bool known = db_.term_exists(lower) ||
                             (!stem_.is_none() && db_.term_exists("Z" + stem_(lower)));
                for (const std::string& term : word_terms("", lower, true))
                    known = known || db_.term_exists(term);
                if (!known) {
                    std::string fix = db_.get_spelling_suggestion(lower);
                    if (!fix.empty() && fix != lower) {
                        std::size_t at =
                            static_cast<std::size_t>(static_cast<long>(token.column + i) + shift);
                        out.replace(at, word.size(), fix);
                        shift += static_cast<long>(fix.size()) - static_cast<long>(word.size());
                        changed = true;
                    }
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
    for (std::size_t i = 0; i < q.get_num_subqueries(); ++i) {
        collect(q.get_subquery(i), in_phrase, out, inside, outside);
    }
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

std::vector<std::string> QueryBuilder::positional_terms(const Xapian::Query& query) const {
    std::vector<std::string> out;
    for (auto it = query.get_terms_begin(); it != query.get_terms_end(); ++it) {
        const std::string& term = *it;
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
