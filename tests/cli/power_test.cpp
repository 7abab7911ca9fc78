// SPDX-License-Identifier: GPL-2.0-or-later
// End-to-end tests of the searcher's power features on an index of the bundled corpus: facets,
// did you mean, synonyms, similar articles, explain, collapse, statistics and recency. Every
// count is checked against one made independently, with Xapian.
#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <xapian.h>

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>

#include "../unit/temp_dir.hpp"
#include "analysis/synonyms.hpp"
#include "process.hpp"
#include "schema/schema.hpp"

namespace fs = std::filesystem;
using folio::test::contains;
using folio::test::run_program;
using folio::test::RunResult;
using folio::test::TempDir;
using Json = nlohmann::json;

namespace {

constexpr const char* kDodArticle =
    "dod-news/nato-leaders-look-to-defense-deterrence-against-russia.txt";

/// An index of a copy of corpus/, built once, with a few synonyms stored.
struct CorpusIndex {
    TempDir dir;
    std::string db = dir / "db";
    CorpusIndex() {
        const fs::path copy = dir / "corpus";
        fs::copy(fs::path(FOLIO_SOURCE_DIR) / "corpus", copy, fs::copy_options::recursive);
        RunResult r = run_program(FOLIO_INDEXER, {"--db", db, copy.string()});
        if (r.status != 0)
            throw std::runtime_error("indexing the corpus failed: " + r.err);
        Xapian::WritableDatabase w(db);
        std::istringstream rules("emancipation => abolition\n");
        folio::store_synonyms(w, folio::parse_synonyms(rules, "rules"));
        w.commit();
    }
    RunResult search(std::vector<std::string> args) const {
        args.insert(args.begin(), {"--db", db, "--color", "never"});
        return run_program(FOLIO_SEARCHER, args);
    }
    Json json(std::vector<std::string> args) const {
        args.insert(args.begin(), "--json");
        RunResult r = search(args);
        if (r.status > 1)
            throw std::runtime_error("searcher failed: " + r.err);
        return Json::parse(r.out);
    }
    /// Articles holding all of `terms`, counted by Xapian alone.
    Xapian::doccount count(const std::vector<std::string>& terms) const {
        Xapian::Database d(db);
        Xapian::Enquire e(d);
        e.set_query(Xapian::Query(Xapian::Query::OP_AND, terms.begin(), terms.end()));
        return e.get_mset(0, 0, d.get_doccount()).get_matches_estimated();
    }
};

const CorpusIndex& corpus() {
    static CorpusIndex index;
    return index;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(power)

// Facet counts cover all matches and equal per-value counts made with Xapian.
BOOST_AUTO_TEST_CASE(facets) {
    Json j = corpus().json(
        {"--facet", "author:5,year:1000", "--facet", "source", "--limit", "1", "emancipation"});
    Xapian::doccount total = j["total"]["estimated"];
    BOOST_TEST(total == corpus().count({"Zemancip"}));
    BOOST_TEST(j["hits"].size() == 1u);
    const Json& authors = j["facets"]["author"]["values"];
    BOOST_TEST_REQUIRE(authors.size() == 5u);
    for (const auto& v : authors) {
        std::string name = v["value"];
        Xapian::doccount n = v["count"];
        BOOST_TEST(n == corpus().count({"Zemancip", folio::schema::boolean_term(
                                                        folio::schema::kPrefixAuthorExact, name)}),
                   name);
    }
    BOOST_TEST(authors[0]["count"] >= authors[4]["count"]);
    Xapian::doccount by_year = 0;
    for (const auto& v : j["facets"]["year"]["values"]) {
        std::string year = v["value"];
        BOOST_TEST(v["count"] == corpus().count({"Zemancip", "Y" + year}));
        by_year += v["count"].get<Xapian::doccount>();
    }
    BOOST_TEST(by_year == total);  // one year per article: the years partition the matches
    BOOST_TEST(j["facets"]["source"]["values"][0]["value"] == "sotu");
    // Human output: a facet line after the hits; drilling down with author:"..." narrows.
    RunResult text = corpus().search({"--facet", "author:3", "--passages", "0", "emancipation"});
    std::string first = authors[0]["value"];
    BOOST_TEST(contains(text.out, "\nauthor: " + first + " ("), text.out);
    std::string lower = Xapian::Unicode::tolower(first);
    Json drilled =
        corpus().json({"--facet", "author", "-f", "author:\"" + lower + "\"", "emancipation"});
    BOOST_TEST(drilled["total"]["estimated"] == authors[0]["count"]);
    BOOST_TEST(corpus().search({"--facet", "colour", "x"}).status == 2);
}

// A misspelled word gets the index's suggestion; --correct runs it; known words never do.
BOOST_AUTO_TEST_CASE(did_you_mean) {
    RunResult r = corpus().search({"--passages", "0", "nato defnce ministers"});
    BOOST_TEST(r.out.starts_with("Did you mean: nato defense ministers?\n"), r.out);
    Json j = corpus().json({"\"nato defnce\""});
    BOOST_TEST(j["suggestion"] == "\"nato defense\"");
    BOOST_TEST(j["hits"].empty());
    Json fixed = corpus().json({"--correct", "\"nato defnce\""});
    BOOST_TEST(fixed["corrected"] == true);
    BOOST_TEST(!fixed["hits"].empty());
    BOOST_TEST(fixed["total"]["estimated"] ==
               corpus().json({"\"nato defense\""})["total"]["estimated"]);
    // A word in the index is never "corrected", even when it matches a single article.
    Json known = corpus().json({"tordenskiold"});
    BOOST_TEST(known["total"]["estimated"] == 1);
    BOOST_TEST(known["suggestion"].is_null());
    BOOST_TEST(!contains(corpus().search({"nato ministers"}).out, "Did you mean"));
}

// ~word expands by the stored synonyms; --expand-synonyms does it for every word.
BOOST_AUTO_TEST_CASE(synonyms) {
    auto count = [](std::vector<std::string> args) {
        args.insert(args.begin(), "--count");
        RunResult r = corpus().search(args);
        return std::stoul(r.out);
    };
    unsigned long emancipation = count({"emancipation"});
    unsigned long either = count({"emancipation OR abolition"});
    BOOST_TEST(emancipation == corpus().count({"Zemancip"}));
    BOOST_TEST(either > emancipation);
    BOOST_TEST(count({"~emancipation"}) == either);
    BOOST_TEST(count({"--expand-synonyms", "emancipation"}) == either);
    BOOST_TEST(count({"~abolition"}) == count({"abolition"}));  // a one-way rule
}

// --like finds articles through the given one's distinctive words, never itself.
BOOST_AUTO_TEST_CASE(similar_articles) {
    Json j = corpus().json({"--like", "sotu-1862", "--limit", "5"});
    BOOST_TEST_REQUIRE(j["hits"].size() == 5u);
    std::vector<std::string> terms = j["like_terms"];
    BOOST_TEST(terms.size() == 20u);
    BOOST_TEST(std::count(terms.begin(), terms.end(), "emancip") == 1);
    for (const auto& h : j["hits"])
        BOOST_TEST(h["id"] != "sotu-1862");
    RunResult text = corpus().search({"--like", "sotu-1862", "--limit", "1"});
    BOOST_TEST(text.out.starts_with("Similar by: emancip "), text.out);
    const std::string file = (fs::path(corpus().dir / "corpus") / kDodArticle).string();
    Json f = corpus().json({"--like-file", file, "--limit", "3"});
    BOOST_TEST(f["hits"].size() == 3u);
    std::vector<std::string> file_terms = f["like_terms"];
    BOOST_TEST(std::count(file_terms.begin(), file_terms.end(), "nato") == 1);
    for (const auto& h : f["hits"])
        BOOST_TEST(h["source"] == "sotu");  // the file itself (indexed) is left out
    BOOST_TEST(corpus().search({"--like", "no-such-id"}).status == 2);
}

// --explain: the parsed query, and per hit parts that add up to its score.
BOOST_AUTO_TEST_CASE(explain) {
    Json j = corpus().json({"--explain", "--limit", "3", "\"nato allies\" OR emancipation"});
    BOOST_TEST_REQUIRE(j["hits"].size() == 3u);
    for (const auto& h : j["hits"]) {
        double sum = 0;
        BOOST_TEST_REQUIRE(!h["explain"].empty());
        for (const auto& part : h["explain"])
            sum += part["weight"].get<double>();
        BOOST_TEST(std::abs(sum - h["score"].get<double>()) < 1e-4);
    }
    RunResult text = corpus().search({"--explain", "--limit", "1", "--passages", "0", "nato"});
    BOOST_TEST(text.out.starts_with("Query: Query("), text.out);
    BOOST_TEST(contains(text.out, "\n   score "), text.out);
    BOOST_TEST(contains(text.out, "nato (stem)"), text.out);
    BOOST_TEST(!corpus().json({"nato"})["hits"][0].contains("explain"));
    BOOST_TEST(contains(text.out, "\nFeedback: not considered: 1 word, feedback needs 3\n"),
               text.out);
}

// --explain says whether feedback was applied and why, with the predictor's value and the
// threshold; the words feedback added are marked in each hit's parts.
BOOST_AUTO_TEST_CASE(explain_feedback) {
    const char* query = "nato allies defense ministers";
    Json j = corpus().json({"--explain", "--limit", "3", query});
    const Json& fb = j["feedback"];
    BOOST_TEST(fb["considered"] == true);
    BOOST_TEST(fb["applied"] == true);  // articles of hundreds of words: evidence enough
    BOOST_TEST(fb["predictor"] == "distinct words per feedback document");
    BOOST_TEST(fb["value"].get<double>() >= fb["threshold"].get<double>());
    BOOST_TEST(fb["threshold"].get<double>() == 12.0);
    BOOST_TEST(fb["reason"].get<std::string>().starts_with("applied: the top "));
    bool marked = false;
    for (const auto& h : j["hits"]) {
        for (const auto& part : h["explain"])
            marked = marked || part.value("feedback", false);
    }
    BOOST_TEST(marked);
    // Above the predictor's value: not applied, and the query is left as it was.
    const std::string high = std::to_string(fb["value"].get<double>() + 1);
    Json off = corpus().json({"--explain", "--limit", "3", "--feedback-threshold", high, query});
    BOOST_TEST(off["feedback"]["applied"] == false);
    BOOST_TEST(off["feedback"]["reason"].get<std::string>().starts_with("not applied: "));
    BOOST_TEST(!contains(off["parsed"].get<std::string>(), "AND_MAYBE"));
    RunResult text = corpus().search({"--explain", "--limit", "1", "--passages", "0", query});
    BOOST_TEST(contains(text.out, "\nFeedback: applied: the top "), text.out);
    BOOST_TEST(contains(text.out, " (feedback) "), text.out);
    BOOST_TEST(corpus().search({"--feedback-threshold", "-1", query}).status == 2);
}

// --collapse keeps one hit per value, with the exact number of matches it stands for.
BOOST_AUTO_TEST_CASE(collapse) {
    Json j = corpus().json({"--collapse", "source", "nato"});
    BOOST_TEST_REQUIRE(j["hits"].size() == 2u);
    BOOST_TEST(j["collapse"] == "source");
    for (const auto& h : j["hits"]) {
        std::string source = h["collapse"]["key"];
        BOOST_TEST(h["source"] == source);
        BOOST_TEST(h["collapse"]["count"] ==
                   corpus().count({"Znato", folio::schema::boolean_term(
                                                folio::schema::kPrefixSource, source)}));
    }
    Json years = corpus().json({"--collapse", "author", "--limit", "100", "slavery"});
    std::set<std::string> seen;
    for (const auto& h : years["hits"])
        BOOST_TEST(seen.insert(h["collapse"]["key"].get<std::string>()).second);
}

// --stats: each figure against the database itself, and the files on disk.
BOOST_AUTO_TEST_CASE(stats) {
    RunResult r = corpus().search({"--stats", "--json"});
    BOOST_TEST(r.status == 0, r.err);
    Json j = Json::parse(r.out);
    Xapian::Database d(corpus().db);
    BOOST_TEST(j["articles"] == 234);
    BOOST_TEST(j["articles"] == d.get_doccount());
    BOOST_TEST(j["dates"]["first"] == "1790-01-01");
    BOOST_TEST(j["dates"]["last"] == "2022-02-17");  // the DoD article's own date
    BOOST_TEST(j["languages"]["english"] == 234);
    BOOST_TEST(j["sources"]["sotu"] == 233);
    BOOST_TEST(j["synonyms"] == 1);
    std::uint64_t bytes = 0;
    for (const auto& e : fs::recursive_directory_iterator(corpus().db))
        if (e.is_regular_file())
            bytes += e.file_size();
    BOOST_TEST(j["size_bytes"] == bytes);
    BOOST_TEST(!j["updated"].is_null());
    RunResult text = corpus().search({"--stats"});
    BOOST_TEST(contains(text.out, "articles        234\n"), text.out);
}

// --boost-recent blends recency in: same matches, newer articles up, scores only raised.
BOOST_AUTO_TEST_CASE(boost_recent) {
    Json plain = corpus().json({"--limit", "300", "nato"});
    Json boosted = corpus().json(
        {"--limit", "300", "--boost-recent", "10y", "--reference-date", "20251231", "nato"});
    BOOST_TEST(boosted["total"] == plain["total"]);
    BOOST_TEST(boosted["hits"][0]["date"] == "2022-02-17");
    std::map<std::string, double> before;
    for (const auto& h : plain["hits"])
        before[h["id"]] = h["score"];
    for (const auto& h : boosted["hits"])
        BOOST_TEST(h["score"].get<double>() > before[h["id"]]);
    BOOST_TEST(corpus().search({"--boost-recent", "soon", "nato"}).status == 2);
}

BOOST_AUTO_TEST_SUITE_END()
