// SPDX-License-Identifier: GPL-2.0-or-later
// analysis/synonyms.hpp: the synonyms file and the database's synonym table. Owns the file format,
// and how its words become the keys and terms that Xapian's QueryParser looks up for ~word and
// for automatic synonym expansion (the stemmed "Z" terms of the database's language).
#pragma once

#include <xapian.h>

#include <cstddef>
#include <istream>
#include <map>
#include <set>
#include <string>

namespace folio {

/// Each word (lower case, as written) and the words it should also find.
using Synonyms = std::map<std::string, std::set<std::string>>;

/// Parses a synonyms file, one rule a line:
///   `defence, defense, military`   each word finds all the others (equivalent words);
///   `nato => alliance, otan`       the word left of => finds those on the right (one way);
/// `#` starts a comment; blank lines are ignored; words are lower-cased. Throws InputError
/// ("PATH:LINE: reason") for a rule with fewer than two words, a word of several words (Xapian
/// expands single words only), or an empty side of =>.
Synonyms parse_synonyms(std::istream& in, const std::string& path);

/// parse_synonyms on a file; InputError when it cannot be read.
Synonyms read_synonyms_file(const std::string& path);

/// Replaces the database's synonym table with `synonyms`, keyed and valued by the terms the
/// database indexes words as (stemmed in its recorded language, "Z"-prefixed; plain words for
/// language none). Does not commit. Returns the number of keys stored.
std::size_t store_synonyms(Xapian::WritableDatabase& db, const Synonyms& synonyms);

/// read_synonyms_file then store_synonyms; the indexer's --synonyms FILE.
std::size_t store_synonyms_file(Xapian::WritableDatabase& db, const std::string& path);

/// The number of words with synonyms in a database.
std::size_t synonym_key_count(const Xapian::Database& db);

}  // namespace folio
