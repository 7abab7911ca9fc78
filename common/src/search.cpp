#include "folio/search.hpp"

#include <cctype>
#include <cmath>
#include <set>
#include <string_view>

#include "folio/error.hpp"
#include "folio/recency.hpp"
#include "folio/schema.hpp"
#include "folio/similar.hpp"

namespace folio {

namespace {

/// Sorts a hit's matching terms into what its passages should highlight.
MatchTerms match_terms_for(const Xapian::Enquire& enquire, const Xapian::MSetIterator& hit,
                           const QueryTerms& query, const std::set<std::string>& feedback,
                           const Xapian::Database& db) {
    MatchTerms out;
    out.phrases = query.phrases;
    std::set<std::string> phrase_only(query.phrase_only.begin(), query.phrase_only.end());
    const double total = std::max<double>(1.0, db.get_doccount());
    for (auto it = enquire.get_matching_terms_begin(hit); it != enquire.get_matching_terms_end(hit);
         ++it) {
        const std::string& term = *it;
        if (phrase_only.count(term) != 0 || feedback.count(term) != 0)
            continue;
        bool stemmed = term.starts_with('Z');
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
        double idf = std::log(total / std::max<double>(1.0, db.get_termfreq(term))) + 1.0;
        out.weights[word] = std::max(out.weights[word], idf);
        (stemmed ? out.stems : out.words).push_back(std::move(word));
    }
    return out;
}

}  // namespace

const std::map<std::string, Xapian::valueno>& collapse_fields() {
    static const std::map<std::string, Xapian::valueno> fields{
        {"title", schema::kSlotTitle},    {"source", schema::kSlotSource},
        {"author", schema::kSlotAuthors}, {"tag", schema::kSlotTags},
        {"lang", schema::kSlotLanguage},  {"date", schema::kSlotDate}};
    return fields;
}

Searcher::Searcher(const std::vector<std::string>& databases) : paths_(databases) {
    if (databases.empty())
        throw UsageError("no database to search");
    open();
}

void Searcher::open() {
    Xapian::Database db;
    for (const auto& path : paths_) {
        try {
            db.add_database(Xapian::Database(path));
        } catch (const Xapian::DatabaseNotFoundError&) {
            throw DatabaseError("no database at " + path + " (build one with indexer --db " + path +
                                " FILES...)");
        } catch (const Xapian::Error& e) {
            throw DatabaseError("cannot open database " + path + ": " + e.get_msg());
        }
    }
    std::string language = db.get_metadata(std::string(schema::kMetaLanguage));
    if (language.empty()) {
        throw DatabaseError(paths_.front() + " is not a Folio database (it records no language)");
    }
    db_ = db;
    language_ = language;
    builders_.clear();
}

QueryBuilder& Searcher::builder(const SearchRequest& request) {
    int key = (request.default_and ? 1 : 0) + (request.expand_synonyms ? 2 : 0);
    auto& slot = builders_[key];
    if (!slot) {
        QueryOptions options;
        options.language = language_;
        options.default_and = request.default_and;
        options.expand_synonyms = request.expand_synonyms;
        slot = std::make_unique<QueryBuilder>(db_, options);
    }
    return *slot;
}

Searcher::~Searcher() = default;

SearchResult Searcher::search(const SearchRequest& request) {
    for (int attempt = 0;; ++attempt) {
        try {
            return search_once(request);
        } catch (const Xapian::DatabaseModifiedError&) {
            // The indexer committed past the revision we were reading: read the new one.
            if (attempt == 4)
                throw;
            db_.reopen();
        }
    }
}

SearchResult Searcher::search_once(const SearchRequest& request) {
    QueryBuilder& builder = this->builder(request);
    SearchResult result;
    result.query = request.query;
    result.offset = request.offset;

    std::string text = request.query;
    if (request.suggest || request.correct) {
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
    Xapian::Query query = builder.parse(text);
    const bool like = !request.like_ids.empty() || !request.like_articles.empty();
    if (like) {
        LikeQuery similar =
            like_query(db_, request.like_ids, request.like_articles, language_, request.like_terms);
        result.like_terms = similar.terms;
        query = query.empty() ? similar.query
                              : Xapian::Query(Xapian::Query::OP_FILTER, similar.query, query);
    }
    query = builder.filtered(query, request.filters);

    Xapian::Enquire enquire(db_);
    if (request.time_limit > 0)
        enquire.set_time_limit(request.time_limit);
    std::unique_ptr<Xapian::Weight> weight = make_weight(request.ranking);
    enquire.set_weighting_scheme(*weight);
    // Terms the ranking adds (feedback) re-rank; they are not what the user asked to see.
    std::set<std::string> asked(query.get_unique_terms_begin(), query.get_unique_terms_end());
    if (request.sort == SortOrder::relevance) {
        query = ranked_query(query, enquire, request.ranking, builder.written_words(query));
        if (request.boost_half_life > 0) {
            // Scaled to the query's best score, so that recency weighs the same whatever the
            // query; a query that scores nothing (filters alone) is ranked by recency alone.
            enquire.set_query(query);
            Xapian::MSet top = enquire.get_mset(0, 1);
            double scale =
                top.empty() || top.get_max_attained() <= 0 ? 1.0 : top.get_max_attained();
            std::string reference =
                request.boost_reference.empty() ? today_value() : request.boost_reference;
            auto* source = new RecencySource(scale, request.boost_half_life, reference);
            query =
                Xapian::Query(Xapian::Query::OP_AND_MAYBE, query, Xapian::Query(source->release()));
        }
    }
    enquire.set_query(query);
    result.parsed = query.get_description();
    result.explained = request.explain;
    switch (request.sort) {
        case SortOrder::relevance:
            break;
        case SortOrder::date:
            enquire.set_sort_by_value_then_relevance(schema::kSlotDate, false);
            break;
        case SortOrder::date_descending:
            enquire.set_sort_by_value_then_relevance(schema::kSlotDate, true);
            break;
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
    // Facets and collapse counts must see every match, not just enough to fill the page.
    std::vector<std::unique_ptr<FacetSpy>> spies;
    for (const auto& facet : request.facets) {
        spies.push_back(std::make_unique<FacetSpy>(facet.field));
        enquire.add_matchspy(spies.back().get());
    }
    const bool see_all = request.exact_count || !spies.empty() || !request.collapse.empty();
    Xapian::doccount check = see_all ? db_.get_doccount() : 0;
    Xapian::MSet mset = enquire.get_mset(static_cast<Xapian::doccount>(request.offset),
                                         static_cast<Xapian::doccount>(request.limit), check);
    result.estimated = mset.get_matches_estimated();
    result.lower_bound = mset.get_matches_lower_bound();
    result.upper_bound = mset.get_matches_upper_bound();
    for (std::size_t i = 0; i < spies.size(); ++i)
        result.facets.push_back(spies[i]->result(request.facets[i].limit));
    if (mset.empty())
        return result;
    std::unique_ptr<Explainer> explainer;
    if (request.explain)
        explainer = std::make_unique<Explainer>(db_, query, *weight);

    // Prefetching helps remote databases; Xapian 1.4.22's MSet::fetch() crashes on an MSet
    // that does not start at the first match, so page 2 onwards reads documents one by one.
    if (request.offset == 0)
        mset.fetch();
    QueryTerms terms = query_terms(query);
    std::set<std::string> feedback;
    for (auto t = query.get_unique_terms_begin(); t != query.get_unique_terms_end(); ++t) {
        if (asked.count(*t) == 0)
            feedback.insert(*t);
    }
    PassageOptions passage_options;
    passage_options.count = request.passages;
    passage_options.length = request.passage_length;
    std::size_t rank = request.offset;
    for (auto it = mset.begin(); it != mset.end(); ++it) {
        Hit hit;
        hit.rank = ++rank;
        hit.score = it.get_weight();
        hit.docid = *it;
        hit.article = schema::decode_article(it.get_document().get_data());
        if (!request.collapse.empty()) {
            hit.collapse_key = it.get_collapse_key();
            hit.collapse_count = it.get_collapse_count() + 1;
        }
        if (explainer)
            hit.explain = explainer->explain(*it, schema::id_term(hit.article.id));
        MatchTerms match = match_terms_for(enquire, it, terms, feedback, db_);
        hit.title = highlight_all(hit.article.title, match, builder.stemmer());
        if (request.passages > 0) {
            hit.passages =
                make_passages(hit.article.body, match, builder.stemmer(), passage_options);
        }
        hit.article.body.clear();
        result.hits.push_back(std::move(hit));
    }
    return result;
}

}  // namespace folio
