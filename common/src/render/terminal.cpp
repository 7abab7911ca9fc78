// SPDX-License-Identifier: GPL-2.0-or-later
#include "folio/terminal.hpp"
#include "text/utf8.hpp"

#include <cstdio>

namespace folio {

namespace {

unsigned decode(std::string_view text, std::size_t pos, std::size_t len) noexcept {
    const auto b0 = static_cast<unsigned char>(text[pos]);
    unsigned cp = len == 2 ? (b0 & 0x1Fu) : len == 3 ? (b0 & 0x0Fu) : (b0 & 0x07u);
    for (std::size_t i = 1; i < len; ++i)
        cp = (cp << 6) | (static_cast<unsigned char>(text[pos + i]) & 0x3Fu);
    return cp;
}

/// Characters a terminal acts on: C1 controls, bidirectional controls, line separators.
bool is_hazard(unsigned cp) noexcept {
    return (cp >= 0x80 && cp <= 0x9F) || cp == 0x061C || cp == 0x200E || cp == 0x200F ||
           (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x2028 ||
           cp == 0x2029;
}

bool is_control_byte(unsigned char c) noexcept {
    return c < 0x20 || c == 0x7F;
}

}  // namespace

bool terminal_safe(std::string_view text) noexcept {
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x80) {
            if (is_control_byte(c))
                return false;
            ++i;
            continue;
        }
        const std::size_t len = detail::utf8_sequence(text, i);
        if (len == 0 || is_hazard(decode(text, i, len)))
            return false;
        i += len;
    }
    return true;
}

std::string terminal_text(std::string_view text) {
    if (terminal_safe(text))
        return std::string(text);
    std::string out;
    out.reserve(text.size() + 16);
    char buffer[16];
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x80) {
            if (!is_control_byte(c)) {
                out += static_cast<char>(c);
            } else if (c == '\t') {
                out += "\\t";
            } else if (c == '\n') {
                out += "\\n";
            } else if (c == '\r') {
                out += "\\r";
            } else {
                std::snprintf(buffer, sizeof buffer, "\\x%02X", c);
                out += buffer;
            }
            ++i;
            continue;
        }
        const std::size_t len = detail::utf8_sequence(text, i);
        if (len == 0) {
            std::snprintf(buffer, sizeof buffer, "\\x%02X", c);
            out += buffer;
            ++i;
            continue;
        }
        const unsigned cp = decode(text, i, len);
        if (is_hazard(cp)) {
            std::snprintf(buffer, sizeof buffer, "<U+%04X>", cp);
            out += buffer;
        } else {
            out.append(text, i, len);
        }
        i += len;
    }
    return out;
}

}  // namespace folio
