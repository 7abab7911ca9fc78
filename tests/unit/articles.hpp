// articles.hpp: articles, and in-memory databases holding them, for the unit tests.
#pragma once

#include <xapian.h>

#include <string>
#include <vector>

#include "index/writer.hpp"

namespace folio::test {

inline Article article(const std::string& id, const std::string& title, const std::string& body,
                       const std::string& date = "", const std::vector<std::string>& tags = {}) {
    Article a;
    a.id = id;
    a.title = title;
    a.body = body;
    a.date = date;
    a.tags = tags;
    a.source = "test";
    return a;
}

/// An in-memory database holding `articles`, written as the indexer writes them (but for the
/// spelling table, which the in-memory backend does not have).
inline Xapian::WritableDatabase memory_database(const std::vector<Article>& articles) {
    Xapian::WritableDatabase db(std::string(), Xapian::DB_BACKEND_INMEMORY);
    WriterOptions options;
    options.spelling = false;
    IndexWriter writer(db, options);
    for (const Article& a : articles)
        writer.add(a);
    writer.commit();
    return db;
}

}  // namespace folio::test
