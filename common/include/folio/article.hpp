// folio/article.hpp: the article, Folio's unit of indexing and of search results.
// Readers produce Articles; the writer turns them into documents; the searcher decodes them back.
#pragma once

#include <string>
#include <vector>

namespace folio {

/// One article. Only id, title and body are always set; the rest is "" or empty where unknown.
struct Article {
    std::string id;     ///< stable id: unique in a database, the key re-indexing replaces by
    std::string title;  ///< may be empty (a 0-length title is allowed)
    std::string body;   ///< the text, UTF-8, paragraphs separated by blank lines
    std::string date;   ///< ISO 8601 "YYYY-MM-DD" (year-only dates become YYYY-01-01), or ""
    std::vector<std::string> authors;
    std::vector<std::string> tags;
    std::string url;
    std::string language;     ///< a libstemmer language name ("english"), or "" for the default
    std::string source;       ///< the collection or folder it came from
    std::string path;         ///< the file it was read from ("" for standard input)
    std::string description;  ///< a summary where the input had one (HTML meta description)

    bool operator==(const Article&) const = default;
};

}  // namespace folio
