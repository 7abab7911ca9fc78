// SPDX-License-Identifier: GPL-2.0-or-later
// Unit tests of the indexing run's reporting policy: repeated messages shown a few times, then
// counted (the runs themselves are tested end to end in tests/cli); deleting articles by id.
#define BOOST_TEST_MODULE indexing
#include <boost/test/unit_test.hpp>

#include <xapian.h>

#include "folio/error.hpp"
#include "folio/indexing.hpp"
#include "folio/schema.hpp"
#include "temp_dir.hpp"

using folio::Diagnostic;

namespace {

Diagnostic warning(const std::string& path, std::size_t line, const std::string& message) {
    return Diagnostic{Diagnostic::Severity::warning, path, line, message};
}

}  // namespace

BOOST_AUTO_TEST_SUITE(repeats)

// Messages of one kind differ only in path, line, quoted text and numbers; a severity, or any
// other word, makes another kind.
BOOST_AUTO_TEST_CASE(kinds_of_messages) {
    using folio::diagnostic_kind;
    const auto a =
        warning("a.jsonl", 1, "field 'date' is not a date: \"someday\" (indexed without a date)");
    const auto b =
        warning("b.jsonl", 9, "field 'date' is not a date: \"2022-13\" (indexed without a date)");
    BOOST_TEST(diagnostic_kind(a) == diagnostic_kind(b));
    BOOST_TEST(diagnostic_kind(warning("x", 0, "HTML nested deeper than 256 elements: 10 tags")) ==
               diagnostic_kind(warning("y", 0, "HTML nested deeper than 256 elements: 99 tags")));
    Diagnostic error = a;
    error.severity = Diagnostic::Severity::error;
    BOOST_TEST(diagnostic_kind(error) != diagnostic_kind(a));
    BOOST_TEST(diagnostic_kind(warning("x", 0, "empty file, skipped")) !=
               diagnostic_kind(warning("x", 0, "binary file (contains NUL bytes), skipped")));
}

// The first `shown` of a kind are shown, the rest counted, each kind apart, in first-seen order.
BOOST_AUTO_TEST_CASE(shows_a_few_then_counts) {
    folio::RepeatLimiter limiter(3);
    std::size_t shown = 0;
    for (int k = 0; k < 10; ++k)
        shown += limiter.show(warning("f", static_cast<std::size_t>(k) + 1,
                                      "field 'date' is not a date: \"" + std::to_string(k) + "\""));
    for (int k = 0; k < 2; ++k)
        shown += limiter.show(warning("g", 0, "empty file, skipped"));
    for (int k = 0; k < 5; ++k)
        shown += limiter.show(warning("h" + std::to_string(k), 0, "not valid UTF-8"));
    BOOST_TEST(shown == 3u + 2u + 3u);
    const auto repeated = limiter.repeated();
    BOOST_REQUIRE(repeated.size() == 2u);
    BOOST_TEST(repeated[0].first.line == 1u);
    BOOST_TEST(repeated[0].more == 7u);
    BOOST_TEST(repeated[1].first.path == "h0");
    BOOST_TEST(repeated[1].more == 2u);
}

BOOST_AUTO_TEST_CASE(thousands_separators) {
    BOOST_TEST(folio::with_separators(0) == "0");
    BOOST_TEST(folio::with_separators(999) == "999");
    BOOST_TEST(folio::with_separators(4990) == "4,990");
    BOOST_TEST(folio::with_separators(1234567) == "1,234,567");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(deletion)

// delete_articles removes the named articles (one or several shards), counts only those it
// held, leaves the others, and refuses a directory without a database.
BOOST_AUTO_TEST_CASE(deletes_articles_by_id) {
    for (unsigned shards : {1u, 3u}) {
        folio::test::TempDir dir;
        std::string records;
        for (int i = 1; i <= 6; ++i) {
            records += R"({"id": "a)" + std::to_string(i) + R"(", "title": "Title )" +
                       std::to_string(i) + R"(", "body": "grain shipments and cocoa"})" + "\n";
        }
        folio::IndexOptions options;
        options.db = dir / "db";
        options.paths = {dir.write("articles.jsonl", records)};
        options.shards = shards;
        BOOST_TEST(folio::run_index(options, {}).added == 6u);

        BOOST_TEST(folio::delete_articles(options.db, {"a2", "a5", "missing", "a2"}, false) == 2u);
        Xapian::Database db(options.db);
        BOOST_TEST(db.get_doccount() == 4u);
        BOOST_TEST(!db.term_exists(folio::schema::id_term("a2")));
        BOOST_TEST(!db.term_exists(folio::schema::id_term("a5")));
        BOOST_TEST(db.term_exists(folio::schema::id_term("a1")));
        BOOST_TEST(folio::delete_articles(options.db, {}, false) == 0u);
    }
    folio::test::TempDir empty;
    BOOST_CHECK_THROW(folio::delete_articles(empty / "none", {"a1"}, false), folio::DatabaseError);
}

BOOST_AUTO_TEST_SUITE_END()
