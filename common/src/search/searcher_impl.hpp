// SPDX-License-Identifier: GPL-2.0-or-later
// search/searcher_impl.hpp: what a folio::Searcher holds, kept out of the public header: the
// databases as given and as opened, what they record (languages, word rules, schema), the query
// builders and feedback's term statistics. Only the Searcher's own sources include it.
#pragma once

#include <xapian.h>

#include <map>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "folio/search.hpp"
#include "index/writer.hpp"
#include "search/query.hpp"
#include "search/ranking.hpp"

namespace folio {

struct Searcher::Impl {
    std::vector<std::string> paths_;
    OpenOptions options_;
    std::vector<ShardSpec> shards_;
    std::set<std::string> excluded_;  // addresses of the shards left out (allow_partial)
    std::vector<std::string> warnings_;
    Xapian::Database db_;
    std::string language_;
    std::vector<std::string> languages_;  // every language its articles are indexed in
    /// The language of each database in db_, in Xapian's order (a document's is that of
    /// database (docid - 1) % size): the language of its articles that name none.
    std::vector<std::string> sub_languages_;
    bool word_rules_ = true;         // its shards fold words (most of them; kMetaWordRules)
    bool mixed_word_rules_ = false;  // some do, some do not
    bool stems_only_ = false;        // the database indexes stems only (schema::stems_only)
    /// By default_and, expand_synonyms and wildcard_limit.
    std::map<std::tuple<bool, bool, unsigned>, std::unique_ptr<QueryBuilder>> builders_;
    TermFreqCache term_freqs_;  // feedback's lookups in db_'s revision: cleared when it changes
    int schema_version_ = 0;    // of db_ (schema::version_of)
    bool local_shards_ = true;  // db_ holds a local database (one that serves spelling)
    /// Remote feedback's document builders, by database language (feedback_terms): they give a
    /// fetched document's terms as the indexer made them. Kept while the databases stay open.
    std::map<std::string, std::unique_ptr<DocumentBuilder>> feedback_builders_;
};

}  // namespace folio
