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
#include <mutex>
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
void index_unit(const Unit& unit, IndexWriter& writer, bool fresh, Run& run, IndexSummary& summary,
                std::unordered_map<std::string, std::string>& seen) {
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
        // Slice at the first line end past each share, counting lines for the messages.
        std::ifstream in(f->info.path, std::ios::binary);
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
    std::vector<std::string> broken;  // paths the crawl could not read: keep what is under them
    s.found = find_files(options.paths, [&](Diagnostic&& d) {
        if (d.severity == Diagnostic::Severity::error) {
            ++summary.failed;
            std::error_code ec;
            broken.push_back(fs::weakly_canonical(fs::absolute(d.path, ec), ec).string());
        }
        run.report(std::move(d), summary);
    });
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
    std::vector<std::string> roots = root_prefixes(options.paths);
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
/// document's place with the later content, as one writer would have done.
void merge_duplicate_ids(Xapian::WritableDatabase& db, IndexSummary& summary) {
    const std::string prefix(schema::kPrefixId);
    std::vector<std::string> duplicated;
    for (auto it = db.allterms_begin(prefix); it != db.allterms_end(prefix); ++it) {
        if (it.get_termfreq() > 1)
            duplicated.push_back(*it);
    }
    for (const auto& term : duplicated) {
        std::vector<Xapian::docid> ids(db.postlist_begin(term), db.postlist_end(term));
        db.replace_document(ids.front(), db.get_document(ids.back()));
        for (std::size_t i = 1; i < ids.size(); ++i)
            db.delete_document(ids[i]);
        summary.added -= ids.size() - 1;
        summary.replaced += ids.size() - 1;
    }
    if (!duplicated.empty())
        db.commit();
}

unsigned job_count(unsigned requested) {
    if (requested != 0)
        return requested;
    unsigned n = std::thread::hardware_concurrency();
    return n == 0 ? 1 : n;
}

/// Builds a new generation at `generation` from `files`: with several jobs, each writes a
/// shard of consecutive files and Xapian's compactor merges them in order, so that documents
/// and their ids do not depend on the number of jobs.
void build_generation(const std::string& generation, const std::vector<const FoundFile*>& files,
                      const std::string& language, Run& run, IndexSummary& summary) {
    const IndexOptions& options = run.options();
    std::uint64_t total = 0;
    for (const FoundFile* f : files)
        total += f->size;
    unsigned jobs = job_count(options.jobs);
    if (total < (1u << 20))
        jobs = 1;  // not worth a merge
    std::vector<std::vector<Unit>> shards = split_units(files, jobs);
    summary.jobs = static_cast<unsigned>(shards.size());

    WriterOptions writer_options;
    writer_options.language = language;
    writer_options.spelling = options.spelling;
    writer_options.fresh = true;
    writer_options.open_flags = Xapian::DB_NO_SYNC;
    writer_options.commit_bytes = static_cast<std::size_t>(options.memory / 10 / shards.size());

    std::vector<std::string> parts;
    for (std::size_t k = 0; k < shards.size(); ++k) {
        parts.push_back(shards.size() == 1 ? generation : generation + ".part" + std::to_string(k));
    }
    std::vector<IndexSummary> counts(shards.size());
    std::vector<std::function<void()>> work;
    for (std::size_t k = 0; k < shards.size(); ++k) {
        work.emplace_back([&, k] {
            IndexWriter writer(parts[k], writer_options);
            std::unordered_map<std::string, std::string> seen;
            for (const Unit& unit : shards[k]) {
                if (run.stopped())
                    throw Stopped{};
                index_unit(unit, writer, true, run, counts[k], seen);
            }
            writer.commit();
        });
    }
    run_threads(std::move(work), run, files.size(), total);
    for (const auto& c : counts)
        merge(summary, c);
    if (shards.size() > 1) {
        Xapian::Database all;
        for (const auto& part : parts)
            all.add_database(Xapian::Database(part));
        all.compact(generation);
        std::error_code ec;
        for (const auto& part : parts)
            fs::remove_all(part, ec);
        Xapian::WritableDatabase merged(generation, Xapian::DB_OPEN | Xapian::DB_NO_SYNC);
        merge_duplicate_ids(merged, summary);
        summary.compacted = true;
    }
}

/// Brings the current generation up to date with the files: deletes what is gone, reads what
/// is new or changed, one writer, committing as it goes.
void update_generation(const std::string& generation, Survey& s, const std::string& language,
                       Run& run, IndexSummary& summary) {
    const IndexOptions& options = run.options();
    WriterOptions writer_options;
    writer_options.language = language;
    writer_options.spelling = options.spelling;
    writer_options.commit_bytes = static_cast<std::size_t>(options.memory / 10);
    IndexWriter writer(generation, writer_options);
    summary.language = writer.language();

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
    Xapian::Database(current).compact(next);
    sync_tree(next);
    layout.switch_to(next);
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

}  // namespace

IndexSummary run_index(const IndexOptions& options, const IndexObserver& observer) {
    auto start = Clock::now();
    IndexSummary summary;
    Run run(options, observer);
    IndexLock lock(options.db, options.wait_lock);
    DatabaseLayout layout(options.db);
    std::string current = layout.current();
    if (options.rebuild && layout.is_plain_database()) {
        throw UsageError(options.db +
                         " is a plain Xapian database: --rebuild needs a database "
                         "made by this indexer");
    }

    std::string language = options.language.empty() ? "" : canonical_language(options.language);
    std::string recorded = recorded_language(current);
    if (!options.rebuild && !recorded.empty() && !language.empty() && language != recorded) {
        throw UsageError("the database was built with language '" + recorded + "', not '" +
                         language + "': use --rebuild to change the language");
    }
    if (language.empty())
        language = recorded.empty() ? "english" : recorded;
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
    if (!fresh)
        manifest = load_manifest(Xapian::Database(current));
    Survey s = survey(options, manifest, run, summary);
    summary.unchanged_files = s.unchanged;

    try {
        layout.remove_stale();  // what an interrupted or killed rebuild may have left
        if (fresh) {
            std::string generation = layout.next();
            std::vector<const FoundFile*> files;
            for (const FoundFile& f : s.found)
                files.push_back(&f);
            summary.unchanged_files = 0;
            try {
                build_generation(generation, files, language, run, summary);
            } catch (...) {
                std::error_code ec;
                fs::remove_all(generation, ec);
                for (int k = 0; k < 64; ++k) {
                    fs::remove_all(generation + ".part" + std::to_string(k), ec);
                }
                throw;
            }
            {
                Xapian::WritableDatabase db(generation, Xapian::DB_OPEN | Xapian::DB_NO_SYNC);
                if (!options.synonyms.empty()) {
                    store_synonyms_file(db, options.synonyms);
                } else if (!current.empty()) {
                    copy_synonyms(current, db);
                }
                db.commit();
            }
            sync_tree(generation);
            layout.switch_to(generation);
            layout.remove_stale();
            summary.generation = generation;
        } else {
            summary.generation = current;
            update_generation(current, s, language, run, summary);
            if (!options.synonyms.empty()) {
                Xapian::WritableDatabase db(current, Xapian::DB_OPEN);
                store_synonyms_file(db, options.synonyms);
                db.commit();
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
    std::string current = fs::exists(options.db) ? layout.current() : std::string();
    std::map<std::string, FileRecord> manifest;
    if (!options.rebuild && !current.empty())
        manifest = load_manifest(Xapian::Database(current));
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
    Xapian::WritableDatabase writable(layout.current(), Xapian::DB_OPEN);
    std::size_t n = store_synonyms_file(writable, file);
    writable.commit();
    return n;
}

void compact_database(const std::string& db, bool wait_lock) {
    IndexLock lock(db, wait_lock);
    DatabaseLayout layout(db);
    if (layout.current().empty())
        throw DatabaseError("no database at " + db);
    compact_locked(layout);
}

}  // namespace folio
