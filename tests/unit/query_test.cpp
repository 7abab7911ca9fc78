// SPDX-License-Identifier: GPL-2.0-or-later
#define BOOST_TEST_MODULE query
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include "folio/error.hpp"
#include "index/writer.hpp"
#include "schema/schema.hpp"
#include "search/query.hpp"
#include "temp_dir.hpp"

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
                     bdata::make({"\"open phrase",
                                  "a \"b\" \"c",
                                  "(a OR b",
                                  "a OR b)",
                                  "a AND",
                                  "AND a",
                                  "a OR AND b",
                                  "()",
                                  "date:2020-13-01..2021",
                                  "year:19x0..2000",
                                  "year:2000..1990",
                                  "a NOT",
                                  "x\x01y",
                                  "date:2020-01-01..junk",
                                  "date:2020-06..2020-05-31",
                                  "a date:2021..2020-12",
                                  "tag:(a OR b)",
                                  "lang:xx",
                                  "a -lang:\"zz\"",
                                  "a \"\"",
                                  "title:\"...\"",
                                  "a Author:~b",
                                  "title:-gold",
                                  "a author:+b",
                                  "gold~2",
                                  "\"a b\"~3",
                                  "a gold^2",
                                  "gold~",
                                  "year: 2020",
                                  "a Title: b"}) ^
                         bdata::make({0, 6, 0, 6, 2, 0, 5, 0, 5, 5, 5, 2, 1, 17, 5,
                                      7, 0, 5, 8, 2, 6, 9, 6, 9, 4, 5, 6, 4, 0,  2}),
                     text, column) {
    BOOST_TEST(error_column(text) == static_cast<std::size_t>(column));
}

// Well-formed queries pass the check.
BOOST_DATA_TEST_CASE(good_queries_pass,
                     bdata::make({"nato",
                                  "\"exact phrase\"",
                                  "(a OR b) AND c",
                                  "a NEAR/3 b",
                                  "-word +other",
                                  "milit*",
                                  "date:2020-01-01..2021-06-30",
                                  "year:1990..1999",
                                  "date:..2020",
                                  "year:1990..",
                                  "title:nato",
                                  "tag:\"national union\"",
                                  "NOT x",
                                  "date:2020-05..2020",
                                  "date:2020-05-31..2020-05",
                                  "date:2020..2020-01-01",
                                  "year:2020..2020",
                                  "lang:fr-CA",
                                  "lang:\"French\"",
                                  "title:(a OR b)",
                                  "-author:(a b)",
                                  "\"a~b\"",
                                  "~title:a",
                                  "x~y",
                                  "tag:a~2"}),
                     text) {
    BOOST_TEST(error_column(text) == std::string::npos);
}

// Every word is stemmed, in phrases too (stems carry positions); stopwords go outside phrases.
BOOST_AUTO_TEST_CASE(stems_and_stops) {
    BOOST_TEST(parsed("the troops") == "Query(Ztroop@2)");
    BOOST_TEST(parsed("The Troops") == "Query(Ztroop@2)");
    BOOST_TEST(parsed("\"the troops\"") == "Query((Zthe@1 PHRASE 2 Ztroop@2))");
}

// A database of schema 1 is parsed as it was indexed: capitalised words and phrases as written.
BOOST_AUTO_TEST_CASE(schema_one_keeps_words_as_written) {
    Xapian::WritableDatabase old(std::string(), Xapian::DB_BACKEND_INMEMORY);
    old.set_metadata(std::string(schema::kMetaSchema), "1");
    QueryBuilder b(old, QueryOptions{});
    BOOST_TEST(b.parse("the troops").get_description() == "Query(Ztroop@2)");
    BOOST_TEST(b.parse("Troops").get_description() == "Query(troops@1)");
    BOOST_TEST(b.parse("\"the troops\"").get_description() == "Query((the@1 PHRASE 2 troops@2))");
    BOOST_TEST(b.parse("milit*").get_description() == "Query(WILDCARD SYNONYM milit)");
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
    BOOST_TEST(parsed("troops near/3 militia") == "Query((Ztroop@1 NEAR 4 Zmilitia@2))");
    BOOST_TEST(parsed("troops ADJ/2 militia") == "Query((Ztroop@1 PHRASE 3 Zmilitia@2))");
    BOOST_TEST(parsed("milit*") == "Query(WILDCARD SYNONYM Zmilit)");
    BOOST_TEST(parsed("-title:Milit* troops") ==
               "Query((Ztroop@2 AND_NOT WILDCARD SYNONYM ZSmilit))");
}

// Wildcards expand over the stems: milit* finds militia, military and militant, in the text and
// in the title field.
BOOST_AUTO_TEST_CASE(wildcards_expand_over_stems) {
    auto matches = [&](const std::string& q) {
        QueryBuilder b(db, QueryOptions{});
        Xapian::Enquire enquire(db);
        enquire.set_query(b.parse(q));
        return enquire.get_mset(0, 10).size();
    };
    BOOST_TEST(matches("milit*") == 1u);
    BOOST_TEST(matches("title:milit*") == 1u);
    BOOST_TEST(matches("author:milit*") == 0u);
    BOOST_TEST(matches("troop*") == 1u);
    BOOST_TEST(matches("navy*") == 0u);
}

// The builder tells which wildcard patterns its last query had, for highlighting.
BOOST_AUTO_TEST_CASE(reports_wildcard_patterns) {
    QueryBuilder b(db, QueryOptions{});
    b.parse("troops Milit* -title:Matt* \"a phrase\"");
    BOOST_TEST(b.wildcards() == (std::vector<std::string>{"milit", "matt"}));
    b.parse("troops");
    BOOST_TEST(b.wildcards().empty());
}

// A wildcard inside a phrase or beside NEAR/ADJ is refused at its column: Xapian's parser would
// drop the operator ("war* NEAR peace*" became war OR near OR peace) or the '*'.
BOOST_AUTO_TEST_CASE(positional_wildcards_refused) {
    QueryBuilder b(db, QueryOptions{});
    const std::vector<std::pair<std::string, std::size_t>> cases{
        {"war* NEAR peace*", 0},         {"war NEAR/3 peace*", 11},
        {"troops ADJ/2 milit*", 13},     {"\"no* phrase\"", 3},
        {"troops \"the milit* x\"", 17}, {"self-gov*", 8},
        {"troops title:e.mil*", 18},     {"a/b*", 3}};
    for (const auto& [q, column] : cases) {
        try {
            b.parse(q);
            BOOST_ERROR("accepted: " << q);
        } catch (const QueryError& e) {
            BOOST_TEST(e.column() == column, q);
            BOOST_TEST(e.reason().find("wildcard") != std::string::npos, q << ": " << e.reason());
        }
    }
    // Beside other operators, and a '*' that ends no word, as before; a number's point and a
    // word's apostrophe join no phrase.
    BOOST_TEST(!b.parse("milit* AND troops").empty());
    BOOST_TEST(!b.parse("3.1* o'mil*").empty());
    BOOST_TEST(!b.parse("troops NEAR army").empty());
}

// A wildcard that matches more terms than the limit is refused at its column: Xapian's parser
// would keep the most frequent and drop the others, and the rare words' articles with them.
BOOST_AUTO_TEST_CASE(wildcard_past_the_limit_refused) {
    QueryOptions o;
    o.wildcard_limit = 2;  // milit* matches three stems: militia, militari, milit
    QueryBuilder b(db, o);
    for (const auto& [q, column] : std::vector<std::pair<std::string, std::size_t>>{
             {"troops milit*", 7}, {"troops OR -Milit*", 11}, {"(troops +milit*)", 9}}) {
        try {
            b.parse(q);
            BOOST_ERROR("accepted: " << q);
        } catch (const QueryError& e) {
            BOOST_TEST(e.column() == column, q);
            BOOST_TEST(e.reason().find("more than 2 words") != std::string::npos, e.reason());
        }
    }
    BOOST_TEST(!b.parse("militi* troop*").empty());  // militia; troop
    o.wildcard_limit = 3;
    QueryBuilder three(db, o);
    BOOST_TEST(parsed("milit*") == three.parse("milit*").get_description());
}

// A filter with nothing to search for is refused: it restricted every query to no hits.
BOOST_AUTO_TEST_CASE(empty_filter_refused) {
    QueryBuilder b(db, QueryOptions{});
    for (const std::string f : {"", "   ", ",", "-"}) {
        BOOST_CHECK_THROW(b.filtered(b.parse("troops"), {f}), QueryError);
        BOOST_CHECK_THROW(b.filtered(Xapian::Query(), {"troops", f}), QueryError);
    }
    BOOST_TEST(!b.filtered(b.parse("troops"), {"militia"}).empty());
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
    BOOST_TEST(t.phrase_only == (std::vector<std::string>{"Zeuropean"}));
    QueryTerms t2 = query_terms(b.parse("\"european union\" nations"));
    BOOST_TEST(t2.phrase_only == (std::vector<std::string>{"Zeuropean", "Zunion"}));
    QueryTerms t3 = query_terms(b.parse("title:\"military matters\""));
    BOOST_TEST_REQUIRE(t3.phrases.size() == 1u);
    BOOST_TEST(t3.phrases[0] == (std::vector<std::string>{"militari", "matter"}));
    BOOST_TEST(t3.phrase_spans.at(0).window == 0u);  // in a row
}

// ADJ/N and NEAR/N are phrases with their windows (NEAR in any order): their words are
// highlighted only where a hit matched them, not wherever they occur.
BOOST_AUTO_TEST_CASE(adj_and_near_terms_keep_their_window) {
    QueryBuilder b(db, QueryOptions{});
    QueryTerms near = query_terms(b.parse("european NEAR/3 union"));
    BOOST_TEST_REQUIRE(near.phrases.size() == 1u);
    BOOST_TEST(near.phrases[0] == (std::vector<std::string>{"european", "union"}));
    BOOST_TEST(near.phrase_spans.at(0).window == 4u);
    BOOST_TEST(near.phrase_spans.at(0).any_order);
    BOOST_TEST(near.phrase_only == (std::vector<std::string>{"Zeuropean", "Zunion"}));
    QueryTerms adj = query_terms(b.parse("european ADJ/3 union OR troops"));
    BOOST_TEST_REQUIRE(adj.phrases.size() == 1u);
    BOOST_TEST(adj.phrase_spans.at(0).window == 4u);
    BOOST_TEST(!adj.phrase_spans.at(0).any_order);
    QueryTerms row = query_terms(b.parse("european ADJ/1 union"));
    BOOST_TEST(row.phrase_spans.at(0).window == 0u);
}

BOOST_AUTO_TEST_SUITE_END()

// "Did you mean" on a small built index (spelling counts are the words' occurrences):
// "government" 40 times, the misspelling "goverment" once, "started" 684 times and "starter"
// (a word in its own right) 22 times (a title and 21 in the body), "said" 121 times and "sad"
// once; "received" 40 times and "recieved" once.
struct Spelling {
    test::TempDir dir;
    Xapian::Database db;
    Spelling() {
        std::string path = dir / "db";
        {
            IndexWriter w(path, WriterOptions{});
            auto add = [&](const std::string& id, const std::string& body) {
                Article a;
                a.id = id;
                a.title = "Report " + id;
                a.body = body;
                w.add(a);
            };
            for (int k = 0; k < 40; ++k) {
                std::string body = "The government said spending rose.";
                for (int r = 0; r < 17; ++r)
                    body += " It started again.";
                add("g" + std::to_string(k), body + " said said. Goods received.");
            }
            add("typo", "The goverment said so. Governments sad. Goods recieved.");
            std::string starters;
            for (int k = 0; k < 21; ++k)
                starters += " A starter.";
            add("starter", starters + " started started started started");
            w.commit();
        }
        db = Xapian::Database(path);
    }
    std::string suggest(const std::string& q, const SpellingRule& rule = SpellingRule{}) {
        QueryBuilder b(db, QueryOptions{});
        b.set_spelling_rule(rule);
        return b.suggest(q);
    }
};

BOOST_FIXTURE_TEST_SUITE(did_you_mean, Spelling)

// A rare word one edit from a word far more frequent is offered the frequent one, though it is
// in the index; never a word common in its own right, a short word, or another form of a stem.
BOOST_AUTO_TEST_CASE(more_popular_neighbour_by_ratio) {
    // The misspelling is in the index, in one article.
    BOOST_TEST(db.get_termfreq("Z" + Xapian::Stem("english")("goverment")) == 1u);
    BOOST_TEST(suggest("goverment") == "government");
    BOOST_TEST(suggest("goverment spending") == "government spending");
    BOOST_TEST(suggest("recieved") == "received");  // two letters swapped: one edit
    BOOST_TEST(suggest("starter") == "");           // 22 occurrences: common in its own right
    BOOST_TEST(suggest("sad") == "");               // too short to tell from a real word
    BOOST_TEST(suggest("governments") == "");       // another form of "government"
    BOOST_TEST(suggest("government") == "");
    // The ratio: "government" occurs 40 times, "goverment" once.
    SpellingRule rule;
    rule.ratio = 40;
    BOOST_TEST(suggest("goverment", rule) == "government");
    rule.ratio = 41;
    BOOST_TEST(suggest("goverment", rule) == "");
    rule.ratio = 0;  // off: words in the index are never corrected
    BOOST_TEST(suggest("goverment", rule) == "");
    // "Rare": at most rare_max occurrences (or rare_per_article of the articles).
    rule = SpellingRule{};
    rule.rare_max = 22;
    BOOST_TEST(suggest("starter", rule) == "started");  // 684 >= 30 x 22
    rule.rare_max = 0;
    rule.rare_per_article = 0.0;
    BOOST_TEST(suggest("goverment", rule) == "");
}

// Suggestions never rewrite an operator: wildcards, ~synonyms, field names and boolean values
// stay as written, and quotes and signs are kept around a corrected word.
BOOST_AUTO_TEST_CASE(operators_are_not_rewritten) {
    BOOST_TEST(suggest("\"goverment spending\"") == "\"government spending\"");
    BOOST_TEST(suggest("title:goverment") == "title:government");
    BOOST_TEST(suggest("-goverment +said") == "-government +said");
    BOOST_TEST(suggest("~goverment") == "");
    BOOST_TEST(suggest("goverment*") == "");
    BOOST_TEST(suggest("*goverment") == "");
    BOOST_TEST(suggest("gover?ment") == "");
    BOOST_TEST(suggest("govenrment") == "government");  // not in the index at all
    BOOST_TEST(suggest("gov?nrment") == "");
    BOOST_TEST(suggest("-tag:goverment tag:govenrment") == "");
    BOOST_TEST(suggest("-title:goverment") == "-title:government");
    BOOST_TEST(suggest("goverment-backed") == "");
    BOOST_TEST(suggest("goverment NEAR/3 said") == "government NEAR/3 said");
}

BOOST_AUTO_TEST_SUITE_END()

namespace {

/// A database of an English and a Russian article.
struct Bilingual {
    Xapian::WritableDatabase db{std::string(), Xapian::DB_BACKEND_INMEMORY};
    Bilingual() {
        WriterOptions options;
        options.spelling = false;
        IndexWriter w(db, options);
        Article en;
        en.id = "en";
        en.title = "Elections";
        en.body = "The elections were held";
        w.add(en);
        Article ru;
        ru.id = "ru";
        ru.language = "ru";
        ru.title = "Москва новости";
        ru.body = "Новости из Москвы";
        w.add(ru);
        w.commit();
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(languages)

// The languages of a database: its articles' (the L terms) and the recorded ones, sorted.
BOOST_AUTO_TEST_CASE(database_languages_from_the_index) {
    Bilingual b;
    BOOST_TEST(
        database_languages(b.db, {"english"}) == (std::vector<std::string>{"english", "russian"}),
        boost::test_tools::per_element());
    BOOST_TEST(database_languages(b.db, {"german", "english"}) ==
                   (std::vector<std::string>{"english", "german", "russian"}),
               boost::test_tools::per_element());
}

// Each word is the synonym of its stems in every language; inside a phrase, an OR of them.
BOOST_AUTO_TEST_CASE(words_expand_to_every_language) {
    Bilingual b;
    QueryOptions o;
    o.languages = database_languages(b.db, {"english"});
    QueryBuilder builder(b.db, o);
    BOOST_TEST(builder.multilingual());
    BOOST_TEST(builder.parse("Москве").get_description() == "Query((Zмоскве@1 SYNONYM Zмоскв@1))");
    BOOST_TEST(builder.parse("elections").get_description() ==
               "Query((Zelect@1 SYNONYM Zelections@1))");
    BOOST_TEST(builder.parse("\"Москва новости\"").get_description() ==
               "Query(((Zмосква@1 OR Zмоскв@1) PHRASE 2 (Zновости@2 OR Zновост@2)))");
    BOOST_TEST(builder.parse("title:Москва NEAR/3 новости").get_description().find("ZSмоскв") !=
               std::string::npos);
    // One phrase per language for the highlighter.
    QueryTerms terms = query_terms(builder.parse("\"Москва новости\""));
    BOOST_TEST_REQUIRE(terms.phrases.size() == 2u);
    BOOST_TEST(terms.phrases[1] == (std::vector<std::string>{"москв", "новост"}),
               boost::test_tools::per_element());
    Xapian::Enquire enquire(b.db);
    for (const char* q : {"Москве", "\"Москва новости\"", "новость", "title:москвы"}) {
        enquire.set_query(builder.parse(q));
        BOOST_TEST(enquire.get_mset(0, 10).size() == 1u, q);
    }
}

// One language: the parser's query exactly as before.
BOOST_AUTO_TEST_CASE(one_language_is_unchanged) {
    Xapian::WritableDatabase db{std::string(), Xapian::DB_BACKEND_INMEMORY};
    WriterOptions options;
    options.spelling = false;
    IndexWriter w(db, options);
    Article a;
    a.id = "1";
    a.title = "Elections";
    w.add(a);
    w.commit();
    QueryOptions o;
    o.languages = database_languages(db, {"english"});
    QueryBuilder builder(db, o);
    BOOST_TEST(!builder.multilingual());
    BOOST_TEST(builder.parse("elections").get_description() == "Query(Zelect@1)");
}

BOOST_AUTO_TEST_SUITE_END()
