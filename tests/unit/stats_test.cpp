// SPDX-License-Identifier: GPL-2.0-or-later
#define BOOST_TEST_MODULE stats
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>

#include "analysis/synonyms.hpp"
#include "folio/stats.hpp"
#include "index/writer.hpp"
#include "schema/schema.hpp"
#include "temp_dir.hpp"

using namespace folio;
namespace fs = std::filesystem;

namespace {

Article article(const std::string& id, const std::string& body, const std::string& date,
                const std::string& language, const std::string& source) {
    Article a;
    a.id = id;
    a.title = "Title " + id;
    a.body = body;
    a.date = date;
    a.language = language;
    a.source = source;
    return a;
}

/// Every regular file's size under `dir`, summed independently of disk_size.
std::uint64_t du(const fs::path& dir) {
    std::uint64_t total = 0;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.is_regular_file())
            total += e.file_size();
    return total;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(stats)

// Every figure is checked against a count made another way.
BOOST_AUTO_TEST_CASE(figures_match_the_database) {
    test::TempDir dir;
    std::string db_path = dir / "db";
    {
        IndexWriter w(db_path, WriterOptions{});
        w.add(article("1", "harbour pilots strike", "1987-03-02", "", "wire"));
        w.add(article("2", "le port est fermé", "2020-06-30", "fr", "wire"));
        w.add(article("3", "whales and the sea", "1851-10-18", "", "books"));
        w.add(article("4", "no date here", "", "", "books"));
        w.commit();
        std::istringstream rules("sea, ocean\n");
        store_synonyms(w.database(), parse_synonyms(rules, "rules"));
        w.commit();
    }
    Xapian::Database db(db_path);
    DatabaseStats s = database_stats(db, {db_path});
    BOOST_TEST(s.articles == 4u);
    BOOST_TEST(s.language == "english");
    Xapian::termcount terms = 0, words = 0;
    for (auto it = db.allterms_begin(); it != db.allterms_end(); ++it) {
        ++terms;
        const std::string& t = *it;
        // Schema 2: the free text's stems ("Z" + a lower-case stem).
        words += t.size() > 1 && t[0] == 'Z' && !(t[1] >= 'A' && t[1] <= 'Z');
    }
    BOOST_TEST(s.terms == terms);
    BOOST_TEST(s.words == words);
    BOOST_TEST(s.words > 10u);
    BOOST_TEST(s.average_length == static_cast<double>(db.get_total_length()) / 4.0);
    BOOST_TEST(
        (s.languages == std::map<std::string, Xapian::doccount>{{"english", 3}, {"french", 1}}));
    BOOST_TEST((s.sources == std::map<std::string, Xapian::doccount>{{"books", 2}, {"wire", 2}}));
    BOOST_TEST(s.first_date == "1851-10-18");
    BOOST_TEST(s.last_date == "2020-06-30");
    BOOST_TEST(s.dated == 3u);
    BOOST_TEST(s.synonyms == 2u);
    BOOST_TEST(s.size_bytes == du(db_path));
    BOOST_TEST(s.size_bytes > 0u);
    BOOST_TEST_REQUIRE(s.updated.has_value());
    BOOST_TEST(*s.updated == std::stoll(db.get_metadata(std::string(schema::kMetaUpdated))));
}

// A stub file counts itself and the database it names; a missing path counts 0.
BOOST_AUTO_TEST_CASE(disk_size_of_stub_and_tree) {
    test::TempDir dir;
    fs::create_directories(dir.path() / "store" / "gen1");
    std::ofstream(dir / "store/gen1/a") << std::string(1000, 'a');
    std::ofstream(dir / "store/gen1/b") << std::string(234, 'b');
    std::ofstream(dir / "store/XAPIANDB") << "auto gen1\n";
    std::uint64_t stub = fs::file_size(dir / "store/XAPIANDB");
    BOOST_TEST(disk_size(dir / "store") == 1234u + stub);
    BOOST_TEST(disk_size(dir / "store/XAPIANDB") == 1234u + stub);
    BOOST_TEST(disk_size(dir / "missing") == 0u);
}

// Times print as ISO 8601 UTC.
BOOST_AUTO_TEST_CASE(iso_times) {
    BOOST_TEST(iso_time(0) == "1970-01-01T00:00:00Z");
    BOOST_TEST(iso_time(1700000000) == "2023-11-14T22:13:20Z");
}

BOOST_AUTO_TEST_SUITE_END()
