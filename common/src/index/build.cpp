// SPDX-License-Identifier: GPL-2.0-or-later
// Building a new generation: the files cut into units (large JSON Lines files sliced at line
// boundaries), read by parallel jobs into parts of every shard, the parts' spelling words shared
// out, and the parts merged in order by Xapian's compactor.
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
#include <thread>
#include <tuple>
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

/// Waits for `threads`, then rethrows the first of their `errors`.
void join_all(std::vector<std::thread>& threads, const std::vector<std::exception_ptr>& errors) {
    for (auto& t : threads)
        t.join();
    for (const auto& e : errors) {
        if (e)
            std::rethrow_exception(e);
    }
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

/// The warning for an article (at `path`:`line`) whose id was met before in this run, `first`.
Diagnostic duplicate_id(const std::string& id, const std::string& path, std::size_t line,
                        const std::pair<std::string, std::size_t>& first) {
    const std::string first_line = first.second == 0 ? "" : std::to_string(first.second);
    if (first.first == path) {
        return Diagnostic{Diagnostic::Severity::warning, path, line,
                          "duplicate id '" + id + "' in this file" +
                              (first_line.empty() ? "" : " (line " + first_line + ")") +
                              ": the later record replaces the earlier"};
    }
    return Diagnostic{Diagnostic::Severity::warning, path, line,
                      "duplicate id '" + id + "' (also in " + first.first +
                          (first_line.empty() ? "" : ":" + first_line) +
                          "): the later article replaces the earlier"};
}

/// Reports the ids that several jobs met, each of which saw only its own (`seen[j]`: job j's
/// ids and where each was first), as one job reading the files in order would have.
void report_ids_across_jobs(std::vector<SeenIds>& seen, Run& run, IndexSummary& summary) {
    SeenIds earlier = std::move(seen.front());
    for (std::size_t j = 1; j < seen.size(); ++j) {
        std::vector<Diagnostic> repeated;
        for (auto& [id, where] : seen[j]) {
            auto [it, first] = earlier.emplace(id, where);
            if (!first)
                repeated.push_back(duplicate_id(id, where.first, where.second, it->second));
        }
        std::sort(repeated.begin(), repeated.end(), [](const Diagnostic& a, const Diagnostic& b) {
            return std::tie(a.path, a.line) < std::tie(b.path, b.line);
        });
        for (Diagnostic& d : repeated)
            run.report(std::move(d), summary);
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
        // A copy, not the document read: Xapian 1.4 takes the unmodified document it read last
        // for that document written back, whatever the docid given, and replaces nothing (the
        // earlier article stayed).
        const Xapian::Document later = db.get_document(ids.back());
        Xapian::Document copy;
        copy.set_data(later.get_data());
        for (auto t = later.termlist_begin(); t != later.termlist_end(); ++t) {
            copy.add_term(*t, t.get_wdf());
            for (auto p = t.positionlist_begin(); p != t.positionlist_end(); ++p)
                copy.add_posting(*t, *p, 0);
        }
        for (auto v = later.values_begin(); v != later.values_end(); ++v)
            copy.add_value(v.get_valueno(), *v);
        db.replace_document(ids.front(), copy);
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
    join_all(threads, errors);
}

}  // namespace

void index_unit(const Unit& unit, ShardedWriter& writer, bool fresh, Run& run,
                IndexSummary& summary, SeenIds& seen) {
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
        const std::size_t line = t_sink_line;  // of a JSON Lines record
        auto [it, first] = seen.emplace(article.id, std::pair(file.info.path, line));
        if (!first)
            diagnostics(duplicate_id(article.id, file.info.path, line, it->second));
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
    read_options.documents = read_document;
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

unsigned job_count(unsigned requested) {
    if (requested != 0)
        return requested;
    unsigned n = std::thread::hardware_concurrency();
    return n == 0 ? 1 : n;
}

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
        std::string dir = units.size() == 1 ? generation : part_path(generation, j);
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
    std::vector<SeenIds> seen(units.size());
    std::vector<std::function<void()>> work;
    for (std::size_t j = 0; j < units.size(); ++j) {
        work.emplace_back([&, j] {
            writers[j] = std::make_unique<ShardedWriter>(parts[j], writer_options);
            for (const Unit& unit : units[j]) {
                if (run.stopped())
                    throw Stopped{};
                index_unit(unit, *writers[j], true, run, counts[j], seen[j]);
            }
            if (!share_spelling)
                writers[j]->commit();
        });
    }
    run_threads(std::move(work), run, files.size(), total);
    for (const auto& c : counts)
        merge(summary, c);
    report_ids_across_jobs(seen, run, summary);
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
    join_all(mergers, errors);
    for (std::size_t n : moved) {
        summary.added -= n;
        summary.replaced += n;
    }
    remove_parts(generation);
    summary.compacted = true;
}

}  // namespace folio
