// folio/recency.hpp: the half-life of the recency boost, as --boost-recent writes it.
#pragma once

#include <string_view>

namespace folio {

/// "30" or "30d" (days), "6w", "18m" (months of 30.436875 days), "10y" (Gregorian years of
/// 365.2425 days) to days. Throws UsageError unless the number is positive and finite.
double parse_half_life(std::string_view text);

}  // namespace folio
