// SPDX-License-Identifier: GPL-2.0-or-later
#define BOOST_TEST_MODULE readers
#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "folio/error.hpp"
#include "read/parse_util.hpp"
#include "read/readers.hpp"
#include "temp_dir.hpp"

namespace folio {
// Lets Boost.Test print a Format in a failed check.
std::ostream& operator<<(std::ostream& out, Format format) {
    return out << static_cast<int>(format);
}
}  // namespace folio

namespace bdata = boost::unit_test::data;
namespace fs = std::filesystem;
using folio::Article;
using folio::Diagnostic;
using folio::FileInfo;
using folio::Format;

namespace {

const fs::path kData = fs::path(FOLIO_TEST_DATA) / "readers";

// 2023-11-14T22:13:20Z
constexpr std::int64_t kMtime = 1700000000;

// A string literal with its embedded NUL bytes.
template <std::size_t N>
std::string bytes(const char (&literal)[N]) {
    return std::string(literal, N - 1);
}

std::string slurp(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

FileInfo info_for(const std::string& path, std::optional<std::int64_t> mtime = kMtime) {
    return FileInfo{path, "file-id", "test-source", mtime};
}

// One read_file or parse_jsonl call: what reached the sinks.
struct Result {
    folio::ReadStats stats;
    std::vector<Article> articles;
    std::vector<Diagnostic> diagnostics;

    std::vector<std::string> messages() const {
        std::vector<std::string> out;
        for (const auto& d : diagnostics) {
            out.push_back(std::string(d.severity == Diagnostic::Severity::error ? "E " : "W ") +
                          d.to_string());
        }
        return out;
    }
};

Result read(const std::string& path, folio::ReadOptions options = {}) {
    Result r;
    r.stats = folio::read_file(
        info_for(path), options, [&](Article&& a) { r.articles.push_back(std::move(a)); },
        [&](Diagnostic&& d) { r.diagnostics.push_back(std::move(d)); });
    return r;
}

Result read_jsonl(const std::string& text, const std::string& path = "in.jsonl") {
    Result r;
    std::istringstream in(text);
    r.stats = folio::parse_jsonl(
        in, info_for(path), [&](Article&& a) { r.articles.push_back(std::move(a)); },
        [&](Diagnostic&& d) { r.diagnostics.push_back(std::move(d)); });
    return r;
}

std::string hash_id(const std::string& prefix, const std::string& line) {
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx",
                  static_cast<unsigned long long>(XXH3_64bits(line.data(), line.size())));
    return prefix + "#" + hex;
}

using folio::test::TempDir;  // for files whose exact bytes matter (NUL, bad UTF-8, sizes)

std::string markdown_body(const std::string& line) {
    return folio::parse_markdown("# Title\n\n" + line + "\n", info_for("t.md")).body;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(text_encoding)

// Valid UTF-8 is kept, every other byte is decoded as Windows-1252, also where the two mix.
BOOST_AUTO_TEST_CASE(to_utf8_keeps_utf8_and_repairs_the_rest) {
    struct Case {
        std::string in;
        std::string out;
        bool transcoded;
    };
    const std::vector<Case> cases = {
        {"plain ascii", "plain ascii", false},
        {"", "", false},
        {"caf\xC3\xA9 \xE2\x80\x94 \xF0\x9F\x98\x80", "caf\xC3\xA9 \xE2\x80\x94 \xF0\x9F\x98\x80",
         false},
        {"\xEF\xBB\xBFwith bom", "with bom", false},
        {"a\r\nb\rc\nd\r", "a\nb\nc\nd\n", false},
        {"\x93quoted\x94", "\xE2\x80\x9Cquoted\xE2\x80\x9D", true},  // U+201C, U+201D
        {"M\xFCller", "M\xC3\xBCller", true},                        // u-umlaut
        {"\x80 5", "\xE2\x82\xAC 5", true},                          // euro sign
        {"\x81\x8D\x8F\x90\x9D", "\xC2\x81\xC2\x8D\xC2\x8F\xC2\x90\xC2\x9D", true},  // 1252 holes
        {"\xC0\xAF", "\xC3\x80\xC2\xAF", true},                                      // overlong '/'
        {"\xE0\x80\xAF", "\xC3\xA0\xE2\x82\xAC\xC2\xAF", true},  // overlong, 3 bytes
        {"\xED\xA0\x80", "\xC3\xAD\xC2\xA0\xE2\x82\xAC", true},  // surrogate U+D800
        {"\xF4\x90\x80\x80", "\xC3\xB4\xC2\x90\xE2\x82\xAC\xE2\x82\xAC", true},  // > U+10FFFF
        {"trailing \xC3", "trailing \xC3\x83", true},                            // truncated
        {"\xEF\xBB\xBF\x93x\r\ny", "\xE2\x80\x9Cx\ny", true},
        // UTF-8 with a stray Windows-1252 byte: its UTF-8 letters stay as they are.
        {"caf\xC3\xA9 and caf\xE9", "caf\xC3\xA9 and caf\xC3\xA9", true},
        {"\x93\xE2\x80\x94\x94 \xC3\xBC\xFC",
         "\xE2\x80\x9C\xE2\x80\x94\xE2\x80\x9D \xC3\xBC\xC3\xBC", true},
        {std::string(37, 'a') + "\xE9" + std::string(20, 'b'),
         std::string(37, 'a') + "\xC3\xA9" + std::string(20, 'b'), true},
    };
    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT("input " << c.in) {
            bool transcoded = !c.transcoded;
            BOOST_TEST(folio::to_utf8(c.in, &transcoded) == c.out);
            BOOST_TEST(transcoded == c.transcoded);
        }
    }
}

// A NUL byte anywhere marks binary data; other control bytes do not.
BOOST_AUTO_TEST_CASE(looks_binary_finds_nul_bytes) {
    BOOST_TEST(!folio::looks_binary(""));
    BOOST_TEST(!folio::looks_binary("text\x01\x7f\n"));
    BOOST_TEST(folio::looks_binary(bytes("ab\0cd")));
    BOOST_TEST(folio::looks_binary(std::string(1, '\0')));
}

// UTF-16 without a byte-order mark is told from binary data by its NUL bytes: those of Latin
// letters, on one side; controls, unpaired surrogates and stray NUL bytes are binary.
BOOST_AUTO_TEST_CASE(decode_unmarked_utf16_tells_text_from_binary) {
    auto utf16 = [](std::u16string_view text, bool little) {
        std::string out;
        for (const char16_t u : text) {
            const char high = static_cast<char>(u >> 8), low = static_cast<char>(u & 0xFF);
            out += little ? low : high;
            out += little ? high : low;
        }
        return out;
    };
    bool little = false;
    auto le = folio::decode_unmarked_utf16(
        utf16(u"Z\u00fcrich\r\n\u4e00 \U0001F600 caf\u00e9", true), &little);
    BOOST_TEST((le == std::optional<std::string>(
                          "Z\xC3\xBCrich\n\xE4\xB8\x80 \xF0\x9F\x98\x80 caf\xC3\xA9")));
    BOOST_TEST(little);
    auto be = folio::decode_unmarked_utf16(utf16(u"big-endian\ttext", false), &little);
    BOOST_TEST((be == std::optional<std::string>("big-endian\ttext")));
    BOOST_TEST(!little);
    using namespace std::string_view_literals;
    for (const std::string& binary :
         {bytes("Title\n\nbody\0 with a stray NUL\n"), utf16(u"a\x0001z"sv, true),
          utf16(u"ab\0c"sv, true), utf16(u"ab\xD800"sv, true), bytes("\0\0\0\0"), bytes("a\0b\0c"),
          std::string()}) {
        BOOST_TEST(!folio::decode_unmarked_utf16(binary, &little), binary);
    }
}

BOOST_AUTO_TEST_SUITE_END()

// The scripts written without spaces that Folio does not split into words are told apart, at
// any place in the text; other scripts (CJK, which is split, Latin, Cyrillic) are not named.
BOOST_AUTO_TEST_CASE(unsegmented_scripts_are_named) {
    using folio::detail::unsegmented_script;
    BOOST_TEST(unsegmented_script("news: \u0e01\u0e23\u0e38\u0e07\u0e40\u0e17\u0e1e") == "Thai");
    BOOST_TEST(unsegmented_script("\u0ea7\u0ebd\u0e87\u0e88\u0eb1\u0e99") == "Lao");
    BOOST_TEST(unsegmented_script("x \u1797\u17d2\u1793\u17c6") == "Khmer");
    BOOST_TEST(unsegmented_script("\u1019\u103c\u1014\u103a\u1019\u102c") == "Burmese");
    for (const std::string other :
         {"", "ab", "caf\u00e9 \u5317\u4eac \u0434\u043e\u043c", "\u1e00\u1e9e \u0fff", "\xe0\xb8"})
        BOOST_TEST(unsegmented_script(other).empty(), other);
}

BOOST_AUTO_TEST_SUITE(dates)

// Every documented way of writing a date normalises to YYYY-MM-DD.
BOOST_DATA_TEST_CASE(normalize_date_accepts_common_forms,
                     bdata::make({"2022-02-18",
                                  "  2022-02-18  ",
                                  "2022-02-18T10:20:30Z",
                                  "2022-02-18T10:20:30.123+01:00",
                                  "2022-02-18 10:20:30",
                                  "2022-02-18T23:59:59-0500",
                                  "2022",
                                  "2022-02",
                                  "2022/2/8",
                                  "February 18, 2022",
                                  "Feb. 18, 2022",
                                  "Feb 18 2022",
                                  "feb 18th, 2022",
                                  "Sept. 5, 2021",
                                  "February 2022",
                                  "18 February 2022",
                                  "18 Feb. 2022",
                                  "18-Feb-2022",
                                  "2/18/2022",
                                  "18/2/2022",
                                  "18.02.2022",
                                  "Fri, 18 Feb 2022 10:00:00 +0000",
                                  "Tue, 1 Mar 2022 08:00:00 GMT",
                                  "Friday, February 18, 2022",
                                  "February 18, 2022 at 3:45 PM EST",
                                  "2024-02-29",
                                  "1000-01-01",
                                  "9999-12-31"}) ^
                         bdata::make({"2022-02-18", "2022-02-18", "2022-02-18", "2022-02-18",
                                      "2022-02-18", "2022-02-18", "2022-01-01", "2022-02-01",
                                      "2022-02-08", "2022-02-18", "2022-02-18", "2022-02-18",
                                      "2022-02-18", "2021-09-05", "2022-02-01", "2022-02-18",
                                      "2022-02-18", "2022-02-18", "2022-02-18", "2022-02-18",
                                      "2022-02-18", "2022-02-18", "2022-03-01", "2022-02-18",
                                      "2022-02-18", "2024-02-29", "1000-01-01", "9999-12-31"}),
                     input, expected) {
    const auto date = folio::normalize_date(input);
    BOOST_REQUIRE(date.has_value());
    BOOST_TEST(*date == expected);
}

// Impossible dates, years outside 1000-9999 and text around a date are rejected.
BOOST_DATA_TEST_CASE(normalize_date_rejects_non_dates,
                     bdata::make({"",
                                  "   ",
                                  "hello",
                                  "2022-13-01",
                                  "2022-00-10",
                                  "2022-02-30",
                                  "2023-02-29",
                                  "1900-02-29",
                                  "0999-01-01",
                                  "10000-01-01",
                                  "99-01-01",
                                  "February 30, 2022",
                                  "13/13/2022",
                                  "February 18, 2022 the army said",
                                  "1 year ago",
                                  "Monday",
                                  "2022-02-18T25:00",
                                  "2022-02-18abc",
                                  "12345",
                                  "March 5"}),
                     input) {
    BOOST_TEST(!folio::normalize_date(input).has_value());
}

// ISO 8601's basic format (many dumps write 19870226), with or without a basic time.
BOOST_DATA_TEST_CASE(normalize_date_accepts_iso_basic_format,
                     bdata::make({"19870226", " 19870226 ", "19870226T101500Z", "19870226T1015",
                                  "19870226T101500.5+0100", "20240229", "19870226 10:15"}),
                     input) {
    const auto date = folio::normalize_date(input);
    BOOST_REQUIRE(date.has_value());
    BOOST_TEST(*date == (std::string(input).find("2024") != std::string::npos ? "2024-02-29"
                                                                              : "1987-02-26"));
}

// Eight digits that are no date, and basic times out of range, are still refused.
BOOST_DATA_TEST_CASE(normalize_date_rejects_bad_basic_dates,
                     bdata::make({"19870230", "19871301", "20230229", "1987022", "198702261",
                                  "19870226T2515", "19870226T10150", "19870226T1060"}),
                     input) {
    BOOST_TEST(!folio::normalize_date(input).has_value());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(formats)

// Diagnostics read "PATH[:LINE]: MESSAGE".
BOOST_AUTO_TEST_CASE(diagnostic_to_string_names_path_and_line) {
    BOOST_TEST((Diagnostic{Diagnostic::Severity::error, "a.jsonl", 3, "bad"}.to_string()) ==
               "a.jsonl:3: bad");
    BOOST_TEST((Diagnostic{Diagnostic::Severity::warning, "b.txt", 0, "empty"}.to_string()) ==
               "b.txt: empty");
}

// The extension (any case) picks the format; "-" is a JSONL stream.
BOOST_DATA_TEST_CASE(format_for_path_uses_the_extension,
                     bdata::make({"a.txt", "dir/B.TXT", "c.md", "d.Markdown", "e.html", "f.HTM",
                                  "g.jsonl", "h.ndjson", "-", "i.pdf", "noext", "j.txt.gz",
                                  "k.EPUB", "l.docx", "m.odt", "n.doc"}) ^
                         bdata::make({Format::text, Format::text, Format::markdown,
                                      Format::markdown, Format::html, Format::html, Format::jsonl,
                                      Format::jsonl, Format::jsonl, Format::pdf, Format::unknown,
                                      Format::unknown, Format::epub, Format::docx, Format::odt,
                                      Format::unknown}),
                     path, expected) {
    BOOST_TEST((folio::format_for_path(path) == expected));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(parse_text)

// The DoD sample: headline title, "1 year ago" resolved against mtime, link line dropped.
BOOST_AUTO_TEST_CASE(reads_the_dod_news_sample) {
    const Article a = folio::parse_text(slurp(kData / "dod-news.txt"), info_for("dod.txt"));
    BOOST_TEST(a.id == "file-id");
    BOOST_TEST(a.path == "dod.txt");
    BOOST_TEST(a.source == "test-source");
    BOOST_TEST(a.title == "NATO Leaders Look to Defense, Deterrence Against Russia");
    BOOST_TEST(a.date == "2022-11-14");
    BOOST_TEST(a.body.rfind("NATO will continue to strengthen its defense", 0) == 0);
    BOOST_TEST(a.body.find("1 year ago") == std::string::npos);
    BOOST_TEST(a.body.find("Read Entire Article") == std::string::npos);
    const std::string last = "security, and it must be respected.\"";
    BOOST_TEST(a.body.substr(a.body.size() - last.size()) == last);
    BOOST_TEST(a.body.find("Sweden.\n\n\"NATO remains open") != std::string::npos);
    BOOST_TEST(a.body.find("\n\n\n") == std::string::npos);
}

// Relative and absolute date lines resolve against a fixed mtime; the line leaves the body.
BOOST_DATA_TEST_CASE(resolves_date_lines,
                     bdata::make({"1 year ago", "a year ago", "2 years ago", "3 months ago",
                                  "2 weeks ago", "5 days ago", "23 hours ago", "30 minutes ago",
                                  "an hour ago", "10 seconds ago", "yesterday", "Today",
                                  "Published: 2 days ago", "Updated on February 18, 2022",
                                  "Posted 2022-02-18", "February 18, 2022"}) ^
                         bdata::make({"2022-11-14", "2022-11-14", "2021-11-14", "2023-08-14",
                                      "2023-10-31", "2023-11-09", "2023-11-13", "2023-11-14",
                                      "2023-11-14", "2023-11-14", "2023-11-13", "2023-11-14",
                                      "2023-11-12", "2022-02-18", "2022-02-18", "2022-02-18"}),
                     line, expected) {
    const Article a =
        folio::parse_text(std::string("Title\n\n") + line + "\n\nBody text.\n", info_for("a.txt"));
    BOOST_TEST(a.title == "Title");
    BOOST_TEST(a.date == expected);
    BOOST_TEST(a.body == "Body text.");
}

// A whole text on one line (a raw transcript) gets a title of reasonable length: cut at the
// first sentence end (the rest starts the body), else at a word boundary with an ellipsis (the
// whole line stays in the body); a short first line is the title as before.
BOOST_AUTO_TEST_CASE(one_line_text_gets_a_reasonable_title) {
    std::string rest;
    for (int k = 0; k < 400; ++k)
        rest += "The state of the union is strong and the work goes on. ";
    const Article sentence = folio::parse_text(
        "Mr. Speaker, Mr. President, and Members of the Congress: tonight we meet again. " + rest,
        info_for("sotu.txt"));
    BOOST_TEST(sentence.title ==
               "Mr. Speaker, Mr. President, and Members of the Congress: tonight we meet again.");
    BOOST_TEST(sentence.body.rfind("The state of the union is strong", 0) == 0);
    BOOST_TEST(sentence.body.size() > 20000u);

    std::string words =
        "Fellow-Citizens of the Senate and House of Representatives: In meeting "
        "you again I feel much satisfaction in being able to repeat my "
        "congratulations on the favorable prospects which continue to "
        "distinguish our public affairs";
    const Article cut = folio::parse_text(words + "; " + rest, info_for("1790.txt"));
    BOOST_TEST(cut.title.size() <= 150u + std::string("…").size());
    BOOST_TEST(cut.title.substr(cut.title.size() - std::string("…").size()) == "…");
    BOOST_TEST(words.rfind(cut.title.substr(0, cut.title.size() - std::string("…").size()), 0) ==
               0u);
    BOOST_TEST(cut.body.rfind(words, 0) == 0);  // no word lost from the body

    const Article headline =
        folio::parse_text(std::string(190, 'a') + "\n\nBody.", info_for("a.txt"));
    BOOST_TEST(headline.title == std::string(190, 'a'));
    BOOST_TEST(headline.body == "Body.");
}

// Going back whole months clamps the day to the end of the shorter month.
BOOST_AUTO_TEST_CASE(relative_months_clamp_to_the_month_end) {
    const std::string text = "Title\n1 month ago\nBody.";
    BOOST_TEST(folio::parse_text(text, info_for("a.txt", 1680264000)).date == "2023-02-28");
    BOOST_TEST(folio::parse_text("T\n1 year ago\nB", info_for("a.txt", 1709208000)).date ==
               "2023-02-28");
}

// Without an mtime a relative date cannot be resolved, but the line is still not body text.
BOOST_AUTO_TEST_CASE(relative_date_without_mtime_is_dropped) {
    const Article a = folio::parse_text("Title\n\n1 year ago\n\nBody.", info_for("a.txt", {}));
    BOOST_TEST(a.date == "");
    BOOST_TEST(a.body == "Body.");
}

// A first paragraph that merely starts like a date is body text, not a date.
BOOST_DATA_TEST_CASE(keeps_paragraphs_that_are_not_dates,
                     bdata::make({"3 days ago the army moved.", "February 18, 2022 was cold.",
                                  "Published today: the report.", "Yesterday was quiet."}),
                     line) {
    const Article a =
        folio::parse_text(std::string("Title\n\n") + line + "\n\nMore.", info_for("a.txt"));
    BOOST_TEST(a.date == "");
    BOOST_TEST(a.body == std::string(line) + "\n\nMore.");
}

// CRLF line ends, blank-line runs and trailing spaces do not leak into title or body.
BOOST_AUTO_TEST_CASE(normalises_paragraph_breaks) {
    const Article a =
        folio::parse_text("\r\n  Spaced   Title \r\n\r\nOne\r\nline two  \r\n\r\n\r\n\r\nThree\r\n",
                          info_for("a.txt"));
    BOOST_TEST(a.title == "Spaced Title");
    BOOST_TEST(a.body == "One\nline two\n\nThree");
}

// Text with no words cannot make an article.
BOOST_AUTO_TEST_CASE(rejects_empty_text) {
    BOOST_CHECK_THROW(folio::parse_text(" \n\n\t\n", info_for("a.txt")), folio::InputError);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(parse_markdown)

// Front matter fills every field; the repeated title heading and markup leave the body.
BOOST_AUTO_TEST_CASE(reads_front_matter) {
    const Article a = folio::parse_markdown(slurp(kData / "front-matter.md"), info_for("fm.md"));
    BOOST_TEST(a.id == "custom-id-1");
    BOOST_TEST(a.title == "Markdown With Front Matter");
    BOOST_TEST(a.date == "2020-05-17");
    BOOST_TEST(a.authors == (std::vector<std::string>{"Ann Author", "Bob Writer"}));
    BOOST_TEST(a.tags == (std::vector<std::string>{"search", "xapian"}));
    BOOST_TEST(a.url == "https://example.com/md");
    BOOST_TEST(a.language == "french");
    BOOST_TEST(a.description == "A test document.");
    BOOST_TEST(a.source == "test-source");
    BOOST_TEST(a.path == "fm.md");
    BOOST_TEST(a.body ==
               "Some emphasis, strong, also strong and inline code with a\n"
               "link and an alt text.\n\n"
               "Section Two\n\n"
               "A quoted line with inline HTML.\n\n"
               "int main() { return 0; }\n\n"
               "- list item one\n- list item two");
}

// Without front matter the first heading (here setext) is the title.
BOOST_AUTO_TEST_CASE(takes_the_first_heading_as_title) {
    const Article a = folio::parse_markdown(slurp(kData / "plain.md"), info_for("p.md"));
    BOOST_TEST(a.id == "file-id");
    BOOST_TEST(a.title == "Intro Heading");
    BOOST_TEST(a.date == "");
    BOOST_TEST(a.body ==
               "Text under a setext heading, with snake_case_name kept.\n\nAnother paragraph.");
}

// With no heading at all the first line names the article and stays in the body.
BOOST_AUTO_TEST_CASE(falls_back_to_the_first_line) {
    const Article a =
        folio::parse_markdown("\nJust **text** here.\nSecond line.\n", info_for("p.md"));
    BOOST_TEST(a.title == "Just text here.");
    BOOST_TEST(a.body == "Just text here.\nSecond line.");
}

// Inline markup is reduced to the text a reader sees.
BOOST_DATA_TEST_CASE(
    reduces_inline_markup,
    bdata::make({"*em* and **strong**", "_em_ and __strong__", "snake_case_word", "2 * 3 = 6",
                 "`a*b*c` code", "[text](http://x.com/a_(b))", "![alt](a.png)", "[ref link][1]",
                 "[not a link]", "<b>bold</b> tag", "<https://example.com>", "~~gone~~ strike",
                 "\\*literal\\*", "a &amp; b &#8220;q&#x201D;", "### Sub ###", "1. item",
                 "***bold em***"}) ^
        bdata::make({"em and strong", "em and strong", "snake_case_word", "2 * 3 = 6", "a*b*c code",
                     "text", "alt", "ref link", "[not a link]", "bold tag", "https://example.com",
                     "gone strike", "*literal*", "a & b \xE2\x80\x9Cq\xE2\x80\x9D", "Sub",
                     "1. item", "bold em"}),
    line, expected) {
    BOOST_TEST(markdown_body(line) == expected);
}

// Fenced code keeps its text verbatim, markup characters included; the fences go.
BOOST_AUTO_TEST_CASE(keeps_fenced_code_text) {
    const Article a =
        folio::parse_markdown("# T\n\n~~~\n# not a heading *x*\n~~~\nafter\n", info_for("c.md"));
    BOOST_TEST(a.title == "T");
    BOOST_TEST(a.body == "# not a heading *x*\n\nafter");
}

// Tags and authors accept both a list and a single string; keywords merge into tags.
BOOST_AUTO_TEST_CASE(front_matter_lists_and_strings) {
    const Article a = folio::parse_markdown(
        "---\ntitle: T\nauthor: Solo Writer\ntags: [a, b]\nkeywords: b, c\nlanguage: xx-unknown\n"
        "date: not a date\n---\nBody\n",
        info_for("l.md"));
    BOOST_TEST(a.authors == (std::vector<std::string>{"Solo Writer"}));
    BOOST_TEST(a.tags == (std::vector<std::string>{"a", "b", "c"}));
    BOOST_TEST(a.language == "xx-unknown");  // kept as written; read_file drops it
    BOOST_TEST(a.date == "");
    BOOST_TEST(a.body == "Body");
}

// YAML's escapes for U+00A0 and U+0085 ("\_", "\N") come out as UTF-8 in every field (the
// no-break space then counts as a space), and valid characters around them stay as they are.
BOOST_AUTO_TEST_CASE(front_matter_escapes_are_utf8) {
    const Article a = folio::parse_markdown(
        "---\ntitle: \"Caf\u00e9\\_au\\Nlait\"\nauthor: \"A\\_B\"\ntags: [\"x\\_y\"]\n---\nBody\n",
        info_for("e.md"));
    BOOST_TEST(a.title == "Caf\u00e9 au\u0085lait");
    BOOST_TEST(a.authors == (std::vector<std::string>{"A B"}));
    BOOST_TEST(a.tags == (std::vector<std::string>{"x y"}));
}

// Front matter nested 100,000 deep is refused by yaml-cpp's depth guard, and said so (it used to
// read "bad YAML front matter: bad file").
BOOST_AUTO_TEST_CASE(deep_front_matter) {
    const std::string text = "---\ntitle: x\na: " + std::string(100000, '[') +
                             std::string(100000, ']') + "\n---\nbody\n";
    try {
        folio::parse_markdown(text, info_for("deep.md"));
        BOOST_FAIL("no InputError");
    } catch (const folio::InputError& e) {
        BOOST_TEST(e.reason().starts_with("bad YAML front matter: nested too deep (more than "),
                   e.reason());
        BOOST_TEST(e.line() == 3u);
    }
}

// Bad front matter throws InputError with the line of the problem in the file.
BOOST_DATA_TEST_CASE(
    rejects_bad_front_matter,
    bdata::make({"---\ntitle: ok\ndate: 2020\n  bad: indent\n---\nbody\n",
                 "---\ntitle: [a, b]\n---\nbody\n",
                 "---\ntitle: ok\ntags:\n  - a\n  - {x: 1}\n---\nbody\n",
                 "---\n- a\n- b\n---\nbody\n", "---\ntitle: ok\nnever closed\n",
                 "---\nid: \"a\\0b\"\n---\nbody\n"}) ^
        bdata::make({4, 2, 5, 1, 1, 2}) ^
        bdata::make({"bad YAML front matter: illegal map value",
                     "front matter field 'title' must be a single value, not a list",
                     "front matter field 'tags' must be a list of strings",
                     "front matter is not a YAML mapping of keys to values",
                     "front matter is not closed by a '---' line",
                     "front matter field 'id' contains a NUL byte (no command line could name the "
                     "article)"}),
    text, line, reason) {
    try {
        folio::parse_markdown(text, info_for("bad.md"));
        BOOST_FAIL("no InputError");
    } catch (const folio::InputError& e) {
        BOOST_TEST(e.path() == "bad.md");
        BOOST_TEST(e.line() == static_cast<std::size_t>(line));
        BOOST_TEST(e.reason() == reason);
    }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(parse_html)

// Title, meta fields, canonical url, language and only the visible text, in paragraphs.
BOOST_AUTO_TEST_CASE(reads_a_page_with_meta_and_hidden_content) {
    const Article a = folio::parse_html(slurp(kData / "page.html"), info_for("page.html"));
    BOOST_TEST(a.id == "file-id");
    BOOST_TEST(a.title == "Caf\xC3\xA9 & Bar Review");
    BOOST_TEST(a.authors == (std::vector<std::string>{"Jane Doe"}));
    BOOST_TEST(a.date == "2021-03-04");
    BOOST_TEST(a.description == "A short review.");
    BOOST_TEST(a.tags == (std::vector<std::string>{"food", "coffee", "reviews"}));
    BOOST_TEST(a.url == "https://example.com/cafe-review");
    BOOST_TEST(a.language == "english");
    BOOST_TEST(a.body ==
               "The Caf\xC3\xA9 Review\n\n"
               "First paragraph with bold and a link \xE2\x80\x94 <done>.\n\n"
               "Second\nline after a break\n\n"
               "one\n\ntwo\n\n"
               "  code\n    indented");
}

// Without <title> the first <h1> is the title; og:url stands in for a canonical link.
BOOST_AUTO_TEST_CASE(falls_back_to_h1_and_og_url) {
    const Article a = folio::parse_html(
        "<html lang=zz><head><meta property='og:url' content='https://e.com/x'>"
        "<meta name=date content='February 18, 2022'></head>"
        "<body><h1>First <i>Heading</i></h1><h1>Second</h1><p>Text</p></body></html>",
        info_for("x.html"));
    BOOST_TEST(a.title == "First Heading");
    BOOST_TEST(a.url == "https://e.com/x");
    BOOST_TEST(a.date == "2022-02-18");
    BOOST_TEST(a.language == "zz");  // kept as written; read_file drops it
    BOOST_TEST(a.body == "First Heading\n\nSecond\n\nText");
}

// What a browser never shows is not indexed: an element marked hidden and all it holds (but
// hidden="until-found", which find-in-page reveals).
BOOST_AUTO_TEST_CASE(leaves_hidden_elements_out) {
    const Article a = folio::parse_html(
        "<title>Shown</title><p>one</p><div hidden><p>secret <b>nested</b></p></div>"
        "<p HIDDEN=''>two</p><p>three</p><section hidden=until-found>four</section>"
        "<p aria-hidden=true>five</p>",
        info_for("h.html"));
    BOOST_TEST(a.title == "Shown");
    BOOST_TEST(a.body == "one\n\nthree\n\nfour\n\nfive");
}

// Table cells are separated by spaces, rows by paragraph breaks.
BOOST_AUTO_TEST_CASE(separates_table_cells) {
    const Article a = folio::parse_html(
        "<table><tr><td>a</td><td>b</td></tr><tr><td>c</td><td>d</td></tr></table>",
        info_for("t.html"));
    BOOST_TEST(a.title == "");
    BOOST_TEST(a.body == "a b\n\nc d");
}

// Pathologically deep nesting is flattened below kMaxHtmlDepth before Gumbo parses it (Gumbo's
// own parse time grows with the square of the depth: 20,000 levels took 26 s), and walked
// without recursion. The text is all kept, words apart.
BOOST_AUTO_TEST_CASE(survives_deep_nesting) {
    std::string html = "<title>Deep</title>";
    for (int i = 0; i < 100000; ++i)
        html += i % 1000 == 0 ? "<div>w" + std::to_string(i / 1000) : "<span>";
    html += "deep";
    std::size_t dropped = 0;
    const Article a = folio::parse_html(html, info_for("d.html"), &dropped);
    BOOST_TEST(a.title == "Deep");
    BOOST_TEST(dropped == 100000u - folio::kMaxHtmlDepth);
    BOOST_TEST(a.body.starts_with("w0"));
    BOOST_TEST(a.body.ends_with("w99 deep"), a.body.substr(a.body.size() - 20));
    BOOST_TEST(a.body.find("w50") != std::string::npos);
}

// A numeric character reference beyond Unicode (Gumbo 0.10 writes it as a stray byte) becomes
// U+FFFD: the article is valid UTF-8 (found by fuzz_html, fuzz/regressions/html/).
BOOST_AUTO_TEST_CASE(out_of_range_character_references) {
    const Article a =
        folio::parse_html("<p>a &#x999999999; b &#99999999; c &#1F</p>", info_for("r.html"));
    bool invalid = true;
    folio::to_utf8(a.body, &invalid);
    BOOST_TEST(!invalid);
    BOOST_TEST(a.body.starts_with("a \xEF\xBF\xBD"), a.body);
}

// Flattening counts nesting by tags as written: void elements, optional end tags, comments and
// raw text do not nest; end tags of dropped elements are dropped too; shallow HTML is untouched.
BOOST_AUTO_TEST_CASE(flattens_only_what_is_too_deep) {
    std::string out;
    BOOST_TEST(folio::flatten_html_nesting("<div><p>a<p>b<br><img src='>'></div>", 1, out) == 0u);
    BOOST_TEST(out.empty());
    BOOST_TEST(folio::flatten_html_nesting("<b><i>x</i></b><!-- <u><u> --><script><u><u></script>",
                                           1, out) == 2u);
    BOOST_TEST(out == "<b> x </b><!-- <u><u> --><script><u><u></script>");
    BOOST_TEST(folio::flatten_html_nesting("<a><b><c/>t</b></a>", 1, out) == 2u);
    BOOST_TEST(out == "<a> <c/>t </a>");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(parse_jsonl)

// Good lines become articles; each bad line is one error naming its line, the rest goes on.
BOOST_AUTO_TEST_CASE(reads_good_lines_and_reports_bad_ones) {
    const Result r = read(kData / "records.jsonl");
    BOOST_TEST(r.stats.articles == 3u);
    BOOST_TEST(r.stats.failed == 5u);
    const std::string p = (kData / "records.jsonl").string();
    BOOST_TEST(
        r.messages() ==
            (std::vector<std::string>{
                "E " + p +
                    ":3: invalid JSON at column 44: syntax error while parsing object - "
                    "unexpected end of input; expected '}'",
                "E " + p + ":4: field 'title' must be a string, not a number",
                "E " + p + ":5: line is not a JSON object but an array",
                "E " + p + ":6: record has no 'title' and no 'body' (nor 'text' or 'content')",
                "E " + p +
                    ":7: field 'tags' must be a string or an array of strings, not an object",
                "W " + p +
                    ":8: field 'date' is not a date: \"not a date\" (indexed without a "
                    "date)"}),
        boost::test_tools::per_element());
    BOOST_REQUIRE_EQUAL(r.articles.size(), 3u);
    const Article& a = r.articles[0];
    BOOST_TEST(a.id == "a1");
    BOOST_TEST(a.title == "First");
    BOOST_TEST(a.body == "Body one");
    BOOST_TEST(a.date == "2022-02-18");
    BOOST_TEST(a.authors == (std::vector<std::string>{"Ann", "Bob"}));
    BOOST_TEST(a.tags == (std::vector<std::string>{"x", "y"}));
    BOOST_TEST(a.url == "https://e.com/1");
    BOOST_TEST(a.language == "english");
    BOOST_TEST(a.source == "wire");
    BOOST_TEST(a.description == "d1");
    BOOST_TEST(a.path == p);
    const std::string line8 =
        R"({"title": "No id here", "content": "uses content", "date": "not a date"})";
    BOOST_TEST(r.articles[1].id == hash_id("file-id", line8));
    BOOST_TEST(r.articles[1].body == "uses content");
    BOOST_TEST(r.articles[1].date == "");
    BOOST_TEST(r.articles[1].source == "test-source");
    BOOST_TEST(r.articles[2].id == "a10");
}

// A UTF-8 BOM on the first line and CRLF line ends change neither records nor hashed ids.
BOOST_AUTO_TEST_CASE(ignores_bom_and_crlf) {
    const Result r = read(kData / "bom-crlf.jsonl");
    BOOST_TEST(r.diagnostics.empty());
    BOOST_REQUIRE_EQUAL(r.articles.size(), 2u);
    BOOST_TEST(r.articles[0].title == "BOM first");
    BOOST_TEST(r.articles[1].title == "CRLF second");

    const std::string line = R"({"title": "T", "body": "B"})";
    const Result lf = read_jsonl(line + "\n");
    const Result crlf = read_jsonl("\xEF\xBB\xBF" + line + "\r\n");
    BOOST_REQUIRE_EQUAL(lf.articles.size(), 1u);
    BOOST_REQUIRE_EQUAL(crlf.articles.size(), 1u);
    BOOST_TEST(lf.articles[0].id == hash_id("file-id", line));
    BOOST_TEST(crlf.articles[0].id == lf.articles[0].id);
}

// Each wrong field type or value is an error that names the field.
BOOST_DATA_TEST_CASE(
    rejects_wrong_field_types,
    bdata::make({R"({"title": "t", "body": 5})", R"({"title": "t", "text": []})",
                 R"({"title": "t", "authors": [1]})", R"({"title": "t", "author": {}})",
                 R"({"title": "t", "date": 2022.5})", R"({"title": "t", "url": true})",
                 R"({"id": 1.5, "title": "t"})", R"({"id": " ", "title": "t"})",
                 R"({"lang": 1, "title": "t"})", "{\"title\": \"t\"} trailing", "42",
                 R"({"title": "t", "n": 1e999})", R"({"id": "a\u0000b", "title": "t"})"}) ^
        bdata::make({"field 'body' must be a string, not a number",
                     "field 'text' must be a string, not an array",
                     "field 'authors' must be an array of strings, item 1 is a "
                     "number",
                     "field 'author' must be a string or an array of strings, not "
                     "an object",
                     "field 'date' must be a string or an integer, not a number",
                     "field 'url' must be a string, not a boolean",
                     "field 'id' must be a string or an integer, not a number",
                     "field 'id' is empty", "field 'lang' must be a string, not a number",
                     "invalid JSON at column 18: syntax error while parsing value "
                     "- invalid literal; last read: '\"t\"} tra'; expected end "
                     "of input",
                     "line is not a JSON object but a number",
                     "invalid JSON: number overflow parsing '1e999'",
                     "field 'id' contains a NUL byte (no command line could name the article, "
                     "as --like does)"}),
    line, reason) {
    const Result r = read_jsonl("\n" + std::string(line) + "\n", "w.jsonl");
    BOOST_TEST(r.stats.articles == 0u);
    BOOST_TEST(r.stats.failed == 1u);
    BOOST_TEST(r.messages() == (std::vector<std::string>{"E w.jsonl:2: " + std::string(reason)}),
               boost::test_tools::per_element());
}

// Dates in ISO 8601's basic format, as a string or as a JSON integer, are dates.
BOOST_AUTO_TEST_CASE(accepts_basic_format_dates) {
    const Result r = read_jsonl(
        "{\"title\": \"a\", \"date\": \"19870226\"}\n"
        "{\"title\": \"b\", \"date\": 19870226}\n"
        "{\"title\": \"c\", \"date\": 19870230}\n");
    BOOST_REQUIRE_EQUAL(r.articles.size(), 3u);
    BOOST_TEST(r.articles[0].date == "1987-02-26");
    BOOST_TEST(r.articles[1].date == "1987-02-26");
    BOOST_TEST(r.articles[2].date == "");
    BOOST_TEST(
        r.messages() == (std::vector<std::string>{"W in.jsonl:3: field 'date' is not a date: "
                                                  "\"19870230\" (indexed without a date)"}),
        boost::test_tools::per_element());
}

// Lenient shapes: integer ids, a title without body, a body without title, comma-separated tags.
BOOST_AUTO_TEST_CASE(accepts_optional_fields_and_integer_ids) {
    const Result r = read_jsonl(
        "{\"id\": 7, \"title\": \"only title\", \"tags\": [\"a\", \"a\", \" b \"]}\n"
        "  \t \n"
        "{\"body\": \"only body\\r\\nline\", \"authors\": \"One Author\", \"language\": \"zz\"}");
    BOOST_REQUIRE_EQUAL(r.articles.size(), 2u);
    BOOST_TEST(r.articles[0].id == "7");
    BOOST_TEST(r.articles[0].body == "");
    BOOST_TEST(r.articles[0].tags == (std::vector<std::string>{"a", "b"}));
    BOOST_TEST(r.articles[1].title == "");
    BOOST_TEST(r.articles[1].body == "only body\nline");
    BOOST_TEST(r.articles[1].authors == (std::vector<std::string>{"One Author"}));
    BOOST_TEST(r.articles[1].language == "");
    BOOST_TEST(r.messages() ==
                   (std::vector<std::string>{
                       "W in.jsonl:3: unknown language 'zz', indexed in the database's language "
                       "(warned once per tag)"}),
               boost::test_tools::per_element());
}

// A line that is not UTF-8 is decoded as Windows-1252 with a warning and still indexed.
BOOST_AUTO_TEST_CASE(transcodes_a_non_utf8_line) {
    const Result r = read_jsonl("{\"title\": \"ok\"}\n{\"title\": \"\x93Quote\x94 M\xFCller\"}\n");
    BOOST_REQUIRE_EQUAL(r.articles.size(), 2u);
    BOOST_TEST(r.articles[1].title == "\xE2\x80\x9CQuote\xE2\x80\x9D M\xC3\xBCller");
    BOOST_TEST(r.messages() == (std::vector<std::string>{
                                   "W in.jsonl:2: not valid UTF-8, decoded as Windows-1252"}),
               boost::test_tools::per_element());
}

// NUL bytes in the first record mean a binary file (skipped); later they fail only that line.
BOOST_AUTO_TEST_CASE(handles_nul_bytes_per_line) {
    const Result binary = read_jsonl(bytes("\n{\"ti\0tle\": 1}\n{\"title\": \"x\"}\n"));
    BOOST_TEST(binary.stats.articles == 0u);
    BOOST_TEST(binary.stats.failed == 0u);
    BOOST_TEST(binary.messages() == (std::vector<std::string>{
                                        "W in.jsonl: binary file (contains NUL bytes), skipped"}),
               boost::test_tools::per_element());

    const Result later = read_jsonl(bytes("{\"title\": \"x\"}\n{\"a\0\": 1}\n"));
    BOOST_TEST(later.stats.articles == 1u);
    BOOST_TEST(later.stats.failed == 1u);
    BOOST_TEST(
        later.messages() == (std::vector<std::string>{"E in.jsonl:2: line contains NUL bytes"}),
        boost::test_tools::per_element());
}

// Records with no id get the same hashed id on every read.
BOOST_AUTO_TEST_CASE(hashed_ids_are_stable_and_distinct) {
    const std::string text = "{\"title\": \"a\"}\n{\"title\": \"b\"}\n";
    const Result first = read_jsonl(text);
    const Result second = read_jsonl(text);
    BOOST_REQUIRE_EQUAL(first.articles.size(), 2u);
    BOOST_TEST(first.articles[0].id == second.articles[0].id);
    BOOST_TEST(first.articles[0].id != first.articles[1].id);
    BOOST_TEST(first.articles[0].id.size() == std::string("file-id#").size() + 16);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(read_file)

// Each single-article format is read through read_file with its info.
BOOST_AUTO_TEST_CASE(reads_each_format) {
    for (const char* name : {"dod-news.txt", "page.html", "plain.md", "front-matter.md"}) {
        BOOST_TEST_CONTEXT(name) {
            const Result r = read(kData / name);
            BOOST_TEST(r.stats.articles == 1u);
            BOOST_TEST(r.stats.failed == 0u);
            if (std::string(name) == "dod-news.txt") {
                // Its "1 year ago" line: resolved, with a warning saying against what.
                BOOST_TEST(r.messages() ==
                               (std::vector<std::string>{
                                   "W " + (kData / name).string() +
                                   ":3: relative date '1 year ago' resolved against the file's "
                                   "modification time (2023-11-14): 2022-11-14"}),
                           boost::test_tools::per_element());
            } else {
                BOOST_TEST(r.diagnostics.empty());
            }
            BOOST_REQUIRE_EQUAL(r.articles.size(), 1u);
            BOOST_TEST(r.articles[0].path == (kData / name).string());
            BOOST_TEST(!r.articles[0].title.empty());
        }
    }
}

// Every file-level problem is one diagnostic with the documented message and count.
BOOST_AUTO_TEST_CASE(reports_file_problems) {
    TempDir tmp;
    struct Case {
        std::string path;
        std::string message;
        std::size_t failed;
        folio::ReadOptions options;
    };
    const std::vector<Case> cases = {
        {tmp.write("a.doc", "%PDF"), "E {}: unsupported file type", 1, {}},
        {tmp.write("big.txt", "Title\n\n" + std::string(100, 'x')),
         "E {}: file is larger than the --max-file-size limit (50 bytes)",
         1,
         {50}},
        // JSON Lines are held to the limit line by line.
        {tmp.write("big.jsonl", std::string(60, ' ')),
         "E {}:1: line is longer than the --max-file-size limit (50 bytes)",
         1,
         {50}},
        {tmp.write("nul.txt", bytes("Title\n\nab\0cd")),
         "W {}: binary file (contains NUL bytes), skipped",
         0,
         {}},
        {tmp.write("empty.txt", ""), "W {}: empty file, skipped", 0, {}},
        {tmp.write("blank.md", "\xEF\xBB\xBF \r\n\t\n"), "W {}: empty file, skipped", 0, {}},
        {(tmp.path() / "missing.txt").string(),
         "E {}: cannot open file: No such file or directory",
         1,
         {}},
        {tmp.write("bad.md", "---\ntitle: ok\ndate: 2020\n  bad: indent\n---\nbody\n"),
         "E {}:4: bad YAML front matter: illegal map value",
         1,
         {}},
    };
    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT(c.path) {
            const Result r = read(c.path, c.options);
            std::string expected = c.message;
            expected.replace(expected.find("{}"), 2, c.path);
            BOOST_TEST(r.messages() == (std::vector<std::string>{expected}),
                       boost::test_tools::per_element());
            BOOST_TEST(r.stats.failed == c.failed);
            BOOST_TEST(r.stats.articles == 0u);
        }
    }
}

// A relative date that cannot be resolved (no modification time) says so.
BOOST_AUTO_TEST_CASE(reports_an_unresolved_relative_date) {
    TempDir tmp;
    const std::string path = tmp.write("r.txt", "Title\n\n3 days ago\n\nBody.\n");
    Result r;
    folio::FileInfo info = info_for(path, {});
    folio::read_file(
        info, {}, [&](Article&& a) { r.articles.push_back(std::move(a)); },
        [&](Diagnostic&& d) { r.diagnostics.push_back(std::move(d)); });
    BOOST_TEST(r.messages() == (std::vector<std::string>{"W " + path +
                                                         ":3: relative date '3 days ago' cannot "
                                                         "be resolved (no modification time): "
                                                         "indexed without a date"}),
               boost::test_tools::per_element());
    BOOST_REQUIRE_EQUAL(r.articles.size(), 1u);
    BOOST_TEST(r.articles[0].date == "");
}

// A directory given as a file is an error with the system's reason.
BOOST_AUTO_TEST_CASE(reports_a_directory) {
    TempDir tmp;
    fs::create_directory(tmp.path() / "d.txt");
    const Result r = read((tmp.path() / "d.txt").string());
    BOOST_TEST(r.stats.failed == 1u);
    BOOST_TEST(r.messages() == (std::vector<std::string>{"E " + (tmp.path() / "d.txt").string() +
                                                         ": cannot read file: Is a directory"}),
               boost::test_tools::per_element());
}

// An HTML page that is not UTF-8 is read in the character set it declares (<meta charset>,
// http-equiv, an XML declaration), without a warning; Windows-1252 where it declares none or
// Latin-1; a byte not valid in the declared set becomes U+FFFD with a warning.
BOOST_AUTO_TEST_CASE(reads_html_in_its_declared_charset) {
    struct Case {
        std::string html;
        std::string text;     ///< in the body
        std::string message;  ///< after "W PATH: ", or ""
    };
    const std::vector<Case> cases = {
        {"<meta charset=\"windows-1251\"><title>T</title><p>\xcf\xf0\xe8\xe2\xe5\xf2",
         "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82", ""},  // Privet
        {"<META HTTP-EQUIV=Content-Type CONTENT='text/html; Charset=KOI8-R'><p>\xd0\xd2\xc9",
         "\xD0\xBF\xD1\x80\xD0\xB8", ""},  // pri
        {"<?xml version=\"1.0\" encoding=\"Shift_JIS\"?><html><p>\x93\xfa\x96\x7b",
         "\xE6\x97\xA5\xE6\x9C\xAC", ""},  // Nihon
        {"<meta charset=gb2312><p>\xd6\xd0\xce\xc4\r\n", "\xE4\xB8\xAD\xE6\x96\x87", ""},
        // Read as the Windows-1252 family it declares, as browsers read it: nothing to warn of.
        {"<meta charset=iso-8859-1><p>caf\xe9 \x93q\x94", "caf\xC3\xA9 \xE2\x80\x9Cq\xE2\x80\x9D",
         ""},
        {"<meta http-equiv=content-type content='text/html; charset=Windows-1252'><p>caf\xe9",
         "caf\xC3\xA9", ""},
        {"<html><p>caf\xe9 \x93q\x94", "caf\xC3\xA9", "not valid UTF-8, decoded as Windows-1252"},
        {"<meta charset=x-no-such-set><p>caf\xe9", "caf\xC3\xA9",
         "not valid UTF-8, decoded as Windows-1252"},
        {"<meta charset=\"../../x//TRANSLIT\"><p>caf\xe9", "caf\xC3\xA9",
         "not valid UTF-8, decoded as Windows-1252"},
        {"<meta charset=shift_jis><p>\x93\xfa\x96\x7b \xa0\xff ok", "\xE6\x97\xA5\xE6\x9C\xAC",
         "not valid shift_jis (the charset it declares): bytes replaced by U+FFFD"},
        // Valid UTF-8 stays UTF-8 whatever the page says.
        {"<meta charset=windows-1251><p>caf\xC3\xA9", "caf\xC3\xA9", ""},
    };
    TempDir tmp;
    for (const Case& c : cases) {
        BOOST_TEST_CONTEXT(c.html) {
            const std::string path = tmp.write("p.html", c.html);
            const Result r = read(path);
            BOOST_REQUIRE_EQUAL(r.articles.size(), 1u);
            BOOST_TEST(r.articles[0].body.find(c.text) != std::string::npos, r.articles[0].body);
            BOOST_TEST(
                r.messages() == (c.message.empty()
                                     ? std::vector<std::string>{}
                                     : std::vector<std::string>{"W " + path + ": " + c.message}),
                boost::test_tools::per_element());
        }
    }
}

// Windows-1252 files are decoded with a warning: 0x93 becomes U+201C and 0xFC becomes u-umlaut.
BOOST_AUTO_TEST_CASE(decodes_windows_1252_files) {
    TempDir tmp;
    const std::string path = tmp.write("w.txt", "M\xFCnchen\r\n\r\n\x93Quoted\x94 text\r\n");
    const Result r = read(path);
    BOOST_TEST(r.stats.articles == 1u);
    BOOST_TEST(r.messages() == (std::vector<std::string>{
                                   "W " + path + ": not valid UTF-8, decoded as Windows-1252"}),
               boost::test_tools::per_element());
    BOOST_REQUIRE_EQUAL(r.articles.size(), 1u);
    BOOST_TEST(r.articles[0].title == "M\xC3\xBCnchen");
    BOOST_TEST(r.articles[0].body == "\xE2\x80\x9CQuoted\xE2\x80\x9D text");
}

// Overlong UTF-8 is not valid UTF-8: the file is decoded as Windows-1252.
BOOST_AUTO_TEST_CASE(rejects_overlong_utf8) {
    TempDir tmp;
    const Result r = read(tmp.write("o.txt", "T\xC0\xAF\n\nbody\n"));
    BOOST_REQUIRE_EQUAL(r.articles.size(), 1u);
    BOOST_TEST(r.articles[0].title == "T\xC3\x80\xC2\xAF");
    BOOST_TEST(r.diagnostics.size() == 1u);
}

// "-" reads JSONL from standard input; articles from it have an empty path.
BOOST_AUTO_TEST_CASE(reads_standard_input_as_jsonl) {
    std::istringstream in("{\"title\": \"from stdin\"}\n" + std::string(80, 'x') + "\n");
    std::streambuf* saved = std::cin.rdbuf(in.rdbuf());
    Result r;
    r.stats = folio::read_file(
        info_for("-"), folio::ReadOptions{50},
        [&](Article&& a) { r.articles.push_back(std::move(a)); },
        [&](Diagnostic&& d) { r.diagnostics.push_back(std::move(d)); });
    std::cin.rdbuf(saved);
    std::cin.clear();
    BOOST_REQUIRE_EQUAL(r.articles.size(), 1u);
    BOOST_TEST(r.articles[0].title == "from stdin");
    BOOST_TEST(r.articles[0].path == "");
    BOOST_TEST(r.stats.failed == 1u);
    BOOST_TEST(
        r.messages() == (std::vector<std::string>{
                            "E -:2: line is longer than the --max-file-size limit (50 bytes)"}),
        boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()

// UTF-16 with a byte-order mark, little- or big-endian, is decoded, not skipped as binary;
// characters outside the BMP come from surrogate pairs; damage is replaced and reported.
BOOST_AUTO_TEST_CASE(utf16_with_bom_is_decoded) {
    TempDir tmp;
    // "Été\r\n\r\nBody 😀" in UTF-16.
    const std::u16string text = u"\u00C9t\u00E9\r\n\r\nBody \U0001F600";
    std::string le = "\xFF\xFE", be = "\xFE\xFF";
    for (char16_t c : text) {
        le += static_cast<char>(c & 0xFF);
        le += static_cast<char>(c >> 8);
        be += static_cast<char>(c >> 8);
        be += static_cast<char>(c & 0xFF);
    }
    for (const auto& [name, bytes] : {std::pair{"le.txt", le}, std::pair{"be.txt", be}}) {
        Result r = read(tmp.write(name, bytes));
        BOOST_TEST(r.diagnostics.empty(), name);
        BOOST_TEST_REQUIRE(r.articles.size() == 1u, name);
        BOOST_TEST(r.articles[0].title == "\u00C9t\u00E9");
        BOOST_TEST(r.articles[0].body == "Body \U0001F600");
    }
    // A lone high surrogate and an odd last byte.
    Result r = read(tmp.write("bad.txt", std::string("\xFF\xFE"
                                                     "T\0i\0\x00\xD8x\0"
                                                     "\n\0b\0z",
                                                     13)));
    BOOST_TEST_REQUIRE(r.articles.size() == 1u);
    BOOST_TEST(r.articles[0].title == "Ti\uFFFDx");
    BOOST_TEST(r.messages().size() == 1u);
    BOOST_TEST(r.messages().at(0).find("UTF-16") != std::string::npos);
    BOOST_TEST(!folio::decode_utf16("plain").has_value());
}

// UTF-16 in either byte order, with its byte-order mark.
std::string utf16(const std::u16string& text, bool little) {
    std::string out = little ? "\xFF\xFE" : "\xFE\xFF";
    for (char16_t c : text) {
        const char lo = static_cast<char>(c & 0xFF), hi = static_cast<char>(c >> 8);
        out += little ? lo : hi;
        out += little ? hi : lo;
    }
    return out;
}

// The streaming decoder gives the same text however its input is cut, a surrogate pair or a
// code unit split between two pieces included.
BOOST_AUTO_TEST_CASE(utf16_decoder_carries_units_across_pieces) {
    const std::u16string text = u"a\u00E9\U0001F600\u4E2D\r\nz";
    for (bool little : {true, false}) {
        const std::string bytes = utf16(text, little).substr(2);
        std::string whole;
        folio::Utf16Decoder all(little);
        all.decode(bytes, whole);
        all.finish(whole);
        BOOST_TEST(whole == "a\u00E9\U0001F600\u4E2D\r\nz");
        BOOST_TEST(!all.damaged());
        for (std::size_t cut = 1; cut < bytes.size(); ++cut) {
            std::string pieces;
            folio::Utf16Decoder split(little);
            split.decode(std::string_view(bytes).substr(0, cut), pieces);
            split.decode(std::string_view(bytes).substr(cut), pieces);
            split.finish(pieces);
            BOOST_TEST(pieces == whole, "cut at " << cut);
        }
    }
    // A high surrogate left at the end, and one followed by a plain unit.
    std::string out;
    folio::Utf16Decoder lone(true);
    lone.decode(std::string("\x3D\xD8"
                            "a\0"
                            "\x3D\xD8",
                            6),
                out);
    lone.finish(out);
    BOOST_TEST(out == "\uFFFDa\uFFFD");
    BOOST_TEST(lone.damaged());
    BOOST_TEST(!folio::utf16_little_endian("\xFF").has_value());
    BOOST_TEST(folio::utf16_little_endian("\xFE\xFFx").value() == false);
}

// JSON Lines in UTF-16 (Windows' "Unicode" text, PowerShell's default) is read record by
// record, from a file or a stream; damage is replaced and reported once.
BOOST_AUTO_TEST_CASE(utf16_json_lines_are_decoded) {
    TempDir tmp;
    const std::u16string records =
        u"{\"title\": \"\u00C9t\u00E9\", \"body\": \"caf\u00E9 \U0001F600\"}\r\n"
        u"{\"title\": \"Second\"}\r\n";
    for (bool little : {true, false}) {
        const std::string bytes = utf16(records, little);
        for (const Result& r :
             {read(tmp.write(little ? "le.jsonl" : "be.jsonl", bytes)), read_jsonl(bytes)}) {
            BOOST_TEST(r.diagnostics.empty(), r.messages().size());
            BOOST_TEST_REQUIRE(r.articles.size() == 2u);
            BOOST_TEST(r.articles[0].title == "\u00C9t\u00E9");
            BOOST_TEST(r.articles[0].body == "caf\u00E9 \U0001F600");
            BOOST_TEST(r.articles[1].title == "Second");
        }
    }
    std::string damaged = utf16(u"{\"title\": \"x\"}\n", true) + std::string("\x00\xD8", 2);
    const Result r = read_jsonl(damaged);
    BOOST_TEST(r.articles.size() == 1u);
    BOOST_TEST_REQUIRE(r.messages().size() == 2u);
    BOOST_TEST(r.messages()[0].rfind("E in.jsonl:2: invalid JSON", 0) == 0u, r.messages()[0]);
    BOOST_TEST(r.messages()[1] ==
               "W in.jsonl: UTF-16 text with unpaired surrogates or an odd last byte: replaced by "
               "U+FFFD");
}

// read_file drops a tag it does not know, with one warning per tag whatever the number of
// files; a known tag becomes its language.
BOOST_AUTO_TEST_CASE(unknown_language_tag_warned_once) {
    TempDir tmp;
    const std::string md = "---\ntitle: T\nlang: qx-Test\n---\nbody\n";
    Result first = read(tmp.write("one.md", md));
    Result second = read(tmp.write("two.md", md));
    BOOST_TEST_REQUIRE(first.articles.size() == 1u);
    BOOST_TEST(first.articles[0].language == "");
    BOOST_TEST(first.messages().size() == 1u);
    BOOST_TEST(first.messages().at(0).find("unknown language 'qx-Test'") != std::string::npos);
    BOOST_TEST(second.messages().empty());
    Result html = read(tmp.write("p.html", "<html lang=\"pt-BR\"><title>T</title><p>x</p></html>"));
    BOOST_TEST_REQUIRE(html.articles.size() == 1u);
    BOOST_TEST(html.articles[0].language == "portuguese");
}
