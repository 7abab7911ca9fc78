// SPDX-License-Identifier: GPL-2.0-or-later
// text/utf8.hpp: the UTF-8 and hex helpers every module uses, written once: strict validation
// (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF), encoding a code point,
// repairing invalid bytes, and a 64-bit hash as hex. Private to folio_common.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace folio::detail {

inline constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

/// `text` without its UTF-8 byte-order mark, if it starts with one.
inline std::string_view strip_bom(std::string_view text) noexcept {
    if (text.substr(0, kUtf8Bom.size()) == kUtf8Bom)
        text.remove_prefix(kUtf8Bom.size());
    return text;
}

/// The length of the strict UTF-8 sequence at s[i]: 1 for an ASCII byte, 2 to 4 for a
/// well-formed multi-byte sequence, 0 when the bytes at s[i] are not one.
inline std::size_t utf8_sequence(std::string_view s, std::size_t i) noexcept {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80)
        return 1;
    std::size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        lo = c == 0xE0 ? 0xA0 : lo;  // overlong
        hi = c == 0xED ? 0x9F : hi;  // surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        lo = c == 0xF0 ? 0x90 : lo;  // overlong
        hi = c == 0xF4 ? 0x8F : hi;  // above U+10FFFF
    } else {
        return 0;
    }
    if (i + len > s.size())
        return 0;
    for (std::size_t k = 1; k < len; ++k) {
        const auto b = static_cast<unsigned char>(s[i + k]);
        if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF))
            return 0;
    }
    return len;
}

/// True when all of `s` is strict UTF-8 (eight ASCII bytes at a time where it can).
bool is_valid_utf8(std::string_view s) noexcept;

/// Appends the UTF-8 encoding of `cp` (at most U+10FFFF, not a surrogate).
void append_code_point(std::string& out, char32_t cp);

/// Replaces each byte that does not start a valid UTF-8 sequence with U+FFFD, or with the
/// Latin-1 character of that byte when `stray_as_latin1`.
void repair_utf8(std::string& s, bool stray_as_latin1 = false);

/// The code points Xapian's TermGenerator splits into n-grams in its CJK mode (and
/// QueryBuilder::cjk_ngrams and the snippets with it).
inline bool is_cjk(std::uint32_t c) noexcept {
    return (c >= 0x2E80 && c <= 0x9FFF) || (c >= 0xA960 && c <= 0xA97F) ||
           (c >= 0xAC00 && c <= 0xD7AF) || (c >= 0xF900 && c <= 0xFAFF) ||
           (c >= 0xFF00 && c <= 0xFFEF) || (c >= 0x20000 && c <= 0x2FFFF);
}

/// `h` as 16 lower-case hex digits.
std::string hex64(std::uint64_t h);

}  // namespace folio::detail
