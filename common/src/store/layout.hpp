// SPDX-License-Identifier: GPL-2.0-or-later
// store/layout.hpp: how a Folio database sits on disk. A database is a directory holding a
// Xapian stub file (XAPIANDB) that names its current generation, a Xapian database in a
// sub-directory (gen-000001, ...), or, for a sharded index, the generation's shard databases
// (gen-000001/shard-000, ...: one stub line each, so that Xapian opens them as one). Rebuilds write
// a new generation beside the live one and switch the stub atomically; searchers open the directory
// and follow the stub. Owns the indexer's lock too.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace folio {

/// One line of a Xapian stub file that names a database.
struct StubEntry {
    enum class Kind { database, tcp, program };
    Kind kind = Kind::database;
    std::string target;    ///< database: PATH; tcp: HOST:PORT; program: PROGRAM ARGS
    std::size_t line = 0;  ///< 1-based line number in the stub
};

/// The stub files a database path may follow, nested, before Folio gives up.
inline constexpr int kMaxStubDepth = 8;
/// The largest stub file Folio reads (a stub is a line per shard).
inline constexpr std::size_t kMaxStubBytes = 1 << 20;

/// Parses the text of a Xapian stub file (`auto|glass|chert PATH`, `remote HOST:PORT`,
/// `remote :PROGRAM ARGS`; blank lines and `#` comments skipped). `name` names the stub in
/// messages. Pure: opens nothing, runs nothing. Throws DatabaseError "NAME:LINE: bad stub line
/// '...'" for anything else (a NUL byte included).
std::vector<StubEntry> parse_stub(std::string_view text, const std::string& name);

/// The exclusive right to write a database: one indexer at a time. Held until destroyed.
class IndexLock {
  public:
    /// Creates `db_dir` if needed and locks it. Throws DatabaseError "... locked by another
    /// indexer (pid N)" when another process holds it and `wait` is false; waits otherwise.
    IndexLock(const std::string& db_dir, bool wait);
    /// Unlocks. When the directory then holds nothing but the lock file (no database was
    /// made), removes the lock file, and the directories this lock created.
    ~IndexLock();
    IndexLock(const IndexLock&) = delete;
    IndexLock& operator=(const IndexLock&) = delete;

  private:
    std::string dir_;
    std::string path_;     // the lock file
    std::string created_;  // the outermost directory it created (absolute), or ""
    int fd_ = -1;
};

/// The generations of one database directory. Call only while holding its IndexLock.
class DatabaseLayout {
  public:
    explicit DatabaseLayout(std::string db_dir);

    /// The current generation's directory, or "" when the database has none yet.
    std::string current() const;
    /// The databases of the current generation: the generation itself, or its shards in order
    /// (empty when there is none yet).
    std::vector<std::string> shards() const;
    /// A fresh directory name for a new generation (not yet created).
    std::string next() const;
    /// Makes `generation` (a directory inside the database directory) the current one: the
    /// new stub is written beside the old, synced, and renamed over it. With `shards` > 0 the
    /// generation holds that many shard databases (shard_path) and the stub lists them all.
    void switch_to(const std::string& generation, unsigned shards = 0) const;
    /// Removes generation directories that are not current (an old one after a switch, or a
    /// partial one an interrupted rebuild left behind).
    void remove_stale() const;
    /// True when `db_dir` is a plain Xapian database (made by another tool): it is written in
    /// place and cannot be rebuilt atomically.
    bool is_plain_database() const;

    const std::string& dir() const noexcept { return dir_; }

  private:
    std::string dir_;
};

/// The directory job `job` of a parallel build writes its part of `generation` to (the parts
/// are merged into the generation, then removed).
std::string part_path(const std::string& generation, std::size_t job);

/// Removes every part directory of `generation` (part_path), however many jobs made them.
void remove_parts(const std::string& generation);

/// The directory of shard `k` inside a sharded generation.
std::string shard_path(const std::string& generation, unsigned k);

/// Flushes every file under `dir` to disk (used before a switch, since rebuilds write
/// without syncing).
void sync_tree(const std::string& dir);

/// The bytes of every regular file under `path` (the file itself if it is one); 0 when it does
/// not exist. Unreadable entries are skipped.
std::uint64_t tree_size(const std::string& path);

}  // namespace folio
