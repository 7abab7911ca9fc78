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

/// Maps a language name or ISO 639 code ("en", "eng", "English") to its canonical libstemmer
/// name; "none" stays "none". Throws UsageError naming the value and the accepted names.
std::string canonical_language(std::string_view name);

/// A Xapian::Stem backed by libstemmer for `language` (a canonical name, or "none" for a stem
/// that leaves words alone). Each Stem owns its own libstemmer state, so it is NOT thread-safe:
/// make one per thread. Throws UsageError for an unknown language.
Xapian::Stem make_stemmer(const std::string& language);

/// A stopper with the Snowball stop-word list for `language`, or nullptr where Folio has none.
/// The returned object is reference counted (Xapian::Stopper is an opt_intrusive_ptr base).
const Xapian::Stopper* make_stopper(const std::string& language);

}  // namespace folio
