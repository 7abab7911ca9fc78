// SPDX-License-Identifier: GPL-2.0-or-later
// search/ranking.hpp: the weighting scheme and the query rewrites that improve ranking
// (pseudo-relevance feedback, proximity), with the term-frequency cache feedback reads through.
#pragma once

#include <xapian.h>

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "folio/ranking.hpp"

namespace folio {

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
    /// Whether `term`'s frequency is known, and records it (what get() would look up).
    bool has(const std::string& term) const { return freqs_.count(term) != 0; }
    void put(const std::string& term, Xapian::doccount n);
    void clear() noexcept { freqs_.clear(); }
    std::size_t size() const noexcept { return freqs_.size(); }

  private:
    std::size_t max_terms_;
    std::unordered_map<std::string, Xapian::doccount> freqs_;
};

/// A feedback document's terms, rebuilt as the indexer made them from what came with the match
/// (its stored article, as the item's collapse key: see article_keys_step): given the item of the
/// feedback match. Over remote shards a term list is a round trip per document.
using FeedbackTerms = std::function<Xapian::Document(const Xapian::MSetIterator&)>;

/// `query` rewritten for better ranking; it matches the same documents as `query`. `enquire`
/// is set up on `db`, with the weighting scheme. `words` are the query's terms that carry
/// positions, in order (QueryBuilder::positional_terms), for the proximity boost. `remote`:
/// `db` includes remote shards, whose term statistics feedback takes from Xapian's expand set
/// (it reads them locally otherwise: the same terms, fewer lookups). `freqs`, if given, keeps
/// the local lookups for the next call on the same revision of `db`. `decision`, if given,
/// receives whether feedback was applied and why. `language`: the search's, whose stop words
/// (StopStems) are never feedback terms. `rebuild`, given with `remote`: feedback reads
/// its documents' terms from it and looks the candidate terms' frequencies up in one match
/// (remote_term_freqs), instead of Xapian's expand set, which reads a term list per document:
/// the same terms, in a number of round trips that does not grow with the documents or terms.
Xapian::Query ranked_query(const Xapian::Query& query, const Xapian::Database& db,
                           Xapian::Enquire& enquire, const RankingOptions& options,
                           const std::vector<std::string>& words = {}, bool remote = false,
                           TermFreqCache* freqs = nullptr, FeedbackDecision* decision = nullptr,
                           const std::string& language = "english",
                           const FeedbackTerms& rebuild = {});

/// Records in `freqs` the frequencies of those of `terms` it does not hold, from one match of
/// their OR for no hit (MSet::get_termfreq: the statistics every shard sends with a match), so
/// that a remote database answers them in one round trip per shard rather than one per term.
void remote_term_freqs(const Xapian::Database& db, const std::vector<std::string>& terms,
                       TermFreqCache& freqs);

}  // namespace folio
