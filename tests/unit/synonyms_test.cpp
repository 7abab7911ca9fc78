// SPDX-License-Identifier: GPL-2.0-or-later
#define BOOST_TEST_MODULE synonyms
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "analysis/synonyms.hpp"
#include "folio/error.hpp"
#include "index/writer.hpp"
#include "search/query.hpp"
#include "temp_dir.hpp"

using namespace folio;

namespace {

Synonyms parse(const std::string& text) {
    std::istringstream in(text);
    return parse_synonyms(in, "syn.txt");
}

std::string error_of(const std::string& text) {
    try {
        parse(text);
    } catch (const InputError& e) {
        return e.what();
    }
    return "";
}

struct Fixture {
    test::TempDir dir;  // (the in-memory backend has no synonym table)
    Xapian::WritableDatabase db{dir / "db", Xapian::DB_CREATE_OR_OPEN};
    Fixture() {
        WriterOptions options;
        options.spelling = false;
        IndexWriter w(db, options);
        auto add = [&](const std::string& id, const std::string& body) {
            Article a;
            a.id = id;
            a.title = id;
            a.body = body;
            w.add(a);
        };
        add("a", "the ministry of defence");
        add("b", "defense spending rose");
        add("c", "the military budget");
        add("d", "an alliance of nations");
        w.commit();
    }
    std::vector<std::string> ids(const std::string& q, bool expand = false) {
        QueryOptions o;
        o.expand_synonyms = expand;
        QueryBuilder b(db, o);
        Xapian::Enquire e(db);
        e.set_query(b.parse(q));
        Xapian::MSet m = e.get_mset(0, 10);
        std::vector<std::string> found;
        for (auto it = m.begin(); it != m.end(); ++it) {
            for (auto t = db.termlist_begin(*it); t != db.termlist_end(*it); ++t) {
                if ((*t).starts_with("Q"))
                    found.push_back((*t).substr(1));
            }
        }
        std::sort(found.begin(), found.end());
        return found;
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(parsing)

// Equivalent groups give every word the others; => rules go one way; case is folded.
BOOST_AUTO_TEST_CASE(groups_and_rules) {
    Synonyms s = parse(
        "# defence words\n"
        "Defence, defense , military\n"
        "\n"
        "nato => alliance, OTAN  # one way\n");
    BOOST_TEST(s.size() == 4u);
    BOOST_TEST((s["defence"] == std::set<std::string>{"defense", "military"}));
    BOOST_TEST((s["defense"] == std::set<std::string>{"defence", "military"}));
    BOOST_TEST((s["military"] == std::set<std::string>{"defence", "defense"}));
    BOOST_TEST((s["nato"] == std::set<std::string>{"alliance", "otan"}));
    BOOST_TEST(s.count("alliance") == 0u);
}

// Malformed rules are reported with the file and line.
BOOST_AUTO_TEST_CASE(errors_name_the_line) {
    BOOST_TEST(error_of("a, b\nlonely\n") == "syn.txt:2: a synonym rule needs at least two words");
    BOOST_TEST(error_of("a, , b\n").starts_with("syn.txt:1: empty word"));
    BOOST_TEST(
        error_of("united states, usa\n").starts_with("syn.txt:1: 'united states' is several"));
    BOOST_TEST(error_of("x =>\n").starts_with("syn.txt:1: empty word"));
    // Xapian refuses keys over 255 bytes ("Key too long"), which named neither file nor line.
    BOOST_TEST(error_of("nato, " + std::string(300, 'x') + "\n") ==
               "syn.txt:1: a word of 300 bytes is too long for a synonym (at most 200)");
    BOOST_TEST(parse("a, " + std::string(200, 'x') + "\n").size() == 2u);
    BOOST_CHECK_THROW(read_synonyms_file("/nonexistent/synonyms.txt"), InputError);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_FIXTURE_TEST_SUITE(stored, Fixture)

// Stored synonyms are keyed by stems: ~word finds its synonyms, a plain word does not.
BOOST_AUTO_TEST_CASE(tilde_expands_one_word) {
    BOOST_TEST(store_synonyms(db, parse("defence, defense, military\n")) == 3u);
    BOOST_TEST(ids("defence") == (std::vector<std::string>{"a"}));
    BOOST_TEST(ids("~defence") == (std::vector<std::string>{"a", "b", "c"}));
    BOOST_TEST(ids("~defences") == (std::vector<std::string>{"a", "b", "c"}));
    BOOST_TEST(ids("defence", true) == (std::vector<std::string>{"a", "b", "c"}));
    BOOST_TEST(synonym_key_count(db) == 3u);
}

// Storing again replaces the whole table.
BOOST_AUTO_TEST_CASE(store_replaces) {
    store_synonyms(db, parse("defence, defense\n"));
    store_synonyms(db, parse("nato => alliance\n"));
    BOOST_TEST(synonym_key_count(db) == 1u);
    BOOST_TEST(ids("~defence") == (std::vector<std::string>{"a"}));
    BOOST_TEST(ids("~nato") == (std::vector<std::string>{"d"}));
}

// The longest word a rule may hold is stored and committed (Xapian keys stop at 255 bytes).
BOOST_AUTO_TEST_CASE(longest_word_is_stored) {
    const std::string word(200, 'x');
    BOOST_TEST(store_synonyms(db, parse("nato, " + word + "\n")) == 2u);
    db.commit();
    BOOST_TEST(synonym_key_count(db) == 2u);
}

// The indexer's path: a file stored in an on-disk database survives reopening.
BOOST_AUTO_TEST_CASE(file_into_database) {
    test::TempDir tmp;
    std::ofstream(tmp / "syn.txt") << "defence, defense\n";
    {
        Xapian::WritableDatabase disk(tmp / "db", Xapian::DB_CREATE_OR_OPEN);
        BOOST_TEST(store_synonyms_file(disk, tmp / "syn.txt") == 2u);
        disk.commit();
    }
    Xapian::Database reopened(tmp / "db");
    BOOST_TEST(synonym_key_count(reopened) == 2u);
    std::vector<std::string> values(reopened.synonyms_begin("Zdefenc"),
                                    reopened.synonyms_end("Zdefenc"));
    BOOST_TEST(values == (std::vector<std::string>{"Zdefens"}));
}

BOOST_AUTO_TEST_SUITE_END()
