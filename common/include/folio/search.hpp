// folio/search.hpp: running a search. Owns opening one or several databases as one, ranking
// (BM25 with title weighting, recency), filters, sorting and paging, collapsing duplicates,
// facets, spelling suggestions, similar articles, explanations, reopening a database the indexer
// rewrote, and turning matches into hits with passages: data, rendered elsewhere.
#pragma once

#include <xapian.h>

#include <cstddef>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "folio/article.hpp"
#include "folio/explain.hpp"
#include "folio/facets.hpp"
#include "folio/query.hpp"
#include "folio/ranking.hpp"
#include "folio/snippet.hpp"

namespace folio {

enum class SortOrder { relevance, date, date_descending };

struct SearchRequest {
    std::string query;
    std::vector<std::string> filters;  ///< restrict without changing the ranking
    bool default_and = false;
    SortOrder sort = SortOrder::relevance;
    std::size_t offset = 0;
    std::size_t limit = 10;
    std::size_t passages = 1;  ///< passages per hit (0: none)
    std::size_t passage_length = 240;
    bool exact_count = false;  ///< count every match instead of estimating
    RankingOptions ranking;

    /// Count these fields' values over ALL matches (costs a pass over every match).
    std::vector<FacetRequest> facets;
    /// Look for a spelling suggestion when a query word is not in the index.
    bool suggest = true;
    /// Run the suggested query (when there is one) instead of the query as written.
    bool correct = false;
    /// Expand every word by the database's synonyms (~word always does).
    bool expand_synonyms = false;
    /// Find articles like these (ids) and these (read from files, not stored); the query, if
    /// any, then only restricts. Uses like_terms terms of relevance-set expansion.
    std::vector<std::string> like_ids;
    std::vector<Article> like_articles;
    unsigned like_terms = 20;
    /// Explain each hit's score (Hit::explain).
    bool explain = false;
    /// Keep one hit per value of this field (see collapse_fields()); "" for none.
    std::string collapse;
    /// Recency boost (relevance order only): > 0 adds, to each dated match, the query's top BM25
    /// score times 0.5^(age / boost_half_life) (age and half-life in days).
    double boost_half_life = 0;
    std::string boost_reference;  ///< "YYYYMMDD" ages are counted to; "" for today (UTC)
    /// Seconds the matcher may spend on the query (Xapian's Enquire::set_time_limit; 0: no
    /// limit). When it runs out, the hits found so far are ranked and counts are estimates.
    double time_limit = 0;
};

/// The fields --collapse accepts and their value slots: title (lower-cased), source, author
/// (the whole author list), tag (the whole tag list), lang, date.
const std::map<std::string, Xapian::valueno>& collapse_fields();

struct Hit {
    std::size_t rank = 0;  ///< 1-based, counting from the first page
    double score = 0;      ///< BM25 weight (0 when sorted by date alone)
    Xapian::docid docid = 0;
    Article article;  ///< decoded stored fields; body cleared unless asked for
    Snippet title;    ///< the title with its matched words highlighted
    std::vector<Snippet> passages;
    /// With collapsing: the value collapsed on, and how many matches share it (this one
    /// included; exact, the whole match set is checked).
    std::string collapse_key;
    Xapian::doccount collapse_count = 0;
    std::vector<Contribution> explain;  ///< with SearchRequest::explain
};

struct SearchResult {
    std::string query;   ///< as given
    std::string parsed;  ///< Xapian's description of the parsed query
    Xapian::doccount estimated = 0, lower_bound = 0, upper_bound = 0;
    std::size_t offset = 0;
    std::vector<Hit> hits;
    /// The query with misspelled words corrected, when the database suggests one.
    std::optional<std::string> suggestion;
    bool corrected = false;               ///< the hits are those of the suggestion
    std::vector<FacetResult> facets;      ///< as requested, in request order
    std::vector<std::string> like_terms;  ///< the stems --like searched for
    std::string collapse;                 ///< the field collapsed on, "" for none
    bool explained = false;               ///< hits carry explanations
};

/// One or several databases searched as one. Open once, search many times (batch mode).
/// Not thread-safe: give each thread its own Searcher.
class Searcher {
  public:
    /// Opens `databases` (directories, stub files, remote specs) as one. Throws DatabaseError
    /// naming the one that cannot be opened, or when none is a Folio database.
    explicit Searcher(const std::vector<std::string>& databases);
    ~Searcher();
    Searcher(const Searcher&) = delete;
    Searcher& operator=(const Searcher&) = delete;

    /// Runs a request. Throws QueryError for a malformed query, UsageError for an unknown
    /// collapse field, --like id or bad reference date. A database modified while
    /// searching is reopened, and one whose generation a rebuild replaced is opened afresh;
    /// then the search runs again.
    SearchResult search(const SearchRequest& request);

    /// The language recorded in the (first) database.
    const std::string& language() const noexcept { return language_; }
    Xapian::Database& database() noexcept { return db_; }
    /// The databases, as given.
    const std::vector<std::string>& paths() const noexcept { return paths_; }

  private:
    void open();
    SearchResult search_once(const SearchRequest& request);

    QueryBuilder& builder(const SearchRequest& request);

    std::vector<std::string> paths_;
    Xapian::Database db_;
    std::string language_;
    std::map<int, std::unique_ptr<QueryBuilder>> builders_;  // by default_and, expand_synonyms
};

}  // namespace folio
