#include "folio/render.hpp"

#include <cmath>
#include <nlohmann/json.hpp>

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

Json hit_object(const Hit& hit) {
    const Article& a = hit.article;
    Json passages = Json::array();
    for (const auto& p : hit.passages)
        passages.push_back(snippet_json(p));
    Json title_ranges = Json::array();
    for (const auto& h : hit.title.highlights)
        title_ranges.push_back({h.begin, h.end});
    return Json{{"rank", hit.rank},
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
        for (const auto& p : hit.passages)
            out << "   " << render_snippet(p, style, true) << "\n";
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
             {"hits", hits}};
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
