// SPDX-License-Identifier: GPL-2.0-or-later
#include "snippet/snippet.hpp"
#include "analysis/stemmer.hpp"
#include "analysis/tokenizer.hpp"
#include "text/utf8.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <utility>

namespace folio {

bool MatchTerms::empty() const {
    return words.empty() && stems.empty() && phrases.empty() && prefixes.empty();
}

namespace {

// Punctuation attached to a sentence's first or last word (quotes, brackets, "?!") belongs to
// the passage when the run is at most this long; longer runs are junk (rules, dot leaders).
constexpr std::size_t kMaxAttachedRun = 16;
// Further occurrences of a term add this fraction of its weight, at most kMaxRepeats times,
// so one more distinct term always outweighs repeats.
constexpr double kRepeatBonus = 0.1;
constexpr int kMaxRepeats = 5;
// With nothing to match only the start of the text is needed: tokenise this many lengths.
constexpr std::size_t kUnmatchedScanLengths = 3;
// A stem can be this many bytes longer than its word (English "hoping" -> "hope" shrinks;
// margin for any stemmer that appends).
constexpr std::size_t kMaxStemGrowth = 2;
constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();
// Passages whose text repeats one already chosen are skipped, up to this many in a row (a text
// that is one line repeated thousands of times must not be searched window by window).
constexpr std::size_t kMaxRepeatedPassages = 16;

using Offset = std::uint32_t;  // texts are clamped to 4 GB; halves the token array

using namespace words;

struct Token {
    Offset begin = 0;  // the word's bytes [begin, end)
    Offset end = 0;
    Offset lead = 0;         // where a passage starting with this word begins (opening punctuation)
    Offset tail = 0;         // where a passage ending with this word ends (closing punctuation)
    std::int32_t slot = -1;  // standalone term matched, or -1
    std::int32_t phrase_word = -1;  // index into Matcher's phrase words, or -1
    bool sentence_start = false;
    bool sentence_end = false;
};

// Finds sentence boundaries in the gaps between words. `stop` is where tokenising stopped.
void mark_sentences(std::string_view text, std::vector<Token>& tokens, std::size_t stop) {
    const std::size_t count = tokens.size();
    for (std::size_t i = 0; i <= count; ++i) {
        const std::size_t gap_begin = i == 0 ? 0 : tokens[i - 1].end;
        const std::size_t gap_end = i < count ? tokens[i].begin : stop;
        if (i > 0 && i < count && gap_end == gap_begin + 1 && text[gap_begin] == ' ') {
            tokens[i - 1].tail = static_cast<Offset>(gap_begin);  // the common case, made fast
            tokens[i].lead = static_cast<Offset>(gap_end);
            continue;
        }
        // The punctuation run attached to the previous word, up to the first space.
        std::size_t run_end = gap_begin;
        bool terminated = false;
        bool alone_terminated = false;
        while (run_end < gap_end) {
            const Char c = decode(text, run_end);
            if (is_space(c.cp)) {
                break;
            }
            bool alone = false;
            if (is_terminator(c.cp, alone)) {
                terminated = true;
                alone_terminated = alone_terminated || alone;
            }
            run_end += c.len;
        }
        bool brk = i == 0 || alone_terminated || (terminated && run_end < gap_end) ||
                   (i == count && stop == text.size());
        if (!brk) {
            // A blank line ends a sentence too (headings, list items).
            int newlines = 0;
            for (std::size_t p = run_end; p < gap_end && !brk;) {
                const Char c = decode(text, p);
                if (c.cp == '\n' || c.cp == 0x2028) {
                    brk = ++newlines >= 2;
                } else if (c.cp == 0x2029) {
                    brk = true;
                } else if (!is_space(c.cp)) {
                    newlines = 0;
                }
                p += c.len;
            }
        }
        if (i > 0) {
            Token& prev = tokens[i - 1];
            prev.sentence_end = brk;
            prev.tail =
                static_cast<Offset>(run_end - gap_begin <= kMaxAttachedRun ? run_end : gap_begin);
        }
        if (i < count) {
            Token& tok = tokens[i];
            tok.sentence_start = brk;
            // The punctuation run attached to this word, back to the last space.
            const std::size_t floor = i == 0 ? 0 : run_end;
            std::size_t lead = gap_end;
            while (lead > floor) {
                const std::size_t p = previous_char(text, lead);
                if (p < floor || is_space(decode(text, p).cp)) {
                    break;
                }
                lead = p;
            }
            tok.lead = static_cast<Offset>(gap_end - lead <= kMaxAttachedRun ? lead : gap_end);
        }
    }
}

// A character that shows none of the article's content: whitespace, a control or format
// character (cut_snippet collapses or keeps these unseen) or punctuation.
bool is_filler(unsigned cp) {
    if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || is_space(cp)) {
        return true;
    }
    switch (Xapian::Unicode::get_category(cp)) {
        case Xapian::Unicode::FORMAT:
        case Xapian::Unicode::CONNECTOR_PUNCTUATION:
        case Xapian::Unicode::DASH_PUNCTUATION:
        case Xapian::Unicode::OPEN_PUNCTUATION:
        case Xapian::Unicode::CLOSE_PUNCTUATION:
        case Xapian::Unicode::INITIAL_QUOTE_PUNCTUATION:
        case Xapian::Unicode::FINAL_QUOTE_PUNCTUATION:
        case Xapian::Unicode::OTHER_PUNCTUATION:
            return true;
        default:
            return false;
    }
}

// Whether text[from, to) holds content: a word too long to be a token, a symbol, an emoji. A
// passage that leaves such bytes out does not begin (or end) the article. Stops at the first.
bool holds_content(std::string_view text, std::size_t from, std::size_t to) {
    for (std::size_t p = from; p < to;) {
        const Char c = decode(text, p);
        if (!is_filler(c.cp)) {
            return true;
        }
        p += c.len;
    }
    return false;
}

// Whether the character at `pos` belongs to the one before it: a combining mark, a variation
// selector, an emoji modifier, or a character joined by a zero-width joiner (0 < pos < size). A
// cut there would leave a mark without its letter (e + U+0301) or split an emoji (U+1F468
// U+200D U+1F469).
bool continues_cluster(std::string_view text, std::size_t pos) {
    const unsigned cp = decode(text, pos).cp;
    if (cp == 0x200D || (cp >= 0x1F3FB && cp <= 0x1F3FF) ||
        decode(text, previous_char(text, pos)).cp == 0x200D) {
        return true;
    }
    switch (Xapian::Unicode::get_category(cp)) {
        case Xapian::Unicode::NON_SPACING_MARK:
        case Xapian::Unicode::COMBINING_SPACING_MARK:
        case Xapian::Unicode::ENCLOSING_MARK:
            return true;
        default:
            return false;
    }
}

// ---- matching -----------------------------------------------------------------------------

// Assigns each word its standalone term slot and phrase word id. Slots: words, then stems,
// then prefixes, then phrases.
class Matcher {
  public:
    Matcher(const MatchTerms& terms, const Xapian::Stem& stem) : terms_(terms), stem_(stem) {
        candidates_ = terms.stems;
        if (terms.stemmed_phrases) {
            for (const auto& phrase : terms.phrases)
                candidates_.insert(candidates_.end(), phrase.begin(), phrase.end());
        }
        for (const auto& s : candidates_) {
            if (!s.empty()) {
                heads_.push_back(s.substr(0, 3));
                head_first_bytes_[static_cast<unsigned char>(s[0])] = true;
            }
        }
        auto weight_of = [&](const std::string& key) {
            const auto it = terms.weights.find(key);
            return it == terms.weights.end() ? 1.0 : it->second;
        };
        for (const auto& w : terms.words) {
            weights_.push_back(weight_of(w));
        }
        for (const auto& s : terms.stems) {
            weights_.push_back(weight_of(s));
        }
        for (const auto& p : terms.prefixes) {
            weights_.push_back(weight_of(p));
        }
        for (const auto& phrase : terms.phrases) {
            std::vector<std::int32_t> ids;
            double weight = 0;
            for (const auto& w : phrase) {
                weight += weight_of(w);
                auto it = std::find(phrase_words_.begin(), phrase_words_.end(), w);
                if (it == phrase_words_.end()) {
                    it = phrase_words_.insert(phrase_words_.end(), w);
                }
                ids.push_back(static_cast<std::int32_t>(it - phrase_words_.begin()));
            }
            phrases_.push_back(std::move(ids));
            weights_.push_back(weight);
        }
    }

    std::int32_t slot(const std::string& term) {
        const auto& t = terms_;
        for (std::size_t i = 0; i < t.words.size(); ++i) {
            if (term == t.words[i]) {
                return static_cast<std::int32_t>(i);
            }
        }
        if (!t.stems.empty()) {
            if (const std::string* stemmed = stem_of(term)) {
                for (std::size_t i = 0; i < t.stems.size(); ++i) {
                    if (*stemmed == t.stems[i]) {
                        return static_cast<std::int32_t>(t.words.size() + i);
                    }
                }
            }
        }
        for (std::size_t i = 0; i < t.prefixes.size(); ++i) {
            if (!t.prefixes[i].empty() && term.starts_with(t.prefixes[i])) {
                return static_cast<std::int32_t>(t.words.size() + t.stems.size() + i);
            }
        }
        return -1;
    }

    std::int32_t phrase_word(const std::string& term) {
        if (phrase_words_.empty()) {
            return -1;
        }
        const std::string* form = &term;
        if (terms_.stemmed_phrases && starts_with_letter(term)) {
            form = stem_of(term);
            if (form == nullptr) {
                return -1;
            }
        }
        for (std::size_t i = 0; i < phrase_words_.size(); ++i) {
            if (*form == phrase_words_[i]) {
                return static_cast<std::int32_t>(i);
            }
        }
        return -1;
    }

    const std::vector<std::vector<std::int32_t>>& phrases() const { return phrases_; }
    std::int32_t phrase_slot(std::size_t phrase) const {
        return static_cast<std::int32_t>(terms_.words.size() + terms_.stems.size() +
                                         terms_.prefixes.size() + phrase);
    }
    const std::vector<double>& weights() const { return weights_; }

  private:
    // A cheap test that passes every word the Snowball stemmers could turn into one of the
    // stems, so few words are stemmed. Suffix stemmers keep a word's first two bytes (English
    // "dying" -> "die" turns y to i) and do not grow it by more than kMaxStemGrowth bytes;
    // prefix stemmers (Indonesian, Irish) leave the stem's first three bytes inside a longer
    // word. A word starting with a non-ASCII letter may have it folded (German ä -> a), and a
    // word with an apostrophe may lose an elided article (French "l'hôpital", Irish "d'fhág"):
    // always stemmed. Stems have their accents folded (fold_accents), so a word with accents
    // past its first letter is compared folded; Irish lenition drops the h after a word's first
    // letter ("fhág" -> "fág"). A stemmer that rewrites an ASCII word start otherwise may miss
    // highlights.
    bool may_stem_to_one(const std::string& word) const {
        const auto first = static_cast<unsigned char>(word[0]);
        if (first >= 0x80) {
            return true;
        }
        if (!(first >= 'a' && first <= 'z')) {
            return false;  // TermGenerator stems only words starting with a letter
        }
        if (word.find('\'') != std::string::npos) {
            return true;
        }
        const bool ascii = std::all_of(word.begin(), word.end(),
                                       [](char c) { return static_cast<unsigned char>(c) < 0x80; });
        const std::string folded = ascii ? std::string() : fold_accents(word);
        const std::string& term = ascii ? word : folded;
        for (const std::string& s : candidates_) {
            if (s.empty() || s[0] != term[0] || term.size() + kMaxStemGrowth < s.size()) {
                continue;
            }
            if (s.size() == 1 || term.size() == 1 || s[1] == term[1] ||
                static_cast<unsigned char>(term[1]) >= 0x80 || (term[1] == 'y' && s[1] == 'i') ||
                (term[1] == 'h' && term.size() > 2 && s[1] == term[2])) {
                return true;
            }
        }
        for (std::size_t i = 1; i < term.size(); ++i) {
            if (!head_first_bytes_[static_cast<unsigned char>(term[i])]) {
                continue;
            }
            for (const std::string& head : heads_) {
                if (i + head.size() <= term.size() && contains_at(term, i, head)) {
                    return true;
                }
            }
        }
        return false;
    }

    // term[i, i + head.size()) == head, with i + head.size() <= term.size(); inline, as heads
    // are at most three bytes.
    static bool contains_at(const std::string& term, std::size_t i, const std::string& head) {
        for (std::size_t k = 0; k < head.size(); ++k) {
            if (term[i + k] != head[k]) {
                return false;
            }
        }
        return true;
    }

    // As TermGenerator's should_stem: only words starting with a letter are stemmed.
    static bool starts_with_letter(const std::string& term) {
        constexpr unsigned kLetters =
            (1U << Xapian::Unicode::LOWERCASE_LETTER) | (1U << Xapian::Unicode::TITLECASE_LETTER) |
            (1U << Xapian::Unicode::MODIFIER_LETTER) | (1U << Xapian::Unicode::OTHER_LETTER);
        const unsigned first = decode(term, 0).cp;
        return ((kLetters >> Xapian::Unicode::get_category(first)) & 1U) != 0;
    }

    // The stem of `term` when it could be one of the candidates (stems, stemmed phrase words),
    // else nullptr. Each distinct word is stemmed once.
    // The cheap tests come first, so that most words cost neither a hash nor a cache entry.
    const std::string* stem_of(const std::string& term) {
        if (!may_stem_to_one(term) || !starts_with_letter(term)) {
            return nullptr;
        }
        auto it = stem_cache_.find(term);
        if (it == stem_cache_.end()) {
            it = stem_cache_.emplace(term, stem_(term)).first;
        }
        return &it->second;
    }

    const MatchTerms& terms_;
    const Xapian::Stem& stem_;
    std::vector<std::string> candidates_;  // what stem_of may return: stems, stemmed phrase words
    std::vector<std::string> heads_;
    std::array<bool, 256> head_first_bytes_{};
    std::vector<std::string> phrase_words_;
    std::vector<std::vector<std::int32_t>> phrases_;
    std::vector<double> weights_;
    std::unordered_map<std::string, std::string> stem_cache_;
};

// A match: one word, or a phrase occurrence over tokens [first, last].
struct Occurrence {
    std::size_t first;
    std::size_t last;
    std::int32_t slot;
};

struct ByteRange {
    std::size_t begin;
    std::size_t end;
};

// Token ranges [first, last] to highlight.
using Marks = std::vector<std::pair<std::size_t, std::size_t>>;

// The occurrences of a phrase whose words may lie apart (ADJ/N in order, NEAR/N in any order):
// its words within `span.window` tokens (last - first < window). Each occurrence is a hit of
// `slot` from its first to its last word; the words themselves are marked, not those between.
void match_within(const std::vector<Token>& tokens, const std::vector<std::int32_t>& ids,
                  PhraseSpan span, std::int32_t slot, std::vector<Occurrence>& hits, Marks& marks) {
    const std::size_t window = std::max<std::size_t>(span.window, 1);
    std::vector<std::size_t> at;  // tokens holding a word of the phrase, in text order
    for (std::size_t t = 0; t < tokens.size(); ++t) {
        if (std::find(ids.begin(), ids.end(), tokens[t].phrase_word) != ids.end()) {
            at.push_back(t);
        }
    }
    if (!span.any_order) {
        // In order: from each occurrence of the first word, the earliest next word each time.
        std::vector<std::vector<std::size_t>> where(ids.size());
        for (const std::size_t t : at) {
            for (std::size_t k = 0; k < ids.size(); ++k) {
                if (tokens[t].phrase_word == ids[k]) {
                    where[k].push_back(t);
                }
            }
        }
        std::vector<std::size_t> chosen;
        for (const std::size_t first : where[0]) {
            chosen.assign(1, first);
            for (std::size_t k = 1; k < ids.size(); ++k) {
                const auto next = std::upper_bound(where[k].begin(), where[k].end(), chosen.back());
                if (next == where[k].end() || *next - first >= window) {
                    break;
                }
                chosen.push_back(*next);
            }
            if (chosen.size() == ids.size()) {
                hits.push_back({first, chosen.back(), slot});
                for (const std::size_t t : chosen) {
                    marks.emplace_back(t, t);
                }
            }
        }
        return;
    }
    // Any order: the shortest run of `at` from each start that holds every word (as often as
    // the phrase names it); both ends only move forward.
    std::vector<std::int32_t> distinct = ids;
    std::sort(distinct.begin(), distinct.end());
    distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
    std::vector<int> need(distinct.size(), 0);
    std::vector<int> have(distinct.size(), 0);
    auto index_of = [&](std::int32_t id) {
        return static_cast<std::size_t>(std::lower_bound(distinct.begin(), distinct.end(), id) -
                                        distinct.begin());
    };
    for (const std::int32_t id : ids) {
        ++need[index_of(id)];
    }
    std::size_t missing = distinct.size();
    std::size_t right = 0;
    std::size_t marked = 0;  // `at` indices below this are marked
    for (std::size_t left = 0; left < at.size(); ++left) {
        while (missing > 0 && right < at.size()) {
            const std::size_t d = index_of(tokens[at[right]].phrase_word);
            if (++have[d] == need[d]) {
                --missing;
            }
            ++right;
        }
        if (missing > 0) {
            break;
        }
        if (at[right - 1] - at[left] < window) {
            hits.push_back({at[left], at[right - 1], slot});
            for (std::size_t i = std::max(marked, left); i < right; ++i) {
                marks.emplace_back(at[i], at[i]);
            }
            marked = std::max(marked, right);
        }
        const std::size_t d = index_of(tokens[at[left]].phrase_word);
        if (have[d]-- == need[d]) {
            ++missing;
        }
    }
}

struct Analysis {
    std::vector<Token> tokens;
    std::vector<Occurrence> hits;   // sorted by first token
    std::vector<ByteRange> ranges;  // highlight byte ranges, merged, sorted
    std::vector<double> weights;    // per slot
    std::size_t stop = 0;           // where tokenising stopped
    bool truncated = false;         // words after `stop` were not looked at
};

// In an index of CJK n-grams, a query word of several characters is its characters and their
// pairs ("北京": 北, 北京, 京): a character of such a word is its match only beside the
// character it pairs with, not alone elsewhere (北 of 北方).
class CjkPairs {
  public:
    explicit CjkPairs(const MatchTerms& terms) {
        if (!terms.cjk_ngrams) {
            return;
        }
        for (const std::string& s : terms.stems) {
            if (s.empty()) {
                continue;
            }
            const Char first = decode(s, 0);
            if (!is_cjk(first.cp) || first.len >= s.size()) {
                continue;
            }
            const Char second = decode(s, first.len);
            if (first.len + second.len == s.size() && is_cjk(second.cp)) {
                pairs_.push_back(s);
                paired_.push_back(s.substr(0, first.len));
                paired_.push_back(s.substr(first.len));
            }
        }
    }

    // Whether token t, matched by a term of its own, is a match: always, unless it is a CJK
    // character that only pairs make (then one of its pairs must be beside it).
    bool stands_alone(std::string_view text, const std::vector<Token>& tokens,
                      std::size_t t) const {
        if (pairs_.empty()) {
            return true;
        }
        const std::string_view c = bytes(text, tokens[t]);
        if (std::find(paired_.begin(), paired_.end(), c) == paired_.end()) {
            return true;
        }
        const auto pair_with = [&](std::size_t left, std::size_t right) {
            if (tokens[left].end != tokens[right].begin) {
                return false;
            }
            const std::string pair =
                std::string(bytes(text, tokens[left])) + std::string(bytes(text, tokens[right]));
            return std::find(pairs_.begin(), pairs_.end(), pair) != pairs_.end();
        };
        return (t > 0 && pair_with(t - 1, t)) || (t + 1 < tokens.size() && pair_with(t, t + 1));
    }

  private:
    static std::string_view bytes(std::string_view text, const Token& token) {
        return text.substr(token.begin, token.end - token.begin);
    }

    std::vector<std::string> pairs_;   // the stems of two CJK characters
    std::vector<std::string> paired_;  // their characters
};

Analysis analyse(std::string_view text, const MatchTerms& terms, const Xapian::Stem& stem,
                 std::size_t limit, bool sentences) {
    Analysis a;
    a.tokens.reserve(text.size() / 6 + 1);
    Matcher matcher(terms, stem);
    const bool has_terms = !terms.empty();
    a.stop = tokenize(
        text, limit,
        [&](std::size_t begin, std::size_t end, const std::string& term) {
            Token tok;
            tok.begin = static_cast<Offset>(begin);
            tok.end = static_cast<Offset>(end);
            if (has_terms) {
                tok.slot = matcher.slot(term);
                tok.phrase_word = matcher.phrase_word(term);
            }
            a.tokens.push_back(tok);
        },
        terms.cjk_ngrams);
    a.truncated = a.stop < text.size();
    if (sentences) {
        mark_sentences(text, a.tokens, a.stop);
    }
    if (!has_terms) {
        return a;
    }
    a.weights = matcher.weights();

    const auto& tokens = a.tokens;
    const CjkPairs pairs(terms);
    for (std::size_t t = 0; t < tokens.size(); ++t) {
        if (tokens[t].slot >= 0 && pairs.stands_alone(text, tokens, t)) {
            a.hits.push_back({t, t, tokens[t].slot});
        }
    }
    const auto& phrases = matcher.phrases();
    const std::size_t standalone = a.hits.size();
    Marks marks;  // standalone words and phrases in a row: as their hits
    for (const Occurrence& h : a.hits) {
        marks.emplace_back(h.first, h.last);
    }
    for (std::size_t p = 0; p < phrases.size(); ++p) {
        const auto& ids = phrases[p];
        if (ids.empty() || ids.size() > tokens.size()) {
            continue;
        }
        const PhraseSpan span =
            p < terms.phrase_spans.size() ? terms.phrase_spans[p] : PhraseSpan{};
        if (span.any_order || span.window > ids.size()) {
            match_within(tokens, ids, span, matcher.phrase_slot(p), a.hits, marks);
            continue;
        }
        for (std::size_t t = 0; t + ids.size() <= tokens.size(); ++t) {
            std::size_t k = 0;
            while (k < ids.size() && tokens[t + k].phrase_word == ids[k]) {
                ++k;
            }
            if (k == ids.size()) {
                a.hits.push_back({t, t + k - 1, matcher.phrase_slot(p)});
                marks.emplace_back(t, t + k - 1);
            }
        }
    }
    if (a.hits.size() > standalone) {
        std::sort(a.hits.begin(), a.hits.end(), [](const Occurrence& x, const Occurrence& y) {
            return x.first != y.first ? x.first < y.first : x.last < y.last;
        });
        std::sort(marks.begin(), marks.end());
    }
    for (const auto& [first, last] : marks) {
        const ByteRange r{tokens[first].begin, tokens[last].end};
        // Touching ranges are one (CJK characters, each a word, have nothing between them).
        if (!a.ranges.empty() && r.begin <= a.ranges.back().end) {
            a.ranges.back().end = std::max(a.ranges.back().end, r.end);
        } else {
            a.ranges.push_back(r);
        }
    }
    return a;
}

// ---- passage choice -----------------------------------------------------------------------

struct Placement {
    std::size_t first_token;
    std::size_t last_token;
    std::size_t begin;  // bytes of the original text
    std::size_t end;
};

struct Window {
    std::size_t first_hit;
    std::size_t end_hit;  // exclusive
    double score;
};

// The best window of hits that overlap no placed passage and have none between them.
std::optional<Window> best_window(const Analysis& a, const std::vector<Placement>& placed,
                                  std::size_t length) {
    const auto& weights = a.weights;
    const auto& hits = a.hits;
    const auto& tokens = a.tokens;
    auto overlaps = [&](const Occurrence& h) {
        return std::any_of(placed.begin(), placed.end(), [&](const Placement& p) {
            return h.first <= p.last_token && h.last >= p.first_token;
        });
    };
    auto placed_between = [&](const Occurrence& x, const Occurrence& y) {
        return std::any_of(placed.begin(), placed.end(), [&](const Placement& p) {
            return p.first_token > x.first && p.first_token < y.first;
        });
    };
    std::vector<std::size_t> eligible;
    eligible.reserve(hits.size());
    for (std::size_t k = 0; k < hits.size(); ++k) {
        if (!overlaps(hits[k])) {
            eligible.push_back(k);
        }
    }

    std::vector<int> counts(weights.size(), 0);
    double score = 0;
    auto add = [&](const Occurrence& h) {
        const int c = ++counts[static_cast<std::size_t>(h.slot)];
        const double w = weights[static_cast<std::size_t>(h.slot)];
        score += c == 1 ? w : (c <= kMaxRepeats + 1 ? kRepeatBonus * w : 0.0);
    };
    auto remove = [&](const Occurrence& h) {
        const int c = counts[static_cast<std::size_t>(h.slot)]--;
        const double w = weights[static_cast<std::size_t>(h.slot)];
        score -= c == 1 ? w : (c <= kMaxRepeats + 1 ? kRepeatBonus * w : 0.0);
    };

    std::optional<Window> best;
    std::size_t seg_begin = 0;
    while (seg_begin < eligible.size()) {
        std::size_t seg_end = seg_begin + 1;
        while (seg_end < eligible.size() &&
               !placed_between(hits[eligible[seg_end - 1]], hits[eligible[seg_end]])) {
            ++seg_end;
        }
        score = 0;
        std::size_t j = seg_begin;
        for (std::size_t i = seg_begin; i < seg_end; ++i) {
            const std::size_t start = tokens[hits[eligible[i]].first].begin;
            while (j < seg_end &&
                   (j == i || tokens[hits[eligible[j]].last].end - start <= length)) {
                add(hits[eligible[j]]);
                ++j;
            }
            if (!best || score > best->score + 1e-9) {
                best = Window{eligible[i], eligible[j - 1] + 1, score};
            }
            remove(hits[eligible[i]]);
        }
        seg_begin = seg_end;
    }
    return best;
}

// Places a passage around tokens [ta, tb] within tokens [lo_tok, hi_tok] and bytes
// [lo_byte, hi_byte] (the gaps left by passages already placed).
Placement place(const std::vector<Token>& t, std::size_t ta, std::size_t tb, std::size_t lo_tok,
                std::size_t hi_tok, std::size_t lo_byte, std::size_t hi_byte, std::size_t length) {
    const std::size_t max_length = length + length / 2;
    const std::size_t hb = t[ta].begin;
    const std::size_t he = t[tb].end;
    const std::size_t span = he - hb;

    // Start: the sentence holding the first match if it fits, else a little before the match.
    std::size_t s = ta;
    while (!t[s].sentence_start && s > lo_tok && he - t[s - 1].begin <= max_length) {
        --s;
    }
    std::size_t begin = 0;
    if (t[s].sentence_start) {
        begin = t[s].lead;
    } else {
        const std::size_t before = length > span ? (length - span) / 3 : 0;
        s = ta;
        while (s > lo_tok && hb - t[s - 1].begin <= before) {
            --s;
        }
        begin = t[s].begin;
    }
    begin = std::max(begin, lo_byte);

    // End: the sentence end nearest to `length`, else the last word end within it.
    const std::size_t target = std::max(he, begin + length);
    const std::size_t low = std::max(he, begin + length / 2);
    const std::size_t high = std::max(he, std::min(begin + max_length, target + length / 4));
    std::size_t e = tb;
    std::size_t cut = tb;
    std::size_t end = kNone;
    std::size_t best_distance = kNone;
    for (std::size_t k = tb; k <= hi_tok && t[k].end <= high; ++k) {
        if (t[k].end <= target) {
            cut = k;
        }
        if (t[k].sentence_end && t[k].tail >= low && t[k].tail <= high) {
            const std::size_t tail = t[k].tail;
            const std::size_t distance = tail > target ? tail - target : target - tail;
            if (distance < best_distance) {
                best_distance = distance;
                end = tail;
                e = k;
            }
        }
    }
    if (end == kNone) {
        e = cut;
        end = t[cut].sentence_end ? t[cut].tail : t[cut].end;
    }
    end = std::max<std::size_t>(t[e].end, std::min(end, hi_byte));

    // Too short (e.g. near the end of the text): extend backwards.
    if (end - begin < length && s > lo_tok) {
        std::size_t k = s;
        std::optional<std::size_t> sentence;
        while (k > lo_tok && end - t[k - 1].begin <= length) {
            --k;
            if (t[k].sentence_start && end - t[k].lead <= length) {
                sentence = k;
            }
        }
        if (sentence) {
            s = *sentence;
            begin = std::max<std::size_t>(t[s].lead, lo_byte);
        } else if (!t[s].sentence_start && k < s) {
            s = k;
            begin = t[s].begin;
        }
    }
    return {s, e, begin, end};
}

// ---- cutting the snippet ------------------------------------------------------------------

// Copies text[begin, end) collapsing whitespace (and control characters) unless `collapse` is
// false, and replacing invalid UTF-8, and maps the highlight ranges that intersect it (clipped)
// to offsets in the copy.
Snippet cut_snippet(std::string_view text, std::size_t begin, std::size_t end,
                    const std::vector<ByteRange>& ranges, bool collapse = true) {
    Snippet out;
    std::string& s = out.text;
    s.reserve(end - begin);
    auto r = std::lower_bound(ranges.begin(), ranges.end(), begin,
                              [](const ByteRange& x, std::size_t b) { return x.end <= b; });
    bool open = false;
    bool pending_space = false;
    std::size_t p = begin;
    while (true) {
        if (open && (p >= r->end || p >= end)) {
            out.highlights.back().end = s.size();
            open = false;
            ++r;
        }
        if (p >= end) {
            break;
        }
        const auto byte = static_cast<unsigned char>(text[p]);
        std::size_t len = 1;
        bool space = false;
        bool invalid = false;
        if (byte < 0x80) {
            space = byte <= ' ' || byte == 0x7F;
        } else {
            len = detail::utf8_sequence(text, p);
            if (len == 0) {
                len = 1;
                invalid = true;
            } else {
                space = Xapian::Unicode::is_whitespace(decode(text, p).cp);
            }
        }
        if (space && collapse) {
            pending_space = !s.empty();
        } else {
            if (pending_space) {
                s.push_back(' ');
                pending_space = false;
            }
            while (!open && r != ranges.end() && p >= r->end) {
                ++r;  // never opened: began in skipped bytes
            }
            if (!open && r != ranges.end() && p >= r->begin) {
                out.highlights.push_back({s.size(), s.size()});
                open = true;
            }
            if (invalid) {
                s += "\xEF\xBF\xBD";
            } else if (byte < 0x80) {
                // A run of printable ASCII up to the next highlight boundary, copied in one go.
                const std::size_t stop =
                    open ? std::min(end, r->end)
                         : (r != ranges.end() ? std::min(end, std::max(p + 1, r->begin)) : end);
                std::size_t q = p + 1;
                while (q < stop && text[q] > ' ' && text[q] < 0x7F) {
                    ++q;
                }
                s.append(text.data() + p, q - p);
                p = q;
                continue;
            } else {
                s.append(text.data() + p, len);
            }
        }
        p += len;
    }
    std::erase_if(out.highlights, [](const Highlight& h) { return h.begin == h.end; });
    return out;
}

}  // namespace

std::vector<Snippet> make_passages(std::string_view text, const MatchTerms& terms,
                                   const Xapian::Stem& stem, const PassageOptions& options) {
    text = text.substr(0, std::numeric_limits<Offset>::max() - 1);
    std::vector<Snippet> passages;
    if (options.count == 0) {
        return passages;
    }
    const std::size_t length = std::max<std::size_t>(options.length, 1);
    const std::size_t limit =
        terms.empty() ? std::min(text.size(), kUnmatchedScanLengths * length + 64) : text.size();
    const Analysis a = analyse(text, terms, stem, limit, true);
    const auto& tokens = a.tokens;
    const bool paged = text.find('\f') != std::string_view::npos;
    auto page_at = [&](std::size_t offset) -> std::size_t {
        return paged ? 1 + static_cast<std::size_t>(
                               std::count(text.begin(), text.begin() + offset, '\f'))
                     : 0;
    };

    if (tokens.empty()) {
        // No word at all: the start of the text, cut at a character boundary.
        std::size_t end = std::min(text.size(), length);
        while (end < text.size() && end > 0 &&
               (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
            --end;
        }
        const std::size_t whole = end;
        while (end < text.size() && end > 0 && continues_cluster(text, end)) {
            end = previous_char(text, end);
        }
        if (end == 0) {
            end = whole;  // one cluster longer than the passage: cut it rather than show nothing
        }
        Snippet snippet = cut_snippet(text, 0, end, a.ranges);
        if (!snippet.text.empty()) {
            snippet.at_start = true;
            snippet.page = page_at(0);
            snippet.at_end = !holds_content(text, end, text.size());
            passages.push_back(std::move(snippet));
        }
        return passages;
    }

    auto emit = [&](const Placement& p) {
        Snippet snippet = cut_snippet(text, p.begin, p.end, a.ranges);
        // Words too long to index are no tokens: the bytes outside the passage must hold
        // nothing but whitespace and punctuation.
        snippet.at_start = p.first_token == 0 && !holds_content(text, 0, p.begin);
        snippet.at_end =
            p.last_token + 1 == tokens.size() && !holds_content(text, p.end, text.size());
        // The page of its first highlighted word (a passage may start a page before it).
        const auto first =
            std::lower_bound(a.ranges.begin(), a.ranges.end(), p.begin,
                             [](const ByteRange& x, std::size_t b) { return x.end <= b; });
        snippet.page = page_at(first != a.ranges.end() && first->begin < p.end
                                   ? std::max<std::size_t>(first->begin, p.begin)
                                   : p.begin);
        passages.push_back(std::move(snippet));
    };
    if (a.hits.empty()) {
        emit(place(tokens, 0, 0, 0, tokens.size() - 1, 0, text.size(), length));
        return passages;
    }

    std::vector<Placement> placed;
    std::size_t repeats = 0;
    while (passages.size() < options.count && repeats <= kMaxRepeatedPassages) {
        const auto window = best_window(a, placed, length);
        if (!window) {
            break;
        }
        const std::size_t ta = a.hits[window->first_hit].first;
        std::size_t tb = ta;
        for (std::size_t k = window->first_hit; k < window->end_hit; ++k) {
            tb = std::max(tb, a.hits[k].last);
        }
        std::size_t lo_tok = 0;
        std::size_t hi_tok = tokens.size() - 1;
        std::size_t lo_byte = 0;
        std::size_t hi_byte = text.size();
        for (const Placement& p : placed) {
            if (p.last_token < ta) {
                lo_tok = std::max(lo_tok, p.last_token + 1);
                lo_byte = std::max(lo_byte, p.end);
            } else if (p.first_token > tb) {
                hi_tok = std::min(hi_tok, p.first_token - 1);
                hi_byte = std::min(hi_byte, p.begin);
            }
        }
        placed.push_back(place(tokens, ta, tb, lo_tok, hi_tok, lo_byte, hi_byte, length));
        emit(placed.back());
        // Text repeated in the article (a boilerplate line, a chorus) is shown once: its place
        // stays taken, and the next best window is tried.
        if (std::any_of(passages.begin(), passages.end() - 1, [&](const Snippet& earlier) {
                return earlier.text == passages.back().text;
            })) {
            passages.pop_back();
            ++repeats;
        } else {
            repeats = 0;
        }
    }
    return passages;
}

Snippet highlight_all(std::string_view text, const MatchTerms& terms, const Xapian::Stem& stem) {
    text = text.substr(0, std::numeric_limits<Offset>::max() - 1);
    const Analysis a = analyse(text, terms, stem, text.size(), false);
    // The text as it is: a script slices the title the JSON gives by these offsets.
    Snippet snippet = cut_snippet(text, 0, text.size(), a.ranges, false);
    snippet.at_start = true;
    snippet.at_end = true;
    return snippet;
}

}  // namespace folio
