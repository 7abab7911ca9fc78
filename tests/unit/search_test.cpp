#define BOOST_TEST_MODULE search
#include <boost/test/unit_test.hpp>

#include "folio/error.hpp"
#include "folio/search.hpp"
#include "folio/writer.hpp"
#include "temp_dir.hpp"

using namespace folio;

namespace {

Article article(const std::string& id, const std::string& title, const std::string& body,
                const std::string& date, const std::vector<std::string>& tags = {}) {
    Article a;
    a.id = id;
    a.title = title;
    a.body = body;
    a.date = date;
    a.tags = tags;
    a.source = "test";
    return a;
}

struct Fixture {
    test::TempDir dir;
    std::string db = dir / "db";
    Fixture() {
        IndexWriter w(db, WriterOptions{});
        w.add(article("union", "The European Union",
                      "The european union met. A trade union also met in Brussels.", "2020-01-02",
                      {"politics"}));
        w.add(article("trade", "Trade talks",
                      "Union leaders and the trade union movement. No european here.", "2019-05-06",
                      {"labour"}));
        w.add(article("troops", "Troop movements",
                      "Russia is moving troops and equipment toward the border.", "2022-02-18",
                      {"politics"}));
        w.commit();
    }
    SearchResult search(const std::string& q, SortOrder sort = SortOrder::relevance) {
        Searcher s({db});
        SearchRequest r;
        r.query = q;
        r.sort = sort;
        return s.search(r);
    }
};

std::vector<std::string> ids(const SearchResult& r) {
    std::vector<std::string> out;
    for (const auto& h : r.hits)
        out.push_back(h.article.id);
    return out;
}

std::vector<std::string> highlighted(const Snippet& s) {
    std::vector<std::string> out;
    for (const auto& h : s.highlights)
        out.push_back(s.text.substr(h.begin, h.end - h.begin));
    return out;
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(searching, Fixture)

// A title match ranks above a body-only match.
BOOST_AUTO_TEST_CASE(title_matches_rank_first) {
    SearchResult r = search("trade");
    BOOST_TEST(ids(r) == (std::vector<std::string>{"trade", "union"}));
    BOOST_TEST(r.hits[0].rank == 1u);
    BOOST_TEST(r.hits[0].score > r.hits[1].score);
    BOOST_TEST(r.estimated == 2u);
}

// Phrase words are highlighted only where they form the phrase.
BOOST_AUTO_TEST_CASE(phrase_rule_in_passages) {
    SearchResult r = search("\"european union\"");
    BOOST_TEST(ids(r) == (std::vector<std::string>{"union"}));
    const Snippet& p = r.hits[0].passages.at(0);
    std::vector<std::string> words = highlighted(p);
    BOOST_TEST_REQUIRE(!words.empty());
    for (const auto& w : words)
        BOOST_TEST((w == "european union" || w == "european" || w == "union"));
    // "A trade union": that "union" is not part of the phrase and stays plain.
    std::size_t trade_union = p.text.find("trade union") + 6;
    for (const auto& h : p.highlights)
        BOOST_TEST(!(h.begin <= trade_union && trade_union < h.end));
}

// Stemmed matches are highlighted in their written form; the title too.
BOOST_AUTO_TEST_CASE(stem_highlights) {
    SearchResult r = search("troop");
    BOOST_TEST_REQUIRE(r.hits.size() == 1u);
    BOOST_TEST(highlighted(r.hits[0].passages.at(0)) == (std::vector<std::string>{"troops"}));
    BOOST_TEST(highlighted(r.hits[0].title) == (std::vector<std::string>{"Troop"}));
}

// Boolean filters restrict without highlighting anything of their own.
BOOST_AUTO_TEST_CASE(filters) {
    SearchResult r = search("union tag:labour");
    BOOST_TEST(ids(r) == (std::vector<std::string>{"trade"}));
}

// Date sorting orders by the date value, either way.
BOOST_AUTO_TEST_CASE(date_sort) {
    BOOST_TEST(ids(search("union OR troops", SortOrder::date)) ==
               (std::vector<std::string>{"trade", "union", "troops"}));
    BOOST_TEST(ids(search("union OR troops", SortOrder::date_descending)) ==
               (std::vector<std::string>{"troops", "union", "trade"}));
}

// Paging continues the ranks.
BOOST_AUTO_TEST_CASE(paging) {
    Searcher s({db});
    SearchRequest r;
    r.query = "union OR troops";
    r.offset = 1;
    r.limit = 1;
    SearchResult page = s.search(r);
    BOOST_TEST_REQUIRE(page.hits.size() == 1u);
    BOOST_TEST(page.hits[0].rank == 2u);
    BOOST_TEST(page.estimated == 3u);
}

// A malformed query throws QueryError; a missing database DatabaseError.
BOOST_AUTO_TEST_CASE(errors) {
    BOOST_CHECK_THROW(search("(union"), QueryError);
    BOOST_CHECK_THROW(Searcher({dir / "missing"}), DatabaseError);
    BOOST_CHECK_THROW(Searcher(std::vector<std::string>{}), UsageError);
}

// A search after the database changed sees the change (the searcher reopens as needed).
BOOST_AUTO_TEST_CASE(sees_new_commits) {
    Searcher s({db});
    SearchRequest r;
    r.query = "submarine";
    BOOST_TEST(s.search(r).hits.empty());
    {
        IndexWriter w(db, WriterOptions{});
        w.add(article("sub", "Submarine", "A submarine surfaced.", "2021-01-01"));
        w.commit();
    }
    s.database().reopen();
    BOOST_TEST(s.search(r).hits.size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
