// SPDX-License-Identifier: GPL-2.0-or-later
#define BOOST_TEST_MODULE snippet
#include <boost/test/unit_test.hpp>

#include <xapian.h>

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "analysis/stemmer.hpp"
#include "snippet/snippet.hpp"

namespace folio {
std::ostream& operator<<(std::ostream& os, const Highlight& h) {
    return os << '[' << h.begin << ',' << h.end << ')';
}
}  // namespace folio

namespace {

using folio::Highlight;
using folio::make_passages;
using folio::MatchTerms;
using folio::PassageOptions;
using folio::Snippet;
using Highlights = std::vector<Highlight>;

const Xapian::Stem& english() {
    static const Xapian::Stem stem("english");
    return stem;
}

MatchTerms words(std::vector<std::string> w) {
    MatchTerms terms;
    terms.words = std::move(w);
    return terms;
}

// The one passage make_passages returns for `text` (fails the test if not exactly one).
Snippet only_passage(std::string_view text, const MatchTerms& terms, std::size_t length = 240) {
    const auto passages = make_passages(text, terms, english(), {1, length});
    BOOST_REQUIRE_EQUAL(passages.size(), 1U);
    return passages.front();
}

// The passage with every highlight in [brackets], for readable checks.
std::string marked(const Snippet& s) {
    std::string out;
    std::size_t p = 0;
    for (const Highlight& h : s.highlights) {
        out += s.text.substr(p, h.begin - p) + "[" + s.text.substr(h.begin, h.end - h.begin) + "]";
        p = h.end;
    }
    return out + s.text.substr(p);
}

bool is_valid_utf8(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto b = static_cast<unsigned char>(s[i]);
        const std::size_t len = b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC2 ? 2 : 0;
        if (len == 0 || i + len > s.size()) {
            return false;
        }
        for (std::size_t k = 1; k < len; ++k) {
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) {
                return false;
            }
        }
        i += len;
    }
    return true;
}

bool on_char_boundary(std::string_view s, std::size_t offset) {
    return offset == s.size() ||
           (offset < s.size() && (static_cast<unsigned char>(s[offset]) & 0xC0) != 0x80);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(snippet)

// A word listed in `words` is highlighted, case-insensitively, and a short text is one passage.
BOOST_AUTO_TEST_CASE(highlights_a_single_word) {
    const Snippet s = only_passage("The Army marched north.", words({"army"}));
    BOOST_TEST(s.text == "The Army marched north.");
    BOOST_TEST(s.highlights == (Highlights{{4, 8}}), boost::test_tools::per_element());
    BOOST_TEST(s.at_start);
    BOOST_TEST(s.at_end);
}

// In an index of CJK n-grams each CJK character is a word: a match highlights its characters
// (touching ones as one range), a phrase of characters only where they follow each other; a
// Latin word next to them stays whole. Without n-grams a run of characters is one word.
BOOST_AUTO_TEST_CASE(cjk_characters_are_words_in_an_ngram_index) {
    MatchTerms terms;
    terms.stems = {"北", "北京", "京", "hello"};
    terms.cjk_ngrams = true;
    Snippet s = only_passage("今天北京天气 hello北京。", terms);
    BOOST_TEST(marked(s) == "今天[北京]天气 [hello北京]。");
    BOOST_TEST(s.highlights == (Highlights{{6, 12}, {19, 30}}), boost::test_tools::per_element());
    MatchTerms phrase;
    phrase.phrases = {{"天", "气"}};
    phrase.stemmed_phrases = true;
    phrase.cjk_ngrams = true;
    BOOST_TEST(marked(only_passage("天 今天气", phrase)) == "天 今[天气]");
    terms.cjk_ngrams = false;
    BOOST_TEST(marked(only_passage("今天北京天气", terms)) == "今天北京天气");
}

// A character of a query word of several characters is highlighted beside the character it
// pairs with, not alone elsewhere: 北京 is not 北 of 北方; a word of one character is.
BOOST_AUTO_TEST_CASE(cjk_characters_of_a_word_only_inside_the_word) {
    MatchTerms terms;
    terms.stems = {"北", "北京", "京"};
    terms.cjk_ngrams = true;
    BOOST_TEST(marked(only_passage("北京很好。北方很冷，京剧很美。", terms)) ==
               "[北京]很好。北方很冷，京剧很美。");
    terms.stems = {"서", "서울", "울"};
    BOOST_TEST(marked(only_passage("서울의 도서관", terms)) == "[서울]의 도서관");
    terms.stems = {"北", "京"};  // two words of one character each
    BOOST_TEST(marked(only_passage("北方很冷，京剧", terms)) == "[北]方很冷，[京]剧");
}

// A stem matches every text word with that stem ("troops", "Troop"), not other words.
BOOST_AUTO_TEST_CASE(matches_words_by_stem) {
    MatchTerms terms;
    terms.stems = {english()("troop")};
    const Snippet s = only_passage("Troops arrived; the troop left the troupe.", terms);
    BOOST_TEST(marked(s) == "[Troops] arrived; the [troop] left the troupe.");
    BOOST_TEST(s.highlights == (Highlights{{0, 6}, {20, 25}}), boost::test_tools::per_element());
}

// Stems have their accents folded: a word with an elided article and accents, or an Irish word
// with its lenition, is still highlighted by its stem.
BOOST_AUTO_TEST_CASE(matches_elided_and_accented_words_by_stem) {
    auto passage = [](std::string_view text, const std::vector<std::string>& words,
                      const char* language) {
        const Xapian::Stem stem = folio::make_stemmer(language);
        MatchTerms terms;
        for (const auto& w : words)
            terms.stems.push_back(stem(w));
        const auto passages = folio::make_passages(text, terms, stem, {1, 240});
        BOOST_REQUIRE_EQUAL(passages.size(), 1U);
        return marked(passages.front());
    };
    BOOST_TEST(passage("Vu l'hôpital et l’œuvre.", {"hopital", "oeuvre"}, "french") ==
               "Vu [l'hôpital] et [l’œuvre].");
    BOOST_TEST(passage("D'fhág sé é. Fhág sé é.", {"fág"}, "irish") ==
               "[D'fhág] sé é. [Fhág] sé é.");
}

// A phrase's words are highlighted, as one range, only where they form the phrase.
BOOST_AUTO_TEST_CASE(highlights_phrase_words_only_inside_the_phrase) {
    MatchTerms terms;
    terms.phrases = {{"european", "union"}};
    const Snippet s =
        only_passage("The European Union met. A union of European workers spoke.", terms);
    BOOST_TEST(marked(s) == "The [European Union] met. A union of European workers spoke.");
    BOOST_TEST(s.highlights == (Highlights{{4, 18}}), boost::test_tools::per_element());
}

// ADJ/N and NEAR/N: the words are highlighted only where they lie within the window (in order
// for ADJ, in any order for NEAR), each word alone, and the passage is where they do, not
// where the same words lie apart.
BOOST_AUTO_TEST_CASE(highlights_adj_and_near_words_only_within_their_window) {
    const std::string text =
        "Alpha opens the text. Then a long stretch of other words goes on and on for a good "
        "while here. Beta comes. More filler words fill the gap to push the pair far. Later "
        "beta and then alpha sit close.";
    MatchTerms terms;
    terms.phrases = {{"alpha", "beta"}};
    terms.phrase_spans = {{4, true}};  // alpha NEAR/3 beta: within 4 words, any order
    Snippet s = only_passage(text, terms, 40);
    BOOST_TEST(marked(s) == "Later [beta] and then [alpha] sit close.");
    // In order (alpha ADJ/3 beta): "beta and then alpha" is not a match, nor is anything else.
    terms.phrase_spans = {{4, false}};
    s = only_passage(text, terms, 40);
    BOOST_TEST(s.highlights.empty());
    terms.phrases = {{"beta", "alpha"}};
    s = only_passage(text, terms, 40);
    BOOST_TEST(marked(s) == "Later [beta] and then [alpha] sit close.");
    // One word short of the window: no match.
    terms.phrase_spans = {{3, false}};
    BOOST_TEST(only_passage(text, terms, 40).highlights.empty());
    terms.phrase_spans = {{3, true}};
    BOOST_TEST(only_passage(text, terms, 40).highlights.empty());
    // A word named twice must be there twice; every word of the group inside a match is shown.
    MatchTerms twice;
    twice.phrases = {{"a", "a", "b"}};
    twice.phrase_spans = {{5, true}};
    BOOST_TEST(marked(only_passage("a b x x x x a x b a x a", twice)) ==
               "a b x x x x [a] x [b] [a] x [a]");
}

// A phrase occurrence may span punctuation and a line break; the range covers it.
BOOST_AUTO_TEST_CASE(highlights_a_phrase_across_a_line_break) {
    MatchTerms terms;
    terms.phrases = {{"european", "union"}};
    const Snippet s = only_passage("Into the European\n   union, slowly.", terms);
    BOOST_TEST(marked(s) == "Into the [European union], slowly.");
    BOOST_TEST(s.highlights == (Highlights{{9, 23}}), boost::test_tools::per_element());
}

// In a stems-only index a phrase's words are stems: any form of them makes the phrase, and the
// other forms of the words alone do not (a number, never stemmed, as written).
BOOST_AUTO_TEST_CASE(highlights_a_phrase_of_stems_in_any_form) {
    MatchTerms terms;
    terms.phrases = {{"incom", "tax"}, {"1862", "report"}};
    terms.stemmed_phrases = true;
    const Snippet s = only_passage(
        "Income taxes rose. The income tax fell. Taxes on incomes. The 1862 reports.", terms);
    BOOST_TEST(marked(s) ==
               "[Income taxes] rose. The [income tax] fell. Taxes on incomes. The "
               "[1862 reports].");
    terms.stemmed_phrases = false;
    BOOST_TEST(marked(only_passage("The income tax fell.", terms)) == "The income tax fell.");
}

// A word that is a standalone term and in a phrase is highlighted everywhere; inside the
// phrase it merges into the phrase's range.
BOOST_AUTO_TEST_CASE(highlights_a_standalone_word_also_outside_its_phrase) {
    MatchTerms terms = words({"union"});
    terms.phrases = {{"european", "union"}};
    const Snippet s = only_passage("The European Union met. A union of European workers.", terms);
    BOOST_TEST(marked(s) == "The [European Union] met. A [union] of European workers.");
    BOOST_TEST(s.highlights == (Highlights{{4, 18}, {26, 31}}), boost::test_tools::per_element());
}

// Offsets are bytes and multi-byte characters around and inside matches stay whole.
BOOST_AUTO_TEST_CASE(handles_multibyte_utf8_around_matches) {
    // "Müller" is 7 bytes, " — " 5, "ZÜRICH" 7 (upper-case Ü lower-cases to ü).
    const Snippet s =
        only_passage("Müller — ZÜRICH, Straße", words({"müller", "zürich", "straße"}));
    BOOST_TEST(s.text == "Müller — ZÜRICH, Straße");
    BOOST_TEST(s.highlights == (Highlights{{0, 7}, {12, 19}, {21, 28}}),
               boost::test_tools::per_element());
}

// Matches at the very first and very last byte of the text are found and flagged.
BOOST_AUTO_TEST_CASE(matches_at_the_start_and_end_of_the_text) {
    const Snippet s = only_passage("army went home with the army", words({"army"}));
    BOOST_TEST(s.highlights == (Highlights{{0, 4}, {24, 28}}), boost::test_tools::per_element());
    BOOST_TEST(s.at_start);
    BOOST_TEST(s.at_end);
    const Snippet one = only_passage("x", words({"x"}));
    BOOST_TEST(one.highlights == (Highlights{{0, 1}}), boost::test_tools::per_element());
}

// Wildcard prefixes match every word starting with them, and only those.
BOOST_AUTO_TEST_CASE(matches_wildcard_prefixes) {
    MatchTerms terms;
    terms.prefixes = {"milit"};
    const Snippet s = only_passage("Military and militia, not limits or MILITANT.", terms);
    BOOST_TEST(marked(s) == "[Military] and [militia], not limits or [MILITANT].");
    BOOST_TEST(s.highlights == (Highlights{{0, 8}, {13, 20}, {36, 44}}),
               boost::test_tools::per_element());
}

// An apostrophe (ASCII or U+2019) between letters is part of the word, as in TermGenerator.
BOOST_AUTO_TEST_CASE(keeps_apostrophes_inside_words) {
    const Snippet s = only_passage("Don't stop the children\u2019s 'toys'.",
                                   words({"don't", "children's", "toys"}));
    // "children’s" is 12 bytes: the U+2019 takes 3.
    BOOST_TEST(marked(s) == "[Don't] stop the [children\u2019s] '[toys]'.");
    BOOST_TEST(s.highlights == (Highlights{{0, 5}, {15, 27}, {29, 33}}),
               boost::test_tools::per_element());
    // "don" alone is a different word from "don't".
    BOOST_TEST(only_passage("Don't", words({"don"})).highlights.empty());
}

// Whitespace runs, newlines and tabs become one space; highlight offsets follow the text.
BOOST_AUTO_TEST_CASE(collapses_whitespace_and_shifts_offsets) {
    const Snippet s = only_passage("  The\n\n  army\t\tmarched   north\r\nand the army\nrested.\n",
                                   words({"army"}));
    BOOST_TEST(s.text == "The army marched north and the army rested.");
    BOOST_TEST(s.highlights == (Highlights{{4, 8}, {31, 35}}), boost::test_tools::per_element());
    BOOST_TEST(s.at_start);
    BOOST_TEST(s.at_end);
}

// A long sentence is cut at word boundaries, never inside a word.
BOOST_AUTO_TEST_CASE(cuts_long_sentences_at_word_boundaries) {
    const std::string text =
        "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november "
        "oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu";
    const Snippet s = only_passage(text, words({"kilo"}), 40);
    // No sentence start within 1.5 x 40 bytes: a third of the spare room before the match
    // (snapped forward to a word start), then whole words up to 40 bytes.
    BOOST_TEST(s.text == "juliet kilo lima mike november oscar");
    BOOST_TEST(s.highlights == (Highlights{{7, 11}}), boost::test_tools::per_element());
    BOOST_TEST(!s.at_start);
    BOOST_TEST(!s.at_end);
}

// A passage starts at the start of the match's sentence and ends at a nearby sentence end.
BOOST_AUTO_TEST_CASE(cuts_passages_at_sentence_boundaries) {
    const std::string text =
        "First there was nothing at all here. The quick brown fox jumps over the dog. "
        "Then it rested for a while. Later everyone went home and slept until the morning came.";
    const Snippet s = only_passage(text, words({"fox"}), 60);
    BOOST_TEST(s.text == "The quick brown fox jumps over the dog. Then it rested for a while.");
    BOOST_TEST(s.highlights == (Highlights{{16, 19}}), boost::test_tools::per_element());
    BOOST_TEST(!s.at_start);
    BOOST_TEST(!s.at_end);
}

// Opening and closing quotes attached to a sentence stay with it.
BOOST_AUTO_TEST_CASE(keeps_quotes_around_sentences) {
    const std::string text =
        "Some unrelated words come first in this text here. \"Where is the whale?\" he asked, "
        "and nobody knew the answer then.";
    const Snippet s = only_passage(text, words({"whale"}), 30);
    BOOST_TEST(s.text == "\"Where is the whale?\"");
    BOOST_TEST(s.highlights == (Highlights{{14, 19}}), boost::test_tools::per_element());
}

// count=2 gives two non-overlapping passages, the better one (more distinct terms) first.
BOOST_AUTO_TEST_CASE(returns_several_passages_best_first) {
    const std::string text =
        "The army crossed the river at dawn. Nothing else happened on that quiet day at all. "
        "Much later the army and the navy met the enemy fleet near the coast.";
    const auto passages = make_passages(text, words({"army", "navy", "enemy"}), english(), {2, 60});
    BOOST_REQUIRE_EQUAL(passages.size(), 2U);
    BOOST_TEST(marked(passages[0]) ==
               "Much later the [army] and the [navy] met the [enemy] fleet near the coast.");
    BOOST_TEST(passages[0].highlights == (Highlights{{15, 19}, {28, 32}, {41, 46}}),
               boost::test_tools::per_element());
    BOOST_TEST(passages[0].at_end);
    BOOST_TEST(marked(passages[1]) == "The [army] crossed the river at dawn.");
    BOOST_TEST(passages[1].at_start);
    // Asking for more passages than there are matches outside them gives fewer.
    BOOST_TEST(make_passages(text, words({"army", "navy", "enemy"}), english(), {5, 60}).size() ==
               2U);
}

// Weights decide between windows: three "the" beat one "harpoon" unless "harpoon" weighs more.
BOOST_AUTO_TEST_CASE(prefers_heavier_terms) {
    const std::string text =
        "the cat and the dog and the bird sat on a mat in a big old house far away. "
        "A harpoon lay there unused.";
    MatchTerms terms = words({"the", "harpoon"});
    BOOST_TEST(marked(only_passage(text, terms, 30)) == "[the] cat and [the] dog and [the]");
    terms.weights = {{"the", 0.1}, {"harpoon", 5.0}};
    BOOST_TEST(marked(only_passage(text, terms, 30)) == "A [harpoon] lay there unused.");
}

// With no match (or no terms) the passage comes from the start, without highlights.
BOOST_AUTO_TEST_CASE(falls_back_to_the_start_without_a_match) {
    const std::string text = "Call me Ishmael. Some years ago I went to sea. It was cold.";
    const Snippet s = only_passage(text, words({"whale"}), 30);
    BOOST_TEST(s.text == "Call me Ishmael.");
    BOOST_TEST(s.highlights.empty());
    BOOST_TEST(s.at_start);
    BOOST_TEST(!s.at_end);
    const Snippet none = only_passage(text, MatchTerms{}, 300);
    BOOST_TEST(none.text == text);
    BOOST_TEST(none.at_end);
    // Only several passages when there are matches.
    BOOST_TEST(make_passages(text, MatchTerms{}, english(), {3, 20}).size() == 1U);
}

// Empty and all-whitespace texts have no passage; a text without words is shown as it is.
BOOST_AUTO_TEST_CASE(handles_texts_without_words) {
    BOOST_TEST(make_passages("", words({"a"}), english(), {}).empty());
    BOOST_TEST(make_passages(" \n\t ", words({"a"}), english(), {}).empty());
    BOOST_TEST(make_passages("text", words({"a"}), english(), {0, 240}).empty());
    const Snippet s = only_passage(" -- !! --", words({"a"}));
    BOOST_TEST(s.text == "-- !! --");
}

// A word over 64 bytes (a URL, a run of Thai or of unspaced CJK text) is no word: a passage
// that leaves it out neither begins nor ends the article, so it must not say it does.
BOOST_AUTO_TEST_CASE(a_passage_beside_words_too_long_to_index_is_not_the_whole_text) {
    const std::string blob(80, 'q');  // base64, a hash, a URL's path
    Snippet s = only_passage(blob + " zebra " + blob, words({"zebra"}));
    BOOST_TEST(s.text == "zebra");
    BOOST_TEST(!s.at_start);
    BOOST_TEST(!s.at_end);
    // Whitespace and punctuation outside the passage are nothing left out.
    s = only_passage(" \u2014 zebra! -- \n", words({"zebra"}));
    BOOST_TEST(s.at_start);
    BOOST_TEST(s.at_end);

    // A text without a word to index shows its start, and says whether that is all of it.
    std::string thai;
    for (int i = 0; i < 20; ++i) {
        thai += "\u0e20\u0e32\u0e29\u0e32\u0e44\u0e17\u0e22";  // one 21-byte run, no space
    }
    s = only_passage(thai, words({"zebra"}), 100);
    BOOST_TEST(s.text.size() <= 100U);
    BOOST_TEST(s.at_start);
    BOOST_TEST(!s.at_end);
    BOOST_TEST(only_passage(thai, words({"zebra"}), 1000).at_end);
}

// Where a text without words is cut, no combining mark loses its letter and no emoji joined
// by U+200D or given a skin tone is split.
BOOST_AUTO_TEST_CASE(cuts_a_text_without_words_between_characters_as_shown) {
    // e + three combining acutes, 7 bytes a cluster, in one long word: a cut at 100 bytes falls
    // inside the cluster at [98, 105).
    std::string marks;
    for (int i = 0; i < 20; ++i) {
        marks += "e\u0301\u0301\u0301";
    }
    Snippet s = only_passage(marks, words({"zebra"}), 100);
    BOOST_TEST(s.text.size() == 98U);
    BOOST_TEST(s.text.substr(s.text.size() - 7) == "e\u0301\u0301\u0301");
    // A family emoji (man ZWJ woman ZWJ girl, 18 bytes) and a thumbs up with a skin tone.
    std::string emoji;
    for (int i = 0; i < 10; ++i) {
        emoji += "\U0001F468\u200D\U0001F469\u200D\U0001F467 \U0001F44D\U0001F3FD ";
    }
    for (std::size_t length = 20; length <= 120; ++length) {
        s = only_passage(emoji, words({"zebra"}), length);
        BOOST_TEST_INFO("length " << length << ": " << s.text);
        BOOST_TEST(s.text.size() <= length);
        BOOST_TEST(emoji.starts_with(s.text));
        const char last = s.text.back();
        // Each cluster ends with the last byte of U+1F467 or U+1F3FD.
        BOOST_TEST((last == '\xA7' || last == '\xBD'));
        BOOST_TEST(!s.at_end);
    }
}

// The same lines repeated in a text (a boilerplate line, a chorus) give one passage, not one
// per copy: the next passage is the next best with other words.
BOOST_AUTO_TEST_CASE(repeated_text_is_one_passage) {
    const std::string text =
        "Join the zebra club now. Other words here that fill it out well. Join the zebra club "
        "now. Some more words to fill a sentence now. The zebra ran away fast.";
    const auto passages = make_passages(text, words({"zebra"}), english(), {3, 30});
    BOOST_TEST_REQUIRE(passages.size() == 2U);
    BOOST_TEST(marked(passages[0]) == "Join the [zebra] club now.");
    BOOST_TEST(marked(passages[1]) == "The [zebra] ran away fast.");
    // A text repeated whole (an article pasted twice over, ten times): its copies of the best
    // passage are skipped for the next best, and so on (up to 16 copies of each in a row).
    std::string copies;
    for (int i = 0; i < 10; ++i) {
        copies += "A zebra and a zebra here. Filler words go on for a while now. One zebra only. ";
    }
    const auto distinct = make_passages(copies, words({"zebra"}), english(), {3, 30});
    BOOST_TEST_REQUIRE(distinct.size() == 3U);
    BOOST_TEST(marked(distinct[0]) == "A [zebra] and a [zebra] here.");
    BOOST_TEST(distinct[1].text != distinct[0].text);
    BOOST_TEST(distinct[2].text != distinct[0].text);
    BOOST_TEST(distinct[2].text != distinct[1].text);
    // A text of one sentence many times over: one passage, found without trying every copy.
    std::string chorus;
    for (int i = 0; i < 20000; ++i) {
        chorus += "Zebra zebra all day long. ";
    }
    BOOST_TEST(make_passages(chorus, words({"zebra"}), english(), {5, 30}).size() == 1U);
}

// Initials, "C++" and numbers with separators are single words, as TermGenerator makes them.
BOOST_AUTO_TEST_CASE(tokenises_like_term_generator) {
    const Snippet s =
        only_passage("The U.S.A. used C++ in 1,000.5 cases.", words({"usa", "c++", "1,000.5"}));
    BOOST_TEST(marked(s) == "The [U.S.A]. used [C++] in [1,000.5] cases.");
}

// The same words and positions as Xapian::TermGenerator on a tricky text: a phrase made of
// every indexed word in position order matches the whole text as one range.
BOOST_AUTO_TEST_CASE(agrees_with_term_generator_positions) {
    const std::string text =
        "O'Neill\u2019s AT&T deal: 3.14 x 2,5 = U.N.C.L.E.'s c# / c++ x+y "
        "na\u00efve caf\u00e9 \u00dcBER\u00a0stra\u00dfe \u0391\u03b8\u03ae\u03bd\u03b1 "
        "zero\u200bwidth "
        "snake_case 42nd " +
        std::string(70, 'w') + " end";
    Xapian::TermGenerator generator;
    Xapian::Document doc;
    generator.set_document(doc);
    generator.index_text(text);
    std::vector<std::string> by_position(doc.termlist_count() * 4);
    std::size_t last = 0;
    for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
        for (auto p = t.positionlist_begin(); p != t.positionlist_end(); ++p) {
            by_position.at(*p) = *t;
            last = std::max<std::size_t>(last, *p);
        }
    }
    std::vector<std::string> phrase(by_position.begin() + 1, by_position.begin() + last + 1);
    MatchTerms terms;
    terms.phrases = {phrase};
    const Snippet s = folio::highlight_all(text, terms, english());
    BOOST_TEST(s.highlights == (Highlights{{0, s.text.size()}}), boost::test_tools::per_element());
}

// highlight_all keeps the whole text as it is and highlights every match: the offsets are into
// the title itself (the JSON gives the title exact, control characters and all, beside them).
BOOST_AUTO_TEST_CASE(highlights_a_whole_title) {
    MatchTerms terms;
    terms.stems = {english()("war")};
    Snippet s = folio::highlight_all(" War and\n peace: the wars ", terms, english());
    BOOST_TEST(marked(s) == " [War] and\n peace: the [wars] ");
    BOOST_TEST(s.highlights == (Highlights{{1, 4}, {21, 25}}), boost::test_tools::per_element());
    BOOST_TEST(s.at_start);
    BOOST_TEST(s.at_end);
    const std::string title = "Bad \x1b]0;x\x07 war \x1b[2J\tend";
    s = folio::highlight_all(title, terms, english());
    BOOST_TEST(s.text == title);
    BOOST_TEST(s.highlights == (Highlights{{11, 14}}), boost::test_tools::per_element());
}

// Invalid UTF-8 in the text comes out as U+FFFD, so passages are always valid UTF-8.
BOOST_AUTO_TEST_CASE(replaces_invalid_utf8) {
    const Snippet s = only_passage("bad \xff\xfe byte army", words({"army"}));
    BOOST_TEST(s.text == "bad \xef\xbf\xbd\xef\xbf\xbd byte army");
    BOOST_TEST(s.highlights == (Highlights{{16, 20}}), boost::test_tools::per_element());
}

// A 1 MB text without sentence ends still gives a bounded passage around the match.
BOOST_AUTO_TEST_CASE(bounds_passages_in_a_huge_text) {
    std::string text;
    while (text.size() < 1'000'000) {
        text += "lorem ipsum dolor sit amet consectetur ";
    }
    text += "needle ";
    while (text.size() < 2'000'000) {
        text += "lorem ipsum dolor sit amet consectetur ";
    }
    const Snippet s = only_passage(text, words({"needle"}), 240);
    BOOST_TEST(s.text.size() <= 240U);
    BOOST_TEST(s.text.size() >= 200U);
    BOOST_REQUIRE_EQUAL(s.highlights.size(), 1U);
    BOOST_TEST(s.text.substr(s.highlights[0].begin, 6) == "needle");
    // One giant word (longer than TermGenerator indexes) and no match: the start, cut.
    const Snippet giant = only_passage(std::string(1'000'000, 'a'), words({"a"}), 240);
    BOOST_TEST(giant.text.size() == 240U);
}

// For a random-ish mix of ASCII, multi-byte, punctuation and invalid bytes, every passage is
// valid UTF-8 and every highlight lies on character boundaries around a matched word.
BOOST_AUTO_TEST_CASE(keeps_highlights_on_character_boundaries) {
    const std::vector<std::string> pieces = {
        "army",         "Ärmy",       "ärmy",   "\u00e9t\u00e9",
        "\u65e5\u672c", "\U0001F600", " ",      "  ",
        "\n",           ".",          "\u2014", "'",
        "\u2019",       "-",          "\xc3",   "\xe2\x80",
        "\xff",         "army's"};
    std::uint32_t state = 12345;
    for (int round = 0; round < 200; ++round) {
        std::string text;
        const int n = 5 + round % 60;
        for (int i = 0; i < n; ++i) {
            state = state * 1664525U + 1013904223U;
            text += pieces[(state >> 16) % pieces.size()];
        }
        MatchTerms terms = words({"army", "\u00e9t\u00e9", "\u65e5\u672c"});
        terms.stems = {"\u00e4rmi"};
        terms.prefixes = {"\u00e4r"};
        for (const Snippet& s : make_passages(text, terms, english(), {3, 16})) {
            BOOST_TEST(is_valid_utf8(s.text), "text " << round);
            std::size_t previous_end = 0;
            for (const Highlight& h : s.highlights) {
                BOOST_TEST(h.begin < h.end);
                BOOST_TEST(h.begin >= previous_end);
                BOOST_TEST(h.end <= s.text.size());
                BOOST_TEST(on_char_boundary(s.text, h.begin));
                BOOST_TEST(on_char_boundary(s.text, h.end));
                previous_end = h.end;
            }
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
