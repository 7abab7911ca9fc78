#include "folio/writer.hpp"

#include <chrono>
#include <utility>

#include "folio/error.hpp"
#include "folio/schema.hpp"
#include "folio/stemmer.hpp"

namespace folio {

namespace {

std::string join_list(const std::vector<std::string>& list) {
    std::string out;
    for (const auto& item : list) {
        if (!out.empty())
            out += schema::kListSeparator;
        out += item;
    }
    return out;
}

/// Words worth a place in the spelling dictionary: unprefixed, 3 to 32 bytes, letters only.
bool spelling_word(const std::string& term) {
    if (term.size() < 3 || term.size() > 32)
        return false;
    for (unsigned char c : term) {
        if (c < 0x80 && !(c >= 'a' && c <= 'z') && c != '\'')
            return false;
    }
    return true;
}

std::string open_language(Xapian::WritableDatabase& db, const WriterOptions& options) {
    std::string recorded = db.get_metadata(std::string(schema::kMetaLanguage));
    std::string wanted = options.language.empty() ? "" : canonical_language(options.language);
    if (recorded.empty())
        return wanted.empty() ? "english" : wanted;
    if (!wanted.empty() && wanted != recorded) {
        throw UsageError("the database was built with language '" + recorded + "', not '" + wanted +
                         "': rebuild it to change the language");
    }
    return recorded;
}

}  // namespace

DocumentBuilder::DocumentBuilder(std::string default_language)
    : default_language_(std::move(default_language)) {
    generator_.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
}

Xapian::Stem& DocumentBuilder::stemmer_for(const std::string& language) {
    auto it = stemmers_.find(language);
    if (it == stemmers_.end())
        it = stemmers_.emplace(language, make_stemmer(language)).first;
    return it->second;
}

const std::string& DocumentBuilder::language_of(const Article& article) {
    if (article.language.empty())
        return default_language_;
    auto it = canonical_.find(article.language);
    if (it == canonical_.end()) {
        std::string canonical;
        try {
            canonical = canonical_language(article.language);
        } catch (const UsageError&) {
            canonical = default_language_;
        }
        it = canonical_.emplace(article.language, std::move(canonical)).first;
    }
    return it->second;
}

Xapian::Document DocumentBuilder::build(const Article& article, std::string_view content_hash,
                                        std::string_view file_stamp) {
    using namespace schema;
    const std::string& language = language_of(article);
    Xapian::Document doc;
    generator_.set_document(doc);
    generator_.set_stemmer(stemmer_for(language));

    // Title words: once under the title prefix, and weighted above body words in the
    // unprefixed field so plain queries rank title matches higher.
    generator_.index_text(article.title, 1, std::string(kPrefixTitle));
    generator_.increase_termpos();
    generator_.index_text(article.title, kTitleWeight);
    generator_.increase_termpos(100);  // no phrase spans title and body
    if (!article.description.empty()) {
        generator_.index_text(article.description);
        generator_.increase_termpos(100);
    }
    generator_.index_text(article.body);

    for (const auto& author : article.authors) {
        generator_.increase_termpos(10);
        generator_.index_text(author, 1, std::string(kPrefixAuthor));
        doc.add_boolean_term(boolean_term(kPrefixAuthorExact, author));
    }
    for (const auto& tag : article.tags)
        doc.add_boolean_term(boolean_term(kPrefixTag, tag));
    if (!article.source.empty())
        doc.add_boolean_term(boolean_term(kPrefixSource, article.source));
    doc.add_boolean_term(boolean_term(kPrefixLanguage, language));
    if (std::string date = date_value(article.date); !date.empty()) {
        doc.add_boolean_term(std::string(kPrefixYear) + date.substr(0, 4));
        doc.add_boolean_term(std::string(kPrefixMonth) + date.substr(0, 6));
        doc.add_boolean_term(std::string(kPrefixDay) + date);
        doc.add_value(kSlotDate, date);
    }
    if (!article.path.empty())
        doc.add_boolean_term(boolean_term(kPrefixFile, article.path));
    doc.add_boolean_term(id_term(article.id));

    if (!article.authors.empty())
        doc.add_value(kSlotAuthors, join_list(article.authors));
    if (!article.tags.empty())
        doc.add_value(kSlotTags, join_list(article.tags));
    if (!article.source.empty())
        doc.add_value(kSlotSource, article.source);
    doc.add_value(kSlotLanguage, language);
    if (!file_stamp.empty())
        doc.add_value(kSlotFileStamp, std::string(file_stamp));
    if (!content_hash.empty())
        doc.add_value(kSlotContentHash, std::string(content_hash));
    if (!article.title.empty()) {
        doc.add_value(kSlotTitle, boolean_term("", article.title));
    }
    doc.set_data(encode_article(article));
    return doc;
}

IndexWriter::IndexWriter(const std::string& db_path, const WriterOptions& options)
    : IndexWriter(
          [&] {
              try {
                  return Xapian::WritableDatabase(db_path, Xapian::DB_CREATE_OR_OPEN);
              } catch (const Xapian::DatabaseLockError&) {
                  throw DatabaseError("database " + db_path +
                                      " is locked by another indexer; try again when it is done");
              } catch (const Xapian::Error& e) {
                  throw DatabaseError("cannot open database " + db_path + ": " +
                                      e.get_description());
              }
          }(),
          options) {}

IndexWriter::IndexWriter(Xapian::WritableDatabase db, const WriterOptions& options)
    : db_(std::move(db)),
      language_(open_language(db_, options)),
      spelling_(options.spelling),
      commit_every_(options.commit_every),
      builder_(language_) {
    record_language(options);
}

void IndexWriter::record_language(const WriterOptions&) {
    if (db_.get_metadata(std::string(schema::kMetaLanguage)).empty()) {
        db_.set_metadata(std::string(schema::kMetaLanguage), language_);
        db_.set_metadata(std::string(schema::kMetaSchema), std::to_string(schema::kVersion));
    }
}

IndexWriter::Outcome IndexWriter::add(const Article& article, std::string_view content_hash,
                                      std::string_view file_stamp) {
    return add_document(article.id, builder_.build(article, content_hash, file_stamp));
}

IndexWriter::Outcome IndexWriter::add_document(std::string_view id,
                                               const Xapian::Document& document) {
    std::string term = schema::id_term(id);
    bool existed = db_.term_exists(term);
    db_.replace_document(term, document);
    if (spelling_)
        note_spelling(document);
    count_change();
    return existed ? Outcome::replaced : Outcome::added;
}

bool IndexWriter::remove(std::string_view id) {
    std::string term = schema::id_term(id);
    if (!db_.term_exists(term))
        return false;
    db_.delete_document(term);
    count_change();
    return true;
}

void IndexWriter::note_spelling(const Xapian::Document& document) {
    for (auto it = document.termlist_begin(); it != document.termlist_end(); ++it) {
        const std::string& term = *it;
        if (spelling_word(term))
            spelling_words_[term] += it.get_wdf();
    }
}

void IndexWriter::flush_spelling() {
    for (const auto& [word, count] : spelling_words_)
        db_.add_spelling(word, count);
    spelling_words_.clear();
}

void IndexWriter::count_change() {
    if (commit_every_ != 0 && ++uncommitted_ >= commit_every_)
        commit();
}

void IndexWriter::commit() {
    flush_spelling();
    auto now = std::chrono::system_clock::now().time_since_epoch();
    db_.set_metadata(std::string(schema::kMetaUpdated),
                     std::to_string(std::chrono::duration_cast<std::chrono::seconds>(now).count()));
    db_.commit();
    uncommitted_ = 0;
}

}  // namespace folio
