// SPDX-License-Identifier: GPL-2.0-or-later
// schema/schema.hpp: the document schema, the ONLY place that knows term prefixes, value slots,
// metadata keys and the stored-data layout. The writer and the searcher both go through it.
#pragma once

#include <xapian.h>

#include <string>
#include <string_view>

#include "folio/article.hpp"

namespace folio::schema {

/// Version of this schema, recorded in every database (kMetaSchema); bumped on incompatible
/// change. Version 3 stores each article in value slot kSlotArticle, compressed with LZ4
/// (pack_article), where versions 1 and 2 stored it as the document data: Xapian deflates
/// document data with zlib, which took a tenth of an indexing run's CPU, and stores values as
/// they are, so LZ4 at a small fraction of that cost keeps the index near its old size.
/// Version 2 indexes every word once, as its stem ("Z", then any field prefix, then the stem)
/// WITH positions (Xapian's STEM_ALL_Z), so phrases and NEAR match any form of their words.
/// Version 1 indexed each word twice: as written with positions, and as its stem without
/// (STEM_SOME). Databases of every version are read and updated in their own version; a
/// rebuild makes the current one.
inline constexpr int kVersion = 3;

/// The schema version `db` records: 1 when it records none (the first Folio databases did not).
int version_of(const Xapian::Database& db);

/// True when databases of schema `version` index stems only, with positions (see kVersion).
constexpr bool stems_only(int version) noexcept {
    return version >= 2;
}

/// True when databases of schema `version` store articles in kSlotArticle (see kVersion).
constexpr bool article_in_value(int version) noexcept {
    return version >= 3;
}

// Term prefixes (omega's conventions where one exists).
/// The stems of the free text (Xapian's TermGenerator and QueryParser put stems under "Z" +
/// the field's prefix: "Zword" in the body, "ZSword" in the title).
inline constexpr std::string_view kPrefixStem = "Z";
inline constexpr std::string_view kPrefixId = "Q";            ///< unique id term, one per article
inline constexpr std::string_view kPrefixTitle = "S";         ///< title words (free text, title:)
inline constexpr std::string_view kPrefixAuthor = "A";        ///< author name words (author:)
inline constexpr std::string_view kPrefixAuthorExact = "XA";  ///< whole author name, boolean
inline constexpr std::string_view kPrefixTag = "K";           ///< tag, lower case, boolean (tag:)
inline constexpr std::string_view kPrefixSource = "XS";       ///< source, lower case, boolean
inline constexpr std::string_view kPrefixLanguage = "L";      ///< language name, boolean (lang:)
inline constexpr std::string_view kPrefixYear = "Y";          ///< YYYY
inline constexpr std::string_view kPrefixMonth = "M";         ///< YYYYMM
inline constexpr std::string_view kPrefixDay = "D";           ///< YYYYMMDD
inline constexpr std::string_view kPrefixFile = "XF";  ///< hash of the file an article came from

// Value slots.
enum Slot : Xapian::valueno {
    kSlotDate = 0,         ///< "YYYYMMDD": sorting and date ranges
    kSlotAuthors = 1,      ///< author names joined by kListSeparator (facets)
    kSlotTags = 2,         ///< tags joined by kListSeparator (facets)
    kSlotSource = 3,       ///< source (facets, collapse)
    kSlotLanguage = 4,     ///< language name (facets)
    kSlotFileStamp = 5,    ///< "SIZE:MTIME_NS" of the source file (incremental updates)
    kSlotContentHash = 6,  ///< hex content hash of the article's input (incremental updates)
    kSlotTitle = 7,        ///< the title, lower case (collapse)
    kSlotArticle = 8,      ///< the stored article, pack_article (schema 3 on)
};

inline constexpr char kListSeparator = '\x1f';

// Database metadata keys.
inline constexpr std::string_view kMetaSchema = "folio.schema";
inline constexpr std::string_view kMetaLanguage = "folio.language";
inline constexpr std::string_view kMetaUpdated = "folio.updated";
/// The version of the word rules a database's words were indexed by (kWordRules when it was
/// made): French, Italian, Catalan and Irish words without their elided article
/// ("l'abstention" as "abstention", folio::split_elision), stems with their accents folded
/// (folio::fold_accents: "élect" as "elect"), and CJK text as n-grams (Xapian's
/// FLAG_CJK_NGRAM). Databases made before the rules lack it, and keep being indexed and
/// searched as they were.
inline constexpr std::string_view kMetaWordRules = "folio.words";
/// Today's word rules. 2 added to 1: a Turkish word without the suffixes after its apostrophe,
/// German ae oe ue read as umlauts, more marks folded or dropped (Romanian, Vietnamese,
/// Pinyin, Hebrew, Arabic, Catalan l·l) and full-width capitals lower-cased. A database of
/// older rules holds some of those words as they were written, which a query typed by today's
/// rules does not find: the searcher and the indexer say so (older_word_rules).
inline constexpr int kWordRules = 2;

/// The word rules' version `db` (its first shard) records in kMetaWordRules; 0 for none.
int word_rules_of(const Xapian::Database& db);
/// True when `db` (its first shard) records word rules of any version.
bool uses_word_rules(const Xapian::Database& db);
/// A warning about a database `name` of word rules older than kWordRules (`version`): which
/// words may be missed, and the rebuild that mends it.
std::string older_word_rules(const std::string& name, int version);
/// In every shard of a sharded index: how many shards it has, and which one this is ("0"...).
/// The file manifest lives in shard 0 only; articles go to shard_of(id, shards).
inline constexpr std::string_view kMetaShards = "folio.shards";
inline constexpr std::string_view kMetaShard = "folio.shard";
/// In shard 0: the files and folders the indexer was given (absolute, one a line, none under
/// another), which an update without paths goes over again.
inline constexpr std::string_view kMetaRoots = "folio.roots";
/// The manifest of indexed files: kMetaFilePrefix + path (hashed like id terms when long) ->
/// "STAMP\tHASH\tPATH" (see IndexWriter::record_file).
inline constexpr std::string_view kMetaFilePrefix = "folio.file:";

/// The metadata key of an indexed file's manifest entry.
std::string file_key(std::string_view path);

/// How much more a title word weighs than a body word (wdf increment per occurrence).
inline constexpr Xapian::termcount kTitleWeight = 3;

/// Xapian's hard limit on a term's length in bytes.
inline constexpr std::size_t kMaxTermLength = 245;

/// The id term for an article id: kPrefixId + id, or kPrefixId + "#" + a 128-bit hash of the
/// id where the plain form would pass Xapian's term length limit.
std::string id_term(std::string_view id);

/// The shard (0 .. shards-1) an article with this id belongs to: XXH3-64 of the id modulo the
/// shard count, so that an article always lands in the same shard whatever else is indexed.
unsigned shard_of(std::string_view id, unsigned shards);

/// True for a stem of the free text (title, description, body): "Z" and a lower-case stem, not
/// a field's ("ZS" title, "ZA" author) nor a filter term.
constexpr bool is_text_stem(std::string_view term) noexcept {
    return term.size() > 1 && term[0] == 'Z' && !(term[1] >= 'A' && term[1] <= 'Z');
}

/// The length of a term's prefix: its leading capitals (prefixes are upper case; words are
/// lower-cased before they become terms). 0 for a plain word.
std::size_t prefix_length(std::string_view term);

/// Boolean filter term for a prefix and a value: the value is lower-cased (ASCII and Latin-1
/// letters through Xapian's Unicode tables) and, like id_term, hashed if too long.
std::string boolean_term(std::string_view prefix, std::string_view value);

/// "YYYY-MM-DD" to the "YYYYMMDD" value stored in kSlotDate; "" when the date is not ISO.
std::string date_value(std::string_view iso_date);

/// Encodes every stored field of an article as the document data (a compact binary layout:
/// a version byte, then length-prefixed fields). decode_article is its exact inverse.
std::string encode_article(const Article& article);

/// Decodes document data written by encode_article. Throws folio::Error on malformed data.
Article decode_article(std::string_view data);

/// The kSlotArticle value for an article: a form byte, then encode_article's bytes compressed
/// with LZ4 (their size as a varint, then an LZ4 block), or as they are where LZ4 does not
/// shrink them. unpack_article is its exact inverse and throws folio::Error on malformed data.
std::string pack_article(const Article& article);
Article unpack_article(std::string_view packed);

/// Stores `article` in `doc` as databases of schema `version` do: in kSlotArticle from
/// version 3, else as the document data.
void store_article(Xapian::Document& doc, const Article& article, int version);

/// The article stored in a document of any schema version: kSlotArticle when the document has
/// it, else the document data. A sharded index may hold shards of different versions.
Article stored_article(const Xapian::Document& doc);

}  // namespace folio::schema
