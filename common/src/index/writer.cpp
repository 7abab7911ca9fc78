// SPDX-License-Identifier: GPL-2.0-or-later
#include "index/writer.hpp"

#include <xxhash.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <unordered_map>
#include <utility>
#include <vector>

#include "analysis/stemmer.hpp"
#include "folio/error.hpp"
#include "schema/schema.hpp"
#include "text/utf8.hpp"

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

std::string hash_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return {};
    XXH3_state_t* state = XXH3_createState();
    XXH3_64bits_reset(state);
    std::vector<char> buffer(1 << 20);
    while (in) {
        in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        XXH3_64bits_update(state, buffer.data(), static_cast<std::size_t>(in.gcount()));
    }
    bool ok = in.eof();
    std::string out = detail::hex64(XXH3_64bits_digest(state));
    XXH3_freeState(state);
    return ok ? out : std::string();
}

std::string article_hash(const Article& article, const std::string& language) {
    std::string data = schema::encode_article(article);
    data += '\0';
    data += language;
    return detail::hex64(XXH3_64bits(data.data(), data.size()));
}

/// A stemmer that also counts the spelling words it is given while *counting is set:
/// TermGenerator hands every word of a text to its stemmer once, lower-cased, so a stems-only
/// (schema 2 and later) document's words are counted without a second tokenisation. One hash
/// lookup per word serves both: its entry holds the stem and the count not yet drained into the
/// writer's counts.
///
/// This lookup runs for every word of the corpus: with std::unordered_map it took 8% of an
/// indexing run (perf, Reuters, -j 1), mostly three dependent cache misses per word (bucket,
/// the node before, the node). Here a word of up to 23 bytes and its stem share one 64-byte
/// slot of an open-addressing table, found with one miss; longer words go to a map.
class CountingStemmer : public Xapian::StemImplementation {
  public:
    CountingStemmer(Xapian::Stem stem, SpellingCounts* const* counting)
        : stem_(std::move(stem)), counting_(counting), slots_(kInitialSlots) {}

    std::string operator()(const std::string& word) override {
        if (word.size() > kInline)
            return long_word(word);
        const std::uint64_t hash = XXH3_64bits(word.data(), word.size()) | 1;  // 0: empty slot
        const std::size_t mask = slots_.size() - 1;
        for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
            Slot& slot = slots_[i];
            if (slot.hash == 0) {
                if ((used_ + 1) * 4 > slots_.size() * 3) {
                    grow();
                    return (*this)(word);
                }
                std::string stem = stem_(word);
                if (stem.size() > kInline)
                    return long_word(word);  // a stem longer than its word: not in English
                ++used_;
                slot.hash = hash;
                slot.word_size = static_cast<std::uint8_t>(word.size());
                std::memcpy(slot.word, word.data(), word.size());
                slot.stem_size = static_cast<std::uint8_t>(stem.size());
                std::memcpy(slot.stem, stem.data(), stem.size());
                slot.speller = spelling_word(word);
                count(slot.count, slot.speller);
                return stem;
            }
            if (slot.hash == hash && slot.word_size == word.size() &&
                std::memcmp(slot.word, word.data(), word.size()) == 0) {
                count(slot.count, slot.speller);
                return std::string(slot.stem, slot.stem_size);
            }
        }
    }

    /// Adds the counts so far to the counts they were made for.
    void drain() {
        if (target_ == nullptr)
            return;
        for (Slot& slot : slots_) {
            if (slot.hash != 0 && slot.count != 0) {
                (*target_)[std::string(slot.word, slot.word_size)] += slot.count;
                slot.count = 0;
            }
        }
        for (auto& [word, entry] : long_) {
            if (entry.count != 0) {
                (*target_)[word] += entry.count;
                entry.count = 0;
            }
        }
    }

    std::string get_description() const override { return stem_.get_description(); }

  private:
    static constexpr std::size_t kInline = 23;              // bytes of word or stem in a slot
    static constexpr std::size_t kInitialSlots = 1u << 12;  // a power of two
    static constexpr std::size_t kMaxSlots = 1u << 19;      // 32 MB; then drained and forgotten

    struct Slot {
        std::uint64_t hash = 0;  // of the word, never 0 when used
        Xapian::termcount count = 0;
        std::uint8_t word_size = 0, stem_size = 0;
        bool speller = false;  // spelling_word(word)
        char word[kInline + 1];
        char stem[kInline + 1];
    };
    static_assert(sizeof(Slot) == 64, "one cache line per word");

    struct Entry {
        std::string stem;
        Xapian::termcount count;
        bool speller;
    };

    void count(Xapian::termcount& n, bool speller) {
        if (*counting_ != nullptr && speller) {
            ++n;
            target_ = *counting_;
        }
    }

    std::string long_word(const std::string& word) {
        auto it = long_.find(word);
        if (it == long_.end()) {
            if (long_.size() >= kMaxSlots / 16) {
                drain();
                long_.clear();
            }
            it = long_.emplace(word, Entry{stem_(word), 0, spelling_word(word)}).first;
        }
        count(it->second.count, it->second.speller);
        return it->second.stem;
    }

    /// Doubles the table, or, at kMaxSlots, drains the counts and starts afresh: bounded memory,
    /// and a corpus's common words come back at once.
    void grow() {
        if (slots_.size() >= kMaxSlots) {
            drain();
            std::fill(slots_.begin(), slots_.end(), Slot{});
            used_ = 0;
            return;
        }
        std::vector<Slot> old(slots_.size() * 2);
        old.swap(slots_);
        const std::size_t mask = slots_.size() - 1;
        for (const Slot& slot : old) {
            if (slot.hash == 0)
                continue;
            std::size_t i = slot.hash & mask;
            while (slots_[i].hash != 0)
                i = (i + 1) & mask;
            slots_[i] = slot;
        }
    }

    Xapian::Stem stem_;
    SpellingCounts* const* counting_;
    SpellingCounts* target_ = nullptr;
    std::vector<Slot> slots_;
    std::size_t used_ = 0;
    std::unordered_map<std::string, Entry> long_;
};

DocumentBuilder::DocumentBuilder(std::string default_language, int schema_version, bool elide)
    : default_language_(std::move(default_language)),
      version_(schema_version),
      elide_(elide),
      stems_only_(schema::stems_only(schema_version)) {
    // "none": no stemming at all, every word indexed as written (Xapian's STEM_ALL_Z indexes
    // nothing without a stemmer), whatever language an article names.
    // Today's word rules (schema::kMetaWordRules): Chinese, Japanese and Korean runs indexed as
    // their characters and pairs of characters, so a word inside a run is found.
    if (elide_ && stems_only_ && default_language_ != "none")
        generator_.set_flags(Xapian::TermGenerator::FLAG_CJK_NGRAM);
    generator_.set_stemming_strategy(default_language_ == "none" ? Xapian::TermGenerator::STEM_NONE
                                     : stems_only_               ? Xapian::TermGenerator::STEM_ALL_Z
                                                   : Xapian::TermGenerator::STEM_SOME);
}

void DocumentBuilder::drain_counts() {
    for (CountingStemmer* counter : counters_)
        counter->drain();
}

Xapian::Stem& DocumentBuilder::stemmer_for(const std::string& language) {
    auto it = stemmers_.find(language);
    if (it == stemmers_.end()) {
        // An article marked "none" in a database that stems: its words as written, under the
        // stem prefix beside the others' stems (see docs/QUERY-SYNTAX.md, "Languages").
        Xapian::Stem stem = default_language_ == "none" ? Xapian::Stem()
                            : language == "none"        ? make_identity_stemmer()
                                                        : make_stemmer(language, elide_);
        if (stems_only_ && !stem.is_none()) {
            auto* counter = new CountingStemmer(std::move(stem), &counting_);
            counters_.push_back(counter);
            stem = Xapian::Stem(counter);
        }
        it = stemmers_.emplace(language, std::move(stem)).first;
    }
    return it->second;
}

const std::string& DocumentBuilder::language_of(const Article& article) {
    if (article.language.empty())
        return default_language_;
    auto it = canonical_.find(article.language);
    if (it == canonical_.end()) {
        std::string canonical = language_of_tag(article.language);
        if (canonical.empty())
            canonical = default_language_;
        it = canonical_.emplace(article.language, std::move(canonical)).first;
    }
    return it->second;
}

void DocumentBuilder::index_words(const Article& article, Xapian::Document& doc, bool positions) {
    using schema::kPrefixAuthor;
    using schema::kPrefixTitle;
    generator_.set_document(doc);
    Xapian::Stem& stem = stemmer_for(language_of(article));
    generator_.set_stemmer(stem);
    counted_ = stems_only_ && !stem.is_none() && counts_ != nullptr;
    // The same terms and wdf either way: Xapian adds a position or not.
    auto index = [&](const std::string& text, Xapian::termcount weight = 1,
                     const std::string& prefix = {}) {
        if (positions)
            generator_.index_text(text, weight, prefix);
        else
            generator_.index_text_without_positions(text, weight, prefix);
    };

    // Title words: once under the title prefix, and weighted above body words in the
    // unprefixed field so plain queries rank title matches higher.
    index(article.title, 1, std::string(kPrefixTitle));
    generator_.increase_termpos();
    counting_ = counts_;  // the free-text fields' words are the spelling words
    index(article.title, schema::kTitleWeight);
    generator_.increase_termpos(100);  // no phrase spans title and body
    if (!article.description.empty()) {
        index(article.description);
        generator_.increase_termpos(100);
    }
    index(article.body);
    counting_ = nullptr;
    for (const auto& author : article.authors) {
        generator_.increase_termpos(10);
        index(author, 1, std::string(kPrefixAuthor));
    }
}

Xapian::Document DocumentBuilder::build_terms(const Article& article) {
    Xapian::Document doc;
    SpellingCounts* counts = counts_;
    counts_ = nullptr;  // no spelling words from here
    index_words(article, doc, false);
    counts_ = counts;
    return doc;
}

Xapian::Document DocumentBuilder::build(const Article& article, std::string_view content_hash,
                                        std::string_view file_stamp) {
    std::string computed_hash;
    if (content_hash.empty()) {
        computed_hash = article_hash(article, language_of(article));
        content_hash = computed_hash;
    }
    using namespace schema;
    const std::string& language = language_of(article);
    Xapian::Document doc;
    index_words(article, doc, true);
    for (const auto& author : article.authors)
        doc.add_boolean_term(boolean_term(kPrefixAuthorExact, author));
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
    store_article(doc, article, version_);
    return doc;
}

IndexWriter::IndexWriter(const std::string& db_path, const WriterOptions& options)
    : IndexWriter(
          [&] {
              try {
                  return Xapian::WritableDatabase(db_path,
                                                  Xapian::DB_CREATE_OR_OPEN | options.open_flags);
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
      defer_spelling_(options.defer_spelling),
      fresh_(options.fresh),
      commit_bytes_(options.commit_bytes),
      flush_documents_(options.flush_documents),
      builder_(language_,
               db_.get_metadata(std::string(schema::kMetaLanguage)).empty()
                   ? schema::kVersion
                   : schema::version_of(db_),
               db_.get_metadata(std::string(schema::kMetaLanguage)).empty() ||
                   schema::uses_word_rules(db_)) {
    record_language();
    if (spelling_)
        builder_.count_words(&spelling_words_);
}

void IndexWriter::record_language() {
    if (db_.get_metadata(std::string(schema::kMetaLanguage)).empty()) {
        db_.set_metadata(std::string(schema::kMetaLanguage), language_);
        db_.set_metadata(std::string(schema::kMetaSchema), std::to_string(schema::kVersion));
        db_.set_metadata(std::string(schema::kMetaWordRules), std::to_string(schema::kWordRules));
    }
}

IndexWriter::Outcome IndexWriter::add(const Article& article) {
    const std::string term = schema::id_term(article.id);
    const std::string hash = article_hash(article, builder_.language_of(article));
    Outcome outcome = Outcome::added;
    if (fresh_) {
        // A new database: only an id repeated within this run can exist already.
        if (!fresh_ids_.emplace(article.id, true).second)
            outcome = Outcome::replaced;
    } else {
        Xapian::PostingIterator it = db_.postlist_begin(term);
        if (it != db_.postlist_end(term)) {
            if (db_.get_document(*it).get_value(schema::kSlotContentHash) == hash) {
                return Outcome::unchanged;
            }
            outcome = Outcome::replaced;
        }
    }
    Xapian::Document document = builder_.build(article, hash);
    if (outcome == Outcome::added && fresh_) {
        db_.add_document(document);
    } else {
        db_.replace_document(term, document);
    }
    ++uncommitted_documents_;
    if (spelling_ && !builder_.counted_words())
        note_spelling(document);
    count_change(article.body.size() + article.title.size() + 256);
    return outcome;
}

bool IndexWriter::remove(std::string_view id) {
    std::string term = schema::id_term(id);
    if (!db_.term_exists(term))
        return false;
    db_.delete_document(term);
    ++uncommitted_documents_;
    count_change(256);
    return true;
}

std::size_t IndexWriter::remove_file_articles(const std::string& path,
                                              const std::unordered_map<std::string, bool>& keep) {
    const std::string term = schema::boolean_term(schema::kPrefixFile, path);
    std::vector<Xapian::docid> doomed;
    for (auto it = db_.postlist_begin(term); it != db_.postlist_end(term); ++it) {
        Article stored = schema::stored_article(db_.get_document(*it));
        if (keep.count(stored.id) == 0)
            doomed.push_back(*it);
    }
    for (Xapian::docid did : doomed)
        db_.delete_document(did);
    uncommitted_documents_ += doomed.size();
    if (!doomed.empty())
        count_change(256 * doomed.size());
    return doomed.size();
}

std::map<std::string, FileRecord> load_manifest(const Xapian::Database& db_) {
    std::map<std::string, FileRecord> out;
    const std::string prefix(schema::kMetaFilePrefix);
    for (auto it = db_.metadata_keys_begin(prefix); it != db_.metadata_keys_end(prefix); ++it) {
        std::string value = db_.get_metadata(*it);
        std::size_t tab1 = value.find('\t');
        std::size_t tab2 = tab1 == std::string::npos ? tab1 : value.find('\t', tab1 + 1);
        if (tab2 == std::string::npos)
            continue;
        FileRecord r{value.substr(tab2 + 1), value.substr(0, tab1),
                     value.substr(tab1 + 1, tab2 - tab1 - 1)};
        out.emplace(r.path, std::move(r));
    }
    return out;
}

void IndexWriter::record_file(const FileRecord& record) {
    db_.set_metadata(schema::file_key(record.path),
                     record.stamp + "\t" + record.hash + "\t" + record.path);
}

void IndexWriter::forget_file(const std::string& path) {
    db_.set_metadata(schema::file_key(path), std::string());
}

void IndexWriter::note_spelling(const Xapian::Document& document) {
    for (auto it = document.termlist_begin(); it != document.termlist_end(); ++it) {
        const std::string& term = *it;
        if (spelling_word(term))
            spelling_words_[term] += it.get_wdf();
    }
}

Xapian::termcount spelling_threshold(std::size_t distinct) noexcept {
    return distinct > 20000 ? 2 : 1;
}

void IndexWriter::flush_spelling() {
    if (defer_spelling_)
        return;
    builder_.drain_counts();
    add_spelling(spelling_words_, spelling_threshold(spelling_words_.size()));
    spelling_words_.clear();
}

SpellingCounts IndexWriter::take_spelling() {
    builder_.drain_counts();
    SpellingCounts out;
    out.swap(spelling_words_);
    return out;
}

void IndexWriter::add_spelling(const SpellingCounts& words, Xapian::termcount least) {
    for (const auto& [word, count] : words) {
        if (count >= least)
            db_.add_spelling(word, count);
    }
}

void IndexWriter::count_change(std::size_t bytes) {
    uncommitted_bytes_ += bytes;
    if (commit_bytes_ != 0 && uncommitted_bytes_ >= commit_bytes_) {
        commit();
    } else if (flush_documents_ != 0 && uncommitted_documents_ >= flush_documents_) {
        // What Xapian's own flush threshold would do: its postings, spelling and metadata
        // written out, the run's spelling counts and the update time left for commit().
        db_.commit();
        uncommitted_documents_ = 0;
    }
}

void IndexWriter::commit() {
    flush_spelling();
    auto now = std::chrono::system_clock::now().time_since_epoch();
    db_.set_metadata(std::string(schema::kMetaUpdated),
                     std::to_string(std::chrono::duration_cast<std::chrono::seconds>(now).count()));
    db_.commit();
    uncommitted_bytes_ = 0;
    uncommitted_documents_ = 0;
}

ShardedWriter::ShardedWriter(const std::vector<std::string>& shard_paths,
                             const WriterOptions& options) {
    const auto count = static_cast<unsigned>(shard_paths.size());
    for (unsigned k = 0; k < count; ++k) {
        auto writer = std::make_unique<IndexWriter>(shard_paths[k], options);
        if (count > 1) {
            Xapian::WritableDatabase& db = writer->database();
            std::string recorded = db.get_metadata(std::string(schema::kMetaShards));
            if (recorded.empty()) {
                db.set_metadata(std::string(schema::kMetaShards), std::to_string(count));
                db.set_metadata(std::string(schema::kMetaShard), std::to_string(k));
            } else if (recorded != std::to_string(count) ||
                       db.get_metadata(std::string(schema::kMetaShard)) != std::to_string(k)) {
                throw DatabaseError("shard " + shard_paths[k] + " records shard " +
                                    db.get_metadata(std::string(schema::kMetaShard)) + " of " +
                                    recorded + ", not " + std::to_string(k) + " of " +
                                    std::to_string(count));
            }
        }
        shards_.push_back(std::move(writer));
    }
    if (shards_.empty())
        throw DatabaseError("no shard to write");
}

IndexWriter::Outcome ShardedWriter::add(const Article& article) {
    return shards_[schema::shard_of(article.id, static_cast<unsigned>(size()))]->add(article);
}

bool ShardedWriter::remove(std::string_view id) {
    return shards_[schema::shard_of(id, static_cast<unsigned>(size()))]->remove(id);
}

std::size_t ShardedWriter::remove_file_articles(const std::string& path,
                                                const std::unordered_map<std::string, bool>& keep) {
    std::size_t removed = 0;
    for (auto& shard : shards_)
        removed += shard->remove_file_articles(path, keep);
    return removed;
}

void ShardedWriter::record_file(const FileRecord& record) {
    if (size() == 1)
        shards_.front()->record_file(record);
    else
        pending_[record.path] = record;
}

void ShardedWriter::forget_file(const std::string& path) {
    if (size() == 1)
        shards_.front()->forget_file(path);
    else
        pending_[path] = FileRecord{path, {}, {}};
}

void ShardedWriter::commit() {
    // The shards commit on their own as their buffers fill; the manifest entries wait until
    // every shard has committed the articles they describe.
    for (std::size_t k = shards_.size(); k-- > 1;)
        shards_[k]->commit();
    for (const auto& [path, record] : pending_) {
        if (record.stamp.empty())
            shards_.front()->forget_file(path);
        else
            shards_.front()->record_file(record);
    }
    pending_.clear();
    shards_.front()->commit();
}

}  // namespace folio
