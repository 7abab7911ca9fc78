// SPDX-License-Identifier: GPL-2.0-or-later
#define BOOST_TEST_MODULE ranking
#include <boost/test/unit_test.hpp>

#include <xapian.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "search/ranking.hpp"
#include "temp_dir.hpp"

using namespace folio;

namespace {

/// A document of stems ("Z" terms) with these wdfs, padded to the same length (20) as the
/// others, so that length normalisation plays no part.
Xapian::Document doc(const std::map<std::string, Xapian::termcount>& terms) {
    Xapian::Document d;
    Xapian::termcount length = 0;
    for (const auto& [term, wdf] : terms) {
        d.add_term("Z" + term, wdf);
        length += wdf;
    }
    if (length < 20)
        d.add_term("Zfiller", 20 - length);
    return d;
}

/// Four documents about "alpha" that also mention "beta" (the best matches of "alpha beta",
/// the feedback documents); "a" has alpha once, "b" has beta once; alpha is the more common
/// word (6 documents against 5), so plain BM25 puts "b" above "a".
struct Collection {
    test::TempDir dir;
    Xapian::WritableDatabase db{dir / "db", Xapian::DB_CREATE};
    Xapian::docid a = 0, b = 0;
    Collection() {
        for (int i = 0; i < 4; ++i)
            db.add_document(doc({{"alpha", 5}, {"beta", 1}, {"gamma", 2}}));
        a = db.add_document(doc({{"alpha", 1}}));
        b = db.add_document(doc({{"beta", 1}}));
        db.add_document(doc({{"alpha", 1}, {"delta", 3}}));
        for (int i = 0; i < 13; ++i)
            db.add_document(doc({{"other", 1}}));
    }

    /// The document ids in rank order, and the number of matches, for `query` ranked with
    /// `options`.
    std::vector<Xapian::docid> ranking(const Xapian::Query& query, const RankingOptions& options,
                                       Xapian::Query* ranked = nullptr) {
        Xapian::Enquire enquire(db);
        auto weight = make_weight(options);
        enquire.set_weighting_scheme(*weight);
        Xapian::Query q = ranked_query(query, db, enquire, options);
        if (ranked != nullptr)
            *ranked = q;
        enquire.set_query(q);
        Xapian::MSet mset = enquire.get_mset(0, 100);
        return {mset.begin(), mset.end()};
    }

    std::size_t rank_of(const std::vector<Xapian::docid>& ids, Xapian::docid id) {
        for (std::size_t i = 0; i < ids.size(); ++i) {
            if (ids[i] == id)
                return i;
        }
        BOOST_FAIL("document " << id << " not matched");
        return 0;
    }
};

Xapian::Query words(const std::vector<std::string>& stems) {
    std::vector<Xapian::Query> terms;
    for (const auto& s : stems)
        terms.emplace_back("Z" + s);
    return Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end());
}

/// Feedback from the 4 best matches of two-word queries, whatever the feedback documents hold
/// (this collection's documents are 2-4 distinct words long: the default decision would say no).
RankingOptions feedback(double reweight) {
    RankingOptions o;
    o.expand_docs = 4;
    o.expand_min_terms = 2;
    o.reweight = reweight;
    o.feedback_threshold = 0;
    return o;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(ranking)

// Feedback reweighting: the word the best matches are about (alpha) gains more weight than
// the word they only mention (beta), which reorders "a" and "b"; the matches stay the same.
BOOST_AUTO_TEST_CASE(feedback_reweights_query_words) {
    Collection c;
    Xapian::Query query = words({"alpha", "beta"});
    std::vector<Xapian::docid> plain = c.ranking(query, feedback(0.0));
    BOOST_TEST(c.rank_of(plain, c.b) < c.rank_of(plain, c.a));  // beta is rarer
    Xapian::Query ranked;
    std::vector<Xapian::docid> reweighted = c.ranking(query, feedback(0.43), &ranked);
    BOOST_TEST(c.rank_of(reweighted, c.a) < c.rank_of(reweighted, c.b));
    BOOST_TEST(reweighted.size() == plain.size());
    BOOST_TEST(reweighted.size() == 7u);  // only documents with alpha or beta
    BOOST_TEST(ranked.get_description().find("Zgamma") != std::string::npos);  // expansion
    // Turned off with the rest of feedback (the plain BM25 baseline: --expand 0).
    RankingOptions off = feedback(0.43);
    off.expand = 0;
    std::vector<Xapian::docid> none = c.ranking(query, off, &ranked);
    BOOST_TEST(ranked.get_description() == query.get_description());
    BOOST_TEST(c.rank_of(none, c.b) < c.rank_of(none, c.a));
}

// Queries with structure of their own (here AND), and queries shorter than expand_min_terms,
// are left as they are.
BOOST_AUTO_TEST_CASE(feedback_only_for_natural_queries) {
    Collection c;
    Xapian::Query both(Xapian::Query::OP_AND, Xapian::Query("Zalpha"), Xapian::Query("Zbeta"));
    Xapian::Query ranked;
    c.ranking(both, feedback(0.43), &ranked);
    BOOST_TEST(ranked.get_description() == both.get_description());
    RankingOptions longer = feedback(0.43);
    longer.expand_min_terms = 3;
    Xapian::Query two = words({"alpha", "beta"});
    c.ranking(two, longer, &ranked);
    BOOST_TEST(ranked.get_description() == two.get_description());
}

// Feedback reads the term statistics of a local database itself, pruning the candidates by the
// best weight they could have; it must choose the expansion terms Xapian's expand set chooses
// (the path remote shards take) and rank the same. A collection of 300 documents drawn from a
// Zipf-like vocabulary of 400 words, with a fixed seed, and documents of varied length.
BOOST_AUTO_TEST_CASE(feedback_expands_as_xapian_does) {
    test::TempDir dir;
    Xapian::WritableDatabase db(dir / "db", Xapian::DB_CREATE);
    std::mt19937 random(20261127);
    std::vector<double> zipf;
    for (int i = 1; i <= 400; ++i)
        zipf.push_back(1.0 / i);
    std::discrete_distribution<int> word(zipf.begin(), zipf.end());
    std::uniform_int_distribution<int> length(5, 120);
    for (int d = 0; d < 300; ++d) {
        Xapian::Document doc;
        Xapian::termpos pos = 0;
        for (int n = length(random); n > 0; --n)
            doc.add_posting("Zw" + std::to_string(word(random)), ++pos);
        doc.add_boolean_term("Q" + std::to_string(d));  // not a stem: never offered
        db.add_document(doc);
    }
    db.commit();
    RankingOptions options;
    options.expand_min_terms = 2;
    options.feedback_threshold = 0;
    auto weight = make_weight(options);
    TermFreqCache freqs;  // shared by the queries, as a batch of searches shares it
    for (const auto& words : std::vector<std::vector<std::string>>{
             {"w3", "w40"}, {"w7", "w90", "w150"}, {"w1", "w2", "w5"}, {"w200", "w300", "w399"}}) {
        std::vector<Xapian::Query> terms;
        for (const auto& w : words)
            terms.emplace_back("Z" + w);
        Xapian::Query query(Xapian::Query::OP_OR, terms.begin(), terms.end());
        Xapian::Enquire local(db), remote(db);
        local.set_weighting_scheme(*weight);
        remote.set_weighting_scheme(*weight);
        Xapian::Query ours = ranked_query(query, db, local, options, {}, false);
        Xapian::Query xapians = ranked_query(query, db, remote, options, {}, true);
        BOOST_TEST(ours.get_description() == xapians.get_description());
        Xapian::Enquire cached(db);
        cached.set_weighting_scheme(*weight);
        const std::size_t before = freqs.size();
        Xapian::Query with_cache = ranked_query(query, db, cached, options, {}, false, &freqs);
        BOOST_TEST(with_cache.get_description() == ours.get_description());
        BOOST_TEST(freqs.size() > before);  // every query brings words the others did not
        // The remote path of fetched documents: their terms as given (here the documents
        // themselves), the frequencies in a few matches: the same query again.
        Xapian::Enquire fetched(db);
        fetched.set_weighting_scheme(*weight);
        TermFreqCache looked_up;
        const FeedbackTerms document_of = [&db](const Xapian::MSetIterator& it) {
            return db.get_document(*it);
        };
        Xapian::Query from_fetched = ranked_query(query, db, fetched, options, {}, true, &looked_up,
                                                  nullptr, "english", document_of);
        BOOST_TEST(from_fetched.get_description() == ours.get_description());
        BOOST_TEST(looked_up.size() > 0u);
        BOOST_TEST(ours.get_description().find("AND_MAYBE") != std::string::npos);
        local.set_query(ours);
        remote.set_query(xapians);
        Xapian::MSet a = local.get_mset(0, 50), b = remote.get_mset(0, 50);
        BOOST_TEST_REQUIRE(a.size() == b.size());
        for (Xapian::doccount i = 0; i < a.size(); ++i) {
            BOOST_TEST(*a[i] == *b[i]);
            BOOST_TEST(a[i].get_weight() == b[i].get_weight(), boost::test_tools::tolerance(1e-12));
        }
    }
}

// remote_term_freqs: the frequencies of many terms from one match, as get_termfreq gives them;
// those already known are not looked up again.
BOOST_AUTO_TEST_CASE(remote_term_freqs_match_get_termfreq) {
    Collection c;
    TermFreqCache freqs;
    freqs.put("Zalpha", 1234);  // known: kept as it is
    const std::vector<std::string> terms = {"Zalpha", "Zbeta", "Zfiller", "Znowhere"};
    remote_term_freqs(c.db, terms, freqs);
    BOOST_TEST(freqs.get(c.db, "Zalpha") == 1234u);
    for (std::size_t i = 1; i < terms.size(); ++i)
        BOOST_TEST(freqs.get(c.db, terms[i]) == c.db.get_termfreq(terms[i]), terms[i]);
    BOOST_TEST(freqs.size() == terms.size());
}

// Stop words are never expansion terms, though they fill every feedback document (their offer
// weight is the highest there): the query parser leaves them out of queries, and feedback
// follows it, on local databases and through Xapian's expand set alike. Nor their stems
// ("does" is indexed as "doe"). A language without a stop list keeps them.
BOOST_AUTO_TEST_CASE(feedback_never_adds_stop_words) {
    test::TempDir dir;
    Xapian::WritableDatabase db(dir / "db", Xapian::DB_CREATE);
    for (int i = 0; i < 4; ++i)
        db.add_document(doc({{"alpha", 2}, {"beta", 1}, {"the", 6}, {"doe", 4}, {"gamma", 1}}));
    for (int i = 0; i < 30; ++i)
        db.add_document(doc({{"other", 1}, {i % 2 ? "the" : "delta", 1}}));
    RankingOptions options = feedback(0.43);
    auto weight = make_weight(options);
    for (bool remote : {false, true}) {
        Xapian::Enquire enquire(db);
        enquire.set_weighting_scheme(*weight);
        const std::string ranked =
            ranked_query(words({"alpha", "beta"}), db, enquire, options, {}, remote)
                .get_description();
        BOOST_TEST(ranked.find("Zgamma") != std::string::npos, ranked);
        BOOST_TEST(ranked.find("Zthe") == std::string::npos, ranked);
        BOOST_TEST(ranked.find("Zdoe") == std::string::npos, ranked);
        const std::string kept = ranked_query(words({"alpha", "beta"}), db, enquire, options, {},
                                              remote, nullptr, nullptr, "french")
                                     .get_description();
        BOOST_TEST(kept.find("Zthe") != std::string::npos, kept);
    }
    // Nor from the documents that came with the match (remote shards).
    Xapian::Enquire enquire(db);
    enquire.set_weighting_scheme(*weight);
    const FeedbackTerms document_of = [&db](const Xapian::MSetIterator& it) {
        return db.get_document(*it);
    };
    const std::string fetched = ranked_query(words({"alpha", "beta"}), db, enquire, options, {},
                                             true, nullptr, nullptr, "english", document_of)
                                    .get_description();
    BOOST_TEST(fetched.find("Zgamma") != std::string::npos, fetched);
    BOOST_TEST(fetched.find("Zthe") == std::string::npos, fetched);
    BOOST_TEST(fetched.find("Zdoe") == std::string::npos, fetched);
}

// The query's own words take their feedback weight in place (word x (1 + share)), which must
// score exactly as the word plus a boost of the word at its share.
BOOST_AUTO_TEST_CASE(reweights_in_place_score_as_boosts) {
    Collection c;
    using Q = Xapian::Query;
    const Q alpha("Zalpha"), beta("Zbeta");
    Q boosted(Q::OP_AND_MAYBE, Q(Q::OP_OR, alpha, beta),
              Q(Q::OP_OR, Q(Q::OP_SCALE_WEIGHT, alpha, 0.7), Q(Q::OP_SCALE_WEIGHT, beta, 0.2)));
    Q in_place(Q::OP_OR, Q(Q::OP_SCALE_WEIGHT, alpha, 1.7), Q(Q::OP_SCALE_WEIGHT, beta, 1.2));
    auto weight = make_weight(RankingOptions{});
    Xapian::Enquire enquire(c.db);
    enquire.set_weighting_scheme(*weight);
    enquire.set_query(boosted);
    Xapian::MSet a = enquire.get_mset(0, 100);
    enquire.set_query(in_place);
    Xapian::MSet b = enquire.get_mset(0, 100);
    BOOST_TEST_REQUIRE(a.size() == b.size());
    BOOST_TEST(a.size() == 7u);
    for (Xapian::doccount i = 0; i < a.size(); ++i) {
        BOOST_TEST(*a[i] == *b[i]);
        BOOST_TEST(a[i].get_weight() == b[i].get_weight(), boost::test_tools::tolerance(1e-12));
    }
}

// The feedback decision reads the distinct words per feedback document and applies feedback
// from the threshold up; below it the query is left exactly as it was, and the decision says
// why. Here the 4 feedback documents of "alpha beta" hold 4 distinct stems in all (alpha,
// beta, gamma, filler): 1 a document.
BOOST_AUTO_TEST_CASE(feedback_decision_follows_the_predictor) {
    Collection c;
    const Xapian::Query query = words({"alpha", "beta"});
    for (double threshold : {0.0, 1.0, 1.01, 12.0}) {
        RankingOptions options = feedback(0.43);
        options.feedback_threshold = threshold;
        Xapian::Enquire enquire(c.db);
        auto weight = make_weight(options);
        enquire.set_weighting_scheme(*weight);
        FeedbackDecision decision;
        Xapian::Query ranked =
            ranked_query(query, c.db, enquire, options, {}, false, nullptr, &decision);
        const bool applied = threshold <= 1.0;
        BOOST_TEST(decision.considered);
        BOOST_TEST(decision.applied == applied);
        BOOST_TEST(decision.documents == 4u);
        BOOST_TEST(decision.value == 1.0);
        BOOST_TEST(decision.threshold == threshold);
        BOOST_TEST((ranked.get_description() == query.get_description()) == !applied);
        BOOST_TEST(decision.reason.starts_with(applied ? "applied: " : "not applied: "),
                   decision.reason);
        BOOST_TEST(decision.reason.find("1 distinct words each") != std::string::npos,
                   decision.reason);
    }
}

// Queries the decision does not consider, each with its reason; the default options leave a
// short-record collection's query as plain BM25 ranks it.
BOOST_AUTO_TEST_CASE(feedback_decision_reasons) {
    Collection c;
    auto decide = [&](const Xapian::Query& query, const RankingOptions& options) {
        Xapian::Enquire enquire(c.db);
        auto weight = make_weight(options);
        enquire.set_weighting_scheme(*weight);
        FeedbackDecision decision;
        Xapian::Query ranked =
            ranked_query(query, c.db, enquire, options, {}, false, nullptr, &decision);
        BOOST_TEST(ranked.get_description() == query.get_description());
        BOOST_TEST(!decision.applied);
        return decision;
    };
    RankingOptions off = feedback(0.43);
    off.expand = 0;
    BOOST_TEST(decide(words({"alpha", "beta"}), off).reason == "off (--expand 0)");
    FeedbackDecision d = decide(
        Xapian::Query(Xapian::Query::OP_AND, Xapian::Query("Zalpha"), Xapian::Query("Zbeta")),
        feedback(0.43));
    BOOST_TEST(!d.considered);
    BOOST_TEST(d.reason.find("operators") != std::string::npos, d.reason);
    d = decide(words({"alpha", "beta"}), RankingOptions{});  // expand_min_terms 3
    BOOST_TEST(!d.considered);
    BOOST_TEST(d.reason == "not considered: 2 words, feedback needs 3");
    d = decide(words({"nothing", "here", "at"}), RankingOptions{});
    BOOST_TEST(!d.considered);
    BOOST_TEST(d.reason == "not applied: the query matches nothing");
    // Short records: three words whose best matches hold a word or two each.
    d = decide(words({"alpha", "beta", "delta"}), RankingOptions{});
    BOOST_TEST(d.considered);
    BOOST_TEST(d.value < RankingOptions{}.feedback_threshold);
    BOOST_TEST(d.reason.find("below the threshold 12") != std::string::npos, d.reason);
}

// The default weighting is plain BM25 as docs/RELEVANCE.md's baseline has it (k1 1, b 0.5):
// a query the decision leaves alone ranks exactly as the baseline ranks it.
BOOST_AUTO_TEST_CASE(default_weighting_is_the_baseline) {
    const RankingOptions defaults;
    BOOST_TEST(defaults.k1 == 1.0);
    BOOST_TEST(defaults.b == 0.5);
    auto weight = make_weight(defaults);
    BOOST_TEST(weight->name() == "Xapian::BM25Weight");
    BOOST_TEST(weight->serialise() == Xapian::BM25Weight(1.0, 0.0, 1.0, 0.5, 0.5).serialise());
}

// The cache answers as the database does, looks each term up once, and starts afresh when full.
BOOST_AUTO_TEST_CASE(term_freq_cache) {
    test::TempDir dir;
    Xapian::WritableDatabase db(dir / "db", Xapian::DB_CREATE);
    for (int i = 0; i < 5; ++i)
        db.add_document(doc({{"alpha", 1}, {i < 2 ? "beta" : "gamma", 1}}));
    db.commit();
    TermFreqCache freqs(2);
    BOOST_TEST(freqs.get(db, "Zalpha") == 5u);
    BOOST_TEST(freqs.get(db, "Zbeta") == 2u);
    BOOST_TEST(freqs.size() == 2u);
    // Kept: what it answers now is the revision it read, until cleared (the searcher clears it
    // when it reopens the database).
    db.add_document(doc({{"beta", 1}}));
    db.commit();
    BOOST_TEST(freqs.get(db, "Zbeta") == 2u);
    BOOST_TEST(freqs.get(db, "Zmissing") == 0u);  // full: it started afresh
    BOOST_TEST(freqs.size() == 1u);
    freqs.clear();
    BOOST_TEST(freqs.size() == 0u);
    BOOST_TEST(freqs.get(db, "Zbeta") == 3u);
}

BOOST_AUTO_TEST_SUITE_END()
