// SPDX-License-Identifier: GPL-2.0-or-later
// End-to-end tests of the environment the programs read: FOLIO_DB, FOLIO_LANGUAGE, NO_COLOR
// (and TERM), XDG_DATA_HOME and HOME; and that they write nothing outside the database
// directory and the paths the user names.
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <xapian.h>

#include <boost/test/unit_test.hpp>
#include <cerrno>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "../unit/temp_dir.hpp"
#include "folio/version.hpp"
#include "process.hpp"

namespace fs = std::filesystem;
using folio::test::contains;
using folio::test::run_program;
using folio::test::RunResult;
using folio::test::TempDir;
using Json = nlohmann::json;
using Env = std::map<std::string, std::string>;

namespace {

const std::string kGood = std::string(FOLIO_TEST_DATA) + "/e2e/good";

/// The variables the programs read, all unset, with `set` on top.
Env clean_env(const Env& set = {}) {
    Env env{{"FOLIO_DB", ""},       {"FOLIO_LANGUAGE", ""},  {"NO_COLOR", ""},
            {"XDG_DATA_HOME", ""},  {"XDG_CONFIG_HOME", ""}, {"XDG_CACHE_HOME", ""},
            {"XDG_STATE_HOME", ""}, {"XDG_RUNTIME_DIR", ""}};
    for (const auto& [k, v] : set)
        env[k] = v;
    return env;
}

/// Runs `program` with `args` in the directory `cwd`.
RunResult run_in(const std::string& cwd, const std::string& program, std::vector<std::string> args,
                 const Env& env, const std::string& input = {}) {
    args.insert(args.begin(), {"-c", "cd \"$0\" && exec \"$@\"", cwd, program});
    return run_program("/bin/sh", args, input, env);
}

/// Runs `program` with its standard output on a pseudo-terminal; returns what it printed.
std::string run_at_terminal(const std::string& program, const std::vector<std::string>& args,
                            const Env& env) {
    int master = -1;
    pid_t pid = forkpty(&master, nullptr, nullptr, nullptr);
    if (pid < 0)
        throw std::runtime_error("forkpty");
    if (pid == 0)
        folio::test::exec_program(program, args, env);
    std::string out;
    char buf[4096];
    for (;;) {
        ssize_t n = read(master, buf, sizeof buf);
        if (n > 0) {
            out.append(buf, static_cast<std::size_t>(n));
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else {
            break;  // EIO once the child has closed the terminal
        }
    }
    close(master);
    int status = 0;
    waitpid(pid, &status, 0);
    BOOST_REQUIRE_MESSAGE(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                          "the searcher at a terminal failed: " + out);
    return out;
}

/// Every file and directory under `root` (relative paths), with the size of each file.
std::map<std::string, std::uintmax_t> tree(const fs::path& root) {
    std::map<std::string, std::uintmax_t> out;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
        out[fs::relative(entry.path(), root).string()] =
            entry.is_regular_file() ? entry.file_size() : 0;
    }
    return out;
}

std::string describe(const std::map<std::string, std::uintmax_t>& files) {
    std::string out;
    for (const auto& [path, size] : files)
        out += "\n  " + path;
    return out.empty() ? " (nothing)" : out;
}

Json indexer_json(const std::vector<std::string>& args, const Env& env) {
    std::vector<std::string> all{"--json"};
    all.insert(all.end(), args.begin(), args.end());
    RunResult r = run_program(FOLIO_INDEXER, all, {}, env);
    BOOST_REQUIRE_MESSAGE(r.status == 0, "indexer failed: " + r.err);
    return Json::parse(r.out);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(environment)

// FOLIO_DB names the database for both programs when --db is not given; --db wins over it.
BOOST_AUTO_TEST_CASE(folio_db) {
    TempDir dir;
    const std::string db = dir / "from-env", other = dir / "from-flag";
    Env env = clean_env({{"FOLIO_DB", db}, {"HOME", dir / "home"}});
    BOOST_TEST(indexer_json({kGood}, env)["added"] == 6);
    BOOST_TEST(fs::exists(fs::path(db) / "XAPIANDB"));
    BOOST_TEST(!fs::exists(dir / "home"));

    RunResult found = run_program(FOLIO_SEARCHER, {"--count", "cocoa"}, {}, env);
    BOOST_TEST(found.status == 0);
    BOOST_TEST(found.out == "1\n");

    indexer_json({"--db", other, kGood + "/books"}, env);
    RunResult flag = run_program(FOLIO_SEARCHER, {"--db", other, "--count", "cocoa"}, {}, env);
    BOOST_TEST(flag.status == 1);  // the flag's database, without the cocoa article
    BOOST_TEST(flag.out == "0\n");

    // An empty FOLIO_DB counts as unset: the default under HOME.
    RunResult empty =
        run_program(FOLIO_SEARCHER, {"--count", "cocoa"}, {}, clean_env({{"HOME", dir / "home"}}));
    BOOST_TEST(empty.status == 2);
    BOOST_TEST(contains(empty.err, dir / "home/.local/share/folio/index"));
}

// Without --db and FOLIO_DB: $XDG_DATA_HOME/folio/index, else ~/.local/share/folio/index.
BOOST_AUTO_TEST_CASE(default_database_follows_xdg_and_home) {
    TempDir dir;
    indexer_json({kGood}, clean_env({{"HOME", dir / "home"}}));
    BOOST_TEST(fs::exists(dir / "home/.local/share/folio/index/XAPIANDB"));
    indexer_json({kGood}, clean_env({{"HOME", dir / "home"}, {"XDG_DATA_HOME", dir / "xdg"}}));
    BOOST_TEST(fs::exists(dir / "xdg/folio/index/XAPIANDB"));

    RunResult r =
        run_program(FOLIO_SEARCHER, {"--help"}, {}, clean_env({{"XDG_DATA_HOME", dir / "xdg"}}));
    BOOST_TEST(contains(r.out, dir / "xdg/folio/index"));  // --help shows the default
}

// FOLIO_LANGUAGE is the language of a new database when --language is not given; an existing
// database keeps its own, rebuilt or not; --language wins; a bad value is an error.
BOOST_AUTO_TEST_CASE(folio_language) {
    TempDir dir;
    const std::string db = dir / "db";
    Env french = clean_env({{"FOLIO_LANGUAGE", "fr"}});
    BOOST_TEST(indexer_json({"--db", db, kGood}, french)["language"] == "french");
    RunResult stats = run_program(FOLIO_SEARCHER, {"--db", db, "--stats", "--json"}, {}, french);
    BOOST_TEST(Json::parse(stats.out)["language"] == "french");

    Env german = clean_env({{"FOLIO_LANGUAGE", "german"}});
    BOOST_TEST(indexer_json({"--db", db, kGood}, german)["language"] == "french");
    BOOST_TEST(indexer_json({"--db", db, "--rebuild", kGood}, german)["language"] == "french");
    BOOST_TEST(indexer_json({"--db", db, "--rebuild", "--language", "en", kGood},
                            german)["language"] == "english");
    BOOST_TEST(indexer_json({"--db", dir / "new", "--language", "none", kGood},
                            german)["language"] == "none");
    BOOST_TEST(indexer_json({"--db", dir / "plain", kGood}, clean_env())["language"] == "english");

    RunResult bad = run_program(FOLIO_INDEXER, {"--db", dir / "bad", kGood}, {},
                                clean_env({{"FOLIO_LANGUAGE", "klingon"}}));
    BOOST_TEST(bad.status == 2);
    BOOST_TEST(
        contains(bad.err, "folio-indexer: error: FOLIO_LANGUAGE: unknown language 'klingon'"));
    BOOST_TEST(!fs::exists(dir / "bad"));
    RunResult help = run_program(FOLIO_INDEXER, {"--help"}, {}, clean_env());
    BOOST_TEST(contains(help.out, "$FOLIO_LANGUAGE"));
}

// At a terminal --color auto colours, unless NO_COLOR is set (and not empty) or TERM is dumb;
// --color always colours regardless. Through a pipe, auto never colours.
BOOST_AUTO_TEST_CASE(no_color) {
    TempDir dir;
    const std::string db = dir / "db";
    indexer_json({"--db", db, kGood}, clean_env());
    const std::vector<std::string> query{"--db", db, "cocoa"};
    auto with = [&](const std::string& color, const Env& env) {
        std::vector<std::string> args{"--color", color};
        args.insert(args.end(), query.begin(), query.end());
        return run_at_terminal(FOLIO_SEARCHER, args, env);
    };
    const std::string esc = "\033[";
    BOOST_TEST(contains(with("auto", clean_env({{"TERM", "xterm"}})), esc));
    BOOST_TEST(!contains(with("auto", clean_env({{"TERM", "xterm"}, {"NO_COLOR", "1"}})), esc));
    BOOST_TEST(contains(with("auto", clean_env({{"TERM", "xterm"}, {"NO_COLOR", ""}})), esc));
    BOOST_TEST(!contains(with("auto", clean_env({{"TERM", "dumb"}})), esc));
    BOOST_TEST(contains(with("always", clean_env({{"TERM", "xterm"}, {"NO_COLOR", "1"}})), esc));
    BOOST_TEST(!contains(with("never", clean_env({{"TERM", "xterm"}})), esc));

    RunResult piped = run_program(FOLIO_SEARCHER, query, {}, clean_env({{"TERM", "xterm"}}));
    BOOST_TEST(piped.status == 0);
    BOOST_TEST(!contains(piped.out, esc));
    BOOST_TEST(contains(piped.out, "**Cocoa**"));
}

// With HOME, the XDG directories and TMPDIR pointed at an empty directory and the working
// directory another, a full round of indexing and searching writes only into the database
// directory: nothing in HOME, TMPDIR, the working directory or the input.
BOOST_AUTO_TEST_CASE(writes_nothing_outside_the_database) {
    TempDir dir;
    const fs::path home = dir / "home", work = dir / "work", input = dir / "input",
                   dbs = dir / "dbs";
    for (const auto& d : {home, home / "tmp", work, dbs})
        fs::create_directories(d);
    fs::copy(kGood, input, fs::copy_options::recursive);
    const std::string synonyms = (dir / "synonyms.txt");
    std::ofstream(synonyms) << "harbour, port\n";
    const std::string like = dir / "like.txt";
    std::ofstream(like) << "Cocoa crop\n\nThe cocoa harvest in Bahia recovered after rain.\n";
    const auto input_before = tree(input);

    Env env = clean_env({{"HOME", home.string()}, {"TMPDIR", (home / "tmp").string()}});
    const std::string db = (dbs / "index").string();
    auto index = [&](std::vector<std::string> args) {
        RunResult r = run_in(work, FOLIO_INDEXER, args, env);
        BOOST_TEST(r.status == 0, "indexer " << args.back() << ": " << r.err);
    };
    auto search = [&](std::vector<std::string> args, const std::string& stdin_text = {},
                      int expected = 0) {
        args.insert(args.begin(), {"--db", db});
        RunResult r = run_in(work, FOLIO_SEARCHER, args, env, stdin_text);
        BOOST_TEST(r.status == expected, "searcher " << args.back() << ": " << r.err);
    };
    index({"--db", db, "-j", "2", input.string()});
    index({"--db", db, input.string()});
    std::ofstream(input / "books/loomings.md", std::ios::app) << "\nA new closing line.\n";
    index({"--db", db, "--synonyms", synonyms, input.string()});
    index({"--db", db, "--rebuild", "-j", "2", "--compact", input.string()});
    index({"--db", db, "--dry-run", input.string()});
    index({"--db", db, "--compact"});
    RunResult jsonl = run_in(work, FOLIO_INDEXER, {"--db", db, "-"}, env,
                             "{\"id\": \"s1\", \"title\": \"Stdin\", \"body\": \"cocoa\"}\n");
    BOOST_TEST(jsonl.status == 0);
    search({"cocoa"});
    search({"--json", "--facet", "source", "--explain", "harbour OR milit*"});
    search({"--like-file", like});
    search({"--like", "wire-1", "--files"});
    search({"--stats", "--json"});
    search({"--batch"}, "cocoa\n\"nato allies\"\n(broken\n", 2);  // 2: a malformed query
    search({"--correct", "--expand-synonyms", "coccoa harbour"});

    BOOST_TEST(tree(home).size() == 1u, "HOME holds:" << describe(tree(home)));  // only tmp/
    BOOST_TEST(tree(work).empty(), "the working directory holds:" << describe(tree(work)));
    std::set<std::string> before, after;  // the input: the same files, none added
    for (const auto& [path, size] : input_before)
        before.insert(path);
    for (const auto& [path, size] : tree(input))
        after.insert(path);
    BOOST_TEST(before == after);
    std::set<std::string> names;
    for (const auto& entry : fs::directory_iterator(dbs))
        names.insert(entry.path().filename().string());
    BOOST_TEST(names == std::set<std::string>{"index"});
    std::set<std::string> top;
    for (const auto& entry : fs::directory_iterator(dir.path()))
        top.insert(entry.path().filename().string());
    BOOST_TEST(
        (top == std::set<std::string>{"home", "work", "input", "dbs", "synonyms.txt", "like.txt"}));
}

// --version names Folio's version and the Xapian and libstemmer the program runs on.
BOOST_AUTO_TEST_CASE(version) {
    for (const std::string program : {FOLIO_INDEXER, FOLIO_SEARCHER}) {
        RunResult r = run_program(program, {"--version"}, {}, clean_env());
        BOOST_TEST(r.status == 0);
        const std::string name = fs::path(program).filename().string();
        BOOST_TEST(r.out.starts_with(name + " (Folio) " FOLIO_VERSION "\n"), r.out);
        BOOST_TEST(contains(r.out, "\nXapian " + std::string(Xapian::version_string()) + ", "),
                   r.out);
        BOOST_TEST(contains(r.out, "Snowball libstemmer ("), r.out);
        BOOST_TEST(!contains(r.out, "unknown version"), r.out);
    }
    // The installed folio/version.hpp, generated from the same project(VERSION).
    BOOST_TEST(std::string(folio::kVersionString) == FOLIO_VERSION);
    BOOST_TEST(std::to_string(folio::kVersionMajor) + "." + std::to_string(folio::kVersionMinor) +
                   "." + std::to_string(folio::kVersionPatch) ==
               FOLIO_VERSION);
}

BOOST_AUTO_TEST_SUITE_END()
