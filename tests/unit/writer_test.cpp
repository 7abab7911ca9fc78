// SPDX-License-Identifier: GPL-2.0-or-later
#define BOOST_TEST_MODULE writer
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <set>

#include "analysis/stemmer.hpp"
#include "folio/error.hpp"
#include "index/writer.hpp"
#include "schema/schema.hpp"
#include "temp_dir.hpp"

using namespace folio;

namespace {

Xapian::WritableDatabase memory_db() {
    return Xapian::WritableDatabase(std::string(), Xapian::DB_BACKEND_INMEMORY);
}

/// In-memory databases have no spelling table.
WriterOptions no_spelling() {
    WriterOptions o;
    o.spelling = false;
    return o;
}

Article sample() {
    Article a;
    a.id = "dod/nato";
    a.title = "NATO Leaders Look to Defense";
    a.body = "Russia has deployed more than 150,000 troops to its borders with Ukraine.";
    a.date = "2022-02-18";
    a.authors = {"Jim Garamone"};
    a.tags = {"Defense", "NATO"};
    a.source = "dod-news";
    a.path = "/corpus/dod/nato.txt";
    return a;
}

/// An empty English database that records schema `version`, as an older Folio made it.
void create_old_database(const std::string& path, const std::string& version) {
    Xapian::WritableDatabase old(path, Xapian::DB_CREATE);
    old.set_metadata(std::string(schema::kMetaLanguage), "english");
    old.set_metadata(std::string(schema::kMetaSchema), version);
    old.commit();
}

bool has_term(const Xapian::Database& db, const std::string& term) {
    return db.term_exists(term);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(writer)

// A new database records its language and schema version.
BOOST_AUTO_TEST_CASE(records_language) {
    auto db = memory_db();
    WriterOptions options = no_spelling();
    options.language = "fr";
    IndexWriter w(db, options);
    w.commit();
    BOOST_TEST(w.language() == "french");
    BOOST_TEST(db.get_metadata(std::string(schema::kMetaLanguage)) == "french");
    BOOST_TEST(db.get_metadata(std::string(schema::kMetaSchema)) ==
               std::to_string(schema::kVersion));
}

// Reopening with another language is refused: the documents were stemmed with the first.
BOOST_AUTO_TEST_CASE(rejects_language_change) {
    auto db = memory_db();
    IndexWriter(db, no_spelling()).commit();
    WriterOptions other = no_spelling();
    other.language = "german";
    BOOST_CHECK_THROW(IndexWriter(db, other), UsageError);
    WriterOptions same = no_spelling();
    same.language = "en";
    BOOST_CHECK_NO_THROW(IndexWriter(db, same));
}

// An article's stems (with positions), fields and values are all in its document; the words
// as written are not (schema 2).
BOOST_AUTO_TEST_CASE(indexes_every_field) {
    auto db = memory_db();
    IndexWriter w(db, no_spelling());
    BOOST_TEST((w.add(sample()) == IndexWriter::Outcome::added));
    w.commit();
    BOOST_TEST(db.get_doccount() == 1u);
    for (const char* term :
         {"Ztroop", "ZSnato", "ZSleader", "ZAjim", "XAjim garamone", "Kdefense", "Knato",
          "XSdod-news", "Lenglish", "Y2022", "M202202", "D20220218", "Qdod/nato"}) {
        BOOST_TEST(has_term(db, term), term);
    }
    for (const char* term : {"troops", "Snato", "Ajim"})
        BOOST_TEST(!has_term(db, term), term);
    BOOST_TEST((db.positionlist_begin(1, "Ztroop") != db.positionlist_end(1, "Ztroop")));
    Xapian::Document doc = db.get_document(1);
    BOOST_TEST(doc.get_value(schema::kSlotDate) == "20220218");
    BOOST_TEST(doc.get_value(schema::kSlotSource) == "dod-news");
    // Schema 3: the article is stored in its value slot, not as the (deflated) document data.
    BOOST_TEST((schema::unpack_article(doc.get_value(schema::kSlotArticle)) == sample()));
    BOOST_TEST(doc.get_data().empty());
    BOOST_TEST((schema::stored_article(doc) == sample()));
}

// build_terms gives the words of build with the same wdf (what feedback over remote shards reads
// of an article), without positions, values or the stored article.
BOOST_AUTO_TEST_CASE(build_terms_are_builds_words) {
    Article french = sample();
    french.language = "fr";
    french.title = "L'abstention des électeurs";
    french.description = "Un résumé de l'élection";
    french.body = "Qu'il vienne : l'abstention a été forte, très forte.";
    Article cjk = sample();
    cjk.language = "zh";
    cjk.body = "今天北京天气很好 Beijing weather";
    for (const Article& article : {sample(), french, cjk}) {
        DocumentBuilder builder("english");
        const Xapian::Document full = builder.build(article);
        const Xapian::Document terms = builder.build_terms(article);
        std::vector<std::string> expected, got;  // "term wdf"
        for (auto t = full.termlist_begin(); t != full.termlist_end(); ++t) {
            if (t.get_wdf() > 0)  // boolean terms have none
                expected.push_back(*t + " " + std::to_string(t.get_wdf()));
        }
        for (auto t = terms.termlist_begin(); t != terms.termlist_end(); ++t) {
            got.push_back(*t + " " + std::to_string(t.get_wdf()));
            BOOST_TEST(t.positionlist_count() == 0u, *t);
        }
        BOOST_TEST(!got.empty());
        BOOST_TEST(got == expected, boost::test_tools::per_element());
        BOOST_TEST(terms.values_count() == 0u);
        BOOST_TEST(terms.get_data().empty());
    }
}

// Title words weigh more than body words.
BOOST_AUTO_TEST_CASE(title_words_weigh_more) {
    auto db = memory_db();
    IndexWriter w(db, no_spelling());
    w.add(sample());
    w.commit();
    Xapian::Document doc = db.get_document(1);
    auto wdf = [&](const std::string& term) {
        auto it = doc.termlist_begin();
        it.skip_to(term);
        return it != doc.termlist_end() && *it == term ? it.get_wdf() : 0;
    };
    BOOST_TEST(wdf("Znato") == schema::kTitleWeight);
    BOOST_TEST(wdf("Zrussia") == 1u);
}

// Adding the same id again replaces the article: never a duplicate.
BOOST_AUTO_TEST_CASE(same_id_replaces) {
    auto db = memory_db();
    IndexWriter w(db, no_spelling());
    w.add(sample());
    Article changed = sample();
    changed.body = "Entirely new text about submarines.";
    BOOST_TEST((w.add(changed) == IndexWriter::Outcome::replaced));
    w.commit();
    BOOST_TEST(db.get_doccount() == 1u);
    BOOST_TEST(has_term(db, "Zsubmarin"));
    BOOST_TEST(!has_term(db, "Ztroop"));
}

// A database of schema 1 (words as written with positions, stems without) is updated in its
// own layout, so that its old and new documents answer the same queries.
BOOST_AUTO_TEST_CASE(keeps_an_old_schema) {
    test::TempDir dir;
    create_old_database(dir / "db", "1");
    {
        IndexWriter w(dir / "db", WriterOptions{});
        w.add(sample());
        w.commit();
    }
    Xapian::Database db(dir / "db");
    BOOST_TEST(schema::version_of(db) == 1);
    for (const char* term : {"troops", "Ztroop", "Snato", "ZSnato", "Ajim"})
        BOOST_TEST(has_term(db, term), term);
    BOOST_TEST((db.positionlist_begin(1, "troops") != db.positionlist_end(1, "troops")));
    BOOST_TEST((db.positionlist_begin(1, "Ztroop") == db.positionlist_end(1, "Ztroop")));
    BOOST_TEST(db.get_spelling_suggestion("troopz") == "troops");
    // ... and stores its articles as the document data, as schema 1 did.
    BOOST_TEST(db.get_document(1).get_value(schema::kSlotArticle).empty());
    BOOST_TEST((schema::decode_article(db.get_document(1).get_data()) == sample()));
    BOOST_TEST((schema::stored_article(db.get_document(1)) == sample()));
}

// A database of schema 2 keeps its articles in the document data when updated; articles stored
// either way are read back, and a file's articles are found in both to be deleted.
BOOST_AUTO_TEST_CASE(keeps_schema_2_stored_data) {
    test::TempDir dir;
    create_old_database(dir / "db", "2");
    Article other = sample();
    other.id = "dod/other";
    {
        IndexWriter w(dir / "db", WriterOptions{});
        w.add(sample());
        w.add(other);
        w.commit();
    }
    {
        Xapian::Database db(dir / "db");
        BOOST_TEST(schema::version_of(db) == 2);
        BOOST_TEST(has_term(db, "Ztroop"));
        BOOST_TEST(db.get_document(1).get_value(schema::kSlotArticle).empty());
        BOOST_TEST((schema::stored_article(db.get_document(1)) == sample()));
    }
    {
        IndexWriter w(dir / "db", WriterOptions{});
        BOOST_TEST(w.remove_file_articles(sample().path, {{"dod/nato", true}}) == 1u);
        w.commit();
    }
    Xapian::Database db(dir / "db");
    BOOST_TEST(db.get_doccount() == 1u);
    BOOST_TEST(schema::stored_article(db.get_document(1)).id == "dod/nato");
}

// Deleting by id removes the article; deleting an unknown id says so.
BOOST_AUTO_TEST_CASE(remove_by_id) {
    auto db = memory_db();
    IndexWriter w(db, no_spelling());
    w.add(sample());
    BOOST_TEST(w.remove("dod/nato"));
    BOOST_TEST(!w.remove("dod/nato"));
    w.commit();
    BOOST_TEST(db.get_doccount() == 0u);
}

// The spelling dictionary gets the words (not numbers, not prefixed terms) at commit.
BOOST_AUTO_TEST_CASE(builds_spelling_dictionary) {
    test::TempDir dir;
    IndexWriter w(dir / "db", WriterOptions{});
    w.add(sample());
    w.commit();
    Xapian::Database db(dir / "db");
    BOOST_TEST(db.get_spelling_suggestion("ukrane") == "ukraine");
    BOOST_TEST(db.get_spelling_suggestion("troopz") == "troops");
}

// The builder counts spelling words as its stemmer sees them: every occurrence, short words and
// long ones (over 23 bytes), through the growth of its word table (5,000 words), and stems
// each word as the stemmer does.
BOOST_AUTO_TEST_CASE(counts_words_as_stemmed) {
    DocumentBuilder builder("english");
    SpellingCounts counts;
    builder.count_words(&counts);
    std::string body;
    std::vector<std::string> words;
    for (int i = 0; i < 5000; ++i) {
        std::string w = "w";
        for (int n = i; n > 0; n /= 26)
            w += static_cast<char>('a' + n % 26);
        words.push_back(w + "ing");
        body += words.back() + " " + words.back() + " ";
    }
    body += "antidisestablishmentarianism antidisestablishmentarianism troops";
    Article a = sample();
    a.title = "";
    a.body = body;
    Xapian::Document doc = builder.build(a);
    builder.drain_counts();
    BOOST_TEST(builder.counted_words());
    for (const auto& w : words)
        BOOST_TEST(counts[w] == 2u, w);
    BOOST_TEST(counts["antidisestablishmentarianism"] == 2u);
    BOOST_TEST(counts["troops"] == 1u);
    Xapian::Stem english = make_stemmer("english");
    for (const std::string w : {"antidisestablishmentarianism", "troops", "wbing", "wzzing"}) {
        Xapian::TermIterator t = doc.termlist_begin();
        t.skip_to("Z" + english(w));
        BOOST_TEST((t != doc.termlist_end() && *t == "Z" + english(w)), w);
    }
    // Drained counts are not counted twice.
    builder.drain_counts();
    BOOST_TEST(counts["troops"] == 1u);
}

// A per-article language picks its stemmer; an unknown one falls back to the default.
BOOST_AUTO_TEST_CASE(article_language_picks_stemmer) {
    DocumentBuilder builder("english");
    Article fr = sample();
    fr.language = "fr";
    fr.body = "les continuellement";
    BOOST_TEST(builder.language_of(fr) == "french");
    Xapian::Document doc = builder.build(fr);
    bool found = false;
    for (auto it = doc.termlist_begin(); it != doc.termlist_end(); ++it) {
        found = found || *it == "Zcontinuel";
    }
    BOOST_TEST(found);
    fr.language = "elvish";
    BOOST_TEST(builder.language_of(fr) == "english");
}

// "none": every word as written, with positions, whatever language an article names (Xapian's
// STEM_ALL_Z indexed nothing at all without a stemmer); the language is still recorded.
BOOST_AUTO_TEST_CASE(none_indexes_words_as_written) {
    DocumentBuilder builder("none");
    for (const char* language : {"", "en", "french"}) {
        Article a = sample();
        a.language = language;
        a.title = "Lincoln";
        a.body = "Slavery was abolished";
        Xapian::Document doc = builder.build(a);
        std::set<std::string> terms(doc.termlist_begin(), doc.termlist_end());
        BOOST_TEST(terms.count("slavery") == 1u, language);
        BOOST_TEST(terms.count("abolished") == 1u, language);
        BOOST_TEST(terms.count("Slincoln") == 1u, language);
        BOOST_TEST(std::none_of(terms.begin(), terms.end(),
                                [](const std::string& t) { return t.starts_with('Z'); }),
                   language);
        auto positions = doc.termlist_begin();
        positions.skip_to("slavery");
        BOOST_TEST(positions.positionlist_count() == 1u);
    }
    Article fr = sample();
    fr.language = "fr-CA";
    BOOST_TEST(builder.language_of(fr) == "french");
}

// An article marked "none" in a database that stems: its words as written, under the stem
// prefix beside the other articles' stems.
BOOST_AUTO_TEST_CASE(none_article_in_a_stemmed_database) {
    DocumentBuilder builder("english");
    Article a = sample();
    a.language = "none";
    a.body = "running troops";
    Xapian::Document doc = builder.build(a);
    std::set<std::string> terms(doc.termlist_begin(), doc.termlist_end());
    BOOST_TEST(terms.count("Zrunning") == 1u);
    BOOST_TEST(terms.count("Ztroops") == 1u);
}

// A new database splits French elisions off and folds accents, and says so; one made before
// keeps its terms.
BOOST_AUTO_TEST_CASE(word_rules_recorded_and_kept) {
    Xapian::WritableDatabase fresh(std::string(), Xapian::DB_BACKEND_INMEMORY);
    WriterOptions options;
    options.spelling = false;
    options.language = "fr";
    Article a = sample();
    a.body = "L'abstention, élections";
    {
        IndexWriter w(fresh, options);
        w.add(a);
        w.commit();
    }
    BOOST_TEST(schema::uses_word_rules(fresh));
    BOOST_TEST(fresh.term_exists("Zabstent"));
    BOOST_TEST(!fresh.term_exists("Zl'abstent"));
    BOOST_TEST(fresh.term_exists("Zelect"));
    BOOST_TEST(!fresh.term_exists("Zélect"));
    Xapian::WritableDatabase old(std::string(), Xapian::DB_BACKEND_INMEMORY);
    old.set_metadata(std::string(schema::kMetaLanguage), "french");
    old.set_metadata(std::string(schema::kMetaSchema), "3");
    {
        IndexWriter w(old, options);
        w.add(a);
        w.commit();
    }
    BOOST_TEST(!schema::uses_word_rules(old));
    BOOST_TEST(old.term_exists("Zl'abstent"));
    BOOST_TEST(old.term_exists("Zélect"));
}

// Building is deterministic: the same article gives the same terms and data.
BOOST_AUTO_TEST_CASE(builder_is_deterministic) {
    DocumentBuilder a("english"), b("english");
    Xapian::Document da = a.build(sample()), db = b.build(sample());
    BOOST_TEST(da.get_value(schema::kSlotArticle) == db.get_value(schema::kSlotArticle));
    BOOST_TEST(da.get_data() == db.get_data());
    BOOST_TEST(da.termlist_count() == db.termlist_count());
}

BOOST_AUTO_TEST_SUITE_END()
