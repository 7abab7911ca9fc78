// cli.hpp: the command-line pieces both programs share: the --db and --language flags, size
// arguments, and main's single error handler with Folio's exit codes.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <functional>
#include <memory>
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
/// --version, printing Folio's, Xapian's and libstemmer's versions.
void add_version_flag(CLI::App& app, const std::string& program);

/// "10M", "512k", "1G", "1000" -> bytes; throws CLI::ValidationError (a negative number, no
/// number, another unit, or more than 2^64 - 1 bytes).
std::uint64_t parse_size(const std::string& text);

/// Validators that refuse what a numeric option cannot mean, naming the value and the range:
/// a whole number (digits only: no sign, no fraction) from `min` to `max`;
CLI::Validator whole_number(std::uint64_t min, std::uint64_t max);
/// a finite decimal number from `min` to `max`;
CLI::Validator real_number(double min, double max);
/// a size parse_size() reads.
CLI::Validator size_value();

/// The help layout both programs share: 80 columns, options in named groups (as ripgrep's),
/// each description wrapped beside its option. Call first: it also takes the help flag away
/// until add_help_flags() adds it last.
void use_help_layout(CLI::App& app);
/// -h (a short help: one line an option, as ripgrep's -h) and --help (all of it), in the
/// group Other; call after the other options.
void add_help_flags(CLI::App& app);

/// The arguments a program parses: the default flags of the configuration file that
/// $FOLIO_CONFIG_PATH names (unless --no-config is among the arguments), then its own.
struct CommandLine {
    std::vector<std::string> args;  ///< without the program name
    std::string config_path;        ///< the file read, "" when none
    std::size_t config_count = 0;   ///< how many of args came from it (the first ones)
};

/// Reads the command line and the configuration file: one argument a line, surrounding spaces
/// dropped; blank lines and lines starting with '#' skipped; lines after "[folio-indexer]" or
/// "[folio-searcher]" only for that program, lines before any section for both. Throws
/// UsageError naming the file (and line) when it cannot be read or has another section.
CommandLine command_line(const std::string& program, int argc, char** argv);

/// --no-config: leave the configuration file out.
void add_no_config_flag(CLI::App& app);

/// Backs the next 2 MiB of the heap with one transparent huge page, where glibc's malloc and the
/// kernel allow it (THP "always" or "madvise"); else does nothing. For the searcher, which a
/// script may start once per query: its heap grows to a few hundred KiB, one page fault per
/// 4 KiB page, and on a virtual machine a fault costs ~10 us (docs/BENCHMARKS.md). Call first
/// thing in main, before other threads exist. Costs 2 MiB of memory, zeroed at its first use.
/// Returns where the huge page starts, or nullptr when the heap was left as it was.
void* use_huge_page_heap() noexcept;

/// Prints "PROGRAM: error: MESSAGE" on stderr; returns kFailure.
int report_error(const std::string& program, const std::string& message);

/// Parses `line` and runs `body`, turning every exception into "PROGRAM: error: ..." on stderr
/// and exit code 2 (CLI11's parse errors with a hint, and the configuration file's flags named
/// when there were some). Returns the exit code.
int run(const std::string& program, CLI::App& app, const CommandLine& line,
        const std::function<int()>& body);

}  // namespace folio::cli
