// SPDX-License-Identifier: GPL-2.0-or-later
// text/dates.hpp: dates as people and programs write them, normalised to ISO 8601.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace folio {

/// Normalises a date written in any common form (ISO 8601 with or without time, "YYYY",
/// "YYYY-MM", ISO 8601's basic "YYYYMMDD" (and "20220218T101500Z"), "February 18, 2022",
/// "Feb. 18, 2022", "18 February 2022", "2/18/2022", RFC 2822 "Fri, 18 Feb 2022 ...") to
/// "YYYY-MM-DD"; std::nullopt when it is not a date.
std::optional<std::string> normalize_date(std::string_view text);

}  // namespace folio
