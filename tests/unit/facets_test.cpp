// SPDX-License-Identifier: GPL-2.0-or-later
#define BOOST_TEST_MODULE facets
#include <boost/test/unit_test.hpp>

#include <map>

#include "folio/error.hpp"
#include "index/writer.hpp"
#include "schema/schema.hpp"
#include "search/facets.hpp"

using namespace folio;

namespace folio {
std::ostream& operator<<(std::ostream& out, const FacetValue& v) {
    return out << v.value << " (" << v.count << ")";
}
}  // namespace folio

namespace {

Article article(const std::string& id, const std::string& body, const std::string& date,
                std::vector<std::string> authors, std::vector<std::string> tags,
                const std::string& source) {
    Article a;
    a.id = id;
    a.title = "Article " + id;
    a.body = body;
    a.date = date;
    a.authors = std::move(authors);
    a.tags = std::move(tags);
    a.source = source;
    return a;
}

struct Fixture {
    Xapian::WritableDatabase db{std::string(), Xapian::DB_BACKEND_INMEMORY};
    Fixture() {
        WriterOptions options;
        options.spelling = false;
        IndexWriter w(db, options);
        w.add(article("1", "harbour strike", "1987-02-01", {"Ada Lovelace", "Wire Desk"},
                      {"labour", "shipping"}, "wire"));
        w.add(article("2", "harbour grain", "1987-03-02", {"Wire Desk"}, {"grain", "shipping"},
                      "wire"));
        w.add(article("3", "harbour café", "2020-06-30", {}, {"food"}, "news"));
        w.add(article("4", "whale harbour", "1851-10-18", {"Herman Melville"}, {"sea"}, "books"));
        w.add(article("5", "no match here", "1987-05-05", {"Wire Desk"}, {"shipping"}, "wire"));
        // The same tag twice in one article counts once.
        w.add(article("6", "harbour again", "", {"Ada Lovelace"}, {"labour", "labour"}, "wire"));
        w.commit();
    }

    /// Facet counts through the spy, for the matches of `term`, seeing every match.
    FacetResult facet(FacetField field, const std::string& term, std::size_t limit = 100) {
        Xapian::Enquire enquire(db);
        enquire.set_query(Xapian::Query(term));
        FacetSpy spy(field);
        enquire.add_matchspy(&spy);
        enquire.get_mset(0, 1, db.get_doccount());
        return spy.result(limit);
    }

    /// The count made independently: matches of `term` filtered by the value's boolean term.
    Xapian::doccount count_with(const std::string& term, const std::string& filter) {
        Xapian::Enquire enquire(db);
        enquire.set_query(
            Xapian::Query(Xapian::Query::OP_FILTER, Xapian::Query(term), Xapian::Query(filter)));
        return enquire.get_mset(0, 0, db.get_doccount()).get_matches_estimated();
    }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(facets, Fixture)

// Tag counts over all matches (not just the one-hit page) equal a count per value by query.
BOOST_AUTO_TEST_CASE(tag_counts_match_independent_counts) {
    FacetResult r = facet(FacetField::tag, "Zharbour");
    BOOST_TEST(r.distinct == 5u);
    std::map<std::string, Xapian::doccount> seen;
    for (const auto& v : r.values) {
        seen[v.value] = v.count;
        BOOST_TEST(
            v.count == count_with("Zharbour", schema::boolean_term(schema::kPrefixTag, v.value)),
            v.value);
    }
    BOOST_TEST(seen["labour"] == 2u);           // articles 1 and 6 (6 lists it twice)
    BOOST_TEST(seen["shipping"] == 2u);         // 5 does not match
    BOOST_TEST(r.values[0].value == "labour");  // ties ordered by value
    BOOST_TEST(r.values[1].value == "shipping");
}

// Multi-valued authors are split; counts equal the XA boolean term's counts.
BOOST_AUTO_TEST_CASE(author_counts_split_lists) {
    FacetResult r = facet(FacetField::author, "Zharbour");
    BOOST_TEST_REQUIRE(r.values.size() == 3u);
    BOOST_TEST(r.values[0] == (FacetValue{"Ada Lovelace", 2}));
    BOOST_TEST(r.values[1] == (FacetValue{"Wire Desk", 2}));
    BOOST_TEST(r.values[2] == (FacetValue{"Herman Melville", 1}));
    for (const auto& v : r.values) {
        BOOST_TEST(v.count == count_with("Zharbour", schema::boolean_term(
                                                         schema::kPrefixAuthorExact, v.value)));
    }
}

// Years are the date's first four digits; sources and languages are single values.
BOOST_AUTO_TEST_CASE(years_sources_languages) {
    FacetResult years = facet(FacetField::year, "Zharbour");
    BOOST_TEST(years.values == (std::vector<FacetValue>{{"1987", 2}, {"1851", 1}, {"2020", 1}}));
    for (const auto& v : years.values)
        BOOST_TEST(v.count == count_with("Zharbour", std::string(schema::kPrefixYear) + v.value));
    FacetResult sources = facet(FacetField::source, "Zharbour");
    BOOST_TEST(sources.values == (std::vector<FacetValue>{{"wire", 3}, {"books", 1}, {"news", 1}}));
    FacetResult languages = facet(FacetField::language, "Zharbour");
    BOOST_TEST(languages.values == (std::vector<FacetValue>{{"english", 5}}));
}

// The limit keeps the most frequent values; distinct still counts them all.
BOOST_AUTO_TEST_CASE(limit) {
    FacetResult r = facet(FacetField::source, "Zharbour", 1);
    BOOST_TEST(r.values == (std::vector<FacetValue>{{"wire", 3}}));
    BOOST_TEST(r.distinct == 3u);
}

// Facet specs: FIELD and FIELD:N, aliases, errors.
BOOST_AUTO_TEST_CASE(parse_specs) {
    BOOST_TEST((parse_facet("author") == FacetRequest{FacetField::author, 10}));
    BOOST_TEST((parse_facet("tags:3") == FacetRequest{FacetField::tag, 3}));
    BOOST_TEST((parse_facet("lang") == FacetRequest{FacetField::language, 10}));
    BOOST_TEST((parse_facet("year:25") == FacetRequest{FacetField::year, 25}));
    BOOST_CHECK_THROW(parse_facet("colour"), UsageError);
    BOOST_CHECK_THROW(parse_facet("tag:0"), UsageError);
    BOOST_CHECK_THROW(parse_facet("tag:x"), UsageError);
    BOOST_CHECK_THROW(parse_facet("tag:"), UsageError);
}

// Serialised counts merge back (as with remote databases).
BOOST_AUTO_TEST_CASE(serialise_and_merge) {
    FacetSpy a(FacetField::tag);
    Xapian::Document d;
    d.add_value(schema::kSlotTags, std::string("x") + schema::kListSeparator + "y:z");
    a(d, 1.0);
    FacetSpy b(FacetField::tag);
    b.merge_results(a.serialise_results());
    b.merge_results(a.serialise_results());
    BOOST_TEST(b.counts().at("x") == 2u);
    BOOST_TEST(b.counts().at("y:z") == 2u);
}

BOOST_AUTO_TEST_SUITE_END()
