// SPDX-License-Identifier: GPL-2.0-or-later
#include "text/utf8.hpp"

#include <cstdio>
#include <cstring>

namespace folio::detail {

bool is_valid_utf8(std::string_view s) noexcept {
    const std::size_t n = s.size();
    std::size_t i = 0;
    while (i < n) {
        // Almost all text is ASCII: test eight bytes at a time.
        while (i + 8 <= n) {
            std::uint64_t word;
            std::memcpy(&word, s.data() + i, 8);
            if (word & 0x8080808080808080ull)
                break;
            i += 8;
        }
        if (i >= n)
            break;
        const std::size_t len = utf8_sequence(s, i);
        if (len == 0)
            return false;
        i += len;
    }
    return true;
}

void append_code_point(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

// (Gumbo 0.10 writes a numeric character reference beyond U+10FFFF, like &#x999999999;, as a
// stray byte; yaml-cpp writes the escapes "\_" and "\N" of a double-quoted scalar as the Latin-1
// bytes A0 and 85: the readers repair both.)
void repair_utf8(std::string& s, bool stray_as_latin1) {
    std::string out;
    std::size_t i = 0, copied = 0;
    while (i < s.size()) {
        const std::size_t len = utf8_sequence(s, i);
        if (len != 0) {
            i += len;
            continue;
        }
        out.append(s, copied, i - copied);
        const auto byte = static_cast<unsigned char>(s[i]);
        if (stray_as_latin1) {
            out += static_cast<char>(0xC0 | (byte >> 6));
            out += static_cast<char>(0x80 | (byte & 0x3F));
        } else {
            out += "\xEF\xBF\xBD";
        }
        copied = ++i;
    }
    if (copied == 0)
        return;
    out.append(s, copied, std::string::npos);
    s = std::move(out);
}

std::string hex64(std::uint64_t h) {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
    return buf;
}

}  // namespace folio::detail
