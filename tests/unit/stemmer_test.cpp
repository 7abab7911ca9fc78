// SPDX-License-Identifier: GPL-2.0-or-later
#define BOOST_TEST_MODULE stemmer
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>

#include "analysis/stemmer.hpp"
#include "folio/error.hpp"

using namespace folio;
namespace bdata = boost::unit_test::data;

namespace {

/// Every distinct lower-case word of the bundled State of the Union addresses.
std::set<std::string> corpus_words() {
    std::set<std::string> words;
    for (const auto& entry :
         std::filesystem::directory_iterator(std::string(FOLIO_SOURCE_DIR) + "/corpus/sotu")) {
        std::ifstream in(entry.path());
        std::string token;
        while (in >> token) {
            std::string word;
            for (unsigned char c : token) {
                if (std::isalpha(c))
                    word += static_cast<char>(std::tolower(c));
            }
            if (!word.empty())
                words.insert(word);
        }
    }
    return words;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(stemmer)

// libstemmer's English stems equal Xapian's built-in English stemmer over a large word list.
BOOST_AUTO_TEST_CASE(english_matches_xapian_builtin) {
    std::set<std::string> words = corpus_words();
    BOOST_TEST_REQUIRE(words.size() > 10000u);
    Xapian::Stem ours = make_stemmer("english");
    Xapian::Stem xapians("english");
    std::size_t differ = 0;
    for (const auto& w : words) {
        if (ours(w) != xapians(w)) {
            if (++differ < 10)
                BOOST_TEST_MESSAGE(w << ": " << ours(w) << " vs " << xapians(w));
        }
    }
    BOOST_TEST(differ == 0u);
    BOOST_TEST(ours("troops") == "troop");
    BOOST_TEST(ours.get_description() == "Xapian::Stem(libstemmer:english)");
}

// Every language libstemmer lists can be made and stems something.
BOOST_AUTO_TEST_CASE(every_language_stems) {
    auto languages = stemmer_languages();
    BOOST_TEST(languages.size() >= 25u);
    for (const auto& l : languages) {
        Xapian::Stem s = make_stemmer(l);
        BOOST_TEST(!s("internationalisation").empty());
    }
}

// "none" leaves words alone.
BOOST_AUTO_TEST_CASE(none_leaves_words_alone) {
    BOOST_TEST(make_stemmer("none")("troops") == "troops");
}

// Names, codes and region tags map to libstemmer's canonical names.
BOOST_DATA_TEST_CASE(canonical_names,
                     bdata::make({"english", "English", "en", "en-US", "fr", "pt_BR", "none",
                                  "NONE", "norwegian", "nb"}) ^
                         bdata::make({"english", "english", "english", "english", "french",
                                      "portuguese", "none", "none", "norwegian", "norwegian"}),
                     input, expected) {
    BOOST_TEST(canonical_language(input) == expected);
}

// An unknown language is a usage error that names the value and the known ones.
BOOST_AUTO_TEST_CASE(rejects_unknown_language) {
    try {
        canonical_language("klingon");
        BOOST_FAIL("no exception");
    } catch (const UsageError& e) {
        std::string what = e.what();
        BOOST_TEST(what.find("klingon") != std::string::npos);
        BOOST_TEST(what.find("english") != std::string::npos);
    }
}

// English has Snowball's stop list; languages without one get no stopper.
BOOST_AUTO_TEST_CASE(stopper_for_english_only) {
    Xapian::Query q;  // keeps the stopper alive through a QueryParser, as real use does
    Xapian::QueryParser qp;
    qp.set_stopper(make_stopper("english"));
    qp.parse_query("the troops");
    auto it = qp.stoplist_begin();
    BOOST_TEST_REQUIRE((it != qp.stoplist_end()));
    BOOST_TEST(*it == "the");
    BOOST_TEST(make_stopper("french") == nullptr);
}

// The English stopper finds Snowball's stop words (the first and last of the list among those
// tried) and no other words.
BOOST_AUTO_TEST_CASE(english_stop_words) {
    std::unique_ptr<const Xapian::Stopper> stop(make_stopper("english"));
    for (const char* word : {"i", "me", "ourselves", "yourselves", "couldn't", "mustn't", "a",
                             "the", "against", "between", "very", "too", "than", "why's"})
        BOOST_TEST((*stop)(word), word);
    for (const char* word : {"", "troops", "nato", "The", "ii", "ver", "verys", "zz", "aa"})
        BOOST_TEST(!(*stop)(word), word);
}

// The stop list as indexed terms: each word and its stem ("does" is also "doe", "very" is
// "veri"); the table of stems is what the Snowball stemmer makes of the list, no more, no less;
// nothing for a language without a stop list.
BOOST_AUTO_TEST_CASE(stop_word_stems) {
    const StopStems stops("english");
    for (const char* term : {"Zthe", "Zit", "Zto", "Zdoes", "Zdoe", "Zveri", "Zourselv", "Zonli"})
        BOOST_TEST(stops(term), term);
    for (const char* term : {"Ztroop", "the", "Zbank", "Z", "", "ZZthe", "Zdo e"})
        BOOST_TEST(!stops(term), term);
    BOOST_TEST(StopStems("french").empty());
    BOOST_TEST(!StopStems("french")("Zthe"));

    const Xapian::Stem stem("english");
    const auto words = folio::english_stop_words();
    std::set<std::string> made;  // stems of stop words that are no stop word
    for (std::string_view word : words) {
        const std::string s = stem(std::string(word));
        if (!std::binary_search(words.begin(), words.end(), std::string_view(s)))
            made.insert(s);
        BOOST_TEST(stops("Z" + s), s);
    }
    const auto table = folio::english_stop_word_stems();
    BOOST_TEST(std::is_sorted(table.begin(), table.end()));
    BOOST_TEST(std::set<std::string>(table.begin(), table.end()) == made);
}

BOOST_AUTO_TEST_SUITE_END()

// BCP 47 tags: the primary subtag names the language, whatever the script, region or variant;
// ISO 639-2 and 639-3 codes and names work too.
BOOST_DATA_TEST_CASE(language_tags,
                     bdata::make({"fr-CA",    "pt-BR",         "zh-Hant",    "zh-Hant-TW",
                                  "ZH_hans",  "sr-Latn",       "sr-Cyrl-RS", "en-GB-oxendict",
                                  "fra",      "fre",           "ger",        "deu",
                                  "ell",      "gre",           "yi",         "yid",
                                  "hi-IN",    "nb-NO",         "ja-JP",      "ko-KR",
                                  "cmn",      " de-AT ",       "Greek",      "none",
                                  "Deutsch",  "FRANÇAIS",      "francais",   "Español",
                                  "ελληνικά", "Русский",       "日本語",     "Bokmål",
                                  "de, en",   "en-US,en;q=0.9"}) ^
                         bdata::make({"french",   "portuguese", "chinese",   "chinese",  "chinese",
                                      "serbian",  "serbian",    "english",   "french",   "french",
                                      "german",   "german",     "greek",     "greek",    "yiddish",
                                      "yiddish",  "hindi",      "norwegian", "japanese", "korean",
                                      "chinese",  "german",     "greek",     "none",     "german",
                                      "french",   "french",     "spanish",   "greek",    "russian",
                                      "japanese", "norwegian",  "german",    "english"}),
                     input, expected) {
    BOOST_TEST(language_of_tag(input) == expected);
    BOOST_TEST(canonical_language(input) == expected);
}

// Tags that name no language Folio knows: "" (the caller uses the database's language).
BOOST_DATA_TEST_CASE(unknown_language_tags,
                     bdata::make({"", "tlh", "tlh-Latn", "x-klingon", "i-klingon", "und", "mul",
                                  "zxx", "-fr", "f", "ქართული", "en\x01", "Deutschland"})) {
    BOOST_TEST(language_of_tag(sample).empty());
}

// Each unknown tag is reported once per process, whatever the number of files naming it.
BOOST_AUTO_TEST_CASE(unknown_tag_seen_once) {
    BOOST_TEST(first_sight_of_unknown_tag("qq-test-one"));
    BOOST_TEST(!first_sight_of_unknown_tag("qq-test-one"));
    BOOST_TEST(first_sight_of_unknown_tag("qq-test-two"));
}

// Chinese, Japanese and Korean have no Snowball stemmer: their words stay as written, but
// under the stem prefix (not Xapian's "none", which STEM_ALL_Z indexes nothing with).
BOOST_AUTO_TEST_CASE(unstemmed_languages_keep_words) {
    for (const char* language : {"chinese", "japanese", "korean"}) {
        Xapian::Stem stem = make_stemmer(language);
        BOOST_TEST(!stem.is_none());
        BOOST_TEST(stem("北京天气") == "北京天气");
    }
    BOOST_TEST(make_stemmer("none").is_none());
}

// Elided articles and pronouns are split off before stemming in French, Italian, Catalan and
// Irish (Lucene's ElisionFilter lists), with either apostrophe; other languages keep them. A
// Turkish word is what comes before its apostrophe (the suffixes of a proper name).
BOOST_DATA_TEST_CASE(
    elision_is_split_off,
    bdata::make({"l'abstention", "qu'il", "jusqu\u2019ici", "dell'arte", "d'aigua", "d'fhág",
                 "l'abstention", "o'neill", "l'", "xl'a", "aujourd'hui", "istanbul'da",
                 "ankara\u2019ya", "l'a"}) ^
        bdata::make({"french", "french", "french", "italian", "catalan", "irish", "english",
                     "french", "french", "french", "french", "turkish", "turkish", "english"}) ^
        bdata::make({"abstention", "il", "ici", "arte", "aigua", "fhág", "l'abstention", "o'neill",
                     "l'", "xl'a", "aujourd'hui", "istanbul", "ankara", "l'a"}),
    word, language, expected) {
    BOOST_TEST(std::string(split_elision(word, language)) == expected);
}

BOOST_AUTO_TEST_CASE(elision_before_stemming) {
    BOOST_TEST(make_stemmer("french")("l'abstention") == make_stemmer("french")("abstention"));
    BOOST_TEST(make_stemmer("french", false)("l'abstention") !=
               make_stemmer("french")("abstention"));
}

// Accents fold for matching: Latin diacritics, ligatures, ß, Greek tonos and final sigma,
// combining marks (NFD), Romanian, Vietnamese and Pinyin letters, Hebrew points, Arabic harakat
// and tatweel, Catalan l·l, full-width capitals; Turkish dotless ı and other scripts stay.
BOOST_DATA_TEST_CASE(
    accents_fold,
    bdata::make({"élections", "e\u0301lections", "çà",         "bäume", "straße",  "œuvre",
                 "łódź",      "θάλασσες",        "ΐϋ",         "ılık",  "москва",  "北京",
                 "naïve",     "orașului",        "țară",       "cơm",   "nǚ",      "שָׁלוֹם",
                 "المَكْتَبَةِ",   "كتـــاب",         "col·lecció", "ستمبر", "ＮＨＫｎ"}) ^
        bdata::make({"elections", "elections", "ca",        "baume", "strasse", "oeuvre",
                     "lodz",      "θαλασσεσ",  "ιυ",        "ılık",  "москва",  "北京",
                     "naive",     "orasului",  "tara",      "com",   "nu",      "שלום",
                     "المكتبة",   "كتاب",      "colleccio", "ستمبر", "ｎｈｋｎ"}),
    input, expected) {
    BOOST_TEST(fold_accents(input) == expected);
}

// German umlauts written ae, oe, ue are the umlauts: "Muenchen" is "München", but Quelle and
// Feuer keep their u.
BOOST_AUTO_TEST_CASE(german_umlauts_written_out) {
    Xapian::Stem german = make_stemmer("german");
    BOOST_TEST(german("muenchen") == german("münchen"));
    BOOST_TEST(german("baeume") == german("bäume"));
    BOOST_TEST(german("oesterreicher") == german("österreicher"));
    BOOST_TEST(german("schroeder") == german("schröder"));
    BOOST_TEST(german("ueber") == german("über"));
    BOOST_TEST(german("quelle") == "quell");
    BOOST_TEST(german("feuer") == "feu");  // a u after a vowel is a consonant
    BOOST_TEST(german("frauen") == "frau");
    BOOST_TEST(make_stemmer("english")("poem") == "poem");  // German only
}

// With today's word rules, a stem is folded: accents never hide a word.
BOOST_AUTO_TEST_CASE(stems_fold) {
    Xapian::Stem french = make_stemmer("french");
    BOOST_TEST(french("élections") == french("elections"));
    BOOST_TEST(make_stemmer("english")("élections") == make_stemmer("english")("elections"));
    BOOST_TEST(make_stemmer("french", false)("élections") !=
               make_stemmer("french", false)("elections"));
}
