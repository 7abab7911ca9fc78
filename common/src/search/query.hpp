// SPDX-License-Identifier: GPL-2.0-or-later
// search/query.hpp: Folio's query language on top of Xapian's QueryParser. Owns the field names
// (title:, author:, tag:, source:, lang:, date:, year:), operators, stemming and stopwords of
// queries, synonyms (~word, or every word), the check that reports where a malformed query goes
// wrong, spelling suggestions ("did you mean"), and what a query asks to highlight.
#pragma once

#include <xapian.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "snippet/snippet.hpp"

namespace folio {

struct QueryOptions {
    std::string language = "english";  ///< the database's language: stems and stopwords
    /// Every language the database's articles are indexed in (database_languages): each query
    /// word is looked for as its stem in each of them. Empty: `language` alone.
    std::vector<std::string> languages;
    /// The database splits elided articles off and folds accents (schema::kMetaWordRules).
    bool word_rules = true;
    /// Its shards differ in that: words are looked for both ways.
    bool mixed_word_rules = false;
    bool default_and = false;       ///< words without an operator: AND (else OR)
    unsigned wildcard_limit = 256;  ///< most terms a trailing wildcard may match (else refused)
    /// Expand every word by the database's synonyms (else only words written ~word).
    bool expand_synonyms = false;
};

/// The terms a query wants highlighted, split by the phrase rule: phrase words are shown only
/// where the whole phrase occurs, other terms (plain words, stems, expansions) anywhere.
struct QueryTerms {
    /// Each phrase's words in order, as indexed: stems from schema 2 on, lower-case words in 1.
    std::vector<std::vector<std::string>> phrases;
    /// How each phrase matches (ADJ/N, NEAR/N), by index: MatchTerms::phrase_spans.
    std::vector<PhraseSpan> phrase_spans;
    std::vector<std::string> phrase_only;  ///< terms that occur only inside phrases and NEAR
};

/// When "did you mean" offers another word for a word that is in the index (a misspelling that
/// a few articles share, "goverment"): the word has at least `min_length` bytes and is rare (at
/// most max(`rare_max`, `rare_per_article` x articles) occurrences), and the dictionary's most
/// frequent word one edit away (with the same first two letters, not another form of the same
/// stem) occurs at least `ratio` times as often, and at least `min_neighbour` times. Occurrences
/// are the spelling dictionary's counts. Chosen on real misspellings over Reuters-21578
/// (eval/spelling_eval.py; README, "Did you mean").
struct SpellingRule {
    unsigned ratio = 30;                   ///< 0: never correct a word that is in the index
    Xapian::termcount rare_max = 20;       ///< a word seen more often is never corrected,
    double rare_per_article = 0.001;       ///< nor, in a large index, one seen more than this
    Xapian::termcount min_neighbour = 20;  ///< the neighbour's fewest occurrences
    std::size_t min_length = 7;            ///< shorter words: only when not in the index
};

/// Parses query strings against one database. Not thread-safe (it holds a QueryParser).
class QueryBuilder {
  public:
    /// `db` is used for wildcard expansion and must outlive the builder.
    QueryBuilder(const Xapian::Database& db, const QueryOptions& options);
    ~QueryBuilder();
    QueryBuilder(const QueryBuilder&) = delete;
    QueryBuilder& operator=(const QueryBuilder&) = delete;

    /// The Xapian query for `text`. An empty (or all-stopword-free-empty) text gives
    /// Xapian::Query() (matches nothing). Throws QueryError, with the byte column of the fault,
    /// for unbalanced quotes or parentheses, an operator without an operand, a bad date or year
    /// range, a wildcard that matches more than wildcard_limit() terms, or anything Xapian's
    /// parser rejects.
    Xapian::Query parse(const std::string& text);

    /// `query` restricted to documents matching each filter expression, without the filters
    /// changing the ranking. Filters use the same language as queries. Throws QueryError (with
    /// the filter as its query) for a filter that parse() refuses or that has nothing to search
    /// for ("", ",").
    Xapian::Query filtered(const Xapian::Query& query, const std::vector<std::string>& filters);

    /// `text` with each word that the database does not know (neither as written nor by its
    /// stem) replaced by the database's spelling suggestion for it, and each rare word in the
    /// index whose neighbour is far more frequent replaced by the neighbour (SpellingRule); ""
    /// when no word is replaced. Operators and field names, values of boolean fields (tag:,
    /// source:, lang:, year:, date:), words with digits, words under 3 bytes, and words that
    /// touch an operator (wildcards "milit*", "mic?osoft", synonyms "~defence") are left as
    /// written; quotes and signs stay. Costs two term lookups per word, and a spelling lookup
    /// per unknown or rare word only.
    std::string suggest(const std::string& text) const;

    /// The correction suggest() makes for one word, or "" (see suggest and SpellingRule).
    std::string correction(const std::string& word) const;

    /// The rule for correcting words that are in the index (tests and evaluation set it).
    SpellingRule spelling_rule() const;
    void set_spelling_rule(const SpellingRule& rule) { spelling_rule_ = rule; }

    /// The wildcard patterns of the last parse() of the free text, title and author fields,
    /// lower case and as expanded ("milit" for milit*): text words starting with one matched.
    const std::vector<std::string>& wildcards() const noexcept { return wildcards_; }

    /// The most terms a wildcard may match (QueryOptions::wildcard_limit).
    unsigned wildcard_limit() const noexcept { return wildcard_limit_; }

    /// The stemmer of the database's language (wildcards, spelling).
    const Xapian::Stem& stemmer() const noexcept { return stem_; }

    /// The stemmer an article in `language` (a canonical name; "" for the database's) was
    /// indexed with, to match its passages.
    const Xapian::Stem& stemmer_for(const std::string& language) const;

    /// True when the database holds CJK text as n-grams (today's word rules).
    bool cjk_ngrams() const noexcept { return cjk_; }

    /// True when each query word is looked for in several languages (see QueryOptions).
    bool multilingual() const noexcept { return !expansions_.empty(); }

    /// The terms of `query`'s plain words in order, in the form indexed with positions, for
    /// ranking that needs positions: the stems ("Z" terms) in a stems-only database (schema 2 and
    /// later), the words as written (lower case) that the stems came from in schema 1.
    std::vector<std::string> positional_terms(const Xapian::Query& query) const;

  private:
    /// Notes the wildcards (milit*, +title:milit*) of `text` in wildcards_ and, for a
    /// stems-only database, sends each to the hidden field that expands it over the stems, its
    /// pattern cut back by stem_pattern. Throws QueryError, at its column in `written` (the
    /// query as the user wrote it), for a wildcard that check_expansion refuses.
    std::string rewrite_wildcards(const std::string& text, const std::string& written);
    /// Refuses (QueryError) a wildcard `wildcard` whose terms, those starting with `prefix`,
    /// are more than wildcard_limit(): it cannot be searched as written.
    void check_expansion(const std::string& prefix, const std::string& written,
                         const std::string& wildcard) const;
    /// A wildcard pattern, lower case, cut back to the stems of the words it starts.
    std::string stem_pattern(const std::string& pattern) const;
    /// The articles with `lower` as written or by its stem.
    Xapian::doccount word_frequency(const std::string& lower) const;
    /// The occurrences of `lower` that the spelling dictionary counted (0: not in it).
    Xapian::termcount spelling_frequency(const std::string& lower) const;
    /// The dictionary's most frequent word one edit from `lower` with the same first two bytes,
    /// and its occurrences; {"", 0} when there is none.
    std::pair<std::string, Xapian::termcount> frequent_neighbour(const std::string& lower) const;
    /// `query` with each word term ("Z", a field prefix, the word as written) replaced by the
    /// word's terms in every language of the database (word_terms): OP_SYNONYM, so that the
    /// forms count as one word in the ranking, or OP_OR inside phrases and NEAR, which take
    /// no synonyms. Subqueries without a word term are kept as they are.
    Xapian::Query expand_languages(const Xapian::Query& query, bool positional) const;
    /// `query` with the CJK n-grams of Xapian's parser (FLAG_CJK_NGRAM) under the stem prefix,
    /// as its TermGenerator indexes them, and the windows of phrases of CJK characters widened
    /// to the index's positions (a pair of characters sits between its two characters).
    Xapian::Query cjk_ngrams(const Xapian::Query& query) const;
    /// The terms a word (lower case, as written) is indexed as under a field prefix, in every
    /// language of the database, the database's own first; each once with `unique`.
    std::vector<std::string> word_terms(const std::string& prefix, const std::string& word,
                                        bool unique) const;

    /// One language the database's articles are indexed in, with its stemmer.
    struct Expansion {
        std::string language;
        Xapian::Stem stem;
        bool plain;  // "none": the word as written, without the stem prefix
    };

    /// Fills expansions_ with the database's languages (QueryOptions::languages).
    void plan_languages(const QueryOptions& options);

    Xapian::Database db_;
    Xapian::QueryParser parser_;
    Xapian::Stem stem_;
    std::string language_;
    bool word_rules_;   // QueryOptions::word_rules
    bool cjk_ = false;  // CJK text is indexed as n-grams (today's word rules)
    bool stems_only_;   // the database's schema indexes stems only (schema::stems_only)
    unsigned wildcard_limit_;
    std::vector<std::string> wildcards_;  // of the last parse(), see wildcards()
    /// A date or year field the parser found inside a word with a value that is no date: the
    /// field as written and why ("" when none). Set by the field processor, which must not
    /// throw through Xapian's parser (it leaks its parse state); parse() throws it after.
    std::shared_ptr<std::pair<std::string, std::string>> field_error_ =
        std::make_shared<std::pair<std::string, std::string>>();
    std::vector<Expansion> expansions_;  // empty: one language, the parser stems (see parse)
    unsigned flags_;
    SpellingRule spelling_rule_;
};

/// The most words (runs of non-space characters, phrases' words included) a query may have.
inline constexpr std::size_t kMaxQueryWords = 1000;

/// The largest distance NEAR/n and ADJ/n take.
inline constexpr unsigned kMaxDistance = 1000;

/// Checks `text` against Folio's query grammar (docs/QUERY-SYNTAX.md): the faults Xapian's
/// parser would silently repair, reinterpret or report without a position (unbalanced quotes
/// and parentheses, operators without operands, NOT NOT, unknown fields, misplaced wildcards,
/// NEAR/ADJ next to anything but a word, bad distances, dates, years and languages, and the
/// other misreadings Checker lists in query_check.cpp), and queries of more
/// than kMaxQueryWords words; throws QueryError pointing at the first one.
void check_query_syntax(const std::string& text);

/// The phrases of a parsed query (ADJ and NEAR groups among them, with their windows) and the
/// terms found only inside them; excluded parts (the
/// right side of AND_NOT) are left out, as no hit is there for them. A phrase whose words
/// are looked for in several languages (an OP_OR of its forms, in the languages' order) gives
/// one phrase per form: the first forms, the second forms (or the first where a word has fewer),
/// and so on.
QueryTerms query_terms(const Xapian::Query& query);

/// The distinct terms of `query` that a hit can match, by their first occurrence: all but the
/// excluded parts (the right side of AND_NOT), which must never be highlighted or ranked.
std::vector<std::string> positive_terms(const Xapian::Query& query);

/// The languages the articles of `db` are indexed in, sorted: the languages of its "L" terms
/// (every schema records each article's language) and the languages `recorded` (each shard's
/// folio.language); "none" in a database that stems is the language of articles indexed as
/// written. Correct over shards and remote shards, whatever their order.
std::vector<std::string> database_languages(const Xapian::Database& db,
                                            const std::vector<std::string>& recorded);

}  // namespace folio
