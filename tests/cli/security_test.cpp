// SPDX-License-Identifier: GPL-2.0-or-later
// End-to-end tests of the boundaries of docs/SECURITY.md: what a database directory, an
// indexed article or a file name can make the programs do. Terminal output is checked byte by
// byte, at a pseudo-terminal where the programs decide by it (colour).
#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <pty.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "../unit/temp_dir.hpp"
#include "process.hpp"

namespace fs = std::filesystem;
using folio::test::contains;
using folio::test::run_program;
using folio::test::RunResult;
using folio::test::TempDir;

namespace {

const std::string kGood = std::string(FOLIO_TEST_DATA) + "/e2e/good";

/// A program run under timeout(1): a hang is a failure (status 124), not a stuck test.
RunResult run_bounded(const std::string& program, std::vector<std::string> args,
                      const std::string& input = {}) {
    args.insert(args.begin(), {"-s", "KILL", "60", program});
    return run_program("/usr/bin/timeout", args, input);
}

RunResult indexer(const std::vector<std::string>& args, const std::string& input = {}) {
    return run_bounded(FOLIO_INDEXER, args, input);
}

RunResult searcher(const std::vector<std::string>& args, const std::string& input = {}) {
    return run_bounded(FOLIO_SEARCHER, args, input);
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string base64(const std::string& bytes) {
    static const char* alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
        unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
        if (i + 1 < bytes.size())
            v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
        if (i + 2 < bytes.size())
            v |= static_cast<unsigned char>(bytes[i + 2]);
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        out += i + 1 < bytes.size() ? alphabet[(v >> 6) & 63] : '=';
        out += i + 2 < bytes.size() ? alphabet[v & 63] : '=';
    }
    return out;
}

/// Runs `program` with standard output and error on a pseudo-terminal; its exit status and
/// what it printed (the terminal's "\r\n" back to "\n").
RunResult run_at_terminal(const std::string& program, const std::vector<std::string>& args) {
    int master = -1;
    pid_t pid = forkpty(&master, nullptr, nullptr, nullptr);
    if (pid < 0)
        throw std::runtime_error("forkpty");
    if (pid == 0)
        folio::test::exec_program(program, args, {{"NO_COLOR", ""}, {"TERM", "xterm"}});
    std::string out;
    char buf[4096];
    for (;;) {
        ssize_t n = read(master, buf, sizeof buf);
        if (n > 0)
            out.append(buf, static_cast<std::size_t>(n));
        else if (n < 0 && errno == EINTR)
            continue;
        else
            break;
    }
    close(master);
    int status = 0;
    waitpid(pid, &status, 0);
    RunResult r;
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    for (std::size_t i = 0; i < out.size(); ++i) {
        if (!(out[i] == '\r' && i + 1 < out.size() && out[i + 1] == '\n'))
            r.out += out[i];
    }
    return r;
}

/// The escape sequences the hostile article below carries, none of which may reach a terminal.
const std::vector<std::string> kHostileSequences{
    "\x1b]0;",       // OSC 0: window title
    "\x1b]52;",      // OSC 52: clipboard
    "\x1b[2J",       // CSI 2J: clear the screen
    "\x1b[8m",       // CSI 8m: hidden text
    "\x07",          // BEL (ends an OSC)
    "\xc2\x9b",      // C1 CSI
    "\xe2\x80\xae",  // U+202E right-to-left override
    "\xe2\x81\xa6",  // U+2066 left-to-right isolate
};

/// The hostile sequences found in `text` (by index), for messages.
std::string hostile_in(const std::string& text) {
    std::string found;
    for (std::size_t i = 0; i < kHostileSequences.size(); ++i) {
        if (contains(text, kHostileSequences[i]))
            found += " #" + std::to_string(i);
    }
    return found;
}

/// A database of articles whose every field carries terminal escape sequences.
struct HostileIndex {
    TempDir dir;
    std::string db = dir / "db";
    std::string jsonl;
    HostileIndex() {
        const std::string evil =
            "\x1b]0;pwned\x07\x1b]52;c;cm0gLXJmIH4=\x07\x1b[2J\x1b[8mhidden\xc2\x9b"
            "31m\xe2\x80\xae"
            "drow\xe2\x81\xa6x";
        nlohmann::json record{{"id", "zebra-1" + evil},
                              {"title", "Zebra crossing " + evil},
                              {"body", "The zebra crossed the road. " + evil + " zebra again."},
                              {"author", "Ann " + evil},
                              {"source", "wire" + evil},
                              {"tags", {"tag" + evil}},
                              {"url", "https://example.org/" + evil},
                              {"date", "2020-01-02"}};
        fs::create_directories(dir / "in");
        jsonl = dir.write("in/evil\x1b[2J.jsonl", record.dump() + "\n" + record.dump() + "\n");
        RunResult r = indexer({"--db", db, jsonl});
        if (r.status > 1)
            throw std::runtime_error("indexing the hostile article failed: " + r.err);
        index_err = r.err;
    }
    std::string index_err;
};

const HostileIndex& hostile_index() {
    static HostileIndex index;
    return index;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(security)

// ---------------------------------------------------------------------------------------------
// Database directories

// A database directory's stub never runs a program, and never reaches a server: not from
// XAPIANDB found by path, not for --stats, not through a stub another stub names.
BOOST_AUTO_TEST_CASE(stub_in_database_directory_runs_no_program) {
    TempDir dir;
    const std::string pwned = dir / "PWNED";
    fs::create_directories(dir / "db");
    dir.write("db/XAPIANDB", "remote :touch " + pwned + "\n");
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"--db", dir / "db", "x"}, {"--db", dir / "db", "--stats"}}) {
        RunResult r = searcher(args);
        BOOST_TEST(r.status == 2, r.err);
        BOOST_TEST(contains(r.err, "folio-searcher: error: "), r.err);
        BOOST_TEST(contains(r.err, "never runs a program"), r.err);
        BOOST_TEST(!fs::exists(pwned));
    }
    // Named by its file, the stub of a database directory is still one.
    RunResult r = searcher({"--db", dir / "db/XAPIANDB", "x"});
    BOOST_TEST(r.status == 2, r.err);
    BOOST_TEST(!fs::exists(pwned));
    // A stub file the user names may list remote shards, but not bring in those of a database
    // directory it names.
    const std::string mine = dir.write("mine.stub", "auto db\n");
    r = searcher({"--db", mine, "x"});
    BOOST_TEST(r.status == 2, r.err);
    BOOST_TEST(contains(r.err, "never runs a program"), r.err);
    BOOST_TEST(!fs::exists(pwned));
    // tcp remotes: refused in a database directory, before any connection.
    dir.write("db/XAPIANDB", "remote 127.0.0.1:9\n");
    r = searcher({"--db", dir / "db", "x"});
    BOOST_TEST(r.status == 2, r.err);
    BOOST_TEST(contains(r.err, "refusing it"), r.err);
    BOOST_TEST(!contains(r.err, "connect"), r.err);
    // The indexer follows only the stubs it writes.
    dir.write("db/XAPIANDB", "remote :touch " + pwned + "\n");
    r = indexer({"--db", dir / "db", kGood});
    BOOST_TEST(r.status == 2, r.err);
    BOOST_TEST(contains(r.err, "not a generation of this database"), r.err);
    BOOST_TEST(!fs::exists(pwned));
}

// A stub that names itself or loops through another directory is an error naming the loop,
// not a crash (SIGSEGV inside Xapian) or "no database at".
BOOST_AUTO_TEST_CASE(stub_loops_are_reported) {
    TempDir dir;
    fs::create_directories(dir / "a");
    fs::create_directories(dir / "b");
    for (const std::string& line :
         std::vector<std::string>{"auto XAPIANDB", "auto " + (dir / "a"), "auto ."}) {
        dir.write("a/XAPIANDB", line + "\n");
        RunResult r = searcher({"--db", dir / "a", "x"});
        BOOST_TEST(r.status == 2, line << ": " << r.err);
        BOOST_TEST(
            contains(r.err, "folio-searcher: error: stub loop: " + (dir / "a/XAPIANDB") + " -> "),
            line << ": " << r.err);
        r = searcher({"--db", dir / "a", "--stats"});
        BOOST_TEST(r.status == 2, line << ": " << r.err);
        r = indexer({"--db", dir / "a", kGood});
        BOOST_TEST(r.status == 2, line << ": " << r.err);
        BOOST_TEST(contains(r.err, "folio-indexer: error: "), r.err);
    }
    dir.write("a/XAPIANDB", "auto ../b\n");
    dir.write("b/XAPIANDB", "auto ../a\n");
    RunResult r = searcher({"--db", dir / "a", "x"});
    BOOST_TEST(r.status == 2, r.err);
    BOOST_TEST(contains(r.err, "stub loop: " + (dir / "a/XAPIANDB") + " -> " +
                                   (dir / "b/XAPIANDB") + " -> " + (dir / "a/XAPIANDB") + "\n"),
               r.err);
    // A chain longer than the bound, without a loop.
    for (int k = 0; k < 12; ++k) {
        fs::create_directories(dir / ("c" + std::to_string(k)));
        dir.write("c" + std::to_string(k) + "/XAPIANDB",
                  "auto ../c" + std::to_string(k + 1) + "\n");
    }
    r = searcher({"--db", dir / "c0", "x"});
    BOOST_TEST(r.status == 2, r.err);
    BOOST_TEST(contains(r.err, "stubs nested more than 8 deep"), r.err);
}

// The lock file and the new stub are never written through a symbolic link planted in the
// database directory: the file it points to keeps its bytes.
BOOST_AUTO_TEST_CASE(database_files_are_not_followed) {
    TempDir dir;
    const std::string victim = dir.write("victim", "precious\n");
    const std::string db = dir / "db";
    fs::create_directories(db);
    fs::create_symlink(victim, db + "/folio.lock");
    RunResult r = indexer({"--db", db, kGood});
    BOOST_TEST(r.status == 2, r.err);
    BOOST_TEST(contains(r.err, "folio.lock is a symbolic link"), r.err);
    BOOST_TEST(read_file(victim) == "precious\n");

    fs::remove(db + "/folio.lock");
    r = indexer({"--db", db, kGood});
    BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
    fs::create_symlink(victim, db + "/XAPIANDB.new");
    r = indexer({"--db", db, "--rebuild", kGood});
    BOOST_TEST(r.status == 0, r.err);
    BOOST_TEST(read_file(victim) == "precious\n");
    BOOST_TEST(!fs::is_symlink(db + "/XAPIANDB"));
    BOOST_TEST(fs::is_regular_file(db + "/XAPIANDB"));
    r = searcher({"--db", db, "--count", "harbour"});
    BOOST_TEST(r.status == 0, r.err);

    // A table of the live generation that leads elsewhere is refused before anything is written.
    std::string generation;
    for (const auto& entry : fs::directory_iterator(db)) {
        if (entry.path().filename().string().starts_with("gen-"))
            generation = entry.path().string();
    }
    BOOST_REQUIRE(!generation.empty());
    fs::rename(generation + "/termlist.glass", dir / "termlist.glass");
    fs::create_symlink(dir / "termlist.glass", generation + "/termlist.glass");
    const auto before = fs::file_size(dir / "termlist.glass");
    r = indexer({"--db", db, kGood});
    BOOST_TEST(r.status == 2, r.err);
    BOOST_TEST(contains(r.err, "refusing to write the database through it"), r.err);
    BOOST_TEST(fs::file_size(dir / "termlist.glass") == before);
}

// Two indexers started together: the one refused names the other's pid (it used to read the
// lock file before the winner had written it, and said "pid unknown").
BOOST_AUTO_TEST_CASE(lock_refusal_names_the_pid) {
    TempDir dir;
    const std::string db = dir / "db";
    RunResult r = indexer({"--db", db, kGood});
    BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
    int refusals = 0, unknown = 0;
    for (int round = 0; round < 10; ++round) {
        RunResult results[2];
        std::thread a([&] { results[0] = indexer({"--db", db, "--rebuild", kGood}); });
        std::thread b([&] { results[1] = indexer({"--db", db, "--rebuild", kGood}); });
        a.join();
        b.join();
        for (const auto& result : results) {
            if (contains(result.err, "is locked by another indexer")) {
                ++refusals;
                unknown += contains(result.err, "pid unknown") ? 1 : 0;
            }
        }
    }
    BOOST_TEST_MESSAGE("lock refusals: " << refusals);
    BOOST_TEST(unknown == 0);
}

// ---------------------------------------------------------------------------------------------
// Terminal output

// No field of an article reaches the terminal raw: not the listing (in colour at a terminal,
// or not), facets, statistics, --files, --explain, nor the indexer's messages.
BOOST_AUTO_TEST_CASE(article_fields_cannot_drive_the_terminal) {
    const HostileIndex& idx = hostile_index();
    BOOST_TEST(contains(idx.index_err, "duplicate id"), idx.index_err);
    BOOST_TEST(hostile_in(idx.index_err).empty(), hostile_in(idx.index_err) << idx.index_err);
    BOOST_TEST(contains(idx.index_err, "\\x1B]0;pwned\\x07"), idx.index_err);
    const std::vector<std::vector<std::string>> runs{
        {"zebra"},
        {"--color", "never", "zebra"},
        {"--color", "always", "zebra"},
        {"--facet", "author,tag,source", "zebra"},
        {"--files", "zebra"},
        {"--stats"},
        {"--explain", "zebra"},
        {"--collapse", "author", "zebra"},
    };
    for (auto args : runs) {
        args.insert(args.begin(), {"--db", idx.db});
        RunResult r = searcher(args);
        BOOST_TEST(r.status == 0, r.err);
        BOOST_TEST(hostile_in(r.out).empty(), args.back() << ":" << hostile_in(r.out) << "\n"
                                                          << r.out);
        BOOST_TEST(!contains(r.out, std::string("\x1b]")));
        RunResult t = run_at_terminal(FOLIO_SEARCHER, args);
        BOOST_TEST(t.status == 0, t.out);
        BOOST_TEST(hostile_in(t.out).empty(), args.back() << ":" << hostile_in(t.out) << "\n"
                                                          << t.out);
    }
    // Made visible, not dropped: a reader sees that something was there.
    RunResult r = searcher({"--db", idx.db, "--color", "never", "zebra"});
    BOOST_TEST(contains(r.out, "Ann \\x1B]0;pwned\\x07"), r.out);
    BOOST_TEST(contains(r.out, "<U+009B>31m<U+202E>drow<U+2066>x"), r.out);
    BOOST_TEST(contains(r.out, " crossing \\x1B]0;pwned\\x07"), r.out);  // the title's too
    // --json stays exact.
    r = searcher({"--db", idx.db, "--json", "zebra"});
    auto json = nlohmann::json::parse(r.out);
    BOOST_TEST(json["hits"][0]["authors"][0].get<std::string>().find("\x1b]0;pwned\x07") !=
               std::string::npos);
    // The title's highlights are offsets into that exact title, control characters and all.
    r = searcher({"--db", idx.db, "--json", "pwned"});
    json = nlohmann::json::parse(r.out);
    BOOST_TEST_REQUIRE(!json["hits"].empty(), r.out);
    for (const auto& hit : json["hits"]) {
        const std::string title = hit["title"];
        BOOST_TEST_REQUIRE(hit["title_highlights"].size() == 1u, r.out);
        const std::size_t begin = hit["title_highlights"][0][0];
        const std::size_t end = hit["title_highlights"][0][1];
        BOOST_TEST(title.substr(begin, end - begin) == "pwned", title);
    }
    // Errors too: the path the user gave is shown, its escapes made visible.
    r = searcher({"--db", idx.dir / "no\x1b]0;x\x07where", "zebra"});
    BOOST_TEST(r.status == 2);
    BOOST_TEST(hostile_in(r.err).empty(), r.err);
    BOOST_TEST(contains(r.err, "no\\x1B]0;x\\x07where"), r.err);
}

// --files: one line per hit whatever the name holds; -0/--null the exact bytes, NUL-ended; an
// article of a JSON Lines file as PATH#ID; --json gives a name's bytes when they are not UTF-8.
BOOST_AUTO_TEST_CASE(files_output_for_scripts) {
    TempDir dir;
    fs::create_directories(dir / "in");
    const std::string newline = dir.write("in/two\nlines.txt", "Quokka one.\n\nQuokka text.\n");
    const std::string latin1 = dir.write("in/bad\xe9\xff.txt", "Quokka two.\n\nQuokka text.\n");
    const std::string jsonl =
        dir.write("in/feed.jsonl",
                  "{\"id\":\"q-1\",\"title\":\"Quokka three\",\"body\":\"quokka\"}\n"
                  "{\"title\":\"Quokka four\",\"body\":\"quokka\"}\n");
    const std::string db = dir / "db";
    RunResult r = indexer({"--db", db, dir / "in"});
    BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);

    r = searcher({"--db", db, "--files", "-m", "10", "quokka"});
    BOOST_TEST(r.status == 0, r.err);
    std::vector<std::string> lines;
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);)
        lines.push_back(line);
    BOOST_TEST(lines.size() == 4u, r.out);
    BOOST_TEST(contains(r.out, (dir / "in/two") + "\\nlines.txt\n"), r.out);
    BOOST_TEST(contains(r.out, (dir / "in/bad") + "\\xE9\\xFF.txt\n"), r.out);
    BOOST_TEST(contains(r.out, jsonl + "#q-1\n"), r.out);
    BOOST_TEST(contains(r.out, jsonl + "#"), r.out);

    r = searcher({"--db", db, "--files", "--null", "-m", "10", "quokka"});
    BOOST_TEST(r.status == 0, r.err);
    std::vector<std::string> names;
    for (std::size_t start = 0; start < r.out.size();) {
        std::size_t end = r.out.find('\0', start);
        BOOST_REQUIRE(end != std::string::npos);
        names.push_back(r.out.substr(start, end - start));
        start = end + 1;
    }
    BOOST_TEST(names.size() == 4u);
    BOOST_TEST((std::find(names.begin(), names.end(), newline) != names.end()), r.out);
    BOOST_TEST((std::find(names.begin(), names.end(), latin1) != names.end()), r.out);
    BOOST_TEST((std::find(names.begin(), names.end(), jsonl + "#q-1") != names.end()), r.out);
    r = searcher({"--db", db, "-0", "quokka"});
    BOOST_TEST(r.status == 2);
    BOOST_TEST(contains(r.err, "--files"), r.err);

    r = searcher({"--db", db, "--json", "-m", "10", "quokka"});
    auto json = nlohmann::json::parse(r.out);
    int with_bytes = 0;
    for (const auto& hit : json["hits"]) {
        if (hit.contains("path_bytes")) {
            ++with_bytes;
            BOOST_TEST(hit["path_bytes"].get<std::string>() == base64(latin1));
            BOOST_TEST(hit["path"].get<std::string>() != latin1);
        }
    }
    BOOST_TEST(with_bytes == 1);
}

// ---------------------------------------------------------------------------------------------
// Inputs that hang or explode

// A named pipe is never opened: named on the command line it is an error, met in a walk a
// counted skip; either way at once, not a hang holding the lock.
BOOST_AUTO_TEST_CASE(named_pipes_are_not_opened) {
    TempDir dir;
    fs::create_directories(dir / "in");
    dir.write("in/a.txt", "Wombat.\n\nA wombat text.\n");
    BOOST_REQUIRE(mkfifo((dir / "in/pipe.jsonl").c_str(), 0644) == 0);
    const std::string db = dir / "db";
    RunResult r = indexer({"--db", db, dir / "in/pipe.jsonl"});
    BOOST_TEST(r.status == 1, r.err);
    BOOST_TEST(contains(r.err, "pipe.jsonl: not a regular file (a named pipe): not read"), r.err);
    r = indexer({"--db", db, "--json", dir / "in"});
    BOOST_TEST(r.status == 0, r.err);
    BOOST_TEST(contains(r.err, "folio-indexer: warning: " + (dir / "in/pipe.jsonl") +
                                   ": not a regular file (a named pipe): skipped"),
               r.err);
    auto summary = nlohmann::json::parse(r.out);
    BOOST_TEST(summary["skipped"].get<int>() == 1);
    BOOST_TEST(summary["added"].get<int>() == 1);

    // --like-file: the indexer's rules.
    r = searcher({"--db", db, "--like-file", dir / "in/pipe.jsonl"});
    BOOST_TEST(r.status == 2, r.err);
    BOOST_TEST(contains(r.err, "not a regular file (a named pipe)"), r.err);
    r = searcher({"--db", db, "--like-file", "/dev/zero"});
    BOOST_TEST(r.status == 2, r.err);
    BOOST_TEST(contains(r.err, "/dev/zero: not a regular file (a character device)"), r.err);
}

// A second SIGTERM ends an indexer blocked in a read (standard input that never ends).
BOOST_AUTO_TEST_CASE(second_sigterm_ends_a_blocked_indexer) {
    TempDir dir;
    int in[2];
    BOOST_REQUIRE(pipe(in) == 0);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(in[0], STDIN_FILENO);
        close(in[0]);
        close(in[1]);
        folio::test::exec_program(FOLIO_INDEXER, {"--db", dir / "db", "-q", "-"});
    }
    close(in[0]);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    kill(pid, SIGTERM);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    kill(pid, SIGTERM);
    int status = 0;
    for (int i = 0; i < 100 && waitpid(pid, &status, WNOHANG) == 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    bool ended = WIFSIGNALED(status) || WIFEXITED(status);
    if (!ended) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
    }
    close(in[1]);
    BOOST_TEST(ended);
    // The lock went with it.
    RunResult r = indexer({"--db", dir / "db", kGood});
    BOOST_TEST(r.status == 0, r.err);
}

// 100,000 tags on one record: linear time, and capped at 1000 with a warning.
BOOST_AUTO_TEST_CASE(many_tags_are_capped_in_linear_time) {
    TempDir dir;
    nlohmann::json tags = nlohmann::json::array();
    for (int i = 0; i < 100000; ++i)
        tags.push_back("tag" + std::to_string(i));
    nlohmann::json record{
        {"id", "many"}, {"title", "Many tags"}, {"body", "numbat"}, {"tags", tags}};
    std::string keywords;
    for (int i = 0; i < 200000; ++i)
        keywords += (i ? "," : "") + std::string("kw") + std::to_string(i);
    dir.write("many.jsonl", record.dump() + "\n");
    dir.write("many.html", "<html><head><title>Keywords</title><meta name=keywords content=\"" +
                               keywords + "\"></head><body><p>numbat</p></body></html>");
    auto start = std::chrono::steady_clock::now();
    RunResult r = indexer({"--db", dir / "db", dir / "many.jsonl", dir / "many.html"});
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    BOOST_TEST(r.status == 0, r.err);
    BOOST_TEST_MESSAGE("100,000 tags and 200,000 keywords indexed in " << seconds << " s");
    BOOST_TEST(seconds < 5.0);
    BOOST_TEST(contains(r.err,
                        "many.jsonl:1: 99000 author or tag values past the first 1000 of "
                        "a list ignored"),
               r.err);
    BOOST_TEST(contains(r.err, "many.html: 199000 author or tag values past the first 1000"),
               r.err);
    r = searcher({"--db", dir / "db", "--json", "tag:tag999"});
    BOOST_TEST(r.status == 0, r.err);
    r = searcher({"--db", dir / "db", "--count", "tag:tag1000"});
    BOOST_TEST(r.out == "0\n", r.out);
}

// ---------------------------------------------------------------------------------------------
// Queries

// A wildcard beside NEAR or ADJ, or inside a phrase, is refused: Xapian's parser would drop the
// operator and match "near" as a word.
BOOST_AUTO_TEST_CASE(positional_wildcards_are_refused) {
    TempDir dir;
    RunResult r = indexer({"--db", dir / "db", kGood});
    BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
    for (const std::string q :
         {"war* NEAR peace*", "war NEAR/3 peace*", "harb* ADJ town", "\"harb* town\""}) {
        r = searcher({"--db", dir / "db", q});
        BOOST_TEST(r.status == 2, q << ": " << r.out << r.err);
        BOOST_TEST(contains(r.err, "folio-searcher: error: "), q << ": " << r.err);
        BOOST_TEST(contains(r.err, "wildcard"), q << ": " << r.err);
    }
    r = searcher({"--db", dir / "db", "--count", "harb* AND town"});
    BOOST_TEST(r.status <= 1, r.err);
}

// A wildcard that matches more words than --wildcard-limit is refused (Xapian's parser would search
// the most frequent of them alone); the limit can be raised, and 0 is no limit to have.
BOOST_AUTO_TEST_CASE(wildcard_limit_refuses_and_can_be_raised) {
    TempDir dir;
    RunResult r = indexer({"--db", dir / "db", kGood});
    BOOST_REQUIRE_MESSAGE(r.status == 0, r.err);
    r = searcher({"--db", dir / "db", "--wildcard-limit", "1", "--count", "a*"});
    BOOST_TEST(r.status == 2, r.out << r.err);
    BOOST_TEST(contains(r.err, "folio-searcher: error: "), r.err);
    BOOST_TEST(contains(r.err, "'a*' matches more than 1 words"), r.err);
    r = searcher({"--db", dir / "db", "--wildcard-limit", "65536", "--count", "a*"});
    BOOST_TEST(r.status == 0, r.err);
    BOOST_TEST(r.out != "0\n", r.out);
    r = searcher({"--db", dir / "db", "--wildcard-limit", "0", "a*"});
    BOOST_TEST(r.status == 2, r.err);
}

BOOST_AUTO_TEST_SUITE_END()
