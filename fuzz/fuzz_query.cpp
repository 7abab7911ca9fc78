// SPDX-License-Identifier: GPL-2.0-or-later
// Fuzz target: query parsing and passage extraction. The input is a query, run by a Searcher
// against a small database built once (its articles, in four languages, have passages to
// extract and words for wildcards, fields, dates, synonyms and languages to expand to). A malformed
// query must be refused with QueryError or UsageError; anything else escaping is a finding.
#include <stdlib.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "folio/error.hpp"
#include "folio/search.hpp"
#include "index/writer.hpp"
#include "search/query.hpp"

namespace {

folio::Searcher* searcher = nullptr;
std::string scratch;  // the database's directory, removed at exit

void remove_scratch() {
    std::error_code ec;
    std::filesystem::remove_all(scratch, ec);
}

void build_database() {
    std::string dir = (std::filesystem::temp_directory_path() / "folio-fuzz-XXXXXX").string();
    if (mkdtemp(dir.data()) == nullptr)
        abort();
    scratch = dir;
    std::atexit(remove_scratch);
    const std::string db = dir + "/db";
    {
        folio::WriterOptions options;
        options.language = "english";
        folio::IndexWriter writer(db, options);
        const char* bodies[] = {
            "NATO allies met in Brussels. The alliance agreed on defence spending.\n\nTroops "
            "and ships moved to the harbour; the market price of crude oil rose.",
            "Über café naïve résumé — 日本語のテキスト and emoji 🙂 in a passage. "
            "Ships "
            "sail.",
            "Short.",
            "The the the and of a an. Stopwords only, then military militia milestone.",
        };
        int n = 0;
        for (const char* body : bodies) {
            folio::Article a;
            a.id = "doc" + std::to_string(n);
            a.title = n % 2 ? "State of the Union" : "NATO Leaders Look to Defense";
            a.body = body;
            a.date = n % 2 ? "1862-12-01" : "2022-02-18";
            a.authors = {"Abraham Lincoln"};
            a.tags = {"war", "trade"};
            a.source = "fuzz";
            // Articles in several languages: every query goes through the languages rule
            // (each word expanded to its stems in each language, phrases as aligned ORs).
            a.language = n == 1 ? "fr-CA" : n == 2 ? "ru" : n == 3 ? "zh-Hant" : "";
            writer.add(a);
            ++n;
        }
        writer.commit();
    }
    searcher = new folio::Searcher({db});
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    build_database();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 4096)
        return 0;  // long queries are exercised by the reliability tests
    const std::string text(reinterpret_cast<const char*>(data), size);
    folio::SearchRequest request;
    request.query = text;
    request.passages = 2;
    request.passage_length = 60;
    request.default_and = size % 2 == 0;
    request.exact_count = true;
    try {
        folio::SearchResult result = searcher->search(request);
        for (const auto& hit : result.hits) {
            for (const auto& passage : hit.passages) {
                for (const auto& h : passage.highlights) {
                    if (h.begin >= h.end || h.end > passage.text.size())
                        __builtin_trap();
                }
            }
        }
    } catch (const folio::QueryError&) {
    } catch (const folio::UsageError&) {
    }
    return 0;
}
