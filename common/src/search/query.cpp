// SPDX-License-Identifier: GPL-2.0-or-later
// The query builder: Xapian's QueryParser set up with Folio's fields, filters, dates, wildcards,
// stemming and stopwords; and the terms of a parsed query for highlighting.

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <limits>
#include <optional>
#include <set>
#include <string_view>

#include "analysis/stemmer.hpp"
#include "folio/error.hpp"
#include "schema/schema.hpp"
#include "search/query.hpp"
#include "search/query_parts.hpp"
#include "text/dates.hpp"
#include "text/utf8.hpp"

namespace folio {

using detail::as_run;
using detail::checked_query;
using detail::Token;
using detail::tokens_of;

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

}  // namespace

namespace detail {

bool date_bound(const std::string& text, bool upper, std::string& out) {
    return DateField::date_bound(text, upper, out);
}

}  // namespace detail

namespace {

/// The free-text fields a query may name ("" for none) with their term prefixes, and for each
/// the hidden field QueryBuilder::rewrite_wildcards sends its wildcards to in a stems-only
/// database (schema 2 and later), which has no terms under the field's own prefix: the hidden
/// field's prefix adds the stem prefix, so "milit*" expands over the stems (militia, militari,
/// milit: militia, military, militant).
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
            parser_.add_prefix(std::string(field.wildcard_field),
                               std::string(schema::kPrefixStem) + std::string(field.prefix));
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
    const bool stemmed_terms = !plain || db_.allterms_begin(std::string(schema::kPrefixStem)) !=
                                             db_.allterms_end(std::string(schema::kPrefixStem));
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
        std::string term =
            e.plain ? prefix + word : std::string(schema::kPrefixStem) + prefix + e.stem(word);
        if (term.size() > schema::kMaxTermLength)
            continue;
        if (!unique || std::find(out.begin(), out.end(), term) == out.end())
            out.push_back(std::move(term));
    }
    return out;
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

std::string QueryBuilder::rewrite_wildcards(const std::string& text, const std::string& written) {
    wildcards_.clear();
    std::string out = text;
    long shift = 0;
    // The field of each open group: title:(milit* war) expands milit* over the titles.
    std::vector<std::string> groups;
    const std::vector<Token> tokens = tokens_of(text);
    for (std::size_t k = 0; k < tokens.size(); ++k) {
        const Token& t = tokens[k];
        const std::string& w = t.text;
        if (w == "(") {
            const bool fielded = k > 0 && tokens[k - 1].text.ends_with(":") &&
                                 tokens[k - 1].column + tokens[k - 1].text.size() == t.column;
            std::string name = fielded ? tokens[k - 1].text : "";
            if (!name.empty() && (name[0] == '+' || name[0] == '-'))
                name.erase(0, 1);
            groups.push_back(fielded          ? name.substr(0, name.size() - 1)
                             : groups.empty() ? ""
                                              : groups.back());
            continue;
        }
        if (w == ")" && !groups.empty())
            groups.pop_back();
        if (w.size() < 2 || w.back() != '*' || w.find('"') != std::string::npos)
            continue;
        std::size_t start = (w[0] == '+' || w[0] == '-') ? 1 : 0;
        std::size_t colon = w.find(':', start);
        std::string_view field =
            colon == std::string::npos
                ? (groups.empty() ? std::string_view() : std::string_view(groups.back()))
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
            check_expansion(std::string(stems_only_ ? schema::kPrefixStem : "") +
                                std::string(text_field.prefix) + pattern,
                            written, w.substr(word));
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

void QueryBuilder::check_expansion(const std::string& prefix, const std::string& written,
                                   const std::string& wildcard) const {
    // Xapian's parser would keep the most frequent terms and drop the others without a word:
    // the matches of a shorter pattern would silently be fewer than it finds.
    Xapian::termcount terms = 0;
    for (auto it = db_.allterms_begin(prefix);
         it != db_.allterms_end(prefix) && terms <= wildcard_limit_; ++it)
        ++terms;
    if (terms <= wildcard_limit_)
        return;
    const std::size_t at = written.find(wildcard);
    throw QueryError(written, at == std::string::npos ? 0 : at,
                     "'" + wildcard + "' matches more than " + std::to_string(wildcard_limit_) +
                         " words: make it longer, or write the words");
}

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
    normal = rewrite_wildcards(normal, text);
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
        if (filter.empty())  // it would restrict the hits to none, whatever the query
            throw QueryError(f, 0, "a filter without anything to search for");
        if (result.empty()) {
            result = Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, filter, 0.0);
        } else {
            result = Xapian::Query(Xapian::Query::OP_FILTER, result, filter);
        }
    }
    return result;
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
    if (type == Xapian::Query::OP_PHRASE || type == Xapian::Query::OP_NEAR) {
        // Each position is a term, or the OR of a word's forms in the database's languages,
        // aligned (QueryBuilder::expand_languages): one phrase per language. ADJ/N is a phrase
        // with a wider window, NEAR/N one in any order: their words are highlighted only where
        // they lie within the window, as a hit matched them.
        PhraseSpan span;
        span.any_order = type == Xapian::Query::OP_NEAR;
        span.window = detail::window_of(q, span.any_order ? "NEAR" : "PHRASE");
        bool cjk = false;
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
            cjk = cjk || detail::is_cjk(detail::first_code_point(position.front()));
            languages = std::max(languages, position.size());
            forms.push_back(std::move(position));
        }
        // The index's CJK n-grams sit between characters (QueryBuilder::cjk_ngrams widens the
        // window for them), so its window counts other words than the text's: a phrase of CJK
        // characters is matched in a row, as ever, and NEAR anywhere.
        if (span.any_order && (span.window == 0 || cjk))
            span.window = std::numeric_limits<std::size_t>::max();  // unread: anywhere
        else if (cjk)
            span = PhraseSpan{};
        else if (!span.any_order && span.window <= q.get_num_subqueries())
            span = PhraseSpan{};  // the words in a row
        for (std::size_t k = 0; k < languages && !forms.empty(); ++k) {
            std::vector<std::string> words;
            for (const auto& position : forms)
                words.push_back(position[k < position.size() ? k : 0]);
            bool known = false;
            for (std::size_t i = 0; i < out.phrases.size() && !known; ++i) {
                const PhraseSpan other =
                    i < out.phrase_spans.size() ? out.phrase_spans[i] : PhraseSpan{};
                known = out.phrases[i] == words && other.window == span.window &&
                        other.any_order == span.any_order;
            }
            if (!known) {
                out.phrases.push_back(std::move(words));
                out.phrase_spans.push_back(span);
            }
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
