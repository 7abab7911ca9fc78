#include "folio/indexing.hpp"

#include <chrono>
#include <unordered_map>
#include <utility>

#include "folio/crawl.hpp"
#include "folio/writer.hpp"

namespace folio {

IndexSummary run_index(const IndexOptions& options, const IndexObserver& observer) {
    auto start = std::chrono::steady_clock::now();
    IndexSummary summary;

    WriterOptions writer_options;
    writer_options.language = options.language;
    writer_options.spelling = options.spelling;
    IndexWriter writer(options.db, writer_options);
    summary.language = writer.language();

    auto report = [&](Diagnostic&& d) {
        if (d.severity == Diagnostic::Severity::warning)
            ++summary.warnings;
        if (observer.diagnostic)
            observer.diagnostic(d);
    };

    std::vector<FoundFile> files = find_files(options.paths, [&](Diagnostic&& d) {
        if (d.severity == Diagnostic::Severity::error)
            ++summary.failed;
        report(std::move(d));
    });
    ReadOptions read_options;
    read_options.max_file_size = options.max_file_size;

    // Ids met in this run, so a second article with the same id is reported, not silently lost.
    std::unordered_map<std::string, std::string> seen;
    for (const FoundFile& file : files) {
        std::size_t before_warnings = summary.warnings;
        auto sink = [&](Article&& article) {
            if (file.info.path != "-")
                article.path = file.info.id;
            auto [it, fresh] = seen.emplace(article.id, file.info.path);
            if (!fresh) {
                report(Diagnostic{Diagnostic::Severity::warning, file.info.path, 0,
                                  "duplicate id '" + article.id + "' (also in " + it->second +
                                      "): the later article replaces the earlier"});
            }
            auto outcome = writer.add(article, {}, file_stamp(file));
            if (outcome == IndexWriter::Outcome::added && fresh) {
                ++summary.added;
            } else {
                ++summary.replaced;
            }
        };
        ReadStats stats = read_file(file.info, read_options, sink, report);
        ++summary.files;
        summary.bytes += file.size;
        summary.failed += stats.failed;
        if (stats.articles == 0 && stats.failed == 0 && summary.warnings > before_warnings) {
            ++summary.skipped;
        }
        if (observer.file_done)
            observer.file_done(file.info.path);
        if (observer.progress)
            observer.progress(summary, files.size());
    }
    writer.commit();
    summary.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return summary;
}

}  // namespace folio
