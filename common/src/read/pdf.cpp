// SPDX-License-Identifier: GPL-2.0-or-later
// PDF through poppler-cpp: each page's text in reading order, pages separated by form feeds,
// and the document's information dictionary.

#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-global.h>
#include <poppler/cpp/poppler-page.h>

#include <ctime>
#include <memory>
#include <mutex>

#include "folio/error.hpp"
#include "read/container.hpp"
#include "read/parse_util.hpp"

namespace folio {

using namespace detail;

namespace {

std::string utf8(const poppler::ustring& s) {
    const poppler::byte_array bytes = s.to_utf8();
    return to_utf8(std::string_view(bytes.data(), bytes.size()));
}

// A page's text: lines without trailing spaces, blank-line runs as one paragraph break, no form
// feed (they separate pages in the body).
std::string page_text(const poppler::page& page) {
    std::string raw = utf8(page.text(poppler::rectf(), poppler::page::non_raw_non_physical_layout));
    std::erase(raw, '\f');
    std::vector<std::string> lines;
    for (std::string_view line : split_lines(raw))
        lines.emplace_back(line);
    return join_body(lines);
}

std::string iso_date(std::time_t t) {
    if (t <= 0)
        return {};
    std::tm tm{};
    if (gmtime_r(&t, &tm) == nullptr)
        return {};
    char buffer[16];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%d", &tm);
    return buffer;
}

// poppler reports what it finds wrong in a file on stderr unless told otherwise: its messages
// are dropped, and read_file reports the file's failure itself.
void quiet_poppler() {
    static std::once_flag once;
    std::call_once(
        once, [] { poppler::set_debug_error_function([](const std::string&, void*) {}, nullptr); });
}

}  // namespace

bool has_pdf_signature(std::string_view bytes) {
    // The header may follow some bytes of junk, as readers accept (within the first 1 KB).
    return bytes.substr(0, 1024).find("%PDF-") != std::string_view::npos;
}

Article parse_pdf(std::string_view bytes, const FileInfo& info) {
    quiet_poppler();
    if (!has_pdf_signature(bytes))
        throw InputError(info.path, 0,
                         "not a PDF file (no %PDF- signature in its first 1 KB): not read");
    if (bytes.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
        throw InputError(info.path, 0, "PDF too large to read");
    std::unique_ptr<poppler::document> doc(
        poppler::document::load_from_raw_data(bytes.data(), static_cast<int>(bytes.size())));
    if (!doc)
        throw InputError(info.path, 0, "broken or truncated PDF: not read");
    if (doc->is_locked())
        throw InputError(info.path, 0, "encrypted PDF (needs a password): not read");
    const int pages = doc->pages();
    if (pages > kMaxPdfPages)
        throw InputError(info.path, 0,
                         "PDF has " + std::to_string(pages) + " pages, more than the limit of " +
                             std::to_string(kMaxPdfPages) + ": not read");

    Article article = new_article(info);
    for (int i = 0; i < pages; ++i) {
        if (i > 0)
            article.body += "\n\f\n";
        std::unique_ptr<poppler::page> page(doc->create_page(i));
        if (page)
            article.body += page_text(*page);
    }
    article.title = collapse_spaces(utf8(doc->get_title()));
    if (article.title.empty())
        article.title = title_from_first_line(article.body);
    DistinctList authors(article.authors);
    const std::string author = utf8(doc->get_author());
    if (author.find(';') != std::string::npos) {
        std::string_view rest = author;
        while (!rest.empty()) {
            const std::size_t semi = rest.find(';');
            authors.add(rest.substr(0, semi));
            rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
        }
    } else {
        authors.add(author);
    }
    article.description = collapse_spaces(utf8(doc->get_subject()));
    std::string keywords = utf8(doc->get_keywords());
    std::replace(keywords.begin(), keywords.end(), ';', ',');
    DistinctList(article.tags).add_comma_separated(keywords);
    article.date = iso_date(doc->get_creation_date_t());
    return article;
}

}  // namespace folio
