// folio/stemmer.hpp: Snowball stemmers (libstemmer) plugged into Xapian as a
// Xapian::StemImplementation, and the list of languages Folio accepts.
#pragma once

#include <xapian.h>

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
/// and "und", "mul", "zxx" have no language. "none" stays "none".
std::string language_of_tag(std::string_view tag);

/// Maps a language name, ISO 639 code or BCP 47 tag ("en", "eng", "English", "en-US") to its
/// canonical name (see language_of_tag); "none" stays "none". Throws UsageError naming the value
/// and the accepted names.
std::string canonical_language(std::string_view name);

/// $FOLIO_LANGUAGE as a canonical language name ("" when unset or empty), the language of a new
/// database by default (IndexOptions::new_language); throws UsageError naming the variable when
/// it is not a language.
std::string language_from_environment();

/// True the first time this process sees `tag` (compared as written), false after: a run warns
/// once per unknown language tag, not once per file. Thread-safe.
bool first_sight_of_unknown_tag(std::string_view tag);

/// A Xapian::Stem backed by libstemmer for `language` (a canonical name), one that leaves words
/// alone for kUnstemmedLanguages, or Xapian's "none" stemmer (is_none()) for "none" or "".
/// Each Stem owns its own libstemmer state, so it is NOT thread-safe: make one per thread.
/// Throws UsageError for an unknown language.
/// With `word_rules`, the elided article or pronoun of a French, Italian, Catalan or Irish word
/// is split off before stemming, as Lucene's ElisionFilter does (split_elision), and the stem's
/// accents are folded (fold_accents; for English, Porter and Indonesian, whose alphabets have
/// no accents, the word's before stemming too); databases record whether they were built so
/// (schema::kMetaWordRules).
Xapian::Stem make_stemmer(const std::string& language, bool word_rules = true);

/// `text` (lower case, UTF-8) with accents folded, for matching only (the stored text keeps
/// them): combining marks (U+0300-U+036F, so NFD text folds like NFC) are dropped, Latin letters
/// with diacritics become their base letter (é e, ç c, ø o, ł l), æ ae, œ oe, ß ss, Greek
/// vowels lose their tonos and dialytika (ά α, ϊ ι) and final sigma becomes σ. Turkish dotless
/// ı stays ı (it is a letter of its own, not an accented i); other scripts are left alone.
std::string fold_accents(std::string_view text);

/// `word` (lower case) without its elided article or pronoun in `language` ("l'abstention":
/// "abstention"; French l' m' t' qu' n' s' j' d' c' jusqu' quoiqu' lorsqu' puisqu', Italian
/// c' l' all' dall' dell' nell' sull' coll' pell' gl' agl' dagl' degl' negl' sugl' un' m' t' s'
/// v' d', Catalan d' l' m' n' s' t', Irish d' m' b'; the apostrophe ' or U+2019); `word` as it
/// is in other languages or without such a prefix.
std::string_view split_elision(std::string_view word, std::string_view language);

/// A stemmer that leaves words alone but, unlike make_stemmer("none"), still has Xapian put
/// them under the stem prefix: for articles in a language without a stemmer in a database that
/// stems.
Xapian::Stem make_identity_stemmer();

/// A stopper with the Snowball stop-word list for `language`, or nullptr where Folio has none.
/// The returned object is reference counted (Xapian::Stopper is an opt_intrusive_ptr base).
const Xapian::Stopper* make_stopper(const std::string& language);

}  // namespace folio
