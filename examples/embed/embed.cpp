// SPDX-License-Identifier: GPL-2.0-or-later
// embed: Folio as a library. Indexes the files and directories named on the command line into
// a database, then answers a query from it, the way folio-indexer and folio-searcher do but
// through folio_common's API (find_package(Folio) -> Folio::folio).
//
//   embed DB QUERY PATH...
#include <folio/error.hpp>
#include <folio/indexing.hpp>
#include <folio/search.hpp>

#include <iostream>

int main(int argc, char** argv) {
    if (argc < 4) {
        std::cerr << "usage: embed DB QUERY PATH...\n";
        return 2;
    }
    try {
        folio::IndexOptions options;
        options.db = argv[1];
        options.paths.assign(argv + 3, argv + argc);
        folio::IndexObserver observer;
        observer.diagnostic = [](const folio::Diagnostic& d) {
            std::cerr << "embed: " << d.to_string() << "\n";
        };
        folio::IndexSummary summary = folio::run_index(options, observer);
        std::cout << "indexed " << summary.files << " files: " << summary.added << " added, "
                  << summary.replaced << " replaced (" << summary.language << ")\n";

        folio::Searcher searcher({options.db});
        folio::SearchRequest request;
        request.query = argv[2];
        request.limit = 3;
        folio::SearchResult result = searcher.search(request);
        std::cout << result.estimated << " matches for " << request.query << "\n";
        for (const auto& hit : result.hits) {
            std::cout << hit.rank << ". " << hit.article.title << " (" << hit.article.date
                      << ", score " << hit.score << ")\n";
            for (const auto& passage : hit.passages) {
                std::string marked = passage.text;
                // Mark the highlights from the back, so earlier offsets stay valid.
                for (auto h = passage.highlights.rbegin(); h != passage.highlights.rend(); ++h) {
                    marked.insert(h->end, "]");
                    marked.insert(h->begin, "[");
                }
                std::cout << "   " << marked << "\n";
            }
        }
        return result.hits.empty() ? 1 : 0;
    } catch (const folio::QueryError& e) {
        std::cerr << "embed: bad query: " << e.reason() << " at column " << e.column() << "\n";
    } catch (const std::exception& e) {
        std::cerr << "embed: " << e.what() << "\n";
    }
    return 2;
}
