// SPDX-License-Identifier: GPL-2.0-or-later
#include "folio/render.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string_view>

#include "folio/terminal.hpp"
#include "read/readers.hpp"
#include "render/json_writer.hpp"
#include "schema/schema.hpp"
#include "text/utf8.hpp"

namespace folio {

std::string shown_key(std::string_view key) {
    std::string out;
    for (char c : key) {
        if (c == schema::kListSeparator)
            out += ", ";
        else
            out += c;
    }
    return out;
}

namespace {

using detail::base64;
using detail::compact;
using detail::Json;
using detail::put_article_fields;
using detail::put_bool;
using detail::put_matches;
using detail::put_number;
using detail::put_optional;
using detail::put_ranges;
using detail::put_string;
using detail::put_strings;

constexpr const char* kReset = "\033[0m";
constexpr const char* kBold = "\033[1m";
constexpr const char* kMatch = "\033[1;31m";
constexpr const char* kPath = "\033[35m";
constexpr const char* kMeta = "\033[32m";

/// Scores rounded so that the output does not depend on the last bits of a double.
double rounded(double score) {
    return std::round(score * 1e6) / 1e6;
}

Json contribution_json(const Contribution& c) {
    Json j{{"label", c.label},
           {"field", c.field},
           {"stem", c.stem},
           {"found_in", c.found_in},
           {"weight", rounded(c.weight)}};
    if (c.termfreq > 0) {
        j["wdf"] = c.wdf;
        j["termfreq"] = c.termfreq;
    }
    if (c.feedback)
        j["feedback"] = true;
    return j;
}

void put_hit(std::string& out, const Hit& hit) {
    const Article& a = hit.article;
    out += "{\"rank\":";
    put_number(out, hit.rank);
    out += ",\"score\":";
    out += compact(Json(rounded(hit.score)));
    out += ",\"id\":";
    put_string(out, a.id);
    out += ",\"title\":";
    put_string(out, a.title);
    out += ",\"title_highlights\":";
    put_ranges(out, hit.title.highlights);
    out += ",\"title_matches\":";
    put_matches(out, hit.title.text, hit.title.highlights);
    out += ",\"path\":";
    put_optional(out, a.path);
    if (!detail::is_valid_utf8(a.path)) {
        // "path" holds U+FFFD where the name's bytes are not UTF-8, which no program can open:
        // the exact bytes too, as ripgrep gives them.
        out += ",\"path_bytes\":\"";
        out += base64(a.path);
        out += '"';
    }
    put_article_fields(out, a);
    out += ",\"passages\":[";
    for (std::size_t i = 0; i < hit.passages.size(); ++i) {
        const Snippet& p = hit.passages[i];
        out += i > 0 ? ",{\"text\":" : "{\"text\":";
        put_string(out, p.text);
        out += ",\"highlights\":";
        put_ranges(out, p.highlights);
        out += ",\"matches\":";
        put_matches(out, p.text, p.highlights);
        out += ",\"at_start\":";
        put_bool(out, p.at_start);
        out += ",\"at_end\":";
        put_bool(out, p.at_end);
        if (p.page != 0) {
            out += ",\"page\":";
            put_number(out, p.page);
        }
        out += '}';
    }
    out += ']';
    if (hit.collapse_count > 0) {
        out += ",\"collapse\":{\"key\":";
        put_string(out, shown_key(hit.collapse_key));
        out += ",\"count\":";
        put_number(out, hit.collapse_count);
        out += '}';
    }
    if (!hit.explain.empty()) {
        Json parts = Json::array();
        for (const auto& c : hit.explain)
            parts.push_back(contribution_json(c));
        out += ",\"explain\":";
        out += compact(parts);
    }
    out += '}';
}

std::string score_text(double score) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.6f", rounded(score));
    return buffer;
}

/// "text (title, body), 3 times, in 12 articles"
std::string contribution_text(const Contribution& c) {
    std::string out = c.field.empty() ? "" : c.field;
    if (!c.found_in.empty()) {
        out += " (";
        for (std::size_t i = 0; i < c.found_in.size(); ++i)
            out += (i ? ", " : "") + c.found_in[i];
        out += ")";
    }
    if (c.termfreq > 0) {
        out += (out.empty() ? "" : ", ") + std::to_string(c.wdf) +
               (c.wdf == 1 ? " time" : " times") + ", in " + std::to_string(c.termfreq) +
               (c.termfreq == 1 ? " article" : " articles");
    }
    return out;
}

std::string join(const std::vector<std::string>& list, const char* separator) {
    std::string out;
    for (const auto& s : list) {
        if (!out.empty())
            out += separator;
        out += s;
    }
    return out;
}

std::string mark(const Snippet& snippet, const std::string& open, const std::string& close,
                 bool ellipses) {
    std::string out;
    out.reserve(snippet.text.size() + snippet.highlights.size() * 8 + 8);
    if (ellipses && !snippet.at_start)
        out += "…";
    // The text between the markers goes to a terminal: made safe piece by piece, so that the
    // byte ranges of the highlights still hold.
    const std::string_view text = snippet.text;
    std::size_t pos = 0;
    for (const auto& h : snippet.highlights) {
        out += terminal_text(text.substr(pos, h.begin - pos));
        out += open;
        out += terminal_text(text.substr(h.begin, h.end - h.begin));
        out += close;
        pos = h.end;
    }
    out += terminal_text(text.substr(std::min(pos, text.size())));
    if (ellipses && !snippet.at_end)
        out += "…";
    return out;
}

}  // namespace

std::string render_snippet(const Snippet& snippet, const TextStyle& style, bool ellipses) {
    return style.color ? mark(snippet, kMatch, kReset, ellipses)
                       : mark(snippet, style.open, style.close, ellipses);
}

std::string hit_location(const Hit& hit) {
    const Article& a = hit.article;
    if (!a.path.empty()) {
        // A JSON Lines file holds many articles: its path alone does not say which.
        if (format_for_path(a.path) != Format::jsonl || a.id == a.path)
            return a.path;
        if (a.id.size() > a.path.size() && a.id.starts_with(a.path) && a.id[a.path.size()] == '#')
            return a.id;  // the id Folio gave a record without one: already PATH#HASH
        return a.path + "#" + a.id;
    }
    if (!a.url.empty())
        return a.url;
    return a.id;
}

std::string count_line(const SearchResult& result) {
    if (!result.matched())
        return "no matches";
    const std::string total = std::string(result.exact() ? "" : "about ") +
                              std::to_string(result.estimated) +
                              (result.estimated == 1 && result.exact() ? " match" : " matches");
    if (result.hits.empty()) {
        if (result.offset == 0)
            return total;
        return total + ", none from " + std::to_string(result.offset + 1) + " on";
    }
    const std::size_t first = result.offset + 1, last = result.offset + result.hits.size();
    if (result.exact() && result.estimated == 1 && first == 1)
        return total;
    return std::to_string(first) + "-" + std::to_string(last) + " of " + total;
}

void write_text(std::ostream& out, const SearchResult& result, const TextStyle& style) {
    // Every string from the data (or the query) is made terminal-safe before the colours go in.
    auto paint = [&](const char* code, const std::string& text) {
        return style.color ? std::string(code) + terminal_text(text) + kReset : terminal_text(text);
    };
    auto safe = [](const std::string& text) { return terminal_text(text); };
    if (result.suggestion) {
        if (result.corrected)
            out << "Showing results for: " << paint(kBold, *result.suggestion) << "\n\n";
        else
            out << "Did you mean: " << paint(kBold, *result.suggestion) << "?\n\n";
    }
    if (result.explained) {
        out << "Query: " << safe(result.parsed) << "\n";
        if (!result.feedback.reason.empty())
            out << "Feedback: " << safe(result.feedback.reason) << "\n";
        out << "\n";
    }
    if (!result.like_terms.empty())
        out << "Similar by: " << safe(join(result.like_terms, " ")) << "\n\n";
    for (const Hit& hit : result.hits) {
        std::string title;
        if (hit.article.title.empty()) {
            title = "(untitled)";
        } else if (style.color) {
            // Bold title; its matched words in the match colour, then back to bold.
            title = std::string(kBold) +
                    mark(hit.title, kMatch, std::string(kReset) + kBold, false) + kReset;
        } else {
            title = mark(hit.title, style.open, style.close, false);
        }
        out << paint(kBold, std::to_string(hit.rank) + ".") << " " << title << "\n";
        std::vector<std::string> meta;
        if (!hit.article.date.empty())
            meta.push_back(paint(kMeta, hit.article.date));
        if (!hit.article.authors.empty())
            meta.push_back(safe(join(hit.article.authors, ", ")));
        if (!hit.article.source.empty())
            meta.push_back(safe(hit.article.source));
        meta.push_back(paint(kPath, hit_location(hit)));
        out << "   " << join(meta, " · ") << "\n";
        if (hit.collapse_count > 1) {
            out << "   (" << hit.collapse_count << " matches with this " << result.collapse << ": "
                << safe(shown_key(hit.collapse_key)) << ")\n";
        }
        for (const auto& p : hit.passages) {
            out << "   ";
            if (p.page != 0)
                out << paint(kMeta, "p. " + std::to_string(p.page)) << " ";
            out << render_snippet(p, style, true) << "\n";
        }
        if (result.explained) {
            out << "   score " << score_text(hit.score) << ":\n";
            for (const auto& c : hit.explain) {
                std::string label =
                    c.label + (c.stem ? " (stem)" : "") + (c.feedback ? " (feedback)" : "");
                label = safe(label);
                std::string line = "     " + score_text(c.weight) + "  " + label;
                std::string detail = safe(contribution_text(c));
                if (!detail.empty())
                    line += std::string(label.size() < 20 ? 20 - label.size() : 1, ' ') + detail;
                out << line << "\n";
            }
        }
        out << "\n";
    }
    out << count_line(result) << "\n";
    if (!result.facets.empty())
        out << "\n";
    for (const auto& facet : result.facets) {
        out << paint(kBold, std::string(facet_name(facet.field)) + ":");
        if (facet.values.empty())
            out << " (none)";
        for (std::size_t i = 0; i < facet.values.size(); ++i) {
            out << (i ? ", " : " ") << safe(facet.values[i].value) << " (" << facet.values[i].count
                << ")";
        }
        if (facet.distinct > facet.values.size())
            out << ", … (" << facet.distinct << " values)";
        out << "\n";
    }
}

namespace {

Json facets_json(const std::vector<FacetResult>& facets) {
    Json out = Json::object();
    for (const auto& facet : facets) {
        Json values = Json::array();
        for (const auto& v : facet.values)
            values.push_back({{"value", v.value}, {"count", v.count}});
        out[std::string(facet_name(facet.field))] = {{"distinct", facet.distinct},
                                                     {"values", values}};
    }
    return out;
}

Json feedback_json(const FeedbackDecision& d) {
    Json j{{"considered", d.considered}, {"applied", d.applied}};
    if (d.considered) {
        j["predictor"] = "distinct words per feedback document";
        j["value"] = rounded(d.value);
        j["documents"] = d.documents;
    }
    j["threshold"] = rounded(d.threshold);
    j["reason"] = d.reason;
    return j;
}

std::string compact_result(const SearchResult& result) {
    std::string out;
    out.reserve(512 + result.hits.size() * 1024);
    out += "{\"version\":";
    put_number(out, kJsonSchemaVersion);
    out += ",\"query\":";
    put_string(out, result.query);
    out += ",\"parsed\":";
    put_string(out, result.parsed);
    out += ",\"total\":{\"estimated\":";
    put_number(out, result.estimated);
    out += ",\"lower_bound\":";
    put_number(out, result.lower_bound);
    out += ",\"upper_bound\":";
    put_number(out, result.upper_bound);
    out += ",\"exact\":";
    put_bool(out, result.exact());
    out += ",\"time_limited\":";
    put_bool(out, result.time_limited);
    out += "},\"offset\":";
    put_number(out, result.offset);
    out += ",\"suggestion\":";
    if (result.suggestion)
        put_string(out, *result.suggestion);
    else
        out += "null";
    out += ",\"corrected\":";
    put_bool(out, result.corrected);
    out += ",\"hits\":[";
    for (std::size_t i = 0; i < result.hits.size(); ++i) {
        if (i > 0)
            out += ',';
        put_hit(out, result.hits[i]);
    }
    out += ']';
    if (!result.facets.empty()) {
        out += ",\"facets\":";
        out += compact(facets_json(result.facets));
    }
    if (!result.like_terms.empty()) {
        out += ",\"like_terms\":";
        put_strings(out, result.like_terms);
    }
    if (!result.collapse.empty()) {
        out += ",\"collapse\":";
        put_string(out, result.collapse);
    }
    if (result.explained)
        out += ",\"feedback\":" + compact(feedback_json(result.feedback));
    out += '}';
    return out;
}

/// `compact` (a JSON document as compact() writes it) laid out as nlohmann's dump(2) lays it
/// out: a line per member or element, two spaces a level, ": " after a key, empty objects and
/// arrays kept as {} and []. A one-query process printing --json spent 1.4 M instructions (a
/// quarter of its work) building nlohmann objects for this.
std::string indented(std::string_view compact) {
    std::string out;
    out.reserve(compact.size() + compact.size() / 2);
    std::size_t level = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < compact.size(); ++i) {
        const char c = compact[i];
        if (in_string) {
            out += c;
            if (c == '\\' && i + 1 < compact.size())
                out += compact[++i];
            else if (c == '"')
                in_string = false;
            continue;
        }
        switch (c) {
            case '"':
                in_string = true;
                out += c;
                break;
            case '{':
            case '[':
                out += c;
                if (i + 1 < compact.size() && compact[i + 1] == (c == '{' ? '}' : ']')) {
                    out += compact[++i];
                    break;
                }
                ++level;
                out += '\n';
                out.append(2 * level, ' ');
                break;
            case '}':
            case ']':
                --level;
                out += '\n';
                out.append(2 * level, ' ');
                out += c;
                break;
            case ',':
                out += ",\n";
                out.append(2 * level, ' ');
                break;
            case ':':
                out += ": ";
                break;
            default:
                out += c;
        }
    }
    return out;
}

}  // namespace

std::string result_json(const SearchResult& result, bool pretty) {
    std::string compact = compact_result(result);
    return pretty ? indented(compact) : compact;
}

namespace {

std::string size_text(std::uint64_t bytes) {
    const char* units[] = {"B", "kB", "MB", "GB", "TB"};
    double value = static_cast<double>(bytes);
    std::size_t unit = 0;
    while (value >= 1000 && unit + 1 < std::size(units)) {
        value /= 1000;
        ++unit;
    }
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, unit == 0 ? "%.0f %s" : "%.1f %s", value, units[unit]);
    return buffer;
}

std::string counts_text(const std::map<std::string, Xapian::doccount>& counts) {
    std::vector<std::pair<std::string, Xapian::doccount>> list(counts.begin(), counts.end());
    std::stable_sort(list.begin(), list.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    std::string out;
    for (const auto& [name, count] : list)
        out += (out.empty() ? "" : ", ") + name + " (" + std::to_string(count) + ")";
    return out.empty() ? "-" : out;
}

}  // namespace

void write_stats(std::ostream& out, const DatabaseStats& s) {
    char average[32];
    std::snprintf(average, sizeof average, "%.1f", s.average_length);
    std::vector<std::pair<std::string, std::string>> rows{
        {"database", join(s.paths, ", ")},
        {"articles", std::to_string(s.articles)},
        {"distinct terms", std::to_string(s.terms) + " (" + std::to_string(s.words) + " words)"},
        {"average length", std::string(average) + " terms"},
        {"stemming", s.language},
        {"languages", counts_text(s.languages)},
        {"sources", counts_text(s.sources)},
        {"dates", s.first_date.empty() ? "-"
                                       : s.first_date + " .. " + s.last_date + " (" +
                                             std::to_string(s.dated) + " dated)"},
        {"synonyms", std::to_string(s.synonyms) + " words"},
        {"size on disk", size_text(s.size_bytes) + " (" + std::to_string(s.size_bytes) + " bytes)"},
        {"last update", s.updated ? iso_time(*s.updated) : "-"}};
    for (const auto& [name, value] : rows)
        out << name << std::string(16 - name.size(), ' ') << terminal_text(value) << "\n";
}

std::string stats_json(const DatabaseStats& s, bool pretty) {
    Json doc{{"version", kJsonSchemaVersion},
             {"databases", s.paths},
             {"articles", s.articles},
             {"terms", s.terms},
             {"words", s.words},
             {"average_length", rounded(s.average_length)},
             {"language", s.language},
             {"languages", s.languages},
             {"sources", s.sources},
             {"dates",
              {{"first", s.first_date.empty() ? Json(nullptr) : Json(s.first_date)},
               {"last", s.last_date.empty() ? Json(nullptr) : Json(s.last_date)},
               {"dated", s.dated}}},
             {"synonyms", s.synonyms},
             {"size_bytes", s.size_bytes},
             {"updated", s.updated ? Json(iso_time(*s.updated)) : Json(nullptr)}};
    return doc.dump(pretty ? 2 : -1, ' ', false, Json::error_handler_t::replace);
}

void write_articles(std::ostream& out, const std::vector<Article>& articles) {
    for (std::size_t i = 0; i < articles.size(); ++i) {
        const Article& a = articles[i];
        if (i > 0)
            out << "\f\n";
        auto field = [&out](const char* name, const std::string& value) {
            if (!value.empty())
                out << name << ": " << terminal_text(value) << "\n";
        };
        field("id", a.id);
        field("title", a.title);
        field("date", a.date);
        field("authors", join(a.authors, "; "));
        field("tags", join(a.tags, ", "));
        field("source", a.source);
        field("language", a.language);
        field("url", a.url);
        field("path", a.path);
        field("description", a.description);
        out << "\n";
        // Line by line: the text's own line ends stay line ends, and nothing else can reach
        // the terminal.
        std::string_view body = a.body;
        while (!body.empty()) {
            const std::size_t end = body.find('\n');
            out << terminal_text(body.substr(0, end)) << "\n";
            if (end == std::string_view::npos)
                break;
            body.remove_prefix(end + 1);
        }
    }
}

std::string articles_json(const std::vector<Article>& articles, bool pretty) {
    std::string out = "{\"version\":";
    put_number(out, kJsonSchemaVersion);
    out += ",\"articles\":[";
    for (std::size_t i = 0; i < articles.size(); ++i) {
        const Article& a = articles[i];
        out += i > 0 ? ",{\"id\":" : "{\"id\":";
        put_string(out, a.id);
        out += ",\"title\":";
        put_string(out, a.title);
        out += ",\"path\":";
        put_optional(out, a.path);
        put_article_fields(out, a);
        out += ",\"description\":";
        put_optional(out, a.description);
        out += ",\"body\":";
        put_string(out, a.body);
        out += '}';
    }
    out += "]}";
    return pretty ? indented(out) : out;
}

std::string hit_json(const Hit& hit) {
    std::string out;
    put_hit(out, hit);
    return out;
}

std::string error_json(const std::string& query, const std::string& message, long column) {
    Json doc{{"version", kJsonSchemaVersion}, {"query", query}, {"error", message}};
    if (column >= 0)
        doc["column"] = column;
    return doc.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace folio
