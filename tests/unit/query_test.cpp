#define BOOST_TEST_MODULE query
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "folio/error.hpp"
#include "folio/query.hpp"
#include "folio/writer.hpp"

using namespace folio;
namespace bdata = boost::unit_test::data;

namespace {

struct Fixture {
    Xapian::WritableDatabase db{std::string(), Xapian::DB_BACKEND_INMEMORY};
    Fixture() {
        WriterOptions options;
        options.spelling = false;  // in-memory databases have no spelling table
        IndexWriter w(db, options);
        Article a;
        a.id = "1";
        a.title = "Military matters";
        a.body = "militia military militant troops";
        w.add(a);
        w.commit();
    }
    std::string parsed(const std::string& q, bool default_and = false) {
        QueryOptions o;
        o.default_and = default_and;
        QueryBuilder b(db, o);
        return b.parse(q).get_description();
    }
};

std::size_t error_column(const std::string& q) {
    try {
        check_query_syntax(q);
    } catch (const QueryError& e) {
        return e.column();
    }
    return std::string::npos;
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(query, Fixture)

// Malformed queries are reported at the byte where they go wrong.
BOOST_DATA_TEST_CASE(syntax_errors_point_at_fault,
                     bdata::make({"\"open phrase", "a \"b\" \"c", "(a OR b", "a OR b)", "a AND",
                                  "AND a", "a OR AND b", "()", "date:2020-13-01..2021",
                                  "year:19x0..2000", "year:2000..1990", "a NOT", "x\x01y",
                                  "date:2020-01-01..junk"}) ^
                         bdata::make({0, 6, 0, 6, 2, 0, 5, 0, 5, 5, 5, 2, 1, 17}),
                     text, column) {
    BOOST_TEST(error_column(text) == static_cast<std::size_t>(column));
}

// Well-formed queries pass the check.
BOOST_DATA_TEST_CASE(good_queries_pass,
                     bdata::make({"nato", "\"exact phrase\"", "(a OR b) AND c", "a NEAR/3 b",
                                  "-word +other", "milit*", "date:2020-01-01..2021-06-30",
                                  "year:1990..1999", "date:..2020", "year:1990..", "title:nato",
                                  "tag:\"national union\"", "NOT x"}),
                     text) {
    BOOST_TEST(error_column(text) == std::string::npos);
}

// Plain words are stemmed; capitalised words and phrases keep their form; stopwords go.
BOOST_AUTO_TEST_CASE(stems_and_stops) {
    BOOST_TEST(parsed("the troops") == "Query(Ztroop@2)");
    BOOST_TEST(parsed("\"the troops\"") == "Query((the@1 PHRASE 2 troops@2))");
}

// The default operator is OR, AND on request.
BOOST_AUTO_TEST_CASE(default_operator) {
    BOOST_TEST(parsed("nato russia") == "Query((Znato@1 OR Zrussia@2))");
    BOOST_TEST(parsed("nato russia", true) == "Query((Znato@1 AND Zrussia@2))");
}

// Fields map to the schema's prefixes; boolean fields are lower-cased filters.
BOOST_AUTO_TEST_CASE(fields) {
    BOOST_TEST(parsed("title:nato") == "Query(ZSnato@1)");
    BOOST_TEST(parsed("author:lincoln") == "Query(ZAlincoln@1)");
    BOOST_TEST(parsed("war tag:Whig") == "Query((Zwar@1 FILTER Kwhig))");
    BOOST_TEST(parsed("war lang:en") == "Query((Zwar@1 FILTER Lenglish))");
    BOOST_TEST(parsed("war source:SOTU") == "Query((Zwar@1 FILTER XSsotu))");
}

// Date and year ranges become value ranges on the date slot, open ends included.
BOOST_AUTO_TEST_CASE(ranges) {
    BOOST_TEST(parsed("date:2020-01-01..2021-06-30") == "Query(VALUE_RANGE 0 20200101 20210630)");
    BOOST_TEST(parsed("year:1990..1999") == "Query(VALUE_RANGE 0 19900101 19991231)");
    BOOST_TEST(parsed("year:1990..") == "Query(VALUE_GE 0 19900101)");
    BOOST_TEST(parsed("date:..2020-02") == "Query(VALUE_LE 0 20200229)");
}

// NEAR/n and ADJ/n (n words apart: Xapian's window of n+1) work in any case; wildcards
// expand within the database.
BOOST_AUTO_TEST_CASE(proximity_and_wildcards) {
    BOOST_TEST(parsed("troops near/3 militia") == "Query((troops@1 NEAR 4 militia@2))");
    BOOST_TEST(parsed("troops ADJ/2 militia") == "Query((troops@1 PHRASE 3 militia@2))");
    BOOST_TEST(parsed("milit*") == "Query(WILDCARD SYNONYM milit)");
}

// Filters restrict without adding weight.
BOOST_AUTO_TEST_CASE(filters_do_not_weigh) {
    QueryBuilder b(db, QueryOptions{});
    Xapian::Query q = b.filtered(b.parse("troops"), {"tag:x"});
    BOOST_TEST(q.get_description() == "Query((Ztroop@1 FILTER 0 * Kx))");
    Xapian::Query only = b.filtered(Xapian::Query(), {"tag:x"});
    BOOST_TEST(only.get_description() == "Query(0 * 0 * Kx)");
}

// Phrase words are told apart from words that also stand alone.
BOOST_AUTO_TEST_CASE(phrase_terms) {
    QueryBuilder b(db, QueryOptions{});
    QueryTerms t = query_terms(b.parse("\"european union\" union"));
    BOOST_TEST_REQUIRE(t.phrases.size() == 1u);
    BOOST_TEST(t.phrases[0] == (std::vector<std::string>{"european", "union"}));
    BOOST_TEST(t.phrase_only == (std::vector<std::string>{"european", "union"}));
    QueryTerms t2 = query_terms(b.parse("\"european union\" Union"));
    BOOST_TEST(t2.phrase_only == (std::vector<std::string>{"european"}));
    QueryTerms t3 = query_terms(b.parse("title:\"military matters\""));
    BOOST_TEST_REQUIRE(t3.phrases.size() == 1u);
    BOOST_TEST(t3.phrases[0] == (std::vector<std::string>{"military", "matters"}));
}

BOOST_AUTO_TEST_SUITE_END()
