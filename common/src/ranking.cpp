#include "folio/ranking.hpp"

#include <string>
#include <vector>

namespace folio {

namespace {

/// Feedback terms must be stems of the free-text field ("Z" + a lower-case word): not ids,
/// boolean filter terms, field-prefixed terms (title, author), nor the unstemmed duplicates
/// of stems already offered.
class FreeTextStems : public Xapian::ExpandDecider {
  public:
    bool operator()(const std::string& term) const override {
        return term.size() > 1 && term[0] == 'Z' && !(term[1] >= 'A' && term[1] <= 'Z');
    }
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

/// Pseudo-relevance feedback: the best terms (Xapian's expand set, Robertson's offer weight,
/// query terms left out) of the top documents. Costs one extra match, bounded to expand_docs.
Xapian::Query feedback_query(const Xapian::Query& query, Xapian::Enquire& enquire,
                             const RankingOptions& options) {
    enquire.set_query(query);
    Xapian::MSet top = enquire.get_mset(0, options.expand_docs);
    if (top.empty())
        return {};
    Xapian::RSet rset;
    for (auto it = top.begin(); it != top.end(); ++it)
        rset.add_document(*it);
    FreeTextStems decider;
    Xapian::ESet eset = enquire.get_eset(options.expand, rset, 0, &decider);
    if (eset.empty())
        return {};
    return Xapian::Query(Xapian::Query::OP_OR, eset.begin(), eset.end());
}

}  // namespace

Xapian::Query ranked_query(const Xapian::Query& query, Xapian::Enquire& enquire,
                           const RankingOptions& options, const std::vector<std::string>& words) {
    const unsigned natural = query.empty() ? 0 : natural_words(query);
    std::vector<Xapian::Query> boosts;
    if (options.proximity_window > 0 && options.proximity_weight > 0 && natural >= 2 &&
        words.size() >= 2) {
        boosts.emplace_back(Xapian::Query::OP_SCALE_WEIGHT,
                            proximity_query(words, options.proximity_window),
                            options.proximity_weight);
    }
    if (options.expand > 0 && options.expand_docs > 0 && options.expand_weight > 0 &&
        natural >= options.expand_min_terms) {
        Xapian::Query extra = feedback_query(query, enquire, options);
        if (!extra.empty()) {
            boosts.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, extra, options.expand_weight);
        }
    }
    if (boosts.empty())
        return query;
    // AND_MAYBE, not OR: the boosts re-rank the query's matches but never add matches, so
    // filters, NOT, AND and the match count mean what the user asked for.
    return Xapian::Query(Xapian::Query::OP_AND_MAYBE, query,
                         Xapian::Query(Xapian::Query::OP_OR, boosts.begin(), boosts.end()));
}

}  // namespace folio
