// SPDX-License-Identifier: GPL-2.0-or-later
// index/writer.hpp: the index writer. Owns turning Articles into Xapian documents (terms,
// positions, stems, values, stored data, per the schema) and adding, replacing, deleting and
// committing them, with the spelling dictionary and the database's recorded language.
#pragma once

#include <xapian.h>

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "folio/article.hpp"
#include "schema/schema.hpp"

namespace folio {

/// Spelling dictionary words and their frequencies, as collected by an IndexWriter.
using SpellingCounts = std::unordered_map<std::string, Xapian::termcount>;

class CountingStemmer;

/// Builds the Xapian document for an article. Holds a TermGenerator and one stemmer per
/// language it has met: NOT thread-safe, make one per thread. Deterministic: the same article
/// always gives the same document. Neither copied nor moved (its stemmers point back into it).
class DocumentBuilder {
  public:
    /// `default_language` (canonical name or "none") stems articles that name no language.
    /// `schema_version` picks the layout of documents: terms (schema::stems_only) and where the
    /// article is stored (schema::article_in_value); see schema::kVersion.
    /// `elide`: split off elided articles before stemming (schema::kMetaWordRules).
    explicit DocumentBuilder(std::string default_language, int schema_version = schema::kVersion,
                             bool elide = true);
    DocumentBuilder(const DocumentBuilder&) = delete;
    DocumentBuilder& operator=(const DocumentBuilder&) = delete;

    /// The document for `article`. Words of the title, body and description are indexed with
    /// positions: as stems only (schema 2 and later: phrases match any form of their words), or
    /// both as written and stemmed (schema 1, Xapian's STEM_SOME: phrases match the words as
    /// written). An article language libstemmer does not know falls back to the default language.
    /// `content_hash` and `file_stamp` are stored for incremental updates when not empty.
    Xapian::Document build(const Article& article, std::string_view content_hash = {},
                           std::string_view file_stamp = {});

    /// The free-text terms of build(`article`) with their wdf, without positions, values, the
    /// boolean terms or the stored article: what pseudo-relevance feedback reads of a document
    /// (over remote shards, whose term lists are a round trip each). Counts no spelling words.
    Xapian::Document build_terms(const Article& article);

    /// Counts the words of the free-text fields (title, description, body) into `counts` as
    /// build() stems them, for the spelling dictionary (nullptr: stop counting). Only words
    /// that get stemmed are counted (schema 2 and later, with a stemmer); the unstemmed terms of
    /// other documents are words already, see counted_words(). The counts reach `counts` when
    /// drain_counts() is called (and now and then before, to bound memory).
    void count_words(SpellingCounts* counts) noexcept { counts_ = counts; }
    void drain_counts();
    /// Whether the last build() counted its words (else its unprefixed terms are its words).
    bool counted_words() const noexcept { return counted_; }

    /// The canonical language `article` is stemmed in.
    const std::string& language_of(const Article& article);

  private:
    Xapian::Stem& stemmer_for(const std::string& language);
    /// Indexes the words of `article`'s title, description, body and authors into `doc`, with
    /// their positions or not.
    void index_words(const Article& article, Xapian::Document& doc, bool positions);

    std::string default_language_;
    int version_;
    bool elide_;
    bool stems_only_;
    Xapian::TermGenerator generator_;
    std::map<std::string, Xapian::Stem> stemmers_;
    std::map<std::string, std::string> canonical_;  // article language -> canonical
    std::vector<CountingStemmer*> counters_;        // owned by stemmers_
    SpellingCounts* counts_ = nullptr;
    SpellingCounts* counting_ = nullptr;  // counts_ while a free-text field is indexed
    bool counted_ = false;
};

/// One indexed file as the manifest records it, so that the next run can tell what changed.
struct FileRecord {
    std::string path;   ///< canonical absolute path (the id of its articles' XF term)
    std::string stamp;  ///< "SIZE:MTIME_NS"
    std::string hash;   ///< hex XXH3-64 of the file's bytes
};

/// The manifest recorded in a database: every file IndexWriter::record_file saw, by path.
std::map<std::string, FileRecord> load_manifest(const Xapian::Database& db);

/// The hex XXH3-64 of the bytes of the file at `path`; "" when it cannot be read.
std::string hash_file(const std::string& path);

/// The hex XXH3-64 content hash of an article as it would be stored (all fields).
std::string article_hash(const Article& article, const std::string& language);

struct WriterOptions {
    /// The database's default language; "" keeps the one the database records (english for a
    /// new database). A different language than the recorded one is a UsageError: the existing
    /// documents were stemmed with the recorded one (rebuild instead).
    std::string language;
    /// Build the spelling dictionary the searcher's "did you mean" uses.
    bool spelling = true;
    /// Commit when the text added since the last commit passes this many bytes (0: only on
    /// commit()): this bounds the writer's memory when documents are large, to about ten
    /// times this.
    std::size_t commit_bytes = 32u << 20;
    /// Write Xapian's pending changes out after this many documents added, replaced or
    /// deleted (0: only Xapian's own threshold, XAPIAN_FLUSH_THRESHOLD, default 10,000), as
    /// Xapian's flush would: its in-memory postings maps grow slower to update than a flush
    /// costs. Measured on Reuters, 1,000 indexed twice as fast as Xapian's default with schema
    /// 1; with schema 2's stems-only terms, 250 takes 5-10% less CPU than 1,000 on Reuters and
    /// the Gutenberg slice and a third less memory (4,000 was 50% slower).
    std::size_t flush_documents = 250;
    /// The database is new and empty: add without looking up ids (duplicates within the run
    /// are still replaced), and skip nothing as unchanged.
    bool fresh = false;
    /// Xapian open flags added to DB_CREATE_OR_OPEN (e.g. DB_NO_SYNC for a rebuild).
    int open_flags = 0;
    /// Count the spelling words but leave them out of commit(): a parallel build takes the
    /// counts of every part (take_spelling), merges them and gives each part a disjoint share
    /// (add_spelling), instead of every part adding the common words again.
    bool defer_spelling = false;
};

/// The least frequency a word needs to enter the spelling dictionary in a batch of
/// `distinct` words: in a large batch, words seen only once are mostly names, codes and
/// typos, not what "did you mean" should offer, and each costs Xapian's spelling table a set
/// of fragment entries. Small batches (updates) keep every word.
Xapian::termcount spelling_threshold(std::size_t distinct) noexcept;

/// Adds, replaces and deletes articles in one writable database.
/// Not thread-safe: one thread writes; build documents in parallel with DocumentBuilders.
class IndexWriter {
  public:
    /// Opens DB, creating it when missing. Throws DatabaseError when it cannot be opened or
    /// another writer holds its lock, UsageError for a language mismatch or unknown language.
    IndexWriter(const std::string& db_path, const WriterOptions& options);
    /// Writes into an already open database (an in-memory one in tests).
    IndexWriter(Xapian::WritableDatabase db, const WriterOptions& options);

    enum class Outcome { added, replaced, unchanged };

    /// Adds the article, or replaces the article with the same id; leaves it alone (unchanged)
    /// when the stored one has the same content. Uses its own builder.
    Outcome add(const Article& article);
    /// Deletes the article with `id`; false when there was none.
    bool remove(std::string_view id);
    /// Deletes the articles read from file `path` whose ids are not in `keep`; returns how many.
    std::size_t remove_file_articles(const std::string& path,
                                     const std::unordered_map<std::string, bool>& keep);

    void record_file(const FileRecord& record);
    void forget_file(const std::string& path);

    /// Makes everything so far durable and visible to searchers.
    void commit();

    /// With WriterOptions::defer_spelling: the words counted so far, handed over.
    SpellingCounts take_spelling();
    /// Adds `words` seen at least `least` times to the spelling dictionary (at the next commit).
    void add_spelling(const SpellingCounts& words, Xapian::termcount least);

    const std::string& language() const noexcept { return language_; }
    Xapian::WritableDatabase& database() noexcept { return db_; }

  private:
    void record_language();
    void note_spelling(const Xapian::Document& document);
    void flush_spelling();
    void count_change(std::size_t bytes);

    Xapian::WritableDatabase db_;
    std::string language_;
    bool spelling_;
    bool defer_spelling_;
    bool fresh_;
    std::size_t commit_bytes_;
    std::size_t flush_documents_;
    std::size_t uncommitted_bytes_ = 0;
    std::size_t uncommitted_documents_ = 0;
    DocumentBuilder builder_;
    SpellingCounts spelling_words_;
    std::unordered_map<std::string, bool> fresh_ids_;  // ids added by a fresh writer
};

/// Writes the shards of a sharded index as one database: each article goes to the shard its id
/// hashes to (schema::shard_of), deletions of a file's articles look in every shard, and the
/// file manifest lives in shard 0 (written at commit(), after the other shards committed).
/// One path is an unsharded database. Each shard records the
/// shard count and its number (schema::kMetaShards, kMetaShard); opening shards that record
/// another count is a DatabaseError. Not thread-safe, like IndexWriter.
class ShardedWriter {
  public:
    ShardedWriter(const std::vector<std::string>& shard_paths, const WriterOptions& options);

    /// As IndexWriter's, the article going to the shard its id hashes to (schema::shard_of).
    IndexWriter::Outcome add(const Article& article);
    /// The manifest's changes, kept for shard 0 until commit().
    void record_file(const FileRecord& record);
    void forget_file(const std::string& path);
    /// As IndexWriter's, in every shard.
    bool remove(std::string_view id);
    std::size_t remove_file_articles(const std::string& path,
                                     const std::unordered_map<std::string, bool>& keep);
    /// Commits every shard, shard 0 (and its manifest) last: a crash between commits leaves
    /// files that the manifest does not yet record, which the next run reads again.
    void commit();

    std::size_t size() const noexcept { return shards_.size(); }
    IndexWriter& shard(std::size_t k) noexcept { return *shards_[k]; }
    const std::string& language() const noexcept { return shards_.front()->language(); }

  private:
    std::vector<std::unique_ptr<IndexWriter>> shards_;
    std::map<std::string, FileRecord> pending_;  // manifest changes, written on commit()
};

}  // namespace folio
