// SPDX-License-Identifier: GPL-2.0-or-later
#define BOOST_TEST_MODULE documents
#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "folio/error.hpp"
#include "read/container.hpp"
#include "read/readers.hpp"

namespace bdata = boost::unit_test::data;
namespace fs = std::filesystem;
using folio::Article;
using folio::Diagnostic;
using folio::FileInfo;

namespace {

const fs::path kSamples = fs::path(FOLIO_TEST_DATA) / "documents";
const fs::path kHostile = fs::path(FOLIO_TEST_DATA) / "hostile-documents";

std::string slurp(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

FileInfo info_for(const fs::path& path) {
    return FileInfo{path.string(), "file-id", "test-source", std::nullopt};
}

struct Result {
    folio::ReadStats stats;
    std::vector<Article> articles;
    std::vector<std::string> messages;  // "E message" or "W message", without the path
};

Result read(const fs::path& path, std::uint64_t max_file_size = folio::kDefaultMaxFileSize) {
    Result r;
    folio::ReadOptions options;
    options.max_file_size = max_file_size;
    options.documents = folio::read_document;
    r.stats = folio::read_file(
        info_for(path), options, [&](Article&& a) { r.articles.push_back(std::move(a)); },
        [&](Diagnostic&& d) {
            BOOST_TEST(d.path == path.string());
            r.messages.push_back((d.severity == Diagnostic::Severity::error ? "E " : "W ") +
                                 d.message);
        });
    return r;
}

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(samples)

// The PDF's document information is the article's metadata; its pages are separated by form
// feeds, so that the second page's text follows exactly one.
BOOST_AUTO_TEST_CASE(pdf_metadata_text_and_pages) {
    const Result r = read(kSamples / "washington-1790.pdf");
    BOOST_TEST(r.messages.empty());
    BOOST_REQUIRE_EQUAL(r.articles.size(), 1u);
    const Article& a = r.articles[0];
    BOOST_TEST(a.title == "Second Annual Message 1790");
    BOOST_TEST(a.authors == std::vector<std::string>{"George Washington"},
               boost::test_tools::per_element());
    BOOST_TEST(a.description == "Annual message to Congress");
    BOOST_TEST(a.tags == (std::vector<std::string>{"congress", "public credit"}),
               boost::test_tools::per_element());
    BOOST_TEST(a.date == "2000-01-01");
    BOOST_TEST(std::count(a.body.begin(), a.body.end(), '\f') == 2);
    BOOST_TEST(a.body.starts_with("Fellow-Citizens of the Senate"));
    const std::size_t war = a.body.find("The Secretary of War is directed");
    BOOST_REQUIRE(war != std::string::npos);
    BOOST_TEST(std::count(a.body.begin(), a.body.begin() + static_cast<long>(war), '\f') == 2);
}

// Without a title in the document information, the first line of the text is the title.
BOOST_AUTO_TEST_CASE(pdf_without_title_takes_its_first_line) {
    const Result r = read(kSamples / "untitled-1791.pdf");
    BOOST_REQUIRE_EQUAL(r.articles.size(), 1u);
    BOOST_TEST(r.articles[0].title == "Third Annual Message to Congress");
    BOOST_TEST(r.articles[0].authors.empty());
}

// DOCX: paragraphs of word/document.xml, metadata of docProps/core.xml.
BOOST_AUTO_TEST_CASE(docx_paragraphs_and_core_properties) {
    const Result r = read(kSamples / "adams-1797.docx");
    BOOST_TEST(r.messages.empty());
    BOOST_REQUIRE_EQUAL(r.articles.size(), 1u);
    const Article& a = r.articles[0];
    BOOST_TEST(a.title == "First Annual Message 1797");
    BOOST_TEST(a.authors == std::vector<std::string>{"John Adams"},
               boost::test_tools::per_element());
    BOOST_TEST(a.language == "english");
    BOOST_TEST(contains(a.body, "\n\n"));
    BOOST_TEST(contains(a.body, "Gentlemen of the Senate"));
}

// ODT: paragraphs of content.xml, metadata of meta.xml.
BOOST_AUTO_TEST_CASE(odt_paragraphs_and_meta) {
    const Result r = read(kSamples / "jefferson-1801.odt");
    BOOST_TEST(r.messages.empty());
    BOOST_REQUIRE_EQUAL(r.articles.size(), 1u);
    const Article& a = r.articles[0];
    BOOST_TEST(a.title == "First Annual Message 1801");
    BOOST_TEST(a.authors == std::vector<std::string>{"Thomas Jefferson"},
               boost::test_tools::per_element());
    BOOST_TEST(contains(a.body, "\n\n"));
    BOOST_TEST(contains(a.body, "Fellow Citizens of the Senate"));
}

// EPUB: one article, the chapters in spine order, metadata from the OPF.
BOOST_AUTO_TEST_CASE(epub_chapters_in_spine_order) {
    const Result r = read(kSamples / "madison-1810.epub");
    BOOST_TEST(r.messages.empty());
    BOOST_REQUIRE_EQUAL(r.articles.size(), 1u);
    const Article& a = r.articles[0];
    BOOST_TEST(a.title == "Second Annual Message 1810");
    BOOST_TEST(a.authors == std::vector<std::string>{"James Madison"},
               boost::test_tools::per_element());
    BOOST_TEST(a.date == "1810-12-05");
    BOOST_TEST(a.language == "english");
    const std::size_t first = a.body.find("The state of our foreign relations");
    const std::size_t second = a.body.find("The finances of the nation");
    BOOST_TEST(first != std::string::npos);
    BOOST_TEST(second != std::string::npos);
    BOOST_TEST(first < second);
}

// Without a document reader in the options (the searcher's --like-file), documents are refused.
BOOST_AUTO_TEST_CASE(documents_need_their_reader) {
    std::vector<std::string> messages;
    const folio::ReadStats stats = folio::read_file(
        info_for(kSamples / "washington-1790.pdf"), folio::ReadOptions{}, [](Article&&) {},
        [&](Diagnostic&& d) { messages.push_back(d.message); });
    BOOST_TEST(stats.failed == 1u);
    BOOST_TEST(
        messages ==
            std::vector<std::string>{"PDF, EPUB, DOCX and ODT files are read by the indexer only"},
        boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(hostile)

// Each hostile document ends in its documented message, quickly, and nothing is indexed.
BOOST_DATA_TEST_CASE(
    hostile_documents_are_refused,
    bdata::make({"encrypted.pdf", "image-only.pdf", "truncated.pdf", "not-a-pdf.pdf",
                 "epub-named.docx", "text-named.odt", "truncated.epub", "nested.odt", "bomb.docx",
                 "lying-bomb.docx"}) ^
        bdata::make({"E encrypted PDF (needs a password): not read",
                     "W no text layer (an image-only PDF?), skipped",
                     "E broken or truncated PDF: not read",
                     "E not a PDF file (no %PDF- signature in its first 1 KB): not read",
                     "E not a DOCX file (a zip archive without word/document.xml): not read",
                     "E not an ODT file (not a zip archive): not read",
                     "E broken or truncated zip archive (Not a zip archive)",
                     "E bad XML in content.xml: Excessive depth in document: 256 use "
                     "XML_PARSE_HUGE option (line 1)",
                     "E zip entries expand past the --max-file-size limit (1000000 bytes left "
                     "at 'word/document.xml'): a decompression bomb? not read",
                     "E zip entries expand past the --max-file-size limit (1000000 bytes left "
                     "at 'word/document.xml'): a decompression bomb? not read"}),
    name, expected) {
    const auto start = std::chrono::steady_clock::now();
    const Result r = read(kHostile / name, 1000000);
    const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start);
    BOOST_TEST(seconds.count() < 5.0);
    BOOST_TEST(r.articles.empty());
    BOOST_TEST(r.messages == std::vector<std::string>{expected}, boost::test_tools::per_element());
}

// Entities are never expanded: libxml2 refuses a billion laughs at once.
BOOST_AUTO_TEST_CASE(entity_bombs_are_refused) {
    const auto start = std::chrono::steady_clock::now();
    const Result r = read(kHostile / "entities.docx");
    const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start);
    BOOST_TEST(seconds.count() < 5.0);
    BOOST_TEST(r.articles.empty());
    BOOST_TEST(
        r.messages == std::vector<std::string>{"E bad XML in word/document.xml: Detected an entity "
                                               "reference loop (line 1)"},
        boost::test_tools::per_element());
}

// The expanded size is counted while inflating, so the budget holds whatever the zip declares:
// lying-bomb.docx declares 1,000 bytes for an entry of 16 MB.
BOOST_AUTO_TEST_CASE(zip_budget_counts_inflated_bytes) {
    const std::string bytes = slurp(kHostile / "lying-bomb.docx");
    folio::detail::ZipArchive zip(bytes, 100000);
    BOOST_TEST(zip.read("[Content_Types].xml").size() < 1000u);
    BOOST_CHECK_THROW(zip.read("word/document.xml"), std::runtime_error);
}

BOOST_AUTO_TEST_SUITE_END()
