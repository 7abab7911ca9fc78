// SPDX-License-Identifier: GPL-2.0-or-later
// snippet/snippet.hpp: choosing the best passages of an article's text for a query and the
// ranges to highlight in them.
#pragma once

#include <xapian.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "folio/snippet.hpp"

namespace folio {

/// How the words of a phrase must lie to match, as Xapian's OP_PHRASE and OP_NEAR take them:
/// within `window` consecutive words (their first and last less than `window` words apart), in
/// order, or in any order for NEAR. A window no wider than the phrase's words, in order: the
/// words in a row (a "quoted phrase").
struct PhraseSpan {
    std::size_t window = 0;
    bool any_order = false;
};

/// What to highlight, built by the searcher from the parsed query. All strings are lower case,
/// as Xapian::TermGenerator indexes them (apostrophes as ASCII '\'').
struct MatchTerms {
    /// Word forms highlighted wherever a text word equals one.
    std::vector<std::string> words;
    /// Stems: a text word matches when stem(lower-cased word) equals one (words starting with a
    /// digit are never stemmed, as in TermGenerator).
    std::vector<std::string> stems;
    /// Word sequences: their words are highlighted ONLY where the whole sequence occurs as
    /// consecutive words, each occurrence as ONE range from its first word's first byte to its
    /// last word's last byte. A word that is also in `words`, `stems` or `prefixes` is
    /// highlighted everywhere regardless.
    std::vector<std::vector<std::string>> phrases;
    /// How each of `phrases` matches, by index (ADJ/N, NEAR/N); a phrase without an entry is
    /// its words in a row. Each occurrence within a wider window highlights its words alone
    /// (not the words between them), and counts as one term.
    std::vector<PhraseSpan> phrase_spans;
    /// The words of `phrases` are stems (a stems-only index, schema 2 and later): a text word is a
    /// phrase word when its stem equals it, as for `stems` (words starting with a digit as
    /// written).
    bool stemmed_phrases = false;
    /// The index holds CJK text as n-grams (QueryBuilder::cjk_ngrams): each CJK character of
    /// the text is a word of its own.
    bool cjk_ngrams = false;
    /// Wildcard prefixes ("milit" for milit*): text words starting with one match.
    std::vector<std::string> prefixes;
    /// Optional weight of a word, stem or prefix (e.g. its idf), keyed by the string above;
    /// 1 when absent. A phrase weighs the sum of its words' weights.
    std::unordered_map<std::string, double> weights;

    /// True when there is nothing to highlight (weights alone do not count).
    bool empty() const;
};

struct PassageOptions {
    std::size_t count = 1;     ///< most passages to return
    std::size_t length = 240;  ///< target bytes per passage (of the original text)
};

/// Splits `text` into words the way Xapian::TermGenerator does (runs of Unicode word characters
/// lower-cased with Xapian::Unicode::tolower; ' U+2019 & and the like between two word
/// characters, and , . ; between two digits, inside the word; initials "U.S.A." as one word "usa";
/// up to three trailing + or # as in "c++"; words over 64 bytes skipped), matches them against
/// `terms` and returns up to options.count non-overlapping passages, BEST FIRST (not in text
/// order).
///
/// A passage is chosen by scoring windows of about options.length bytes: the sum of the weights
/// of the DISTINCT terms inside (a phrase occurrence is one term), plus a tenth of a term's weight
/// for each of up to five further occurrences; ties go to the earlier window. Each next passage is
/// the best window among the matches outside the passages already chosen; one whose text is that
/// of a passage already chosen (the same lines repeated in the text) is left out for the next (up
/// to 16 such in a row). A passage starts at the beginning of the sentence holding its first
/// match when the passage stays within 1.5 x length, else a little before the match at a word
/// start; it ends at the sentence end nearest to `length` bytes from its start when one lies
/// within [length/2, 1.25 x length], else at the last word end within `length` bytes (never
/// before its last match). A passage shorter than `length`
/// is extended backwards (to an earlier sentence start when one fits). Sentences end at . ! ? or
/// U+2026 followed by whitespace, at 。！？, and at blank lines. Passages never cut a character.
/// A passage begins (ends) the text when only whitespace and punctuation lie before (after) it:
/// words over 64 bytes are no tokens, so a passage beside one does neither.
///
/// A text with form feeds has pages: each passage says the page of its first highlighted word,
/// else of its start (Snippet::page).
///
/// No match (terms empty, or the text matched only through a filter): ONE passage from the
/// start of the text (whatever options.count), no highlights. A text without a word to tokenise
/// (a single word over 64 bytes, emoji) is cut at options.length bytes, back to the start of a
/// character cluster: never between a letter and its combining marks, nor inside an emoji
/// sequence (U+200D joins, skin tones). Fewer than options.count passages when the matches run
/// out. Empty or all-whitespace text, or count 0: no passages.
///
/// Linear in the size of the text. Each distinct word that could match a stem is stemmed at most
/// once per call; "could" is a cheap test that holds for the Snowball stemmers: the word keeps
/// the stem's first two bytes (y may become i), or starts with a non-ASCII letter, or contains
/// the stem's first three bytes after its first byte (prefix stripping). Highlights that need a
/// rewritten ASCII word start (Indonesian "memukul" -> "pukul") are missed.
///
/// Thread-safety: `stem` is called, and Xapian::Stem is not thread-safe: the caller owns one
/// Stem per thread. Nothing else is shared. Throws what `stem` throws, or std::bad_alloc.
std::vector<Snippet> make_passages(std::string_view text, const MatchTerms& terms,
                                   const Xapian::Stem& stem, const PassageOptions& options = {});

/// Highlights every match of `terms` in a short text shown whole (e.g. a title), tokenised and
/// matched as by make_passages. The result holds all of `text` as it is (whitespace and control
/// characters kept; only invalid UTF-8 replaced by U+FFFD), so that the highlights are offsets
/// into the text itself, as the JSON's title_highlights are into its title; at_start and at_end
/// are true. Same thread-safety as make_passages.
Snippet highlight_all(std::string_view text, const MatchTerms& terms, const Xapian::Stem& stem);

}  // namespace folio
