// SPDX-License-Identifier: GPL-2.0-or-later
// analysis/tokenizer.hpp: the words of a text as Xapian's TermGenerator reads them (the same
// word characters, infixes, CJK runs and lower-casing), with their byte offsets, so that the
// snippets highlight exactly the words the writer indexed and the query matched.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include <xapian.h>

#include "text/text_util.hpp"
#include "text/utf8.hpp"

namespace folio::words {

// TermGenerator's default max_word_length: longer words are skipped and get no position.
constexpr std::size_t kMaxWordLength = 64;
constexpr unsigned kIgnoreChar = std::numeric_limits<unsigned>::max();

// ---- characters ---------------------------------------------------------------------------

struct Char {
    unsigned cp;
    std::size_t len;
};

// Decodes as Xapian::Utf8Iterator does: an invalid, overlong or truncated sequence is one
// Latin-1 character (the byte's value).
inline Char decode_multibyte(std::string_view text, std::size_t pos) {
    const auto* p = reinterpret_cast<const unsigned char*>(text.data()) + pos;
    const std::size_t left = text.size() - pos;
    const unsigned b0 = p[0];
    auto cont = [&](std::size_t i) { return (p[i] & 0xC0U) == 0x80U; };
    if (b0 < 0xC2) {
        return {b0, 1};
    }
    if (b0 < 0xE0) {
        if (left < 2 || !cont(1)) {
            return {b0, 1};
        }
        return {((b0 & 0x1FU) << 6) | (p[1] & 0x3FU), 2};
    }
    if (b0 < 0xF0) {
        if (left < 3 || !cont(1) || !cont(2) || (b0 == 0xE0 && p[1] < 0xA0)) {
            return {b0, 1};
        }
        return {((b0 & 0x0FU) << 12) | ((p[1] & 0x3FU) << 6) | (p[2] & 0x3FU), 3};
    }
    if (b0 >= 0xF5 || left < 4 || !cont(1) || !cont(2) || !cont(3) || (b0 == 0xF0 && p[1] < 0x90) ||
        (b0 == 0xF4 && p[1] >= 0x90)) {
        return {b0, 1};
    }
    return {((b0 & 0x07U) << 18) | ((p[1] & 0x3FU) << 12) | ((p[2] & 0x3FU) << 6) | (p[3] & 0x3FU),
            4};
}

inline Char decode(std::string_view text, std::size_t pos) {
    const auto byte = static_cast<unsigned char>(text[pos]);
    return byte < 0x80 ? Char{byte, 1} : decode_multibyte(text, pos);
}

// Start of the character that ends just before `pos` (pos > 0).
inline std::size_t previous_char(std::string_view text, std::size_t pos) {
    std::size_t p = pos - 1;
    for (int i = 0; i < 3 && p > 0 && (static_cast<unsigned char>(text[p]) & 0xC0) == 0x80; ++i) {
        --p;
    }
    return decode(text, p).len == pos - p ? p : pos - 1;
}

// Xapian's word characters in ASCII: letters, digits and '_' (the one connector punctuation).
constexpr std::array<bool, 128> kAsciiWordchar = [] {
    std::array<bool, 128> t{};
    for (unsigned c = 0; c < 128; ++c) {
        t[c] =
            (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
    }
    return t;
}();

inline bool is_ascii_wordchar(char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte < 128 && kAsciiWordchar[byte];
}

using detail::is_cjk;

inline bool is_wordchar(unsigned cp) {
    return cp < 128 ? kAsciiWordchar[cp] : Xapian::Unicode::is_wordchar(cp);
}

inline unsigned to_lower(unsigned cp) {
    if (cp < 128) {
        return cp >= 'A' && cp <= 'Z' ? cp + ('a' - 'A') : cp;
    }
    return Xapian::Unicode::tolower(cp);
}

inline bool is_digit(unsigned cp) {
    if (cp < 128) {
        return cp >= '0' && cp <= '9';
    }
    return Xapian::Unicode::get_category(cp) == Xapian::Unicode::DECIMAL_DIGIT_NUMBER;
}

inline bool is_space(unsigned cp) {
    return cp < 128 ? cp <= ' ' || cp == 0x7F : Xapian::Unicode::is_whitespace(cp);
}

inline void append_char(std::string& s, unsigned cp) {
    if (cp < 128) {
        s.push_back(static_cast<char>(cp));
    } else {
        Xapian::Unicode::append_utf8(s, cp);
    }
}

// TermGenerator's check_infix and check_infix_digit: what a character between two word
// characters adds to the word (0: it ends the word).
inline unsigned infix_char(unsigned cp, bool between_digits) {
    if (cp >= 0x200B && (cp <= 0x200D || cp == 0x2060 || cp == 0xFEFF)) {
        return kIgnoreChar;
    }
    if (between_digits) {
        switch (cp) {
            case ',':
            case '.':
            case ';':
            case 0x037E:
            case 0x0589:
            case 0x060D:
            case 0x07F8:
            case 0x2044:
            case 0xFE10:
            case 0xFE13:
            case 0xFE14:
                return cp;
            default:
                return 0;
        }
    }
    if (cp == '\'' || cp == '&' || cp == 0xB7 || cp == 0x5F4 || cp == 0x2027) {
        return cp;
    }
    if (cp == 0x2019 || cp == 0x201B) {
        return '\'';
    }
    return 0;
}

inline bool is_ascii_upper(char c) {
    return c >= 'A' && c <= 'Z';
}

// A sentence terminator, and whether it ends a sentence without a following space (CJK).
inline bool is_terminator(unsigned cp, bool& alone) {
    alone = cp == 0x3002 || cp == 0xFF01 || cp == 0xFF1F;
    return alone || cp == '.' || cp == '!' || cp == '?' || cp == 0x2026;
}

// ---- tokenisation -------------------------------------------------------------------------

// Calls emit(begin, end, term) for each word TermGenerator would index with a position, in text
// order, with `term` lower-cased exactly as indexed and [begin, end) its bytes. Stops before a
// word starting at or after `limit`; returns where it stopped (text.size() when at the end).
template <typename Emit>
inline std::size_t tokenize(std::string_view text, std::size_t limit, Emit&& emit,
                            bool cjk = false) {
    const std::size_t n = text.size();
    std::string term;
    std::size_t pos = 0;
    while (true) {
        Char ch{0, 0};
        while (pos < n) {
            ch = decode(text, pos);
            if (is_wordchar(ch.cp)) {
                break;
            }
            pos += ch.len;
        }
        if (pos >= n) {
            return n;
        }
        if (pos >= limit) {
            return pos;
        }
        const std::size_t begin = pos;
        std::size_t end = pos;
        term.clear();

        // An index of CJK n-grams: each CJK character is a word of its own here (the n-grams
        // are its characters and their pairs, so a match highlights its characters).
        if (cjk && is_cjk(ch.cp)) {
            append_char(term, ch.cp);
            pos += ch.len;
            emit(begin, pos, term);
            continue;
        }

        // Initials separated by '.' (U.S.A.) are one word.
        if (is_ascii_upper(text[pos])) {
            std::size_t p = pos;
            while (true) {
                term.push_back(static_cast<char>(to_lower(static_cast<unsigned char>(text[p]))));
                end = ++p;
                if (p < n && text[p] == '.' && ++p < n && is_ascii_upper(text[p])) {
                    continue;
                }
                break;
            }
            if (term.size() > 1 && (p >= n || !is_wordchar(decode(text, p).cp))) {
                pos = p;
                if (term.size() <= kMaxWordLength) {
                    emit(begin, end, term);
                }
                continue;
            }
            term.clear();
        }

        bool at_text_end = false;
        while (true) {
            unsigned prev = 0;
            do {
                if (ch.cp < 128) {
                    // A run of ASCII word characters, lower-cased in one go.
                    std::size_t run = pos + 1;
                    while (run < n && is_ascii_wordchar(text[run])) {
                        ++run;
                    }
                    const std::size_t old = term.size();
                    term.resize(old + (run - pos));
                    for (std::size_t i = pos; i < run; ++i) {
                        term[old + (i - pos)] = detail::to_lower(text[i]);
                    }
                    prev = static_cast<unsigned char>(text[run - 1]);
                    pos = run;
                } else {
                    prev = ch.cp;
                    append_char(term, to_lower(ch.cp));
                    pos += ch.len;
                }
                end = pos;
                if (pos >= n) {
                    at_text_end = true;
                    break;
                }
                ch = decode(text, pos);
            } while (is_wordchar(ch.cp) && !(cjk && is_cjk(ch.cp)));
            if (at_text_end) {
                break;
            }
            const std::size_t next = pos + ch.len;
            if (next >= n) {
                break;
            }
            const Char next_ch = decode(text, next);
            if (!is_wordchar(next_ch.cp)) {
                break;
            }
            const unsigned infix = infix_char(ch.cp, is_digit(prev) && is_digit(next_ch.cp));
            if (infix == 0) {
                break;
            }
            if (infix != kIgnoreChar) {
                append_char(term, infix);
            }
            ch = next_ch;
            pos = next;
        }

        // Up to three trailing '+' or '#' ("c++", "c#"), unless a word character follows.
        if (!at_text_end) {
            const std::size_t word_size = term.size();
            const std::size_t word_end = end;
            int count = 0;
            while (pos < n && (text[pos] == '+' || text[pos] == '#')) {
                if (++count > 3) {
                    term.resize(word_size);
                    end = word_end;
                    break;
                }
                term.push_back(text[pos]);
                end = ++pos;
            }
            if (pos < n && is_wordchar(decode(text, pos).cp)) {
                term.resize(word_size);
                end = word_end;
            }
        }
        if (term.size() <= kMaxWordLength) {
            emit(begin, end, term);
        }
    }
}

}  // namespace folio::words
