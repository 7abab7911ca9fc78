// SPDX-License-Identifier: GPL-2.0-or-later
#include "search/search_steps.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <map>

#include "folio/error.hpp"
#include "schema/schema.hpp"
#include "search/explain.hpp"
#include "search/facets.hpp"
#include "search/query.hpp"
#include "search/ranking.hpp"
#include "search/recency.hpp"
#include "search/similar.hpp"
#include "snippet/snippet.hpp"

namespace folio {

namespace {

/// The query's terms that a hit can match (`matchable`, see positive_terms) in the order
/// Enquire::get_matching_terms() gives a hit's: by their first occurrence in the query.
std::vector<std::string> query_term_order(const Xapian::Query& query,
                                          const std::set<std::string>& matchable) {
    std::set<std::string> seen = matchable;
    std::vector<std::string> out;
    for (auto t = query.get_terms_begin(); t != query.get_terms_end(); ++t) {
        if (seen.erase(*t) != 0)
            out.push_back(*t);
    }
    return out;
}

/// Which of `terms` each of `docids`' documents holds (indices into `terms`, ascending): what
/// Enquire::get_matching_terms() says of each hit, for a page of hits at once. Each term's
/// posting list is skipped through the docids in ascending order, where get_matching_terms()
/// reads (and inflates) each hit's whole term list. The empty term (match-all) matches nothing,
/// as no document holds it.
std::vector<std::vector<std::size_t>> terms_held(const Xapian::Database& db,
                                                 const std::vector<std::string>& terms,
                                                 const std::vector<Xapian::docid>& docids) {
    std::vector<std::size_t> order(docids.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::sort(order.begin(), order.end(),
              [&](std::size_t x, std::size_t y) { return docids[x] < docids[y]; });
    std::vector<std::vector<std::size_t>> out(docids.size());
    for (std::size_t t = 0; t < terms.size(); ++t) {
        if (terms[t].empty())
            continue;
        Xapian::PostingIterator post = db.postlist_begin(terms[t]);
        const Xapian::PostingIterator end = db.postlist_end(terms[t]);
        for (std::size_t i : order) {
            post.skip_to(docids[i]);
            if (post == end)
                break;
            if (*post == docids[i])
                out[i].push_back(t);
        }
    }
    return out;
}

/// terms_held for remote shards, in one match (a round trip per shard) where reading each hit's
/// term list is a round trip per hit, and a posting list comes whole over the network: each
/// term `terms[t]` is a FixedWeightPostingSource of weight 2^t filtered by the term, their OR is
/// filtered by the hits' id terms (`ids`), and each hit's weight is then the sum of 2^t over the
/// terms it holds (exact in a double for up to 52 terms; more go in further matches).
std::vector<std::vector<std::size_t>> remote_terms_held(const Xapian::Database& db,
                                                        const std::vector<std::string>& terms,
                                                        const std::vector<Xapian::docid>& docids,
                                                        const std::vector<std::string>& ids) {
    constexpr std::size_t kBits = 52;
    std::vector<std::vector<std::size_t>> out(docids.size());
    const Xapian::Query hits(Xapian::Query::OP_OR, ids.begin(), ids.end());
    for (std::size_t from = 0; from < terms.size(); from += kBits) {
        std::vector<Xapian::Query> parts;
        std::vector<std::size_t> which;  // parts[k] tests terms[which[k]]
        for (std::size_t t = from; t < std::min(terms.size(), from + kBits); ++t) {
            if (terms[t].empty())
                continue;  // match-all: no document holds the empty term
            auto* bit = new Xapian::FixedWeightPostingSource(std::ldexp(1.0, int(which.size())));
            parts.emplace_back(Xapian::Query::OP_FILTER, Xapian::Query(bit->release()),
                               Xapian::Query(terms[t]));
            which.push_back(t);
        }
        if (parts.empty())
            continue;
        Xapian::Enquire enquire(db);
        enquire.set_query(
            Xapian::Query(Xapian::Query::OP_FILTER,
                          Xapian::Query(Xapian::Query::OP_OR, parts.begin(), parts.end()), hits));
        const auto size = static_cast<Xapian::doccount>(2 * docids.size() + 10);
        const Xapian::MSet held = enquire.get_mset(0, size, size);
        std::map<Xapian::docid, double> weights;
        for (auto it = held.begin(); it != held.end(); ++it)
            weights[*it] = it.get_weight();
        for (std::size_t i = 0; i < docids.size(); ++i) {
            auto w = weights.find(docids[i]);
            if (w == weights.end())
                continue;
            auto mask = static_cast<std::uint64_t>(std::llround(w->second));
            for (std::size_t k = 0; k < which.size(); ++k) {
                if ((mask >> k) & 1u)
                    out[i].push_back(which[k]);
            }
        }
    }
    return out;
}

/// Asks for the documents of `mset`'s items from index `from` on at once (MSet::fetch(), a hint
/// that a backend may act on: Xapian 1.4.22's remote backend still reads each document with a
/// request of its own, hence article_keys_step). Its MSet::fetch() requests items 0 to size - 1
/// as ranks (items[rank - firstitem]): on an MSet that does not start at the first match
/// (get_firstitem() > 0) it reads out of bounds and crashes; and its fetch(begin, end) passes
/// the iterators' distances from the end where ranks are expected (a range that asks nothing).
/// So this asks only an MSet that starts at the first match (rank = index), through iterators
/// whose distances from the end are the indices wanted.
void prefetch(const Xapian::MSet& mset, Xapian::doccount from) {
    if (mset.get_firstitem() != 0 || from >= mset.size())
        return;
#if XAPIAN_AT_LEAST(1, 5, 0)
    mset.fetch(mset[from], mset.end());
#else
    mset.fetch(mset.end() - from, mset.end() - (mset.size() - 1));
#endif
}

/// Sorts a hit's matching terms (in query order) into what its passages should highlight.
MatchTerms match_terms_for(const std::vector<std::string>& matching, const QueryTerms& query,
                           const std::set<std::string>& phrase_only,
                           const std::set<std::string>& feedback, const Xapian::MSet& mset,
                           double doccount, bool stems_only, std::map<std::string, double>& idfs) {
    MatchTerms out;
    out.phrases = query.phrases;
    out.phrase_spans = query.phrase_spans;
    out.stemmed_phrases = stems_only;
    for (const std::string& term : matching) {
        if (phrase_only.count(term) != 0 || feedback.count(term) != 0)
            continue;
        bool stemmed = term.starts_with(schema::kPrefixStem);
        std::string_view rest(term);
        if (stemmed)
            rest.remove_prefix(1);
        std::size_t prefix = schema::prefix_length(rest);
        std::string_view field = rest.substr(0, prefix);
        if (!field.empty() && field != schema::kPrefixTitle && field != schema::kPrefixAuthor) {
            continue;  // a boolean filter term: nothing to highlight
        }
        std::string word(rest.substr(prefix));
        if (word.empty())
            continue;
        // Cached for the page: the match's statistics hold the query's terms; others (over
        // remote shards, a round trip per shard) are looked up once.
        auto known = idfs.find(term);
        if (known == idfs.end()) {
            double idf =
                std::log(std::max(1.0, doccount) / std::max<double>(1.0, mset.get_termfreq(term))) +
                1.0;
            known = idfs.emplace(term, idf).first;
        }
        double idf = known->second;
        out.weights[word] = std::max(out.weights[word], idf);
        // Words starting with a digit are stemmed only in a stems-only index, and left as
        // they are by every Snowball stemmer: matched as written.
        bool digit = word[0] >= '0' && word[0] <= '9';
        (stemmed && !digit ? out.stems : out.words).push_back(std::move(word));
    }
    return out;
}

}  // namespace

namespace {

/// An article that names no language is indexed in its database's.
Article with_language(Article article, Xapian::docid docid,
                      const std::vector<std::string>& sub_languages) {
    if (article.language.empty() && !sub_languages.empty())
        article.language = sub_languages[(docid - 1) % sub_languages.size()];
    return article;
}

}  // namespace

Article stored_article(const Xapian::Document& document, Xapian::docid docid,
                       const std::vector<std::string>& sub_languages) {
    return with_language(schema::stored_article(document), docid, sub_languages);
}

Article hit_article(const Xapian::MSetIterator& it, bool article_keys,
                    const std::vector<std::string>& sub_languages) {
    if (article_keys) {
        const std::string key = it.get_collapse_key();
        if (!key.empty())
            return with_language(schema::unpack_article(key), *it, sub_languages);
    }
    return stored_article(it.get_document(), *it, sub_languages);
}

bool article_keys_step(Xapian::Enquire& enquire, const SearchRequest& request, bool remote,
                       int schema_version) {
    // Nor for a count alone or an exact count: every match counted would have its article read.
    if (!remote || request.sort != SortOrder::relevance || !request.collapse.empty() ||
        !request.facets.empty() || request.limit == 0 || request.exact_count ||
        !schema::article_in_value(schema_version)) {
        return false;
    }
    enquire.set_collapse_key(schema::kSlotArticle);
    return true;
}

Deadline::Deadline(double seconds)
    : seconds_(seconds),
      end_(std::chrono::steady_clock::now() +
           std::chrono::duration_cast<std::chrono::steady_clock::duration>(
               std::chrono::duration<double>(seconds))) {}

bool Deadline::passed() const {
    return seconds_ > 0 && std::chrono::steady_clock::now() >= end_;
}

bool past_deadline(const Deadline& deadline, const std::string& step, bool allow_partial,
                   std::vector<std::string>& warnings) {
    if (!deadline.passed())
        return false;
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%g", deadline.seconds());
    const std::string what = std::string("the search over remote shards passed its deadline ") +
                             "(--time-limit " + seconds + " s) before " + step;
    if (!allow_partial) {
        throw DatabaseError(what +
                            ": a shard answers slowly (--allow-partial returns what was found by "
                            "then)");
    }
    warnings.push_back(what + "; the results are partial");
    return true;
}

std::string suggest_step(QueryBuilder& builder, const SearchRequest& request, SearchResult& result,
                         bool dictionary) {
    std::string text = request.query;
    if ((request.suggest || request.correct) && dictionary) {
        // Cheap unless a word is unknown: one term lookup per word.
        std::string suggestion = builder.suggest(request.query);
        if (!suggestion.empty()) {
            result.suggestion = suggestion;
            if (request.correct) {
                text = suggestion;
                result.corrected = true;
            }
        }
    }
    return text;
}

Xapian::Query like_step(const Xapian::Database& db, const std::string& language,
                        const SearchRequest& request, const Xapian::Query& query,
                        SearchResult& result) {
    if (request.like_ids.empty() && request.like_articles.empty())
        return query;
    LikeQuery similar =
        like_query(db, request.like_ids, request.like_articles, language, request.like_terms);
    result.like_terms = similar.terms;
    return query.empty() ? similar.query
                         : Xapian::Query(Xapian::Query::OP_FILTER, similar.query, query);
}

bool time_limit_step(Xapian::Enquire& enquire, const Xapian::Query& query, Xapian::doccount docs,
                     const SearchRequest& request, const std::vector<std::string>& positional,
                     unsigned wildcard_limit, bool remote) {
    // An exact count (--count) is never cut short by the time limit.
    if (request.time_limit <= 0 || request.exact_count)
        return false;
    // Xapian's time limit starts a timer thread. Where even a slow matcher (1 us a posting)
    // would finish in a tenth of the limit, the limit cannot be reached: leave it out.
    // What ranking adds: feedback terms, a recency source, proximity pairs (two positional
    // terms for each pair of words). Remote shards keep the limit.
    double added = request.ranking.expand + (request.boost_half_life > 0 ? 1 : 0);
    if (request.ranking.proximity_window > 0)
        added += 16.0 * positional.size();
    const double bound = match_work_bound(query, docs, wildcard_limit) + added * docs;
    if (remote || bound * 1e-6 > request.time_limit / 10) {
        enquire.set_time_limit(request.time_limit);
        return true;
    }
    return false;
}

Xapian::Query rank_step(const Xapian::Query& query, const Xapian::Database& db,
                        Xapian::Enquire& enquire, const SearchRequest& request,
                        const std::vector<std::string>& positional, bool remote,
                        TermFreqCache* freqs, FeedbackDecision& feedback,
                        const std::string& language, const FeedbackTerms& rebuild) {
    Xapian::Query ranked = ranked_query(query, db, enquire, request.ranking, positional, remote,
                                        freqs, &feedback, language, rebuild);
    if (request.boost_half_life <= 0)
        return ranked;
    // Scaled to the query's best score, so that recency weighs the same whatever the query; a
    // query that scores nothing (filters alone) is ranked by recency alone.
    enquire.set_query(ranked);
    Xapian::MSet top = enquire.get_mset(0, 1);
    double scale = top.empty() || top.get_max_attained() <= 0 ? 1.0 : top.get_max_attained();
    std::string reference =
        request.boost_reference.empty() ? today_value() : request.boost_reference;
    auto* source = new RecencySource(scale, request.boost_half_life, reference);
    return Xapian::Query(Xapian::Query::OP_AND_MAYBE, ranked, Xapian::Query(source->release()));
}

void order_step(Xapian::Enquire& enquire, const SearchRequest& request, bool remote,
                SearchResult& result) {
    if (request.sort != SortOrder::relevance)
        result.feedback.reason = "not considered: sorted by date";
    switch (request.sort) {
        case SortOrder::relevance:
            break;
        case SortOrder::date:
        case SortOrder::date_descending: {
            // Undated articles last in both orders (as SQL's NULLS LAST): oldest first reads an
            // empty date as later than any, newest first as earlier than any.
            const bool newest_first = request.sort == SortOrder::date_descending;
            if (remote) {
                // The remote backend runs no KeyMaker: undated articles come first in oldest
                // first order there (docs/SCALING.md).
                enquire.set_sort_by_value_then_relevance(schema::kSlotDate, newest_first);
                break;
            }
            auto* key = new Xapian::MultiValueKeyMaker();
            key->add_value(schema::kSlotDate, false, newest_first ? "" : "~");
            enquire.set_sort_by_key_then_relevance(key->release(), newest_first);
            break;
        }
    }
    if (!request.collapse.empty()) {
        auto it = collapse_fields().find(request.collapse);
        if (it == collapse_fields().end()) {
            throw UsageError("cannot collapse on '" + request.collapse +
                             "' (expected title, source, author, tag, lang or date)");
        }
        enquire.set_collapse_key(it->second);
        result.collapse = request.collapse;
    }
}

FacetCounter::FacetCounter(const std::vector<FacetRequest>& facets, bool remote,
                           Xapian::Enquire& enquire) {
    for (const auto& facet : facets) {
        spies_.push_back(std::make_unique<FacetSpy>(facet.field));
        if (remote) {
            raw_.push_back(std::make_unique<Xapian::ValueCountMatchSpy>(spies_.back()->slot()));
            enquire.add_matchspy(raw_.back().get());
        } else {
            enquire.add_matchspy(spies_.back().get());
        }
    }
}

FacetCounter::~FacetCounter() = default;

std::vector<FacetResult> FacetCounter::results(const std::vector<FacetRequest>& facets) {
    for (std::size_t i = 0; i < raw_.size(); ++i) {
        for (auto v = raw_[i]->values_begin(); v != raw_[i]->values_end(); ++v)
            spies_[i]->add_value(*v, v.get_termfreq());
    }
    std::vector<FacetResult> out;
    for (std::size_t i = 0; i < spies_.size(); ++i)
        out.push_back(spies_[i]->result(facets[i].limit));
    return out;
}

Xapian::MSet match_step(Xapian::Enquire& enquire, const SearchRequest& request,
                        Xapian::doccount docs, bool facets, bool timed, SearchResult& result) {
    // Facets and collapse counts must see every match, not just enough to fill the page.
    const bool see_all = request.exact_count || facets || !request.collapse.empty();
    const auto first = static_cast<Xapian::doccount>(request.offset);
    const auto wanted = static_cast<Xapian::doccount>(request.limit);
    Xapian::doccount check = see_all ? docs : first + wanted;
    if (!see_all) {
        // Counts up to kExactCountUpTo are exact: where the match can have no more matches
        // than that (its upper bound, which Xapian gives without running the match), every
        // match is counted; where it can have more, the count is an estimate and says so.
        const Xapian::MSet bounds = enquire.get_mset(0, 0);
        if (bounds.get_matches_upper_bound() <= kExactCountUpTo)
            check = std::max(check, bounds.get_matches_upper_bound());
    }
    const auto started = std::chrono::steady_clock::now();
    Xapian::MSet mset = enquire.get_mset(first, wanted, check);
    if (timed) {
        const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
        result.time_limited = result.time_limited || took.count() >= request.time_limit;
    }
    result.estimated = mset.get_matches_estimated();
    result.lower_bound = mset.get_matches_lower_bound();
    result.upper_bound = mset.get_matches_upper_bound();
    return mset;
}

std::map<Xapian::docid, std::string> page_articles_step(Xapian::Enquire& enquire,
                                                        const SearchRequest& request) {
    enquire.set_collapse_key(schema::kSlotArticle);
    const auto last = static_cast<Xapian::doccount>(request.offset + request.limit);
    const Xapian::MSet keyed = enquire.get_mset(0, last, last);
    enquire.set_collapse_key(Xapian::BAD_VALUENO);
    std::map<Xapian::docid, std::string> out;
    for (auto it = keyed.begin(); it != keyed.end(); ++it)
        out.emplace(*it, it.get_collapse_key());
    return out;
}

std::vector<Hit> hits_step(const HitContext& context, Xapian::MSet& mset,
                           const SearchRequest& request, const std::set<std::string>& asked,
                           const Explainer* explainer) {
    const Xapian::Query& query = context.query;
    prefetch(mset, 0);
    QueryTerms terms = query_terms(query);
    std::set<std::string> feedback;
    for (auto t = query.get_unique_terms_begin(); t != query.get_unique_terms_end(); ++t) {
        if (asked.count(*t) == 0)
            feedback.insert(*t);
    }
    const std::set<std::string> phrase_only(terms.phrase_only.begin(), terms.phrase_only.end());
    std::vector<Xapian::MSetIterator> page;
    std::vector<Xapian::docid> docids;
    std::vector<Article> articles;
    for (auto it = mset.begin(); it != mset.end(); ++it) {
        page.push_back(it);
        docids.push_back(*it);
        const auto keyed = context.articles
                               ? context.articles->find(*it)
                               : std::map<Xapian::docid, std::string>::const_iterator();
        if (context.articles && keyed != context.articles->end() && !keyed->second.empty()) {
            articles.push_back(
                with_language(schema::unpack_article(keyed->second), *it, context.sub_languages));
        } else {
            articles.push_back(stored_article(it.get_document(), *it, context.sub_languages));
        }
    }
    // The query terms each hit holds: from the terms' posting lists, all hits at once, or over
    // remote shards (where a posting list comes whole) in one match (remote_terms_held).
    const std::vector<std::string> positive = positive_terms(query);
    const std::set<std::string> matchable(positive.begin(), positive.end());
    const std::vector<std::string> term_order = query_term_order(query, matchable);
    std::vector<std::vector<std::size_t>> held(docids.size());
    if (!context.highlight) {
        // past the deadline: no passages, so no need to know what each hit holds
    } else if (context.remote) {
        std::vector<std::string> ids;
        for (const Article& article : articles)
            ids.push_back(schema::id_term(article.id));
        held = remote_terms_held(context.db, term_order, docids, ids);
    } else {
        held = terms_held(context.db, term_order, docids);
    }
    PassageOptions passage_options;
    passage_options.count = request.passages;
    passage_options.length = request.passage_length;
    std::vector<Hit> hits;
    std::size_t rank = request.offset;
    std::map<std::string, double> idfs;
    for (std::size_t index = 0; index < page.size(); ++index) {
        const Xapian::MSetIterator& it = page[index];
        Hit hit;
        hit.rank = ++rank;
        hit.score = it.get_weight();
        hit.docid = *it;
        hit.article = std::move(articles[index]);
        if (!request.collapse.empty()) {
            hit.collapse_key = it.get_collapse_key();
            hit.collapse_count = it.get_collapse_count() + 1;
        }
        if (explainer != nullptr)
            hit.explain = explainer->explain(*it, schema::id_term(hit.article.id));
        std::vector<std::string> matching;
        for (std::size_t t : held[index])
            matching.push_back(term_order[t]);
        MatchTerms match = match_terms_for(matching, terms, phrase_only, feedback, mset,
                                           context.db.get_doccount(), context.stems_only, idfs);
        match.prefixes = context.wildcards;
        match.cjk_ngrams = context.builder.cjk_ngrams();
        // Passages are stemmed as the article was indexed: in its own language.
        const Xapian::Stem& stem = context.builder.stemmer_for(hit.article.language);
        hit.title = highlight_all(hit.article.title, match, stem);
        if (request.passages > 0 && context.highlight)
            hit.passages = make_passages(hit.article.body, match, stem, passage_options);
        hit.article.body.clear();
        hits.push_back(std::move(hit));
    }
    return hits;
}

}  // namespace folio
