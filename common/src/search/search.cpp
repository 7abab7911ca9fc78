// SPDX-License-Identifier: GPL-2.0-or-later
#include "folio/search.hpp"
#include "search/explain.hpp"
#include "search/facets.hpp"
#include "search/query.hpp"
#include "search/ranking.hpp"
#include "search/search_steps.hpp"
#include "search/searcher_impl.hpp"
#include "snippet/snippet.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <string_view>
#include <thread>

#include "folio/error.hpp"
#include "index/crawl.hpp"
#include "schema/schema.hpp"
#include "search/recency.hpp"
#include "search/similar.hpp"
#include "store/layout.hpp"

namespace folio {

namespace fs = std::filesystem;

double match_work_bound(const Xapian::Query& query, Xapian::doccount docs,
                        Xapian::termcount wildcard_limit) {
    constexpr double kPositionalCost = 8;  // a position list read per candidate
    const double all = docs;
    switch (query.get_type()) {
        case Xapian::Query::LEAF_MATCH_NOTHING:
            return 0;
        case Xapian::Query::OP_WILDCARD:
            return all * wildcard_limit;
        default:
            break;
    }
    const std::size_t n = query.get_num_subqueries();
    if (n == 0)
        return all;  // a term, match-all, value range or posting source
    double sum = 0;
    for (std::size_t i = 0; i < n; ++i)
        sum += match_work_bound(query.get_subquery(i), docs, wildcard_limit);
    const auto type = query.get_type();
    if (type == Xapian::Query::OP_PHRASE || type == Xapian::Query::OP_NEAR)
        sum *= kPositionalCost;
    return sum;
}

const std::map<std::string, Xapian::valueno>& collapse_fields() {
    static const std::map<std::string, Xapian::valueno> fields{
        {"title", schema::kSlotTitle},    {"source", schema::kSlotSource},
        {"author", schema::kSlotAuthors}, {"tag", schema::kSlotTags},
        {"lang", schema::kSlotLanguage},  {"date", schema::kSlotDate}};
    return fields;
}

namespace {

/// `article`'s free-text terms and their wdf as the indexer indexes them in a database of
/// `language`, schema `version` and word rules `elide` (DocumentBuilder::build_terms), through
/// the builder kept for that language in `builders`.
Xapian::Document indexed_again(const Article& article, const std::string& language, int version,
                               bool elide,
                               std::map<std::string, std::unique_ptr<DocumentBuilder>>& builders) {
    std::unique_ptr<DocumentBuilder>& builder = builders[language];
    if (!builder)
        builder = std::make_unique<DocumentBuilder>(language, version, elide);
    return builder->build_terms(article);
}

}  // namespace

std::string Searcher::database_language(Xapian::docid docid) const {
    const std::vector<std::string>& languages = impl_->sub_languages_;
    if (languages.empty() || languages[(docid - 1) % languages.size()].empty())
        return impl_->language_;
    return languages[(docid - 1) % languages.size()];
}

SearchResult Searcher::search(const SearchRequest& request) {
    if (request.boost_half_life > 0 && remote()) {
        throw UsageError(
            "--boost-recent does not work with remote shards: xapian-tcpsrv cannot run Folio's "
            "recency posting source");
    }
    if (request.correct && remote()) {
        throw UsageError(
            "--correct does not work with remote shards: Xapian's remote backend does not serve "
            "the spelling dictionary");
    }
    for (int attempt = 0;; ++attempt) {
        try {
            return search_once(request);
        } catch (const Xapian::DatabaseModifiedError&) {
            // The indexer committed past the revision we were reading: read the new one.
            if (attempt == 4)
                throw;
            try {
                impl_->term_freqs_.clear();
                impl_->db_.reopen();
            } catch (const Xapian::Error&) {
                open();  // a rebuild replaced the generation: follow the stub afresh
            }
        } catch (const Xapian::NetworkError& e) {
            // A remote shard went away or timed out: name it, or leave it out.
            if (handle_failure())
                continue;  // the failed shards are left out: search the others
            if (attempt >= 1)
                throw DatabaseError("search failed: " + e.get_msg());
            open();  // every shard answers now: connect afresh and try once more
        }
    }
}

SearchResult Searcher::search_once(const SearchRequest& given) {
    const Deadline deadline = remote() ? Deadline(given.time_limit) : Deadline();
    const bool partial = impl_->options_.allow_partial;
    SearchRequest request = given;
    QueryBuilder& builder = this->builder(request);
    SearchResult result;
    result.query = request.query;
    result.offset = request.offset;

    const std::string text = suggest_step(builder, request, result, impl_->local_shards_);
    Xapian::Query query = builder.parse(text);
    const std::vector<std::string> wildcards = builder.wildcards();  // before the filters' parses
    query = like_step(impl_->db_, impl_->language_, request, query, result);
    query = builder.filtered(query, request.filters);

    Xapian::Enquire enquire(impl_->db_);
    const std::vector<std::string> positional = builder.positional_terms(query);
    const bool timed = time_limit_step(enquire, query, impl_->db_.get_doccount(), request,
                                       positional, builder.wildcard_limit(), remote());
    std::unique_ptr<Xapian::Weight> weight = make_weight(request.ranking);
    enquire.set_weighting_scheme(*weight);
    // Terms the ranking adds (feedback) re-rank; they are not what the user asked to see.
    const std::set<std::string> asked(query.get_unique_terms_begin(), query.get_unique_terms_end());
    const bool article_keys = article_keys_step(enquire, request, remote(), impl_->schema_version_);
    if (past_deadline(deadline, "its feedback", partial, impl_->warnings_))
        request.ranking.expand = 0;
    if (request.sort == SortOrder::relevance) {
        // Over remote shards feedback reads its documents' terms from their stored articles,
        // indexed again here as the indexer did (ranked_query): a term list is a round trip each.
        FeedbackTerms rebuild;
        if (remote()) {
            rebuild = [this, article_keys](const Xapian::MSetIterator& it) {
                const Article article = hit_article(it, article_keys, impl_->sub_languages_);
                return indexed_again(article, database_language(*it), impl_->schema_version_,
                                     impl_->word_rules_, impl_->feedback_builders_);
            };
        }
        query = rank_step(query, impl_->db_, enquire, request, positional, remote(),
                          &impl_->term_freqs_, result.feedback, impl_->language_, rebuild);
    }
    if (article_keys)
        enquire.set_collapse_key(Xapian::BAD_VALUENO);  // the match counts without it
    enquire.set_query(query);
    result.parsed = query.get_description();
    result.explained = request.explain;
    order_step(enquire, request, remote(), result);

    past_deadline(deadline, "the match", partial, impl_->warnings_);  // which runs anyway
    FacetCounter facets(request.facets, remote(), enquire);
    Xapian::MSet mset =
        match_step(enquire, request, impl_->db_.get_doccount(), !facets.empty(), timed, result);
    result.facets = facets.results(request.facets);
    if (mset.empty())
        return result;

    const bool late = past_deadline(deadline, "its passages", partial, impl_->warnings_);
    std::map<Xapian::docid, std::string> page_articles;
    if (article_keys)
        page_articles = page_articles_step(enquire, request);
    HitContext context{impl_->db_,
                       builder,
                       query,
                       wildcards,
                       remote(),
                       impl_->stems_only_,
                       article_keys ? &page_articles : nullptr,
                       impl_->sub_languages_};
    context.highlight = !late;
    std::unique_ptr<Explainer> explainer;
    if (request.explain)
        explainer = std::make_unique<Explainer>(impl_->db_, query, *weight, asked);
    result.hits = hits_step(context, mset, request, asked, explainer.get());
    return result;
}

std::vector<Article> Searcher::articles(const std::string& id) {
    std::vector<std::string> terms = {schema::id_term(id),
                                      schema::boolean_term(schema::kPrefixFile, file_id(id))};
    if (const std::size_t hash = id.rfind('#'); hash != std::string::npos && hash + 1 < id.size())
        terms.push_back(schema::id_term(id.substr(hash + 1)));
    std::vector<Article> out;
    for (const std::string& term : terms) {
        for (auto it = impl_->db_.postlist_begin(term); it != impl_->db_.postlist_end(term); ++it) {
            out.push_back(stored_article(impl_->db_.get_document(*it), *it, impl_->sub_languages_));
        }
        if (!out.empty())
            break;
    }
    return out;
}

}  // namespace folio
