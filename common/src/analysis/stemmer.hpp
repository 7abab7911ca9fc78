// SPDX-License-Identifier: GPL-2.0-or-later
// analysis/stemmer.hpp: Snowball stemmers (libstemmer) plugged into Xapian as a
// Xapian::StemImplementation, the word rules applied before stemming, and the stop list.
#pragma once

#include <xapian.h>

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "folio/languages.hpp"

namespace folio {

/// True the first time this process sees `tag` (compared as written), false after: a run warns
/// once per unknown language tag, not once per file. Thread-safe.
bool first_sight_of_unknown_tag(std::string_view tag);

/// A Xapian::Stem backed by libstemmer for `language` (a canonical name), one that leaves words
/// alone for kUnstemmedLanguages, or Xapian's "none" stemmer (is_none()) for "none" or "".
/// Each Stem owns its own libstemmer state, so it is NOT thread-safe: make one per thread.
/// Throws UsageError for an unknown language.
/// With `word_rules`, the elided article or pronoun of a French, Italian, Catalan or Irish word
/// (the suffixes after a Turkish word's apostrophe) is split off before stemming, as Lucene's
/// ElisionFilter does (split_elision), and the stem's
/// accents are folded (fold_accents; for English, Porter and Indonesian, whose alphabets have
/// no accents, the word's before stemming too; German ae oe ue are read as ä ö ü, Catalan l·l
/// as ll); databases record whether they were built so
/// (schema::kMetaWordRules).
Xapian::Stem make_stemmer(const std::string& language, bool word_rules = true);

/// `text` (lower case, UTF-8) with accents folded, for matching only (the stored text keeps
/// them): combining marks (U+0300-U+036F, so NFD text folds like NFC) are dropped, Latin letters
/// with diacritics become their base letter (é e, ç c, ø o, ł l, Romanian ș ț, Vietnamese ơ ư,
/// Pinyin ǎ), æ ae, œ oe, ß ss, Greek vowels lose their tonos and dialytika (ά α, ϊ ι) and
/// final sigma becomes σ; Hebrew points and cantillation, Arabic harakat and tatweel, and the
/// middle dot of Catalan l·l are dropped; full-width capitals (Ａ-Ｚ) are lower-cased. Turkish
/// dotless ı stays ı (it is a letter of its own, not an accented i); other scripts are left alone.
std::string fold_accents(std::string_view text);

/// `word` (lower case) without its elided article or pronoun in `language` ("l'abstention":
/// "abstention"; French l' m' t' qu' n' s' j' d' c' jusqu' quoiqu' lorsqu' puisqu', Italian
/// c' l' all' dall' dell' nell' sull' coll' pell' gl' agl' dagl' degl' negl' sugl' un' m' t' s'
/// v' d', Catalan d' l' m' n' s' t', Irish d' m' b'; the apostrophe ' or U+2019); in Turkish,
/// the word before its apostrophe, where a proper name's suffixes start ("istanbul'da":
/// "istanbul", as Lucene's ApostropheFilter); `word` as it is in other languages or without such
/// a prefix.
std::string_view split_elision(std::string_view word, std::string_view language);

/// A stemmer that leaves words alone but, unlike make_stemmer("none"), still has Xapian put
/// them under the stem prefix: for articles in a language without a stemmer in a database that
/// stems.
Xapian::Stem make_identity_stemmer();

/// A stopper with the Snowball stop-word list for `language`, or nullptr where Folio has none.
/// The returned object is reference counted (Xapian::Stopper is an opt_intrusive_ptr base).
const Xapian::Stopper* make_stopper(const std::string& language);

/// The stop words of a language as they are indexed: "Z" + the word or + its stem ("does" is
/// also "doe", "very" is "veri"). Pseudo-relevance feedback and similar-article terms leave them
/// out, as the query parser leaves the stop words out of queries. Empty where Folio has no stop
/// list.
class StopStems {
  public:
    explicit StopStems(std::string_view language) : english_(language == "english") {}
    /// Whether `term` ("Z" + a stem) is a stop word or the stem of one.
    bool operator()(std::string_view term) const;
    bool empty() const noexcept { return !english_; }

  private:
    bool english_;
};

/// Folio's English stop words (Snowball's list), in byte order.
std::span<const std::string_view> english_stop_words();
/// The Snowball stems of English stop words that are not stop words themselves, in byte order.
std::span<const std::string_view> english_stop_word_stems();

}  // namespace folio
