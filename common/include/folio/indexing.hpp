// folio/indexing.hpp: one indexing run, as the indexer program performs it. Owns the run's
// policy: what changed since the last run (the file manifest), what to read, add, replace and
// delete, building a new database in parallel shards merged by Xapian's compactor, atomic
// rebuilds, interruption, and what counts as an error or a warning. Programs only print.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "folio/diagnostic.hpp"

namespace folio {

/// The most shards an index may have.
inline constexpr unsigned kMaxShards = 256;
/// Files larger than this are skipped with an error, unless the run sets another limit.
inline constexpr std::uint64_t kDefaultMaxFileSize = 100ull << 20;
/// The writers' buffers of a run, unless it sets another budget.
inline constexpr std::uint64_t kDefaultMemory = 512ull << 20;

struct IndexOptions {
    std::string db;                  ///< database directory
    std::vector<std::string> paths;  ///< files, directories, "-" for standard input
    std::string language;            ///< "" keeps the database's (english for a new one)
    /// The language of a new database when `language` is "" ($FOLIO_LANGUAGE; "": english).
    /// An existing database, rebuilt or not, keeps its own.
    std::string new_language;
    /// Honour .gitignore (in a git repository), .ignore and .folioignore (CrawlOptions).
    bool ignore_files = true;
    /// gitignore-style patterns of paths to leave out (--exclude); they override ignore files.
    std::vector<std::string> excludes;
    std::uint64_t max_file_size = kDefaultMaxFileSize;  ///< larger files are skipped (0: no limit)
    bool spelling = true;
    bool rebuild = false;    ///< build a new generation from `paths` and switch to it
    bool dry_run = false;    ///< only say what would be added, replaced and deleted
    bool compact = false;    ///< compact the database afterwards (a new generation)
    bool wait_lock = false;  ///< wait for another indexer instead of failing
    /// A synonyms file to store in the database (replacing its synonyms); a rebuild without
    /// one keeps the synonyms the old generation had.
    std::string synonyms;
    unsigned jobs = 0;  ///< threads for a new database or a rebuild (0: all cores)
    /// Shards of a new database or a rebuild (articles spread by the hash of their id; 0 keeps
    /// the current number, 1 for a new database). An update must keep the current number.
    unsigned shards = 0;
    std::uint64_t memory = kDefaultMemory;  ///< budget for the writers' buffers, bytes
    /// Set (e.g. by a signal handler) to stop: an update commits what it has done, a rebuild
    /// is abandoned and the live database left as it was.
    const std::atomic<bool>* stop = nullptr;
};

struct IndexSummary {
    std::size_t files = 0;            ///< files read
    std::size_t unchanged_files = 0;  ///< files not read: same size and time as last run
    std::size_t added = 0;            ///< articles new to the database
    std::size_t replaced = 0;         ///< articles that replaced one with the same id
    std::size_t unchanged = 0;        ///< articles read but identical to the stored ones
    std::size_t deleted = 0;          ///< articles deleted (their file or record is gone)
    std::size_t skipped = 0;          ///< files skipped with a warning (binary, empty)
    std::size_t failed = 0;           ///< articles or files that could not be read
    std::size_t warnings = 0;
    std::uint64_t bytes = 0;  ///< bytes of input read
    double seconds = 0;
    std::string language;    ///< the database's language
    std::string generation;  ///< the database generation written
    unsigned jobs = 1;       ///< threads used
    unsigned shards = 1;     ///< shards of the database
    bool interrupted = false;
    bool compacted = false;

    std::size_t articles() const { return added + replaced; }
    /// 0 when all went in, 1 when some articles failed (the programs' exit codes).
    int exit_code() const { return failed == 0 ? 0 : 1; }
};

/// What a dry run found.
struct IndexPlan {
    std::vector<std::string> add, update, remove;  ///< file paths
    std::size_t unchanged = 0;
};

/// Called as the run progresses, so a program can show it. Calls come from one thread at a
/// time, though not always the same one.
struct IndexObserver {
    std::function<void(const Diagnostic&)> diagnostic;       ///< every warning and error
    std::function<void(const std::string& path)> file_done;  ///< after each file (verbose)
    /// About five times a second: files and bytes done so far of the totals to read.
    std::function<void(std::size_t files_done, std::size_t files_total, std::uint64_t bytes_done,
                       std::uint64_t bytes_total, std::size_t articles)>
        progress;
};

/// Keeps a run's messages readable when one problem repeats for thousands of records: the
/// first `shown` diagnostics of each kind are shown, the others counted. Two diagnostics are of
/// one kind when they have the same severity and their messages differ only in quoted text
/// ('...' and "...") and numbers; path and line do not count.
class RepeatLimiter {
  public:
    explicit RepeatLimiter(std::size_t shown = 10) : shown_(shown) {}

    /// Counts `d`; true while its kind has been seen at most `shown` times.
    bool show(const Diagnostic& d);

    struct Repeated {
        Diagnostic first;  ///< the kind's first occurrence
        std::size_t more;  ///< occurrences not shown
    };
    /// The kinds with occurrences not shown, in the order they were first seen.
    std::vector<Repeated> repeated() const;

  private:
    struct Kind {
        Diagnostic first;
        std::size_t count = 0;
    };
    std::size_t shown_;
    std::vector<Kind> kinds_;
    std::unordered_map<std::string, std::size_t> index_;  // kind key -> kinds_ position
};

/// The key RepeatLimiter groups by: the severity and the message with quoted text and digits
/// taken out ("field 'date' is not a date: \"19870226\"" -> "field '' is not a date: \"\"").
std::string diagnostic_kind(const Diagnostic& d);

/// "4,990": a count with thousands separators, for messages.
/// Inline, so that a program using it alone (the searcher, for its messages) does not link the
/// indexing code and the document readers' libraries with it.
inline std::string with_separators(std::size_t n) {
    std::string digits = std::to_string(n);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i != 0 && (digits.size() - i) % 3 == 0)
            out += ',';
        out += digits[i];
    }
    return out;
}

/// Runs an indexing job. Throws DatabaseError/UsageError when nothing can be done (the database
/// cannot be opened or is locked, bad options); bad input files are reported and skipped.
/// Everything read is committed before it returns (unless it is a dry run).
IndexSummary run_index(const IndexOptions& options, const IndexObserver& observer);

/// The files and folders `db` was indexed from: every path given to run_index, absolute,
/// those under another left out, a rebuild's replacing the earlier ones; empty for a database
/// made before they were recorded. An update over them finds new files as well as changed and
/// deleted ones (folio-indexer without paths).
std::vector<std::string> recorded_roots(const std::string& db);

/// recorded_roots(db) split for an update without paths: those still there, and for each one
/// that is gone the warning that it keeps its articles (naming it deletes them).
struct RootsToUpdate {
    std::vector<std::string> present;
    std::vector<Diagnostic> gone;
};
RootsToUpdate roots_to_update(const std::string& db);

/// What run_index would do, without doing it.
IndexPlan plan_index(const IndexOptions& options, const IndexObserver& observer);

/// Compacts the database's current generation into a new one and switches to it.
void compact_database(const std::string& db, bool wait_lock);

/// Stores a synonyms file in an existing database; returns the number of entries.
std::size_t set_synonyms(const std::string& db, const std::string& file, bool wait_lock);

/// Deletes the articles with these ids (schema::id_term) from an existing database, under its
/// write lock, in one commit; ids it does not hold are left alone. Returns how many were
/// deleted. The file manifest is unchanged: a later run re-reads an article's file only when
/// the file changed. Throws DatabaseError when there is no database or it is locked.
std::size_t delete_articles(const std::string& db, const std::vector<std::string>& ids,
                            bool wait_lock);

/// Of `ids`, those the database holds, in the order given, once each (what delete_articles
/// would delete; indexer --delete --dry-run). Throws DatabaseError when there is no database.
std::vector<std::string> held_ids(const std::string& db, const std::vector<std::string>& ids);

}  // namespace folio
