// cli.hpp: the command-line pieces both programs share: the --db and --language flags, size
// arguments, and main's single error handler with Folio's exit codes.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace folio::cli {

/// Exit codes shared by both programs (grep's convention for the searcher).
enum ExitCode : int {
    kOk = 0,       ///< indexer: everything went in; searcher: hits
    kPartial = 1,  ///< indexer: some articles failed; searcher: no hits
    kFailure = 2,  ///< nothing could be done: bad arguments, database, query
};

/// --db DB, defaulting to $FOLIO_DB, else folio::default_database_path().
CLI::Option* add_db_option(CLI::App& app, std::string& db);
/// --db DB, repeatable (several databases searched as one).
CLI::Option* add_db_option(CLI::App& app, std::vector<std::string>& dbs);
/// --language LANG, checked against libstemmer's languages.
CLI::Option* add_language_option(CLI::App& app, std::string& language, const std::string& what);
/// $FOLIO_LANGUAGE as a canonical language name ("" when unset or empty); throws UsageError
/// naming the variable when it is not a language.
std::string language_from_environment();
/// --version, printing Folio's, Xapian's and libstemmer's versions.
void add_version_flag(CLI::App& app, const std::string& program);

/// "10M", "512k", "1G", "1000" -> bytes; throws CLI::ValidationError.
std::uint64_t parse_size(const std::string& text);

/// Backs the next 2 MiB of the heap with one transparent huge page, where glibc's malloc and the
/// kernel allow it (THP "always" or "madvise"); else does nothing. For the searcher, which a
/// script may start once per query: its heap grows to a few hundred KiB, one page fault per
/// 4 KiB page, and on a virtual machine a fault costs ~10 us (docs/BENCHMARKS.md). Call first
/// thing in main, before other threads exist. Costs 2 MiB of memory, zeroed at its first use.
/// Returns where the huge page starts, or nullptr when the heap was left as it was.
void* use_huge_page_heap() noexcept;

/// Runs `body` and turns every exception into "PROGRAM: error: ..." on stderr and exit code 2
/// (CLI11's own parse errors print its message and usage hint). Returns the exit code.
int run(const std::string& program, CLI::App& app, int argc, char** argv,
        const std::function<int()>& body);

}  // namespace folio::cli
