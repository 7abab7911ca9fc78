// SPDX-License-Identifier: GPL-2.0-or-later
// render/json_writer.hpp: compact JSON written directly. The batch mode's lines, --jsonl and
// (laid out by indented()) --json: building nlohmann objects for a page of hits cost more than the
// search itself. These functions write the documents of docs/folio-search.schema.json byte for
// byte as nlohmann's dump(-1, ' ', false, replace) would: strings escaped as nlohmann escapes
// them (ensure_ascii off), and whatever is rare or subtle (numbers with a fraction, invalid
// UTF-8, facets, explanations) left to nlohmann itself.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "folio/article.hpp"
#include "folio/snippet.hpp"

namespace folio::detail {

using Json = nlohmann::ordered_json;

/// `j` as nlohmann's compact dump, invalid UTF-8 replaced.
std::string compact(const Json& j);
/// `bytes` in base64 (RFC 4648, with padding).
std::string base64(std::string_view bytes);
/// A JSON string, escaped as nlohmann escapes it.
void put_string(std::string& out, std::string_view text);
void put_number(std::string& out, std::uint64_t n);
void put_bool(std::string& out, bool b);
/// An array of strings.
void put_strings(std::string& out, const std::vector<std::string>& list);
/// Highlights as [[begin, end], ...].
void put_ranges(std::string& out, const std::vector<Highlight>& highlights);
/// A string, or null when it is empty (a value the article does not have).
void put_optional(std::string& out, std::string_view text);
/// The highlighted words of `text` as ripgrep's JSON gives its submatches: the matched text,
/// its byte offsets and its code point offsets (what jq's string slices count).
void put_matches(std::string& out, std::string_view text, const std::vector<Highlight>& highlights);
/// The fields every JSON article carries after its path: url, date, authors, tags, source,
/// language, each after a comma.
void put_article_fields(std::string& out, const Article& a);

}  // namespace folio::detail
