// Unit tests of the store (store/layout.hpp): the stub grammar, generations and their switch,
// the parts of a parallel build, the lock, and sizes on disk.
#define BOOST_TEST_MODULE store
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <fstream>

#include "folio/error.hpp"
#include "store/layout.hpp"
#include "temp_dir.hpp"

using namespace folio;
namespace fs = std::filesystem;

namespace {

struct StubCase {
    std::string line;
    StubEntry::Kind kind;
    std::string target;
};

std::ostream& operator<<(std::ostream& out, const StubCase& c) {
    return out << c.line;
}

const StubCase kGoodLines[] = {
    {"auto gen-000001", StubEntry::Kind::database, "gen-000001"},
    {"glass gen-000002/shard-000", StubEntry::Kind::database, "gen-000002/shard-000"},
    {"  chert  /srv/db  ", StubEntry::Kind::database, "/srv/db"},
    {"remote 127.0.0.1:8100", StubEntry::Kind::tcp, "127.0.0.1:8100"},
    {"remote :ssh host xapian-progsrv /db", StubEntry::Kind::program,
     "ssh host xapian-progsrv /db"},
};

const char* kBadLines[] = {"gen-000001", "flint gen-000001", "remote :", "remote"};

}  // namespace

// Each stub line names one database of the kind its keyword says.
BOOST_DATA_TEST_CASE(parses_stub_lines, boost::unit_test::data::make(kGoodLines), c) {
    const std::vector<StubEntry> entries = parse_stub("# a comment\n\n" + c.line + "\n", "S");
    BOOST_REQUIRE(entries.size() == 1u);
    BOOST_TEST((entries[0].kind == c.kind));
    BOOST_TEST(entries[0].target == c.target);
    BOOST_TEST(entries[0].line == 3u);
}

// A line that is no stub line is refused with the stub's name and line number.
BOOST_DATA_TEST_CASE(refuses_bad_stub_lines, boost::unit_test::data::make(kBadLines), line) {
    try {
        parse_stub(std::string("auto ok\n") + line, "S");
        BOOST_FAIL("accepted: " << line);
    } catch (const DatabaseError& e) {
        BOOST_TEST(std::string(e.what()).find("S:2: bad stub line") != std::string::npos, e.what());
    }
}

// A new database has no generation; after a switch the stub names it, and a second switch
// leaves the first stale until remove_stale.
BOOST_AUTO_TEST_CASE(generations_switch_atomically) {
    test::TempDir dir;
    const std::string db = (dir.path() / "db").string();
    IndexLock lock(db, false);
    DatabaseLayout layout(db);
    BOOST_TEST(layout.current().empty());
    const std::string first = layout.next();
    fs::create_directories(first);
    layout.switch_to(first);
    BOOST_TEST(layout.current() == first);
    BOOST_TEST(layout.shards() == std::vector<std::string>{first});
    const std::string second = layout.next();
    BOOST_TEST(second != first);
    fs::create_directories(shard_path(second, 0));
    fs::create_directories(shard_path(second, 1));
    layout.switch_to(second, 2);
    BOOST_TEST(layout.shards().size() == 2u);
    layout.remove_stale();
    BOOST_TEST(!fs::exists(first));
    BOOST_TEST(fs::exists(second));
}

// The parts of a parallel build are found and removed however many jobs made them.
BOOST_AUTO_TEST_CASE(parts_removed_whatever_the_jobs) {
    test::TempDir dir;
    const std::string generation = (dir.path() / "gen-000007").string();
    for (std::size_t j : {0u, 1u, 99u, 1000u})
        fs::create_directories(part_path(generation, j));
    fs::create_directories(generation);
    remove_parts(generation);
    BOOST_TEST(fs::exists(generation));
    std::size_t left = 0;
    for (const auto& e : fs::directory_iterator(dir.path()))
        left += e.path() != generation ? 1 : 0;
    BOOST_TEST(left == 0u);
}

// A second indexer is refused while the first holds the lock.
BOOST_AUTO_TEST_CASE(one_indexer_at_a_time) {
    test::TempDir dir;
    const std::string db = (dir.path() / "db").string();
    IndexLock first(db, false);
    BOOST_CHECK_THROW(IndexLock(db, false), DatabaseError);
}

// The size of a tree is the sum of its regular files; a missing path has none.
BOOST_AUTO_TEST_CASE(tree_sizes) {
    test::TempDir dir;
    fs::create_directories(dir.path() / "a" / "b");
    std::ofstream(dir.path() / "a" / "x") << "12345";
    std::ofstream(dir.path() / "a" / "b" / "y") << "123";
    BOOST_TEST(tree_size((dir.path() / "a").string()) == 8u);
    BOOST_TEST(tree_size((dir.path() / "a" / "x").string()) == 5u);
    BOOST_TEST(tree_size((dir.path() / "none").string()) == 0u);
}
