// SPDX-License-Identifier: GPL-2.0-or-later
#include "render/json_writer.hpp"
#include "text/utf8.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>

namespace folio::detail {

std::string compact(const Json& j) {
    return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string base64(std::string_view bytes) {
    static constexpr char kAlphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
        const std::size_t n = std::min<std::size_t>(3, bytes.size() - i);
        std::uint32_t v = static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16;
        if (n > 1)
            v |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8;
        if (n > 2)
            v |= static_cast<unsigned char>(bytes[i + 2]);
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += n > 1 ? kAlphabet[(v >> 6) & 63] : '=';
        out += n > 2 ? kAlphabet[v & 63] : '=';
    }
    return out;
}

void put_string(std::string& out, std::string_view text) {
    const std::size_t start = out.size();
    out += '"';
    std::size_t run = 0;  // start of the bytes not yet copied
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x80) {
            const std::size_t len = detail::utf8_sequence(text, i);
            if (len == 0) {
                // Invalid UTF-8: nlohmann's replacement rules, exactly.
                out.resize(start);
                out += compact(Json(std::string(text)));
                return;
            }
            i += len;
            continue;
        }
        if (c >= 0x20 && c != '"' && c != '\\') {
            ++i;
            continue;
        }
        out.append(text.data() + run, i - run);
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\b':
                out += "\\b";
                break;
            case '\t':
                out += "\\t";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\f':
                out += "\\f";
                break;
            case '\r':
                out += "\\r";
                break;
            default: {
                char buffer[8];
                std::snprintf(buffer, sizeof buffer, "\\u%04x", c);
                out += buffer;
            }
        }
        run = ++i;
    }
    out.append(text.data() + run, text.size() - run);
    out += '"';
}

void put_number(std::string& out, std::uint64_t n) {
    char buffer[24];
    const auto end = std::to_chars(buffer, buffer + sizeof buffer, n).ptr;
    out.append(buffer, end);
}

void put_bool(std::string& out, bool b) {
    out += b ? "true" : "false";
}

void put_strings(std::string& out, const std::vector<std::string>& list) {
    out += '[';
    for (std::size_t i = 0; i < list.size(); ++i) {
        if (i > 0)
            out += ',';
        put_string(out, list[i]);
    }
    out += ']';
}

void put_ranges(std::string& out, const std::vector<Highlight>& highlights) {
    out += '[';
    for (std::size_t i = 0; i < highlights.size(); ++i) {
        out += i > 0 ? ",[" : "[";
        put_number(out, highlights[i].begin);
        out += ',';
        put_number(out, highlights[i].end);
        out += ']';
    }
    out += ']';
}

// A value that may be missing: null when empty (one rule for every member, so that jq's
// `.date // "undated"` works).
void put_optional(std::string& out, std::string_view text) {
    if (text.empty())
        out += "null";
    else
        put_string(out, text);
}

// The highlighted words of `text` as ripgrep's JSON gives its submatches: the matched text,
// its byte offsets and its code point offsets (what jq's string slices count).
void put_matches(std::string& out, std::string_view text,
                 const std::vector<Highlight>& highlights) {
    out += '[';
    std::size_t byte = 0, chars = 0;  // code points before `byte`
    auto advance = [&](std::size_t to) {
        for (; byte < to && byte < text.size(); ++byte) {
            if ((static_cast<unsigned char>(text[byte]) & 0xC0) != 0x80)
                ++chars;
        }
    };
    for (std::size_t i = 0; i < highlights.size(); ++i) {
        const Highlight& h = highlights[i];
        if (h.begin < byte) {  // out of order: count again from the start
            byte = 0;
            chars = 0;
        }
        advance(h.begin);
        const std::size_t first = chars;
        advance(h.end);
        out += i > 0 ? ",{\"text\":" : "{\"text\":";
        put_string(out, text.substr(std::min(h.begin, text.size()),
                                    std::min(h.end, text.size()) - std::min(h.begin, text.size())));
        out += ",\"bytes\":[";
        put_number(out, h.begin);
        out += ',';
        put_number(out, h.end);
        out += "],\"chars\":[";
        put_number(out, first);
        out += ',';
        put_number(out, chars);
        out += "]}";
    }
    out += ']';
}

void put_article_fields(std::string& out, const Article& a) {
    out += ",\"url\":";
    put_optional(out, a.url);
    out += ",\"date\":";
    put_optional(out, a.date);
    out += ",\"authors\":";
    put_strings(out, a.authors);
    out += ",\"tags\":";
    put_strings(out, a.tags);
    out += ",\"source\":";
    put_optional(out, a.source);
    out += ",\"language\":";
    put_optional(out, a.language);
}

}  // namespace folio::detail
