// SPDX-License-Identifier: GPL-2.0-or-later
#define BOOST_TEST_MODULE render
#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>
#include <sstream>

#include "folio/render.hpp"
#include "folio/terminal.hpp"

using namespace folio;

namespace {

Snippet snippet(std::string text, std::vector<Highlight> ranges, bool at_start, bool at_end) {
    Snippet s;
    s.text = std::move(text);
    s.highlights = std::move(ranges);
    s.at_start = at_start;
    s.at_end = at_end;
    return s;
}

SearchResult sample_result() {
    SearchResult r;
    r.query = "whale";
    r.parsed = "Query(Zwhale@1)";
    r.estimated = r.lower_bound = r.upper_bound = 1;
    Hit h;
    h.rank = 1;
    h.score = 1.23456789;
    h.article.id = "md-1";
    h.article.title = "The Whale";
    h.article.path = "/books/whale.md";
    h.article.date = "1851-10-18";
    h.article.authors = {"Herman Melville"};
    h.article.source = "books";
    h.title = snippet("The Whale", {{4, 9}}, true, true);
    h.passages.push_back(snippet("a whale — the Whale", {{2, 7}, {16, 21}}, false, true));
    r.hits.push_back(h);
    return r;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(renderers)

// Markers surround each highlight; an ellipsis shows where the passage was cut.
BOOST_AUTO_TEST_CASE(markers_and_ellipses) {
    TextStyle plain;
    plain.open = "[";
    plain.close = "]";
    Snippet s = sample_result().hits[0].passages[0];
    BOOST_TEST(render_snippet(s, plain, true) == "…a [whale] — the [Whale]");
    BOOST_TEST(render_snippet(s, plain, false) == "a [whale] — the [Whale]");
}

// Colour uses ANSI escapes, and nothing else does.
BOOST_AUTO_TEST_CASE(ansi_colour) {
    TextStyle colour;
    colour.color = true;
    Snippet s = snippet("x y", {{2, 3}}, true, true);
    BOOST_TEST(render_snippet(s, colour, true) == "x \033[1;31my\033[0m");
}

// The human listing: rank and title, a meta line, the passage, the count line.
BOOST_AUTO_TEST_CASE(text_listing) {
    std::ostringstream out;
    write_text(out, sample_result(), TextStyle{});
    BOOST_TEST(out.str() ==
               "1. The **Whale**\n"
               "   1851-10-18 · Herman Melville · books · /books/whale.md\n"
               "   …a **whale** — the **Whale**\n"
               "\n"
               "1 match\n");
}

// JSON has the documented members, in a fixed order, and rounded scores.
BOOST_AUTO_TEST_CASE(json_schema) {
    std::string text = result_json(sample_result(), false);
    auto j = nlohmann::json::parse(text);
    BOOST_TEST(j["version"] == kJsonSchemaVersion);
    BOOST_TEST(j["total"]["exact"] == true);
    const auto& hit = j["hits"][0];
    BOOST_TEST(hit["score"].get<double>() == 1.234568);
    BOOST_TEST(hit["passages"][0]["highlights"][1][0] == 16);
    BOOST_TEST(hit["title_highlights"][0][1] == 9);
    BOOST_TEST(text.find("{\"version\":2,\"query\":\"whale\",\"parsed\"") == 0u);
    BOOST_TEST(result_json(sample_result(), false) == text);
}

// A match cut short by the time limit never reports its count as exact, even where the
// bounds it saw agree (a remote shard too slow to answer: 0 of 0): "about" in the listing,
// "exact": false in JSON.
BOOST_AUTO_TEST_CASE(time_limited_count_is_no_exact_count) {
    SearchResult r = sample_result();
    r.time_limited = true;
    BOOST_TEST(!r.exact());
    BOOST_TEST(nlohmann::json::parse(result_json(r, false))["total"]["exact"] == false);
    std::ostringstream out;
    write_text(out, r, TextStyle{});
    BOOST_TEST(out.str().find("about 1 match") != std::string::npos, out.str());
}

// Highlights come with their text and code point offsets, which jq's string slices count
// ("nobody else": byte offsets would cut "body else" after a two-byte character); a value an
// article does not have is null, not "".
BOOST_AUTO_TEST_CASE(json_matches_and_nulls) {
    SearchResult r = sample_result();
    Hit& hit = r.hits[0];
    hit.passages = {snippet("\u00c9t\u00e9 nobody else", {{13, 17}}, true, true)};
    hit.article.date.clear();
    hit.article.url.clear();
    hit.article.source.clear();
    hit.article.path.clear();
    auto j = nlohmann::json::parse(result_json(r, false));
    const auto& h = j["hits"][0];
    const auto& m = h["passages"][0]["matches"][0];
    BOOST_TEST(m["text"] == "else");
    BOOST_TEST(m["bytes"] == nlohmann::json::parse("[13,17]"));
    BOOST_TEST(m["chars"] == nlohmann::json::parse("[11,15]"));
    const std::string text = h["passages"][0]["text"];
    BOOST_TEST(text.substr(m["bytes"][0], 4) == "else");
    BOOST_TEST(h["title_matches"][0]["text"] == "Whale");
    for (const char* key : {"date", "url", "source", "path"})
        BOOST_TEST(h[key].is_null(), key);
}

// A failed batch query is a JSON line with the error and its column.
BOOST_AUTO_TEST_CASE(error_line) {
    auto j = nlohmann::json::parse(error_json("(x", "unbalanced '('", 0));
    BOOST_TEST(j["error"] == "unbalanced '('");
    BOOST_TEST(j["column"] == 0);
}

// --files prints the path, else the url, else the id.
BOOST_AUTO_TEST_CASE(location) {
    Hit h = sample_result().hits[0];
    BOOST_TEST(hit_location(h) == "/books/whale.md");
    h.article.path.clear();
    h.article.url = "https://x";
    BOOST_TEST(hit_location(h) == "https://x");
    h.article.url.clear();
    BOOST_TEST(hit_location(h) == "md-1");
    // A JSON Lines file holds many articles: PATH#ID says which (an id Folio made, already
    // PATH#HASH, as it is).
    h.article.path = "/news/wire.jsonl";
    h.article.id = "wire-3";
    BOOST_TEST(hit_location(h) == "/news/wire.jsonl#wire-3");
    h.article.id = "/news/wire.jsonl#00ff00ff00ff00ff";
    BOOST_TEST(hit_location(h) == "/news/wire.jsonl#00ff00ff00ff00ff");
    h.article.path = "/news/WIRE.JSONL";
    h.article.id = "7";
    BOOST_TEST(hit_location(h) == "/news/WIRE.JSONL#7");
}

// What reaches a terminal: controls, C1, bidirectional controls and bytes that are not UTF-8
// made visible; everything else (accents, CJK, emoji) as it is.
BOOST_AUTO_TEST_CASE(terminal_text_makes_controls_visible) {
    BOOST_TEST(terminal_text("plain caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x98\x80") ==
               "plain caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x98\x80");
    BOOST_TEST(terminal_safe("plain caf\xc3\xa9"));
    BOOST_TEST(terminal_text("\x1b]0;title\x07") == "\\x1B]0;title\\x07");
    BOOST_TEST(terminal_text("\x1b]52;c;eA==\x1b\\") == "\\x1B]52;c;eA==\\x1B\\");
    BOOST_TEST(terminal_text("a\tb\nc\rd\x7f") == "a\\tb\\nc\\rd\\x7F");
    BOOST_TEST(terminal_text(std::string("nul\0byte", 8)) == "nul\\x00byte");
    BOOST_TEST(terminal_text("\xc2\x9b"
                             "2J") == "<U+009B>2J");      // C1 CSI
    BOOST_TEST(terminal_text("\xc2\x85") == "<U+0085>");  // NEL
    BOOST_TEST(terminal_text("abc\xe2\x80\xae"
                             "fed") == "abc<U+202E>fed");  // RLO
    BOOST_TEST(terminal_text("\xe2\x81\xa6x\xe2\x81\xa9") == "<U+2066>x<U+2069>");
    BOOST_TEST(terminal_text("\xe2\x80\x8f\xd8\x9c\xe2\x80\xa8") == "<U+200F><U+061C><U+2028>");
    // Bytes that are not UTF-8 (a lone 0x9B is CSI to an 8-bit terminal), overlong forms and
    // surrogates.
    BOOST_TEST(terminal_text("bad\x9b\xff.txt") == "bad\\x9B\\xFF.txt");
    BOOST_TEST(terminal_text("\xc0\xaf") == "\\xC0\\xAF");
    BOOST_TEST(terminal_text("\xed\xa0\x80") == "\\xED\\xA0\\x80");
    BOOST_TEST(terminal_text("cut \xe2\x80") == "cut \\xE2\\x80");
    BOOST_TEST(!terminal_safe("\xe2\x80\xae"));
    BOOST_TEST(terminal_text("") == "");
}

// The listing and the statistics show article fields through terminal_text; JSON stays exact.
BOOST_AUTO_TEST_CASE(listing_is_terminal_safe) {
    SearchResult r = sample_result();
    r.hits[0].article.authors = {"Ann\x1b]0;x\x07"};
    r.hits[0].article.source = "src\xe2\x80\xae";
    r.hits[0].article.path = "/a\nb.md";
    r.hits[0].passages = {snippet("see \x1b[2Jthe whale", {{12, 17}}, true, true)};
    for (bool color : {false, true}) {
        std::ostringstream out;
        TextStyle style;
        style.color = color;
        write_text(out, r, style);
        BOOST_TEST(out.str().find("\x1b]") == std::string::npos, out.str());
        BOOST_TEST(out.str().find("\x1b[2J") == std::string::npos, out.str());
        BOOST_TEST(out.str().find("\xe2\x80\xae") == std::string::npos, out.str());
        BOOST_TEST(out.str().find("Ann\\x1B]0;x\\x07") != std::string::npos, out.str());
        BOOST_TEST(out.str().find("/a\\nb.md") != std::string::npos, out.str());
        BOOST_TEST(out.str().find("see \\x1B[2Jthe ") != std::string::npos, out.str());
    }
    auto j = nlohmann::json::parse(result_json(r, false));
    BOOST_TEST(j["hits"][0]["authors"][0] == "Ann\x1b]0;x\x07");
    BOOST_TEST(!j["hits"][0].contains("path_bytes"));
    r.hits[0].article.path = "/bad\xe9.md";
    j = nlohmann::json::parse(result_json(r, false));
    BOOST_TEST(j["hits"][0]["path_bytes"] == "L2JhZOkubWQ=");
}

// The power members: suggestion (null when none), facets, collapse and explain, in both outputs.
BOOST_AUTO_TEST_CASE(power_members) {
    SearchResult r = sample_result();
    auto plain = nlohmann::json::parse(result_json(r, false));
    BOOST_TEST(plain["suggestion"].is_null());
    BOOST_TEST(plain["corrected"] == false);
    BOOST_TEST(!plain.contains("facets"));
    BOOST_TEST(!plain["hits"][0].contains("explain"));
    BOOST_TEST(!plain["hits"][0].contains("collapse"));

    r.suggestion = "whale";
    r.facets.push_back(
        FacetResult{FacetField::author, {{"Herman Melville", 12}, {"Ishmael", 3}}, 5});
    r.collapse = "author";
    r.hits[0].collapse_key = std::string("Herman Melville") + '\x1f' + "Ishmael";
    r.hits[0].collapse_count = 4;
    Contribution c;
    c.label = "whale";
    c.field = "text";
    c.stem = true;
    c.found_in = {"title", "body"};
    c.weight = 1.23456789;
    c.wdf = 7;
    c.termfreq = 2;
    r.hits[0].explain = {c};
    r.explained = true;
    auto j = nlohmann::json::parse(result_json(r, true));
    BOOST_TEST(j["version"] == 2);
    BOOST_TEST(j["suggestion"] == "whale");
    BOOST_TEST(j["facets"]["author"]["distinct"] == 5);
    BOOST_TEST(j["facets"]["author"]["values"][0]["value"] == "Herman Melville");
    BOOST_TEST(j["facets"]["author"]["values"][0]["count"] == 12);
    BOOST_TEST(j["collapse"] == "author");
    BOOST_TEST(j["hits"][0]["collapse"]["key"] == "Herman Melville, Ishmael");
    BOOST_TEST(j["hits"][0]["collapse"]["count"] == 4);
    BOOST_TEST(j["hits"][0]["explain"][0]["weight"] == 1.234568);
    BOOST_TEST(j["hits"][0]["explain"][0]["found_in"][1] == "body");

    std::ostringstream out;
    write_text(out, r, TextStyle{});
    std::string text = out.str();
    BOOST_TEST(text.starts_with("Did you mean: whale?\n\nQuery: Query(Zwhale@1)\n\n1. "), text);
    BOOST_TEST(text.find("   (4 matches with this author: Herman Melville, Ishmael)\n") !=
                   std::string::npos,
               text);
    BOOST_TEST(
        text.find("   score 1.234568:\n     1.234568  whale (stem)        text (title, body), "
                  "7 times, in 2 articles\n") != std::string::npos,
        text);
    BOOST_TEST(
        text.ends_with("1 match\n\nauthor: Herman Melville (12), Ishmael (3), … (5 values)\n"),
        text);
}

// --explain shows the feedback decision for the query (text and JSON), and marks the parts of a
// hit's score that feedback added.
BOOST_AUTO_TEST_CASE(feedback_decision) {
    SearchResult r = sample_result();
    BOOST_TEST(!nlohmann::json::parse(result_json(r, false)).contains("feedback"));
    r.explained = true;
    r.feedback.considered = true;
    r.feedback.applied = false;
    r.feedback.value = 5.25;
    r.feedback.threshold = 12;
    r.feedback.documents = 10;
    r.feedback.reason =
        "not applied: the top 10 matches hold 5.25 distinct words each, below "
        "the threshold 12 (too little text to tell what they are about)";
    Contribution c;
    c.label = "harpoon";
    c.field = "text";
    c.stem = true;
    c.weight = 0.5;
    c.feedback = true;
    r.hits[0].explain = {c};
    for (bool pretty : {false, true}) {
        auto j = nlohmann::json::parse(result_json(r, pretty));
        BOOST_TEST(j["feedback"]["considered"] == true);
        BOOST_TEST(j["feedback"]["applied"] == false);
        BOOST_TEST(j["feedback"]["predictor"] == "distinct words per feedback document");
        BOOST_TEST(j["feedback"]["value"] == 5.25);
        BOOST_TEST(j["feedback"]["threshold"] == 12);
        BOOST_TEST(j["feedback"]["documents"] == 10);
        BOOST_TEST(j["feedback"]["reason"] == r.feedback.reason);
        BOOST_TEST(j["hits"][0]["explain"][0]["feedback"] == true);
    }
    std::ostringstream out;
    write_text(out, r, TextStyle{});
    const std::string text = out.str();
    BOOST_TEST(text.starts_with("Query: Query(Zwhale@1)\nFeedback: not applied: the top 10 "
                                "matches hold 5.25 distinct words each, below the threshold 12 "
                                "(too little text to tell what they are about)\n\n1. "),
               text);
    BOOST_TEST(text.find("0.500000  harpoon (stem) (feedback)") != std::string::npos, text);
    // Not considered: no predictor in the JSON.
    r.feedback = FeedbackDecision{};
    r.feedback.reason = "off (--expand 0)";
    auto j = nlohmann::json::parse(result_json(r, false));
    BOOST_TEST(!j["feedback"].contains("value"));
    BOOST_TEST(j["feedback"]["reason"] == "off (--expand 0)");
}

// The compact JSON (batch lines, --jsonl) is written without nlohmann's objects: it must be the
// very document the pretty output holds, byte for byte, whatever the strings hold (escapes,
// control characters, non-ASCII, invalid UTF-8 replaced as nlohmann replaces it) and the numbers.
BOOST_AUTO_TEST_CASE(compact_json_is_the_pretty_document) {
    const std::vector<std::string> tricky{
        "plain",
        "quote \" backslash \\ slash /",
        "controls \b\f\n\r\t \x01\x1f \x7f end",
        "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x90\x8b",
        "bad \xff byte",
        "truncated \xe2\x82",
        "\xc3",
        "overlong \xc0\xaf and surrogate \xed\xa0\x80 and \xf4\x90\x80\x80 too high",
        "mixed \xe2\x82\"\\\n \xc3\xa9",
        ""};
    using Ordered = nlohmann::ordered_json;
    auto same = [](const std::string& compact, const std::string& pretty) {
        return compact ==
               Ordered::parse(pretty).dump(-1, ' ', false, Ordered::error_handler_t::replace);
    };
    // The pretty document (--json) is nlohmann's own layout of the compact one.
    auto laid_out = [](const std::string& compact) {
        return Ordered::parse(compact).dump(2, ' ', false, Ordered::error_handler_t::replace);
    };
    SearchResult none = sample_result();
    none.hits.clear();
    BOOST_TEST(result_json(none, true) == laid_out(result_json(none, false)));
    BOOST_TEST(result_json(none, true).find("\"hits\": []") != std::string::npos);
    const std::vector<double> scores{0.0, 3.0, 1.23456789, 1e-7, 123456.5, 98765432.25};
    for (std::size_t k = 0; k < tricky.size(); ++k) {
        SearchResult r = sample_result();
        r.query = tricky[k];
        r.parsed = tricky[(k + 1) % tricky.size()];
        Hit& h = r.hits[0];
        h.score = scores[k % scores.size()];
        h.article.title = tricky[(k + 2) % tricky.size()];
        h.article.id = tricky[(k + 3) % tricky.size()];
        h.article.authors = {tricky[k], tricky[(k + 4) % tricky.size()]};
        h.article.tags = {tricky[(k + 5) % tricky.size()]};
        h.article.url = tricky[(k + 6) % tricky.size()];
        h.passages.push_back(snippet(tricky[k], {{0, 1}}, true, false));
        Hit second = h;
        second.rank = 2;
        second.passages.clear();
        r.hits.push_back(second);
        BOOST_TEST(same(result_json(r, false), result_json(r, true)), "case " << k);
        BOOST_TEST(result_json(r, true) == laid_out(result_json(r, false)), "case " << k);
        BOOST_TEST(hit_json(r.hits[0]) == Ordered::parse(result_json(r, true))["hits"][0].dump(
                                              -1, ' ', false, Ordered::error_handler_t::replace),
                   "case " << k);
        if (k % 2 == 0) {
            r.suggestion = tricky[k];
            r.corrected = true;
            r.like_terms = {tricky[k], "whale"};
            r.collapse = "author";
            r.hits[0].collapse_key = tricky[k] + '\x1f' + "x";
            r.hits[0].collapse_count = 3;
            r.facets.push_back(FacetResult{FacetField::author, {{tricky[k], 2}}, 1});
            r.facets.push_back(FacetResult{FacetField::tag, {}, 0});
            r.facets.push_back(FacetResult{FacetField::author, {{"again", 1}}, 1});
            Contribution c;
            c.label = tricky[k];
            c.field = "text";
            c.weight = scores[k % scores.size()] + 0.5;
            r.hits[0].explain = {c};
            r.explained = true;
            BOOST_TEST(same(result_json(r, false), result_json(r, true)), "power case " << k);
            BOOST_TEST(result_json(r, true) == laid_out(result_json(r, false)), "power case " << k);
            BOOST_TEST(
                same(hit_json(r.hits[0]), Ordered::parse(result_json(r, true))["hits"][0].dump()),
                "power case " << k);
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
