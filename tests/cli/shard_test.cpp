// SPDX-License-Identifier: GPL-2.0-or-later
// End-to-end tests of sharded indexes and remote shards: an index built with --shards gives
// the results of one database built from the same articles, stays updatable and rebuildable,
// and its shards served by xapian-tcpsrv on loopback give them too; a shard server that dies
// is named in the error, and --allow-partial searches the others.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

#include "../unit/temp_dir.hpp"
#include "folio/error.hpp"
#include "folio/search.hpp"
#include "process.hpp"

namespace fs = std::filesystem;
using folio::test::contains;
using folio::test::run_program;
using folio::test::RunResult;
using folio::test::TempDir;

namespace {

const std::string kCorpus = std::string(FOLIO_SOURCE_DIR) + "/corpus/sotu";

void build(const std::string& db, std::vector<std::string> args) {
    args.insert(args.begin(), {"--db", db, "--quiet"});
    RunResult r = run_program(FOLIO_INDEXER, args);
    BOOST_TEST_REQUIRE(r.status == 0, r.err);
}

RunResult search(const std::vector<std::string>& dbs, std::vector<std::string> args) {
    std::vector<std::string> all;
    for (const auto& db : dbs) {
        all.push_back("--db");
        all.push_back(db);
    }
    all.insert(all.end(), args.begin(), args.end());
    return run_program(FOLIO_SEARCHER, all);
}

nlohmann::json search_json(const std::vector<std::string>& dbs, std::vector<std::string> args) {
    args.push_back("--json");
    RunResult r = search(dbs, args);
    BOOST_TEST_REQUIRE(r.status <= 1, r.err);
    return nlohmann::json::parse(r.out);
}

/// Hits as (score rounded, id) groups: hits of equal score may come in another order over
/// shards (ties go by document number, which differs), anything else must not.
std::vector<std::pair<long long, std::set<std::string>>> ranked(const nlohmann::json& result) {
    std::vector<std::pair<long long, std::set<std::string>>> out;
    for (const auto& hit : result["hits"]) {
        auto score = static_cast<long long>(std::llround(hit["score"].get<double>() * 1e6));
        if (out.empty() || out.back().first != score)
            out.emplace_back(score, std::set<std::string>());
        out.back().second.insert(hit["id"].get<std::string>());
    }
    return out;
}

/// What must be equal between the single database and the shards for one query.
void same_results(const std::vector<std::string>& single, const std::vector<std::string>& shards,
                  const std::vector<std::string>& args) {
    nlohmann::json a = search_json(single, args);
    nlohmann::json b = search_json(shards, args);
    auto at = std::find(args.begin(), args.end(), "--limit");
    std::size_t limit = at == args.end() ? 10 : std::stoul(*(at + 1));
    BOOST_TEST_CONTEXT("query " << nlohmann::json(args).dump()) {
        BOOST_TEST(a["hits"].size() == b["hits"].size());
        auto ra = ranked(a), rb = ranked(b);
        BOOST_TEST_REQUIRE(ra.size() == rb.size());
        for (std::size_t i = 0; i < ra.size(); ++i) {
            BOOST_TEST(ra[i].first == rb[i].first);
            BOOST_TEST(ra[i].second.size() == rb[i].second.size());
            if (i + 1 < ra.size() || a["hits"].size() < limit)
                BOOST_TEST((ra[i].second == rb[i].second));
        }
        // The page may cut the last group of equal scores: its ids may differ.
        std::map<std::string, nlohmann::json> passages;
        for (const auto& hit : a["hits"])
            passages[hit["id"]] = hit["passages"];
        for (const auto& hit : b["hits"]) {
            if (passages.count(hit["id"]) != 0)
                BOOST_TEST(passages[hit["id"]] == hit["passages"]);
        }
        BOOST_TEST(a.value("suggestion", nlohmann::json()) ==
                   b.value("suggestion", nlohmann::json()));
        BOOST_TEST(a.value("facets", nlohmann::json()) == b.value("facets", nlohmann::json()));
    }
}

std::string count(const std::vector<std::string>& dbs, const std::string& query) {
    RunResult r = search(dbs, {"--count", query});
    BOOST_TEST_REQUIRE(r.status <= 1, r.err);
    return r.out;
}

std::vector<std::string> stub_lines(const std::string& db) {
    std::ifstream in(fs::path(db) / "XAPIANDB");
    std::vector<std::string> out;
    for (std::string line; std::getline(in, line);)
        out.push_back(line);
    return out;
}

/// The shard databases of a sharded index, from its stub.
std::vector<std::string> shard_dirs(const std::string& db) {
    std::vector<std::string> out;
    for (const auto& line : stub_lines(db))
        out.push_back((fs::path(db) / line.substr(line.find(' ') + 1)).string());
    return out;
}

/// A free loopback port (bound and released: a server started at once gets it, unless raced).
unsigned free_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    ::close(fd);
    return ntohs(addr.sin_port);
}

bool accepts(unsigned port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    return ok;
}

/// A program's path from $PATH, "" when it is not installed.
std::string on_path(const std::string& program) {
    std::string path = std::getenv("PATH") != nullptr ? std::getenv("PATH") : "/usr/bin";
    std::size_t start = 0;
    while (start <= path.size()) {
        std::size_t end = std::min(path.find(':', start), path.size());
        fs::path candidate = fs::path(path.substr(start, end - start)) / program;
        if (::access(candidate.c_str(), X_OK) == 0)
            return candidate.string();
        start = end + 1;
    }
    return {};
}

std::string tcpsrv() {
    return on_path("xapian-tcpsrv");
}

bool have_tcpsrv() {
    return !tcpsrv().empty();
}

/// xapian-tcpsrv serving databases on loopback ports; every server is killed at the end.
class ShardServers {
  public:
    explicit ShardServers(const std::vector<std::string>& shards) {
        for (const auto& shard : shards)
            start(shard);
    }
    ~ShardServers() {
        for (std::size_t k = 0; k < pids_.size(); ++k)
            stop(k);
    }
    ShardServers(const ShardServers&) = delete;
    ShardServers& operator=(const ShardServers&) = delete;

    void stop(std::size_t k) {
        if (pids_[k] <= 0)
            return;
        // The server and its connection handlers at once (its process group), as a crash would.
        ::kill(-pids_[k], SIGKILL);
        folio::test::wait_program(pids_[k]);
        pids_[k] = -1;
    }
    void pause(std::size_t k) { ::kill(-pids_[k], SIGSTOP); }

    std::string address(std::size_t k) const {
        return "tcp://127.0.0.1:" + std::to_string(ports_[k]);
    }
    std::vector<std::string> addresses() const {
        std::vector<std::string> out;
        for (std::size_t k = 0; k < ports_.size(); ++k)
            out.push_back(address(k));
        return out;
    }
    unsigned port(std::size_t k) const { return ports_[k]; }

  private:
    void start(const std::string& shard) {
        for (int attempt = 0; attempt < 5; ++attempt) {
            unsigned port = free_port();
            // In a session of its own: on SIGTERM, xapian-tcpsrv signals its whole process group
            // (its connection handlers), which would otherwise include this test.
            int pid = folio::test::start_program("/usr/bin/setsid",
                                                 {tcpsrv(), "--interface", "127.0.0.1", "--port",
                                                  std::to_string(port), "--quiet", shard});
            for (int wait = 0; wait < 100; ++wait) {
                if (accepts(port)) {
                    pids_.push_back(pid);
                    ports_.push_back(port);
                    return;
                }
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
            }
            ::kill(-pid, SIGKILL);  // raced for the port, or too slow: another port
            folio::test::wait_program(pid);
        }
        BOOST_FAIL("xapian-tcpsrv did not start for " + shard);
    }

    std::vector<int> pids_;
    std::vector<unsigned> ports_;
};

/// The benchmark's forwarding proxy (bench/remote_proxy.py) in front of a loopback port, delaying
/// each way by `delay_ms`: a shard server that answers every request slowly. Killed at the end.
class DelayingProxy {
  public:
    DelayingProxy(unsigned target, double delay_ms) {
        const std::string script = std::string(FOLIO_SOURCE_DIR) + "/bench/remote_proxy.py";
        for (int attempt = 0; attempt < 5; ++attempt) {
            port_ = free_port();
            // In a session of its own, so that its forked proxy process goes with it.
            pid_ = folio::test::start_program("/usr/bin/setsid",
                                              {on_path("python3"), script, std::to_string(target),
                                               std::to_string(delay_ms), std::to_string(port_)});
            for (int wait = 0; wait < 100; ++wait) {
                if (accepts(port_))
                    return;
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
            }
            stop();
        }
        BOOST_FAIL("the delaying proxy did not start");
    }
    ~DelayingProxy() { stop(); }
    DelayingProxy(const DelayingProxy&) = delete;
    DelayingProxy& operator=(const DelayingProxy&) = delete;
    std::string address() const { return "tcp://127.0.0.1:" + std::to_string(port_); }

  private:
    void stop() {
        if (pid_ <= 0)
            return;
        ::kill(-pid_, SIGKILL);
        folio::test::wait_program(pid_);
        pid_ = -1;
    }
    unsigned port_ = 0;
    int pid_ = -1;
};

/// The queries both sides must answer alike: words, a phrase, fields, booleans, date ranges,
/// a misspelling ("did you mean"), long queries (feedback, on a later page too), sorting,
/// paging, facets.
const std::vector<std::vector<std::string>> kQueries = {
    {"tax"},
    {"\"federal government\""},
    {"title:union", "--limit", "300"},
    {"war", "AND", "peace", "--limit", "25"},
    {"economy", "NOT", "inflation", "--sort", "-date", "--limit", "15"},
    {"year:1900..1950", "railroad"},
    {"govermnent"},
    {"health insurance for working families", "--limit", "15"},
    {"health insurance for working families", "--offset", "10", "--limit", "10"},
    {"railroad bank currency", "--passages", "3"},
    {"slavery", "--offset", "5", "--limit", "10"},
    {"army", "--facet", "author,year:5", "--limit", "5"},
    {"slavery", "(-war)", "--limit", "15"},
    {"(-tax -war)", "--limit", "15"},
    {"railroad OR -title:union", "--limit", "15"},
};

/// A single database and a three-shard index of the same 100 speeches, built once for the
/// suite (the sharded one with two jobs, so that the jobs' parts of each shard are merged).
struct Indexes {
    TempDir dir;
    std::string docs = dir / "docs";
    std::string single = dir / "single";
    std::string sharded = dir / "sharded";
    Indexes() {
        std::vector<fs::path> files;
        for (const auto& e : fs::directory_iterator(kCorpus))
            files.push_back(e.path());
        std::sort(files.begin(), files.end());
        fs::create_directories(docs);
        for (std::size_t i = 0; i < files.size(); i += 2)
            fs::copy_file(files[i], fs::path(docs) / files[i].filename());
        build(single, {docs});
        build(sharded, {"--shards", "3", "-j", "2", docs});
    }
};

const Indexes& indexes() {
    static const Indexes built;
    return built;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(shards)

// --shards 3: a stub listing three shards, every article in the shard its id hashes to, and
// the same results as one database: hits, scores, order, counts, passages, suggestions, facets.
BOOST_AUTO_TEST_CASE(sharded_index_matches_single_database) {
    const Indexes& idx = indexes();
    std::vector<std::string> lines = stub_lines(idx.sharded);
    BOOST_TEST_REQUIRE(lines.size() == 3u);
    BOOST_TEST(contains(lines[0], "shard-000"));
    for (const auto& shard : shard_dirs(idx.sharded))
        BOOST_TEST(std::stoul(count({shard}, "the OR a OR of")) > 10u);
    BOOST_TEST(count({idx.single}, "the OR a OR of") == count({idx.sharded}, "the OR a OR of"));
    BOOST_TEST(count({idx.single}, "war") == count({idx.sharded}, "war"));
    for (const auto& q : kQueries)
        same_results({idx.single}, {idx.sharded}, q);

    // The shards' own metadata: count and number; the manifest only in shard 0.
    RunResult stats = search({idx.sharded}, {"--stats"});
    BOOST_TEST(stats.status == 0, stats.err);
    // -j does not change a sharded index either.
    TempDir other;
    build(other / "db", {"--shards", "3", "-j", "1", idx.docs});
    for (const auto& q : kQueries)
        same_results({idx.sharded}, {other / "db"}, q);
}

// Updates route each article to its shard: changed, new and deleted files give what a single
// database updated the same way gives; the shard count is kept; a rebuild can change it.
BOOST_AUTO_TEST_CASE(sharded_index_updates_and_rebuilds) {
    TempDir dir;
    fs::path docs = dir.path() / "docs";
    fs::create_directories(docs);
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(kCorpus))
        files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (std::size_t i = 0; i < 40; ++i)
        fs::copy_file(files[i], docs / files[i].filename());
    // A JSON Lines file whose articles span shards.
    {
        std::ofstream out(docs / "extra.jsonl");
        for (int i = 0; i < 30; ++i) {
            out << nlohmann::json{{"id", "extra-" + std::to_string(i)},
                                  {"title", "Extra " + std::to_string(i)},
                                  {"body", "zeppelin harbour number " + std::to_string(i)}}
                       .dump()
                << "\n";
        }
    }
    std::string single = dir / "single", sharded = dir / "sharded";
    build(single, {docs.string()});
    build(sharded, {"--shards", "4", docs.string()});
    same_results({single}, {sharded}, {"zeppelin", "--limit", "50"});

    // Change one file, delete one, shrink the JSONL file, add one; update both.
    std::ofstream(docs / files[3].filename(), std::ios::app)
        << "\n\nA zeppelin over the capital.\n";
    fs::remove(docs / files[5].filename());
    {
        std::ofstream out(docs / "extra.jsonl", std::ios::trunc);
        for (int i = 0; i < 30; i += 2) {
            out << nlohmann::json{{"id", "extra-" + std::to_string(i)},
                                  {"title", "Extra " + std::to_string(i)},
                                  {"body", "zeppelin harbour again " + std::to_string(i)}}
                       .dump()
                << "\n";
        }
    }
    fs::copy_file(files[50], docs / files[50].filename());
    build(single, {docs.string()});
    RunResult r = run_program(FOLIO_INDEXER, {"--db", sharded, "--json", docs.string()});
    BOOST_TEST_REQUIRE(r.status == 0, r.err);
    auto summary = nlohmann::json::parse(r.out);
    BOOST_TEST(summary["shards"] == 4);
    BOOST_TEST(summary["deleted"].get<int>() >= 16);  // 15 JSONL articles and a file's
    BOOST_TEST(stub_lines(sharded).size() == 4u);
    for (const auto& q : std::vector<std::vector<std::string>>{{"zeppelin", "--limit", "50"},
                                                               {"again", "--limit", "50"},
                                                               {"harbour", "--limit", "50"}})
        same_results({single}, {sharded}, q);
    BOOST_TEST(count({single}, "the OR a") == count({sharded}, "the OR a"));

    // Nothing changed: nothing read again.
    r = run_program(FOLIO_INDEXER, {"--db", sharded, "--json", docs.string()});
    BOOST_TEST_REQUIRE(r.status == 0, r.err);
    summary = nlohmann::json::parse(r.out);
    BOOST_TEST(summary["files"] == 0);

    // An update must keep the shard count; a rebuild changes it atomically.
    r = run_program(FOLIO_INDEXER, {"--db", sharded, "--shards", "2", docs.string()});
    BOOST_TEST(r.status == 2);
    BOOST_TEST(contains(r.err, "has 4 shards, not 2"), r.err);
    folio::Searcher open_searcher({sharded});  // a long-lived searcher (batch mode)
    folio::SearchRequest request;
    request.query = "zeppelin";
    request.limit = 100;
    std::size_t before = open_searcher.search(request).hits.size();
    build(sharded, {"--rebuild", "--shards", "2", docs.string()});
    BOOST_TEST(stub_lines(sharded).size() == 2u);
    build(sharded, {"--rebuild", docs.string()});  // keeps 2
    BOOST_TEST(open_searcher.search(request).hits.size() == before);
    same_results({single}, {sharded}, {"zeppelin", "--limit", "50"});
    BOOST_TEST(stub_lines(sharded).size() == 2u);
    build(sharded, {"--compact"});
    BOOST_TEST(stub_lines(sharded).size() == 2u);
    same_results({single}, {sharded}, {"harbour", "--limit", "50"});
    std::size_t generations = 0;
    for (const auto& e : fs::directory_iterator(sharded))
        generations += e.path().filename().string().starts_with("gen-") ? 1 : 0;
    BOOST_TEST(generations == 1u);
}

BOOST_AUTO_TEST_SUITE_END()

// Shards served by xapian-tcpsrv: without it (Debian xapian-tools) the suite is skipped, and
// ctest reports it as skipped (SKIP_REGULAR_EXPRESSION in tests/CMakeLists.txt).
BOOST_AUTO_TEST_SUITE(remote_shards,
                      *boost::unit_test::precondition([](boost::unit_test::test_unit_id) {
                          return boost::test_tools::assertion_result(have_tcpsrv());
                      }))

// The shards served by xapian-tcpsrv on loopback: --db tcp://... (repeated) and a stub with
// remote lines give the single database's results; features the remote backend lacks fail
// with a clear message.
BOOST_AUTO_TEST_CASE(remote_shards_match_single_database) {
    const Indexes& idx = indexes();
    ShardServers servers(shard_dirs(idx.sharded));
    std::vector<std::string> remote = servers.addresses();
    // Each hit's document is a round trip per shard: pages of ten or so keep this quick.
    for (const auto& q : kQueries) {
        if (std::find(q.begin(), q.end(), "govermnent") != q.end())
            continue;  // no spelling dictionary over the remote backend
        if (std::find(q.begin(), q.end(), "300") != q.end())
            continue;
        same_results({idx.single}, remote, q);
    }
    BOOST_TEST(count({idx.single}, "war") == count(remote, "war"));

    // A stub file with remote lines, mixed with a local shard.
    TempDir dir;
    std::string stub = dir.write(
        "shards.stub",
        "# two remote shards and a local one\nremote 127.0.0.1:" + std::to_string(servers.port(0)) +
            "\nremote 127.0.0.1:" + std::to_string(servers.port(1)) + "\nauto " +
            shard_dirs(idx.sharded)[2] + "\n");
    same_results({idx.single}, {stub}, {"tax"});
    same_results({idx.single}, {stub}, {"army", "--facet", "author,year:5", "--limit", "5"});

    RunResult r = search(remote, {"--boost-recent", "1y", "tax"});
    BOOST_TEST(r.status == 2);
    BOOST_TEST(contains(r.err, "--boost-recent does not work with remote shards"), r.err);
    r = search(remote, {"--correct", "govermnent"});
    BOOST_TEST(r.status == 2);
    BOOST_TEST(contains(r.err, "spelling dictionary"), r.err);
    r = search({"tcp://127.0.0.1:notaport"}, {"tax"});
    BOOST_TEST(r.status == 2);
    BOOST_TEST(contains(r.err, "expected tcp://HOST:PORT"), r.err);
}

// A shard server that is gone: the error names the shard and its address; --allow-partial
// searches the others, warns, and exits 0. One that hangs fails within --remote-timeout.
BOOST_AUTO_TEST_CASE(failed_remote_shard) {
    const Indexes& idx = indexes();
    std::vector<std::string> shards = shard_dirs(idx.sharded);
    ShardServers servers(shards);
    std::vector<std::string> remote = servers.addresses();

    // Killed mid-run: a searcher connected to all three loses the second.
    folio::Searcher strict(remote);
    folio::OpenOptions partial_options;
    partial_options.allow_partial = true;
    folio::Searcher partial(remote, partial_options);
    folio::SearchRequest request;
    request.query = "telegraph";
    request.limit = 1000;
    request.passages = 0;
    std::size_t all = strict.search(request).hits.size();
    BOOST_TEST(partial.search(request).hits.size() == all);
    servers.stop(1);
    try {
        strict.search(request);
        BOOST_ERROR("a search over a dead shard succeeded");
    } catch (const folio::DatabaseError& e) {
        BOOST_TEST(contains(e.what(), "shard 2 of 3 (" + servers.address(1) + ")"), e.what());
    }
    folio::SearchResult some = partial.search(request);
    BOOST_TEST(some.hits.size() < all);
    BOOST_TEST(!some.hits.empty());
    BOOST_TEST_REQUIRE(partial.warnings().size() == 1u);
    BOOST_TEST(contains(partial.warnings()[0], servers.address(1)));

    // The programs: an error naming the shard, or partial results with a warning.
    RunResult r = search(remote, {"telegraph"});
    BOOST_TEST(r.status == 2);
    BOOST_TEST(contains(r.err, "folio-searcher: error: cannot reach shard 2 of 3 (" +
                                   servers.address(1) + ")"),
               r.err);
    r = search(remote,
               {"--allow-partial", "--json", "--limit", "1000", "--passages", "0", "telegraph"});
    BOOST_TEST(r.status == 0, r.err);
    BOOST_TEST(
        contains(r.err, "folio-searcher: warning: shard 2 of 3 (" + servers.address(1) + ")"),
        r.err);
    BOOST_TEST(contains(r.err, "; the results are partial\n"), r.err);
    BOOST_TEST(!contains(r.err, "partial; the results are partial"), r.err);
    BOOST_TEST(nlohmann::json::parse(r.out)["hits"].size() == some.hits.size());
    // The other shards' hits are exactly the single database's hits from those shards.
    std::set<std::string> expected;
    for (std::size_t k : {0u, 2u}) {
        nlohmann::json one =
            search_json({shards[k]}, {"--limit", "1000", "--passages", "0", "telegraph"});
        for (const auto& hit : one["hits"])
            expected.insert(hit["id"].get<std::string>());
    }
    std::set<std::string> got;
    nlohmann::json partial_result = nlohmann::json::parse(r.out);
    for (const auto& hit : partial_result["hits"])
        got.insert(hit["id"].get<std::string>());
    BOOST_TEST(got == expected);

    // A server that accepts but never answers (stopped): an error within the timeout.
    servers.pause(2);
    r = search({servers.address(0), servers.address(2)}, {"--remote-timeout", "300", "telegraph"});
    BOOST_TEST(r.status == 2);
    BOOST_TEST(contains(r.err, servers.address(2)), r.err);
    r = search({servers.address(0), servers.address(2)},
               {"--remote-timeout", "300", "--allow-partial", "--count", "telegraph"});
    BOOST_TEST(r.status == 0, r.err);
    BOOST_TEST(contains(r.err, "warning: shard 2 of 2 (" + servers.address(2) + ")"), r.err);
    servers.stop(2);
    // No shard left.
    r = search({servers.address(1), servers.address(2)}, {"--allow-partial", "telegraph"});
    BOOST_TEST(r.status == 2);
    BOOST_TEST(contains(r.err, "no shard of 2 could be searched"), r.err);
}

// A shard that answers every request slowly (behind a proxy that delays each way by 150 ms):
// over remote shards --time-limit is the deadline of the whole search, checked between its
// exchanges. Without --allow-partial the search fails once it has passed it (exit 2, saying
// so); with it, the match's hits come without passages, with a warning, and exit 0.
BOOST_AUTO_TEST_CASE(slow_remote_shard_meets_the_deadline) {
    if (on_path("python3").empty()) {
        BOOST_TEST_MESSAGE("skipped: no python3 for the delaying proxy");
        return;
    }
    const Indexes& idx = indexes();
    ShardServers servers(shard_dirs(idx.sharded));
    DelayingProxy slow(servers.port(1), 150);
    const std::vector<std::string> dbs = {servers.address(0), slow.address(), servers.address(2)};

    RunResult r = search(dbs, {"--time-limit", "0.3", "tax"});
    BOOST_TEST(r.status == 2);
    BOOST_TEST(contains(r.err,
                        "folio-searcher: error: the search over remote shards passed its "
                        "deadline (--time-limit 0.3 s) before its passages"),
               r.err);

    r = search(dbs, {"--time-limit", "0.3", "--allow-partial", "--json", "tax"});
    BOOST_TEST(r.status == 0, r.err);
    BOOST_TEST(contains(r.err,
                        "folio-searcher: warning: the search over remote shards passed its "
                        "deadline (--time-limit 0.3 s) before its passages; the results "
                        "are partial\n"),
               r.err);  // said once
    const nlohmann::json late = nlohmann::json::parse(r.out);
    BOOST_TEST_REQUIRE(!late["hits"].empty());
    for (const auto& hit : late["hits"])
        BOOST_TEST(hit["passages"].empty());
    // The match itself ran whole: the single database's hits, by score.
    const nlohmann::json single = search_json({idx.single}, {"tax"});
    std::vector<double> a, b;
    for (const auto& hit : single["hits"])
        a.push_back(std::round(hit["score"].get<double>() * 1e6));
    for (const auto& hit : late["hits"])
        b.push_back(std::round(hit["score"].get<double>() * 1e6));
    BOOST_TEST(a == b, boost::test_tools::per_element());

    // --batch answers every line, a search past its deadline with an error line (exit 2 at the
    // end), so that a program waiting for each answer does not hang.
    std::vector<std::string> args;
    for (const auto& db : dbs) {
        args.push_back("--db");
        args.push_back(db);
    }
    for (const char* arg : {"--time-limit", "0.3", "--batch"})
        args.emplace_back(arg);
    r = run_program(FOLIO_SEARCHER, args, "tax\nharbour\n");
    BOOST_TEST(r.status == 2);
    const std::vector<std::string> answers = folio::test::lines(r.out);
    BOOST_TEST_REQUIRE(answers.size() == 2u, r.out);
    // The first line's search passes the deadline before its passages: its answer is the
    // error. The second's match is cut short by the time limit itself (the shard answers too
    // slowly for it): whatever it found by then, labelled as cut short, never as exact.
    const nlohmann::json first = nlohmann::json::parse(answers[0]);
    BOOST_TEST(first["query"] == "tax");
    BOOST_TEST_REQUIRE(first.contains("error"), answers[0]);
    BOOST_TEST(contains(first["error"].get<std::string>(), "passed its deadline"), answers[0]);
    BOOST_TEST(contains(r.err, "folio-searcher: error: tax: the search over remote shards"), r.err);
    const nlohmann::json second = nlohmann::json::parse(answers[1]);
    BOOST_TEST(second["query"] == "harbour");
    if (!second.contains("error")) {
        BOOST_TEST(second["total"]["time_limited"] == true, answers[1]);
        BOOST_TEST(second["total"]["exact"] == false, answers[1]);
    }
}

BOOST_AUTO_TEST_SUITE_END()
