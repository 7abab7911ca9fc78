// SPDX-License-Identifier: GPL-2.0-or-later
// End-to-end: the searcher's answers can be trusted. Excluded-only queries mean "everything
// except" in every output mode, in --batch and over shards; counts are exact where that is
// cheap and labelled where not; the exit status follows whether the query matched; every
// batch line is answered; messages name the real problem.
#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "../unit/temp_dir.hpp"
#include "process.hpp"

namespace fs = std::filesystem;
using folio::test::contains;
using folio::test::run_program;
using folio::test::RunResult;
using folio::test::TempDir;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        out.push_back(line);
    return out;
}

/// The bundled corpus (234 articles), as one database and as two shards, built once.
struct Corpus {
    TempDir dir;
    std::string db = dir / "db";
    std::string sharded = dir / "sharded";
    Corpus() {
        const std::string corpus = std::string(FOLIO_SOURCE_DIR) + "/corpus";
        for (const auto& args :
             {std::vector<std::string>{"--db", db, "-q", corpus},
              std::vector<std::string>{"--db", sharded, "--shards", "2", "-q", corpus}}) {
            RunResult r = run_program(FOLIO_INDEXER, args);
            if (r.status != 0)
                throw std::runtime_error("indexing the corpus failed: " + r.err);
        }
    }
    RunResult search(std::vector<std::string> args, const std::string& input = {}) const {
        args.insert(args.begin(), {"--db", db});
        return run_program(FOLIO_SEARCHER, args, input);
    }
    long count(const std::string& query, const std::string& database = {}) const {
        RunResult r = run_program(
            FOLIO_SEARCHER, {"--db", database.empty() ? db : database, "--count", "--", query});
        BOOST_TEST_REQUIRE(r.status <= 1, query << ": " << r.err);
        return std::stol(r.out);
    }
};

const Corpus& corpus() {
    static Corpus c;
    return c;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(answers)

// -word alone, -"phrase", -field:x and (-word) mean everything except, as NOT does: in every
// output mode, in --batch and over shards.
BOOST_AUTO_TEST_CASE(excluded_only_queries_match_everything_else) {
    const Corpus& c = corpus();
    const long all = 234, nato = c.count("nato");
    BOOST_TEST_REQUIRE(nato > 0);
    BOOST_TEST(c.count("-nato") == all - nato);
    BOOST_TEST(c.count("NOT nato") == all - nato);
    BOOST_TEST(c.count("-\"nato allies\"") == all - c.count("\"nato allies\""));
    BOOST_TEST(c.count("-title:nato") == all - c.count("title:nato"));
    BOOST_TEST(c.count("-source:dod-news") == all - 1);
    BOOST_TEST(c.count("nato (-russia)") == c.count("nato OR NOT russia"));
    BOOST_TEST(c.count("nato OR -russia") == c.count("nato OR NOT russia"));
    BOOST_TEST(c.count("-nato", c.sharded) == all - nato);
    BOOST_TEST(c.count("nato (-russia)", c.sharded) == c.count("nato (-russia)"));

    RunResult json = c.search({"--json", "--limit", "1000", "--", "-nato"});
    BOOST_TEST(json.status == 0);
    auto doc = nlohmann::json::parse(json.out);
    BOOST_TEST(doc["hits"].size() == static_cast<std::size_t>(all - nato));
    BOOST_TEST(doc["total"]["estimated"] == all - nato);
    BOOST_TEST(doc["total"]["exact"] == true);
    RunResult jsonl = c.search({"--jsonl", "--limit", "1000", "--", "-nato"});
    BOOST_TEST(lines_of(jsonl.out).size() == static_cast<std::size_t>(all - nato));
    RunResult files = c.search({"--files", "--limit", "1000", "--", "-nato"});
    BOOST_TEST(lines_of(files.out).size() == static_cast<std::size_t>(all - nato));
    BOOST_TEST(c.search({"-q", "--", "-nato"}).status == 0);
    RunResult batch = c.search({"--batch"}, "-nato\nNOT nato\n");
    auto answers = lines_of(batch.out);
    BOOST_TEST_REQUIRE(answers.size() == 2u);
    BOOST_TEST(nlohmann::json::parse(answers[0])["total"]["estimated"] == all - nato);
    BOOST_TEST(nlohmann::json::parse(answers[1])["total"]["estimated"] == all - nato);

    // An excluded word is never highlighted, even where a hit holds it outside the phrase.
    RunResult text = c.search(
        {"--color", "never", "--limit", "300", "--passages", "3", "--", "-\"nato allies\""});
    BOOST_TEST(!contains(text.out, "**NATO"), text.out.substr(0, 500));
    BOOST_TEST(!contains(text.out, "**nato"));
}

// A query that starts with '-' without '--' is refused with a message about the query.
BOOST_AUTO_TEST_CASE(dash_query_without_double_dash) {
    RunResult r = corpus().search({"-nato"});
    BOOST_TEST(r.status == 2);
    BOOST_TEST(contains(r.err, "folio-searcher: error: '-nato' is not an option"), r.err);
    BOOST_TEST(contains(r.err, "folio-searcher -- -nato"), r.err);
    // -m takes a number: -mars is a word, not -m ars.
    r = corpus().search({"-mars"});
    BOOST_TEST(r.status == 2);
    BOOST_TEST(contains(r.err, "folio-searcher: error: '-mars' is not an option"), r.err);
    BOOST_TEST(!contains(r.err, "--limit"), r.err);
    BOOST_TEST(corpus().search({"-m3", "--count", "nato"}).status == 0);
}

// Counts are exact where cheap, the same whatever --limit, and "about" only for estimates.
BOOST_AUTO_TEST_CASE(counts_are_exact_and_labelled) {
    const Corpus& c = corpus();
    const long exact = c.count("\"self government\"");
    BOOST_TEST_REQUIRE(exact > 20);
    for (const std::string limit : {"1", "3", "10", "50"}) {
        RunResult r = c.search({"--json", "--limit", limit, "\"self government\""});
        auto doc = nlohmann::json::parse(r.out);
        BOOST_TEST(doc["total"]["estimated"] == exact, limit);
        BOOST_TEST(doc["total"]["exact"] == true, limit);
        BOOST_TEST(doc["total"]["time_limited"] == false, limit);
    }
    RunResult text = c.search({"--color", "never", "\"self government\""});
    BOOST_TEST(contains(text.out, "1-10 of " + std::to_string(exact) + " matches\n"), text.out);
    BOOST_TEST(!contains(text.out, "about"));
    RunResult one = c.search({"--color", "never", "source:dod-news"});
    BOOST_TEST(contains(one.out, "\n1 match\n"), one.out);
    // --count is never cut short by the time limit.
    RunResult unlimited = c.search({"--count", "sta* OR pe* OR tr*"});
    for (int i = 0; i < 3; ++i) {
        RunResult limited = c.search({"--count", "--time-limit", "0.000001", "sta* OR pe* OR tr*"});
        BOOST_TEST(limited.out == unlimited.out);
        BOOST_TEST(limited.err.empty(), limited.err);
    }
}

// The exit status says whether the query matched, whatever the page shows.
BOOST_AUTO_TEST_CASE(exit_status_follows_the_match) {
    const Corpus& c = corpus();
    RunResult none = c.search({"--limit", "0", "--color", "never", "nato"});
    BOOST_TEST(none.status == 0);
    BOOST_TEST(contains(none.out, "32 matches"), none.out);
    BOOST_TEST(c.search({"--json", "--limit", "0", "nato"}).status == 0);
    BOOST_TEST(c.search({"--limit", "0", "--facet", "author", "nato"}).status == 0);
    RunResult past = c.search({"--offset", "500", "--color", "never", "nato"});
    BOOST_TEST(past.status == 0);
    BOOST_TEST(contains(past.out, "32 matches, none from 501 on"), past.out);
    BOOST_TEST(c.search({"--json", "--offset", "500", "nato"}).status == 0);
    BOOST_TEST(c.search({"-q", "nato"}).status == 0);
    BOOST_TEST(c.search({"--batch", "--limit", "0"}, "nato\n").status == 0);
    RunResult nothing = c.search({"--color", "never", "zyzzyvaq"});
    BOOST_TEST(nothing.status == 1);
    BOOST_TEST(contains(nothing.out, "no matches"));
    BOOST_TEST(c.search({"--json", "--limit", "0", "zyzzyvaq"}).status == 1);
}

// --json and --jsonl answer a malformed query with one JSON error object on standard output.
BOOST_AUTO_TEST_CASE(json_query_errors) {
    for (const std::string mode : {"--json", "--jsonl"}) {
        RunResult r = corpus().search({mode, "(nato OR"});
        BOOST_TEST(r.status == 2);
        auto doc = nlohmann::json::parse(r.out);
        BOOST_TEST(doc["query"] == "(nato OR");
        BOOST_TEST(doc["error"].is_string());
        BOOST_TEST(doc.contains("column"));
        BOOST_TEST(contains(r.err, "folio-searcher: error: "));
    }
}

// Xapian's own messages never reach the user; silent reinterpretations are refused.
BOOST_AUTO_TEST_CASE(syntax_errors_are_folios) {
    const Corpus& c = corpus();
    for (const std::string q :
         {"NOT NOT nato", "nato XOR NOT NOT russia", "nato NEAR/0 russia", "*soft",
          "war* NEAR peace*", "autor:lincoln", "mic?osoft", "\"nato* allies\""}) {
        RunResult r = c.search({"--", q});
        BOOST_TEST(r.status == 2, q);
        BOOST_TEST(contains(r.err, "folio-searcher: error: "), q << ": " << r.err);
        BOOST_TEST(!contains(r.err, "Syntax:"), q << ": " << r.err);
        BOOST_TEST(contains(r.err, "^"), q << ": " << r.err);
    }
    BOOST_TEST(c.count("Title:nato") == c.count("title:nato"));
    BOOST_TEST(c.count("nato OR NOT russia") > 0);
    RunResult hint = c.search({"autor:lincoln"});
    BOOST_TEST(contains(hint.err, "did you mean author:"), hint.err);
    // A long query is shown around the fault, not whole.
    std::string words;
    for (int i = 0; i < 1200; ++i)
        words += "word" + std::to_string(i) + " ";
    RunResult long_query = c.search({words});
    BOOST_TEST(long_query.status == 2);
    BOOST_TEST(contains(long_query.err, "query too long"));
    BOOST_TEST(long_query.err.size() < 400u, long_query.err.size());
}

// Messages name the real problem: a file that is no database, a missing one, a path for --like.
BOOST_AUTO_TEST_CASE(messages_name_the_problem) {
    const Corpus& c = corpus();
    const std::string readme = std::string(FOLIO_SOURCE_DIR) + "/README.md";
    RunResult file = run_program(FOLIO_SEARCHER, {"--db", readme, "nato"});
    BOOST_TEST(file.status == 2);
    BOOST_TEST(contains(file.err, "is not a Folio database"), file.err);
    RunResult missing =
        run_program(FOLIO_SEARCHER, {"--db", c.db, "--db", c.dir / "nonexist", "x"});
    BOOST_TEST(missing.status == 2);
    BOOST_TEST(contains(missing.err, "no database at " + std::string(c.dir / "nonexist")),
               missing.err);
    BOOST_TEST(!contains(missing.err, "shard 2 of 2"), missing.err);
    // --like with a path as typed, relative to the working directory, as the indexer reads it.
    const std::string relative =
        fs::relative(std::string(FOLIO_SOURCE_DIR) + "/corpus/sotu/1790_george_washington.md")
            .string();
    RunResult like = c.search({"--like", relative, "--limit", "1"});
    BOOST_TEST(like.status == 0, like.err);
}

// Date order puts undated articles last in both directions.
BOOST_AUTO_TEST_CASE(undated_last_in_date_order) {
    TempDir dir;
    const std::string src = dir / "src", db = dir / "db";
    fs::create_directories(src);
    std::ofstream(src + "/a.jsonl")
        << "{\"id\":\"undated\",\"title\":\"Undated\",\"body\":\"harbour\"}\n"
           "{\"id\":\"old\",\"title\":\"Old\",\"body\":\"harbour\",\"date\":\"1950-01-01\"}\n"
           "{\"id\":\"new\",\"title\":\"New\",\"body\":\"harbour\",\"date\":\"2020-01-01\"}\n";
    BOOST_TEST_REQUIRE(run_program(FOLIO_INDEXER, {"--db", db, "-q", src}).status == 0);
    auto order = [&](const std::string& sort) {
        RunResult r =
            run_program(FOLIO_SEARCHER, {"--db", db, "--jsonl", "--sort", sort, "harbour"});
        std::vector<std::string> ids;
        for (const auto& line : lines_of(r.out))
            ids.push_back(nlohmann::json::parse(line)["id"]);
        return ids;
    };
    BOOST_TEST(order("date") == (std::vector<std::string>{"old", "new", "undated"}));
    BOOST_TEST(order("-date") == (std::vector<std::string>{"new", "old", "undated"}));
}

BOOST_AUTO_TEST_SUITE_END()
