#include "folio/ranking.hpp"

#include "folio/schema.hpp"

#include <string>
#include <vector>

namespace folio {

namespace {

/// Feedback terms must be stems of the free-text field ("Z" + a lower-case word): not ids,
/// boolean filter terms, field-prefixed terms (title, author), nor the unstemmed duplicates
/// of stems already offered.
class FreeTextStems : public Xapian::ExpandDecider {
  public:
    bool operator()(const std::string& term) const override { return schema::is_text_stem(term); }
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

/// How often each term of `terms` occurs in the feedback documents `top`: the mean over them
/// of wdf / document length, each document weighted by its score (the relevance model of
/// RM3, restricted to the query's own words).
std::vector<double> feedback_frequencies(const Xapian::Database& db, const Xapian::MSet& top,
                                         const std::vector<std::string>& terms) {
    std::vector<double> freq(terms.size(), 0.0);
    double total = 0;
    for (auto it = top.begin(); it != top.end(); ++it) {
        const double score = it.get_weight();
        const double length = db.get_doclength(*it);
        if (score <= 0 || length <= 0)
            continue;
        total += score;
        Xapian::TermIterator t = db.termlist_begin(*it);
        for (std::size_t i = 0; i < terms.size(); ++i) {  // terms are sorted
            t.skip_to(terms[i]);
            if (t == db.termlist_end(*it))
                break;
            if (*t == terms[i])
                freq[i] += score * t.get_wdf() / length;
        }
    }
    if (total > 0) {
        for (double& f : freq)
            f /= total;
    }
    return freq;
}

/// Pseudo-relevance feedback from the top `expand_docs` matches of `query`, two parts:
/// - expansion: the best other terms of those documents (Xapian's expand set, Robertson's
///   offer weight), each at `expand_weight` x its own BM25 weight;
/// - reweighting: the query's own words, each once more at a share of `reweight` x `words`
///   in proportion to its frequency in those documents, so that the words the best matches
///   are about count more than the words they merely mention (verbose queries).
/// Costs one extra match, bounded to expand_docs.
Xapian::Query feedback_query(const Xapian::Query& query, const Xapian::Database& db,
                             Xapian::Enquire& enquire, const RankingOptions& options,
                             unsigned words) {
    enquire.set_query(query);
    Xapian::MSet top = enquire.get_mset(0, options.expand_docs);
    if (top.empty())
        return {};
    std::vector<Xapian::Query> parts;
    if (options.expand > 0 && options.expand_weight > 0) {
        Xapian::RSet rset;
        for (auto it = top.begin(); it != top.end(); ++it)
            rset.add_document(*it);
        FreeTextStems decider;
        Xapian::ESet eset = enquire.get_eset(options.expand, rset, 0, &decider);
        if (!eset.empty()) {
            parts.emplace_back(Xapian::Query::OP_SCALE_WEIGHT,
                               Xapian::Query(Xapian::Query::OP_OR, eset.begin(), eset.end()),
                               options.expand_weight);
        }
    }
    if (options.reweight > 0) {
        std::vector<std::string> terms(query.get_unique_terms_begin(),
                                       query.get_unique_terms_end());
        std::vector<double> freq = feedback_frequencies(db, top, terms);
        double sum = 0;
        for (double f : freq)
            sum += f;
        for (std::size_t i = 0; i < terms.size(); ++i) {
            if (freq[i] > 0) {
                parts.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(terms[i]),
                                   options.reweight * words * freq[i] / sum);
            }
        }
    }
    if (parts.empty())
        return {};
    return Xapian::Query(Xapian::Query::OP_OR, parts.begin(), parts.end());
}

}  // namespace

Xapian::Query ranked_query(const Xapian::Query& query, const Xapian::Database& db,
                           Xapian::Enquire& enquire, const RankingOptions& options,
                           const std::vector<std::string>& words) {
    const unsigned natural = query.empty() ? 0 : natural_words(query);
    std::vector<Xapian::Query> boosts;
    if (options.proximity_window > 0 && options.proximity_weight > 0 && natural >= 2 &&
        words.size() >= 2) {
        boosts.emplace_back(Xapian::Query::OP_SCALE_WEIGHT,
                            proximity_query(words, options.proximity_window),
                            options.proximity_weight);
    }
    if (options.expand > 0 && options.expand_docs > 0 && natural >= options.expand_min_terms) {
        Xapian::Query extra = feedback_query(query, db, enquire, options, natural);
        if (!extra.empty())
            boosts.push_back(extra);
    }
    if (boosts.empty())
        return query;
    // AND_MAYBE, not OR: the boosts re-rank the query's matches but never add matches, so
    // filters, NOT, AND and the match count mean what the user asked for.
    return Xapian::Query(Xapian::Query::OP_AND_MAYBE, query,
                         Xapian::Query(Xapian::Query::OP_OR, boosts.begin(), boosts.end()));
}

}  // namespace folio
