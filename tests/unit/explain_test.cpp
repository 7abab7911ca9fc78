// Unit tests of explanations (search/explain.hpp) on an in-memory database: the parts of a
// query that score, and weights that add up to the hit's score.
#define BOOST_TEST_MODULE explain
#include <boost/test/unit_test.hpp>

#include <cmath>

#include "articles.hpp"
#include "schema/schema.hpp"
#include "search/explain.hpp"
#include "search/ranking.hpp"

using namespace folio;

// Each term of an OR query that a hit holds is one part; their weights sum to its score, and
// terms not asked for are marked as feedback's.
BOOST_AUTO_TEST_CASE(weights_add_up_to_the_score) {
    Xapian::WritableDatabase db = test::memory_database(
        {test::article("a", "Trade union", "The trade union met the union leaders."),
         test::article("b", "Troops", "Troops moved to the border.")});
    const Xapian::Query query(Xapian::Query::OP_OR, Xapian::Query("Ztrade"),
                              Xapian::Query("Zunion"));
    auto weight = make_weight(RankingOptions{});
    Xapian::Enquire enquire(db);
    enquire.set_query(query);
    enquire.set_weighting_scheme(*weight);
    Xapian::MSet mset = enquire.get_mset(0, 10);
    BOOST_REQUIRE(mset.size() == 1u);
    Explainer explainer(db, query, *weight, {"Ztrade"});
    const std::vector<Contribution> parts = explainer.explain(*mset.begin(), schema::id_term("a"));
    BOOST_REQUIRE(parts.size() == 2u);
    double sum = 0;
    for (const Contribution& c : parts) {
        sum += c.weight;
        BOOST_TEST(c.stem);
        BOOST_TEST(c.feedback == (c.label == "union"));
    }
    BOOST_TEST(std::abs(sum - mset.begin().get_weight()) < 1e-9);
}
