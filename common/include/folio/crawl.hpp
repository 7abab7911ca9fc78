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

/// Walks `paths`: files are taken as they are (standard input for "-"), directories
/// recursively, in sorted order, skipping hidden entries (names starting with '.') and files
/// whose format Folio does not read; a directory reached twice through symlinks (a loop) is
/// walked once. Problems (a missing path, an unreadable directory, a loop, a named pipe or
/// device named on the command line) go to `diagnostics` as errors and the walk goes on; a
/// named pipe, device or socket met in a walk is skipped with a warning (never opened). The result
/// is sorted by id and free of duplicates.
std::vector<FoundFile> find_files(const std::vector<std::string>& paths,
                                  const DiagnosticSink& diagnostics);

/// "SIZE:MTIME_NS", the stamp incremental updates compare.
std::string file_stamp(const FoundFile& file);

}  // namespace folio
