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
#include "folio/ranking.hpp"
#include "folio/snippet.hpp"

namespace folio {

class QueryBuilder;

enum class SortOrder { relevance, date, date_descending };

/// Seconds a search's match may take unless the request says otherwise (searcher --time-limit).
inline constexpr double kDefaultTimeLimit = 10;

struct SearchRequest {
    std::string query;
    std::vector<std::string> filters;  ///< restrict without changing the ranking
    bool default_and = false;
    SortOrder sort = SortOrder::relevance;
    std::size_t offset = 0;
    std::size_t limit = 10;
    std::size_t passages = 1;  ///< passages per hit (0: none)
    std::size_t passage_length = 240;
    /// Count every match instead of estimating, with no time limit (--count). Without it the
    /// count is still exact up to kExactCountUpTo matches.
    bool exact_count = false;
    RankingOptions ranking;

    /// Count these fields' values over ALL matches (costs a pass over every match).
    std::vector<FacetRequest> facets;
    /// Look for a spelling suggestion when a query word is not in the index.
    bool suggest = true;
    /// Run the suggested query (when there is one) instead of the query as written.
    bool correct = false;
    /// Expand every word by the database's synonyms (~word always does).
    bool expand_synonyms = false;
    /// Most words a trailing wildcard may match; a wildcard that matches more is refused
    /// (QueryError) rather than searched for some of them.
    unsigned wildcard_limit = 256;
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
    double time_limit = kDefaultTimeLimit;
};

/// Counts of up to this many matches are exact: where a match's upper bound (which Xapian gives
/// without running it) is at most this, every match is counted (check_at_least); else the count
/// is an estimate and says so. What it costs is in docs/BENCHMARKS.md.
inline constexpr Xapian::doccount kExactCountUpTo = 2000;

/// An upper bound on the postings a match of `query` over `docs` documents can visit: each
/// term, value range or posting source at most every document, a wildcard up to
/// `wildcard_limit` terms, and a term under a phrase or NEAR counted kPositionalCost times for
/// its positions. Searcher uses it to leave out the time limit's timer (a thread of its own:
/// about 1 ms of a one-query process) where the match cannot come near the limit.
double match_work_bound(const Xapian::Query& query, Xapian::doccount docs,
                        Xapian::termcount wildcard_limit);

/// The fields --collapse accepts and their value slots: title (lower-cased), source, author
/// (the whole author list), tag (the whole tag list), lang, date.
const std::map<std::string, Xapian::valueno>& collapse_fields();

struct Hit {
    std::size_t rank = 0;  ///< 1-based, counting from the first page
    double score = 0;      ///< BM25 weight (0 when sorted by date alone)
    Xapian::docid docid = 0;
    Article article;  ///< decoded stored fields, without the body (passages hold its parts)
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
    /// The time limit ran out during the match: the hits are the best found by then, and the
    /// count an estimate even where it could have been exact.
    bool time_limited = false;
    /// The count is exact: lower and upper bound agree, and the match ran to its end (a match
    /// cut short by the time limit can report bounds that agree on what it saw).
    bool exact() const noexcept { return !time_limited && lower_bound == upper_bound; }
    /// The query matched something (even where no hit is on this page).
    bool matched() const noexcept { return lower_bound > 0 || !hits.empty(); }
    std::size_t offset = 0;
    std::vector<Hit> hits;
    /// The query with misspelled words corrected, when the database suggests one.
    std::optional<std::string> suggestion;
    bool corrected = false;               ///< the hits are those of the suggestion
    std::vector<FacetResult> facets;      ///< as requested, in request order
    std::vector<std::string> like_terms;  ///< the stems --like searched for
    std::string collapse;                 ///< the field collapsed on, "" for none
    bool explained = false;               ///< hits carry explanations
    FeedbackDecision feedback;            ///< whether feedback rewrote the query, and why
};

/// How a Searcher opens its databases, remote shards above all.
struct OpenOptions {
    /// Bounds, in milliseconds, connecting to a remote shard and each exchange with it: a shard
    /// that does not answer in time fails the search (or is left out, see allow_partial).
    unsigned remote_timeout_ms = 10000;
    /// When some shards cannot be opened or fail during a search, search the others and say so
    /// in warnings() instead of failing.
    bool allow_partial = false;
};

/// One database of those a Searcher covers: a local database, or a remote one served by
/// xapian-tcpsrv (tcp) or spawned through a program (xapian-progsrv, e.g. over ssh).
struct ShardSpec {
    std::string address;  ///< as messages name it: a path, tcp://HOST:PORT or prog:PROGRAM ARGS
    std::string path;     ///< a local database (or stub) to open with Xapian
    std::string host;     ///< tcp: host name or address
    unsigned port = 0;    ///< tcp: port
    std::string program, args;  ///< prog: the program and its arguments
    bool chert = false;         ///< a local chert database (else glass)
    bool remote() const noexcept { return path.empty(); }
};

/// The databases that `databases` (as --db gives them) name, one ShardSpec each: tcp://HOST:PORT
/// is a remote shard; a directory holding a Xapian stub (XAPIANDB), or a stub file, is followed
/// line by line (`auto|glass|chert PATH` relative to the stub, `remote HOST:PORT`,
/// `remote :PROGRAM ARGS`) to the databases it names. Folio follows stubs itself, never Xapian:
/// remote lines only in a stub file named in `databases` (never in a database directory's
/// XAPIANDB, nor in a stub another stub names), at most kMaxStubDepth stubs deep, no loop.
/// Throws UsageError for a malformed tcp:// address, DatabaseError for a bad or refused stub line
/// ("stub loop: A -> B -> A").
std::vector<ShardSpec> expand_databases(const std::vector<std::string>& databases);

/// One or several databases searched as one. Open once, search many times (batch mode).
/// Not thread-safe: give each thread its own Searcher.
class Searcher {
  public:
    /// Opens `databases` (directories, stub files, remote specs) as one. Throws DatabaseError
    /// naming the one that cannot be opened, or when none is a Folio database.
    explicit Searcher(const std::vector<std::string>& databases, const OpenOptions& options = {});
    ~Searcher();
    Searcher(const Searcher&) = delete;
    Searcher& operator=(const Searcher&) = delete;

    /// Runs a request. Throws QueryError for a malformed query, UsageError for an unknown
    /// collapse field, --like id or bad reference date. A database modified while
    /// searching is reopened, and one whose generation a rebuild replaced is opened afresh;
    /// then the search runs again.
    SearchResult search(const SearchRequest& request);

    /// The stored articles that `id` names (searcher --show): the article with that id; else
    /// the articles of the file at that path (a path as the user types it, resolved as the
    /// indexer does); else, for "PATH#ID" (as --files prints a JSON Lines record), the article
    /// with the id after the last '#'. Whole, body included, the language filled in as in hits.
    /// Empty when none.
    std::vector<Article> articles(const std::string& id);

    /// The language recorded in the databases (the first by name where they differ).
    const std::string& language() const noexcept;
    /// The Xapian database the searcher reads (its shards as one), for what the library does
    /// not cover itself (database_stats, reopening in tests): the one Xapian type meant to be
    /// part of this API.
    Xapian::Database& database() noexcept;
    /// The databases, as given.
    const std::vector<std::string>& paths() const noexcept;
    /// The shards searched: the databases as expand_databases gives them.
    const std::vector<ShardSpec>& shards() const noexcept;
    /// True when some shard is remote (features the remote backend lacks are then refused).
    bool remote() const noexcept;
    /// Warnings, one message each, in the order they arose: the shards left out (with
    /// OpenOptions::allow_partial) and searches past their deadline, each saying that the
    /// results are partial, and databases of older word rules (schema::older_word_rules).
    const std::vector<std::string>& warnings() const noexcept;

  private:
    /// What a Searcher holds (search/searcher_impl.hpp): its databases and what they record,
    /// the query builders, the term statistics feedback reads. Hidden, so that what the library
    /// keeps is not part of its API.
    struct Impl;

    void open();
    /// One attempt of open(); `retry_damage`: a local database that looks damaged throws
    /// Xapian::DatabaseCorruptError for open() to try again, instead of DatabaseError.
    void open_once(bool retry_damage);
    /// A search failed on the network: finds the shards that fail (each opened afresh) and
    /// leaves them out with allow_partial, else throws DatabaseError naming the first. Returns
    /// false when every shard answers (the failure was transient).
    bool handle_failure();
    std::string shard_name(std::size_t k) const;
    /// The language of the database that holds `docid` (that of its articles naming none).
    std::string database_language(Xapian::docid docid) const;
    SearchResult search_once(const SearchRequest& request);

    QueryBuilder& builder(const SearchRequest& request);

    std::unique_ptr<Impl> impl_;
};

}  // namespace folio
