// Unit tests of the steps of one search (search/search_steps.hpp), each on a small in-memory
// database: the suggestion, "more like this", the time limit, the order and collapsing, the
// facets, the match and its counts, and the hits.
#define BOOST_TEST_MODULE search_steps
#include <boost/test/unit_test.hpp>

#include "articles.hpp"
#include "folio/error.hpp"
#include "schema/schema.hpp"
#include "search/query.hpp"
#include "search/search_steps.hpp"

using namespace folio;

namespace {

struct Fixture {
    Xapian::WritableDatabase db = test::memory_database({
        test::article("union", "The European Union",
                      "Ministers of the european union met; a trade union marched in Brussels.",
                      "2020-01-02", {"politics"}),
        test::article("trade", "Trade talks",
                      "Union officials and the trade union movement talked. Nothing european.",
                      "2019-05-06", {"labour"}),
        test::article("troops", "Troop movements",
                      "Russia is moving troops and armour toward the border.", "2022-02-18",
                      {"politics"}),
    });
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(steps, Fixture)

// A query of known words runs as written, with no suggestion.
BOOST_AUTO_TEST_CASE(suggest_keeps_a_known_query) {
    QueryBuilder builder(db, QueryOptions{});
    SearchRequest request;
    request.query = "trade union";
    SearchResult result;
    BOOST_TEST(suggest_step(builder, request, result) == "trade union");
    BOOST_TEST(!result.suggestion.has_value());
    BOOST_TEST(!result.corrected);
}

// Without similar articles asked for, the query is left alone; with one, its terms are found
// and the query is that article's, filtered by the query given.
BOOST_AUTO_TEST_CASE(like_adds_the_similar_articles_query) {
    SearchRequest request;
    SearchResult result;
    const Xapian::Query query("Zunion");
    BOOST_TEST(like_step(db, "english", request, query, result).get_description() ==
               query.get_description());
    request.like_ids = {"union"};
    const Xapian::Query like = like_step(db, "english", request, query, result);
    BOOST_TEST(!result.like_terms.empty());
    BOOST_TEST(like.get_type() == Xapian::Query::OP_FILTER);
    request.like_ids = {"no-such-id"};
    BOOST_CHECK_THROW(like_step(db, "english", request, query, result), UsageError);
}

// The timer is left out where it cannot matter: no limit, an exact count, a tiny match; remote
// shards always keep it.
BOOST_AUTO_TEST_CASE(time_limit_only_where_it_can_matter) {
    Xapian::Enquire enquire(db);
    const Xapian::Query query("Zunion");
    SearchRequest request;
    request.time_limit = 0;
    BOOST_TEST(!time_limit_step(enquire, query, db.get_doccount(), request, {}, 256, false));
    request.time_limit = 10;
    BOOST_TEST(!time_limit_step(enquire, query, db.get_doccount(), request, {}, 256, false));
    BOOST_TEST(time_limit_step(enquire, query, db.get_doccount(), request, {}, 256, true));
    request.exact_count = true;
    BOOST_TEST(!time_limit_step(enquire, query, db.get_doccount(), request, {}, 256, true));
}

// Date order puts undated articles last and says why feedback was not considered; collapsing
// names its field, and an unknown one is refused.
BOOST_AUTO_TEST_CASE(order_and_collapse) {
    Xapian::Enquire enquire(db);
    enquire.set_query(Xapian::Query::MatchAll);
    SearchRequest request;
    request.sort = SortOrder::date_descending;
    request.collapse = "tag";
    SearchResult result;
    order_step(enquire, request, false, result);
    BOOST_TEST(result.collapse == "tag");
    BOOST_TEST(result.feedback.reason == "not considered: sorted by date");
    Xapian::MSet mset = enquire.get_mset(0, 10, db.get_doccount());
    BOOST_REQUIRE(mset.size() == 2u);  // one hit per tag
    BOOST_TEST(mset.begin().get_document().get_value(schema::kSlotDate).substr(0, 4) == "2022");
    request.collapse = "colour";
    BOOST_CHECK_THROW(order_step(enquire, request, false, result), UsageError);
}

// Facets count every match, and the match's counts are exact on a small database.
BOOST_AUTO_TEST_CASE(facets_and_counts) {
    Xapian::Enquire enquire(db);
    enquire.set_query(Xapian::Query::MatchAll);
    SearchRequest request;
    request.limit = 1;
    request.facets = {FacetRequest{FacetField::tag, 10}};
    FacetCounter facets(request.facets, false, enquire);
    SearchResult result;
    Xapian::MSet mset =
        match_step(enquire, request, db.get_doccount(), !facets.empty(), false, result);
    BOOST_TEST(mset.size() == 1u);
    BOOST_TEST(result.lower_bound == 3u);
    BOOST_TEST(result.exact());
    const std::vector<FacetResult> counted = facets.results(request.facets);
    BOOST_REQUIRE(counted.size() == 1u);
    BOOST_REQUIRE(counted[0].values.size() == 2u);
    BOOST_TEST(counted[0].values[0].value == "politics");
    BOOST_TEST(counted[0].values[0].count == 2u);
}

// Hits carry their rank, their article without its body, the title highlighted and a passage
// around the matched word.
BOOST_AUTO_TEST_CASE(hits_with_passages) {
    QueryBuilder builder(db, QueryOptions{});
    const Xapian::Query query = builder.parse("troops");
    Xapian::Enquire enquire(db);
    enquire.set_query(query);
    Xapian::MSet mset = enquire.get_mset(0, 10);
    SearchRequest request;
    const std::vector<std::string> wildcards;
    const std::vector<std::string> languages;
    HitContext context{db, builder, query, wildcards, false, true, nullptr, languages};
    const std::set<std::string> asked(query.get_unique_terms_begin(), query.get_unique_terms_end());
    std::vector<Hit> hits = hits_step(context, mset, request, asked, nullptr);
    BOOST_REQUIRE(hits.size() == 1u);
    BOOST_TEST(hits[0].rank == 1u);
    BOOST_TEST(hits[0].article.id == "troops");
    BOOST_TEST(hits[0].article.body.empty());
    BOOST_TEST(hits[0].title.highlights.size() == 1u);
    BOOST_REQUIRE(hits[0].passages.size() == 1u);
    BOOST_TEST(hits[0].passages[0].text.find("troops") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
