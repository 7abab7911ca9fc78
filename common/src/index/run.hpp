// SPDX-License-Identifier: GPL-2.0-or-later
// index/run.hpp: the pieces of one indexing run that index/ shares: the run's shared state
// (stop flag, observer, progress), the survey of what changed since the last run, building a
// new generation in parallel, updating the current one, and the run's policy as named steps.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <xapian.h>

#include "folio/indexing.hpp"
#include "index/crawl.hpp"
#include "index/writer.hpp"
#include "store/layout.hpp"

namespace folio {

using Clock = std::chrono::steady_clock;

/// Thrown inside a worker when the run is asked to stop.
struct Stopped {};

/// A piece of work: a whole file, or a slice of a large JSON Lines file.
struct Unit {
    const FoundFile* file = nullptr;
    FileInfo info;
    std::uint64_t bytes = 0;
    bool last = true;  ///< the file's last (or only) unit: it records the file's manifest entry
};

/// What the threads of a run share. Observer calls and diagnostics are serialised here.
class Run {
  public:
    Run(const IndexOptions& options, const IndexObserver& observer)
        : options_(options), observer_(observer) {}

    bool stopped() const { return options_.stop != nullptr && options_.stop->load(); }

    void report(Diagnostic&& d, IndexSummary& summary) {
        std::lock_guard<std::mutex> lock(mutex_);
        if (d.severity == Diagnostic::Severity::warning)
            ++summary.warnings;
        if (observer_.diagnostic)
            observer_.diagnostic(d);
    }

    void file_done(const Unit& unit) {
        bytes_done_ += unit.bytes;
        if (!unit.last)
            return;
        ++files_done_;
        if (observer_.file_done) {
            std::lock_guard<std::mutex> lock(mutex_);
            observer_.file_done(unit.file->info.path);
        }
    }

    void article_done() { ++articles_; }

    void progress(std::size_t files_total, std::uint64_t bytes_total) {
        if (!observer_.progress)
            return;
        std::lock_guard<std::mutex> lock(mutex_);
        observer_.progress(files_done_, files_total, bytes_done_, bytes_total, articles_);
    }

    const IndexOptions& options() const { return options_; }

  private:
    const IndexOptions& options_;
    const IndexObserver& observer_;
    std::mutex mutex_;
    std::atomic<std::size_t> files_done_{0}, articles_{0};
    std::atomic<std::uint64_t> bytes_done_{0};
};

/// The files found, and what the manifest says of them.
struct Survey {
    std::vector<FoundFile> found;
    std::vector<const FoundFile*> add, update;                   ///< to read
    std::vector<std::pair<const FoundFile*, FileRecord>> touch;  ///< same bytes, new stamp
    std::vector<std::string> remove;  ///< recorded files under the roots that are gone
    std::size_t unchanged = 0;
};

/// The files under options.paths compared with the `manifest` of the last run: what to add,
/// update, touch (same bytes, new time) and remove (gone from under the roots named; nothing
/// under a path the crawl could not read). Counts failures and skipped files into `summary`.
Survey survey(const IndexOptions& options, const std::map<std::string, FileRecord>& manifest,
              Run& run, IndexSummary& summary);

/// The ids met in a run, each with the file and line (0 for a file's one article) it was first
/// met at.
using SeenIds = std::unordered_map<std::string, std::pair<std::string, std::size_t>>;

/// Reads one unit into `writer`, counting into `summary`. `seen` holds the ids this writer has
/// met in this run (a repeated one is reported). In an update (`fresh` false), articles of a
/// re-read file that it no longer has are deleted.
void index_unit(const Unit& unit, ShardedWriter& writer, bool fresh, Run& run,
                IndexSummary& summary, SeenIds& seen);

/// Waits for `work` on `threads`, reporting progress meanwhile; rethrows a worker's exception.
void run_threads(std::vector<std::function<void()>> work, Run& run, std::size_t files_total,
                 std::uint64_t bytes_total);

/// The threads a parallel build runs: `requested`, or one per core for 0.
unsigned job_count(unsigned requested);

/// The databases a generation of `shards` shards is made of (the generation itself for 1).
std::vector<std::string> generation_shards(const std::string& generation, unsigned shards);

/// Builds `generation` from `files` in parallel parts merged in order by Xapian's compactor,
/// written without Xapian's crash safety (nothing reads it before the switch).
void build_generation(const std::string& generation, const std::vector<const FoundFile*>& files,
                      const std::string& language, unsigned shard_count, Run& run,
                      IndexSummary& summary);

// The run's policy, step by step (run_index runs them in this order).

/// The language of the run: the one asked for (canonical), else the database's recorded one,
/// else options.new_language or english for a new database. Throws UsageError when an update
/// asks for another language than the recorded one (only a rebuild changes it).
std::string run_language(const IndexOptions& options, const std::string& recorded);

/// A rebuild replaces everything: throws UsageError naming a root that is not there (it would
/// empty the index). Nothing to check for an update.
void check_rebuild_roots(const IndexOptions& options);

/// The file manifest of the current generation (its first shard); none for a fresh build.
/// Throws DatabaseError when the database is damaged (a rebuild mends it).
std::map<std::string, FileRecord> current_manifest(const std::vector<std::string>& shards,
                                                   bool fresh);

/// Stores options.synonyms in each shard of a new generation, or carries the synonyms of the
/// generation it replaces (a warning where that one cannot be read), then commits them.
void carry_synonyms(const std::vector<std::string>& shards, const IndexOptions& options,
                    const std::vector<std::string>& current_shards, Run& run,
                    IndexSummary& summary);

}  // namespace folio
