// SPDX-License-Identifier: GPL-2.0-or-later
#define BOOST_TEST_MODULE search
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <numeric>
#include <sstream>

#include "analysis/synonyms.hpp"
#include "articles.hpp"
#include "folio/error.hpp"
#include "folio/search.hpp"
#include "index/writer.hpp"
#include "schema/schema.hpp"
#include "search/query.hpp"
#include "store/layout.hpp"
#include "temp_dir.hpp"

using namespace folio;

namespace folio {
std::ostream& operator<<(std::ostream& out, const FacetValue& v) {
    return out << v.value << " (" << v.count << ")";
}
}  // namespace folio

namespace {

using test::article;

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
    SearchResult search(const SearchRequest& r) {
        Searcher s({db});
        return s.search(r);
    }
    /// Matches of `q` (parsed as the searcher does, without feedback) that also hold `term`:
    /// counted with Xapian, apart from the facet and collapse code.
    Xapian::doccount count_with(const std::string& q, const std::string& term) {
        Xapian::Database d(db);
        QueryBuilder b(d, QueryOptions{});
        Xapian::Enquire e(d);
        e.set_query(Xapian::Query(Xapian::Query::OP_FILTER, b.parse(q), Xapian::Query(term)));
        return e.get_mset(0, 0, d.get_doccount()).get_matches_estimated();
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

// The work bound that decides whether a search needs its time-limit timer: every leaf at most
// every document, wildcards up to their expansion limit, positional operators dearer.
BOOST_AUTO_TEST_CASE(match_work_bound_counts_leaves) {
    using Q = Xapian::Query;
    const Q a("a"), b("b"), c("c");
    BOOST_TEST(match_work_bound(a, 100, 256) == 100.0);
    BOOST_TEST(match_work_bound(Q(Q::OP_OR, a, b), 100, 256) == 200.0);
    BOOST_TEST(match_work_bound(Q(), 100, 256) == 0.0);
    BOOST_TEST(match_work_bound(Q::MatchAll, 100, 256) == 100.0);
    BOOST_TEST(match_work_bound(Q(Q::OP_VALUE_RANGE, 0, "1", "2"), 100, 256) == 100.0);
    BOOST_TEST(match_work_bound(Q(Q::OP_WILDCARD, "mil"), 100, 256) == 25600.0);
    std::vector<Q> words{a, b, c};
    const Q phrase(Q::OP_PHRASE, words.begin(), words.end());
    BOOST_TEST(match_work_bound(phrase, 100, 256) >
               match_work_bound(Q(Q::OP_AND, a, Q(Q::OP_AND, b, c)), 100, 256));
    BOOST_TEST(match_work_bound(Q(Q::OP_SCALE_WEIGHT, phrase, 2.0), 100, 256) ==
               match_work_bound(phrase, 100, 256));
}

// A time limit, however short, still gives the hits (with or without its timer).
BOOST_AUTO_TEST_CASE(time_limits) {
    for (double limit : {0.0, 1e-9, 10.0}) {
        SearchRequest r;
        r.query = "union";
        r.time_limit = limit;
        SearchResult res = search(r);
        BOOST_TEST(res.hits.size() == 2u);
    }
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

// Facets count every match, not only the page shown, as a per-value count does.
BOOST_AUTO_TEST_CASE(facets_count_all_matches) {
    SearchRequest r;
    r.query = "union OR troops";
    r.limit = 1;
    r.facets = {FacetRequest{FacetField::tag, 10}, FacetRequest{FacetField::year, 10}};
    SearchResult res = search(r);
    BOOST_TEST(res.hits.size() == 1u);
    BOOST_TEST_REQUIRE(res.facets.size() == 2u);
    BOOST_TEST((res.facets[0].field == FacetField::tag));
    BOOST_TEST((res.facets[0].values == std::vector<FacetValue>{{"politics", 2}, {"labour", 1}}));
    for (const auto& v : res.facets[0].values) {
        BOOST_TEST(v.count ==
                   count_with(r.query, schema::boolean_term(schema::kPrefixTag, v.value)));
    }
    BOOST_TEST(res.facets[1].values.size() == 3u);
    // Drilling down with tag: leaves only that value.
    r.query = "(union OR troops) tag:politics";
    SearchResult drilled = search(r);
    BOOST_TEST((drilled.facets[0].values == std::vector<FacetValue>{{"politics", 2}}));
    // No facets asked for, none computed.
    BOOST_TEST(search("union").facets.empty());
}

// A misspelled word gets the index's suggestion; --correct runs it; known words never change.
BOOST_AUTO_TEST_CASE(did_you_mean) {
    SearchResult r = search("europen union");
    BOOST_TEST_REQUIRE(r.suggestion.has_value());
    BOOST_TEST(*r.suggestion == "european union");
    BOOST_TEST(!r.corrected);
    BOOST_TEST(search("\"europen union\"").hits.empty());
    BOOST_TEST(*search("title:europen -trade").suggestion == "title:european -trade");
    SearchRequest q;
    q.query = "\"europen union\"";
    q.correct = true;
    SearchResult fixed = search(q);
    BOOST_TEST(fixed.corrected);
    BOOST_TEST(*fixed.suggestion == "\"european union\"");
    BOOST_TEST(ids(fixed) == (std::vector<std::string>{"union"}));
    BOOST_TEST(fixed.query == "\"europen union\"");
    // Every word is in the index: no suggestion, even with no hits at all.
    BOOST_TEST(!search("brussels AND troops").suggestion.has_value());
    BOOST_TEST(search("brussels AND troops").hits.empty());
    // A stem in the index counts as known; values of boolean fields are left alone.
    BOOST_TEST(!search("movement").suggestion.has_value());
    BOOST_TEST(!search("union tag:politcs").suggestion.has_value());
    SearchRequest off;
    off.query = "europen";
    off.suggest = false;
    BOOST_TEST(!search(off).suggestion.has_value());
}

// Collapsing keeps one hit per value, with the number of matches it stands for.
BOOST_AUTO_TEST_CASE(collapse) {
    SearchRequest r;
    r.query = "union OR troops OR trade";
    r.collapse = "tag";
    SearchResult res = search(r);
    BOOST_TEST_REQUIRE(res.hits.size() == 2u);
    BOOST_TEST(res.collapse == "tag");
    std::map<std::string, Xapian::doccount> counts;
    for (const auto& h : res.hits)
        counts[h.collapse_key] = h.collapse_count;
    BOOST_TEST((counts == std::map<std::string, Xapian::doccount>{{"politics", 2}, {"labour", 1}}));
    for (const auto& [key, count] : counts)
        BOOST_TEST(count == count_with(r.query, schema::boolean_term(schema::kPrefixTag, key)));
    r.collapse = "colour";
    BOOST_CHECK_THROW(search(r), UsageError);
}

// The explanation's parts add up to the score, and say where the words were found.
BOOST_AUTO_TEST_CASE(explain_adds_up) {
    for (const std::string q : {"trade union", "\"trade union\" OR european", "trade -brussels"}) {
        SearchRequest r;
        r.query = q;
        r.explain = true;
        SearchResult res = search(r);
        BOOST_TEST_REQUIRE(!res.hits.empty());
        BOOST_TEST(res.explained);
        for (const auto& h : res.hits) {
            BOOST_TEST_REQUIRE(!h.explain.empty());
            double sum = 0;
            for (const auto& c : h.explain)
                sum += c.weight;
            BOOST_TEST(std::abs(sum - h.score) < 1e-9, q << ": " << sum << " vs " << h.score);
        }
    }
    SearchRequest r;
    r.query = "trade";
    r.explain = true;
    r.ranking.expand = 0;
    SearchResult res = search(r);
    BOOST_TEST_REQUIRE(res.hits.size() == 2u);
    const Contribution& top = res.hits[0].explain.at(0);  // "Trade talks": title and body
    BOOST_TEST(top.label == "trade");
    BOOST_TEST(top.stem);
    BOOST_TEST(top.field == "text");
    BOOST_TEST((top.found_in == std::vector<std::string>{"title", "body"}));
    BOOST_TEST(top.wdf == 3u + 1u);  // title weight 3, once in the body
    BOOST_TEST(top.termfreq == 2u);
    const Contribution& body = res.hits[1].explain.at(0);  // "The European Union": body only
    BOOST_TEST((body.found_in == std::vector<std::string>{"body"}));
    BOOST_TEST(search("trade").hits[0].explain.empty());  // only when asked for
}

// The recency boost adds the top score times 0.5^(age/half-life), and reorders by it.
BOOST_AUTO_TEST_CASE(boost_recent) {
    SearchRequest plain;
    plain.query = "union OR troops";
    plain.ranking.expand = 0;
    SearchResult before = search(plain);
    SearchRequest boosted = plain;
    boosted.boost_half_life = 365;
    boosted.boost_reference = "20220218";  // the day of the "troops" article
    SearchResult after = search(boosted);
    BOOST_TEST_REQUIRE(after.hits.size() == before.hits.size());
    double top = before.hits[0].score;
    std::map<std::string, double> old_score, new_score;
    for (const auto& h : before.hits)
        old_score[h.article.id] = h.score;
    for (const auto& h : after.hits)
        new_score[h.article.id] = h.score;
    // troops: age 0; union (2020-01-02): 778 days; trade (2019-05-06): 1019 days.
    BOOST_TEST(std::abs(new_score["troops"] - old_score["troops"] - top) < 1e-9);
    BOOST_TEST(std::abs(new_score["union"] - old_score["union"] - top * std::exp2(-778.0 / 365)) <
               1e-9);
    BOOST_TEST(std::abs(new_score["trade"] - old_score["trade"] - top * std::exp2(-1019.0 / 365)) <
               1e-9);
    BOOST_TEST(after.hits[0].article.id == "troops");
    BOOST_TEST(after.estimated == before.estimated);  // the same matches
    boosted.boost_reference = "2022-02-18";
    BOOST_CHECK_THROW(search(boosted), UsageError);
}

// --like: articles sharing the given one's distinctive words, never itself.
BOOST_AUTO_TEST_CASE(like_article) {
    {
        IndexWriter w(db, WriterOptions{});
        w.add(article("tanks", "Tanks at the border",
                      "Russia masses tanks and troops at the border with heavy equipment.",
                      "2022-02-20"));
        w.add(article("pasta", "Cooking pasta", "Boil the pasta in salted water for ten minutes.",
                      "2021-01-01"));
        w.add(article("bread", "Baking bread", "Knead the dough and let it rise in salted water.",
                      "2021-01-02"));
        w.commit();
    }
    SearchRequest r;
    r.like_ids = {"troops"};
    SearchResult res = search(r);
    BOOST_TEST_REQUIRE(!res.hits.empty());
    BOOST_TEST(res.hits[0].article.id == "tanks");  // russia, troops, equipment, border
    for (const auto& h : res.hits)
        BOOST_TEST(
            (h.article.id != "troops" && h.article.id != "pasta" && h.article.id != "bread"));
    BOOST_TEST(std::count(res.like_terms.begin(), res.like_terms.end(), "border") == 1);
    BOOST_TEST(std::count(res.like_terms.begin(), res.like_terms.end(), "the") == 0);
    // Like a text that is not in the index (--like-file).
    SearchRequest f;
    f.like_articles = {
        article("new", "Kitchen", "Pasta and bread: salted water, dough, boil.", "")};
    SearchResult kitchen = search(f);
    BOOST_TEST_REQUIRE(kitchen.hits.size() == 2u);
    BOOST_TEST((ids(kitchen) == std::vector<std::string>{"pasta", "bread"} ||
                ids(kitchen) == std::vector<std::string>{"bread", "pasta"}));
    r.like_ids = {"nope"};
    BOOST_CHECK_THROW(search(r), UsageError);
}

// ~word expands one word by the stored synonyms; expand_synonyms expands every word.
BOOST_AUTO_TEST_CASE(synonyms) {
    {
        Xapian::WritableDatabase w(db);
        std::istringstream rules("troops, equipment, movement\n");
        store_synonyms(w, parse_synonyms(rules, "rules"));
        w.commit();
    }
    BOOST_TEST(search("movement").hits.size() == 2u);  // "trade" and "troops"
    BOOST_TEST(ids(search("~brussels")) == (std::vector<std::string>{"union"}));
    SearchRequest r;
    r.query = "equipment";
    r.ranking.expand = 0;
    BOOST_TEST(search(r).hits.size() == 1u);
    r.expand_synonyms = true;
    BOOST_TEST(search(r).hits.size() == 2u);  // troops, movement: also in "trade"
    r.expand_synonyms = false;
    r.query = "~equipment";
    BOOST_TEST(search(r).hits.size() == 2u);
}

BOOST_AUTO_TEST_SUITE_END()

// A database of schema 2 (its articles in the document data) and one of schema 3 (in a value
// slot) searched as one: every hit shows its stored article and its passages.
BOOST_AUTO_TEST_CASE(searches_schema_2_and_3_shards_as_one) {
    test::TempDir dir;
    {
        Xapian::WritableDatabase old(dir / "old", Xapian::DB_CREATE);
        old.set_metadata(std::string(schema::kMetaLanguage), "english");
        old.set_metadata(std::string(schema::kMetaSchema), "2");
        old.commit();
    }
    for (const char* name : {"old", "new"}) {
        IndexWriter w(dir / name, WriterOptions{});
        w.add(article(name, std::string("Troops of the ") + name + " shard",
                      "Russia is moving troops toward the border.", "2022-02-18"));
        w.commit();
    }
    BOOST_TEST(schema::version_of(Xapian::Database(dir / "old")) == 2);
    BOOST_TEST(schema::version_of(Xapian::Database(dir / "new")) == schema::kVersion);
    Searcher s({dir / "old", dir / "new"});
    SearchRequest r;
    r.query = "troops";
    SearchResult result = s.search(r);
    BOOST_TEST_REQUIRE(result.hits.size() == 2u);
    for (const Hit& hit : result.hits) {
        BOOST_TEST(hit.article.title == "Troops of the " + hit.article.id + " shard");
        BOOST_TEST(hit.article.date == "2022-02-18");
        BOOST_TEST_REQUIRE(!hit.passages.empty());
        BOOST_TEST(highlighted(hit.passages[0]) == (std::vector<std::string>{"troops"}));
    }
}

// The stub parser: Xapian's line forms, comments, blank lines; anything else is an error that
// names the stub and the line.
BOOST_AUTO_TEST_CASE(stub_parser) {
    auto entries = folio::parse_stub(
        "# shards\n\nglass gen-000001/shard-000\r\n  auto  /abs/db  \nchert old\n"
        "remote 127.0.0.1:33330\nremote :ssh host xapian-progsrv /srv/db\n",
        "S");
    BOOST_TEST_REQUIRE(entries.size() == 5u);
    BOOST_TEST(entries[0].target == "gen-000001/shard-000");
    BOOST_TEST((entries[0].kind == folio::StubEntry::Kind::database));
    BOOST_TEST(entries[0].line == 3u);
    BOOST_TEST(entries[1].target == "/abs/db");
    BOOST_TEST(entries[2].target == "old");
    BOOST_TEST((entries[3].kind == folio::StubEntry::Kind::tcp));
    BOOST_TEST(entries[3].target == "127.0.0.1:33330");
    BOOST_TEST((entries[4].kind == folio::StubEntry::Kind::program));
    BOOST_TEST(entries[4].target == "ssh host xapian-progsrv /srv/db");
    const std::vector<std::string> bads{"inmemory\n",
                                        "auto\n",
                                        "glass\n",
                                        "remote :\n",
                                        "remote : x\n",
                                        "what ever\n",
                                        std::string("auto a\0b\n", 9)};
    for (const std::string& bad : bads) {
        try {
            folio::parse_stub(bad, "S");
            BOOST_ERROR("accepted: " << bad);
        } catch (const folio::DatabaseError& e) {
            BOOST_TEST(std::string(e.what()).starts_with("S:1: bad stub line '"), e.what());
        }
    }
}
