// SPDX-License-Identifier: GPL-2.0-or-later
// search/search_steps.hpp: the steps of one search, in the order Searcher::search runs them:
// the spelling suggestion, "more like this", the time limit, ranking, the order and collapsing,
// the facets, the match with its count, and the hits with their passages. Each step reads the
// request and fills its part of the result, so that each can be tested on a small database.
#pragma once

#include <xapian.h>

#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "folio/search.hpp"
#include "search/ranking.hpp"

namespace folio {

class Explainer;
class FacetSpy;

/// The stored article of document `docid`, its language filled in where it names none: the
/// language of its database, sub_languages[(docid - 1) % size] (Xapian interleaves the
/// documents of the databases it searches as one).
Article stored_article(const Xapian::Document& document, Xapian::docid docid,
                       const std::vector<std::string>& sub_languages);

/// The stored article of the match `it`: from its collapse key where `article_keys` (see
/// article_keys_step) and the key is not empty, else from its document (over remote shards, a
/// round trip). Its language filled in as stored_article does.
Article hit_article(const Xapian::MSetIterator& it, bool article_keys,
                    const std::vector<std::string>& sub_languages);

/// Over remote shards (`remote`) in relevance order, without collapsing or facets, on databases
/// that store articles in a value (schema::article_in_value(`schema_version`)): sets kSlotArticle
/// as the collapse key, so that the stored articles of a match's items come with it
/// (MSetIterator::get_collapse_key()), where reading a document is a round trip per hit in Xapian
/// 1.4's remote protocol (there MSet::fetch() requests each document and waits for it): for
/// feedback's documents, and the page's (page_articles_step). Articles are unique (they hold
/// their id), so nothing is collapsed and the order is the usual one, relevance then document
/// id; but Xapian counts as if they might collapse, so the match that counts runs without it.
/// Not with facets (the remote match spies' counts are not checked with it), nor for a count
/// alone or an exact count (every match counted would have its article read). True when set.
bool article_keys_step(Xapian::Enquire& enquire, const SearchRequest& request, bool remote,
                       int schema_version);

/// The deadline of a whole search over remote shards: request.time_limit seconds from its
/// start (none where that is 0, and for local databases, whose match the time limit bounds).
/// Xapian bounds each exchange with a server (--remote-timeout), not a search's sum of them.
class Deadline {
  public:
    Deadline() = default;  ///< none
    explicit Deadline(double seconds);
    bool passed() const;
    double seconds() const noexcept { return seconds_; }

  private:
    double seconds_ = 0;
    std::chrono::steady_clock::time_point end_;
};

/// Checked before a `step` of a search ("its feedback", "the match", "its passages"): false while
/// `deadline` has not passed. Past it, throws DatabaseError without `allow_partial`; with it,
/// adds a warning to `warnings` and returns true: the step is to be skipped where it can be
/// (feedback, passages; the match always runs).
bool past_deadline(const Deadline& deadline, const std::string& step, bool allow_partial,
                   std::vector<std::string>& warnings);

/// The query text to run: the request's, or its spelling correction with request.correct.
/// Fills result.suggestion (and result.corrected) when the database suggests one. `dictionary`:
/// some database searched serves a spelling dictionary (not one of only remote shards: Xapian's
/// remote backend serves none, and looking the query's words up there costs round trips).
std::string suggest_step(QueryBuilder& builder, const SearchRequest& request, SearchResult& result,
                         bool dictionary = true);

/// `query` with "more like" request.like_ids and request.like_articles: their query alone,
/// or filtered by `query` where there is one (result.like_terms: the stems it searched for).
/// `query` as it is when the request asks for no similar articles.
Xapian::Query like_step(const Xapian::Database& db, const std::string& language,
                        const SearchRequest& request, const Xapian::Query& query,
                        SearchResult& result);

/// Sets request.time_limit on `enquire` where the match could come near it (see
/// match_work_bound; remote shards always), never for an exact count. True when it was set.
bool time_limit_step(Xapian::Enquire& enquire, const Xapian::Query& query, Xapian::doccount docs,
                     const SearchRequest& request, const std::vector<std::string>& positional,
                     unsigned wildcard_limit, bool remote);

/// `query` rewritten for relevance order (ranked_query: feedback, proximity) and with the
/// recency boost (request.boost_half_life), scaled to the query's best score. `feedback`
/// receives whether feedback was applied. `language`: the search's (for its stop words).
/// `rebuild`: see ranked_query.
Xapian::Query rank_step(const Xapian::Query& query, const Xapian::Database& db,
                        Xapian::Enquire& enquire, const SearchRequest& request,
                        const std::vector<std::string>& positional, bool remote,
                        TermFreqCache* freqs, FeedbackDecision& feedback,
                        const std::string& language, const FeedbackTerms& rebuild = {});

/// Sets the date order (undated articles last) and the collapse key on `enquire`. Throws
/// UsageError for an unknown collapse field.
void order_step(Xapian::Enquire& enquire, const SearchRequest& request, bool remote,
                SearchResult& result);

/// The facets a request asks for, counted over every match: Folio's FacetSpy locally, Xapian's
/// ValueCountMatchSpy over remote shards (xapian-tcpsrv cannot run Folio's spy), folded into
/// facet values afterwards. Must outlive the match of `enquire`.
class FacetCounter {
  public:
    FacetCounter(const std::vector<FacetRequest>& facets, bool remote, Xapian::Enquire& enquire);
    ~FacetCounter();
    bool empty() const noexcept { return spies_.empty(); }
    /// The counts, in request order, once the match has run.
    std::vector<FacetResult> results(const std::vector<FacetRequest>& facets);

  private:
    std::vector<std::unique_ptr<FacetSpy>> spies_;
    std::vector<std::unique_ptr<Xapian::ValueCountMatchSpy>> raw_;
};

/// Runs the match for the request's page: every match is seen for an exact count, `facets`
/// or collapsing; else counts up to kExactCountUpTo are exact. Fills the result's counts, and
/// result.time_limited where `timed` (time_limit_step) and the match took the whole limit.
Xapian::MSet match_step(Xapian::Enquire& enquire, const SearchRequest& request,
                        Xapian::doccount docs, bool facets, bool timed, SearchResult& result);

/// The stored articles of the request's page and the matches before it, by docid, from one
/// match with the articles as collapse key (article_keys_step): the same matches in the same
/// order as match_step's, whose counts a collapse key would change (Xapian counts as if
/// articles might collapse). Leaves `enquire` without a collapse key.
std::map<Xapian::docid, std::string> page_articles_step(Xapian::Enquire& enquire,
                                                        const SearchRequest& request);

/// What turning matches into hits reads.
struct HitContext {
    const Xapian::Database& db;
    const QueryBuilder& builder;
    const Xapian::Query& query;                 ///< as run
    const std::vector<std::string>& wildcards;  ///< the query's wildcard patterns
    bool remote = false;
    bool stems_only = false;
    /// The page's packed articles by docid (page_articles_step); null: read each hit's document.
    const std::map<Xapian::docid, std::string>* articles = nullptr;
    /// The language of each database searched, by docid (the articles naming none are in it).
    const std::vector<std::string>& sub_languages;
    bool highlight = true;  ///< false: no passages nor highlights (past the deadline)
};

/// The hits of `mset`: decoded articles (without their bodies), the title highlighted, the
/// passages, collapse counts and, with `explainer`, explanations. `asked`: the query's terms
/// before ranking added feedback's.
std::vector<Hit> hits_step(const HitContext& context, Xapian::MSet& mset,
                           const SearchRequest& request, const std::set<std::string>& asked,
                           const Explainer* explainer);

}  // namespace folio
