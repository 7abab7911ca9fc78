#include "folio/search.hpp"

#include <cctype>
#include <cmath>
#include <set>
#include <string_view>

#include "folio/error.hpp"
#include "folio/schema.hpp"

namespace folio {

namespace {

/// The length of a term's prefix: its leading capitals (schema prefixes are upper case, words
/// are lower-cased).
std::size_t prefix_length(std::string_view term) {
    std::size_t n = 0;
    while (n < term.size() && std::isupper(static_cast<unsigned char>(term[n])))
        ++n;
    return n;
}

/// Sorts a hit's matching terms into what its passages should highlight.
MatchTerms match_terms_for(const Xapian::Enquire& enquire, const Xapian::MSetIterator& hit,
                           const QueryTerms& query, const Xapian::Database& db) {
    MatchTerms out;
    out.phrases = query.phrases;
    std::set<std::string> phrase_only(query.phrase_only.begin(), query.phrase_only.end());
    const double total = std::max<double>(1.0, db.get_doccount());
    for (auto it = enquire.get_matching_terms_begin(hit); it != enquire.get_matching_terms_end(hit);
         ++it) {
        const std::string& term = *it;
        if (phrase_only.count(term) != 0)
            continue;
        bool stemmed = term.starts_with('Z');
        std::string_view rest(term);
        if (stemmed)
            rest.remove_prefix(1);
        std::size_t prefix = prefix_length(rest);
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

Searcher::Searcher(const std::vector<std::string>& databases) : paths_(databases) {
    if (databases.empty()) throw UsageError("no database to search");
    open();
}

void Searcher::open() {
    Xapian::Database db;
    for (const auto& path : paths_) {
        try {
            db.add_database(Xapian::Database(path));
        } catch (const Xapian::DatabaseNotFoundError&) {
            throw DatabaseError("no database at " + path + " (build one with indexer --db " +
                                path + " FILES...)");
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
    and_builder_.reset();
    or_builder_.reset();
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
    auto& builder = request.default_and ? and_builder_ : or_builder_;
    if (!builder) {
        QueryOptions options;
        options.language = language_;
        options.default_and = request.default_and;
        builder = std::make_unique<QueryBuilder>(db_, options);
    }
    Xapian::Query query = builder->filtered(builder->parse(request.query), request.filters);

    SearchResult result;
    result.query = request.query;
    result.offset = request.offset;

    Xapian::Enquire enquire(db_);
    enquire.set_weighting_scheme(*make_weight(request.ranking));
    if (request.sort == SortOrder::relevance) {
        query = ranked_query(query, enquire, request.ranking);
    }
    enquire.set_query(query);
    result.parsed = query.get_description();
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
    Xapian::doccount check = request.exact_count ? db_.get_doccount() : 0;
    Xapian::MSet mset = enquire.get_mset(static_cast<Xapian::doccount>(request.offset),
                                         static_cast<Xapian::doccount>(request.limit), check);
    result.estimated = mset.get_matches_estimated();
    result.lower_bound = mset.get_matches_lower_bound();
    result.upper_bound = mset.get_matches_upper_bound();
    if (mset.empty())
        return result;

    // Prefetching helps remote databases; Xapian 1.4.22's MSet::fetch() crashes on an MSet
    // that does not start at the first match, so page 2 onwards reads documents one by one.
    if (request.offset == 0)
        mset.fetch();
    QueryTerms terms = query_terms(query);
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
        MatchTerms match = match_terms_for(enquire, it, terms, db_);
        hit.title = highlight_all(hit.article.title, match, builder->stemmer());
        if (request.passages > 0) {
            hit.passages =
                make_passages(hit.article.body, match, builder->stemmer(), passage_options);
        }
        hit.article.body.clear();
        result.hits.push_back(std::move(hit));
    }
    return result;
}

}  // namespace folio
