// folio/facets.hpp: counting the values of a field over every match of a query (facets), for
// drilling down: authors, tags, sources, years, languages, split where a value slot holds a list.
#pragma once

#include <xapian.h>

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace folio {

enum class FacetField { author, tag, source, year, language };

/// One facet to count, and how many of its top values to keep.
struct FacetRequest {
    FacetField field = FacetField::tag;
    std::size_t limit = 10;

    bool operator==(const FacetRequest&) const = default;
};

struct FacetValue {
    std::string value;  ///< as stored (authors and tags in their written case)
    Xapian::doccount count = 0;

    bool operator==(const FacetValue&) const = default;
};

struct FacetResult {
    FacetField field = FacetField::tag;
    std::vector<FacetValue> values;  ///< most frequent first, ties by value; at most limit
    std::size_t distinct = 0;        ///< distinct values among all matches
};

/// "author", "tag", "source", "year", "lang": the name used on the command line and in JSON.
std::string_view facet_name(FacetField field);

/// Parses "FIELD" or "FIELD:N" (FIELD as in facet_name; "tags", "authors", "language" are
/// accepted too). Throws UsageError naming the spec when the field or N is bad (N >= 1).
FacetRequest parse_facet(std::string_view spec);

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
