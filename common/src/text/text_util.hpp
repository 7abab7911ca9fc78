// SPDX-License-Identifier: GPL-2.0-or-later
// text/text_util.hpp: small ASCII string helpers (spaces, case, trimming), written once for
// every module.
// Private to folio_common; everything here is locale-independent and works on UTF-8 bytes.
#pragma once

#include <string>
#include <string_view>

namespace folio::detail {

inline bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

inline bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

inline bool is_alpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

inline char to_lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

inline std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        c = to_lower(c);
    return out;
}

inline bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (to_lower(a[i]) != to_lower(b[i]))
            return false;
    }
    return true;
}

inline bool istarts_with(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

inline std::string_view trim_left(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size() && is_space(s[i]))
        ++i;
    return s.substr(i);
}

inline std::string_view trim_right(std::string_view s) {
    std::size_t n = s.size();
    while (n > 0 && is_space(s[n - 1]))
        --n;
    return s.substr(0, n);
}

inline std::string_view trim(std::string_view s) {
    return trim_right(trim_left(s));
}

inline bool is_blank(std::string_view s) {
    return trim_left(s).empty();
}

}  // namespace folio::detail
