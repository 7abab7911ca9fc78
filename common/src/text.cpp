#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "folio/readers.hpp"

namespace folio {

namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// Windows-1252 for 0x80-0x9F; its five holes map to the Latin-1 C1 control of the same value.
constexpr char16_t kCp1252High[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

bool is_continuation(unsigned char c) {
    return (c & 0xC0) == 0x80;
}

// Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF.
bool is_valid_utf8(std::string_view s) {
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const std::size_t n = s.size();
    std::size_t i = 0;
    while (i < n) {
        // Almost all text is ASCII: test eight bytes at a time.
        while (i + 8 <= n) {
            std::uint64_t word;
            std::memcpy(&word, p + i, 8);
            if (word & 0x8080808080808080ull)
                break;
            i += 8;
        }
        if (i >= n)
            break;
        const unsigned char c = p[i];
        if (c < 0x80) {
            ++i;
            continue;
        }
        std::size_t len;
        unsigned char lo = 0x80;
        unsigned char hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            if (c == 0xE0)
                lo = 0xA0;  // overlong
            if (c == 0xED)
                hi = 0x9F;  // surrogates
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            if (c == 0xF0)
                lo = 0x90;  // overlong
            if (c == 0xF4)
                hi = 0x8F;  // above U+10FFFF
        } else {
            return false;
        }
        if (n - i < len)
            return false;
        if (p[i + 1] < lo || p[i + 1] > hi)
            return false;
        for (std::size_t k = 2; k < len; ++k) {
            if (!is_continuation(p[i + k]))
                return false;
        }
        i += len;
    }
    return true;
}

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
        } else if (c < 0xA0) {
            append_code_point(out, kCp1252High[c - 0x80]);
        } else {
            append_code_point(out, c);
        }
    }
    return out;
}

}  // namespace

std::string to_utf8(std::string_view bytes, bool* transcoded) {
    if (bytes.substr(0, kUtf8Bom.size()) == kUtf8Bom)
        bytes.remove_prefix(kUtf8Bom.size());
    const bool valid = is_valid_utf8(bytes);
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
                append_code_point(out, 0x10000 + ((high - 0xD800) << 10) + (u - 0xDC00));
                continue;
            }
            damaged_ = true;
            append_code_point(out, kReplacement);
        }
        if (u >= 0xD800 && u <= 0xDBFF) {
            high_ = u;
        } else if (u >= 0xDC00 && u <= 0xDFFF) {
            damaged_ = true;
            append_code_point(out, kReplacement);
        } else {
            append_code_point(out, u);
        }
    }
}

void Utf16Decoder::finish(std::string& out) {
    if (high_ != 0 || have_byte_) {  // an unpaired high surrogate, or an odd byte at the end
        damaged_ = true;
        append_code_point(out, 0xFFFD);
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

bool looks_binary(std::string_view bytes) {
    return !bytes.empty() && std::memchr(bytes.data(), '\0', bytes.size()) != nullptr;
}

}  // namespace folio
