// SPDX-License-Identifier: GPL-2.0-or-later
// text/encoding.hpp: input bytes made UTF-8: valid UTF-8 kept, Windows-1252 decoded, UTF-16
// decoded whole or as it streams, a declared character set through iconv; and the binary-file
// test.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace folio {

/// Makes text valid UTF-8: strips a UTF-8 BOM, keeps valid UTF-8 sequences as they are, and
/// decodes every other byte as Windows-1252 (Latin-1 where 1252 has holes). Line ends become
/// "\n". Sets *transcoded when the bytes were not valid UTF-8.
std::string to_utf8(std::string_view bytes, bool* transcoded = nullptr);

/// Text that starts with a UTF-16 byte-order mark (FF FE little-endian, FE FF big-endian) as
/// UTF-8, line ends made "\n"; std::nullopt for any other bytes. Unpaired surrogates and an odd
/// last byte become U+FFFD and set *damaged.
std::optional<std::string> decode_utf16(std::string_view bytes, bool* damaged = nullptr);

/// The byte order that a UTF-16 byte-order mark at the start of `bytes` announces: true for
/// little-endian (FF FE), false for big-endian (FE FF), std::nullopt when there is none.
std::optional<bool> utf16_little_endian(std::string_view bytes);

/// Decodes UTF-16 without its byte-order mark into UTF-8 a piece at a time, for input that is
/// streamed (JSON Lines): a code unit or surrogate pair split between pieces is carried over.
/// Unpaired surrogates and an odd last byte become U+FFFD and set damaged(); line ends are kept.
class Utf16Decoder {
  public:
    explicit Utf16Decoder(bool little_endian) : little_(little_endian) {}
    /// Appends the UTF-8 of `bytes` to `out`.
    void decode(std::string_view bytes, std::string& out);
    /// Ends the input: appends U+FFFD for a unit or pair left incomplete.
    void finish(std::string& out);
    [[nodiscard]] bool damaged() const { return damaged_; }

  private:
    bool little_;
    bool have_byte_ = false;
    unsigned char byte_ = 0;
    std::uint32_t high_ = 0;  // a high surrogate waiting for its low half
    bool damaged_ = false;
};

/// Text in UTF-16 without a byte-order mark as UTF-8, line ends made "\n", its byte order told
/// by its NUL bytes (the high halves of Latin letters: at least a quarter of the code units,
/// four in five or more on one side); sets *little_endian. std::nullopt for other bytes, and for
/// UTF-16 with unpaired surrogates, NUL or other control characters than tab, line ends and form
/// feed (binary data).
std::optional<std::string> decode_unmarked_utf16(std::string_view bytes, bool* little_endian);

/// True when `label` (any case) names Windows-1252 or a character set browsers read as it
/// (ISO-8859-1, Latin-1, ASCII: the WHATWG Encoding Standard's labels): what to_utf8 decodes
/// text that is not UTF-8 as.
bool windows_1252_label(std::string_view label);

/// `bytes` in the character set that `label` names (as an HTML page declares it:
/// "windows-1251", "shift_jis", "koi8-r"; browsers' supersets for the labels that have one) as
/// UTF-8, line ends made "\n", through iconv. std::nullopt for a label iconv does not know, and
/// for UTF-8, UTF-16, ASCII, ISO-8859-1 and Windows-1252, which to_utf8 decodes. Bytes not valid
/// in the character set become U+FFFD and set *damaged.
std::optional<std::string> decode_charset(std::string_view bytes, std::string_view label,
                                          bool* damaged = nullptr);

/// True when the bytes contain a NUL byte (taken as a binary file).
bool looks_binary(std::string_view bytes);

}  // namespace folio
