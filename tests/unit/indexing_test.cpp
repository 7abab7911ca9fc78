// SPDX-License-Identifier: GPL-2.0-or-later
// Unit tests of the indexing run's reporting policy: repeated messages shown a few times, then
// counted (the runs themselves are tested end to end in tests/cli).
#define BOOST_TEST_MODULE indexing
#include <boost/test/unit_test.hpp>

#include "folio/indexing.hpp"

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
