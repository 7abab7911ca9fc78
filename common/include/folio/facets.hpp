// folio/facets.hpp: counting the values of a field over every match of a query (facets), for
// drilling down: authors, tags, sources, years, languages. The requests and results, as data.
#pragma once

#include <xapian.h>

#include <cstddef>
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

}  // namespace folio
