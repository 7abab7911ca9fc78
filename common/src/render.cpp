#include "folio/render.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <nlohmann/json.hpp>

#include "folio/schema.hpp"

namespace folio {

namespace {

using Json = nlohmann::ordered_json;

constexpr const char* kReset = "\033[0m";
constexpr const char* kBold = "\033[1m";
constexpr const char* kMatch = "\033[1;31m";
constexpr const char* kPath = "\033[35m";
constexpr const char* kMeta = "\033[32m";

/// Scores rounded so that the output does not depend on the last bits of a double.
double rounded(double score) {
    return std::round(score * 1e6) / 1e6;
}

Json snippet_json(const Snippet& s) {
    Json ranges = Json::array();
    for (const auto& h : s.highlights)
        ranges.push_back({h.begin, h.end});
    return Json{
        {"text", s.text}, {"highlights", ranges}, {"at_start", s.at_start}, {"at_end", s.at_end}};
}

/// A collapse key as shown: list separators become ", ".
std::string shown_key(std::string key) {
    std::string out;
    for (char c : key) {
        if (c == schema::kListSeparator)
            out += ", ";
        else
            out += c;
    }
    return out;
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
    return j;
}

Json hit_object(const Hit& hit) {
    const Article& a = hit.article;
    Json passages = Json::array();
    for (const auto& p : hit.passages)
        passages.push_back(snippet_json(p));
    Json title_ranges = Json::array();
    for (const auto& h : hit.title.highlights)
        title_ranges.push_back({h.begin, h.end});
    Json j{{"rank", hit.rank},
           {"score", rounded(hit.score)},
           {"id", a.id},
           {"title", a.title},
           {"title_highlights", title_ranges},
           {"path", a.path},
           {"url", a.url},
           {"date", a.date},
           {"authors", a.authors},
           {"tags", a.tags},
           {"source", a.source},
           {"language", a.language},
           {"passages", passages}};
    if (hit.collapse_count > 0)
        j["collapse"] = {{"key", shown_key(hit.collapse_key)}, {"count", hit.collapse_count}};
    if (!hit.explain.empty()) {
        Json parts = Json::array();
        for (const auto& c : hit.explain)
            parts.push_back(contribution_json(c));
        j["explain"] = parts;
    }
    return j;
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
    std::size_t pos = 0;
    for (const auto& h : snippet.highlights) {
        out.append(snippet.text, pos, h.begin - pos);
        out += open;
        out.append(snippet.text, h.begin, h.end - h.begin);
        out += close;
        pos = h.end;
    }
    out.append(snippet.text, pos, std::string::npos);
    if (ellipses && !snippet.at_end)
        out += "…";
    return out;
}

}  // namespace

std::string render_snippet(const Snippet& snippet, const TextStyle& style, bool ellipses) {
    return style.color ? mark(snippet, kMatch, kReset, ellipses)
                       : mark(snippet, style.open, style.close, ellipses);
}

const std::string& hit_location(const Hit& hit) {
    if (!hit.article.path.empty())
        return hit.article.path;
    if (!hit.article.url.empty())
        return hit.article.url;
    return hit.article.id;
}

void write_text(std::ostream& out, const SearchResult& result, const TextStyle& style) {
    auto paint = [&](const char* code, const std::string& text) {
        return style.color ? std::string(code) + text + kReset : text;
    };
    if (result.suggestion) {
        if (result.corrected)
            out << "Showing results for: " << paint(kBold, *result.suggestion) << "\n\n";
        else
            out << "Did you mean: " << paint(kBold, *result.suggestion) << "?\n\n";
    }
    if (result.explained)
        out << "Query: " << result.parsed << "\n\n";
    if (!result.like_terms.empty())
        out << "Similar by: " << join(result.like_terms, " ") << "\n\n";
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
            meta.push_back(join(hit.article.authors, ", "));
        if (!hit.article.source.empty())
            meta.push_back(hit.article.source);
        meta.push_back(paint(kPath, hit_location(hit)));
        out << "   " << join(meta, " · ") << "\n";
        if (hit.collapse_count > 1) {
            out << "   (" << hit.collapse_count << " matches with this " << result.collapse << ": "
                << shown_key(hit.collapse_key) << ")\n";
        }
        for (const auto& p : hit.passages)
            out << "   " << render_snippet(p, style, true) << "\n";
        if (result.explained) {
            out << "   score " << score_text(hit.score) << ":\n";
            for (const auto& c : hit.explain) {
                std::string label = c.label + (c.stem ? " (stem)" : "");
                std::string line = "     " + score_text(c.weight) + "  " + label;
                std::string detail = contribution_text(c);
                if (!detail.empty())
                    line += std::string(label.size() < 20 ? 20 - label.size() : 1, ' ') + detail;
                out << line << "\n";
            }
        }
        out << "\n";
    }
    std::size_t first = result.offset + 1, last = result.offset + result.hits.size();
    if (result.hits.empty()) {
        out << "no matches\n";
    } else {
        out << first << "-" << last << " of "
            << (result.lower_bound == result.upper_bound ? "" : "about ") << result.estimated
            << " matches\n";
    }
    if (!result.facets.empty())
        out << "\n";
    for (const auto& facet : result.facets) {
        out << paint(kBold, std::string(facet_name(facet.field)) + ":");
        if (facet.values.empty())
            out << " (none)";
        for (std::size_t i = 0; i < facet.values.size(); ++i) {
            out << (i ? ", " : " ") << facet.values[i].value << " (" << facet.values[i].count
                << ")";
        }
        if (facet.distinct > facet.values.size())
            out << ", … (" << facet.distinct << " values)";
        out << "\n";
    }
}

std::string result_json(const SearchResult& result, bool pretty) {
    Json hits = Json::array();
    for (const auto& hit : result.hits)
        hits.push_back(hit_object(hit));
    Json doc{{"version", kJsonSchemaVersion},
             {"query", result.query},
             {"parsed", result.parsed},
             {"total",
              {{"estimated", result.estimated},
               {"lower_bound", result.lower_bound},
               {"upper_bound", result.upper_bound},
               {"exact", result.lower_bound == result.upper_bound}}},
             {"offset", result.offset},
             {"suggestion", result.suggestion ? Json(*result.suggestion) : Json(nullptr)},
             {"corrected", result.corrected},
             {"hits", hits}};
    if (!result.facets.empty()) {
        Json facets = Json::object();
        for (const auto& facet : result.facets) {
            Json values = Json::array();
            for (const auto& v : facet.values)
                values.push_back({{"value", v.value}, {"count", v.count}});
            facets[std::string(facet_name(facet.field))] = {{"distinct", facet.distinct},
                                                            {"values", values}};
        }
        doc["facets"] = facets;
    }
    if (!result.like_terms.empty())
        doc["like_terms"] = result.like_terms;
    if (!result.collapse.empty())
        doc["collapse"] = result.collapse;
    return doc.dump(pretty ? 2 : -1, ' ', false, Json::error_handler_t::replace);
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
        out << name << std::string(16 - name.size(), ' ') << value << "\n";
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

std::string hit_json(const Hit& hit) {
    return hit_object(hit).dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string error_json(const std::string& query, const std::string& message, long column) {
    Json doc{{"version", kJsonSchemaVersion}, {"query", query}, {"error", message}};
    if (column >= 0)
        doc["column"] = column;
    return doc.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace folio
