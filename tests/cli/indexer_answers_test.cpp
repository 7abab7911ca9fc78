// SPDX-License-Identifier: GPL-2.0-or-later
// End-to-end tests of the indexer's answers (issue 19): overlapping paths, failed runs that
// leave nothing behind, repeated warnings counted, dates of the bundled corpus.
#include <boost/test/unit_test.hpp>

#include <xapian.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "../unit/temp_dir.hpp"
#include "process.hpp"

namespace fs = std::filesystem;
using folio::test::contains;
using folio::test::run_program;
using folio::test::RunResult;
using folio::test::TempDir;

namespace {

RunResult run_indexer(const std::vector<std::string>& args, const std::string& input = {}) {
    return run_program(FOLIO_INDEXER, args, input);
}

RunResult run_searcher(const std::vector<std::string>& args) {
    return run_program(FOLIO_SEARCHER, args);
}

std::size_t count_of(const std::string& haystack, const std::string& needle) {
    std::size_t n = 0;
    for (std::size_t at = haystack.find(needle); at != std::string::npos;
         at = haystack.find(needle, at + needle.size())) {
        ++n;
    }
    return n;
}

void write_file(const fs::path& path, const std::string& content) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << content;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(indexer_answers)

// Overlapping paths ("indexer bbc/tech bbc") are normal input: each file indexed once, no error.
BOOST_AUTO_TEST_CASE(overlapping_paths_are_indexed_once) {
    TempDir dir;
    const fs::path bbc = dir.path() / "bbc";
    write_file(bbc / "tech" / "a.txt", "Chips\n\nA story about chips.\n");
    write_file(bbc / "tech" / "b.txt", "Phones\n\nA story about phones.\n");
    write_file(bbc / "sport" / "c.txt", "Football\n\nA story about football.\n");
    const std::vector<std::vector<std::string>> orders = {
        {(bbc / "tech").string(), bbc.string()},
        {bbc.string(), (bbc / "tech").string()},
        {bbc.string(), bbc.string(), (bbc / "tech" / "a.txt").string()}};
    int k = 0;
    for (const auto& paths : orders) {
        const std::string db = dir / ("db" + std::to_string(k++));
        std::vector<std::string> args = {"--db", db, "--json"};
        args.insert(args.end(), paths.begin(), paths.end());
        RunResult r = run_indexer(args);
        BOOST_TEST(r.status == 0, r.err);
        BOOST_TEST(r.err.empty(), r.err);
        BOOST_TEST(nlohmann::json::parse(r.out)["added"] == 3);
        BOOST_TEST(Xapian::Database(db).get_doccount() == 3u);
    }
    // A symlink loop is still named (walked once).
    fs::create_directory_symlink(bbc, bbc / "sport" / "back");
    RunResult loop = run_indexer({"--db", dir / "loopdb", bbc.string()});
    BOOST_TEST(contains(loop.err, "directory already visited (symlink loop?)"), loop.err);
    BOOST_TEST(Xapian::Database(dir / "loopdb").get_doccount() == 3u);
}

// A run that fails before indexing anything leaves nothing behind: no lock file, no empty
// database, no directory it created.
BOOST_AUTO_TEST_CASE(failed_runs_leave_nothing_behind) {
    TempDir dir;
    const std::string synonyms = dir.write("syn.txt", "defence, defense\n");
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"--db", dir / "typo", "--compact"},
             {"--db", dir / "typo", "--synonyms", synonyms},
             {"--db", dir / "typo/deeper/still", "--compact"},
             {"--db", dir / "typo", "--language", "klingon", synonyms}}) {
        RunResult r = run_indexer(args);
        BOOST_TEST(r.status == 2, r.err);
        BOOST_TEST(contains(r.err, "folio-indexer: error: "), r.err);
        BOOST_TEST(!fs::exists(dir / "typo"), args[1]);
    }
    // A path that does not exist: no database made, status 1, and it says so.
    RunResult missing = run_indexer({"--db", dir / "new", dir / "no-such-folder"});
    BOOST_TEST(missing.status == 1, missing.err);
    BOOST_TEST(contains(missing.err, "no-such-folder: No such file or directory"), missing.err);
    BOOST_TEST(contains(missing.err, "nothing could be indexed: no database made"), missing.err);
    BOOST_TEST(!fs::exists(dir / "new"));
    // Every file failed: no empty database either.
    const std::string bad = dir.write("bad.jsonl", "not json\n{\"title\": 5}\n");
    RunResult failed = run_indexer({"--db", dir / "new", bad});
    BOOST_TEST(failed.status == 1, failed.err);
    BOOST_TEST(!fs::exists(dir / "new"));
    // An empty directory named as the database stays, without a lock file in it.
    fs::create_directory(dir / "empty");
    BOOST_TEST(run_indexer({"--db", dir / "empty", "--compact"}).status == 2);
    BOOST_TEST(fs::exists(dir / "empty"));
    BOOST_TEST(fs::is_empty(dir / "empty"));
    // A database that was made keeps its lock file, and a later failure leaves it alone.
    const std::string good = dir.write("good.txt", "Good\n\nA good article.\n");
    BOOST_TEST(run_indexer({"--db", dir / "db", good}).status == 0);
    BOOST_TEST(run_indexer({"--db", dir / "db", dir / "no-such-folder"}).status == 1);
    BOOST_TEST(fs::exists(dir.path() / "db" / "folio.lock"));
    BOOST_TEST(Xapian::Database(dir / "db").get_doccount() == 1u);
}

// A warning repeated for many records is shown a few times, then counted; -v shows every one,
// and --json lists every one. ISO 8601 basic dates (19870226) are dates, not warnings.
BOOST_AUTO_TEST_CASE(repeated_warnings_are_counted) {
    TempDir dir;
    std::ostringstream records;
    for (int k = 0; k < 50; ++k)
        records << R"({"id": "r)" << k << R"(", "title": "t", "date": "someday )" << k << "\"}\n";
    for (int k = 0; k < 5; ++k)
        records << R"({"id": "b)" << k << R"(", "title": "basic", "date": "19870226"})"
                << "\n";
    const std::string file = dir.write("records.jsonl", records.str());

    RunResult r = run_indexer({"--db", dir / "db", file});
    BOOST_TEST(r.status == 0, r.err);
    BOOST_TEST(count_of(r.err, "is not a date") == 11u, r.err);  // 10 shown, one in the count
    BOOST_TEST(contains(r.err, "folio-indexer: warning: ... and 40 more like it (" + file +
                                   ":1: field 'date' is not a date: \"someday 0\""),
               r.err);
    BOOST_TEST(!contains(r.err, "19870226"), r.err);
    Xapian::Database db(dir / "db");
    BOOST_TEST(db.get_doccount() == 55u);
    BOOST_TEST(run_searcher({"--db", dir / "db", "--count", "date:1987-02-26..1987-02-26"}).out ==
               "5\n");

    RunResult verbose = run_indexer({"--db", dir / "v", "-v", file});
    BOOST_TEST(count_of(verbose.err, "is not a date") == 50u);
    BOOST_TEST(!contains(verbose.err, "more like it"));

    RunResult json = run_indexer({"--db", dir / "j", "--json", file});
    BOOST_TEST(json.status == 0, json.err);
    nlohmann::json summary = nlohmann::json::parse(json.out);
    BOOST_TEST(summary["warnings"] == 50);
    BOOST_REQUIRE(summary["diagnostics"].size() == 50u);
    BOOST_TEST(summary["diagnostics"][49]["severity"] == "warning");
    BOOST_TEST(summary["diagnostics"][49]["path"] == file);
    BOOST_TEST(summary["diagnostics"][49]["line"] == 50);
    BOOST_TEST(summary["diagnostics"][49]["message"] ==
               "field 'date' is not a date: \"someday 49\" (indexed without a date)");
    BOOST_TEST(count_of(json.err, "is not a date") == 11u, json.err);
}

// The bundled corpus carries absolute dates: the DoD article is from February 2022 in every
// clone, whatever its files' times; a relative date elsewhere is resolved with a warning.
BOOST_AUTO_TEST_CASE(bundled_corpus_dates_are_absolute) {
    TempDir dir;
    const std::string dod = std::string(FOLIO_SOURCE_DIR) + "/corpus/dod-news";
    RunResult r = run_indexer({"--db", dir / "db", dod});
    BOOST_TEST(r.status == 0, r.err);
    BOOST_TEST(r.err.empty(), r.err);
    RunResult found =
        run_searcher({"--db", dir / "db", "--json", "source:dod-news year:2022 nato"});
    BOOST_TEST(found.status == 0, found.err);
    nlohmann::json j = nlohmann::json::parse(found.out);
    BOOST_REQUIRE(j["hits"].size() == 1u);
    BOOST_TEST(j["hits"][0]["date"] == "2022-02-17");

    const std::string relative = dir.write("rel.txt", "Title\n\n2 days ago\n\nBody.\n");
    fs::last_write_time(relative, fs::file_time_type::clock::now());
    RunResult warned = run_indexer({"--db", dir / "rel", relative});
    BOOST_TEST(warned.status == 0, warned.err);
    BOOST_TEST(contains(warned.err, "folio-indexer: warning: " + relative +
                                        ":3: relative date '2 days ago' resolved against the "
                                        "file's modification time ("),
               warned.err);
}

BOOST_AUTO_TEST_SUITE_END()
