// folio/stats.hpp: what a database holds, for `searcher --stats`: articles, terms, lengths,
// languages, sources, date range, size on disk and the time of the last update.
#pragma once

#include <xapian.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace folio {

struct DatabaseStats {
    std::vector<std::string> paths;  ///< the databases, as given
    std::string language;            ///< the (first) database's recorded stemming language
    Xapian::doccount articles = 0;
    Xapian::termcount terms = 0;  ///< distinct terms of every kind (words, stems, filters)
    Xapian::termcount words = 0;  ///< distinct words of the free text (stems in schema 2)
    double average_length = 0;    ///< terms per article (title words count kTitleWeight + 1)
    std::map<std::string, Xapian::doccount> languages;  ///< articles per language
    std::map<std::string, Xapian::doccount> sources;    ///< articles per source (lower case)
    std::string first_date, last_date;                  ///< "YYYY-MM-DD"; "" when no dates
    Xapian::doccount dated = 0;                         ///< articles with a date
    std::size_t synonyms = 0;                           ///< words with synonyms
    std::uint64_t size_bytes = 0;         ///< the files under each database path, summed
    std::optional<std::int64_t> updated;  ///< last commit, seconds since the epoch (UTC)
};

/// Collects the statistics of `db`, opened from `paths`. Reads every term once (linear in the
/// vocabulary) and walks the database directories for their size; a path that is a stub file
/// counts the stub and the databases it names.
DatabaseStats database_stats(const Xapian::Database& db, const std::vector<std::string>& paths);

/// The bytes of every regular file under `path` (the file itself if it is one; a Xapian stub
/// file adds the databases it names); 0 when it does not exist.
std::uint64_t disk_size(const std::string& path);

/// Seconds since the epoch as "YYYY-MM-DDTHH:MM:SSZ".
std::string iso_time(std::int64_t seconds);

}  // namespace folio
