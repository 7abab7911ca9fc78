// folio/explain.hpp: why a hit scored what it did, as data: the parts of the query that add to a
// score (terms, phrases, synonym and wildcard groups, the recency boost) and their weights.
#pragma once

#include <xapian.h>

#include <string>
#include <vector>

namespace folio {

/// One scoring part of the query and what it added to one article's score.
struct Contribution {
    std::string label;  ///< the word or stem, "\"a phrase\"", "a|b" (synonyms), "milit*", "recency"
    std::string field;  ///< "text" (title and body), "title", "author", or "" (no field)
    bool stem = false;  ///< label is a stem, matching every form of the word
    /// Where a "text" term occurs in the article: "title", "body" (body or description).
    std::vector<std::string> found_in;
    double weight = 0;              ///< what it added to the score (scaled as in the query)
    Xapian::termcount wdf = 0;      ///< occurrences in the article (single terms only)
    Xapian::doccount termfreq = 0;  ///< articles holding the term (single terms only)
    /// The part was added by pseudo-relevance feedback (an expand-set term), not asked for.
    bool feedback = false;
};

}  // namespace folio
