// Unit tests of the crawl (index/crawl.hpp): what a walk finds, in what order, and with what
// ids, sources and stamps.
#define BOOST_TEST_MODULE crawl
#include <boost/test/unit_test.hpp>

#include <fstream>

#include "index/crawl.hpp"
#include "temp_dir.hpp"

using namespace folio;
namespace fs = std::filesystem;

namespace {

void touch(const fs::path& path, const std::string& text = "x\n") {
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text;
}

std::vector<FoundFile> crawl(const std::vector<std::string>& paths,
                             std::vector<Diagnostic>* problems = nullptr) {
    return find_files(paths, [&](Diagnostic&& d) {
        if (problems != nullptr)
            problems->push_back(std::move(d));
    });
}

}  // namespace

// Directories are walked in sorted order; hidden entries and formats Folio does not read are
// left out; each file's source is its folder's name and its id its canonical path.
BOOST_AUTO_TEST_CASE(walks_sorted_without_hidden_files) {
    test::TempDir dir;
    const fs::path root = fs::canonical(dir.path());
    touch(root / "news" / "b.txt");
    touch(root / "news" / "a.md");
    touch(root / "news" / ".hidden.txt");
    touch(root / ".git" / "c.txt");
    touch(root / "news" / "image.png");
    const std::vector<FoundFile> found = crawl({root.string()});
    BOOST_REQUIRE(found.size() == 2u);
    BOOST_TEST(found[0].info.id == (root / "news" / "a.md").string());
    BOOST_TEST(found[1].info.id == (root / "news" / "b.txt").string());
    BOOST_TEST(found[0].info.source == "news");
    BOOST_TEST(found[1].size == 2u);
    BOOST_TEST(file_stamp(found[1]).starts_with("2:"));
}

// Overlapping paths are walked once, and a missing path is a problem that stops nothing.
BOOST_AUTO_TEST_CASE(overlaps_once_and_missing_reported) {
    test::TempDir dir;
    const fs::path root = fs::canonical(dir.path());
    touch(root / "a" / "x.txt");
    std::vector<Diagnostic> problems;
    const std::vector<FoundFile> found =
        crawl({root.string(), (root / "a").string(), (root / "a" / "x.txt").string(),
               (root / "missing").string()},
              &problems);
    BOOST_TEST(found.size() == 1u);
    BOOST_REQUIRE(problems.size() == 1u);
    BOOST_TEST(problems[0].path.find("missing") != std::string::npos);
}

// A path as a user types it names the same article as the crawl's id.
BOOST_AUTO_TEST_CASE(file_ids_are_canonical) {
    test::TempDir dir;
    const fs::path root = fs::canonical(dir.path());
    touch(root / "a" / "x.txt");
    BOOST_TEST(file_id((root / "a" / ".." / "a" / "x.txt").string()) ==
               (root / "a" / "x.txt").string());
}
