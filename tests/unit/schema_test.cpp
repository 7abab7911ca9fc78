// SPDX-License-Identifier: GPL-2.0-or-later
#define BOOST_TEST_MODULE schema
#include <xxhash.h>

#include <boost/test/unit_test.hpp>

#include "folio/error.hpp"
#include "schema/schema.hpp"

using namespace folio;

BOOST_AUTO_TEST_SUITE(document_schema)

// A short id becomes the prefix plus the id itself.
BOOST_AUTO_TEST_CASE(short_id_term_is_plain) {
    BOOST_TEST(schema::id_term("sotu-1790") == "Qsotu-1790");
}

// An id past Xapian's term limit is hashed, stays within it, and stays stable and distinct.
BOOST_AUTO_TEST_CASE(long_id_term_is_hashed) {
    std::string long_id(300, 'x');
    std::string other = long_id + "y";
    std::string term = schema::id_term(long_id);
    BOOST_TEST(term.size() <= schema::kMaxTermLength);
    BOOST_TEST(term.starts_with("Q#"));
    BOOST_TEST(term == schema::id_term(long_id));
    BOOST_TEST(term != schema::id_term(other));
}

// Boolean terms are lower-cased, also beyond ASCII.
BOOST_AUTO_TEST_CASE(boolean_term_lower_cases) {
    BOOST_TEST(schema::boolean_term("K", "Democratic-Republican") == "Kdemocratic-republican");
    BOOST_TEST(schema::boolean_term("XA", "Émile ZOLA") == "XAémile zola");
}

// Only full ISO dates become date values.
BOOST_AUTO_TEST_CASE(date_value_needs_iso_dates) {
    BOOST_TEST(schema::date_value("2022-02-18") == "20220218");
    BOOST_TEST(schema::date_value("2022-2-18").empty());
    BOOST_TEST(schema::date_value("").empty());
    BOOST_TEST(schema::date_value("2022-0a-18").empty());
}

// Every stored field survives encoding and decoding, including empty and binary-ish ones.
BOOST_AUTO_TEST_CASE(article_round_trips) {
    Article a;
    a.id = "x/1";
    a.title = "Title ünïcode";
    a.body = std::string("body\nwith\0nul", 13);
    a.date = "1999-12-31";
    a.authors = {"A One", "B Two"};
    a.tags = {"t1"};
    a.url = "https://example.org/";
    a.language = "english";
    a.source = "src";
    a.path = "/tmp/x";
    a.description = "d";
    BOOST_TEST((schema::decode_article(schema::encode_article(a)) == a));
    Article empty;
    BOOST_TEST((schema::decode_article(schema::encode_article(empty)) == empty));
}

// Truncated or foreign data is reported, not read past its end.
BOOST_AUTO_TEST_CASE(corrupt_data_throws) {
    Article a;
    a.title = "some title";
    std::string data = schema::encode_article(a);
    BOOST_CHECK_THROW(schema::decode_article(data.substr(0, data.size() - 3)), Error);
    BOOST_CHECK_THROW(schema::decode_article(""), Error);
    BOOST_CHECK_THROW(schema::decode_article("\x07junk"), Error);
    BOOST_CHECK_THROW(schema::decode_article(data + "x"), Error);
}

// A stored article (kSlotArticle) round-trips: compressed with LZ4 where that shrinks it, as
// it is where not (a short article), and an empty one too.
BOOST_AUTO_TEST_CASE(packed_article_round_trips) {
    Article a;
    a.id = "x/1";
    a.title = "Oil prices";
    for (int i = 0; i < 200; ++i)
        a.body += "Crude oil prices rose " + std::to_string(i) + " cents a barrel. ";
    a.authors = {"A One"};
    const std::string packed = schema::pack_article(a);
    BOOST_TEST(packed[0] == '\1');
    BOOST_TEST(packed.size() < schema::encode_article(a).size() / 2);
    BOOST_TEST((schema::unpack_article(packed) == a));

    Article small;
    small.id = "s";
    small.body = std::string("a\0b", 3);
    const std::string plain = schema::pack_article(small);
    BOOST_TEST(plain[0] == '\0');
    BOOST_TEST(plain.substr(1) == schema::encode_article(small));
    BOOST_TEST((schema::unpack_article(plain) == small));
    BOOST_TEST((schema::unpack_article(schema::pack_article(Article{})) == Article{}));
}

// A damaged stored article is reported: a bad form byte, a wrong size, a cut LZ4 block.
BOOST_AUTO_TEST_CASE(corrupt_packed_article_throws) {
    Article a;
    a.body = std::string(5000, 'x');
    const std::string packed = schema::pack_article(a);
    BOOST_TEST_REQUIRE(packed[0] == '\1');
    BOOST_CHECK_THROW(schema::unpack_article(""), Error);
    BOOST_CHECK_THROW(schema::unpack_article("\7junk"), Error);
    BOOST_CHECK_THROW(schema::unpack_article(std::string_view("\1", 1)), Error);
    BOOST_CHECK_THROW(schema::unpack_article(packed.substr(0, packed.size() - 2)), Error);
    std::string wrong_size = packed;
    wrong_size[1] = static_cast<char>(wrong_size[1] ^ 0x01);  // the varint's low bits
    BOOST_CHECK_THROW(schema::unpack_article(wrong_size), Error);
    std::string huge = packed.substr(0, 1) + "\xff\xff\xff\xff\x7f" + packed.substr(3);
    BOOST_CHECK_THROW(schema::unpack_article(huge), Error);
    // 1 GiB claimed for three bytes of block: refused.
    BOOST_CHECK_THROW(schema::unpack_article(std::string("\1\x80\x80\x80\x80\x04xyz", 9)), Error);
}

// An article's shard depends on its id and the shard count only, and spreads ids evenly.
BOOST_AUTO_TEST_CASE(shard_of_is_stable_and_even) {
    BOOST_TEST(schema::shard_of("anything", 1) == 0u);
    BOOST_TEST(schema::shard_of("anything", 0) == 0u);
    // Fixed by the hash (XXH3-64): changing it would send updates to the wrong shard.
    BOOST_TEST(schema::shard_of("sotu-1790", 4) == schema::shard_of("sotu-1790", 4));
    BOOST_TEST(schema::shard_of("sotu-1790", 1000003) == XXH3_64bits("sotu-1790", 9) % 1000003);
    std::vector<int> counts(4);
    for (int i = 0; i < 4000; ++i)
        ++counts[schema::shard_of("id-" + std::to_string(i), 4)];
    for (int c : counts) {
        BOOST_TEST(c > 850);
        BOOST_TEST(c < 1150);
    }
}

// Free-text stems are told from field stems, filters and plain words; prefixes are measured.
BOOST_AUTO_TEST_CASE(text_stems_and_prefixes) {
    BOOST_TEST(schema::is_text_stem("Ztroop"));
    BOOST_TEST(schema::is_text_stem("Z1987"));
    BOOST_TEST(!schema::is_text_stem("ZStroop"));
    BOOST_TEST(!schema::is_text_stem("ZAjim"));
    BOOST_TEST(!schema::is_text_stem("Z"));
    BOOST_TEST(!schema::is_text_stem("troops"));
    BOOST_TEST(!schema::is_text_stem("Knato"));
    BOOST_TEST(schema::prefix_length("XAjim") == 2u);
    BOOST_TEST(schema::prefix_length("troops") == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
