// folio/render.hpp: how search results look: for a person at a terminal (ANSI colour, or
// plain markers), and for scripts (versioned JSON, JSON Lines, file lists). Owns the JSON
// output schema; pure functions of the results, so the same input always gives the same output.
#pragma once

#include <ostream>
#include <string>
#include <string_view>

#include "folio/search.hpp"
#include "folio/snippet.hpp"
#include "folio/stats.hpp"

namespace folio {

/// Version of the JSON output schema (documented in the README); bumped on incompatible change.
inline constexpr int kJsonSchemaVersion = 2;

struct TextStyle {
    bool color = false;       ///< ANSI escapes (bold red matches, bold titles, ...)
    std::string open = "**";  ///< marks a highlighted range when not in colour
    std::string close = "**";
};

/// A collapse key as the programs show it: the separators of a list (authors, tags) as ", ".
std::string shown_key(std::string_view key);

/// A snippet's text with its highlights marked ("…" where it is cut from a longer text).
std::string render_snippet(const Snippet& snippet, const TextStyle& style, bool ellipses);

/// The human listing: "Did you mean: ...?" (or "Showing results for: ..." when corrected) and
/// the --like terms first; each hit's rank and title, date, authors, source and path, collapse
/// count, passages and explanation (indented); then count_line(); then one line per facet:
/// "author: Franklin D. Roosevelt (12), ...".
void write_text(std::ostream& out, const SearchResult& result, const TextStyle& style);

/// The count of a result for a person: "1-10 of 69 matches", "1 match", "1-10 of about 5,000
/// matches" ("about" only where the count is an estimate), "69 matches" when the page shows no
/// hit (--limit 0), "69 matches, none from 71 on" past the last, "no matches".
std::string count_line(const SearchResult& result);

/// One JSON document: {"version", "query", "parsed", "total", "offset", "suggestion" (null when
/// none), "corrected", "hits": [...]}, plus "facets", "like_terms" and "collapse" when asked for;
/// hits carry "collapse" and "explain" when asked for.
std::string result_json(const SearchResult& result, bool pretty);
/// One hit as a JSON object (a line of --jsonl).
std::string hit_json(const Hit& hit);
/// A batch-mode line for a query that failed: {"version", "query", "error", "column"}.
std::string error_json(const std::string& query, const std::string& message, long column);

/// Stored articles for a person (searcher --show), as notmuch show prints a message: a header of
/// "field: value" lines (id, title, date, authors, tags, source, language, url, path, the ones
/// the article has), a blank line, the text; articles separated by a line of its own, "\f".
void write_articles(std::ostream& out, const std::vector<Article>& articles);
/// Stored articles as one JSON document: {"version", "articles": [...]}, each article's fields
/// as in a hit (missing values null) and its "body".
std::string articles_json(const std::vector<Article>& articles, bool pretty);

/// The database statistics for a person: one "name  value" line each.
void write_stats(std::ostream& out, const DatabaseStats& stats);
/// The database statistics as one JSON document (schema version kJsonSchemaVersion).
std::string stats_json(const DatabaseStats& stats, bool pretty);

/// What --files prints for a hit: its path (PATH#ID for an article of a JSON Lines file, which
/// holds many; an id Folio gave a record without one is already PATH#HASH), else its url, else
/// its id. Exact bytes: terminal_text it before showing it to a person.
std::string hit_location(const Hit& hit);

}  // namespace folio
