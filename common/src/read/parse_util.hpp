// SPDX-License-Identifier: GPL-2.0-or-later
// read/parse_util.hpp: what the format readers share: lines, bodies, spaces, lists of distinct
// values (bounded), languages, and a new article's fields from its file. Private to read/.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "read/readers.hpp"
#include "text/text_util.hpp"
#include "text/utf8.hpp"

namespace folio::detail {

/// The lines of `text`, without their "\n" or "\r\n".
std::vector<std::string_view> split_lines(std::string_view text);

/// Lines joined into a body: trailing spaces dropped, runs of blank lines become one blank line
/// (a paragraph break), no blank lines at either end.
std::string join_body(const std::vector<std::string>& lines);

/// The title parse_text takes from a text: its first non-blank line, spaces collapsed, cut to
/// at most ~200 bytes; "" for a blank text.
std::string title_from_first_line(std::string_view text);

/// Whitespace runs (including no-break spaces) become one space; the ends are trimmed.
std::string collapse_spaces(std::string_view s);

// The authors or tags past this many in one article are ignored, with a warning: an article
// with 100,000 tags is an attack or a mistake, and each tag is a term, a value and a facet count.
constexpr std::size_t kMaxListValues = 1000;

// The values the lists of the article being read left out (over kMaxListValues): reset before
// an article is parsed, reported after. One parse runs on one thread.
extern thread_local std::size_t t_values_dropped;

// A list of distinct values (authors, tags) in the order first seen: trimmed, spaces collapsed,
// empty values and repeats left out, in time linear in the values offered (a hash set beside
// the list), at most kMaxListValues.
class DistinctList {
  public:
    explicit DistinctList(std::vector<std::string>& list)
        : list_(list), seen_(list.begin(), list.end()) {}
    DistinctList(const DistinctList&) = delete;
    DistinctList& operator=(const DistinctList&) = delete;

    void add(std::string_view value) {
        if (list_.size() >= kMaxListValues) {
            if (!trim(value).empty())
                ++t_values_dropped;
            return;
        }
        std::string v = collapse_spaces(value);
        if (!v.empty() && seen_.insert(v).second)
            list_.push_back(std::move(v));
    }

    void add_comma_separated(std::string_view csv) {
        while (!csv.empty()) {
            const std::size_t comma = csv.find(',');
            add(csv.substr(0, comma));
            if (comma == std::string_view::npos)
                break;
            csv.remove_prefix(comma + 1);
        }
    }

  private:
    std::vector<std::string>& list_;
    std::unordered_set<std::string> seen_;
};

/// The warning for the values an article's lists left out, or "" when none were.
std::string dropped_values_warning();

/// The canonical language of a name or a BCP 47 tag ("en-US", "zh-Hant"); a tag Folio does not
/// know is kept as written (trimmed), for read_file to warn about once and drop.
std::string language_or_tag(std::string_view tag);

/// Drops an unknown language tag from `article` (it is indexed in the database's language),
/// with one warning per tag in a run (first_sight_of_unknown_tag), not one per file.
void check_language(Article& article, const std::function<void(std::string)>& warn);

/// The first script of `text` written without spaces between words that Folio does not split
/// into words (Thai, Lao, Khmer, Burmese: Xapian indexes the runs between spaces, so a word
/// inside a run is not found), or "" when it has none.
std::string_view unsegmented_script(std::string_view text);

/// Warns once per script in a run when `article`'s title or text is written in an
/// unsegmented_script, whose words are not found apart (README, Languages).
void check_script(const Article& article, const std::function<void(std::string)>& warn);

/// An article with the id, source and path its file gives it.
Article new_article(const FileInfo& info);

}  // namespace folio::detail
