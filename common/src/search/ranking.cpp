// SPDX-License-Identifier: GPL-2.0-or-later
#include "search/ranking.hpp"

#include "analysis/stemmer.hpp"
#include "schema/schema.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace folio {

namespace {

/// Feedback terms must be stems of the free-text field ("Z" + a lower-case word): not ids,
/// boolean filter terms, field-prefixed terms (title, author), nor the unstemmed duplicates
/// of stems already offered; and not stop words (`stops`), which the query parser leaves out
/// of queries.
class FreeTextStems : public Xapian::ExpandDecider {
  public:
    explicit FreeTextStems(const StopStems& stops) : stops_(stops) {}
    bool operator()(const std::string& term) const override {
        return schema::is_text_stem(term) && !stops_(term);
    }

  private:
    const StopStems& stops_;
};

/// The number of words of a natural-language query (words joined by the default OR, each
/// maybe expanded into a synonym group), or 0 for a query with structure of its own (AND, NOT,
/// phrases, filters...), which says precisely what it wants: feedback is not for those.
unsigned natural_words(const Xapian::Query& q) {
    switch (q.get_type()) {
        case Xapian::Query::LEAF_TERM:
        case Xapian::Query::OP_SYNONYM:
            return 1;
        case Xapian::Query::OP_OR:
            break;
        default:
            return 0;
    }
    unsigned n = 0;
    for (std::size_t i = 0; i < q.get_num_subqueries(); ++i) {
        unsigned words = natural_words(q.get_subquery(i));
        if (words == 0)
            return 0;
        n += words;
    }
    return n;
}

}  // namespace

Xapian::doccount TermFreqCache::get(const Xapian::Database& db, const std::string& term) {
    auto it = freqs_.find(term);
    if (it != freqs_.end())
        return it->second;
    const Xapian::doccount n = db.get_termfreq(term);
    if (freqs_.size() >= max_terms_)
        freqs_.clear();
    freqs_.emplace(term, n);
    return n;
}

void TermFreqCache::put(const std::string& term, Xapian::doccount n) {
    if (freqs_.size() >= max_terms_)
        freqs_.clear();
    freqs_[term] = n;
}

void remote_term_freqs(const Xapian::Database& db, const std::vector<std::string>& terms,
                       TermFreqCache& freqs) {
    std::vector<std::string> missing;
    for (const std::string& term : terms) {
        if (!freqs.has(term))
            missing.push_back(term);
    }
    if (missing.empty())
        return;
    Xapian::Enquire enquire(db);
    enquire.set_query(Xapian::Query(Xapian::Query::OP_OR, missing.begin(), missing.end()));
    const Xapian::MSet stats = enquire.get_mset(0, 0);
    for (const std::string& term : missing)
        freqs.put(term, stats.get_termfreq(term));
}

std::unique_ptr<Xapian::Weight> make_weight(const RankingOptions& options) {
    return std::make_unique<Xapian::BM25Weight>(options.k1, 0.0, 1.0, options.b, 0.5);
}

namespace {

/// Consecutive query words within `window` words of each other, in any order.
Xapian::Query proximity_query(const std::vector<std::string>& words, unsigned window) {
    std::vector<Xapian::Query> pairs;
    for (std::size_t i = 0; i + 1 < words.size(); ++i) {
        if (words[i] == words[i + 1])
            continue;
        Xapian::Query pair[] = {Xapian::Query(words[i]), Xapian::Query(words[i + 1])};
        pairs.emplace_back(Xapian::Query::OP_NEAR, pair, pair + 2, window);
    }
    return Xapian::Query(Xapian::Query::OP_OR, pairs.begin(), pairs.end());
}

/// Xapian's default expand_k for its "trad" expansion scheme.
constexpr double kExpandK = 1.0;

/// What the feedback documents say of one candidate term: in how many of them it occurs (r)
/// and the sum of its within-document weights there (the multiplier of the offer weight).
struct Offer {
    Xapian::doccount r = 0;
    double multiplier = 0;
};

/// Robertson's offer weight of a term found in `n` of the `N` documents, as Xapian's
/// TradEWeight computes it for `R` feedback documents. It falls as n grows; n >= r.
double offer_weight(const Offer& o, double n, double N, double R) {
    const double without = R - o.r;  // feedback documents without the term
    const double num = (o.r + 0.5) * (N - n - without + 0.5);
    const double denom = (n - o.r + 0.5) * (without + 0.5);
    return o.multiplier * std::log(num / denom);
}

/// What feedback_read finds in the feedback documents.
struct FeedbackRead {
    /// Every free-text stem of the feedback documents: in how many of them it occurs, and its
    /// offer weight's multiplier.
    std::unordered_map<std::string, Offer> offers;
    /// How often each word asked for occurs in the feedback documents: the mean over them of
    /// wdf / document length, each document weighted by its score (the relevance model of RM3,
    /// restricted to the query's own words).
    std::vector<double> freq;
};

/// Reads feedback documents into a FeedbackRead, one document at a time, wherever their terms
/// come from (a term list of the database, or a document rebuilt from what came with the match).
class FeedbackReader {
  public:
    FeedbackReader(const Xapian::Database& db, const std::vector<std::string>& words)
        : words_(words), avlen_(db.get_avlength()) {
        read_.freq.assign(words.size(), 0.0);
    }

    /// Adds the document of `score` and length `doclen` whose terms run from `t` to `end`.
    void add(double score, Xapian::termcount doclen, Xapian::TermIterator t,
             const Xapian::TermIterator& end) {
        const double length = doclen;
        const bool weighed = score > 0 && length > 0;
        if (weighed)
            total_ += score;
        for (; t != end; ++t) {
            std::string term = *t;
            if (weighed && !words_.empty()) {
                auto w = std::lower_bound(words_.begin(), words_.end(), term);
                if (w != words_.end() && *w == term)
                    read_.freq[w - words_.begin()] += score * t.get_wdf() / length;
            }
            if (!schema::is_text_stem(term))
                continue;
            const Xapian::termcount wdf = std::max<Xapian::termcount>(t.get_wdf(), 1);
            Offer& o = read_.offers[std::move(term)];
            ++o.r;
            o.multiplier += (kExpandK + 1) * wdf / (kExpandK * doclen / avlen_ + wdf);
        }
    }

    /// What was read, the frequencies divided by the scores of the documents they count.
    FeedbackRead finish() && {
        if (total_ > 0) {
            for (double& f : read_.freq)
                f /= total_;
        }
        return std::move(read_);
    }

  private:
    const std::vector<std::string>& words_;
    const double avlen_;
    double total_ = 0;  // of the scores of the documents that count for the frequencies
    FeedbackRead read_;
};

/// The feedback documents `top`, read in one pass over their term lists: the offers of their
/// free-text stems, and the frequencies of `words` (sorted; FeedbackRead::freq).
FeedbackRead feedback_read(const Xapian::Database& db, const Xapian::MSet& top,
                           const std::vector<std::string>& words) {
    FeedbackReader reader(db, words);
    for (auto it = top.begin(); it != top.end(); ++it)
        reader.add(it.get_weight(), db.get_doclength(*it), db.termlist_begin(*it),
                   db.termlist_end(*it));
    return std::move(reader).finish();
}

/// feedback_read for remote shards: the terms of the documents `top` rebuilt by `rebuild` from
/// what came with the match, where feedback_read reads a term list and a document length per
/// document (a round trip each). The same figures: the length of a document is the sum of its
/// terms' wdf, as Xapian counts it.
FeedbackRead feedback_read_fetched(const Xapian::Database& db, const Xapian::MSet& top,
                                   const std::vector<std::string>& words,
                                   const FeedbackTerms& rebuild) {
    FeedbackReader reader(db, words);
    for (auto it = top.begin(); it != top.end(); ++it) {
        const Xapian::Document doc = rebuild(it);
        Xapian::termcount doclen = 0;
        for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t)
            doclen += t.get_wdf();
        reader.add(it.get_weight(), doclen, doc.termlist_begin(), doc.termlist_end());
    }
    return std::move(reader).finish();
}

/// A candidate for the expand set: an offered term, and the weight it would have at the least
/// possible term frequency (its r), which bounds its offer weight from above.
struct Candidate {
    double bound;
    const std::string* term;
    const Offer* offer;
};

/// The terms of `offers` (for `R` feedback documents) that `query` does not ask for, by bound,
/// highest first: the order in which expand_set looks them up.
std::vector<Candidate> candidates_by_bound(const Xapian::Database& db,
                                           const std::unordered_map<std::string, Offer>& offers,
                                           double R, const Xapian::Query& query) {
    const double N = db.get_doccount();
    const std::set<std::string> asked(query.get_unique_terms_begin(), query.get_unique_terms_end());
    std::vector<Candidate> candidates;
    candidates.reserve(offers.size());
    for (const auto& [term, o] : offers) {
        if (asked.count(term) == 0)
            candidates.push_back({offer_weight(o, o.r, N, R), &term, &o});
    }
    std::sort(candidates.begin(), candidates.end(),
              [](const Candidate& a, const Candidate& b) { return a.bound > b.bound; });
    return candidates;
}

/// The expand set from `offers` (feedback_read's, for `R` feedback documents): the `count`
/// free-text stems of best offer weight, not in `query` nor in `stops`, ties to the lexically
/// smaller term:
/// what Xapian's Enquire::get_eset with TradEWeight gives. Xapian looks up every candidate's
/// term frequency (about 500 for 10 Reuters articles) and its collection frequency; here the
/// candidates are taken in order of the weight they would have at the least possible term
/// frequency (r), and the lookups stop when that bound falls below the count-th weight found
/// (about 140 lookups, through `freqs` when given). For local databases: a remote one looks
/// each term up over the network, and Xapian's get_eset has the frequencies in its term lists.
std::vector<std::string> expand_set(const Xapian::Database& db,
                                    const std::unordered_map<std::string, Offer>& offers, double R,
                                    const Xapian::Query& query, unsigned count,
                                    const StopStems& stops, TermFreqCache* freqs) {
    const double N = db.get_doccount();
    const std::vector<Candidate> candidates = candidates_by_bound(db, offers, R, query);
    // The best so far, best first: higher weight, then the lexically smaller term.
    std::vector<std::pair<double, const std::string*>> best;
    auto before = [](const std::pair<double, const std::string*>& a,
                     const std::pair<double, const std::string*>& b) {
        return a.first > b.first || (a.first == b.first && *a.second < *b.second);
    };
    for (const Candidate& c : candidates) {
        if (best.size() == count && c.bound < best.back().first)
            break;  // neither this candidate nor any after it can enter
        if (stops(*c.term))
            continue;
        const Xapian::doccount n = freqs ? freqs->get(db, *c.term) : db.get_termfreq(*c.term);
        const double weight = offer_weight(*c.offer, n, N, R);
        if (!(weight > 0))
            continue;
        std::pair<double, const std::string*> entry(weight, c.term);
        if (best.size() == count) {
            if (!before(entry, best.back()))
                continue;
            best.pop_back();
        }
        best.insert(std::upper_bound(best.begin(), best.end(), entry, before), entry);
    }
    std::vector<std::string> expansion;
    for (const auto& [weight, term] : best)
        expansion.push_back(*term);
    return expansion;
}

/// Looks up over remote shards the term frequencies expand_set will ask for, a batch of
/// candidates per match (remote_term_freqs): the candidates in expand_set's order (their
/// weight's bound) up to where it stops, which the frequencies found so far tell; the first
/// batch (16 x count, at least 128: on Reuters, a second one was needed for a quarter of the
/// feedback queries with 4 x count) is almost always enough, each next is four times larger. Where
/// expand_set looks each candidate up, a round trip each, this takes one or two per shard.
void remote_expand_freqs(const Xapian::Database& db,
                         const std::unordered_map<std::string, Offer>& offers, double R,
                         const Xapian::Query& query, unsigned count, const StopStems& stops,
                         TermFreqCache& freqs) {
    const double N = db.get_doccount();
    const std::vector<Candidate> candidates = candidates_by_bound(db, offers, R, query);
    std::size_t batch = std::max<std::size_t>(16 * std::size_t(count), 128);
    for (;;) {
        std::vector<double> best;  // the count best weights so far, a min-heap
        std::vector<std::string> missing;
        for (std::size_t i = 0; i < candidates.size(); ++i) {
            if (best.size() == count && candidates[i].bound < best.front())
                break;  // where expand_set stops
            const std::string& term = *candidates[i].term;
            if (stops(term))
                continue;  // as expand_set: never offered, never looked up
            if (!freqs.has(term)) {
                for (std::size_t j = i; j < candidates.size() && missing.size() < batch; ++j) {
                    const std::string& next = *candidates[j].term;
                    if (!stops(next) && !freqs.has(next))
                        missing.push_back(next);
                }
                break;
            }
            const double weight = offer_weight(*candidates[i].offer, freqs.get(db, term), N, R);
            if (!(weight > 0))
                continue;
            if (best.size() < count) {
                best.push_back(weight);
                std::push_heap(best.begin(), best.end(), std::greater<>());
            } else if (weight > best.front()) {
                std::pop_heap(best.begin(), best.end(), std::greater<>());
                best.back() = weight;
                std::push_heap(best.begin(), best.end(), std::greater<>());
            }
        }
        if (missing.empty())
            return;
        remote_term_freqs(db, missing, freqs);
        batch *= 4;
    }
}

/// What pseudo-relevance feedback from the top `expand_docs` matches of a query found:
/// - expansion: the best other terms of those documents (Xapian's expand set, Robertson's
///   offer weight), each at `expand_weight` x its own BM25 weight;
/// - reweights: the query's own words, each once more at a share of `reweight` x `words`
///   in proportion to its frequency in those documents, so that the words the best matches
///   are about count more than the words they merely mention (verbose queries).
struct Feedback {
    Xapian::Query expansion;
    std::vector<std::pair<std::string, double>> reweights;  ///< term, extra weight factor
};

std::string number_text(double x) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.3g", x);
    return buffer;
}

/// Feedback for `query`, if the feedback decision (see RankingOptions::feedback_threshold)
/// says so; costs one extra match, bounded to expand_docs, and a read of those documents'
/// term lists.
Feedback feedback(const Xapian::Query& query, const Xapian::Database& db, Xapian::Enquire& enquire,
                  const RankingOptions& options, unsigned words, bool remote,
                  const StopStems& stops, TermFreqCache* freqs, FeedbackDecision& decision,
                  const FeedbackTerms& rebuild) {
    Feedback found;
    enquire.set_query(query);
    Xapian::MSet top = enquire.get_mset(0, options.expand_docs);
    decision.threshold = options.feedback_threshold;
    if (top.empty()) {
        decision.reason = "not applied: the query matches nothing";
        return found;
    }
    const unsigned count = options.expand_weight > 0 ? options.expand : 0;
    std::vector<std::string> terms;  // the query's words, for the reweighting
    if (options.reweight > 0)
        terms.assign(query.get_unique_terms_begin(), query.get_unique_terms_end());
    const bool fetched = remote && rebuild;  // see ranked_query
    FeedbackRead read =
        fetched ? feedback_read_fetched(db, top, terms, rebuild) : feedback_read(db, top, terms);
    const double R = top.size();
    decision.considered = true;
    decision.documents = top.size();
    decision.value = read.offers.size() / R;
    const std::string evidence = "the top " + std::to_string(top.size()) +
                                 (top.size() == 1 ? " match holds " : " matches hold ") +
                                 number_text(decision.value) + " distinct words each";
    if (decision.value < options.feedback_threshold) {
        decision.reason = "not applied: " + evidence + ", below the threshold " +
                          number_text(options.feedback_threshold) +
                          " (too little text to tell what they are about)";
        return found;
    }
    decision.applied = true;
    decision.reason = "applied: " + evidence + ", at least the threshold " +
                      number_text(options.feedback_threshold);
    std::vector<std::string> expansion;
    if (count > 0 && remote && !fetched) {
        // Xapian's expand set: remote term lists carry their terms' frequencies.
        Xapian::RSet rset;
        for (auto it = top.begin(); it != top.end(); ++it)
            rset.add_document(*it);
        FreeTextStems decider(stops);
        Xapian::ESet eset = enquire.get_eset(count, rset, 0, &decider);
        expansion.assign(eset.begin(), eset.end());
    } else if (count > 0) {
        TermFreqCache own;
        if (fetched) {
            if (freqs == nullptr)
                freqs = &own;
            remote_expand_freqs(db, read.offers, R, query, count, stops, *freqs);
        }
        expansion = expand_set(db, read.offers, R, query, count, stops, freqs);
    }
    if (!expansion.empty()) {
        found.expansion =
            Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT,
                          Xapian::Query(Xapian::Query::OP_OR, expansion.begin(), expansion.end()),
                          options.expand_weight);
    }
    double sum = 0;
    for (double f : read.freq)
        sum += f;
    for (std::size_t i = 0; i < terms.size(); ++i) {
        if (read.freq[i] > 0)
            found.reweights.emplace_back(terms[i], options.reweight * words * read.freq[i] / sum);
    }
    return found;
}

/// `query` with the feedback reweights applied. A word of the query's top-level OR that occurs
/// there once is scaled in place (weight x (1 + share)), which scores exactly as the word plus a
/// boost of the word at its share, with one posting list fewer to read; other reweights (words
/// of synonym groups, repeated words) go to `boosts`.
Xapian::Query apply_reweights(const Xapian::Query& query,
                              const std::vector<std::pair<std::string, double>>& reweights,
                              std::vector<Xapian::Query>& boosts) {
    std::vector<Xapian::Query> children;
    std::map<std::string, unsigned> leaves;  // word -> times it is a child of the OR
    if (query.get_type() == Xapian::Query::OP_OR) {
        for (std::size_t i = 0; i < query.get_num_subqueries(); ++i) {
            children.push_back(query.get_subquery(i));
            if (children.back().get_type() == Xapian::Query::LEAF_TERM)
                ++leaves[*children.back().get_terms_begin()];
        }
    }
    std::map<std::string, double> scale;
    for (const auto& [term, share] : reweights) {
        auto it = leaves.find(term);
        if (it != leaves.end() && it->second == 1)
            scale.emplace(term, 1 + share);
        else
            boosts.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(term), share);
    }
    if (scale.empty())
        return query;
    for (auto& child : children) {
        if (child.get_type() != Xapian::Query::LEAF_TERM)
            continue;
        auto it = scale.find(*child.get_terms_begin());
        if (it != scale.end())
            child = Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, child, it->second);
    }
    return Xapian::Query(Xapian::Query::OP_OR, children.begin(), children.end());
}

}  // namespace

Xapian::Query ranked_query(const Xapian::Query& query, const Xapian::Database& db,
                           Xapian::Enquire& enquire, const RankingOptions& options,
                           const std::vector<std::string>& words, bool remote, TermFreqCache* freqs,
                           FeedbackDecision* decision, const std::string& language,
                           const FeedbackTerms& rebuild) {
    const unsigned natural = query.empty() ? 0 : natural_words(query);
    std::vector<Xapian::Query> boosts;
    if (options.proximity_window > 0 && options.proximity_weight > 0 && natural >= 2 &&
        words.size() >= 2) {
        boosts.emplace_back(Xapian::Query::OP_SCALE_WEIGHT,
                            proximity_query(words, options.proximity_window),
                            options.proximity_weight);
    }
    Xapian::Query ranked = query;
    FeedbackDecision decided;
    decided.threshold = options.feedback_threshold;
    if (options.expand == 0 || options.expand_docs == 0) {
        decided.reason = "off (--expand 0)";
    } else if (natural == 0) {
        decided.reason = "not considered: the query has operators, phrases, fields or filters";
    } else if (natural < options.expand_min_terms) {
        decided.reason = "not considered: " + std::to_string(natural) +
                         (natural == 1 ? " word" : " words") + ", feedback needs " +
                         std::to_string(options.expand_min_terms);
    } else {
        Feedback found = feedback(query, db, enquire, options, natural, remote, StopStems(language),
                                  freqs, decided, rebuild);
        if (!found.expansion.empty())
            boosts.push_back(found.expansion);
        ranked = apply_reweights(query, found.reweights, boosts);
    }
    if (decision)
        *decision = std::move(decided);
    if (boosts.empty())
        return ranked;
    // AND_MAYBE, not OR: the boosts re-rank the query's matches but never add matches, so
    // filters, NOT, AND and the match count mean what the user asked for.
    return Xapian::Query(Xapian::Query::OP_AND_MAYBE, ranked,
                         Xapian::Query(Xapian::Query::OP_OR, boosts.begin(), boosts.end()));
}

}  // namespace folio
