// SPDX-License-Identifier: GPL-2.0-or-later
// End-to-end tests: the real indexer and searcher binaries on real files, checking their
// output and exit codes.
#define BOOST_TEST_MODULE cli
#include <boost/test/unit_test.hpp>

#include <xapian.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "../unit/temp_dir.hpp"
#include "process.hpp"

namespace fs = std::filesystem;
using folio::test::contains;
using folio::test::lines;
using folio::test::run_program;
using folio::test::RunResult;
using folio::test::TempDir;

namespace {

const std::string kGood = std::string(FOLIO_TEST_DATA) + "/e2e/good";

RunResult run_indexer(const std::vector<std::string>& args, const std::string& input = {},
                      const std::map<std::string, std::string>& env = {}) {
    return run_program(FOLIO_INDEXER, args, input, env);
}

RunResult run_searcher(const std::vector<std::string>& args, const std::string& input = {},
                       const std::map<std::string, std::string>& env = {}) {
    return run_program(FOLIO_SEARCHER, args, input, env);
}

void write_file(const std::string& path, const std::string& content) {
    std::ofstream(path, std::ios::binary) << content;
}

Xapian::doccount doc_count(const std::string& db) {
    return Xapian::Database(db).get_doccount();
}

/// An index of tests/data/e2e/good, built once for the searcher tests.
struct GoodIndex {
    TempDir dir;
    std::string db = dir / "db";
    GoodIndex() {
        RunResult r = run_indexer({"--db", db, kGood});
        if (r.status != 0)
            throw std::runtime_error("indexing the test data failed: " + r.err);
    }
    RunResult search(std::vector<std::string> args, const std::string& input = {},
                     const std::map<std::string, std::string>& env = {}) const {
        args.insert(args.begin(), {"--db", db});
        return run_searcher(args, input, env);
    }
};

const GoodIndex& good_index() {
    static GoodIndex index;
    return index;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(indexer)

// Every format in the test data is indexed: 3 single-article files and 3 JSONL records.
BOOST_AUTO_TEST_CASE(indexes_every_format) {
    TempDir dir;
    RunResult r = run_indexer({"--db", dir / "db", kGood});
    BOOST_TEST(r.status == 0, r.err);
    // The one message: news/nato.txt's relative date line, resolved with a warning.
    BOOST_TEST(lines(r.err).size() == 1u, r.err);
    BOOST_TEST(contains(r.err, "folio-indexer: warning: " + kGood +
                                   "/news/nato.txt:3: relative date '1 year ago' resolved "
                                   "against the file's modification time ("),
               r.err);
    BOOST_TEST(
        contains(
            r.out,
            "indexed 4 files: 6 added, 0 replaced, 0 deleted, 0 unchanged, 0 skipped, 0 failed"),
        r.out);
    BOOST_TEST(doc_count(dir / "db") == 6u);
}

// Indexing the same files twice reads nothing the second time and never duplicates.
BOOST_AUTO_TEST_CASE(reindexing_is_a_no_op) {
    TempDir dir;
    BOOST_TEST(run_indexer({"--db", dir / "db", kGood}).status == 0);
    RunResult r = run_indexer({"--db", dir / "db", kGood});
    BOOST_TEST(r.status == 0);
    BOOST_TEST(contains(r.out, "indexed 0 files: 0 added, 0 replaced, 0 deleted, 4 unchanged"),
               r.out);
    BOOST_TEST(doc_count(dir / "db") == 6u);
}

// --json prints the summary as one JSON object.
BOOST_AUTO_TEST_CASE(json_summary) {
    TempDir dir;
    RunResult r = run_indexer({"--db", dir / "db", "--json", kGood});
    BOOST_TEST(r.status == 0);
    auto j = nlohmann::json::parse(r.out);
    BOOST_TEST(j["added"] == 6);
    BOOST_TEST(j["failed"] == 0);
    BOOST_TEST(j["language"] == "english");
}

// A bad JSONL line is reported as path:line, the rest is indexed, exit status 1.
BOOST_AUTO_TEST_CASE(bad_jsonl_lines_reported_and_skipped) {
    TempDir dir;
    std::string file = dir / "mixed.jsonl";
    write_file(file,
               "{\"id\":\"a\",\"title\":\"First\",\"body\":\"alpha text\"}\n"
               "{\"id\":\"b\",\"title\":\"Broken\",\"body\":\"beta\"\n"
               "{\"id\":\"c\",\"title\":42,\"body\":\"gamma\"}\n"
               "{\"id\":\"d\",\"title\":\"Fourth\",\"body\":\"delta text\"}\n");
    RunResult r = run_indexer({"--db", dir / "db", file});
    BOOST_TEST(r.status == 1);
    BOOST_TEST(contains(r.err, "folio-indexer: error: " + file + ":2: "), r.err);
    BOOST_TEST(contains(r.err, file + ":3: "), r.err);
    BOOST_TEST(contains(r.err, "title"), r.err);
    BOOST_TEST(contains(r.out, "2 added"), r.out);
    BOOST_TEST(contains(r.out, "2 failed"), r.out);
    BOOST_TEST(doc_count(dir / "db") == 2u);
}

// A binary file is skipped with a warning; the others go in; that is not a failure.
BOOST_AUTO_TEST_CASE(binary_file_skipped_with_warning) {
    TempDir dir;
    fs::create_directory(dir / "in");
    write_file(dir / "in/binary.txt", std::string("Title\n\nbody\0with nul", 20));
    write_file(dir / "in/fine.txt", "Fine title\n\nFine body.\n");
    RunResult r = run_indexer({"--db", dir / "db", dir / "in"});
    BOOST_TEST(r.status == 0, r.err);
    BOOST_TEST(contains(r.err, "folio-indexer: warning: "), r.err);
    BOOST_TEST(contains(r.err, "binary.txt"), r.err);
    BOOST_TEST(contains(r.out, "1 added, 0 replaced, 0 deleted, 0 unchanged, 1 skipped, 0 failed"),
               r.out);
}

// Text that is not UTF-8 is decoded as Windows-1252 with a warning, and is searchable.
BOOST_AUTO_TEST_CASE(latin1_decoded_with_warning) {
    TempDir dir;
    write_file(dir / "latin.txt",
               "Caf\xe9 news\n\nThe caf\xe9 serves cr\xe8me br\xfbl\xe9"
               "e.\n");
    RunResult r = run_indexer({"--db", dir / "db", dir / "latin.txt"});
    BOOST_TEST(r.status == 0, r.err);
    BOOST_TEST(contains(r.err, "Windows-1252"), r.err);
    RunResult s = run_searcher({"--db", dir / "db", "--files", "crème"});
    BOOST_TEST(s.status == 0, s.err);
}

// Files over --max-file-size are errors; missing paths are errors; the rest goes in.
BOOST_AUTO_TEST_CASE(oversized_and_missing_files_fail) {
    TempDir dir;
    write_file(dir / "big.txt", "Big\n\n" + std::string(5000, 'x') + "\n");
    write_file(dir / "small.txt", "Small\n\nsmall body\n");
    RunResult r = run_indexer({"--db", dir / "db", "--max-file-size", "1k", dir / "big.txt",
                               dir / "small.txt", dir / "missing.txt"});
    BOOST_TEST(r.status == 1);
    BOOST_TEST(contains(r.err, "big.txt"), r.err);
    BOOST_TEST(contains(r.err, "--max-file-size"), r.err);
    BOOST_TEST(contains(r.err, "missing.txt: No such file or directory"), r.err);
    BOOST_TEST(doc_count(dir / "db") == 1u);
}

// A JSON Lines file larger than --max-file-size is read: each of its lines is held to the limit,
// and only the longer one fails, with its line number.
BOOST_AUTO_TEST_CASE(max_file_size_holds_json_lines_line_by_line) {
    TempDir dir;
    std::string records;
    for (int i = 0; i < 40; ++i) {
        records += "{\"id\":\"r" + std::to_string(i) + "\",\"title\":\"Record\",\"body\":\"" +
                   std::string(40, 'x') + " recordword\"}\n";
        if (i == 20)
            records += "{\"title\":\"Long\",\"body\":\"" + std::string(2000, 'y') + "\"}\n";
    }
    write_file(dir / "many.jsonl", records);
    RunResult r = run_indexer({"--db", dir / "db", "--max-file-size", "1k", dir / "many.jsonl"});
    BOOST_TEST(r.status == 1);
    BOOST_TEST(contains(r.err,
                        "many.jsonl:22: line is longer than the --max-file-size limit "
                        "(1024 bytes)"),
               r.err);
    BOOST_TEST(doc_count(dir / "db") == 40u);
}

// JSON Lines from standard input ("-").
BOOST_AUTO_TEST_CASE(reads_standard_input) {
    TempDir dir;
    RunResult r = run_indexer({"--db", dir / "db", "-"},
                              "{\"id\":\"s1\",\"title\":\"From stdin\",\"body\":\"piped text\"}\n");
    BOOST_TEST(r.status == 0, r.err);
    BOOST_TEST(doc_count(dir / "db") == 1u);
}

// Bad arguments exit 2 with an error on stderr and nothing on stdout.
BOOST_AUTO_TEST_CASE(bad_arguments_exit_2) {
    TempDir dir;
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"--db", dir / "db"},
             {"--db", dir / "db", "--language", "klingon", kGood},
             {"--db", dir / "db", "--no-such-flag", kGood},
             {"--db", dir / "db", "--max-file-size", "lots", kGood}}) {
        RunResult r = run_indexer(args);
        BOOST_TEST(r.status == 2);
        BOOST_TEST(contains(r.err, "folio-indexer: error: "), r.err);
        BOOST_TEST(r.out.empty(), r.out);
    }
}

// A database locked by another writer: a clear message and exit 2.
BOOST_AUTO_TEST_CASE(locked_database_exit_2) {
    TempDir dir;
    Xapian::WritableDatabase holder(dir / "db", Xapian::DB_CREATE_OR_OPEN);
    RunResult r = run_indexer({"--db", dir / "db", kGood});
    BOOST_TEST(r.status == 2);
    BOOST_TEST(contains(r.err, "locked"), r.err);
}

// A database path that cannot be a database: exit 2.
BOOST_AUTO_TEST_CASE(unusable_database_exit_2) {
    TempDir dir;
    write_file(dir / "file", "not a database");
    RunResult r = run_indexer({"--db", dir / "file", kGood});
    BOOST_TEST(r.status == 2);
    BOOST_TEST(contains(r.err, "folio-indexer: error: "), r.err);
}

// A database keeps its language; asking for another one is refused.
BOOST_AUTO_TEST_CASE(language_is_kept) {
    TempDir dir;
    BOOST_TEST(
        run_indexer({"--db", dir / "db", "--language", "fr", kGood + "/news/nato.txt"}).status ==
        0);
    RunResult r = run_indexer({"--db", dir / "db", "--language", "de", kGood + "/news/nato.txt"});
    BOOST_TEST(r.status == 2);
    BOOST_TEST(contains(r.err, "french"), r.err);
}

// FOLIO_DB names the database when --db is absent.
BOOST_AUTO_TEST_CASE(folio_db_environment) {
    TempDir dir;
    RunResult r = run_indexer({kGood + "/news/nato.txt"}, {}, {{"FOLIO_DB", dir / "envdb"}});
    BOOST_TEST(r.status == 0, r.err);
    BOOST_TEST(doc_count(dir / "envdb") == 1u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(searcher)

// A phrase search finds the article, prints its title, path and highlighted passage.
BOOST_AUTO_TEST_CASE(phrase_search_human_output) {
    RunResult r = good_index().search({"--color", "never", "\"harbour pilots\""});
    BOOST_TEST(r.status == 0, r.err);
    auto out = lines(r.out);
    BOOST_TEST_REQUIRE(out.size() >= 3u);
    BOOST_TEST(out[0] == "1. **Harbour Pilots** Strike Over Pay");
    BOOST_TEST(contains(out[1], "2021-03-04 · Ada Lovelace · news · "), out[1]);
    BOOST_TEST(contains(r.out, "**Harbour pilots** walked out"), r.out);
    BOOST_TEST(contains(r.out, "as **harbour pilots** refused"), r.out);
    BOOST_TEST(contains(r.out, "1-2 of 2 matches"), r.out);
}

// A phrase matches any form of its words, a wildcard any word it starts; both are highlighted.
BOOST_AUTO_TEST_CASE(phrase_forms_and_wildcards_highlighted) {
    RunResult r = good_index().search({"--color", "never", "\"harbour pilot\""});
    BOOST_TEST(r.status == 0, r.err);
    BOOST_TEST(contains(r.out, "**Harbour pilots** walked out"), r.out);
    RunResult w = good_index().search({"--color", "never", "--highlight", "[", "]", "harb*"});
    BOOST_TEST(w.status == 0, w.err);
    BOOST_TEST(contains(w.out, "[Harbour] Pilots Strike"), w.out);
}

// Script and style contents are never indexed.
BOOST_AUTO_TEST_CASE(html_script_not_indexed) {
    RunResult r = good_index().search({"pilotsecret"});
    BOOST_TEST(r.status == 1);
}

// Plain words are stemmed ("troop" finds "troops"); no hits exits 1.
BOOST_AUTO_TEST_CASE(stemming_and_no_hits) {
    BOOST_TEST(good_index().search({"-q", "troop"}).status == 0);
    RunResult none = good_index().search({"zyzzyva"});
    BOOST_TEST(none.status == 1);
    BOOST_TEST(contains(none.out, "no matches"));
}

// A malformed query: exit 2, the fault shown with a caret on stderr, nothing on stdout.
BOOST_AUTO_TEST_CASE(malformed_query_exit_2) {
    RunResult r = good_index().search({"(nato OR russia"});
    BOOST_TEST(r.status == 2);
    BOOST_TEST(r.out.empty());
    BOOST_TEST(contains(r.err, "folio-searcher: error: unbalanced '('"), r.err);
    BOOST_TEST(contains(r.err, "\n  (nato OR russia\n  ^\n"), r.err);
    RunResult q = good_index().search({"nato AND"});
    BOOST_TEST(q.status == 2);
    BOOST_TEST(contains(q.err, "\n       ^\n"), q.err);
}

// The searcher builds its option groups (ranking, power features, shards) only when an
// argument could name one: group options, spelled either way, still parse; unknown options,
// words starting with '-', and options the groups' --stats excludes are still refused; --help
// lists every group.
BOOST_AUTO_TEST_CASE(option_groups_parse_as_before) {
    BOOST_TEST(good_index().search({"--k1=2", "--expand", "0", "-m", "1", "troop"}).status == 0);
    RunResult facets = good_index().search({"--json", "--limit=1", "--facet", "tag", "troop"});
    BOOST_TEST(facets.status == 0, facets.err);
    BOOST_TEST(nlohmann::json::parse(facets.out).contains("facets"), facets.out);
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"--no-such-flag", "troop"}, {"troop", "-zulu"}, {"--stats", "--count"}}) {
        RunResult r = good_index().search(args);
        BOOST_TEST(r.status == 2, args.front());
        BOOST_TEST(contains(r.err, "folio-searcher: error: "), r.err);
    }
    BOOST_TEST(contains(good_index().search({"troop", "-zulu"}).err, "-zulu"));
    RunResult help = run_searcher({"--help"});
    BOOST_TEST(help.status == 0);
    for (const char* option : {"--limit", "--k1", "--facet", "--stats", "--remote-timeout"})
        BOOST_TEST(contains(help.out, option), option);
}

// --json: valid, versioned, with hits, passages and byte ranges that select the words.
BOOST_AUTO_TEST_CASE(json_output) {
    RunResult r = good_index().search({"--json", "pilots"});
    BOOST_TEST(r.status == 0, r.err);
    auto j = nlohmann::json::parse(r.out);
    BOOST_TEST(j["version"] == 2);
    BOOST_TEST(j["query"] == "pilots");
    BOOST_TEST(j["total"]["estimated"] == 2);
    BOOST_TEST_REQUIRE(j["hits"].size() == 2u);
    const auto& hit = j["hits"][0];
    BOOST_TEST(hit["rank"] == 1);
    BOOST_TEST(hit["title"] == "Harbour Pilots Strike Over Pay");
    BOOST_TEST(hit["authors"][0] == "Ada Lovelace");
    BOOST_TEST(hit["tags"].size() == 2u);
    const auto& passage = hit["passages"][0];
    std::string text = passage["text"];
    BOOST_TEST_REQUIRE(!passage["highlights"].empty());
    for (const auto& range : passage["highlights"]) {
        std::size_t b = range[0], e = range[1];
        std::string word = text.substr(b, e - b);
        BOOST_TEST((word == "pilots" || word == "Pilots"), word);
    }
}

// NEAR/n and ADJ/n highlight their words where the hit matched them, within the distance.
BOOST_AUTO_TEST_CASE(json_output_highlights_near_words) {
    for (const std::string query : {"shipments NEAR/3 port", "shipments ADJ/3 port"}) {
        RunResult r = good_index().search({"--json", query});
        BOOST_TEST_REQUIRE(r.status == 0, r.err);
        const auto j = nlohmann::json::parse(r.out);
        BOOST_TEST_REQUIRE(j["hits"].size() == 1u);
        std::vector<std::string> words;
        for (const auto& match : j["hits"][0]["passages"][0]["matches"])
            words.push_back(match["text"]);
        BOOST_TEST(words == (std::vector<std::string>{"shipments", "port"}),
                   query << ": " << r.out);
    }
}

// A hit's language is the one it is indexed in: an article that names none (a .txt file) is
// in its database's language, as --stats says, not "".
BOOST_AUTO_TEST_CASE(hit_language_is_its_database_s) {
    RunResult r = good_index().search({"--json", "--limit", "50", "nato OR pilots OR whale"});
    BOOST_TEST_REQUIRE(r.status == 0, r.err);
    const auto j = nlohmann::json::parse(r.out);
    std::size_t plain = 0;
    for (const auto& hit : j["hits"]) {
        BOOST_TEST(hit["language"] == "english", hit["path"]);
        if (hit["path"].is_string() && hit["path"].get<std::string>().ends_with("nato.txt"))
            ++plain;
    }
    BOOST_TEST(plain == 1u);
}

// --show prints a stored article whole, as notmuch show prints a message: by its id, by the
// path of its file, by PATH#ID for a JSON Lines record (as --files prints it); as JSON too;
// an id that names nothing is exit 1 with a message.
BOOST_AUTO_TEST_CASE(show_an_article) {
    RunResult files = good_index().search({"--files", "pilots"});
    BOOST_TEST_REQUIRE(files.status == 0, files.err);
    for (const std::string& location : lines(files.out)) {
        RunResult r = good_index().search({"--show", location});
        BOOST_TEST(r.status == 0, location << ": " << r.err);
        BOOST_TEST(r.out.find("title: ") != std::string::npos, r.out);
        BOOST_TEST(r.out.find("\n\n") != std::string::npos, r.out);  // header, then the text
        BOOST_TEST(r.out.find("pilots") != std::string::npos, r.out);
        RunResult j = good_index().search({"--show", location, "--json"});
        BOOST_TEST(j.status == 0, j.err);
        const auto doc = nlohmann::json::parse(j.out);
        BOOST_TEST(doc["version"] == 2);
        BOOST_TEST_REQUIRE(doc["articles"].size() == 1u);
        BOOST_TEST(doc["articles"][0]["body"].get<std::string>().find("pilots") !=
                   std::string::npos);
    }
    RunResult missing = good_index().search({"--show", "no-such-id"});
    BOOST_TEST(missing.status == 1);
    BOOST_TEST(missing.out.empty());
    BOOST_TEST(missing.err.find("folio-searcher: error: no article with id no-such-id") == 0u,
               missing.err);
}

// The same query gives byte-identical JSON every time.
BOOST_AUTO_TEST_CASE(json_is_deterministic) {
    RunResult a = good_index().search({"--json", "port OR cocoa OR whale"});
    RunResult b = good_index().search({"--json", "port OR cocoa OR whale"});
    BOOST_TEST(a.status == 0);
    BOOST_TEST(a.out == b.out);
}

// --jsonl: one hit a line; --files: one path a line; --count: one number.
BOOST_AUTO_TEST_CASE(script_outputs) {
    RunResult jl = good_index().search({"--jsonl", "port"});
    BOOST_TEST(jl.status == 0);
    for (const auto& line : lines(jl.out))
        BOOST_TEST(nlohmann::json::parse(line).contains("id"));
    RunResult files = good_index().search({"--files", "pilots"});
    auto paths = lines(files.out);
    BOOST_TEST_REQUIRE(paths.size() == 2u);
    BOOST_TEST(paths[0].ends_with("news/harbour.html"), paths[0]);
    // An article of a JSON Lines file: PATH#ID, as the file holds many.
    BOOST_TEST(paths[1].ends_with("news/wire.jsonl#wire-2"), paths[1]);
    RunResult count = good_index().search({"--count", "the"});
    BOOST_TEST(count.status == 0);
    RunResult count2 = good_index().search({"--count", "pilots"});
    BOOST_TEST(count2.out == "2\n");
    RunResult quiet = good_index().search({"-q", "pilots"});
    BOOST_TEST(quiet.status == 0);
    BOOST_TEST(quiet.out.empty());
}

// --batch answers each line with exactly one JSON line, errors and blank lines included,
// opening the database once.
BOOST_AUTO_TEST_CASE(batch_mode) {
    RunResult r = good_index().search({"--batch"}, "pilots\n\n\"cocoa zone\"\n(broken\nzyzzyva\n");
    BOOST_TEST(r.status == 2);  // one query was malformed
    auto out = lines(r.out);
    BOOST_TEST_REQUIRE(out.size() == 5u);
    BOOST_TEST(nlohmann::json::parse(out[0])["hits"].size() == 2u);
    BOOST_TEST(nlohmann::json::parse(out[1])["error"] == "empty query");
    BOOST_TEST(nlohmann::json::parse(out[2])["hits"][0]["id"] == "wire-1");
    auto bad = nlohmann::json::parse(out[3]);
    BOOST_TEST(bad["query"] == "(broken");
    BOOST_TEST(bad["column"] == 0);
    BOOST_TEST(nlohmann::json::parse(out[4])["hits"].empty());
    RunResult ok = good_index().search({"--batch"}, "pilots\n");
    BOOST_TEST(ok.status == 0);
}

// Fields, filters, date ranges and date sorting restrict and order as documented.
BOOST_AUTO_TEST_CASE(fields_filters_dates) {
    auto ids = [](const RunResult& r) {
        std::vector<std::string> out;
        for (const auto& line : lines(r.out))
            out.push_back(nlohmann::json::parse(line)["id"]);
        return out;
    };
    BOOST_TEST(ids(good_index().search({"--jsonl", "title:grain"})) ==
               std::vector<std::string>{"wire-2"});
    BOOST_TEST(ids(good_index().search({"--jsonl", "port tag:Shipping"})).size() == 2u);
    BOOST_TEST(ids(good_index().search({"--jsonl", "--filter", "source:wire", "port"})) ==
               std::vector<std::string>{"wire-2"});
    BOOST_TEST(ids(good_index().search({"--jsonl", "author:melville"})).size() == 1u);
    BOOST_TEST(ids(good_index().search({"--jsonl", "date:1987-01-01..1987-12-31"})).size() == 2u);
    BOOST_TEST(ids(good_index().search({"--jsonl", "year:..1900"})).size() == 1u);
    auto sorted = ids(good_index().search({"--jsonl", "--sort", "-date", "year:1800..2021"}));
    BOOST_TEST_REQUIRE(sorted.size() == 5u);
    BOOST_TEST(sorted[0].ends_with("news/harbour.html"), sorted[0]);
    BOOST_TEST(sorted[1] == "wire-3");
    BOOST_TEST(sorted[4].ends_with("books/loomings.md"), sorted[4]);
    BOOST_TEST(ids(good_index().search({"--jsonl", "port -grain"})).size() == 1u);
    BOOST_TEST(ids(good_index().search({"--jsonl", "shipments NEAR/3 port"})).size() == 1u);
    BOOST_TEST(ids(good_index().search({"--jsonl", "ship*"})).size() == 3u);
}

// Paging: --offset skips, ranks continue.
BOOST_AUTO_TEST_CASE(paging) {
    RunResult all = good_index().search({"--jsonl", "the"});
    RunResult page = good_index().search({"--jsonl", "--offset", "1", "--limit", "1", "the"});
    auto first = lines(all.out), second = lines(page.out);
    BOOST_TEST_REQUIRE(first.size() >= 2u);
    BOOST_TEST_REQUIRE(second.size() == 1u);
    BOOST_TEST(nlohmann::json::parse(second[0])["rank"] == 2);
    BOOST_TEST(nlohmann::json::parse(second[0])["id"] == nlohmann::json::parse(first[1])["id"]);
}

// Colour: always gives ANSI escapes, never and NO_COLOR (on auto) give none; markers settable.
BOOST_AUTO_TEST_CASE(colour_and_markers) {
    BOOST_TEST(contains(good_index().search({"--color", "always", "pilots"}).out, "\033[1;31m"));
    BOOST_TEST(!contains(good_index().search({"--color", "never", "pilots"}).out, "\033["));
    BOOST_TEST(!contains(good_index().search({"pilots"}, {}, {{"NO_COLOR", "1"}}).out, "\033["));
    RunResult m = good_index().search({"--highlight", "[", "]", "cocoa"});
    BOOST_TEST(contains(m.out, "[cocoa]"), m.out);
}

// Multi-byte text is highlighted on character boundaries.
BOOST_AUTO_TEST_CASE(unicode_highlight) {
    RunResult r = good_index().search({"--color", "never", "zürich"});
    BOOST_TEST(r.status == 0, r.err);
    BOOST_TEST(contains(r.out, "**Zürich**"), r.out);
}

// A missing database: exit 2 with a message naming it.
BOOST_AUTO_TEST_CASE(missing_database_exit_2) {
    TempDir dir;
    RunResult r = run_searcher({"--db", dir / "nothing", "nato"});
    BOOST_TEST(r.status == 2);
    BOOST_TEST(contains(r.err, "folio-searcher: error: no database at " + (dir / "nothing")),
               r.err);
}

// Several --db are searched as one.
BOOST_AUTO_TEST_CASE(several_databases) {
    TempDir dir;
    BOOST_TEST(run_indexer({"--db", dir / "a", kGood + "/news/nato.txt"}).status == 0);
    BOOST_TEST(run_indexer({"--db", dir / "b", kGood + "/books/loomings.md"}).status == 0);
    RunResult r =
        run_searcher({"--db", dir / "a", "--db", dir / "b", "--count", "nato OR ishmael"});
    BOOST_TEST(r.out == "2\n");
}

// The README's quick start: the bundled corpus indexes and the example phrase search finds hits.
BOOST_AUTO_TEST_CASE(readme_quick_start) {
    TempDir dir;
    RunResult i = run_indexer({"--db", dir / "db", std::string(FOLIO_SOURCE_DIR) + "/corpus"});
    BOOST_TEST(i.status == 0, i.err);
    BOOST_TEST(contains(i.out, "234 added"), i.out);
    RunResult s =
        run_searcher({"--db", dir / "db", "--limit", "3", "--color", "never", "\"nato allies\""});
    BOOST_TEST(s.status == 0, s.err);
    BOOST_TEST(contains(s.out, "1. NATO Leaders Look to Defense, Deterrence Against Russia"),
               s.out);
    BOOST_TEST(contains(s.out, "**NATO allies**"), s.out);
}

BOOST_AUTO_TEST_SUITE_END()
