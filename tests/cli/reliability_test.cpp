// SPDX-License-Identifier: GPL-2.0-or-later
// Reliability tests: the real indexer and searcher under crashes (SIGKILL at random moments),
// concurrency (searches while the index changes, a second indexer), hostile input files,
// hostile queries and a full disk. Each test adds its figures (kill points survived, searches
// run, inputs tried) to the file named by $FOLIO_RELIABILITY_FIGURES, if set, which
// scripts/reliability_report.py turns into docs/RELIABILITY.md.
#define BOOST_TEST_MODULE reliability
#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xapian.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "../unit/temp_dir.hpp"
#include "process.hpp"
#include "schema/schema.hpp"
#include "store/layout.hpp"

namespace fs = std::filesystem;
using folio::test::contains;
using folio::test::run_program;
using folio::test::RunResult;
using folio::test::TempDir;

namespace {

const std::string kHostile = std::string(FOLIO_TEST_DATA) + "/hostile";

/// Adds "NAME VALUE" to the figures file, if the environment names one.
void figure(const std::string& name, long long value) {
    BOOST_TEST_MESSAGE(name << " = " << value);
    if (const char* path = std::getenv("FOLIO_RELIABILITY_FIGURES"))
        std::ofstream(path, std::ios::app) << name << " " << value << "\n";
}

void write_file(const std::string& path, const std::string& content) {
    fs::create_directories(fs::path(path).parent_path());
    std::ofstream(path, std::ios::binary) << content;
}

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

/// What to do in the child between fork and exec.
using ChildSetup = std::function<void()>;

/// Starts `program` with stdout and stderr going to files; returns its pid.
int start_logged(const std::string& program, const std::vector<std::string>& args,
                 const std::string& out, const std::string& err, const ChildSetup& setup = {}) {
    pid_t pid = fork();
    if (pid < 0)
        throw std::runtime_error("fork");
    if (pid == 0) {
        int null = open("/dev/null", O_RDONLY);
        int o = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0666);
        int e = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0666);
        dup2(null, 0);
        dup2(o, 1);
        dup2(e, 2);
        if (setup)
            setup();
        folio::test::exec_program(program, args);
    }
    return pid;
}

/// Runs `program` to its end with a child set-up step; output captured through files in `dir`.
RunResult run_with(const std::string& dir, const std::string& program,
                   const std::vector<std::string>& args, const ChildSetup& setup) {
    const std::string out = dir + "/run.out", err = dir + "/run.err";
    RunResult r;
    r.status = folio::test::wait_program(start_logged(program, args, out, err, setup));
    r.out = read_text(out);
    r.err = read_text(err);
    return r;
}

RunResult index_run(std::vector<std::string> args) {
    return run_program(FOLIO_INDEXER, args);
}

/// Whether the process has exited (reaping it); its status in *status.
bool exited(int pid, int* status) {
    int raw = 0;
    if (waitpid(pid, &raw, WNOHANG) != pid)
        return false;
    *status = WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw);
    return true;
}

/// The ids of a database's articles, and whether each id term is on exactly one document.
struct IdCheck {
    std::set<std::string> ids;  ///< id terms
    Xapian::doccount documents = 0;
    std::size_t duplicated = 0;  ///< id terms on more than one document
};

IdCheck check_ids(const std::string& db_path) {
    Xapian::Database db(db_path);
    IdCheck check;
    check.documents = db.get_doccount();
    const std::string prefix(folio::schema::kPrefixId);
    for (auto t = db.allterms_begin(prefix); t != db.allterms_end(prefix); ++t) {
        check.ids.insert(*t);
        if (t.get_termfreq() != 1)
            ++check.duplicated;
    }
    return check;
}

/// xapian-check on the live generation: 0 when consistent.
RunResult xapian_check(const std::string& db) {
    return run_program("/usr/bin/xapian-check", {folio::DatabaseLayout(db).current()});
}

/// One JSONL file of `records` articles, ids "<file>-<j>", whose bodies carry `version`.
std::string jsonl_records(const std::string& file, int records, int version) {
    static const char* words[] = {"harbour", "grain", "cocoa", "pilot", "ship", "market",
                                  "price",   "crude", "oil",   "bank",  "rate", "trade"};
    std::string out;
    for (int j = 0; j < records; ++j) {
        std::string body;
        for (int w = 0; w < 60; ++w) {
            body += words[(j * 7 + w * 3 + w * w + version) % 12];
            body += w % 11 == 10 ? ". " : " ";
        }
        out += "{\"id\":\"" + file + "-" + std::to_string(j) + "\",\"title\":\"Article " +
               std::to_string(j) + "\",\"body\":\"" + body + "version" + std::to_string(version) +
               " unique" + file + "x" + std::to_string(j) + "\"}\n";
    }
    return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(crash)

// The indexer is killed with SIGKILL at random moments of updates and rebuilds of a corpus that
// changes between runs (files rewritten, records added and removed, files deleted), with small
// commits (every 50 documents) so that kills land between and during commits. After every kill the
// database opens, xapian-check finds it consistent and no article is there twice; the next run
// converges to exactly the articles of the files. SIGTERM and SIGINT mixed in stop cleanly (143,
// 130).
BOOST_AUTO_TEST_CASE(sigkill_at_random_moments) {
    TempDir dir;
    const std::string src = dir / "src", db = dir / "db";
    constexpr int kFiles = 20;
    std::mt19937 rng(20261127);
    std::map<std::string, int> records;  // file name -> records it holds now
    auto write_corpus_file = [&](int f, int version) {
        const std::string name = "f" + std::to_string(f);
        const int n = 60 + static_cast<int>((rng() % 5) * 20);
        records[name] = n;
        write_file(src + "/" + name + ".jsonl", jsonl_records(name, n, version));
    };
    for (int f = 0; f < kFiles; ++f)
        write_corpus_file(f, 0);
    auto expected_ids = [&] {
        std::set<std::string> ids;
        for (const auto& [name, n] : records) {
            for (int j = 0; j < n; ++j)
                ids.insert(folio::schema::id_term(name + "-" + std::to_string(j)));
        }
        return ids;
    };
    // Small commits: Xapian commits every 50 documents (the indexer's programs inherit this).
    ::setenv("XAPIAN_FLUSH_THRESHOLD", "50", 1);
    const std::vector<std::string> common{"--db", db, "--no-spelling", "-q"};

    // Calibrate: how long a whole rebuild takes on this machine (kills are drawn within it).
    auto t0 = std::chrono::steady_clock::now();
    std::vector<std::string> args = common;
    args.insert(args.end(), {"-j", "1", src});
    RunResult first = index_run(args);
    BOOST_TEST_REQUIRE(first.status == 0, first.err);
    const auto full =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
            .count();
    BOOST_TEST_MESSAGE("a full run takes " << full << " ms");

    int kills = 0, finished = 0, terms = 0, iterations = 0;
    std::set<Xapian::rev> revisions;
    std::set<Xapian::doccount> counts;
    int version = 0;
    while (kills < 24 && iterations < 120) {
        ++iterations;
        // Change a third of the files (or delete one, or bring one back) before each run.
        ++version;
        for (int c = 0; c < kFiles / 3; ++c)
            write_corpus_file(static_cast<int>(rng() % kFiles), version);
        if (version % 5 == 0) {
            const int f = static_cast<int>(rng() % kFiles);
            records.erase("f" + std::to_string(f));
            fs::remove(src + "/f" + std::to_string(f) + ".jsonl");
        }
        const bool rebuild = iterations % 4 == 0;
        args = common;
        args.insert(args.end(), {"-j", rebuild ? "2" : "1"});
        if (rebuild)
            args.push_back("--rebuild");
        args.push_back(src);
        const int pid = folio::test::start_program(FOLIO_INDEXER, args);
        // Within the first two thirds of a full run's time: an update rewrites a third of it.
        const auto delay =
            std::chrono::milliseconds(rng() % static_cast<unsigned>(full * 2 / 3 + 1));
        std::this_thread::sleep_for(delay);
        int status = 0;
        const int signal = iterations % 7 == 3 ? SIGTERM : iterations % 7 == 5 ? SIGINT : SIGKILL;
        if (exited(pid, &status)) {
            ++finished;
        } else {
            kill(pid, signal);
            status = folio::test::wait_program(pid);
            if (signal == SIGKILL) {
                BOOST_TEST((status == 137 || status == 0 || status == 1), status);
                kills += status == 137 ? 1 : 0;
            } else {
                // A clean stop, or the run ended before the signal arrived.
                const int clean = signal == SIGTERM ? 143 : 130;
                BOOST_TEST((status == clean || status == 0 || status == 1), status);
                terms += status == clean ? 1 : 0;
            }
        }
        BOOST_TEST((status != 2), "iteration " << iterations << ": exit 2");
        // The database opens, is consistent and holds no article twice.
        IdCheck check = check_ids(db);
        BOOST_TEST(check.duplicated == 0u, "iteration " << iterations);
        BOOST_TEST(check.ids.size() == check.documents, "iteration " << iterations);
        RunResult consistent = xapian_check(db);
        BOOST_TEST(consistent.status == 0,
                   "iteration " << iterations << ": " << consistent.out << consistent.err);
        revisions.insert(Xapian::Database(folio::DatabaseLayout(db).current()).get_revision());
        counts.insert(check.documents);
    }
    BOOST_TEST(kills >= 20);

    // The next run converges to exactly the articles of the files.
    args = common;
    args.push_back(src);
    RunResult last = index_run(args);
    BOOST_TEST_REQUIRE(last.status == 0, last.err);
    IdCheck check = check_ids(db);
    const std::set<std::string> expected = expected_ids();
    BOOST_TEST(check.duplicated == 0u);
    BOOST_TEST(check.documents == expected.size());
    BOOST_TEST((check.ids == expected));
    BOOST_TEST(xapian_check(db).status == 0);
    // A search finds the latest version of a rewritten file, and no partial generation is left.
    std::size_t generations = 0;
    for (const auto& e : fs::directory_iterator(db))
        generations += e.path().filename().string().starts_with("gen-") ? 1 : 0;
    BOOST_TEST(generations == 1u);

    figure("crash.sigkill_points", kills);
    figure("crash.sigterm_sigint_stops", terms);
    figure("crash.runs_finished_before_signal", finished);
    figure("crash.distinct_revisions_after_kills", static_cast<long long>(revisions.size()));
    figure("crash.distinct_article_counts_after_kills", static_cast<long long>(counts.size()));
    figure("crash.final_articles", static_cast<long long>(check.documents));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(concurrency)

// Searches run continuously in several processes (one-shot searches of each output kind, and
// --batch searchers holding the database open) while the indexer updates the index, commit by
// commit, and while it rebuilds it: not one search fails, errs or loses a stable article.
BOOST_AUTO_TEST_CASE(searches_never_fail_while_indexing) {
    TempDir dir;
    const std::string src = dir / "src", db = dir / "db";
    write_file(src + "/stable.jsonl", jsonl_records("stable", 200, 0));
    for (int f = 0; f < 8; ++f)
        write_file(src + "/f" + std::to_string(f) + ".jsonl",
                   jsonl_records("f" + std::to_string(f), 300, 0));
    RunResult first = index_run({"--db", db, "-q", src});
    BOOST_TEST_REQUIRE(first.status == 0, first.err);
    ::setenv("XAPIAN_FLUSH_THRESHOLD", "150", 1);  // updates commit every 150 documents

    std::atomic<bool> done{false};
    std::atomic<long long> searches{0}, failures{0};
    auto fail = [&](const std::string& what, const RunResult& r) {
        ++failures;
        BOOST_TEST_MESSAGE("search failed (" << what << "): " << r.status << " " << r.err);
    };
    std::vector<std::thread> threads;
    // One-shot searches: the stable file's unique word is always found exactly once.
    for (int t = 0; t < 3; ++t) {
        threads.emplace_back([&, t] {
            const std::vector<std::vector<std::string>> kinds = {
                {"--count", "uniquestablex7"},
                {"--json", "--limit", "3", "harbour OR grain"},
                {"--files", "\"version0 uniquestablex12\""},
                {"--limit", "2", "--color", "never", "uniquestablex3 NEAR/5 version0"},
            };
            for (std::size_t i = static_cast<std::size_t>(t); !done; ++i) {
                std::vector<std::string> args = {"--db", db};
                const auto& kind = kinds[i % kinds.size()];
                args.insert(args.end(), kind.begin(), kind.end());
                RunResult r = run_program(FOLIO_SEARCHER, args);
                ++searches;
                if (r.status != 0 || !r.err.empty()) {
                    fail(kind.back(), r);
                } else if (kind.front() == "--count" && r.out != "1\n") {
                    fail("count " + r.out, r);
                } else if (kind.front() == "--files" &&
                           r.out != src + "/stable.jsonl#stable-12\n") {
                    fail("files " + r.out, r);
                } else if (kind.front() == "--json") {
                    auto j = nlohmann::json::parse(r.out, nullptr, false);
                    if (j.is_discarded() || j["hits"].empty())
                        fail("json", r);
                }
            }
        });
    }
    // A batch searcher keeps one database open across many queries while commits land.
    threads.emplace_back([&] {
        std::string input;
        for (int q = 0; q < 50; ++q)
            input += "uniquestablex" + std::to_string(q) + "\n";
        while (!done) {
            RunResult r = run_program(FOLIO_SEARCHER, {"--db", db, "--batch"}, input);
            std::istringstream lines(r.out);
            int answered = 0;
            for (std::string line; std::getline(lines, line); ++answered) {
                auto j = nlohmann::json::parse(line, nullptr, false);
                ++searches;
                if (j.is_discarded() || j.contains("error") || j["hits"].size() != 1)
                    fail("batch: " + line.substr(0, 200), r);
            }
            if (r.status != 0 || answered != 50)
                fail("batch run", r);
        }
    });

    // Updates (a third of the files rewritten each time, small commits) and rebuilds.
    int updates = 0, rebuilds = 0;
    for (int round = 1; round <= 6; ++round) {
        for (int f = round % 3; f < 8; f += 3)
            write_file(src + "/f" + std::to_string(f) + ".jsonl",
                       jsonl_records("f" + std::to_string(f), 250 + 20 * round, round));
        const bool rebuild = round % 3 == 0;
        std::vector<std::string> args = {"--db", db, "-q"};
        if (rebuild)
            args.push_back("--rebuild");
        args.push_back(src);
        RunResult r = index_run(args);
        BOOST_TEST(r.status == 0, r.err);
        ++(rebuild ? rebuilds : updates);
    }
    done = true;
    for (auto& t : threads)
        t.join();
    BOOST_TEST(searches.load() > 20);
    BOOST_TEST(failures.load() == 0);
    figure("concurrency.searches", searches.load());
    figure("concurrency.failed_searches", failures.load());
    figure("concurrency.updates", updates);
    figure("concurrency.rebuilds", rebuilds);
}

// A second indexer on a database another indexer is writing: "locked by another indexer (pid
// N)" naming the first, exit 2, nothing changed; with --wait-lock it waits and then does its job.
BOOST_AUTO_TEST_CASE(second_indexer_is_refused_or_waits) {
    TempDir dir;
    const std::string db = dir / "db";
    for (int f = 0; f < 6; ++f)
        write_file(dir / ("big/f" + std::to_string(f) + ".jsonl"),
                   jsonl_records("f" + std::to_string(f), 2000, 0));
    write_file(dir / "small/a.txt", "Small\n\nsecondindexerword\n");
    const int first =
        folio::test::start_program(FOLIO_INDEXER, {"--db", db, "-j", "1", dir / "big"});
    // Wait until the first holds the lock (its pid is in the lock file).
    const std::string pid = std::to_string(first);
    std::string holder;
    int status = 0;
    for (int i = 0; i < 3000 && holder != pid + "\n"; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        holder = read_text(db + "/folio.lock");
    }
    BOOST_TEST_REQUIRE(holder == pid + "\n");
    RunResult refused = index_run({"--db", db, dir / "small"});
    const bool still_running = !exited(first, &status);
    BOOST_TEST(refused.status == 2);
    BOOST_TEST(contains(refused.err, "folio-indexer: error: database " + db +
                                         " is locked by another indexer (pid " + pid + ")"),
               refused.err);
    BOOST_TEST(refused.out.empty());
    RunResult waited = index_run({"--db", db, "--wait-lock", "--json", dir / "small"});
    BOOST_TEST(waited.status == 0, waited.err);
    if (still_running)
        BOOST_TEST(folio::test::wait_program(first) == 0);
    BOOST_TEST(check_ids(db).documents == 12001u);
    BOOST_TEST(run_program(FOLIO_SEARCHER, {"--db", db, "-c", "secondindexerword"}).out == "1\n");
    figure("concurrency.lock_refusals", 1);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(inputs)

namespace {

/// The expected outcome of one hostile input: a message on stderr (severity and text), or
/// none; `word`, when set, must be searchable afterwards (the file's good part was indexed).
struct Expectation {
    std::string file;
    std::string
        message;  ///< "error: ..." or "warning: ...", after "folio-indexer: " and "PATH[:LINE]: "
    std::string word;
};

/// Drops root (to nobody) in the child when running as root, so that a mode-000 file is
/// really unreadable; returns false when it could not.
bool drop_root() {
    if (geteuid() != 0)
        return true;
    return setgid(65534) == 0 && setuid(65534) == 0;
}

}  // namespace

// The hostile corpus of tests/data/hostile, plus files made at test time (a 200 MB single line,
// 100,000 nested elements, an entity bomb, symlink loops, an unreadable file), indexed with
// good files among them: each bad input gets its documented message, every good article and
// every good record of a partly bad file is indexed, and the run exits 1 (some inputs failed).
BOOST_AUTO_TEST_CASE(hostile_files) {
    TempDir dir;
    const std::string in = dir / "in", db = dir / "db";
    fs::create_directories(in);
    for (const auto& e : fs::directory_iterator(kHostile))
        fs::copy_file(e.path(), in + "/" + e.path().filename().string());
    write_file(in + "/good/one.txt", "Good one\n\nkeyword goodone\n");
    write_file(in + "/good/two.md", "# Good two\n\nkeyword goodtwo\n");
    write_file(in + "/good/three.html", "<title>Good three</title><p>keyword goodthree</p>");
    {
        // 200 MB on one line, made here rather than committed.
        std::ofstream huge(in + "/huge-line.txt", std::ios::binary);
        const std::string block(1 << 20, 'y');
        huge << "Huge\n\n";
        for (int i = 0; i < 200; ++i)
            huge << block;
    }
    std::string deep = "<title>Deep</title>";
    for (int i = 0; i < 100000; ++i)
        deep += "<div>";
    write_file(in + "/deep-nesting.html", deep + "keyword deepnestingok");
    std::string bomb = "<title>Entities</title><p>";
    for (int i = 0; i < 200000; ++i)
        bomb += "&amp;&lt;&#x1F600;&#99999999;&#0;&notanentity;&nbsp";
    write_file(in + "/entity-bomb.html", bomb + " keyword entitybombok</p>");
    fs::create_directories(in + "/loop");
    fs::create_directory_symlink("..", in + "/loop/back");
    fs::create_symlink("self-loop.txt", in + "/self-loop.txt");
    write_file(in + "/unreadable.txt", "Secret\n\nkeyword unreadable\n");
    fs::permissions(in + "/unreadable.txt", fs::perms::none);
    fs::permissions(dir.path(), fs::perms::all);
    // A named pipe (opening it would block until a writer came), an article whose id carries
    // terminal escapes (the duplicate warning shows them escaped), 5000 tags on one record.
    BOOST_TEST_REQUIRE(mkfifo((in + "/pipe.jsonl").c_str(), 0644) == 0);
    const std::string escaped =
        R"({"id":"esc\u001b]0;title\u0007\u001b[2J","title":"Escapes","body":"keyword escapesok"})";
    write_file(in + "/escapes.jsonl", escaped + "\n" + escaped + "\n");
    {
        nlohmann::json tags = nlohmann::json::array();
        for (int i = 0; i < 5000; ++i)
            tags.push_back("t" + std::to_string(i));
        write_file(in + "/many-tags.jsonl",
                   nlohmann::json{{"title", "Tags"}, {"body", "keyword manytagsok"}, {"tags", tags}}
                           .dump() +
                       "\n");
    }

    const std::vector<Expectation> expected = {
        {"empty.txt", "warning: " + in + "/empty.txt: empty file, skipped", ""},
        {"whitespace.md", "warning: " + in + "/whitespace.md: empty file, skipped", ""},
        {"nul-bytes.html",
         "warning: " + in + "/nul-bytes.html: binary file (contains NUL bytes), skipped", ""},
        {"invalid-utf8.txt",
         "warning: " + in + "/invalid-utf8.txt: not valid UTF-8, decoded as Windows-1252",
         "latinbody"},
        {"overlong-utf8.txt",
         "warning: " + in + "/overlong-utf8.txt: not valid UTF-8, decoded as Windows-1252",
         "overlongbody"},
        {"mixed-utf8.txt",
         "warning: " + in + "/mixed-utf8.txt: not valid UTF-8, decoded as Windows-1252",
         "grüße"},  // its UTF-8 kept
        {"utf16-le-nobom.txt",
         "warning: " + in +
             "/utf16-le-nobom.txt: UTF-16 without a byte-order mark, decoded as little-endian",
         "utf16nobombody"},
        {"utf16-le.txt", "", "utf16lebody"},
        {"utf16-be.md", "", "utf16bebody"},
        {"utf16-le.jsonl", "", "utf16jsonlone"},
        {"utf16-le.jsonl", "", "utf16jsonltwo"},
        {"utf16-damaged.txt",
         "warning: " + in +
             "/utf16-damaged.txt: UTF-16 text with unpaired surrogates or an odd last byte: "
             "replaced by U+FFFD",
         "utf16damagedbody"},
        {"unknown-lang.md",
         "warning: " + in +
             "/unknown-lang.md: unknown language 'x-hostile', indexed in the database's "
             "language (warned once per tag)",
         "unknownlangbody"},
        {"empty-title.md", "", "emptytitlebody"},
        {"bom-crlf.txt", "", "crlfbody"},
        {"long-word.txt", "", "longwordbody"},
        {"bom-crlf.jsonl", "", "bomok"},
        {"bom-crlf.jsonl", "", "crlfok"},
        {"wrong-types.jsonl",
         "error: " + in + "/wrong-types.jsonl:2: field 'title' must be a string", "wrongtypesok"},
        {"wrong-types.jsonl",
         "error: " + in + "/wrong-types.jsonl:3: field 'body' must be a string", ""},
        {"wrong-types.jsonl", "error: " + in + "/wrong-types.jsonl:4: field 'id' must be", ""},
        {"wrong-types.jsonl", "", "tag:notalist"},  // a single tag as a string is a tag
        {"wrong-types.jsonl",
         "error: " + in +
             "/wrong-types.jsonl:6: field 'date' must be a string or an integer, not a number",
         ""},
        {"wrong-types.jsonl",
         "error: " + in + "/wrong-types.jsonl:7: line is not a JSON object but an array", ""},
        {"wrong-types.jsonl",
         "error: " + in + "/wrong-types.jsonl:8: line is not a JSON object but a string", ""},
        {"wrong-types.jsonl",
         "error: " + in + "/wrong-types.jsonl:9: line is not a JSON object but a number", ""},
        {"wrong-types.jsonl",
         "error: " + in + "/wrong-types.jsonl:10: line is not a JSON object but null", ""},
        {"wrong-types.jsonl",
         "error: " + in + "/wrong-types.jsonl:11: invalid JSON: number overflow parsing '1e999'",
         "overflowafterok"},
        {"missing-fields.jsonl",
         "error: " + in + "/missing-fields.jsonl:1: record has no 'title' and no 'body'",
         "missingfieldsok"},
        {"missing-fields.jsonl",
         "error: " + in + "/missing-fields.jsonl:2: record has no 'title' and no 'body'", ""},
        {"missing-fields.jsonl",
         "error: " + in + "/missing-fields.jsonl:4: record has no 'title' and no 'body'", ""},
        {"duplicate-ids.jsonl",
         "warning: " + in +
             "/duplicate-ids.jsonl:2: duplicate id 'dup' in this file (line 1): the later record "
             "replaces the earlier",
         "duplicateok"},
        {"duplicate-ids.jsonl", "", "duplicatesecond"},
        {"truncated.jsonl", "error: " + in + "/truncated.jsonl:2: invalid JSON at column 35",
         "truncatedok"},
        {"huge-line.txt",
         "error: " + in +
             "/huge-line.txt: file is larger than the --max-file-size limit (104857600 bytes)",
         ""},
        {"deep-nesting.html",
         "warning: " + in + "/deep-nesting.html: HTML nested deeper than 256 elements",
         "deepnestingok"},
        {"entity-bomb.html", "", "entitybombok"},
        {"loop", "error: " + in + "/loop/back: directory already visited (symlink loop?), skipped",
         ""},
        {"self-loop.txt", "error: " + in + "/self-loop.txt: Too many levels of symbolic links", ""},
        {"unreadable.txt", "error: " + in + "/unreadable.txt: cannot open file: Permission denied",
         ""},
        {"pipe.jsonl", "warning: " + in + "/pipe.jsonl: not a regular file (a named pipe): skipped",
         ""},
        {"escapes.jsonl",
         "warning: " + in +
             "/escapes.jsonl:2: duplicate id 'esc\\x1B]0;title\\x07\\x1B[2J' in this file (line "
             "1): the later record replaces the earlier",
         "escapesok"},
        {"many-tags.jsonl",
         "warning: " + in +
             "/many-tags.jsonl:1: 4000 author or tag values past the first 1000 of a list ignored",
         "manytagsok"},
        {"good/one.txt", "", "goodone"},
        {"good/two.md", "", "goodtwo"},
        {"good/three.html", "", "goodthree"},
    };

    RunResult r = run_with(dir.path().string(), FOLIO_INDEXER, {"--db", db, "--json", in}, [] {
        if (!drop_root())
            _exit(126);
    });
    BOOST_TEST_REQUIRE(r.status != 126, "cannot drop root privileges for the unreadable file");
    BOOST_TEST(r.status == 1, r.err);
    auto summary = nlohmann::json::parse(r.out, nullptr, false);
    BOOST_TEST_REQUIRE(!summary.is_discarded(), r.out);
    std::set<std::string> files;
    std::size_t messages = 0;
    for (const auto& e : expected) {
        files.insert(e.file);
        if (!e.message.empty()) {
            ++messages;
            BOOST_TEST(contains(r.err, "folio-indexer: " + e.message), e.file << ": " << r.err);
        }
        if (!e.word.empty()) {
            RunResult s = run_program(FOLIO_SEARCHER, {"--db", db, "--count", e.word});
            BOOST_TEST(s.out == "1\n", e.file << ": " << e.word << " " << s.err);
        }
    }
    // Nothing else: one message line per expectation.
    std::size_t lines = 0;
    for (std::size_t at = 0; (at = r.err.find('\n', at)) != std::string::npos; ++at)
        ++lines;
    BOOST_TEST(lines == messages, r.err);
    // Every good article: 3 good files, 13 good single-article files (6 of them UTF-16, mixed
    // with Windows-1252 or with an unknown language tag), 13 good records (2 of them UTF-16; a
    // duplicate id counts once); the named pipe is a skip.
    BOOST_TEST(summary["added"] == 29, r.out);
    BOOST_TEST(summary["skipped"] >= 1, r.out);
    BOOST_TEST(check_ids(db).documents == 29u);
    BOOST_TEST(r.err.find('\x1b') == std::string::npos, r.err);
    BOOST_TEST(xapian_check(db).status == 0);
    figure("inputs.hostile_inputs", static_cast<long long>(expected.size()));
    figure("inputs.hostile_files", static_cast<long long>(files.size()));
    figure("inputs.messages_checked", static_cast<long long>(messages));
}

// A JSON Lines file in UTF-16 large enough to be shared between threads (-j 2) is read whole,
// not cut at a byte that looks like a line end: every record is indexed, none is reported.
BOOST_AUTO_TEST_CASE(large_utf16_json_lines_with_threads) {
    TempDir dir;
    const std::string file = dir / "records.jsonl", db = dir / "db";
    constexpr int kRecords = 12000;
    {
        std::ofstream out(file, std::ios::binary);
        out << "\xFF\xFE";
        for (int i = 0; i < kRecords; ++i) {
            const std::string line = "{\"id\": \"r" + std::to_string(i) +
                                     "\", \"title\": \"Record\", \"body\": \"keyword "
                                     "utf16sliced " +
                                     std::string(180, 'x') + "\"}\n";
            for (char c : line)
                out << c << '\0';
        }
    }
    BOOST_TEST_REQUIRE(fs::file_size(file) > (4u << 20));
    RunResult r = run_program(FOLIO_INDEXER, {"--db", db, "-j", "2", file});
    BOOST_TEST(r.status == 0, r.err);
    BOOST_TEST(r.err.empty(), r.err);
    RunResult s = run_program(FOLIO_SEARCHER, {"--db", db, "--count", "utf16sliced"});
    BOOST_TEST(s.out == std::to_string(kRecords) + "\n", s.err);
}

// Hostile database directories (docs/SECURITY.md): stubs that loop, nest too deep, name a
// program or a server; a lock file, new stub or table that is a symbolic link to a victim; a
// FIFO where the stub or the lock should be. Each is refused with a message naming it (exit 2),
// nothing is run or connected to, no victim changes, nothing hangs.
BOOST_AUTO_TEST_CASE(hostile_databases) {
    TempDir dir;
    const std::string pwned = dir / "PWNED";
    const std::string victim = dir / "victim";
    write_file(victim, "precious\n");
    const std::string good = std::string(FOLIO_TEST_DATA) + "/e2e/good";
    struct Case {
        std::string name;
        std::function<void(const std::string& db)> make;
        std::string message;  ///< in the searcher's error (and the indexer's, when `index`)
        bool index;
    };
    auto stub = [](const std::string& text) {
        return [text](const std::string& db) {
            fs::create_directories(db);
            write_file(db + "/XAPIANDB", text);
        };
    };
    const std::vector<Case> cases = {
        {"self stub", stub("auto XAPIANDB\n"), "stub loop: ", true},
        {"absolute self stub",
         [](const std::string& db) {
             fs::create_directories(db);
             write_file(db + "/XAPIANDB", "auto " + db + "\n");
         },
         "stub loop: ", true},
        {"two-directory loop",
         [](const std::string& db) {
             fs::create_directories(db);
             fs::create_directories(db + "2");
             write_file(db + "/XAPIANDB", "auto " + db + "2\n");
             write_file(db + "2/XAPIANDB", "auto " + db + "\n");
         },
         "stub loop: ", true},
        {"deep nesting",
         [](const std::string& db) {
             for (int k = 0; k < 20; ++k) {
                 const std::string d = db + (k ? std::to_string(k) : "");
                 fs::create_directories(d);
                 write_file(d + "/XAPIANDB", "auto " + db + std::to_string(k + 1) + "\n");
             }
         },
         "stubs nested more than 8 deep", true},
        {"program remote", stub("remote :touch " + pwned + "\n"), "never runs a program", true},
        {"tcp remote", stub("remote 127.0.0.1:9\n"), "never runs a program", true},
        {"fifo stub",
         [](const std::string& db) {
             fs::create_directories(db);
             BOOST_TEST_REQUIRE(mkfifo((db + "/XAPIANDB").c_str(), 0644) == 0);
         },
         "not a regular file", true},
        {"symlinked lock",
         [&](const std::string& db) {
             fs::create_directories(db);
             fs::create_symlink(victim, db + "/folio.lock");
         },
         "folio.lock is a symbolic link", false},
        {"fifo lock",
         [](const std::string& db) {
             fs::create_directories(db);
             BOOST_TEST_REQUIRE(mkfifo((db + "/folio.lock").c_str(), 0644) == 0);
         },
         "folio.lock is not a regular file", false},
    };
    int refused = 0;
    for (std::size_t k = 0; k < cases.size(); ++k) {
        const Case& c = cases[k];
        const std::string db = dir / ("db" + std::to_string(k));
        c.make(db);
        if (c.index || !c.message.starts_with("folio.lock")) {
            RunResult s = run_program("/usr/bin/timeout", {"60", FOLIO_SEARCHER, "--db", db, "x"});
            BOOST_TEST(s.status == 2, c.name << ": " << s.err);
            BOOST_TEST(s.err.find(c.message) != std::string::npos, c.name << ": " << s.err);
            refused += s.status == 2 ? 1 : 0;
        }
        RunResult i = run_program("/usr/bin/timeout", {"60", FOLIO_INDEXER, "--db", db, good});
        BOOST_TEST(i.status == 2, c.name << ": " << i.err);
        BOOST_TEST(i.err.starts_with("folio-indexer: error: "), c.name << ": " << i.err);
        if (!c.index)
            BOOST_TEST(i.err.find(c.message) != std::string::npos, c.name << ": " << i.err);
        refused += i.status == 2 ? 1 : 0;
    }
    // A symbolic link planted as the new stub: the rebuild writes a fresh file, not its target.
    const std::string db = dir / "dbnew";
    BOOST_TEST_REQUIRE(index_run({"--db", db, "-q", good}).status == 0);
    fs::create_symlink(victim, db + "/XAPIANDB.new");
    BOOST_TEST(index_run({"--db", db, "-q", "--rebuild", good}).status == 0);
    BOOST_TEST(!fs::is_symlink(db + "/XAPIANDB"));
    BOOST_TEST(!fs::exists(pwned));
    std::ifstream in(victim);
    std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    BOOST_TEST(content == "precious\n");
    figure("inputs.hostile_databases", static_cast<long long>(cases.size() + 1));
    figure("inputs.hostile_databases_refused", refused);
}

// A file that vanishes between the crawl and its reading is reported; the rest is indexed.
BOOST_AUTO_TEST_CASE(file_vanishes_mid_run) {
    TempDir dir;
    const std::string in = dir / "in", db = dir / "db";
    write_file(in + "/a-big.jsonl", jsonl_records("big", 20000, 0));
    write_file(in + "/z-vanish.txt", "Vanish\n\nkeyword vanished\n");
    const std::string out = dir / "out", err = dir / "err";
    const int pid = start_logged(FOLIO_INDEXER, {"--db", db, "-j", "1", in}, out, err);
    // Once the indexer reads the big file, the crawl is over and has listed z-vanish.txt.
    bool reading = false;
    for (int i = 0; i < 4000 && !reading; ++i) {
        std::error_code ec;
        for (const auto& fd : fs::directory_iterator("/proc/" + std::to_string(pid) + "/fd", ec)) {
            reading = reading || fs::read_symlink(fd.path(), ec).filename() == "a-big.jsonl";
        }
        if (!reading)
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    BOOST_TEST_REQUIRE(reading);
    fs::remove(in + "/z-vanish.txt");
    const int status = folio::test::wait_program(pid);
    const std::string errors = read_text(err);
    BOOST_TEST(status == 1, errors);
    BOOST_TEST(contains(errors, "folio-indexer: error: " + in + "/z-vanish.txt: "), errors);
    BOOST_TEST(contains(errors, "No such file or directory"), errors);
    BOOST_TEST(check_ids(db).documents == 20000u);
    figure("inputs.vanishing_files", 1);
}

// A damaged index (its posting table overwritten) is reported with its path and exit status 2
// by the searcher and by an update, which points to --rebuild; the rebuild needs nothing of
// the damaged index and mends it.
BOOST_AUTO_TEST_CASE(damaged_index_is_reported_and_rebuilt) {
    TempDir dir;
    const std::string in = dir / "in", db = dir / "db";
    write_file(in + "/a.txt", "Harbour\n\nThe harbour froze over.\n");
    write_file(in + "/b.txt", "Mill\n\nThe mill wheel turned.\n");
    BOOST_TEST_REQUIRE(index_run({"--db", db, "-q", in}).status == 0);
    const std::string table = folio::DatabaseLayout(db).current() + "/postlist.glass";
    const auto size = fs::file_size(table);
    write_file(table, std::string(size, '\xab'));

    RunResult search = run_program(FOLIO_SEARCHER, {"--db", db, "harbour"});
    BOOST_TEST(search.status == 2, search.err);
    BOOST_TEST(search.out.empty());
    BOOST_TEST(search.err.starts_with("folio-searcher: error: cannot open database " + db + ": "),
               search.err);

    RunResult update = index_run({"--db", db, in});
    BOOST_TEST(update.status == 2, update.err);
    BOOST_TEST(contains(update.err, "folio-indexer: error: "), update.err);
    BOOST_TEST(contains(update.err, " is damaged ("), update.err);
    BOOST_TEST(contains(update.err, "folio-indexer --rebuild"), update.err);

    RunResult rebuild = index_run({"--db", db, "--rebuild", in});
    BOOST_TEST(rebuild.status == 0, rebuild.err);
    BOOST_TEST(contains(rebuild.err, "its synonyms are not carried over"), rebuild.err);
    RunResult found = run_program(FOLIO_SEARCHER, {"--db", db, "--count", "harbour"});
    BOOST_TEST(found.status == 0, found.err);
    BOOST_TEST(found.out == "1\n");
    figure("inputs.damaged_index_rebuilt", 1);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(queries)

// Hostile queries, each run as its own search and all of them through --batch: a clear error
// (exit 2, "folio-searcher: error: ...") or an answer (0 or 1), never a crash, never a hang; the
// match runs under a time limit.
BOOST_AUTO_TEST_CASE(hostile_queries) {
    TempDir dir;
    const std::string db = dir / "db";
    std::vector<std::string> args = {"--db", db, "-q"};
    std::vector<std::string> speeches;
    for (const auto& e : fs::directory_iterator(std::string(FOLIO_SOURCE_DIR) + "/corpus/sotu"))
        speeches.push_back(e.path().string());
    std::sort(speeches.begin(), speeches.end());
    args.insert(args.end(), speeches.begin(), speeches.begin() + 40);
    // Articles in ten more languages: every query below goes through the languages rule.
    args.push_back(std::string(FOLIO_TEST_DATA) + "/languages");
    BOOST_TEST_REQUIRE(index_run(args).status == 0);

    std::mt19937 rng(7);
    static const char* vocabulary[] = {"union", "congress", "the",  "war",    "AND", "OR",
                                       "NOT",   "peace",    "tax*", "title:", "\"",  "("};
    std::string ten_thousand, phrase = "\"", nested, nots, ands, nears, words;
    for (int i = 0; i < 10000; ++i) {
        ten_thousand += std::string(vocabulary[rng() % 4]) + " ";
        words += "w" + std::to_string(i) + " ";
        phrase += "the ";
        nested += "(";
        nots += "NOT ";
        ands += "union AND ";
        nears += "war NEAR/3 ";
    }
    nested += "union" + std::string(10000, ')');
    std::string random_ops;
    for (int i = 0; i < 2000; ++i)
        random_ops += std::string(vocabulary[rng() % 12]) + (rng() % 2 ? " " : "");
    const std::vector<std::string> queries = {
        "\"unbalanced quote",
        "((union OR congress)",
        "union OR congress))",
        ")(",
        "\"\"",
        "()",
        ten_thousand,
        words,
        phrase + "\"",
        random_ops,
        "a*",
        "*",
        "a* b* c* d* e* f* g* h* i* j* k* l* m* n* o* p* q* r* s* t*",
        "title:a* OR author:* OR c*",
        nested,
        std::string(10000, '('),
        nots + "union",
        ands + "war",
        nears + "peace",
        "union NEAR/999999999 war",
        "union ADJ/0 war",
        "date:2021..2020",
        "date:abc..def",
        "date:9999-99-99..",
        "date:..",
        "year:1990..1980",
        "year:0..99999999999999999999",
        "year:-5",
        "\x01\x02\x1b[31mred\x7f union",
        "tab\tseparated\vwords\fhere",
        "caf\xe9 \xff\xfe invalid utf-8",
        "\xc0\xaf overlong",
        std::string(100000, 'x'),
        "AND OR NOT",
        "NOT",
        "- + ~ : ::: title: author:",
        "tag: source: lang:xx lang:",
        "   ",
        "war* NEAR peace*",
        "union ADJ/2 war*",
        "\"tax* cut\"",
    };
    long long errors = 0, answered = 0;
    for (const auto& q : queries) {
        RunResult r = run_program(FOLIO_SEARCHER, {"--db", db, "--limit", "3", "--", q});
        const std::string shown = q.substr(0, 60);
        BOOST_TEST((r.status == 0 || r.status == 1 || r.status == 2), shown << ": " << r.status);
        if (r.status == 2) {
            ++errors;
            BOOST_TEST(r.err.starts_with("folio-searcher: error: "), shown << ": " << r.err);
            BOOST_TEST(r.out.empty(), shown);
        } else {
            ++answered;
            BOOST_TEST(r.err.empty(), shown << ": " << r.err);
        }
    }
    // The same through one --batch searcher (lines: control characters but no newlines): one
    // answer a line, blank lines included.
    std::string input;
    std::size_t lines = 0;
    for (auto q : queries) {
        std::replace(q.begin(), q.end(), '\n', ' ');
        input += q + "\n";
        ++lines;
    }
    RunResult batch =
        run_program(FOLIO_SEARCHER, {"--db", db, "--batch", "--passages", "1"}, input);
    BOOST_TEST((batch.status == 0 || batch.status == 2), batch.status);
    std::istringstream out(batch.out);
    std::size_t documents = 0;
    for (std::string line; std::getline(out, line); ++documents) {
        auto j = nlohmann::json::parse(line, nullptr, false);
        BOOST_TEST(!j.is_discarded(), line.substr(0, 200));
    }
    BOOST_TEST(documents == lines);
    // A time limit bounds the match (a tiny one still answers, with what it found).
    RunResult limited = run_program(
        FOLIO_SEARCHER, {"--db", db, "--time-limit", "0.000001", "--count", "sta* OR pe* OR tr*"});
    BOOST_TEST(limited.status == 0, limited.err);
    RunResult bad_limit = run_program(FOLIO_SEARCHER, {"--db", db, "--time-limit", "-1", "x"});
    BOOST_TEST(bad_limit.status == 2);
    figure("queries.hostile_queries", static_cast<long long>(queries.size()));
    figure("queries.refused_with_error", errors);
    figure("queries.answered", answered);
    figure("queries.batch_lines", static_cast<long long>(documents));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(disk_full)

namespace {

/// A tmpfs of `size` mounted on `path` for the life of the object, where the machine allows it.
class SmallFilesystem {
  public:
    SmallFilesystem(const std::string& path, const std::string& size) : path_(path) {
        fs::create_directories(path);
        // FOLIO_TEST_NO_MOUNT=1 tries the simulation where mounting would work.
        const char* no_mount = std::getenv("FOLIO_TEST_NO_MOUNT");
        mounted_ = (no_mount == nullptr || std::string(no_mount) != "1") &&
                   ::mount("folio-test", path.c_str(), "tmpfs", 0, ("size=" + size).c_str()) == 0;
    }
    ~SmallFilesystem() {
        if (mounted_)
            ::umount2(path_.c_str(), MNT_DETACH);
    }
    SmallFilesystem(const SmallFilesystem&) = delete;
    SmallFilesystem& operator=(const SmallFilesystem&) = delete;
    bool mounted() const { return mounted_; }

  private:
    std::string path_;
    bool mounted_ = false;
};

}  // namespace

// Indexing onto a full disk (a 4 MB tmpfs where mounting works, else every file limited to
// 1 MB by RLIMIT_FSIZE, which makes writes fail with EFBIG): the indexer reports the error and
// exits 2; the database keeps its last commit, consistent, for an update and for a rebuild; with
// room again, the next run converges. Where the disk fills while Xapian writes a value stream,
// Xapian 1.4 throws a second exception from a destructor: the run must still exit 2 with the
// error (cli::run's terminate handler), as it did on this test's tmpfs with schema 3's raw values.
BOOST_AUTO_TEST_CASE(full_disk_keeps_last_commit) {
    TempDir dir;
    SmallFilesystem small(dir / "small", "4m");
    const std::string db = dir / "small/db";
    const bool simulated = !small.mounted();
    BOOST_TEST_MESSAGE((simulated ? "no tmpfs mount here: simulating with RLIMIT_FSIZE"
                                  : "indexing onto a 4 MB tmpfs"));
    write_file(dir / "first/a.jsonl", jsonl_records("first", 100, 0));
    for (int f = 0; f < 4; ++f)
        write_file(dir / ("big/f" + std::to_string(f) + ".jsonl"),
                   jsonl_records("f" + std::to_string(f), 6000, 1));
    RunResult first = index_run({"--db", db, "-q", dir / "first"});
    BOOST_TEST_REQUIRE(first.status == 0, first.err);
    const std::set<std::string> before = check_ids(db).ids;

    auto limited = [&] {
        if (simulated) {
            signal(SIGXFSZ, SIG_IGN);
            rlimit limit{1 << 20, 1 << 20};
            setrlimit(RLIMIT_FSIZE, &limit);
        }
    };
    const std::string reason = simulated ? "File too large" : "No space left on device";
    int runs = 0;
    for (const bool rebuild : {false, true}) {
        std::vector<std::string> args = {"--db", db, "-q"};
        if (rebuild)
            args.push_back("--rebuild");
        args.insert(args.end(), {dir / "first", dir / "big"});
        RunResult full = run_with(dir.path().string(), FOLIO_INDEXER, args, limited);
        ++runs;
        BOOST_TEST(full.status == 2, (rebuild ? "rebuild: " : "update: ") << full.err);
        BOOST_TEST(full.err.starts_with("folio-indexer: error: "), full.err);
        BOOST_TEST(contains(full.err, reason), full.err);
        // The last commit is intact: the first articles (and, after an update, maybe some
        // committed before the disk filled), consistent, none twice.
        IdCheck check = check_ids(db);
        BOOST_TEST(check.duplicated == 0u);
        BOOST_TEST(check.ids.size() == check.documents);
        BOOST_TEST(std::includes(check.ids.begin(), check.ids.end(), before.begin(), before.end()));
        RunResult consistent = xapian_check(db);
        BOOST_TEST(consistent.status == 0, consistent.out + consistent.err);
        RunResult search = run_program(FOLIO_SEARCHER, {"--db", db, "-c", "uniquefirstx42"});
        BOOST_TEST(search.out == "1\n", search.err);
    }
    // With room again the next run converges (a bigger tmpfs, or no limit).
    if (!simulated)
        ::mount("folio-test", (dir / "small").c_str(), "tmpfs", MS_REMOUNT, "size=256m");
    RunResult again = index_run({"--db", db, "-q", dir / "first", dir / "big"});
    BOOST_TEST(again.status == 0, again.err);
    BOOST_TEST(check_ids(db).documents == 24100u);
    BOOST_TEST(xapian_check(db).status == 0);
    figure("disk_full.runs_failed_cleanly", runs);
    figure("disk_full.simulated", simulated ? 1 : 0);
}

BOOST_AUTO_TEST_SUITE_END()
