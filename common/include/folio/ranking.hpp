// folio/ranking.hpp: how matches are ordered by relevance: the weighting scheme's parameters and
// those of pseudo-relevance feedback, with their defaults in one place, and why feedback was
// applied to a query or not.
#pragma once

#include <string>

namespace folio {

/// Defaults chosen with eval/run_eval.py (docs/RELEVANCE.md) on its robustness test bed
/// (Cranfield, CISI, NPL, titles-only and three-word-query variants): BM25 as plain as the
/// baseline there (k1 1, b 0.5), so that a query without feedback ranks exactly as plain BM25,
/// plus pseudo-relevance feedback where the feedback decision expects it to help.
struct RankingOptions {
    /// BM25 term-frequency saturation. 1.2 ranks Cranfield and CISI a little higher, and NPL's
    /// short abstracts lower (docs/RELEVANCE.md).
    double k1 = 1.0;
    /// BM25 length normalisation. 0.75 costs NPL 2% of its MAP.
    double b = 0.5;
    unsigned expand = 10;        ///< pseudo-relevance feedback: terms added (0: off)
    unsigned expand_docs = 10;   ///< top documents the feedback terms are taken from
    double expand_weight = 0.4;  ///< weight of a feedback term relative to a query term
    /// Feedback also reweights the query's own words: together they gain this fraction of
    /// their weight (times the number of words), shared out in proportion to each word's
    /// frequency in the feedback documents (0: off). Needs expand > 0.
    double reweight = 0.8;
    /// Feedback only for natural-language queries (words joined by OR, no operators, phrases
    /// or filters) of at least this many words: long, verbose queries gain from it
    /// (docs/RELEVANCE.md), while keywords and boolean queries would pay an extra match and an
    /// expand set (several ms on Reuters) for little.
    unsigned expand_min_terms = 3;
    /// The feedback decision: feedback is applied only when the feedback documents hold at
    /// least this many distinct words each, on average (their vocabulary: the distinct
    /// free-text stems of all of them, divided by their number; 0: always). Below it the
    /// documents are too short or too alike to tell the words a topic is about from the words
    /// that happen to be there: the expand set would take a large share of everything they
    /// say. Titles and headlines hold 4-8, short abstracts 15-25, abstracts 40-60. Chosen by
    /// cross-validation over the test bed's collections (docs/RELEVANCE.md).
    double feedback_threshold = 12;
    /// Proximity: natural-language queries also reward consecutive query words found within
    /// this many words of each other (0: off), at this fraction of their weight.
    unsigned proximity_window = 0;
    double proximity_weight = 0.0;
};

/// Whether pseudo-relevance feedback rewrote a query, and why (searcher --explain).
struct FeedbackDecision {
    /// The query qualified (feedback on, a natural-language query of expand_min_terms words
    /// or more, with matches): the predictor was read.
    bool considered = false;
    bool applied = false;    ///< the expand set and reweighting were added
    double value = 0;        ///< the predictor: distinct words per feedback document
    double threshold = 0;    ///< RankingOptions::feedback_threshold
    unsigned documents = 0;  ///< feedback documents read
    std::string reason;      ///< why, in one sentence
};

}  // namespace folio
