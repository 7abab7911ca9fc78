// SPDX-License-Identifier: GPL-2.0-or-later
// End-to-end tests of the document formats (issue 25): a folder mixing all eight formats
// indexed in one run, each article found by a phrase and by its title and author; a PDF hit
// says its page; hostile documents end in their documented messages; re-runs, --dry-run and -j.
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "../unit/temp_dir.hpp"
#include "process.hpp"

namespace fs = std::filesystem;
using folio::test::contains;
using folio::test::run_program;
using folio::test::RunResult;
using folio::test::TempDir;

namespace {

const fs::path kData = FOLIO_TEST_DATA;

// A folder of the eight formats: the sample documents beside the text readers' samples.
struct MixedFolder {
    TempDir tmp;
    fs::path dir = tmp.path() / "mixed";
    std::string db = (tmp.path() / "db").string();

    MixedFolder() {
        fs::create_directories(dir);
        for (const auto& entry : fs::directory_iterator(kData / "documents"))
            if (entry.path().extension() != ".sh")
                fs::copy_file(entry.path(), dir / entry.path().filename());
        for (const char* name : {"dod-news.txt", "plain.md", "page.html", "bom-crlf.jsonl"})
            fs::copy_file(kData / "readers" / name, dir / name);
    }

    RunResult index(std::vector<std::string> extra = {}) const {
        std::vector<std::string> args = {"--db", db, "--json"};
        args.insert(args.end(), extra.begin(), extra.end());
        args.push_back(dir.string());
        return run_program(FOLIO_INDEXER, args);
    }

    // The file names of the hits of `query`.
    std::vector<std::string> files(const std::string& query) const {
        RunResult r = run_program(FOLIO_SEARCHER, {"--db", db, "--json", "-m", "50", query});
        BOOST_TEST_REQUIRE(r.status <= 1, r.err);
        std::vector<std::string> out;
        const nlohmann::json result = nlohmann::json::parse(r.out);
        for (const auto& hit : result["hits"])
            out.push_back(fs::path(hit["path"].get<std::string>()).filename().string());
        return out;
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(documents)

// All eight formats index in one run; each document is found by a phrase of its text and by
// its title and author.
BOOST_AUTO_TEST_CASE(a_folder_of_eight_formats_indexes_in_one_run) {
    MixedFolder f;
    RunResult r = f.index();
    BOOST_TEST_REQUIRE(r.status == 0, r.err);
    const nlohmann::json summary = nlohmann::json::parse(r.out);
    BOOST_TEST(summary["files"].get<int>() == 9);
    BOOST_TEST(summary["failed"].get<int>() == 0);
    struct Case {
        std::string file, phrase, title, author;
    };
    const std::vector<Case> cases = {
        {"washington-1790.pdf", "\"affectionate concern for their particular welfare\"",
         "title:\"Second Annual Message 1790\"", "author:washington"},
        {"untitled-1791.pdf", "\"Third Annual Message to Congress\"",
         "title:\"Third Annual Message to Congress\"", ""},
        {"adams-1797.docx", "\"First Annual Message 1797\"", "title:\"First Annual Message 1797\"",
         "author:adams"},
        {"jefferson-1801.odt", "\"Fellow Citizens of the Senate\" AND jefferson",
         "title:\"First Annual Message 1801\"", "author:jefferson"},
        {"madison-1810.epub", "\"The finances of the nation\"",
         "title:\"Second Annual Message 1810\"", "author:madison"},
    };
    for (const Case& c : cases) {
        BOOST_TEST_CONTEXT(c.file) {
            for (const std::string& query : {c.phrase, c.title, c.author}) {
                if (query.empty())
                    continue;
                const std::vector<std::string> hits = f.files(query);
                std::string found;
                for (const std::string& h : hits)
                    found += " " + h;
                BOOST_TEST((std::find(hits.begin(), hits.end(), c.file) != hits.end()),
                           query << " did not find " << c.file << " but:" << found);
            }
        }
    }
}

// A passage of a PDF says its page: "page" in the JSON, "p. N" in the terminal.
BOOST_AUTO_TEST_CASE(pdf_passages_say_their_page) {
    MixedFolder f;
    BOOST_TEST_REQUIRE(f.index().status == 0);
    RunResult r =
        run_program(FOLIO_SEARCHER, {"--db", f.db, "--json", "\"Secretary of War is directed\""});
    BOOST_TEST_REQUIRE(r.status == 0, r.err);
    const nlohmann::json hit = nlohmann::json::parse(r.out)["hits"][0];
    BOOST_TEST(hit["title"].get<std::string>() == "Second Annual Message 1790");
    BOOST_TEST(hit["passages"][0]["page"].get<int>() == 3);
    r = run_program(FOLIO_SEARCHER,
                    {"--db", f.db, "--color", "never", "\"Secretary of War is directed\""});
    BOOST_TEST_REQUIRE(r.status == 0, r.err);
    BOOST_TEST(contains(r.out, "   p. 3 "), r.out);
    // Articles without pages have no "page".
    r = run_program(FOLIO_SEARCHER,
                    {"--db", f.db, "--json", "title:\"First Annual Message 1797\""});
    BOOST_TEST_REQUIRE(r.status == 0, r.err);
    BOOST_TEST(!nlohmann::json::parse(r.out)["hits"][0]["passages"][0].contains("page"));
}

// A second run reads nothing unchanged; --dry-run sees a changed document and only it.
BOOST_AUTO_TEST_CASE(updates_dry_run_and_jobs) {
    MixedFolder f;
    BOOST_TEST_REQUIRE(f.index({"-j", "2"}).status == 0);
    RunResult again = f.index();
    BOOST_TEST_REQUIRE(again.status == 0, again.err);
    const nlohmann::json summary = nlohmann::json::parse(again.out);
    BOOST_TEST(summary["unchanged_files"].get<int>() == 9);
    BOOST_TEST(summary["added"].get<int>() == 0);
    fs::copy_file(kData / "documents" / "untitled-1791.pdf", f.dir / "washington-1790.pdf",
                  fs::copy_options::overwrite_existing);
    RunResult plan = run_program(FOLIO_INDEXER, {"--db", f.db, "--dry-run", f.dir.string()});
    BOOST_TEST_REQUIRE(plan.status == 0, plan.err);
    BOOST_TEST(contains(plan.out, "update " + (f.dir / "washington-1790.pdf").string()), plan.out);
    BOOST_TEST(!contains(plan.out, "adams-1797.docx"), plan.out);
}

// Each hostile document ends in its own message naming it; the others are still indexed.
BOOST_AUTO_TEST_CASE(hostile_documents_end_in_their_messages) {
    TempDir tmp;
    const fs::path dir = tmp.path() / "in";
    fs::copy(kData / "hostile-documents", dir);
    fs::remove(dir / "make-samples.sh");
    fs::copy_file(kData / "documents" / "adams-1797.docx", dir / "good.docx");
    RunResult r = run_program(FOLIO_INDEXER, {"--db", (tmp.path() / "db").string(), "--json",
                                              "--max-file-size", "1M", dir.string()});
    BOOST_TEST(r.status == 1, r.err);
    const nlohmann::json summary = nlohmann::json::parse(r.out);
    BOOST_TEST(summary["added"].get<int>() == 1);  // good.docx
    std::vector<std::string> messages;
    for (const auto& d : summary["diagnostics"])
        messages.push_back(fs::path(d["path"].get<std::string>()).filename().string() + ": " +
                           d["message"].get<std::string>());
    for (const char* expected :
         {"encrypted.pdf: encrypted PDF (needs a password): not read",
          "image-only.pdf: no text layer (an image-only PDF?), skipped",
          "truncated.pdf: broken or truncated PDF: not read",
          "not-a-pdf.pdf: not a PDF file (no %PDF- signature in its first 1 KB): not read",
          "text-named.odt: not an ODT file (not a zip archive): not read",
          "entities.docx: bad XML in word/document.xml: Detected an entity reference loop (line 1)",
          "nested.odt: bad XML in content.xml: Excessive depth in document: 256 use "
          "XML_PARSE_HUGE option (line 1)"}) {
        BOOST_TEST(
            (std::find(messages.begin(), messages.end(), std::string(expected)) != messages.end()),
            expected);
    }
    BOOST_TEST(contains(r.err, "bomb.docx: zip entries expand past the --max-file-size limit"),
               r.err);
}

BOOST_AUTO_TEST_SUITE_END()
