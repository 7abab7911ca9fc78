// folio/crawl.hpp: finding the input files under the paths the user names. Owns recursion,
// hidden-file and symlink-loop rules, the stable id and default source of each file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "folio/readers.hpp"

namespace folio {

/// One file to read, with what the crawl learnt of it.
struct FoundFile {
    FileInfo info;           ///< path, id (the canonical absolute path), source, mtime
    std::uint64_t size = 0;  ///< bytes, from stat
    std::int64_t mtime_ns = 0;
};

/// What a walk leaves out besides hidden entries.
struct CrawlOptions {
    /// Honour ignore files as ripgrep and fd do: `.gitignore` inside a git repository (with the
    /// repository's `.git/info/exclude`), `.ignore` and `.folioignore` anywhere, each in the
    /// directory it lies in and below, read from the walked directories and their parents;
    /// gitignore(5) syntax, a deeper file and a later line overriding. Files named on the
    /// command line are always read.
    bool ignore_files = true;
    /// gitignore-style patterns (--exclude) matched against paths under each directory walked;
    /// they override every ignore file.
    std::vector<std::string> excludes;
};

/// Walks `paths`: files are taken as they are (standard input for "-"), directories
/// recursively, in sorted order, skipping hidden entries (names starting with '.') and files
/// whose format Folio does not read; a directory reached again (overlapping paths, two links to
/// one folder, a symlink loop) is walked once. Problems (a missing path, an unreadable
/// directory, a symlink back to a directory being walked, a named pipe or device named on the
/// command line) go to `diagnostics` and the walk goes on; overlapping paths are not a problem;
/// a named pipe, device or socket met in a walk is skipped with a warning (never opened). Files
/// and directories that `options` leave out are passed over in silence. The result is sorted
/// by id and free of duplicates.
std::vector<FoundFile> find_files(const std::vector<std::string>& paths,
                                  const DiagnosticSink& diagnostics,
                                  const CrawlOptions& options = {});

/// "SIZE:MTIME_NS", the stamp incremental updates compare.
std::string file_stamp(const FoundFile& file);

/// The id the indexer gives the article of the file at `path` (its canonical absolute path),
/// so that a path as a user types it names the article (searcher --like).
std::string file_id(const std::string& path);

}  // namespace folio
