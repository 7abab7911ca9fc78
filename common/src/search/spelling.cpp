// SPDX-License-Identifier: GPL-2.0-or-later
// Spelling suggestions: a word not in the index, or a rare word whose neighbour one edit away is
// far more frequent, corrected; words touching an operator left as written.

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>
#include <optional>
#include <set>
#include <string_view>

#include "analysis/stemmer.hpp"
#include "folio/error.hpp"
#include "schema/schema.hpp"
#include "search/query.hpp"
#include "search/query_parts.hpp"
#include "text/utf8.hpp"

namespace folio {

using detail::first_code_point;
using detail::is_binary_operator;
using detail::is_cjk;
using detail::Token;
using detail::tokens_of;

namespace {

bool is_word_byte(unsigned char c) {
    return std::isalnum(c) != 0 || c == '\'' || c >= 0x80;
}

bool is_operator(const std::string& token) {
    std::string upper = token;
    std::transform(upper.begin(), upper.end(), upper.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return token == "NOT" || is_binary_operator(token) || upper.starts_with("NEAR/") ||
           upper.starts_with("ADJ/");
}

}  // namespace

SpellingRule QueryBuilder::spelling_rule() const {
    return spelling_rule_;
}

Xapian::doccount QueryBuilder::word_frequency(const std::string& lower) const {
    Xapian::doccount df = db_.get_termfreq(lower);
    if (!stem_.is_none())
        df = std::max(df, db_.get_termfreq(std::string(schema::kPrefixStem) + stem_(lower)));
    for (const std::string& term : word_terms("", lower, true))  // in every language
        df = std::max(df, db_.get_termfreq(term));
    return df;
}

namespace {

/// Whether `a` and `b` are one edit apart: one byte deleted, inserted or substituted, or two
/// adjacent bytes transposed (Damerau-Levenshtein distance 1).
bool one_edit_apart(std::string_view a, std::string_view b) {
    if (a.size() < b.size())
        std::swap(a, b);
    if (a.size() - b.size() > 1 || a == b)
        return false;
    std::size_t i = 0;
    while (i < b.size() && a[i] == b[i])
        ++i;
    if (a.size() != b.size())
        return a.substr(i + 1) == b.substr(i);  // a deletion from `a`
    if (a.substr(i + 1) == b.substr(i + 1))
        return true;  // a substitution
    return i + 1 < a.size() && a[i] == b[i + 1] && a[i + 1] == b[i] &&
           a.substr(i + 2) == b.substr(i + 2);  // a transposition
}

}  // namespace

Xapian::termcount QueryBuilder::spelling_frequency(const std::string& lower) const {
    Xapian::TermIterator it = db_.spellings_begin();
    it.skip_to(lower);
    return it != db_.spellings_end() && *it == lower ? it.get_termfreq() : 0;
}

std::pair<std::string, Xapian::termcount> QueryBuilder::frequent_neighbour(
    const std::string& lower) const {
    // The dictionary's words with the same first two bytes, in order: a misspelling rarely
    // starts wrong, and a scan of them costs a twentieth of Xapian's trigram search
    // (get_spelling_suggestion: 0.57 ms a word on Reuters, this 0.03 ms).
    const std::string prefix = lower.substr(0, 2);
    std::pair<std::string, Xapian::termcount> best{"", 0};
    Xapian::TermIterator it = db_.spellings_begin();
    for (it.skip_to(prefix); it != db_.spellings_end(); ++it) {
        const std::string& word = *it;
        if (word.compare(0, prefix.size(), prefix) != 0)
            break;
        if (word.size() + 1 < lower.size() || word.size() > lower.size() + 1)
            continue;
        if (one_edit_apart(word, lower) && it.get_termfreq() > best.second)
            best = {word, it.get_termfreq()};
    }
    return best;
}

std::string QueryBuilder::correction(const std::string& word) const {
    const std::string lower = Xapian::Unicode::tolower(word);
    if (word_frequency(lower) == 0) {
        // Not in the index (neither as written nor by its stem): the dictionary's best guess.
        std::string fix = db_.get_spelling_suggestion(lower);
        return fix != lower ? fix : std::string();
    }
    // In the index, but perhaps as a misspelling that a few articles share ("goverment": 9
    // articles of Reuters against 2,251): the much more frequent neighbour, when the word is
    // rare and the neighbour far more common (Lucene's SUGGEST_MORE_POPULAR), never for a word
    // common in its own right. A stems-only index keeps no count of a word as written but the
    // spelling dictionary's (its occurrences), so the frequencies compared are those.
    const SpellingRule& rule = spelling_rule_;
    if (rule.ratio == 0 || lower.size() < rule.min_length)
        return {};
    try {
        const Xapian::termcount seen = spelling_frequency(lower);
        const double rare_max = std::max(static_cast<double>(rule.rare_max),
                                         rule.rare_per_article * db_.get_doccount());
        if (seen == 0 || static_cast<double>(seen) > rare_max)
            return {};  // too rare to be in the dictionary, or common in its own right
        auto [fix, fix_seen] = frequent_neighbour(lower);
        if (fix.empty() || fix_seen < rule.min_neighbour ||
            static_cast<double>(fix_seen) < static_cast<double>(rule.ratio) * seen) {
            return {};
        }
        // Another form of the same word (plural, tense) is not a correction.
        if (!stem_.is_none() && stem_(fix) == stem_(lower))
            return {};
        return fix;
    } catch (const Xapian::UnimplementedError&) {
        return {};  // remote shards keep no spelling dictionary here
    }
}

namespace {

/// Where a word of a query may be corrected: bounded by the start or end of its token, a space
/// or a quote (inside a phrase), or a leading + or -. A word touching anything else is part of
/// an operator or of something that is not a word ("mic?osoft", "milit*", "*soft", "~defence",
/// "u.s.", "e-mail") and is left as written.
bool correctable_at(const std::string& t, std::size_t begin, std::size_t end,
                    std::size_t word_start) {
    auto bound_before = [&](std::size_t i) {
        if (i == word_start)
            return true;
        const char c = t[i - 1];
        if (c == ' ' || c == '"')
            return true;
        // A sign at the start of the token or of a phrase's word: "-word", "+word".
        return (c == '+' || c == '-') && (i - 1 == word_start || t[i - 2] == ' ');
    };
    auto bound_after = [&](std::size_t i) { return i == t.size() || t[i] == ' ' || t[i] == '"'; };
    return bound_before(begin) && bound_after(end);
}

}  // namespace

std::string QueryBuilder::suggest(const std::string& text) const {
    static const std::set<std::string> boolean_fields{"tag", "source", "lang", "year", "date"};
    std::string out = text;
    bool changed = false;
    long shift = 0;  // out's offsets differ from text's by the replacements so far
    for (const Token& token : tokens_of(text)) {
        if (is_operator(token.text))
            continue;
        std::size_t begin = 0;
        std::size_t colon = token.text.find(':');
        if (colon != std::string::npos && token.text.find('"') > colon) {
            // A field prefix ("title:", "-tag:", "+author:"): the name is never rewritten, and
            // the values of boolean fields are what they are.
            std::string field = token.text.substr(0, colon);
            if (!field.empty() && (field[0] == '+' || field[0] == '-'))
                field.erase(0, 1);
            std::transform(field.begin(), field.end(), field.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
            if (boolean_fields.count(field) != 0)
                continue;
            begin = colon + 1;
        }
        const std::string& t = token.text;
        for (std::size_t i = begin; i < t.size();) {
            if (!is_word_byte(static_cast<unsigned char>(t[i]))) {
                ++i;
                continue;
            }
            std::size_t end = i;
            while (end < t.size() && is_word_byte(static_cast<unsigned char>(t[end])))
                ++end;
            std::string word = t.substr(i, end - i);
            // CJK text in an n-gram index: no whole word to look up (its n-grams are).
            if (cjk_ && is_cjk(first_code_point(word))) {
                i = end;
                continue;
            }
            bool digits = std::any_of(word.begin(), word.end(),
                                      [](unsigned char c) { return std::isdigit(c) != 0; });
            if (!digits && word.size() >= 3 && correctable_at(t, i, end, begin)) {
                std::string fix = correction(word);
                if (!fix.empty()) {
                    std::size_t at =
                        static_cast<std::size_t>(static_cast<long>(token.column + i) + shift);
                    out.replace(at, word.size(), fix);
                    shift += static_cast<long>(fix.size()) - static_cast<long>(word.size());
                    changed = true;
                }
            }
            i = end;
        }
    }
    return changed ? out : std::string();
}

}  // namespace folio
