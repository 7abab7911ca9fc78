// SPDX-License-Identifier: GPL-2.0-or-later
#include <iconv.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "text/encoding.hpp"
#include "text/utf8.hpp"

namespace folio {

namespace {

// Windows-1252 for 0x80-0x9F; its five holes map to the Latin-1 C1 control of the same value.
constexpr char16_t kCp1252High[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

// Appends `s` with CRLF and lone CR turned into LF.
void append_unix_lines(std::string& out, std::string_view s) {
    while (!s.empty()) {
        const void* cr = std::memchr(s.data(), '\r', s.size());
        if (cr == nullptr) {
            out.append(s);
            return;
        }
        const auto at = static_cast<std::size_t>(static_cast<const char*>(cr) - s.data());
        out.append(s.substr(0, at));
        out += '\n';
        s.remove_prefix(at + 1);
        if (!s.empty() && s.front() == '\n')
            s.remove_prefix(1);
    }
}

// Valid UTF-8 sequences are kept and only the other bytes decoded, so that a UTF-8 file with a
// stray Windows-1252 byte (a pasted smart quote) keeps its other accented letters.
std::string decode_windows_1252(std::string_view s) {
    std::string out;
    out.reserve(s.size() + s.size() / 4);
    for (std::size_t i = 0; i < s.size(); ++i) {
        std::size_t run = i;
        while (run < s.size() && static_cast<unsigned char>(s[run]) < 0x80 && s[run] != '\r') {
            ++run;
        }
        if (run != i) {
            out.append(s.substr(i, run - i));
            i = run;
            if (i == s.size())
                break;
        }
        const auto c = static_cast<unsigned char>(s[i]);
        if (c == '\r') {
            out += '\n';
            if (i + 1 < s.size() && s[i + 1] == '\n')
                ++i;
        } else if (c < 0x80) {
            out += static_cast<char>(c);
        } else if (const std::size_t len = detail::utf8_sequence(s, i); len > 1) {
            out.append(s.substr(i, len));
            i += len - 1;
        } else if (c < 0xA0) {
            detail::append_code_point(out, kCp1252High[c - 0x80]);
        } else {
            detail::append_code_point(out, c);
        }
    }
    return out;
}

}  // namespace

std::string to_utf8(std::string_view bytes, bool* transcoded) {
    bytes = detail::strip_bom(bytes);
    const bool valid = detail::is_valid_utf8(bytes);
    if (transcoded != nullptr)
        *transcoded = !valid;
    if (!valid)
        return decode_windows_1252(bytes);
    std::string out;
    if (bytes.empty())
        return out;
    if (std::memchr(bytes.data(), '\r', bytes.size()) == nullptr) {
        out.assign(bytes);
    } else {
        out.reserve(bytes.size());
        append_unix_lines(out, bytes);
    }
    return out;
}

std::optional<bool> utf16_little_endian(std::string_view bytes) {
    if (bytes.size() < 2)
        return std::nullopt;
    const auto b0 = static_cast<unsigned char>(bytes[0]), b1 = static_cast<unsigned char>(bytes[1]);
    if (b0 == 0xFF && b1 == 0xFE)
        return true;
    if (b0 == 0xFE && b1 == 0xFF)
        return false;
    return std::nullopt;
}

void Utf16Decoder::decode(std::string_view bytes, std::string& out) {
    constexpr std::uint32_t kReplacement = 0xFFFD;
    for (const char byte : bytes) {
        if (!have_byte_) {
            byte_ = static_cast<unsigned char>(byte);
            have_byte_ = true;
            continue;
        }
        have_byte_ = false;
        const auto next = static_cast<unsigned char>(byte);
        const std::uint32_t u =
            little_ ? (std::uint32_t{next} << 8 | byte_) : (std::uint32_t{byte_} << 8 | next);
        if (high_ != 0) {
            const std::uint32_t high = high_;
            high_ = 0;
            if (u >= 0xDC00 && u <= 0xDFFF) {
                detail::append_code_point(out, 0x10000 + ((high - 0xD800) << 10) + (u - 0xDC00));
                continue;
            }
            damaged_ = true;
            detail::append_code_point(out, kReplacement);
        }
        if (u >= 0xD800 && u <= 0xDBFF) {
            high_ = u;
        } else if (u >= 0xDC00 && u <= 0xDFFF) {
            damaged_ = true;
            detail::append_code_point(out, kReplacement);
        } else {
            detail::append_code_point(out, u);
        }
    }
}

void Utf16Decoder::finish(std::string& out) {
    if (high_ != 0 || have_byte_) {  // an unpaired high surrogate, or an odd byte at the end
        damaged_ = true;
        detail::append_code_point(out, 0xFFFD);
    }
    high_ = 0;
    have_byte_ = false;
}

std::optional<std::string> decode_utf16(std::string_view bytes, bool* damaged) {
    if (damaged != nullptr)
        *damaged = false;
    const std::optional<bool> little = utf16_little_endian(bytes);
    if (!little)
        return std::nullopt;
    Utf16Decoder decoder(*little);
    std::string utf8;
    utf8.reserve(bytes.size() * 3 / 2);
    decoder.decode(bytes.substr(2), utf8);  // after the byte-order mark
    decoder.finish(utf8);
    if (damaged != nullptr)
        *damaged = decoder.damaged();
    std::string out;
    out.reserve(utf8.size());
    append_unix_lines(out, utf8);
    return out;
}

std::optional<std::string> decode_unmarked_utf16(std::string_view bytes, bool* little_endian) {
    if (bytes.size() < 2 || bytes.size() % 2 != 0)
        return std::nullopt;
    std::size_t nuls[2] = {};  // at even and odd offsets
    for (std::size_t i = 0; i < bytes.size(); ++i)
        nuls[i % 2] += bytes[i] == '\0' ? 1 : 0;
    // Latin letters in UTF-16 have a NUL high half: after each letter in little-endian order.
    const bool little = nuls[1] > nuls[0];
    const std::size_t high = nuls[little ? 1 : 0], low = nuls[little ? 0 : 1];
    if (high * 4 < bytes.size() / 2 || low * 4 > high)
        return std::nullopt;
    Utf16Decoder decoder(little);
    std::string utf8;
    utf8.reserve(bytes.size() * 3 / 2);
    decoder.decode(bytes, utf8);
    decoder.finish(utf8);
    if (decoder.damaged())
        return std::nullopt;
    for (const char c : utf8) {
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r' &&
            c != '\f') {
            return std::nullopt;  // NUL and other controls: binary data, not text
        }
    }
    if (little_endian != nullptr)
        *little_endian = little;
    std::string out;
    out.reserve(utf8.size());
    append_unix_lines(out, utf8);
    return out;
}

bool windows_1252_label(std::string_view label) {
    static constexpr std::string_view kLabels[] = {
        "windows-1252", "cp1252", "x-cp1252", "iso-8859-1",  "iso8859-1",      "iso_8859-1",
        "iso88591",     "latin1", "l1",       "us-ascii",    "ascii",          "ansi_x3.4-1968",
        "iso-ir-100",   "cp819",  "ibm819",   "csisolatin1", "iso_8859-1:1987"};
    std::string name;
    for (const char c : label)
        name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return std::find(std::begin(kLabels), std::end(kLabels), name) != std::end(kLabels);
}

std::optional<std::string> decode_charset(std::string_view bytes, std::string_view label,
                                          bool* damaged) {
    if (damaged != nullptr)
        *damaged = false;
    std::string name;
    for (const char c : label) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.' &&
            c != ':') {
            return std::nullopt;  // nothing iconv would read as a path or an option ("//")
        }
        name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    // What to_utf8 decodes already (HTML reads ISO-8859-1 and ASCII as Windows-1252, as
    // browsers do, and a UTF-16 label in a page that is read as bytes as UTF-8).
    static constexpr std::string_view kUnicode[] = {"utf-8",  "utf8",     "unicode-1-1-utf-8",
                                                    "utf-16", "utf-16le", "utf-16be"};
    if (name.empty() || name.size() > 40 || windows_1252_label(name) ||
        std::find(std::begin(kUnicode), std::end(kUnicode), name) != std::end(kUnicode)) {
        return std::nullopt;
    }
    // Labels for which browsers decode a superset (the WHATWG Encoding Standard).
    static constexpr std::pair<std::string_view, const char*> kSupersets[] = {
        {"shift_jis", "CP932"},   {"sjis", "CP932"},     {"ms_kanji", "CP932"},
        {"x-sjis", "CP932"},      {"gb2312", "GB18030"}, {"gbk", "GB18030"},
        {"x-gbk", "GB18030"},     {"euc-kr", "CP949"},   {"ks_c_5601-1987", "CP949"},
        {"big5", "BIG5-HKSCS"},   {"tis-620", "CP874"},  {"iso-8859-11", "CP874"},
        {"iso-8859-9", "CP1254"}, {"latin5", "CP1254"}};
    for (const auto& [from, to] : kSupersets) {
        if (name == from)
            name = to;
    }
    const iconv_t cd = iconv_open("UTF-8", name.c_str());
    if (cd == reinterpret_cast<iconv_t>(static_cast<std::intptr_t>(-1)))
        return std::nullopt;
    const std::unique_ptr<void, int (*)(iconv_t)> closer(cd, iconv_close);
    std::string utf8;
    utf8.reserve(bytes.size() * 2);
    char* in = const_cast<char*>(bytes.data());  // iconv's signature; it does not write there
    std::size_t in_left = bytes.size();
    char buffer[16384];
    char* out = buffer;
    std::size_t out_left = sizeof buffer;
    auto drain = [&] {
        utf8.append(buffer, static_cast<std::size_t>(out - buffer));
        out = buffer;
        out_left = sizeof buffer;
    };
    while (in_left > 0) {
        const std::size_t r = iconv(cd, &in, &in_left, &out, &out_left);
        drain();
        if (r == static_cast<std::size_t>(-1) && errno != E2BIG) {
            // EILSEQ, or EINVAL (a sequence cut short at the end): the byte is replaced.
            detail::append_code_point(utf8, 0xFFFD);
            ++in;
            --in_left;
            if (damaged != nullptr)
                *damaged = true;
            iconv(cd, nullptr, nullptr, nullptr, nullptr);
        }
    }
    iconv(cd, nullptr, nullptr, &out, &out_left);  // a stateful encoding's return to ASCII
    drain();
    std::string unix_lines;
    unix_lines.reserve(utf8.size());
    append_unix_lines(unix_lines, utf8);
    return unix_lines;
}

bool looks_binary(std::string_view bytes) {
    return !bytes.empty() && std::memchr(bytes.data(), '\0', bytes.size()) != nullptr;
}

}  // namespace folio
