// SPDX-License-Identifier: GPL-2.0-or-later
// Unit tests for the crawl (common/src/index/crawl.cpp): which files a walk finds, and the
// gitignore-style rules of ignore files and --exclude (common/src/index/ignore.cpp), checked
// against the examples of git's own manual, gitignore(5).
#define BOOST_TEST_MODULE crawl
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include <fstream>

#include "index/crawl.hpp"
#include "index/ignore.hpp"
#include "temp_dir.hpp"

namespace folio {
std::ostream& operator<<(std::ostream& out, IgnoreVerdict v) {
    return out << (v == IgnoreVerdict::ignore    ? "ignore"
                   : v == IgnoreVerdict::include ? "include"
                                                 : "none");
}
}  // namespace folio

namespace fs = std::filesystem;
using folio::IgnoreRules;
using folio::IgnoreVerdict;
using folio::test::TempDir;

namespace {

IgnoreVerdict verdict(const std::string& rules, const std::string& path, bool dir = false) {
    return IgnoreRules("/base", rules).match(path, dir);
}

bool ignored(const std::string& rules, const std::string& path, bool dir = false) {
    return verdict(rules, path, dir) == IgnoreVerdict::ignore;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(gitignore_rules)

// "If there is a separator at the beginning or middle of the pattern, then the pattern is
// relative to the directory level of the particular .gitignore file itself. Otherwise the
// pattern may also match at any level below the .gitignore level."
BOOST_AUTO_TEST_CASE(separators_anchor_a_pattern) {
    BOOST_TEST(ignored("*.log", "a.log"));
    BOOST_TEST(ignored("*.log", "x/y/a.log"));
    BOOST_TEST(ignored("/build", "build", true));
    BOOST_TEST(!ignored("/build", "src/build", true));
    BOOST_TEST(ignored("doc/frotz/", "doc/frotz", true));
    BOOST_TEST(!ignored("doc/frotz/", "a/doc/frotz", true));
    BOOST_TEST(ignored("frotz/", "a/frotz", true));
    BOOST_TEST(ignored("frotz/", "frotz", true));
}

// "If there is a separator at the end of the pattern then the pattern will only match
// directories."
BOOST_AUTO_TEST_CASE(a_trailing_slash_matches_directories_only) {
    BOOST_TEST(ignored("node_modules/", "node_modules", true));
    BOOST_TEST(!ignored("node_modules/", "node_modules", false));
    BOOST_TEST(ignored("node_modules", "node_modules", false));
}

// "foo/*" matches foo/test.json and the directory foo/bar, but not foo/bar/hello.c on its own
// (an asterisk does not match a slash); the walk never enters foo/bar, so its files are out.
BOOST_AUTO_TEST_CASE(an_asterisk_stays_in_its_segment) {
    BOOST_TEST(ignored("foo/*", "foo/test.json"));
    BOOST_TEST(ignored("foo/*", "foo/bar", true));
    BOOST_TEST(!ignored("foo/*", "foo/bar/hello.c"));
    BOOST_TEST(ignored("?.md", "a.md"));
    BOOST_TEST(!ignored("?.md", "ab.md"));
    BOOST_TEST(ignored("[a-c].txt", "b.txt"));
    BOOST_TEST(!ignored("[a-c].txt", "d.txt"));
    BOOST_TEST(ignored("*", ".hidden"));
}

// Leading "**/", trailing "/**" and "/**/", as the manual describes them.
BOOST_AUTO_TEST_CASE(two_asterisks) {
    BOOST_TEST(ignored("**/foo", "foo"));
    BOOST_TEST(ignored("**/foo", "a/b/foo"));
    BOOST_TEST(ignored("**/foo/bar", "x/foo/bar"));
    BOOST_TEST(!ignored("**/foo/bar", "x/foo/y/bar"));
    BOOST_TEST(ignored("abc/**", "abc/x"));
    BOOST_TEST(ignored("abc/**", "abc/x/y"));
    BOOST_TEST(!ignored("abc/**", "abc", true));
    BOOST_TEST(ignored("a/**/b", "a/b"));
    BOOST_TEST(ignored("a/**/b", "a/x/b"));
    BOOST_TEST(ignored("a/**/b", "a/x/y/b"));
    BOOST_TEST(!ignored("a/**/b", "a/x/y/c"));
}

// "An optional prefix "!" which negates the pattern"; the last matching pattern decides.
BOOST_AUTO_TEST_CASE(the_last_matching_pattern_decides) {
    BOOST_TEST(verdict("*.log\n!important.log\n", "important.log") == IgnoreVerdict::include);
    BOOST_TEST(verdict("!important.log\n*.log\n", "important.log") == IgnoreVerdict::ignore);
    BOOST_TEST(verdict("*.log\n!important.log\n", "other.txt") == IgnoreVerdict::none);
}

// Blank lines and "#" comments match nothing; a backslash escapes a leading "#" or "!" and a
// trailing space; unescaped trailing spaces are dropped; CRLF line ends are read.
BOOST_AUTO_TEST_CASE(comments_escapes_and_spaces) {
    BOOST_TEST(IgnoreRules("/base", "\n# a comment\n   \n").empty());
    BOOST_TEST(ignored("\\#file", "#file"));
    BOOST_TEST(!ignored("#file", "#file"));
    BOOST_TEST(ignored("\\!x", "!x"));
    BOOST_TEST(ignored("a.txt   ", "a.txt"));
    BOOST_TEST(ignored("a\\ ", "a "));
    BOOST_TEST(!ignored("a\\ ", "a"));
    BOOST_TEST(ignored("draft.md\r\n", "draft.md"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(find_files)

namespace {

// The paths a walk finds, relative to `root`, sorted.
std::vector<std::string> found(const fs::path& root, const std::vector<std::string>& paths,
                               const folio::CrawlOptions& options = {}) {
    std::vector<std::string> out;
    std::vector<std::string> messages;
    for (const folio::FoundFile& f : folio::find_files(
             paths, [&](folio::Diagnostic&& d) { messages.push_back(d.message); }, options)) {
        out.push_back(fs::path(f.info.path).lexically_relative(root).string());
    }
    BOOST_TEST(messages.empty());
    std::sort(out.begin(), out.end());
    return out;
}

// A project folder as people keep one: dependencies and build output beside the articles.
void make_tree(const TempDir& tmp) {
    fs::create_directories(tmp.path() / "node_modules/pkg");
    fs::create_directories(tmp.path() / "build");
    fs::create_directories(tmp.path() / "notes/drafts");
    tmp.write(".gitignore", "node_modules/\nbuild/\n*.log.txt\n");
    tmp.write("node_modules/pkg/README.md", "# Package\n");
    tmp.write("build/out.txt", "Built\n");
    tmp.write("keep.md", "# Keep\n");
    tmp.write("debug.log.txt", "Log\n");
    tmp.write("notes/.ignore", "drafts/\nsecret.txt\n");
    tmp.write("notes/secret.txt", "Secret\n");
    tmp.write("notes/ok.txt", "Ok\n");
    tmp.write("notes/drafts/d.md", "# Draft\n");
}

using Paths = std::vector<std::string>;

}  // namespace

// .gitignore counts in a git repository only (as in ripgrep); .ignore everywhere.
BOOST_AUTO_TEST_CASE(gitignore_applies_in_a_repository) {
    TempDir tmp;
    make_tree(tmp);
    const std::string root = tmp.path().string();
    BOOST_TEST(found(tmp.path(), {root}) == (Paths{"build/out.txt", "debug.log.txt", "keep.md",
                                                   "node_modules/pkg/README.md", "notes/ok.txt"}),
               boost::test_tools::per_element());
    fs::create_directories(tmp.path() / ".git/info");
    BOOST_TEST(found(tmp.path(), {root}) == (Paths{"keep.md", "notes/ok.txt"}),
               boost::test_tools::per_element());
    // The repository's own exclude file counts too, below its .gitignore files.
    tmp.write(".git/info/exclude", "keep.md\n");
    BOOST_TEST(found(tmp.path(), {root}) == (Paths{"notes/ok.txt"}),
               boost::test_tools::per_element());
}

// A walk that starts below a folder obeys that folder's ignore files (ripgrep reads the
// parents' too), and a deeper file's "!" takes a parent's pattern back.
BOOST_AUTO_TEST_CASE(parents_and_negation) {
    TempDir tmp;
    make_tree(tmp);
    fs::create_directories(tmp.path() / ".git");
    tmp.write(".ignore", "*.txt\n");
    tmp.write("notes/.folioignore", "!ok.txt\n");
    BOOST_TEST(found(tmp.path(), {tmp / "notes"}) == (Paths{"notes/ok.txt"}),
               boost::test_tools::per_element());
    BOOST_TEST(found(tmp.path(), {tmp.path().string()}) == (Paths{"keep.md", "notes/ok.txt"}),
               boost::test_tools::per_element());
}

// --no-ignore reads everything; --exclude holds whatever the ignore files say; a file named on
// the command line is read even where a rule leaves it out.
BOOST_AUTO_TEST_CASE(no_ignore_exclude_and_named_files) {
    TempDir tmp;
    make_tree(tmp);
    fs::create_directories(tmp.path() / ".git");
    folio::CrawlOptions all;
    all.ignore_files = false;
    BOOST_TEST(found(tmp.path(), {tmp.path().string()}, all).size() == 7u);
    folio::CrawlOptions exclude;
    exclude.excludes = {"*.md", "/notes/ok.txt"};
    BOOST_TEST(found(tmp.path(), {tmp.path().string()}, exclude).empty());
    exclude.ignore_files = false;
    BOOST_TEST(found(tmp.path(), {tmp.path().string()}, exclude) ==
                   (Paths{"build/out.txt", "debug.log.txt", "notes/secret.txt"}),
               boost::test_tools::per_element());
    BOOST_TEST(found(tmp.path(), {tmp / "build/out.txt"}) == (Paths{"build/out.txt"}),
               boost::test_tools::per_element());
}

// Hidden entries, symlink loops and overlapping paths: each file once, the loop reported.
BOOST_AUTO_TEST_CASE(hidden_entries_loops_and_overlaps) {
    TempDir tmp;
    tmp.write("a.md", "# A\n");
    tmp.write(".hidden.md", "# Hidden\n");
    fs::create_directories(tmp.path() / "sub");
    tmp.write("sub/b.txt", "B\n");
    tmp.write("sub/picture.png", "not text");
    fs::create_directory_symlink("..", tmp.path() / "sub/up");
    std::vector<std::string> messages;
    const auto files = folio::find_files(
        {tmp.path().string(), tmp / "sub"},
        [&](folio::Diagnostic&& d) { messages.push_back(d.path + ": " + d.message); });
    BOOST_TEST(files.size() == 2u);
    BOOST_TEST_REQUIRE(messages.size() == 1u);
    BOOST_TEST(messages[0].find("symlink loop") != std::string::npos, messages[0]);
}

BOOST_AUTO_TEST_SUITE_END()

// What a walk finds, in what order, with what ids, sources and stamps.
BOOST_AUTO_TEST_SUITE(walks)

namespace {

using namespace folio;

void touch(const fs::path& path, const std::string& text = "x\n") {
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text;
}

std::vector<FoundFile> crawl(const std::vector<std::string>& paths,
                             std::vector<Diagnostic>* problems = nullptr) {
    return folio::find_files(paths, [&](Diagnostic&& d) {
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

BOOST_AUTO_TEST_SUITE_END()
