// folio/indexing.hpp: one indexing run, as the indexer program performs it: find the files,
// read them, write the articles, commit, and count what happened. Owns the run's policy
// (what is an error, what is a warning, when to commit) so that programs stay thin.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "folio/readers.hpp"

namespace folio {

struct IndexOptions {
    std::string db;                  ///< database directory
    std::vector<std::string> paths;  ///< files, directories, "-" for standard input
    std::string language;            ///< "" keeps the database's (english for a new one)
    std::uint64_t max_file_size = 100ull << 20;
    bool spelling = true;
};

struct IndexSummary {
    std::size_t files = 0;     ///< files read
    std::size_t added = 0;     ///< articles new to the database
    std::size_t replaced = 0;  ///< articles that replaced one with the same id
    std::size_t skipped = 0;   ///< files skipped with a warning (binary, empty)
    std::size_t failed = 0;    ///< articles or files that could not be read
    std::size_t warnings = 0;
    std::uint64_t bytes = 0;  ///< bytes of input read
    double seconds = 0;
    std::string language;  ///< the database's language

    std::size_t articles() const { return added + replaced; }
    /// 0 when all went in, 1 when some articles failed (the programs' exit codes).
    int exit_code() const { return failed == 0 ? 0 : 1; }
};

/// Called as the run progresses, so a program can show it.
struct IndexObserver {
    std::function<void(const Diagnostic&)> diagnostic;       ///< every warning and error
    std::function<void(const std::string& path)> file_done;  ///< after each file (verbose)
    std::function<void(const IndexSummary&, std::size_t total_files)> progress;
};

/// Runs an indexing job. Throws DatabaseError/UsageError when nothing can be done (the database
/// cannot be opened or is locked, bad options); bad input files are reported and skipped.
/// Everything read is committed before it returns.
IndexSummary run_index(const IndexOptions& options, const IndexObserver& observer);

}  // namespace folio
