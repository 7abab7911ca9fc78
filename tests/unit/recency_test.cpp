// SPDX-License-Identifier: GPL-2.0-or-later
#define BOOST_TEST_MODULE recency
#include <boost/test/unit_test.hpp>

#include <cmath>

#include "folio/error.hpp"
#include "search/recency.hpp"

using namespace folio;

BOOST_AUTO_TEST_SUITE(recency)

// Half-lives in days, weeks, months and years; bad ones are usage errors.
BOOST_AUTO_TEST_CASE(half_lives) {
    BOOST_TEST(parse_half_life("30") == 30.0);
    BOOST_TEST(parse_half_life("30d") == 30.0);
    BOOST_TEST(parse_half_life("2w") == 14.0);
    BOOST_TEST(parse_half_life("1.5y") == 1.5 * 365.2425);
    BOOST_TEST(parse_half_life("6m") == 6 * 30.436875);
    for (const char* bad : {"", "0", "-3", "y", "10x", "1e999", "nan"})
        BOOST_CHECK_THROW(parse_half_life(bad), UsageError);
}

// Day numbers count calendar days, leap years included; impossible dates are refused.
BOOST_AUTO_TEST_CASE(day_numbers) {
    long a = 0, b = 0;
    BOOST_TEST(day_number("20200228", a));
    BOOST_TEST(day_number("20200301", b));
    BOOST_TEST(b - a == 2);  // 2020 is a leap year
    BOOST_TEST(day_number("19700101", a));
    BOOST_TEST(a == 0);
    BOOST_TEST(!day_number("20210229", a));
    BOOST_TEST(!day_number("2021-01-01", a));
    BOOST_TEST(!day_number("", a));
    BOOST_TEST(today_value().size() == 8u);
}

// The weight halves every half-life; the future counts as today; no date weighs nothing.
BOOST_AUTO_TEST_CASE(decay) {
    RecencySource source(8.0, 10.0, "20200131");
    BOOST_TEST(source.weight_of("20200131") == 8.0);
    BOOST_TEST(source.weight_of("20200121") == 4.0);
    BOOST_TEST(source.weight_of("20200111") == 2.0);
    BOOST_TEST(std::abs(source.weight_of("20200126") - 8.0 / std::sqrt(2.0)) < 1e-12);
    BOOST_TEST(source.weight_of("20300101") == 8.0);
    BOOST_TEST(source.weight_of("") == 0.0);
    BOOST_CHECK_THROW(RecencySource(1.0, 1.0, "yesterday"), UsageError);
}

// Clones and serialised copies weigh the same.
BOOST_AUTO_TEST_CASE(copies) {
    RecencySource source(3.0, 7.0, "20240101");
    std::unique_ptr<RecencySource> clone(source.clone());
    std::unique_ptr<RecencySource> copy(source.unserialise(source.serialise()));
    BOOST_TEST(clone->weight_of("20231225") == source.weight_of("20231225"));
    BOOST_TEST(copy->weight_of("20231225") == source.weight_of("20231225"));
}

BOOST_AUTO_TEST_SUITE_END()
