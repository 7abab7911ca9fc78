#include "folio/indexing.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>
#include <utility>

#include "folio/crawl.hpp"
#include "folio/error.hpp"
#include "folio/layout.hpp"
#include "folio/schema.hpp"
#include "folio/stemmer.hpp"
#include "folio/synonyms.hpp"
#include "folio/writer.hpp"

namespace folio {

namespace fs = std::filesystem;

namespace {

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

/// Reads one unit into `writer`, counting into `summary`. `seen` holds the ids this writer has
/// met in this run (a repeated one is reported). In an update (`fresh` false), articles of a
/// re-read file that it no longer has are deleted.
void index_unit(const Unit& unit, ShardedWriter& writer, bool fresh, Run& run,
                IndexSummary& summary, std::unordered_map<std::string, std::string>& seen) {
    const FoundFile& file = *unit.file;
    const bool from_stdin = file.info.path == "-";
    std::unordered_map<std::string, bool> ids;
    std::size_t warnings_before = summary.warnings;
    auto diagnostics = [&](Diagnostic&& d) { run.report(std::move(d), summary); };
    auto sink = [&](Article&& article) {
        if (run.stopped())
            throw Stopped{};
        if (!from_stdin)
            article.path = file.info.id;
        auto [it, first] = seen.emplace(article.id, file.info.path);
        if (ids.count(article.id) != 0) {
            diagnostics(Diagnostic{Diagnostic::Severity::warning, file.info.path, 0,
                                   "duplicate id '" + article.id +
                                       "' in this file: the later record replaces the earlier"});
        } else if (!first && it->second != file.info.path) {
            diagnostics(Diagnostic{Diagnostic::Severity::warning, file.info.path, 0,
                                   "duplicate id '" + article.id + "' (also in " + it->second +
                                       "): the later article replaces the earlier"});
        }
        ids[article.id] = true;
        switch (writer.add(article)) {
            case IndexWriter::Outcome::added:
                ++summary.added;
                break;
            case IndexWriter::Outcome::replaced:
                ++summary.replaced;
                break;
            case IndexWriter::Outcome::unchanged:
                ++summary.unchanged;
                break;
        }
        run.article_done();
    };
    ReadOptions read_options;
    read_options.max_file_size = run.options().max_file_size;
    ReadStats stats = read_file(unit.info, read_options, sink, diagnostics);
    summary.failed += stats.failed;
    summary.bytes += unit.bytes;
    if (unit.last)
        ++summary.files;
    if (stats.articles == 0 && stats.failed == 0 && summary.warnings > warnings_before) {
        ++summary.skipped;
    }
    // A file read without failures is recorded, so that the next run can skip it while it
    // stays the same; a file with failures is read again next time (and reported again).
    if (unit.last && !from_stdin && stats.failed == 0) {
        if (!fresh)
            summary.deleted += writer.remove_file_articles(file.info.id, ids);
        writer.record_file(FileRecord{file.info.id, file_stamp(file), hash_file(file.info.id)});
    }
    run.file_done(unit);
}

/// Cuts the files into about `parts` pieces of similar size, keeping their order; a large JSON
/// Lines file is sliced at line boundaries so that it too can be shared between threads.
std::vector<std::vector<Unit>> split_units(const std::vector<const FoundFile*>& files,
                                           unsigned parts) {
    std::uint64_t total = 0;
    for (const FoundFile* f : files)
        total += f->size;
    const std::uint64_t share = std::max<std::uint64_t>(1, total / std::max(1u, parts));
    std::vector<std::vector<Unit>> out(1);
    std::uint64_t filled = 0;
    auto add = [&](Unit unit) {
        if (filled >= share && out.size() < parts) {
            out.emplace_back();
            filled = 0;
        }
        filled += unit.bytes;
        out.back().push_back(std::move(unit));
    };
    for (const FoundFile* f : files) {
        if (format_for_path(f->info.path) != Format::jsonl || f->info.path == "-" ||
            f->size < (4u << 20) || parts == 1) {
            add(Unit{f, f->info, f->size, true});
            continue;
        }
        // Slice at the first line end past each share, counting lines for the messages. UTF-16
        // is read whole: its line ends are two bytes, and only its start tells its byte order.
        std::ifstream in(f->info.path, std::ios::binary);
        char head[2] = {};
        in.read(head, sizeof head);
        if (utf16_little_endian({head, static_cast<std::size_t>(in.gcount())})) {
            add(Unit{f, f->info, f->size, true});
            continue;
        }
        in.clear();
        in.seekg(0);
        std::uint64_t start = 0, pos = 0, newlines = 0, start_line = 1;
        std::uint64_t want = share - std::min(share, filled);
        std::vector<char> buffer(1 << 20);
        while (in) {
            in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
            auto got = static_cast<std::uint64_t>(in.gcount());
            for (std::uint64_t i = 0; i < got; ++i) {
                if (buffer[i] != '\n')
                    continue;
                ++newlines;
                std::uint64_t end = pos + i + 1;
                if (end - start >= want && end < f->size) {
                    FileInfo info = f->info;
                    info.offset = start;
                    info.length = end - start;
                    info.first_line = static_cast<std::size_t>(start_line);
                    add(Unit{f, info, end - start, false});
                    start = end;
                    start_line = newlines + 1;
                    want = share;
                }
            }
            pos += got;
        }
        FileInfo info = f->info;
        info.offset = start;
        info.first_line = static_cast<std::size_t>(start_line);
        add(Unit{f, info, f->size - start, true});
    }
    return out;
}

/// The paths named as roots, absolute: directories end in '/', so that a file is under a
/// root when its path starts with it.
std::vector<std::string> root_prefixes(const std::vector<std::string>& paths) {
    std::vector<std::string> out;
    for (const auto& p : paths) {
        if (p == "-")
            continue;
        std::error_code ec;
        fs::path absolute = fs::weakly_canonical(fs::absolute(p, ec), ec);
        std::string root = absolute.string();
        if (fs::is_directory(absolute, ec) && !root.ends_with('/'))
            root += '/';
        out.push_back(root);
    }
    return out;
}

bool under(const std::string& path, const std::vector<std::string>& roots) {
    return std::any_of(roots.begin(), roots.end(), [&](const std::string& root) {
        return root.ends_with('/') ? path.starts_with(root) : path == root;
    });
}

/// The files found, and what the manifest says of them.
struct Survey {
    std::vector<FoundFile> found;
    std::vector<const FoundFile*> add, update;                   ///< to read
    std::vector<std::pair<const FoundFile*, FileRecord>> touch;  ///< same bytes, new stamp
    std::vector<std::string> remove;  ///< recorded files under the roots that are gone
    std::size_t unchanged = 0;
};

Survey survey(const IndexOptions& options, const std::map<std::string, FileRecord>& manifest,
              Run& run, IndexSummary& summary) {
    Survey s;
    // A path named that no longer exists, where the database holds what was under it (a deleted
    // folder or file): not an error, and what was indexed under it is deleted. Another missing
    // path is reported by the crawl.
    std::vector<std::string> crawl_paths, vanished;
    for (const std::string& path : options.paths) {
        struct stat st {};
        if (path != "-" && ::lstat(path.c_str(), &st) != 0 && errno == ENOENT) {
            const std::string id = file_id(path);
            const auto inside = manifest.lower_bound(id + "/");
            if (manifest.count(id) != 0 ||
                (inside != manifest.end() && inside->first.starts_with(id + "/"))) {
                vanished.push_back(id);
                continue;
            }
        }
        crawl_paths.push_back(path);
    }
    std::vector<std::string> broken;  // paths the crawl could not read: keep what is under them
    CrawlOptions crawl;
    crawl.ignore_files = options.ignore_files;
    crawl.excludes = options.excludes;
    s.found = find_files(
        crawl_paths,
        [&](Diagnostic&& d) {
            if (d.severity == Diagnostic::Severity::error) {
                ++summary.failed;
                std::error_code ec;
                broken.push_back(fs::weakly_canonical(fs::absolute(d.path, ec), ec).string());
            } else {
                ++summary.skipped;  // a special file met in a walk
            }
            run.report(std::move(d), summary);
        },
        crawl);
    std::unordered_map<std::string, bool> present;
    for (const FoundFile& f : s.found) {
        present[f.info.id] = true;
        auto it = f.info.path == "-" ? manifest.end() : manifest.find(f.info.id);
        if (it == manifest.end()) {
            s.add.push_back(&f);
        } else if (it->second.stamp == file_stamp(f)) {
            ++s.unchanged;
        } else if (std::string hash = hash_file(f.info.id);
                   !hash.empty() && hash == it->second.hash) {
            s.touch.emplace_back(&f, FileRecord{f.info.id, file_stamp(f), hash});
            ++s.unchanged;
        } else {
            s.update.push_back(&f);
        }
    }
    std::vector<std::string> roots = root_prefixes(crawl_paths);
    for (const std::string& id : vanished) {
        roots.push_back(id);
        roots.push_back(id + "/");
    }
    for (const auto& [path, record] : manifest) {
        if (present.count(path) != 0 || !under(path, roots))
            continue;
        // (An init-capture: clang before 16 cannot capture a structured binding.)
        bool in_broken = std::any_of(
            broken.begin(), broken.end(),
            [&p = path](const std::string& b) { return p == b || p.starts_with(b + "/"); });
        if (!in_broken)
            s.remove.push_back(path);
    }
    return s;
}

/// Waits for `work` on `threads`, reporting progress meanwhile; rethrows a worker's exception.
void run_threads(std::vector<std::function<void()>> work, Run& run, std::size_t files_total,
                 std::uint64_t bytes_total) {
    std::vector<std::exception_ptr> errors(work.size());
    std::mutex mutex;
    std::condition_variable done;
    std::size_t running = work.size();
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < work.size(); ++i) {
        threads.emplace_back([&, i] {
            try {
                work[i]();
            } catch (...) {
                errors[i] = std::current_exception();
            }
            std::lock_guard<std::mutex> lock(mutex);
            --running;
            done.notify_all();
        });
    }
    for (;;) {
        std::unique_lock<std::mutex> lock(mutex);
        if (done.wait_for(lock, std::chrono::milliseconds(200), [&] { return running == 0; })) {
            break;
        }
        lock.unlock();
        run.progress(files_total, bytes_total);
    }
    for (auto& t : threads)
        t.join();
    run.progress(files_total, bytes_total);
    // A stop wins over the errors it caused elsewhere.
    for (auto& e : errors) {
        if (!e)
            continue;
        try {
            std::rethrow_exception(e);
        } catch (const Stopped&) {
            throw;
        } catch (...) {
        }
    }
    for (auto& e : errors) {
        if (e)
            std::rethrow_exception(e);
    }
}

void merge(IndexSummary& into, const IndexSummary& part) {
    into.files += part.files;
    into.added += part.added;
    into.replaced += part.replaced;
    into.unchanged += part.unchanged;
    into.deleted += part.deleted;
    into.skipped += part.skipped;
    into.failed += part.failed;
    into.warnings += part.warnings;
    into.bytes += part.bytes;
}

/// After shards are merged, an id read by two shards is in two documents: keep the first
/// document's place with the later content, as one writer would have done. Returns how many
/// documents went (counted as replaced rather than added).
std::size_t merge_duplicate_ids(Xapian::WritableDatabase& db) {
    const std::string prefix(schema::kPrefixId);
    std::vector<std::string> duplicated;
    std::size_t moved = 0;
    for (auto it = db.allterms_begin(prefix); it != db.allterms_end(prefix); ++it) {
        if (it.get_termfreq() > 1)
            duplicated.push_back(*it);
    }
    for (const auto& term : duplicated) {
        std::vector<Xapian::docid> ids(db.postlist_begin(term), db.postlist_end(term));
        db.replace_document(ids.front(), db.get_document(ids.back()));
        for (std::size_t i = 1; i < ids.size(); ++i)
            db.delete_document(ids[i]);
        moved += ids.size() - 1;
    }
    if (!duplicated.empty())
        db.commit();
    return moved;
}

/// Merges, shard by shard, the spelling counts of the jobs' writers, gives each job the words
/// whose hash falls to it, and commits the jobs' writers in parallel.
void share_out_spelling(std::vector<std::unique_ptr<ShardedWriter>>& writers) {
    const std::size_t jobs = writers.size();
    const std::size_t shards = writers.front()->size();
    // shares[j][k]: the words job j adds to shard k, and the least count they needed.
    std::vector<std::vector<SpellingCounts>> shares(jobs, std::vector<SpellingCounts>(shards));
    std::vector<Xapian::termcount> least(shards);
    std::hash<std::string> hash;
    for (std::size_t k = 0; k < shards; ++k) {
        SpellingCounts all = writers.front()->shard(k).take_spelling();
        for (std::size_t j = 1; j < jobs; ++j) {
            for (auto& [word, count] : writers[j]->shard(k).take_spelling())
                all[word] += count;
        }
        least[k] = spelling_threshold(all.size());
        for (auto& [word, count] : all) {
            if (count >= least[k])
                shares[hash(word) % jobs][k].emplace(word, count);
        }
    }
    std::vector<std::exception_ptr> errors(jobs);
    std::vector<std::thread> threads;
    for (std::size_t j = 0; j < jobs; ++j) {
        threads.emplace_back([&, j] {
            try {
                for (std::size_t k = 0; k < shards; ++k)
                    writers[j]->shard(k).add_spelling(shares[j][k], least[k]);
                writers[j]->commit();
            } catch (...) {
                errors[j] = std::current_exception();
            }
        });
    }
    for (auto& t : threads)
        t.join();
    for (auto& e : errors) {
        if (e)
            std::rethrow_exception(e);
    }
}

unsigned job_count(unsigned requested) {
    if (requested != 0)
        return requested;
    unsigned n = std::thread::hardware_concurrency();
    return n == 0 ? 1 : n;
}

/// The databases a generation of `shards` shards is made of (the generation itself for 1).
std::vector<std::string> generation_shards(const std::string& generation, unsigned shards) {
    if (shards <= 1)
        return {generation};
    std::vector<std::string> out;
    for (unsigned k = 0; k < shards; ++k)
        out.push_back(shard_path(generation, k));
    return out;
}

/// Builds a new generation at `generation` from `files`: with several jobs, each writes a
/// part of consecutive files and Xapian's compactor merges the parts in order, so that documents
/// and their ids do not depend on the number of jobs. With several shards, each job routes
/// articles to the shards by the hash of their id, and each shard is merged from the jobs'
/// parts of it (the shards in parallel).
void build_generation(const std::string& generation, const std::vector<const FoundFile*>& files,
                      const std::string& language, unsigned shard_count, Run& run,
                      IndexSummary& summary) {
    const IndexOptions& options = run.options();
    std::uint64_t total = 0;
    for (const FoundFile* f : files)
        total += f->size;
    unsigned jobs = job_count(options.jobs);
    if (total < (1u << 20))
        jobs = 1;  // not worth a merge
    std::vector<std::vector<Unit>> units = split_units(files, jobs);
    summary.jobs = static_cast<unsigned>(units.size());
    summary.shards = std::max(1u, shard_count);

    WriterOptions writer_options;
    writer_options.language = language;
    writer_options.spelling = options.spelling;
    writer_options.fresh = true;
    // No reader opens a new generation or its parts before the switch, and an interrupted
    // build is thrown away (remove_stale), so Xapian may skip its crash safety here: no fsync,
    // and blocks rewritten in place rather than copied on write (DB_DANGEROUS; measured on
    // Reuters, 4% less wall time: medians of 5 interleaved runs, 3.61 s against 3.77 s).
    writer_options.open_flags = Xapian::DB_NO_SYNC | Xapian::DB_DANGEROUS;
    writer_options.commit_bytes =
        static_cast<std::size_t>(options.memory / 10 / units.size() / summary.shards);

    // parts[j]: the databases job j writes (one per shard).
    std::vector<std::vector<std::string>> parts;
    for (std::size_t j = 0; j < units.size(); ++j) {
        std::string dir = units.size() == 1 ? generation : generation + ".part" + std::to_string(j);
        parts.push_back(generation_shards(dir, shard_count));
        if (shard_count > 1)
            fs::create_directories(dir);
    }
    // With several parts, each counts its spelling words; the merged counts are then shared
    // out by word, so each word's fragments are built once and the compactor merges disjoint
    // spelling tables.
    const bool share_spelling = options.spelling && units.size() > 1;
    writer_options.defer_spelling = share_spelling;
    std::vector<std::unique_ptr<ShardedWriter>> writers(units.size());
    std::vector<IndexSummary> counts(units.size());
    std::vector<std::function<void()>> work;
    for (std::size_t j = 0; j < units.size(); ++j) {
        work.emplace_back([&, j] {
            writers[j] = std::make_unique<ShardedWriter>(parts[j], writer_options);
            std::unordered_map<std::string, std::string> seen;
            for (const Unit& unit : units[j]) {
                if (run.stopped())
                    throw Stopped{};
                index_unit(unit, *writers[j], true, run, counts[j], seen);
            }
            if (!share_spelling)
                writers[j]->commit();
        });
    }
    run_threads(std::move(work), run, files.size(), total);
    for (const auto& c : counts)
        merge(summary, c);
    if (share_spelling)
        share_out_spelling(writers);
    writers.clear();  // closes the parts
    if (units.size() == 1)
        return;
    std::vector<std::string> targets = generation_shards(generation, shard_count);
    if (shard_count > 1)
        fs::create_directories(generation);
    std::vector<std::size_t> moved(targets.size());
    std::vector<std::thread> mergers;
    std::vector<std::exception_ptr> errors(targets.size());
    for (std::size_t k = 0; k < targets.size(); ++k) {
        mergers.emplace_back([&, k] {
            try {
                Xapian::Database all;
                for (const auto& part : parts)
                    all.add_database(Xapian::Database(part[k]));
                all.compact(targets[k]);
                Xapian::WritableDatabase merged(targets[k], Xapian::DB_OPEN | Xapian::DB_NO_SYNC);
                moved[k] = merge_duplicate_ids(merged);
            } catch (...) {
                errors[k] = std::current_exception();
            }
        });
    }
    for (auto& t : mergers)
        t.join();
    for (auto& e : errors) {
        if (e)
            std::rethrow_exception(e);
    }
    for (std::size_t n : moved) {
        summary.added -= n;
        summary.replaced += n;
    }
    std::error_code ec;
    for (std::size_t j = 0; j < parts.size(); ++j)
        fs::remove_all(generation + ".part" + std::to_string(j), ec);
    summary.compacted = true;
}

/// Brings the current generation up to date with the files: deletes what is gone, reads what
/// is new or changed, one writer, committing as it goes.
void update_generation(const std::vector<std::string>& shards, Survey& s,
                       const std::string& language, Run& run, IndexSummary& summary) {
    const IndexOptions& options = run.options();
    WriterOptions writer_options;
    writer_options.language = language;
    writer_options.spelling = options.spelling;
    writer_options.commit_bytes = static_cast<std::size_t>(options.memory / 10);
    writer_options.commit_bytes /= shards.size();
    ShardedWriter writer(shards, writer_options);
    summary.language = writer.language();
    summary.shards = static_cast<unsigned>(shards.size());

    std::vector<const FoundFile*> files = s.add;
    files.insert(files.end(), s.update.begin(), s.update.end());
    std::sort(files.begin(), files.end(),
              [](const FoundFile* a, const FoundFile* b) { return a->info.id < b->info.id; });
    std::uint64_t total = 0;
    for (const FoundFile* f : files)
        total += f->size;

    std::vector<std::function<void()>> work;
    work.emplace_back([&] {
        std::unordered_map<std::string, bool> none;
        for (const auto& path : s.remove) {
            if (run.stopped())
                throw Stopped{};
            summary.deleted += writer.remove_file_articles(path, none);
            writer.forget_file(path);
        }
        for (const auto& [file, record] : s.touch)
            writer.record_file(record);
        std::unordered_map<std::string, std::string> seen;
        for (const FoundFile* f : files) {
            if (run.stopped())
                throw Stopped{};
            index_unit(Unit{f, f->info, f->size, true}, writer, false, run, summary, seen);
        }
    });
    try {
        run_threads(std::move(work), run, files.size(), total);
    } catch (const Stopped&) {
        writer.commit();  // keep what was done; the next run finishes the job
        throw;
    }
    writer.commit();
}

/// Compacts the current generation into a new one and switches to it.
void compact_locked(const DatabaseLayout& layout) {
    std::string current = layout.current();
    if (layout.is_plain_database()) {
        throw UsageError(layout.dir() +
                         " is a plain Xapian database: compact it with xapian-compact");
    }
    std::string next = layout.next();
    std::vector<std::string> shards = layout.shards();
    if (shards.size() == 1) {
        Xapian::Database(current).compact(next);
    } else {
        fs::create_directories(next);
        for (unsigned k = 0; k < shards.size(); ++k)
            Xapian::Database(shards[k]).compact(shard_path(next, k));
    }
    sync_tree(next);
    layout.switch_to(next, shards.size() == 1 ? 0 : static_cast<unsigned>(shards.size()));
    layout.remove_stale();
}

/// The synonyms of `from` copied into `to` (a rebuild keeps them).
void copy_synonyms(const std::string& from, Xapian::WritableDatabase& to) {
    Xapian::Database old(from);
    for (auto key = old.synonym_keys_begin(); key != old.synonym_keys_end(); ++key) {
        for (auto s = old.synonyms_begin(*key); s != old.synonyms_end(*key); ++s) {
            to.add_synonym(*key, *s);
        }
    }
}

std::string recorded_language(const std::string& generation) {
    if (generation.empty())
        return {};
    try {
        return Xapian::Database(generation).get_metadata(std::string(schema::kMetaLanguage));
    } catch (const Xapian::Error&) {
        return {};
    }
}

/// The shard count a run writes: a new database or a rebuild takes --shards (a rebuild without
/// it keeps the current count); an update must keep the current count.
unsigned shard_count(const IndexOptions& options, const DatabaseLayout& layout,
                     std::size_t current_shards) {
    if (options.shards > 1 && layout.is_plain_database()) {
        throw UsageError(options.db + " is a plain Xapian database: it cannot be sharded");
    }
    if (options.shards > kMaxShards) {
        throw UsageError("--shards must be at most " + std::to_string(kMaxShards));
    }
    if (current_shards == 0)
        return std::max(1u, options.shards);
    if (options.rebuild)
        return options.shards != 0 ? options.shards : static_cast<unsigned>(current_shards);
    if (options.shards != 0 && options.shards != current_shards) {
        throw UsageError("the index has " + std::to_string(current_shards) + " shard" +
                         (current_shards == 1 ? "" : "s") + ", not " +
                         std::to_string(options.shards) + ": use --rebuild to change the number");
    }
    return static_cast<unsigned>(current_shards);
}

}  // namespace

std::string diagnostic_kind(const Diagnostic& d) {
    std::string key = d.severity == Diagnostic::Severity::warning ? "w:" : "e:";
    char quote = 0;
    for (char c : d.message) {
        if (quote != 0) {
            if (c == quote) {
                quote = 0;
                key += c;
            }
            continue;
        }
        if (c == '"' || c == '\'') {
            quote = c;
            key += c;
        } else if (c < '0' || c > '9') {
            key += c;
        }
    }
    return key;
}

bool RepeatLimiter::show(const Diagnostic& d) {
    auto [it, fresh] = index_.try_emplace(diagnostic_kind(d), kinds_.size());
    if (fresh)
        kinds_.push_back(Kind{d, 0});
    return ++kinds_[it->second].count <= shown_;
}

std::vector<RepeatLimiter::Repeated> RepeatLimiter::repeated() const {
    std::vector<Repeated> out;
    for (const Kind& kind : kinds_) {
        if (kind.count > shown_)
            out.push_back(Repeated{kind.first, kind.count - shown_});
    }
    return out;
}

std::string with_separators(std::size_t n) {
    std::string digits = std::to_string(n);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i != 0 && (digits.size() - i) % 3 == 0)
            out += ',';
        out += digits[i];
    }
    return out;
}

IndexSummary run_index(const IndexOptions& options, const IndexObserver& observer) {
    auto start = Clock::now();
    IndexSummary summary;
    Run run(options, observer);
    IndexLock lock(options.db, options.wait_lock);
    DatabaseLayout layout(options.db);
    std::string current = layout.current();
    std::vector<std::string> current_shards = layout.shards();
    if (options.rebuild && layout.is_plain_database()) {
        throw UsageError(options.db +
                         " is a plain Xapian database: --rebuild needs a database "
                         "made by this indexer");
    }
    const unsigned shards = shard_count(options, layout, current_shards.size());
    summary.shards = shards;

    std::string language = options.language.empty() ? "" : canonical_language(options.language);
    std::string recorded =
        recorded_language(current_shards.empty() ? std::string() : current_shards.front());
    if (!options.rebuild && !recorded.empty() && !language.empty() && language != recorded) {
        throw UsageError("the database was built with language '" + recorded + "', not '" +
                         language + "': use --rebuild to change the language");
    }
    if (language.empty() && recorded.empty())
        language =
            options.new_language.empty() ? "english" : canonical_language(options.new_language);
    if (language.empty())
        language = recorded;
    summary.language = language;

    const bool fresh = options.rebuild || current.empty();
    if (options.rebuild) {
        // A rebuild replaces everything: a root that is not there would empty the index.
        for (const auto& p : options.paths) {
            struct stat st {};
            if (p != "-" && ::stat(p.c_str(), &st) != 0) {
                throw UsageError("not rebuilding: " + p + ": " + std::strerror(errno));
            }
        }
    }
    std::map<std::string, FileRecord> manifest;
    if (!fresh) {
        try {
            manifest = load_manifest(Xapian::Database(current_shards.front()));
        } catch (const Xapian::DatabaseCorruptError& e) {
            throw DatabaseError(current_shards.front() + " is damaged (" + e.get_msg() +
                                "): folio-indexer --rebuild builds the index anew");
        }
    }
    Survey s = survey(options, manifest, run, summary);
    summary.unchanged_files = s.unchanged;
    // A new database of nothing, because the paths named could not be read ("indexer --db NEW
    // /typo"): not made, so that a failed run leaves nothing behind (the lock goes with it).
    const bool new_database = current.empty() && !options.rebuild;
    if (new_database && s.found.empty() && summary.failed > 0) {
        run.report(Diagnostic{Diagnostic::Severity::error, options.db, 0,
                              "nothing could be indexed: no database made"},
                   summary);
        summary.seconds = std::chrono::duration<double>(Clock::now() - start).count();
        return summary;
    }

    try {
        layout.remove_stale();  // what an interrupted or killed rebuild may have left
        if (fresh) {
            std::string generation = layout.next();
            std::vector<const FoundFile*> files;
            for (const FoundFile& f : s.found)
                files.push_back(&f);
            summary.unchanged_files = 0;
            try {
                build_generation(generation, files, language, shards, run, summary);
            } catch (...) {
                std::error_code ec;
                fs::remove_all(generation, ec);
                for (int k = 0; k < 64; ++k) {
                    fs::remove_all(generation + ".part" + std::to_string(k), ec);
                }
                throw;
            }
            if (new_database && summary.articles() == 0 && summary.failed > 0) {
                // Every file failed: no empty database (see above).
                std::error_code ec;
                fs::remove_all(generation, ec);
                run.report(Diagnostic{Diagnostic::Severity::error, options.db, 0,
                                      "nothing could be indexed: no database made"},
                           summary);
                summary.seconds = std::chrono::duration<double>(Clock::now() - start).count();
                return summary;
            }
            for (const auto& shard : generation_shards(generation, shards)) {
                Xapian::WritableDatabase db(shard, Xapian::DB_OPEN | Xapian::DB_NO_SYNC);
                if (!options.synonyms.empty()) {
                    store_synonyms_file(db, options.synonyms);
                } else if (!current_shards.empty()) {
                    try {
                        copy_synonyms(current_shards.front(), db);
                    } catch (const Xapian::DatabaseError& e) {
                        // A rebuild is how a damaged index is mended: it needs nothing of it.
                        run.report(
                            Diagnostic{Diagnostic::Severity::warning, current_shards.front(), 0,
                                       "the index being replaced cannot be read (" + e.get_msg() +
                                           "): its synonyms are not carried over "
                                           "(folio-indexer --synonyms FILE sets them)"},
                            summary);
                    }
                }
                db.commit();
            }
            sync_tree(generation);
            layout.switch_to(generation, shards > 1 ? shards : 0);
            layout.remove_stale();
            summary.generation = generation;
        } else {
            summary.generation = current;
            update_generation(current_shards, s, language, run, summary);
            if (!options.synonyms.empty()) {
                for (const auto& shard : current_shards) {
                    Xapian::WritableDatabase db(shard, Xapian::DB_OPEN);
                    store_synonyms_file(db, options.synonyms);
                    db.commit();
                }
            }
        }
    } catch (const Stopped&) {
        summary.interrupted = true;
        if (fresh)
            summary.generation.clear();  // nothing of it was kept
    }
    if (options.compact && !summary.interrupted && !summary.compacted) {
        compact_locked(layout);
        summary.generation = layout.current();
        summary.compacted = true;
    }
    summary.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return summary;
}

IndexPlan plan_index(const IndexOptions& options, const IndexObserver& observer) {
    IndexSummary ignored;
    Run run(options, observer);
    DatabaseLayout layout(options.db);
    std::vector<std::string> shards =
        fs::exists(options.db) ? layout.shards() : std::vector<std::string>();
    std::map<std::string, FileRecord> manifest;
    if (!options.rebuild && !shards.empty())
        manifest = load_manifest(Xapian::Database(shards.front()));
    Survey s = survey(options, manifest, run, ignored);
    IndexPlan plan;
    for (const FoundFile* f : s.add)
        plan.add.push_back(f->info.path);
    for (const FoundFile* f : s.update)
        plan.update.push_back(f->info.path);
    plan.remove = s.remove;
    plan.unchanged = s.unchanged;
    return plan;
}

std::size_t set_synonyms(const std::string& db, const std::string& file, bool wait_lock) {
    IndexLock lock(db, wait_lock);
    DatabaseLayout layout(db);
    if (layout.current().empty())
        throw DatabaseError("no database at " + db);
    std::size_t n = 0;
    for (const auto& shard : layout.shards()) {
        Xapian::WritableDatabase writable(shard, Xapian::DB_OPEN);
        n = store_synonyms_file(writable, file);
        writable.commit();
    }
    return n;
}

std::size_t delete_articles(const std::string& db, const std::vector<std::string>& ids,
                            bool wait_lock) {
    IndexLock lock(db, wait_lock);
    DatabaseLayout layout(db);
    if (layout.current().empty())
        throw DatabaseError("no database at " + db);
    ShardedWriter writer(layout.shards(), WriterOptions{});
    std::size_t deleted = 0;
    for (const auto& id : ids) {
        if (writer.remove(id))
            ++deleted;
    }
    writer.commit();
    return deleted;
}

std::vector<std::string> held_ids(const std::string& db, const std::vector<std::string>& ids) {
    DatabaseLayout layout(db);
    if (layout.current().empty())
        throw DatabaseError("no database at " + db);
    Xapian::Database database;
    for (const std::string& shard : layout.shards())
        database.add_database(Xapian::Database(shard));
    std::vector<std::string> held;
    std::set<std::string> seen;
    for (const std::string& id : ids) {
        if (seen.insert(id).second && database.term_exists(schema::id_term(id)))
            held.push_back(id);
    }
    return held;
}

void compact_database(const std::string& db, bool wait_lock) {
    IndexLock lock(db, wait_lock);
    DatabaseLayout layout(db);
    if (layout.current().empty())
        throw DatabaseError("no database at " + db);
    compact_locked(layout);
}

}  // namespace folio
