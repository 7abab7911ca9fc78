// SPDX-License-Identifier: GPL-2.0-or-later
// One indexing run and its policy: the survey of what changed since the last run, the language,
// a fresh build or an update of the current generation, synonyms, compaction.
#include "folio/indexing.hpp"
#include "index/run.hpp"

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

#include "analysis/stemmer.hpp"
#include "analysis/synonyms.hpp"
#include "folio/error.hpp"
#include "index/crawl.hpp"
#include "index/writer.hpp"
#include "schema/schema.hpp"
#include "store/layout.hpp"

namespace folio {

namespace fs = std::filesystem;

namespace {

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

}  // namespace

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

namespace {

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
        SeenIds seen;
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

std::string run_language(const IndexOptions& options, const std::string& recorded) {
    std::string language = options.language.empty() ? "" : canonical_language(options.language);
    if (!options.rebuild && !recorded.empty() && !language.empty() && language != recorded) {
        throw UsageError("the database was built with language '" + recorded + "', not '" +
                         language + "': use --rebuild to change the language");
    }
    if (language.empty() && recorded.empty())
        language =
            options.new_language.empty() ? "english" : canonical_language(options.new_language);
    if (language.empty())
        language = recorded;
    return language;
}

void check_rebuild_roots(const IndexOptions& options) {
    if (!options.rebuild)
        return;
    for (const auto& p : options.paths) {
        struct stat st {};
        if (p != "-" && ::stat(p.c_str(), &st) != 0) {
            throw UsageError("not rebuilding: " + p + ": " + std::strerror(errno));
        }
    }
}

std::map<std::string, FileRecord> current_manifest(const std::vector<std::string>& shards,
                                                   bool fresh) {
    if (fresh)
        return {};
    try {
        return load_manifest(Xapian::Database(shards.front()));
    } catch (const Xapian::DatabaseCorruptError& e) {
        throw DatabaseError(shards.front() + " is damaged (" + e.get_msg() +
                            "): folio-indexer --rebuild builds the index anew");
    }
}

void carry_synonyms(const std::vector<std::string>& shards, const IndexOptions& options,
                    const std::vector<std::string>& current_shards, Run& run,
                    IndexSummary& summary) {
    for (const auto& shard : shards) {
        Xapian::WritableDatabase db(shard, Xapian::DB_OPEN | Xapian::DB_NO_SYNC);
        if (!options.synonyms.empty()) {
            store_synonyms_file(db, options.synonyms);
        } else if (!current_shards.empty()) {
            try {
                copy_synonyms(current_shards.front(), db);
            } catch (const Xapian::DatabaseError& e) {
                // A rebuild is how a damaged index is mended: it needs nothing of it.
                run.report(Diagnostic{Diagnostic::Severity::warning, current_shards.front(), 0,
                                      "the index being replaced cannot be read (" + e.get_msg() +
                                          "): its synonyms are not carried over "
                                          "(folio-indexer --synonyms FILE sets them)"},
                           summary);
            }
        }
        db.commit();
    }
}

namespace {

/// Reports that nothing could be indexed into a new database, which is then not made.
void report_nothing_indexed(const IndexOptions& options, Run& run, IndexSummary& summary) {
    run.report(Diagnostic{Diagnostic::Severity::error, options.db, 0,
                          "nothing could be indexed: no database made"},
               summary);
}

/// A new generation built from every file found, carrying the synonyms over, and switched to.
/// False when a new database would hold nothing because every file failed (nothing is made).
bool build_and_switch(DatabaseLayout& layout, Survey& s, const std::string& language,
                      unsigned shards, bool new_database,
                      const std::vector<std::string>& current_shards, Run& run,
                      IndexSummary& summary) {
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
        remove_parts(generation);
        throw;
    }
    if (new_database && summary.articles() == 0 && summary.failed > 0) {
        // Every file failed: no empty database (see run_index).
        std::error_code ec;
        fs::remove_all(generation, ec);
        report_nothing_indexed(run.options(), run, summary);
        return false;
    }
    carry_synonyms(generation_shards(generation, shards), run.options(), current_shards, run,
                   summary);
    sync_tree(generation);
    layout.switch_to(generation, shards > 1 ? shards : 0);
    layout.remove_stale();
    summary.generation = generation;
    return true;
}

/// The current generation brought up to date, with the synonyms file stored where one is given.
void update_current(const std::string& current, const std::vector<std::string>& current_shards,
                    Survey& s, const std::string& language, Run& run, IndexSummary& summary) {
    summary.generation = current;
    if (const int rules = schema::word_rules_of(Xapian::Database(current_shards.front()));
        rules > 0 && rules < schema::kWordRules) {
        run.report(Diagnostic{Diagnostic::Severity::warning, run.options().db, 0,
                              schema::older_word_rules(run.options().db, rules) +
                                  " (the articles added or changed now are)"},
                   summary);
    }
    update_generation(current_shards, s, language, run, summary);
    if (!run.options().synonyms.empty()) {
        for (const auto& shard : current_shards) {
            Xapian::WritableDatabase db(shard, Xapian::DB_OPEN);
            store_synonyms_file(db, run.options().synonyms);
            db.commit();
        }
    }
}

/// `path` as a root: absolute and lexically normal, without a trailing separator.
std::string root_of(const std::string& path) {
    fs::path absolute = fs::absolute(path).lexically_normal();
    if (!absolute.has_filename() && absolute != absolute.root_path())
        absolute = absolute.parent_path();  // "corpus/" is "corpus"
    return absolute.string();
}

/// Whether `path` is `root` or lies under it.
bool within(const std::string& path, const std::string& root) {
    return path == root || (path.size() > root.size() && path.starts_with(root) &&
                            (root.back() == '/' || path[root.size()] == '/'));
}

std::vector<std::string> read_roots(const Xapian::Database& db) {
    std::vector<std::string> roots;
    const std::string text = db.get_metadata(std::string(schema::kMetaRoots));
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string::npos)
            end = text.size();
        if (end > start)
            roots.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return roots;
}

/// The roots after a run over `given`: those `recorded` (none for a rebuild) and those given
/// ("-" aside); a given path that is gone is no root any more (naming it deleted its articles);
/// a root under another is left out.
std::vector<std::string> roots_after(const std::vector<std::string>& recorded,
                                     const std::vector<std::string>& given) {
    std::set<std::string> candidates(recorded.begin(), recorded.end());
    for (const std::string& path : given) {
        if (path == "-")
            continue;
        const std::string root = root_of(path);
        std::error_code ec;
        if (fs::exists(root, ec) || ec)
            candidates.insert(root);
        else
            candidates.erase(root);
    }
    std::vector<std::string> roots;
    for (const std::string& root : candidates) {  // sorted: a folder before what is under it
        if (roots.empty() || !within(root, roots.back()))
            roots.push_back(root);
    }
    return roots;
}

/// Records `roots` in the database's first shard.
void record_roots(const std::string& shard, const std::vector<std::string>& roots) {
    std::string text;
    for (const std::string& root : roots)
        text += root + '\n';
    Xapian::WritableDatabase db(shard, Xapian::DB_OPEN);
    if (db.get_metadata(std::string(schema::kMetaRoots)) == text)
        return;
    db.set_metadata(std::string(schema::kMetaRoots), text);
    db.commit();
}

}  // namespace

IndexSummary run_index(const IndexOptions& options, const IndexObserver& observer) {
    auto start = Clock::now();
    auto finished = [&](IndexSummary& summary) {
        summary.seconds = std::chrono::duration<double>(Clock::now() - start).count();
        return summary;
    };
    IndexSummary summary;
    Run run(options, observer);
    IndexLock lock(options.db, options.wait_lock);
    DatabaseLayout layout(options.db);
    const std::string current = layout.current();
    const std::vector<std::string> current_shards = layout.shards();
    if (options.rebuild && layout.is_plain_database()) {
        throw UsageError(options.db +
                         " is a plain Xapian database: --rebuild needs a database "
                         "made by this indexer");
    }
    const unsigned shards = shard_count(options, layout, current_shards.size());
    summary.shards = shards;
    const std::string language = run_language(
        options,
        recorded_language(current_shards.empty() ? std::string() : current_shards.front()));
    summary.language = language;

    const bool fresh = options.rebuild || current.empty();
    check_rebuild_roots(options);
    Survey s = survey(options, current_manifest(current_shards, fresh), run, summary);
    summary.unchanged_files = s.unchanged;
    // A new database of nothing, because the paths named could not be read ("indexer --db NEW
    // /typo"): not made, so that a failed run leaves nothing behind (the lock goes with it).
    const bool new_database = current.empty() && !options.rebuild;
    if (new_database && s.found.empty() && summary.failed > 0) {
        report_nothing_indexed(options, run, summary);
        return finished(summary);
    }

    try {
        layout.remove_stale();  // what an interrupted or killed rebuild may have left
        if (fresh) {
            if (!build_and_switch(layout, s, language, shards, new_database, current_shards, run,
                                  summary))
                return finished(summary);
        } else {
            update_current(current, current_shards, s, language, run, summary);
        }
    } catch (const Stopped&) {
        summary.interrupted = true;
        if (fresh)
            summary.generation.clear();  // nothing of it was kept
    }
    if (!summary.generation.empty()) {
        const std::vector<std::string> recorded =
            fresh ? std::vector<std::string>()
                  : read_roots(Xapian::Database(current_shards.front()));
        record_roots(layout.shards().front(), roots_after(recorded, options.paths));
    }
    if (options.compact && !summary.interrupted && !summary.compacted) {
        compact_locked(layout);
        summary.generation = layout.current();
        summary.compacted = true;
    }
    return finished(summary);
}

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

std::vector<std::string> recorded_roots(const std::string& db) {
    DatabaseLayout layout(db);
    if (layout.current().empty())
        return {};
    return read_roots(Xapian::Database(layout.shards().front()));
}

RootsToUpdate roots_to_update(const std::string& db) {
    RootsToUpdate out;
    for (std::string& root : recorded_roots(db)) {
        std::error_code ec;
        if (fs::exists(root, ec) || ec) {
            out.present.push_back(std::move(root));
        } else {
            out.gone.push_back(Diagnostic{Diagnostic::Severity::warning, std::move(root), 0,
                                          "indexed from, and not found: its articles are kept "
                                          "(name it to delete them)"});
        }
    }
    return out;
}

namespace {

/// `path` (absolute, as the manifest holds it) under the root it was found through, as `paths`
/// name that root ("corpus/a.txt" where "corpus" was named), as the files found are named; else
/// as it is.
std::string as_named(const std::string& path, const std::vector<std::string>& paths) {
    for (const std::string& named : paths) {
        if (named == "-")
            continue;
        const std::string root = root_of(named);
        if (path == root)
            return named;
        if (within(path, root)) {
            std::string out = named;
            while (out.size() > 1 && out.back() == '/')
                out.pop_back();
            return out + path.substr(root.size());
        }
    }
    return path;
}

}  // namespace

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
    for (const std::string& path : s.remove)
        plan.remove.push_back(as_named(path, options.paths));
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
