// folio/writer.hpp: the index writer. Owns turning Articles into Xapian documents (terms,
// positions, stems, values, stored data, per the schema) and adding, replacing, deleting and
// committing them, with the spelling dictionary and the database's recorded language.
#pragma once

#include <xapian.h>

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>

#include "folio/article.hpp"

namespace folio {

/// Builds the Xapian document for an article. Holds a TermGenerator and one stemmer per
/// language it has met: NOT thread-safe, make one per thread. Deterministic: the same article
/// always gives the same document.
class DocumentBuilder {
  public:
    /// `default_language` (canonical name or "none") stems articles that name no language.
    explicit DocumentBuilder(std::string default_language);

    /// The document for `article`. Words of the title, body and description are indexed with
    /// positions, both as written and stemmed (Xapian's STEM_SOME: phrases match the words as
    /// written, plain words match any form). An article language libstemmer does not know falls
    /// back to the default language. `content_hash` and `file_stamp` are stored for incremental
    /// updates when not empty.
    Xapian::Document build(const Article& article, std::string_view content_hash = {},
                           std::string_view file_stamp = {});

    /// The canonical language `article` is stemmed in.
    const std::string& language_of(const Article& article);

  private:
    Xapian::Stem& stemmer_for(const std::string& language);

    std::string default_language_;
    Xapian::TermGenerator generator_;
    std::map<std::string, Xapian::Stem> stemmers_;
    std::map<std::string, std::string> canonical_;  // article language -> canonical
};

struct WriterOptions {
    /// The database's default language; "" keeps the one the database records (english for a
    /// new database). A different language than the recorded one is a UsageError: the existing
    /// documents were stemmed with the recorded one (rebuild instead).
    std::string language;
    /// Build the spelling dictionary the searcher's "did you mean" uses.
    bool spelling = true;
    /// Commit after this many added, replaced or deleted articles (0: only on commit()).
    std::size_t commit_every = 20000;
};

/// Adds, replaces and deletes articles in one writable database.
/// Not thread-safe: one thread writes; build documents in parallel with DocumentBuilders.
class IndexWriter {
  public:
    /// Opens DB, creating it when missing. Throws DatabaseError when it cannot be opened or
    /// another writer holds its lock, UsageError for a language mismatch or unknown language.
    IndexWriter(const std::string& db_path, const WriterOptions& options);
    /// Writes into an already open database (an in-memory one in tests).
    IndexWriter(Xapian::WritableDatabase db, const WriterOptions& options);

    enum class Outcome { added, replaced };

    /// Adds the article, or replaces the article with the same id. Uses its own builder.
    Outcome add(const Article& article, std::string_view content_hash = {},
                std::string_view file_stamp = {});
    /// Stores a document built by a DocumentBuilder for `id` (spelling words are taken from it).
    Outcome add_document(std::string_view id, const Xapian::Document& document);
    /// Deletes the article with `id`; false when there was none.
    bool remove(std::string_view id);

    /// Makes everything so far durable and visible to searchers.
    void commit();

    const std::string& language() const noexcept { return language_; }
    Xapian::WritableDatabase& database() noexcept { return db_; }

  private:
    void record_language(const WriterOptions& options);
    void note_spelling(const Xapian::Document& document);
    void flush_spelling();
    void count_change();

    Xapian::WritableDatabase db_;
    std::string language_;
    bool spelling_;
    std::size_t commit_every_;
    std::size_t uncommitted_ = 0;
    DocumentBuilder builder_;
    std::unordered_map<std::string, Xapian::termcount> spelling_words_;
};

}  // namespace folio
