// SPDX-License-Identifier: GPL-2.0-or-later
// search/similar.hpp: "more like this": the query that finds articles similar to given ones,
// built with relevance-set term expansion (the given articles as the relevant set, their most
// distinctive words, weighted against the whole collection, as the query).
#pragma once

#include <xapian.h>

#include <string>
#include <vector>

#include "folio/article.hpp"

namespace folio {

struct LikeQuery {
    Xapian::Query query;             ///< OR of the terms, the given articles excluded
    std::vector<std::string> terms;  ///< the words (stems) used, most distinctive first
};

/// The query for articles like the articles with ids `ids` in `db` and like `articles` (read
/// from files; indexed as the writer would, in `language`, without being stored). Expansion
/// takes the `count` best stems of their text by Xapian's Bo1 expand weight (frequent in the
/// given articles, rare in the collection; computed by Folio, with the same formula, when some
/// articles come from files), never stopwords or words with digits.
/// Throws UsageError naming an id that is not in the database, or when there is nothing to be
/// like (no ids, no articles, or no usable words).
LikeQuery like_query(const Xapian::Database& db, const std::vector<std::string>& ids,
                     const std::vector<Article>& articles, const std::string& language,
                     unsigned count = 20);

}  // namespace folio
