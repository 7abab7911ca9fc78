// indexer: reads article files into a Folio database. A thin layer over folio::run_index.
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "folio/error.hpp"
#include "folio/indexing.hpp"
#include "folio/stemmer.hpp"

namespace {

struct Flags {
    folio::IndexOptions index;
    std::string max_file_size = "100M";
    bool no_spelling = false;
    bool quiet = false;
    bool verbose = false;
    bool json = false;
    bool list_languages = false;
};

void print_summary(const folio::IndexSummary& s, bool json) {
    double mb = static_cast<double>(s.bytes) / (1024.0 * 1024.0);
    double rate = s.seconds > 0 ? static_cast<double>(s.articles()) / s.seconds : 0.0;
    if (json) {
        nlohmann::ordered_json j{
            {"files", s.files},      {"added", s.added},     {"replaced", s.replaced},
            {"skipped", s.skipped},  {"failed", s.failed},   {"warnings", s.warnings},
            {"bytes", s.bytes},      {"seconds", s.seconds}, {"articles_per_second", rate},
            {"language", s.language}};
        std::cout << j.dump() << "\n";
        return;
    }
    std::printf(
        "indexed %zu files: %zu added, %zu replaced, %zu skipped, %zu failed; "
        "%.1f MB in %.2f s (%.0f articles/s)\n",
        s.files, s.added, s.replaced, s.skipped, s.failed, mb, s.seconds, rate);
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"Index article files (.txt, .md, .html, .jsonl) into a Folio database.",
                 "indexer"};
    Flags flags;
    folio::cli::add_db_option(app, flags.index.db);
    app.add_option("paths", flags.index.paths,
                   "Files and directories to index (directories recursively; - reads JSON "
                   "Lines from standard input)");
    folio::cli::add_language_option(app, flags.index.language,
                                    "Stemming language of a new database (default english)");
    app.add_option("--max-file-size", flags.max_file_size,
                   "Skip files larger than this, with an error (e.g. 100M; 0 for no limit)")
        ->capture_default_str();
    app.add_flag("--no-spelling", flags.no_spelling,
                 "Do not build the spelling dictionary (faster; no \"did you mean\")");
    app.add_flag("-q,--quiet", flags.quiet, "Print errors only, no warnings or summary");
    app.add_flag("-v,--verbose", flags.verbose, "Name each file as it is indexed (on stderr)");
    app.add_flag("--json", flags.json, "Print the summary as one JSON object");
    app.add_flag("--list-languages", flags.list_languages, "List the stemming languages and exit");
    folio::cli::add_version_flag(app, "indexer");
    app.footer(
        "Exit status: 0 all articles indexed, 1 some files or articles failed (the rest are "
        "indexed), 2 nothing could be done (bad arguments, database cannot be opened or is "
        "locked).");

    return folio::cli::run("indexer", app, argc, argv, [&]() -> int {
        if (flags.list_languages) {
            for (const auto& l : folio::stemmer_languages())
                std::cout << l << "\n";
            std::cout << "none\n";
            return folio::cli::kOk;
        }
        if (flags.index.paths.empty()) {
            throw folio::UsageError("no files or directories to index (see --help)");
        }
        flags.index.max_file_size = folio::cli::parse_size(flags.max_file_size);
        flags.index.spelling = !flags.no_spelling;

        const bool tty = ::isatty(STDERR_FILENO) != 0 && !flags.quiet;
        folio::IndexObserver observer;
        observer.diagnostic = [&](const folio::Diagnostic& d) {
            bool warning = d.severity == folio::Diagnostic::Severity::warning;
            if (warning && flags.quiet)
                return;
            if (tty)
                std::cerr << "\r\033[K";
            std::cerr << "indexer: " << (warning ? "warning: " : "error: ") << d.to_string()
                      << "\n";
        };
        if (flags.verbose) {
            observer.file_done = [](const std::string& path) { std::cerr << path << "\n"; };
        } else if (tty) {
            observer.progress = [](const folio::IndexSummary& s, std::size_t total) {
                std::cerr << "\r\033[K" << s.files << "/" << total << " files, " << s.articles()
                          << " articles" << std::flush;
            };
        }
        folio::IndexSummary summary = folio::run_index(flags.index, observer);
        if (tty && !flags.verbose)
            std::cerr << "\r\033[K";
        if (!flags.quiet || flags.json)
            print_summary(summary, flags.json);
        return summary.exit_code();
    });
}
