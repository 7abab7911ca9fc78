// SPDX-License-Identifier: GPL-2.0-or-later
// folio-indexer: reads article files into a Folio database. A thin layer over folio::run_index.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "folio/error.hpp"
#include "folio/indexing.hpp"
#include "folio/languages.hpp"
#include "folio/terminal.hpp"

namespace {

/// The installed command's name, which starts its messages.
constexpr const char* kProgram = "folio-indexer";
/// The most threads --jobs may ask for.
constexpr unsigned kMaxJobs = 1024;

std::atomic<bool> g_stop{false};
std::atomic<int> g_signal{0};

/// The first SIGINT or SIGTERM asks the run to stop at the next article (what was done is
/// committed); a second one ends the process at once, whatever call it is blocked in (the lock
/// goes with it: flock is released when the process dies).
extern "C" void on_signal(int signal) {
    if (g_stop.exchange(true)) {
        std::signal(signal, SIG_DFL);
        std::raise(signal);
        return;
    }
    g_signal.store(signal);
}

struct Flags {
    folio::IndexOptions index;
    std::string max_file_size = std::to_string(folio::kDefaultMaxFileSize >> 20) + "M";
    std::string memory = std::to_string(folio::kDefaultMemory >> 20) + "M";
    bool no_spelling = false;
    bool quiet = false;
    bool verbose = false;
    bool json = false;
    bool list_languages = false;
    std::vector<std::string> delete_ids;  // --delete ID...
};

nlohmann::ordered_json diagnostic_json(const folio::Diagnostic& d) {
    nlohmann::ordered_json j{
        {"severity", d.severity == folio::Diagnostic::Severity::warning ? "warning" : "error"},
        {"path", d.path.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(d.path)}};
    if (d.line != 0)
        j["line"] = d.line;
    j["message"] = d.message;
    return j;
}

void print_summary(const folio::IndexSummary& s, bool json,
                   const std::vector<folio::Diagnostic>& diagnostics) {
    double mb = static_cast<double>(s.bytes) / (1024.0 * 1024.0);
    double rate = s.seconds > 0 ? static_cast<double>(s.articles()) / s.seconds : 0.0;
    if (json) {
        nlohmann::ordered_json j{
            {"files", s.files},
            {"unchanged_files", s.unchanged_files},
            {"added", s.added},
            {"replaced", s.replaced},
            {"unchanged", s.unchanged},
            {"deleted", s.deleted},
            {"skipped", s.skipped},
            {"failed", s.failed},
            {"warnings", s.warnings},
            {"bytes", s.bytes},
            {"seconds", s.seconds},
            {"articles_per_second", rate},
            {"megabytes_per_second", s.seconds > 0 ? mb / s.seconds : 0.0},
            {"jobs", s.jobs},
            {"shards", s.shards},
            {"language", s.language},
            {"generation", s.generation.empty() ? nlohmann::ordered_json()
                                                : nlohmann::ordered_json(s.generation)},
            {"compacted", s.compacted},
            {"interrupted", s.interrupted}};
        auto& all = j["diagnostics"] = nlohmann::ordered_json::array();
        for (const auto& d : diagnostics)
            all.push_back(diagnostic_json(d));
        std::cout << j.dump() << "\n";
        return;
    }
    std::printf(
        "indexed %zu files: %zu added, %zu replaced, %zu deleted, %zu unchanged, %zu skipped, "
        "%zu failed; %.1f MB in %.2f s (%.0f articles/s, %.1f MB/s)%s\n",
        s.files, s.added, s.replaced, s.deleted, s.unchanged + s.unchanged_files, s.skipped,
        s.failed, mb, s.seconds, rate, s.seconds > 0 ? mb / s.seconds : 0.0,
        !s.interrupted ? ""
        : s.generation.empty()
            ? "; interrupted: the new index was abandoned, the live one is unchanged"
            : "; interrupted: what was done is committed");
}

void print_plan(const folio::IndexPlan& plan, bool json,
                const std::vector<folio::Diagnostic>& diagnostics) {
    if (json) {
        nlohmann::ordered_json j{{"add", plan.add},
                                 {"update", plan.update},
                                 {"delete", plan.remove},
                                 {"unchanged", plan.unchanged}};
        auto& all = j["diagnostics"] = nlohmann::ordered_json::array();
        for (const auto& d : diagnostics)
            all.push_back(diagnostic_json(d));
        std::cout << j.dump() << "\n";
        return;
    }
    for (const auto& p : plan.add)
        std::cout << "add " << folio::terminal_text(p) << "\n";
    for (const auto& p : plan.update)
        std::cout << "update " << folio::terminal_text(p) << "\n";
    for (const auto& p : plan.remove)
        std::cout << "delete " << folio::terminal_text(p) << "\n";
    std::cout << plan.add.size() << " to add, " << plan.update.size() << " to update, "
              << plan.remove.size() << " to delete, " << plan.unchanged << " unchanged\n";
}

/// "123/456 files  12.3 MB/s  1234 articles/s  ETA 0:42" on one terminal line.
void show_progress(std::size_t files, std::size_t total, std::uint64_t bytes,
                   std::uint64_t bytes_total, std::size_t articles, double seconds) {
    double mbps = seconds > 0 ? static_cast<double>(bytes) / (1 << 20) / seconds : 0;
    double aps = seconds > 0 ? static_cast<double>(articles) / seconds : 0;
    char eta[32] = "--:--";
    if (bytes > 0 && bytes_total > bytes) {
        auto left = static_cast<long>(seconds * static_cast<double>(bytes_total - bytes) /
                                      static_cast<double>(bytes));
        std::snprintf(eta, sizeof eta, "%ld:%02ld", left / 60, left % 60);
    }
    std::fprintf(stderr, "\r\033[K%zu/%zu files  %.1f MB/s  %.0f articles/s  ETA %s", files, total,
                 mbps, aps, eta);
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{
        "Index article files (.txt, .md, .html, .jsonl, .pdf, .epub, .docx, .odt) into a Folio "
        "database. Runs "
        "again over the same paths read only what changed and delete what is gone.",
        kProgram};
    Flags flags;
    auto& index = flags.index;
    folio::cli::use_help_layout(app);
    app.add_option("paths", index.paths,
                   "Files and directories to index (directories recursively; - reads JSON "
                   "Lines from standard input; none: those the database was indexed from)");

    const std::string input = "Input", database = "Database", output = "Output";
    folio::cli::add_language_option(app, index.language,
                                    "Stemming language of a new database (default: "
                                    "$FOLIO_LANGUAGE, else english)")
        ->group(input);
    app.add_option("--max-file-size", flags.max_file_size,
                   "Skip files larger than this, with an error (e.g. 100M; 0 for no limit)")
        ->check(folio::cli::size_value())
        ->type_name("SIZE")
        ->capture_default_str()
        ->group(input);
    app.add_option("--synonyms", index.synonyms,
                   "Store this synonyms file in the database, replacing its synonyms (lines "
                   "'a, b, c' or 'a => b, c'; alone, without PATHS: only store it)")
        ->check(CLI::ExistingFile)
        ->group(input);
    app.add_flag("--no-spelling", flags.no_spelling,
                 "Do not build the spelling dictionary (faster; no \"did you mean\")")
        ->group(input);
    app.add_option("--exclude", index.excludes,
                   "Leave out paths matching this gitignore-style GLOB (repeatable; e.g. "
                   "'*.log', 'drafts/')")
        ->allow_extra_args(false)
        ->type_name("GLOB")
        ->group(input);
    app.add_flag("--no-ignore{false}", index.ignore_files,
                 "Read what .gitignore, .ignore and .folioignore files leave out")
        ->group(input);

    folio::cli::add_db_option(app, index.db)->group(database);
    app.add_flag("--rebuild", index.rebuild,
                 "Build a fresh index of PATHS beside the live one and switch to it atomically")
        ->group(database);
    app.add_flag("-n,--dry-run", index.dry_run,
                 "List what would be added, updated and deleted, and change nothing")
        ->group(database);
    app.add_flag("--compact", index.compact,
                 "Compact the database afterwards (alone, without PATHS: only compact)")
        ->group(database);
    app.add_option("-j,--jobs", index.jobs,
                   "Threads for a new database or a rebuild (default: 0, all cores)")
        ->check(folio::cli::whole_number(0, kMaxJobs))
        ->group(database);
    app.add_option("--shards", index.shards,
                   "Spread a new database or a rebuild over N shard databases by the hash of "
                   "each article's id (a rebuild without it keeps the current number)")
        ->check(folio::cli::whole_number(1, folio::kMaxShards))
        ->group(database);
    app.add_option("--memory", flags.memory,
                   "Memory for the writers' buffers (e.g. 512M, at least 16M); bounds the "
                   "indexer's size")
        ->check(folio::cli::size_value())
        ->type_name("SIZE")
        ->capture_default_str()
        ->group(database);
    app.add_flag("--wait-lock", index.wait_lock,
                 "Wait for another indexer working on the database instead of failing")
        ->group(database);
    app.add_option("--delete", flags.delete_ids,
                   "Delete the articles with these ids (alone, without PATHS; with --dry-run: "
                   "list them)")
        ->type_name("ID...")
        ->group(database);

    app.add_flag("-q,--quiet", flags.quiet, "Print errors only, no warnings, progress or summary")
        ->group(output);
    app.add_flag("-v,--verbose", flags.verbose, "Name each file as it is indexed (on stderr)")
        ->group(output);
    app.add_flag("--json", flags.json,
                 "Print the summary (with --dry-run: the plan) as one JSON object")
        ->group(output);

    app.add_flag("--list-languages", flags.list_languages, "List the stemming languages and exit")
        ->group("Other");
    folio::cli::add_no_config_flag(app);
    folio::cli::add_version_flag(app, kProgram);
    folio::cli::add_help_flags(app);
    app.footer(
        "Exit status: 0 all articles indexed, 1 some files or articles failed (the rest are "
        "indexed), 2 nothing could be done (bad arguments, database cannot be opened or is "
        "locked), 130/143 interrupted by SIGINT/SIGTERM (what was done is committed; a "
        "rebuild leaves the live index as it was).");

    folio::cli::CommandLine line;
    try {
        line = folio::cli::command_line(kProgram, argc, argv);
    } catch (const folio::Error& e) {
        return folio::cli::report_error(kProgram, e.what());
    }
    return folio::cli::run(kProgram, app, line, [&]() -> int {
        if (flags.list_languages) {
            for (const auto& l : folio::stemmer_languages())
                std::cout << l << "\n";
            std::cout << "none\n";
            return folio::cli::kOk;
        }
        if (!flags.delete_ids.empty()) {
            if (!index.paths.empty() || index.rebuild)
                throw folio::UsageError("--delete takes article ids, not PATHs: run it on its own");
            // Each id once, in the order given.
            std::vector<std::string> held = folio::held_ids(index.db, flags.delete_ids);
            std::size_t asked = 0;
            {
                std::vector<std::string> ids = flags.delete_ids;
                std::sort(ids.begin(), ids.end());
                asked = static_cast<std::size_t>(std::unique(ids.begin(), ids.end()) - ids.begin());
            }
            const std::size_t missing = asked - held.size();
            if (index.dry_run) {
                if (flags.json) {
                    nlohmann::ordered_json j{{"delete", held}, {"missing", missing}};
                    std::cout << j.dump() << "\n";
                } else {
                    for (const auto& id : held)
                        std::cout << "delete " << folio::terminal_text(id) << "\n";
                    std::cout << held.size() << " to delete, " << missing
                              << " not in the database\n";
                }
                return folio::cli::kOk;
            }
            const std::size_t deleted = folio::delete_articles(index.db, held, index.wait_lock);
            if (flags.json) {
                nlohmann::ordered_json j{{"deleted", deleted}, {"missing", missing}};
                std::cout << j.dump() << "\n";
            } else if (!flags.quiet) {
                std::cout << "deleted " << deleted << (deleted == 1 ? " article" : " articles")
                          << "\n";
            }
            if (missing > 0) {
                std::cerr << kProgram << ": error: " << missing
                          << (missing == 1 ? " id is" : " ids are") << " not in the database\n";
                return folio::cli::kPartial;
            }
            return folio::cli::kOk;
        }
        if (index.paths.empty() && !index.rebuild && (index.compact || !index.synonyms.empty())) {
            if (!index.synonyms.empty()) {
                std::size_t n = folio::set_synonyms(index.db, index.synonyms, index.wait_lock);
                if (!flags.quiet)
                    std::cout << "stored " << n << " synonym entries\n";
            }
            if (index.compact)
                folio::compact_database(index.db, index.wait_lock);
            return folio::cli::kOk;
        }
        // Without paths: the files and folders the database was indexed from, again.
        std::vector<folio::Diagnostic> gone_roots;
        if (index.paths.empty()) {
            folio::RootsToUpdate roots = folio::roots_to_update(index.db);
            index.paths = std::move(roots.present);
            if (index.rebuild) {
                // A rebuild refuses a root that is gone (check_rebuild_roots) rather than
                // leave its articles out of the new index.
                for (const folio::Diagnostic& gone : roots.gone)
                    index.paths.push_back(gone.path);
            } else {
                gone_roots = std::move(roots.gone);
            }
            if (index.paths.empty() && gone_roots.empty())
                throw folio::UsageError("no files or directories to index (see --help)");
            if (index.paths.empty()) {
                throw folio::UsageError("none of the files and folders " + index.db +
                                        " was indexed from is there any more (" +
                                        gone_roots.front().path +
                                        "...): name a path to index, or one that is gone "
                                        "to delete its articles");
            }
        }
        index.new_language = folio::language_from_environment();
        index.max_file_size = folio::cli::parse_size(flags.max_file_size);
        index.memory = folio::cli::parse_size(flags.memory);
        if (index.memory < (16u << 20))
            throw folio::UsageError("--memory must be at least 16M");
        index.spelling = !flags.no_spelling;

        const bool tty = ::isatty(STDERR_FILENO) != 0 && !flags.quiet && !flags.verbose;
        folio::IndexObserver observer;
        // A message repeated for many records is shown a few times, then counted; -v shows
        // every one, and --json lists every one in the summary.
        folio::RepeatLimiter repeats;
        std::vector<folio::Diagnostic> diagnostics;
        observer.diagnostic = [&](const folio::Diagnostic& d) {
            if (flags.json)
                diagnostics.push_back(d);
            bool warning = d.severity == folio::Diagnostic::Severity::warning;
            if (warning && flags.quiet)
                return;
            if (!repeats.show(d) && !flags.verbose)
                return;
            if (tty)
                std::cerr << "\r\033[K";
            std::cerr << kProgram << ": " << (warning ? "warning: " : "error: ")
                      << folio::terminal_text(d.to_string()) << "\n";
        };
        auto print_repeats = [&] {
            if (flags.verbose)
                return;
            for (const auto& r : repeats.repeated()) {
                bool warning = r.first.severity == folio::Diagnostic::Severity::warning;
                std::cerr << kProgram << ": " << (warning ? "warning: " : "error: ") << "... and "
                          << folio::with_separators(r.more) << " more like it ("
                          << r.first.to_string() << "); -v or --json lists every one\n";
            }
        };
        for (const folio::Diagnostic& gone : gone_roots)
            observer.diagnostic(gone);
        if (index.dry_run) {
            print_plan(folio::plan_index(index, observer), flags.json, diagnostics);
            print_repeats();
            return folio::cli::kOk;
        }
        if (flags.verbose) {
            observer.file_done = [](const std::string& path) {
                std::cerr << folio::terminal_text(path) << "\n";
            };
        }
        auto start = std::chrono::steady_clock::now();
        if (tty) {
            observer.progress = [start](std::size_t files, std::size_t total, std::uint64_t bytes,
                                        std::uint64_t bytes_total, std::size_t articles) {
                double seconds =
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
                show_progress(files, total, bytes, bytes_total, articles, seconds);
            };
        }
        std::signal(SIGINT, on_signal);
        std::signal(SIGTERM, on_signal);
        index.stop = &g_stop;
        folio::IndexSummary summary = folio::run_index(index, observer);
        if (tty)
            std::cerr << "\r\033[K";
        print_repeats();
        if (!flags.quiet || flags.json)
            print_summary(summary, flags.json, diagnostics);
        if (summary.interrupted)
            return 128 + g_signal.load();
        return summary.exit_code();
    });
}
