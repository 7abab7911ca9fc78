// Unit tests of "more like this" (search/similar.hpp) on an in-memory database.
#define BOOST_TEST_MODULE similar
#include <boost/test/unit_test.hpp>

#include <algorithm>

#include "articles.hpp"
#include "folio/error.hpp"
#include "search/similar.hpp"

using namespace folio;

namespace {

struct Fixture {
    Xapian::WritableDatabase db = test::memory_database({
        test::article("a", "Volcano eruption", "The volcano erupted; lava and ash covered it."),
        test::article("b", "Lava flows", "Lava from the volcano reached the sea."),
        test::article("c", "Football", "The match ended in a draw after extra time."),
    });
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(similar, Fixture)

// The query for articles like one finds the others on its topic, never the article itself.
BOOST_AUTO_TEST_CASE(finds_articles_on_the_same_topic) {
    const LikeQuery like = like_query(db, {"a"}, {}, "english", 5);
    BOOST_TEST(!like.terms.empty());
    BOOST_TEST((std::find(like.terms.begin(), like.terms.end(), "volcano") != like.terms.end()));
    Xapian::Enquire enquire(db);
    enquire.set_query(like.query);
    Xapian::MSet mset = enquire.get_mset(0, 10);
    BOOST_REQUIRE(mset.size() == 1u);
    BOOST_TEST(mset.begin().get_document().get_docid() == 2u);
}

// An id that is not in the database, or nothing to be like, is a usage error.
BOOST_AUTO_TEST_CASE(refuses_unknown_ids_and_nothing) {
    BOOST_CHECK_THROW(like_query(db, {"zzz"}, {}, "english", 5), UsageError);
    BOOST_CHECK_THROW(like_query(db, {}, {}, "english", 5), UsageError);
}

BOOST_AUTO_TEST_SUITE_END()
