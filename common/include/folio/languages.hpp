// SPDX-License-Identifier: GPL-2.0-or-later
// folio/languages.hpp: the languages Folio indexes and searches in, by their canonical names,
// and the names, ISO 639 codes and BCP 47 tags that map to them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace folio {

/// The canonical language names libstemmer knows ("english", "french", ...), sorted.
std::vector<std::string> stemmer_languages();

/// The languages Folio knows without a Snowball stemmer: their words are indexed as written
/// (lower case), under the stem prefix like any other language's stems.
inline constexpr std::string_view kUnstemmedLanguages[] = {"chinese", "japanese", "korean"};

/// The canonical language of a BCP 47 tag or a language name, or "" when there is none:
/// case and '_' do not matter; the primary subtag decides (ISO 639-1 "fr", ISO 639-2/3
/// "fra"/"fre", or a name "French"); script, region and variant subtags are ignored ("fr-CA",
/// "pt-BR", "zh-Hant-TW", "sr-Latn"); private-use and grandfathered tags ("x-...", "i-...")
/// and "und", "mul", "zxx" have no language. Of a list ("de, en", as HTTP Content-Language
/// has it) the first names the language. "none" stays "none".
std::string language_of_tag(std::string_view tag);

/// Maps a language name, ISO 639 code or BCP 47 tag ("en", "eng", "English", "en-US") to its
/// canonical name (see language_of_tag); "none" stays "none". Throws UsageError naming the value
/// and the accepted names.
std::string canonical_language(std::string_view name);

/// $FOLIO_LANGUAGE as a canonical language name ("" when unset or empty), the language of a new
/// database by default (IndexOptions::new_language); throws UsageError naming the variable when
/// it is not a language.
std::string language_from_environment();

}  // namespace folio
