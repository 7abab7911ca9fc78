// SPDX-License-Identifier: GPL-2.0-or-later
// The rewrites of a parsed query: the languages (each word's stems in every language of the
// database), CJK n-grams, and the operators Xapian 1.4.22 reads memory for (XOR, AND_MAYBE).

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <optional>
#include <set>
#include <string_view>

#include "analysis/stemmer.hpp"
#include "folio/error.hpp"
#include "schema/schema.hpp"
#include "search/query.hpp"
#include "search/query_parts.hpp"
#include "text/utf8.hpp"

namespace folio {

using detail::as_run;
using detail::first_code_point;
using detail::is_cjk;
using detail::window_of;

Xapian::termcount detail::window_of(const Xapian::Query& query, std::string_view word) {
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

namespace {

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

/// The boolean operators Xapian's parser builds, which a rewrite rebuilds as they are.
bool is_boolean(Xapian::Query::op type) {
    switch (type) {
        case Xapian::Query::OP_AND:
        case Xapian::Query::OP_OR:
        case Xapian::Query::OP_AND_NOT:
        case Xapian::Query::OP_XOR:
        case Xapian::Query::OP_AND_MAYBE:
        case Xapian::Query::OP_FILTER:
            return true;
        default:
            return false;
    }
}

/// `query` with its subqueries replaced by `parts`, or nothing where Xapian 1.4 gives no way to
/// rebuild its type: the boolean operators as they are; PHRASE and NEAR with their window, and
/// SCALE_WEIGHT with its factor, both read from the description (1.4 has no accessor for them).
/// The one place that rebuilds parsed queries (languages, CJK, the XOR and AND_MAYBE rewrites).
std::optional<Xapian::Query> rebuilt(const Xapian::Query& query,
                                     const std::vector<Xapian::Query>& parts) {
    const auto type = query.get_type();
    if (is_boolean(type) || type == Xapian::Query::OP_SYNONYM || type == Xapian::Query::OP_MAX)
        return Xapian::Query(type, parts.begin(), parts.end());
    switch (type) {
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
        const bool stemmed = term.starts_with(schema::kPrefixStem);
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

}  // namespace

Xapian::Query QueryBuilder::cjk_ngrams(const Xapian::Query& query) const {
    const auto type = query.get_type();
    if (type == Xapian::Query::LEAF_TERM) {
        // Xapian's parser gives a CJK n-gram without the stem prefix its TermGenerator gave it.
        const std::string term = *query.get_terms_begin();
        const std::size_t prefix = schema::prefix_length(term);
        const std::string_view field = std::string_view(term).substr(0, prefix);
        if (term.starts_with(schema::kPrefixStem) ||
            (field != "" && field != schema::kPrefixTitle && field != schema::kPrefixAuthor) ||
            !is_cjk(first_code_point(std::string_view(term).substr(prefix))))
            return query;
        return Xapian::Query(std::string(schema::kPrefixStem) + term, 1, position_of(query));
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

namespace {

/// `query` with every XOR written with OR, AND and AND_NOT: a XOR b is (a OR b) AND_NOT
/// (a AND b), and a XOR b XOR c is (a XOR b) XOR c; the same matches and weights (one side's).
/// Xapian 1.4.22's XOR postlist reads memory it never set (valgrind: postlist_sub_xor), which
/// made XOR queries match differently from run to run. Only the boolean operators that the
/// parser puts above an XOR are rebuilt; anything else is kept as it is.
Xapian::Query without_xor(const Xapian::Query& query) {
    const auto type = query.get_type();
    // (SCALE_WEIGHT: the parser weighs boolean-only parts at 0.)
    if (!is_boolean(type) && type != Xapian::Query::OP_SCALE_WEIGHT)
        return query;
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
    if (!is_boolean(type) || type == Xapian::Query::OP_XOR)  // without_xor ran first
        return query;
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

}  // namespace

namespace detail {

Xapian::Query as_run(const Xapian::Query& query) {
    return without_maybe(without_xor(query), false);
}

}  // namespace detail

}  // namespace folio
