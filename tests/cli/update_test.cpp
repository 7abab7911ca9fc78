// SPDX-License-Identifier: GPL-2.0-or-later
// End-to-end tests of the indexer for real use: incremental updates, rebuilds while searching,
// interruptions, the lock, parallel builds that do not change the index.
#include <boost/test/unit_test.hpp>

#include <signal.h>
#include <unistd.h>
#include <xapian.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "../unit/temp_dir.hpp"
#include "process.hpp"
#include "store/layout.hpp"

namespace fs = std::filesystem;
using folio::test::contains;
using folio::test::run_program;
using folio::test::RunResult;
using folio::test::TempDir;

namespace {

RunResult index_run(std::vector<std::string> args) {
    return run_program(FOLIO_INDEXER, args);
}

nlohmann::json index_json(std::vector<std::string> args) {
    args.push_back("--json");
    RunResult r = index_run(args);
    BOOST_TEST_REQUIRE(r.status == 0, r.err);
    return nlohmann::json::parse(r.out);
}

void write_file(const std::string& path, const std::string& content) {
    fs::create_directories(fs::path(path).parent_path());
    std::ofstream(path, std::ios::binary) << content;
}

std::size_t hits(const std::string& db, const std::string& query) {
    RunResult r = run_program(FOLIO_SEARCHER, {"--db", db, "--count", query});
    return r.status == 2 ? static_cast<std::size_t>(-1) : std::stoul(r.out);
}

/// A JSON Lines file of `n` synthetic articles, about 500 bytes each.
/// Polls `ready` every 5 ms for up to 60 s.
template <typename Ready>
bool wait_for(Ready ready) {
    for (int i = 0; i < 12000; ++i) {
        if (ready())
            return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
}

/// Whether `db` holds the files of a generation being built (named `generation`, or one of its
/// parts).
bool building(const std::string& db, const std::string& generation) {
    std::error_code error;
    for (const auto& e : fs::directory_iterator(db, error)) {
        if (e.path().filename().string().starts_with(generation))
            return true;
    }
    return false;
}

void write_synthetic(const std::string& path, int n, const std::string& id_prefix = "s") {
    fs::create_directories(fs::path(path).parent_path());
    static const char* words[] = {"harbour", "grain", "cocoa", "pilot", "ship", "market",
                                  "price",   "crude", "oil",   "bank",  "rate", "trade"};
    std::ofstream out(path);
    for (int i = 0; i < n; ++i) {
        std::string body;
        for (int w = 0; w < 70; ++w) {
            body += words[(i * 7 + w * 3 + w * w) % 12];
            body += w % 11 == 10 ? ". " : " ";
        }
        out << "{\"id\":\"" << id_prefix << i << "\",\"title\":\"Article " << i << "\",\"body\":\""
            << body << "unique" << i << "\"}\n";
    }
}

/// Everything Xapian stores of a database, as text: documents (data, terms with wdf and
/// positions, values), term frequencies and metadata other than timestamps.
std::string dump(const std::string& db_path) {
    Xapian::Database db(db_path);
    std::ostringstream out;
    out << db.get_doccount() << " " << db.get_lastdocid() << " " << db.get_total_length() << "\n";
    for (auto d = db.postlist_begin(""); d != db.postlist_end(""); ++d) {
        Xapian::Document doc = db.get_document(*d);
        out << "doc " << *d << " " << doc.get_data().size() << " " << doc.get_data() << "\n";
        for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
            out << " " << *t << ":" << t.get_wdf();
            for (auto p = t.positionlist_begin(); p != t.positionlist_end(); ++p)
                out << "," << *p;
        }
        for (auto v = doc.values_begin(); v != doc.values_end(); ++v) {
            out << " v" << v.get_valueno() << "=" << *v;
        }
        out << "\n";
    }
    for (auto t = db.allterms_begin(); t != db.allterms_end(); ++t) {
        out << *t << " " << t.get_termfreq() << "\n";
    }
    for (auto w = db.spellings_begin(); w != db.spellings_end(); ++w)
        out << "spelling " << *w << " " << w.get_termfreq() << "\n";
    for (auto k = db.metadata_keys_begin(); k != db.metadata_keys_end(); ++k) {
        if (*k != "folio.updated")
            out << *k << "=" << db.get_metadata(*k) << "\n";
    }
    return out.str();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(updates)

// Between runs files are changed, deleted, renamed and JSONL records edited: each run reads
// only what changed and the index ends up exactly as the files are.
BOOST_AUTO_TEST_CASE(add_change_delete_rename) {
    TempDir dir;
    std::string src = dir / "src", db = dir / "db";
    write_file(src + "/a.txt", "Alpha\n\nfirst version apple\n");
    write_file(src + "/b.txt", "Beta\n\ncherry\n");
    write_file(src + "/sub/c.md", "# Gamma\n\ndamson\n");
    write_file(src + "/d.jsonl",
               "{\"id\":\"d1\",\"title\":\"D one\",\"body\":\"elder\"}\n"
               "{\"id\":\"d2\",\"title\":\"D two\",\"body\":\"fig\"}\n");
    auto first = index_json({"--db", db, src});
    BOOST_TEST(first["added"] == 5);

    write_file(src + "/a.txt", "Alpha\n\nsecond version banana\n");
    fs::remove(src + "/b.txt");
    fs::rename(src + "/sub/c.md", src + "/sub/c2.md");
    write_file(src + "/d.jsonl",
               "{\"id\":\"d1\",\"title\":\"D one\",\"body\":\"elder\"}\n"
               "{\"id\":\"d3\",\"title\":\"D three\",\"body\":\"honeydew\"}\n");

    RunResult plan = index_run({"--db", db, "--dry-run", src});
    BOOST_TEST(plan.status == 0, plan.err);
    BOOST_TEST(contains(plan.out, "update " + src + "/a.txt\n"), plan.out);
    BOOST_TEST(contains(plan.out, "add " + src + "/sub/c2.md\n"), plan.out);
    BOOST_TEST(contains(plan.out, "update " + src + "/d.jsonl\n"), plan.out);
    BOOST_TEST(contains(plan.out, "b.txt\n"), plan.out);
    BOOST_TEST(contains(plan.out, "1 to add, 2 to update, 2 to delete, 0 unchanged"), plan.out);
    BOOST_TEST(hits(db, "banana") == 0u);  // a dry run changes nothing
    // A file to delete is named as the root was, as the files to add and update are.
    const std::string spelled = src + "/sub/..";
    plan = index_run({"--db", db, "--dry-run", spelled});
    BOOST_TEST(contains(plan.out, "update " + spelled + "/a.txt\n"), plan.out);
    BOOST_TEST(contains(plan.out, "delete " + spelled + "/b.txt\n"), plan.out);

    auto second = index_json({"--db", db, src});
    BOOST_TEST(second["files"] == 3);
    BOOST_TEST(second["added"] == 2);      // c2.md, d3
    BOOST_TEST(second["replaced"] == 1);   // a.txt
    BOOST_TEST(second["unchanged"] == 1);  // d1
    BOOST_TEST(second["deleted"] == 3);    // b.txt, c.md, d2
    BOOST_TEST(Xapian::Database(db).get_doccount() == 4u);
    BOOST_TEST(hits(db, "apple") == 0u);
    BOOST_TEST(hits(db, "banana") == 1u);
    BOOST_TEST(hits(db, "cherry") == 0u);
    BOOST_TEST(hits(db, "damson") == 1u);
    BOOST_TEST(hits(db, "fig") == 0u);
    BOOST_TEST(hits(db, "elder OR honeydew") == 2u);

    // A file touched but not changed is confirmed by its hash and not re-indexed.
    fs::last_write_time(src + "/a.txt", fs::file_time_type::clock::now());
    auto third = index_json({"--db", db, src});
    BOOST_TEST(third["files"] == 0);
    BOOST_TEST(third["unchanged_files"] == 3);
    BOOST_TEST(Xapian::Database(db).get_doccount() == 4u);
}

// Deletions happen only within the roots being indexed.
BOOST_AUTO_TEST_CASE(deletes_only_within_roots) {
    TempDir dir;
    std::string db = dir / "db";
    write_file(dir / "one/x.txt", "X\n\nxylophone\n");
    write_file(dir / "two/y.txt", "Y\n\nyodel\n");
    index_json({"--db", db, dir / "one"});
    index_json({"--db", db, dir / "two"});
    fs::remove(dir / "two/y.txt");
    auto r = index_json({"--db", db, dir / "one"});
    BOOST_TEST(r["deleted"] == 0);
    BOOST_TEST(hits(db, "yodel") == 1u);
    r = index_json({"--db", db, dir / "two"});
    BOOST_TEST(r["deleted"] == 1);
    BOOST_TEST(hits(db, "yodel") == 0u);
    BOOST_TEST(hits(db, "xylophone") == 1u);
}

// Without paths, the indexer goes over the files and folders the database was indexed from:
// new files are found, deleted ones' articles deleted (what recollindex and omindex do with
// their configured folders). A root that is gone keeps its articles, with a warning, until it is
// named; a rebuild refuses it; a new database without paths is a usage error.
BOOST_AUTO_TEST_CASE(update_without_paths_goes_over_the_roots) {
    TempDir dir;
    std::string db = dir / "db";
    write_file(dir / "folder/x.txt", "X\n\nxylophone\n");
    write_file(dir / "folder/y.txt", "Y\n\nyodel\n");
    write_file(dir / "single.txt", "S\n\nsaxophone\n");
    index_json({"--db", db, (dir / "folder") + "/"});
    index_json({"--db", db, dir / "single.txt"});
    write_file(dir / "folder/deeper/z.txt", "Z\n\nzither\n");
    fs::remove(dir / "folder/y.txt");
    RunResult plan = index_run({"--db", db, "--dry-run"});
    BOOST_TEST(plan.status == 0, plan.err);
    BOOST_TEST(contains(plan.out, "add " + dir / "folder/deeper/z.txt\n"), plan.out);
    BOOST_TEST(contains(plan.out, "delete " + dir / "folder/y.txt\n"), plan.out);
    auto r = index_json({"--db", db});
    BOOST_TEST(r["added"] == 1);
    BOOST_TEST(r["deleted"] == 1);
    BOOST_TEST(r["unchanged_files"] == 2);  // x.txt and single.txt
    BOOST_TEST(hits(db, "zither") == 1u);
    BOOST_TEST(hits(db, "yodel") == 0u);

    fs::remove(dir / "single.txt");
    RunResult kept = index_run({"--db", db});
    BOOST_TEST(kept.status == 0, kept.err);
    BOOST_TEST(contains(kept.err, "warning: " + dir / "single.txt" +
                                      ": indexed from, and not found: its articles are kept"),
               kept.err);
    BOOST_TEST(hits(db, "saxophone") == 1u);
    RunResult rebuild = index_run({"--db", db, "--rebuild"});
    BOOST_TEST(rebuild.status == 2);
    BOOST_TEST(contains(rebuild.err, "not rebuilding: " + dir / "single.txt"), rebuild.err);
    r = index_json({"--db", db, dir / "single.txt"});  // named: deleted, and no root any more
    BOOST_TEST(r["deleted"] == 1);
    RunResult quiet = index_run({"--db", db});
    BOOST_TEST(quiet.status == 0, quiet.err);
    BOOST_TEST(quiet.err.empty(), quiet.err);
    r = index_json({"--db", db, "--rebuild"});
    BOOST_TEST(r["added"] == 2);
    BOOST_TEST(hits(db, "xylophone OR zither") == 2u);

    RunResult fresh = index_run({"--db", dir / "new"});
    BOOST_TEST(fresh.status == 2);
    BOOST_TEST(contains(fresh.err, "no files or directories to index"), fresh.err);
}

// A folder or file named again after it was deleted: what was indexed under it is deleted (a
// dry run says so), not kept with a "No such file or directory" error; a path that was never
// indexed is still an error.
BOOST_AUTO_TEST_CASE(a_deleted_path_deletes_its_articles) {
    TempDir dir;
    std::string db = dir / "db";
    write_file(dir / "src/old/x.txt", "X\n\nxylophone\n");
    write_file(dir / "src/old/deeper/y.txt", "Y\n\nyodel\n");
    write_file(dir / "src/old-notes.txt", "Z\n\nzither\n");
    write_file(dir / "src/keep.txt", "K\n\nkettle\n");
    index_json({"--db", db, dir / "src"});
    fs::remove_all(dir / "src/old");
    fs::remove(dir / "src/old-notes.txt");
    RunResult plan = index_run({"--db", db, "--dry-run", dir / "src/old"});
    BOOST_TEST(plan.status == 0, plan.err);
    BOOST_TEST(contains(plan.out, "delete " + dir / "src/old/x.txt\n"), plan.out);
    BOOST_TEST(contains(plan.out, "delete " + dir / "src/old/deeper/y.txt\n"), plan.out);
    BOOST_TEST(!contains(plan.out, "old-notes"), plan.out);  // beside "old", not in it
    RunResult plan_json = index_run({"--db", db, "--dry-run", "--json", dir / "src/old"});
    BOOST_TEST(plan_json.status == 0, plan_json.err);
    const auto j = nlohmann::json::parse(plan_json.out);
    BOOST_TEST(j["delete"].size() == 2u);
    BOOST_TEST(j["add"].empty());
    BOOST_TEST(j["diagnostics"].empty());
    BOOST_TEST(hits(db, "xylophone") == 1u);
    auto r = index_json({"--db", db, dir / "src/old", dir / "src/old-notes.txt"});
    BOOST_TEST(r["deleted"] == 3);
    BOOST_TEST(r["failed"] == 0);
    BOOST_TEST(hits(db, "xylophone OR yodel OR zither") == 0u);
    BOOST_TEST(hits(db, "kettle") == 1u);
    RunResult missing = index_run({"--db", db, dir / "src/never"});
    BOOST_TEST(missing.status == 1);
    BOOST_TEST(contains(missing.err, "src/never: No such file or directory"), missing.err);
}

// --delete removes articles by id: the only way, besides --rebuild, to remove records that came
// from standard input. --dry-run lists them; an id the database does not hold is exit 1 with a
// message, the others deleted all the same; PATHs beside --delete are a usage error.
BOOST_AUTO_TEST_CASE(delete_by_id) {
    TempDir dir;
    const std::string db = dir / "db";
    RunResult in = run_program(FOLIO_INDEXER, {"--db", db, "-"},
                               "{\"id\":\"r1\",\"title\":\"One\",\"body\":\"walrus\"}\n"
                               "{\"id\":\"r2\",\"title\":\"Two\",\"body\":\"walrus\"}\n"
                               "{\"id\":\"r3\",\"title\":\"Three\",\"body\":\"walrus\"}\n");
    BOOST_TEST_REQUIRE(in.status == 0, in.err);
    RunResult plan = index_run({"--db", db, "--dry-run", "--delete", "r1", "r9"});
    BOOST_TEST(plan.status == 0, plan.err);
    BOOST_TEST(plan.out == "delete r1\n1 to delete, 1 not in the database\n");
    BOOST_TEST(hits(db, "walrus") == 3u);
    RunResult r = index_run({"--db", db, "--delete", "r1", "r2", "r9"});
    BOOST_TEST(r.status == 1);
    BOOST_TEST(r.out == "deleted 2 articles\n");
    BOOST_TEST(r.err == "folio-indexer: error: 1 id is not in the database\n");
    BOOST_TEST(hits(db, "walrus") == 1u);
    auto j = index_json({"--db", db, "--delete", "r3"});
    BOOST_TEST(j["deleted"] == 1);
    BOOST_TEST(hits(db, "walrus") == 0u);
    RunResult both = index_run({"--db", db, "--delete", "r3", "--rebuild"});
    BOOST_TEST(both.status == 2);
}

// Ignore files and --exclude: in a git repository, .gitignore leaves node_modules/ and build/
// out; .folioignore anywhere; --no-ignore takes everything; an update after a new rule deletes
// what the rule now leaves out.
BOOST_AUTO_TEST_CASE(ignore_files_and_exclude) {
    TempDir dir;
    const std::string src = dir / "src", db = dir / "db";
    fs::create_directories(src + "/.git");
    write_file(src + "/.gitignore", "node_modules/\nbuild/\n");
    write_file(src + "/node_modules/pkg/README.md", "# Package\n\nnpmword\n");
    write_file(src + "/build/out.txt", "Out\n\nbuildword\n");
    write_file(src + "/notes/a.md", "# A\n\nnoteword\n");
    write_file(src + "/notes/draft.md", "# Draft\n\ndraftword\n");
    auto first = index_json({"--db", db, src});
    BOOST_TEST(first["added"] == 2);
    BOOST_TEST(hits(db, "npmword OR buildword") == 0u);

    write_file(src + "/notes/.folioignore", "draft.md\n");
    auto second = index_json({"--db", db, src});
    BOOST_TEST(second["deleted"] == 1);
    BOOST_TEST(hits(db, "draftword") == 0u);

    auto all = index_json({"--db", db, "--no-ignore", src});
    BOOST_TEST(all["added"] == 3);
    BOOST_TEST(hits(db, "npmword OR buildword OR draftword OR noteword") == 4u);

    auto excluded = index_json({"--db", db, "--no-ignore", "--exclude", "*.md", src});
    BOOST_TEST(excluded["deleted"] == 3);
    BOOST_TEST(hits(db, "buildword") == 1u);
}

// The same corpus gives the same documents, terms, positions, values and spelling dictionary
// with -j 1 and -j 4
// (the parallel build merges shards, one of them a slice of a large JSONL file).
BOOST_AUTO_TEST_CASE(jobs_do_not_change_the_index) {
    TempDir dir;
    write_synthetic(dir / "big.jsonl", 11000);
    std::string corpus = std::string(FOLIO_SOURCE_DIR) + "/corpus";
    auto one = index_json({"--db", dir / "j1", "-j", "1", corpus, dir / "big.jsonl"});
    auto four = index_json({"--db", dir / "j4", "-j", "4", corpus, dir / "big.jsonl"});
    BOOST_TEST(one["jobs"] == 1);
    BOOST_TEST(four["jobs"].get<int>() > 1);
    BOOST_TEST(one["added"] == 11234);
    BOOST_TEST(four["added"] == 11234);
    std::string a = dump(dir / "j1"), b = dump(dir / "j4");
    BOOST_TEST(a.size() > 1000000u);
    BOOST_TEST((a == b));
}

// An id met twice keeps the later article, with a warning, whether the two records are read by
// one job or by two (the records in slices of one large JSONL file, and in two files).
BOOST_AUTO_TEST_CASE(jobs_keep_the_later_of_two_articles_with_one_id) {
    TempDir dir;
    write_synthetic(dir / "big.jsonl", 11000);
    std::ofstream(dir / "big.jsonl", std::ios::app)
        << R"({"id":"s0","title":"Later","body":"laterword"})"
        << "\n";
    write_file(dir / "z.jsonl", R"({"id":"s1","title":"Other","body":"otherword"})"
                                "\n");
    for (const char* jobs : {"1", "4"}) {
        BOOST_TEST_CONTEXT("-j " << jobs) {
            const std::string db = dir / (std::string("j") + jobs);
            RunResult r =
                index_run({"--db", db, "-j", jobs, "--json", dir / "big.jsonl", dir / "z.jsonl"});
            BOOST_TEST_REQUIRE(r.status == 0, r.err);
            auto summary = nlohmann::json::parse(r.out);
            BOOST_TEST(summary["added"] == 11000);
            BOOST_TEST(summary["replaced"] == 2);
            BOOST_TEST(summary["warnings"] == 2);
            BOOST_TEST(contains(r.err,
                                "/big.jsonl:11001: duplicate id 's0' in this file (line 1): "
                                "the later record replaces the earlier"),
                       r.err);
            BOOST_TEST(
                contains(r.err, "/z.jsonl:1: duplicate id 's1' (also in " + dir / "big.jsonl" +
                                    ":2): the later article replaces the earlier"),
                r.err);
            BOOST_TEST(hits(db, "laterword OR otherword") == 2u);
            BOOST_TEST(hits(db, "unique0 OR unique1") == 0u);
        }
    }
    // The same documents at the same ids (the last id used differs: the merge left two holes).
    auto documents = [](std::string d) { return d.substr(d.find('\n')); };
    BOOST_TEST((documents(dump(dir / "j1")) == documents(dump(dir / "j4"))));
}

// A rebuild switches generations while searches run: not one search fails.
BOOST_AUTO_TEST_CASE(rebuild_while_searching) {
    TempDir dir;
    std::string db = dir / "db";
    write_synthetic(dir / "articles.jsonl", 3000);
    index_json({"--db", db, dir / "articles.jsonl"});
    const std::string expected = std::to_string(hits(db, "harbour")) + "\n";
    BOOST_TEST_REQUIRE(expected != "0\n");
    std::atomic<bool> done{false};
    std::atomic<int> searches{0}, failures{0};
    std::vector<std::thread> searchers;
    for (int t = 0; t < 3; ++t) {
        searchers.emplace_back([&] {
            while (!done) {
                RunResult r = run_program(FOLIO_SEARCHER, {"--db", db, "--count", "harbour"});
                ++searches;
                if (r.status != 0 || r.out != expected) {
                    ++failures;
                    BOOST_TEST_MESSAGE("search failed: " << r.status << " " << r.out << r.err);
                }
            }
        });
    }
    for (int i = 0; i < 3; ++i)
        index_json({"--db", db, "--rebuild", dir / "articles.jsonl"});
    done = true;
    for (auto& t : searchers)
        t.join();
    BOOST_TEST(searches.load() > 3);
    BOOST_TEST(failures.load() == 0);
    BOOST_TEST(folio::DatabaseLayout(db).current().ends_with("gen-000004"));
    std::size_t generations = 0;
    for (const auto& e : fs::directory_iterator(db)) {
        generations += e.path().filename().string().starts_with("gen-") ? 1 : 0;
    }
    BOOST_TEST(generations == 1u);
}

// An interrupted rebuild leaves the live index as it was; an interrupted update keeps what it
// committed, the database stays consistent, and the next run converges.
BOOST_AUTO_TEST_CASE(interrupted_runs) {
    TempDir dir;
    std::string db = dir / "db";
    write_file(dir / "small/a.txt", "Small\n\nsmall index\n");
    index_json({"--db", db, dir / "small"});
    write_synthetic(dir / "big/big.jsonl", 40000, "b");

    // Signalled once the run is under way (not after a fixed time: the whole rebuild takes
    // about 1.5 s here, and less on a faster machine).
    int pid = folio::test::start_program(FOLIO_INDEXER, {"--db", db, "--rebuild", dir / "big"});
    BOOST_TEST_REQUIRE(wait_for([&] { return building(db, "gen-000002"); }));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    kill(pid, SIGINT);
    BOOST_TEST(folio::test::wait_program(pid) == 130);
    BOOST_TEST(Xapian::Database(db).get_doccount() == 1u);
    BOOST_TEST(hits(db, "small") == 1u);

    pid = folio::test::start_program(FOLIO_INDEXER, {"--db", db, dir / "big"});
    // Once the update has committed something (a database read mid-commit may fail: try again).
    BOOST_TEST_REQUIRE(wait_for([&] {
        try {
            return Xapian::Database(db).get_doccount() > 1;
        } catch (const Xapian::Error&) {
            return false;
        }
    }));
    kill(pid, SIGTERM);
    int status = folio::test::wait_program(pid);
    BOOST_TEST((status == 143 || status == 0), status);
    RunResult check = run_program("/usr/bin/xapian-check", {folio::DatabaseLayout(db).current()});
    BOOST_TEST(check.status == 0, check.out + check.err);
    BOOST_TEST(Xapian::Database(db).get_doccount() > 1u);  // what it committed is kept

    auto finish = index_json({"--db", db, dir / "small", dir / "big"});
    BOOST_TEST(Xapian::Database(db).get_doccount() == 40001u);
    BOOST_TEST(hits(db, "unique39999") == 1u);
    BOOST_TEST(hits(db, "unique0") == 1u);
}

// A second indexer on a locked database names the holder and exits 2, or waits with --wait-lock.
BOOST_AUTO_TEST_CASE(lock_names_the_holder) {
    TempDir dir;
    std::string db = dir / "db";
    write_file(dir / "a.txt", "A\n\nalpha\n");
    {
        folio::IndexLock held(db, false);
        RunResult r = index_run({"--db", db, dir / "a.txt"});
        BOOST_TEST(r.status == 2);
        BOOST_TEST(
            contains(r.err, "locked by another indexer (pid " + std::to_string(getpid()) + ")"),
            r.err);
    }
    int pid;
    {
        folio::IndexLock held(db, false);
        pid = folio::test::start_program(FOLIO_INDEXER, {"--db", db, "--wait-lock", dir / "a.txt"});
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    BOOST_TEST(folio::test::wait_program(pid) == 0);
    BOOST_TEST(hits(db, "alpha") == 1u);
}

// --compact writes a compacted generation with the same documents.
BOOST_AUTO_TEST_CASE(compact) {
    TempDir dir;
    std::string db = dir / "db";
    write_synthetic(dir / "a.jsonl", 500);
    index_json({"--db", db, dir / "a.jsonl"});
    std::string before = dump(db);
    RunResult r = index_run({"--db", db, "--compact"});
    BOOST_TEST(r.status == 0, r.err);
    BOOST_TEST(folio::DatabaseLayout(db).current().ends_with("gen-000002"));
    BOOST_TEST((dump(db) == before));
}

// --synonyms stores a synonyms file with an index run or alone; a rebuild keeps the synonyms.
BOOST_AUTO_TEST_CASE(synonyms_are_stored_and_kept) {
    TempDir dir;
    std::string db = dir / "db";
    write_file(dir / "src/a.txt", "Boats\n\nThe vessel left the quay.\n");
    write_file(dir / "syn.txt", "ship, vessel\n");
    write_file(dir / "syn2.txt", "wharf, quay\n");
    index_json({"--db", db, "--synonyms", dir / "syn.txt", dir / "src"});
    BOOST_TEST(hits(db, "~ship") == 1u);
    BOOST_TEST(hits(db, "~wharf") == 0u);
    RunResult alone = index_run({"--db", db, "--synonyms", dir / "syn2.txt"});
    BOOST_TEST(alone.status == 0, alone.err);
    BOOST_TEST(hits(db, "~wharf") == 1u);
    index_json({"--db", db, "--rebuild", dir / "src"});
    BOOST_TEST(hits(db, "~wharf") == 1u);
    RunResult missing = index_run({"--db", db, "--synonyms", dir / "nope.txt", dir / "src"});
    BOOST_TEST(missing.status == 2);
    // A word too long for Xapian's keys: the file and line, exit 2, the stored table untouched.
    write_file(dir / "long.txt", "# long\nnato, " + std::string(300, 'x') + "\n");
    RunResult too_long = index_run({"--db", db, "--synonyms", dir / "long.txt", dir / "src"});
    BOOST_TEST(too_long.status == 2);
    BOOST_TEST(too_long.err == "folio-indexer: error: " + (dir / "long.txt") +
                                   ":2: a word of 300 bytes is too long for a synonym (at most "
                                   "200)\n",
               too_long.err);
    BOOST_TEST(hits(db, "~wharf") == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
