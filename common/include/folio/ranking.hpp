// folio/ranking.hpp: how matches are ordered by relevance. Owns the weighting scheme and its
// parameters, and the query rewrites that improve ranking (title and proximity boosts,
// pseudo-relevance feedback), so that their defaults are set in one place.
#pragma once

#include <xapian.h>

#include <cstddef>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace folio {

/// Defaults chosen with eval/run_eval.py (docs/RELEVANCE.md): tuned on Cranfield, confirmed on
/// CISI. Plain BM25, the baseline there: k1 1, b 0.5, expand 0.
struct RankingOptions {
    double k1 = 1.2;             ///< BM25 term-frequency saturation
    double b = 0.75;             ///< BM25 length normalisation
    unsigned expand = 10;        ///< pseudo-relevance feedback: terms added (0: off)
    unsigned expand_docs = 10;   ///< top documents the feedback terms are taken from
    double expand_weight = 0.3;  ///< weight of a feedback term relative to a query term
    /// Feedback also reweights the query's own words: together they gain this fraction of
    /// their weight (times the number of words), shared out in proportion to each word's
    /// frequency in the feedback documents (0: off). Needs expand > 0.
    double reweight = 0.43;
    /// Feedback only for natural-language queries (words joined by OR, no operators, phrases
    /// or filters) of at least this many words: long, verbose queries gain from it
    /// (docs/RELEVANCE.md), while keywords and boolean queries would pay an extra match and an
    /// expand set (several ms on Reuters) for little.
    unsigned expand_min_terms = 3;
    /// Proximity: natural-language queries also reward consecutive query words found within
    /// this many words of each other (0: off), at this fraction of their weight.
    unsigned proximity_window = 0;
    double proximity_weight = 0.0;
};

/// The weighting scheme for `options` (caller owns it; Enquire clones it).
std::unique_ptr<Xapian::Weight> make_weight(const RankingOptions& options);

/// The term frequencies pseudo-relevance feedback has looked up, kept from one search to the
/// next on the same database revision: the feedback documents of different queries share many
/// words (the common ones, in every document), and each lookup costs a B-tree descent and its
/// block reads, which Xapian does not cache between cursors. Whoever reopens the database
/// clears it. It starts afresh past `max_terms` entries.
class TermFreqCache {
  public:
    explicit TermFreqCache(std::size_t max_terms = std::size_t(1) << 18) : max_terms_(max_terms) {}
    /// `db.get_termfreq(term)`, looked up once.
    Xapian::doccount get(const Xapian::Database& db, const std::string& term);
    void clear() noexcept { freqs_.clear(); }
    std::size_t size() const noexcept { return freqs_.size(); }

  private:
    std::size_t max_terms_;
    std::unordered_map<std::string, Xapian::doccount> freqs_;
};

/// `query` rewritten for better ranking; it matches the same documents as `query`. `enquire`
/// is set up on `db`, with the weighting scheme. `words` are the query's terms that carry
/// positions, in order (QueryBuilder::positional_terms), for the proximity boost. `remote`:
/// `db` includes remote shards, whose term statistics feedback takes from Xapian's expand set
/// (it reads them locally otherwise: the same terms, fewer lookups). `freqs`, if given, keeps
/// the local lookups for the next call on the same revision of `db`.
Xapian::Query ranked_query(const Xapian::Query& query, const Xapian::Database& db,
                           Xapian::Enquire& enquire, const RankingOptions& options,
                           const std::vector<std::string>& words = {}, bool remote = false,
                           TermFreqCache* freqs = nullptr);

}  // namespace folio
