// SPDX-License-Identifier: GPL-2.0-or-later
// search/facets.hpp: the match spy that counts facet values over every match, split where a
// value slot holds a list; it also merges the counts of remote shards.
#pragma once

#include <xapian.h>

#include <map>
#include <string>
#include <string_view>

#include "folio/facets.hpp"

namespace folio {

/// Counts facet values of every document the matcher sees. Add it to an Enquire with
/// add_matchspy and ask get_mset for check_at_least >= the database's document count, so that it
/// sees every match, not just the page. Multi-valued slots (authors, tags) count each listed
/// value once per document; a year is the first four digits of the date.
class FacetSpy : public Xapian::MatchSpy {
  public:
    explicit FacetSpy(FacetField field);

    void operator()(const Xapian::Document& doc, double weight) override;
    Xapian::MatchSpy* clone() const override;
    std::string name() const override;
    std::string serialise() const override;
    Xapian::MatchSpy* unserialise(const std::string& data,
                                  const Xapian::Registry& context) const override;
    std::string serialise_results() const override;
    void merge_results(const std::string& data) override;
    std::string get_description() const override;

    /// Counts `n` documents whose slot holds `value` (as Xapian's ValueCountMatchSpy reports
    /// them: facets over remote shards count raw values with it, since xapian-tcpsrv knows
    /// only Xapian's own match spies).
    void add_value(std::string_view value, Xapian::doccount n);
    /// The value slot this field is counted from.
    Xapian::valueno slot() const noexcept;

    /// The counts so far: the top `limit` values and the number of distinct values.
    FacetResult result(std::size_t limit) const;
    const std::map<std::string, Xapian::doccount>& counts() const noexcept { return counts_; }

  private:
    void add(std::string_view value, Xapian::doccount n);

    FacetField field_;
    std::map<std::string, Xapian::doccount> counts_;
};

}  // namespace folio
