// SPDX-License-Identifier: GPL-2.0-or-later
// search/query_parts.hpp: what the query modules share inside search/: the query's tokens, the
// checker that reads a query against Folio's grammar, and the parser's query as one run.
#pragma once

#include <xapian.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace folio::detail {

struct Token {
    std::string text;
    std::size_t column;
};

/// Splits outside quotes at spaces and parentheses, keeping each parenthesis as a token.
std::vector<Token> tokens_of(const std::string& text);

/// AND, OR, XOR, AND NOT ... as the query language writes them.
bool is_binary_operator(const std::string& t);

/// `text` checked against Folio's grammar (docs/QUERY-SYNTAX.md) and rewritten where Xapian's
/// parser would read it differently. Throws QueryError with the byte column of a refusal.
std::string checked_query(const std::string& text);

/// The parser's query as one run of the rewrites that keep the matches (XOR written with OR,
/// AND and AND_NOT; AND_MAYBE inside an excluded part cut to its first subquery).
Xapian::Query as_run(const Xapian::Query& query);

/// The window of a PHRASE or NEAR query (`word`), read from its description as Xapian prints it
/// ("((a PHRASE 2 b))"); 0 when it cannot be read.
Xapian::termcount window_of(const Xapian::Query& query, std::string_view word);

/// Reads a date or year range's bound as the date field does ("2020", "2020-01", "2020-01-31";
/// the upper bound of a year or month is its last day): true with `out` its "YYYYMMDD".
bool date_bound(const std::string& text, bool upper, std::string& out);

/// The first code point of `s` (valid UTF-8), or 0.
inline std::uint32_t first_code_point(std::string_view s) {
    Xapian::Utf8Iterator it(s.data(), s.size());
    return it == Xapian::Utf8Iterator() ? 0 : *it;
}

}  // namespace folio::detail
