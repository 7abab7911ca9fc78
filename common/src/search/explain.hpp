// SPDX-License-Identifier: GPL-2.0-or-later
// search/explain.hpp: splitting a query into the parts that add to a score, and each part's
// weight in one article and the fields its words were found in (--explain).
#pragma once

#include <xapian.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "folio/explain.hpp"

namespace folio {

/// Splits a query once into its scoring parts, then explains any hit of it. The weights add up
/// to the hit's score for queries built from AND, OR, AND_MAYBE, NOT and filters (Xapian's
/// parser and Folio's rewrites); XOR and MAX parts are explained as if they added up.
/// Not thread-safe; `db` must outlive it. Only built when asked for (--explain): it runs one
/// small match per part and hit.
class Explainer {
  public:
    /// `asked`: the terms of the query as the user gave it (before ranking rewrote it); the
    /// other single terms are feedback's (Contribution::feedback).
    Explainer(const Xapian::Database& db, const Xapian::Query& query, const Xapian::Weight& weight,
              std::set<std::string> asked = {});
    ~Explainer();

    /// The parts of the query that match document `docid`, whose id term (schema::id_term) is
    /// `id_term`, with their weights, highest first.
    std::vector<Contribution> explain(Xapian::docid docid, const std::string& id_term) const;

  private:
    struct Part {
        Xapian::Query query;  ///< the part, scaled as in the whole query
        Contribution base;    ///< label, field, stem
        std::string term;     ///< the single term, if the part is one
    };
    void split(const Xapian::Query& query, double scale);

    Xapian::Database db_;
    std::unique_ptr<Xapian::Weight> weight_;
    std::vector<Part> parts_;
    std::set<std::string> asked_;
};

}  // namespace folio
