// folio/search.hpp: running a search. Owns opening one or several databases as one, ranking
// (BM25 with title weighting), filters, sorting and paging, reopening a database the indexer
// rewrote, and turning matches into hits with passages: data, rendered elsewhere.
#pragma once

#include <xapian.h>

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "folio/article.hpp"
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
};

struct Hit {
    std::size_t rank = 0;  ///< 1-based, counting from the first page
    double score = 0;      ///< BM25 weight (0 when sorted by date alone)
    Xapian::docid docid = 0;
    Article article;  ///< decoded stored fields; body cleared unless asked for
    Snippet title;    ///< the title with its matched words highlighted
    std::vector<Snippet> passages;
};

struct SearchResult {
    std::string query;   ///< as given
    std::string parsed;  ///< Xapian's description of the parsed query
    Xapian::doccount estimated = 0, lower_bound = 0, upper_bound = 0;
    std::size_t offset = 0;
    std::vector<Hit> hits;
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

    /// Runs a request. Throws QueryError for a malformed query. A database modified while
    /// searching is reopened, and one whose generation a rebuild replaced is opened afresh;
    /// then the search runs again.
    SearchResult search(const SearchRequest& request);

    /// The language recorded in the (first) database.
    const std::string& language() const noexcept { return language_; }
    Xapian::Database& database() noexcept { return db_; }

  private:
    void open();
    SearchResult search_once(const SearchRequest& request);

    std::vector<std::string> paths_;
    Xapian::Database db_;
    std::string language_;
    std::unique_ptr<QueryBuilder> and_builder_, or_builder_;
};

}  // namespace folio
