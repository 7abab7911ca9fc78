// SPDX-License-Identifier: GPL-2.0-or-later
// End-to-end tests of languages (issue 21): every article findable by the words it contains,
// whatever the database's language, the article's and the query's; -l none; language tags;
// the order of --db.
#include <boost/test/unit_test.hpp>

#include <xapian.h>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "../unit/temp_dir.hpp"
#include "process.hpp"

namespace fs = std::filesystem;
using folio::test::run_program;
using folio::test::RunResult;
using folio::test::TempDir;

namespace {

const std::string kLanguages = std::string(FOLIO_TEST_DATA) + "/languages";

RunResult index(const std::vector<std::string>& args) {
    return run_program(FOLIO_INDEXER, args, {}, {});
}

RunResult search(const std::vector<std::string>& args) {
    return run_program(FOLIO_SEARCHER, args, {}, {});
}

void write_file(const std::string& path, const std::string& content) {
    std::ofstream(path, std::ios::binary) << content;
}

std::size_t count_of(const std::string& db, const std::string& query) {
    RunResult r = search({"--db", db, "--count", query});
    BOOST_TEST_REQUIRE(r.status <= 1, r.err);
    return static_cast<std::size_t>(std::stoul(r.out));
}

/// The ids of the hits, in rank order.
std::vector<std::string> ids_of(const std::vector<std::string>& dbs, const std::string& query) {
    std::vector<std::string> args;
    for (const auto& db : dbs) {
        args.push_back("--db");
        args.push_back(db);
    }
    args.insert(args.end(), {"--json", "-m", "50", query});
    RunResult r = search(args);
    BOOST_TEST_REQUIRE(r.status <= 1, r.err);
    std::vector<std::string> out;
    const nlohmann::json result = nlohmann::json::parse(r.out);
    for (const auto& hit : result["hits"])
        out.push_back(hit["id"].get<std::string>());
    return out;
}

/// The tests/data/languages corpus indexed with `language` as the database's language.
struct MixedIndex {
    TempDir dir;
    std::string db;
    explicit MixedIndex(const std::string& language) : db(dir / "db") {
        RunResult r = index({"--db", db, "--language", language, kLanguages});
        if (r.status != 0)
            throw std::runtime_error("indexing the test data failed: " + r.err);
    }
};

const MixedIndex& english() {
    static MixedIndex index("english");
    return index;
}

bool has(const std::vector<std::string>& ids, const std::string& id) {
    return std::find(ids.begin(), ids.end(), id) != ids.end();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(languages)

// -l none: no stemming, in the index or the queries, whatever language an article names.
BOOST_AUTO_TEST_CASE(none_means_no_stemming) {
    TempDir dir;
    const std::string input = dir / "in.jsonl";
    write_file(input,
               "{\"id\":\"1\",\"lang\":\"en\",\"title\":\"Lincoln speech\",\"body\":\"Slavery was "
               "abolished.\"}\n"
               "{\"id\":\"2\",\"title\":\"Lincoln again\",\"body\":\"Slavery ended here.\"}\n");
    const std::string db = dir / "db";
    RunResult r = index({"--db", db, "--language", "none", input});
    BOOST_TEST_REQUIRE(r.status == 0, r.err);
    BOOST_TEST(count_of(db, "slavery") == 2u);
    BOOST_TEST(count_of(db, "title:lincoln") == 2u);
    BOOST_TEST(count_of(db, "\"slavery was abolished\"") == 1u);
    BOOST_TEST(count_of(db, "abolished") == 1u);
    BOOST_TEST(count_of(db, "abolish") == 0u);  // no stems
    BOOST_TEST(count_of(db, "lang:en") == 1u);  // the article's language is still recorded
}

// An article in another language than the database's is found by its words, as written and
// inflected, and by its phrases.
BOOST_AUTO_TEST_CASE(other_languages_in_an_english_database) {
    const std::string& db = english().db;
    BOOST_TEST(ids_of({db}, "Москва") == std::vector<std::string>{"ru1"});
    BOOST_TEST(has(ids_of({db}, "Москве"), "ru1"));  // inflected: Russian stems
    BOOST_TEST(ids_of({db}, "\"Москва новости\"") == std::vector<std::string>{"ru1"});
    BOOST_TEST(has(ids_of({db}, "Bäume"), "de1"));
    BOOST_TEST(has(ids_of({db}, "Baum"), "de1"));
    BOOST_TEST(ids_of({db}, "author:zola") == std::vector<std::string>{"fr1"});
    BOOST_TEST(has(ids_of({db}, "bibliotecas"), "es1"));
    BOOST_TEST(has(ids_of({db}, "biblioteca"), "es1"));
    BOOST_TEST(has(ids_of({db}, "θάλασσα"), "el1"));
    BOOST_TEST(has(ids_of({db}, "المكتبة"), "ar1"));
    BOOST_TEST(has(ids_of({db}, "\"élections municipales\""), "fr1"));
    // English keeps its own stems.
    BOOST_TEST(has(ids_of({db}, "election"), "en1"));
    BOOST_TEST(has(ids_of({db}, "\"council elections\""), "en1"));
}

// Regional and script subtags name the language: fr-CA is French, pt-BR Portuguese.
BOOST_AUTO_TEST_CASE(regional_tags_are_their_language) {
    const std::string& db = english().db;
    BOOST_TEST(count_of(db, "lang:fr") == 2u);  // fr1 and quebec.html (fr-CA)
    BOOST_TEST(count_of(db, "\"vacances de la construction\"") == 1u);
    BOOST_TEST(count_of(db, "\"eleições presidenciais\"") == 1u);
    BOOST_TEST(count_of(db, "lang:portuguese") == 1u);
    BOOST_TEST(count_of(db, "lang:chinese") == 1u);  // zh-Hant
    BOOST_TEST(count_of(db, "lang:japanese") == 1u);
}

// An unknown tag: the database's language, and one warning per tag, not one per file.
BOOST_AUTO_TEST_CASE(unknown_tag_warns_once) {
    TempDir dir;
    const std::string db = dir / "db";
    RunResult r = index({"--db", db, kLanguages});
    BOOST_TEST_REQUIRE(r.status == 0, r.err);
    std::size_t warnings = 0;
    for (std::size_t at = r.err.find("unknown language 'tlh-Latn'"); at != std::string::npos;
         at = r.err.find("unknown language 'tlh-Latn'", at + 1))
        ++warnings;
    BOOST_TEST(warnings == 1u, r.err);
    BOOST_TEST(r.err.find("klingon-") != std::string::npos, "the warning names the file");
    BOOST_TEST(count_of(db, "starship") == 2u);  // English stems: starships, starship
}

// A database indexed by older word rules (schema::kWordRules) holds some words as they were
// written, which queries typed by today's rules miss: the searcher and an update say so, and
// name the rebuild that mends it; a rebuild records today's rules and the warning goes.
BOOST_AUTO_TEST_CASE(older_word_rules_are_named) {
    TempDir dir;
    const std::string db = dir / "db";
    const std::string input = dir / "in.jsonl";
    write_file(input, "{\"id\":\"a\",\"title\":\"Vote\",\"body\":\"The election.\"}\n");
    BOOST_TEST_REQUIRE(index({"--db", db, input}).status == 0);
    RunResult r = search({"--db", db, "election"});
    BOOST_TEST(r.status == 0, r.err);
    BOOST_TEST(r.err.empty(), r.err);
    for (const auto& entry : fs::directory_iterator(db)) {
        if (entry.path().filename().string().starts_with("gen-")) {
            Xapian::WritableDatabase generation(entry.path().string(), Xapian::DB_OPEN);
            generation.set_metadata("folio.words", "1");  // as a database of the first rules
            generation.commit();
        }
    }
    r = search({"--db", db, "election"});
    BOOST_TEST(r.status == 0, r.err);
    BOOST_TEST(r.err.find("folio-searcher: warning: " + db +
                          " was indexed by older word rules (version 1 of 2)") != std::string::npos,
               r.err);
    BOOST_TEST(r.err.find("folio-indexer --rebuild") != std::string::npos, r.err);
    BOOST_TEST(r.err.find("partial") == std::string::npos, r.err);  // the results are whole
    write_file(input, "{\"id\":\"a\",\"title\":\"Vote\",\"body\":\"The elections.\"}\n");
    r = index({"--db", db, input});
    BOOST_TEST(r.status == 0, r.err);
    BOOST_TEST(r.err.find("older word rules (version 1 of 2)") != std::string::npos, r.err);
    BOOST_TEST_REQUIRE(index({"--db", db, "--rebuild", input}).status == 0);
    r = search({"--db", db, "election"});
    BOOST_TEST(r.status == 0, r.err);
    BOOST_TEST(r.err.empty(), r.err);
}

// Thai, Lao, Khmer and Burmese are written without spaces, which Folio does not split yet: the
// indexer says so, once per script, naming the file and line, and indexes the articles.
BOOST_AUTO_TEST_CASE(unsegmented_scripts_are_named) {
    TempDir dir;
    const std::string db = dir / "db";
    const std::string input = dir / "in.jsonl";
    write_file(input,
               "{\"id\":\"en\",\"title\":\"News\",\"body\":\"Bangkok.\"}\n"
               "{\"id\":\"th1\",\"title\":\"Bangkok\",\"body\":\"กรุงเทพมหานคร ประเทศไทย\"}\n"
               "{\"id\":\"th2\",\"title\":\"ประเทศไทย\",\"body\":\"Thailand\"}\n"
               "{\"id\":\"km\",\"title\":\"Phnom Penh\",\"body\":\"ភ្នំពេញ\"}\n");
    RunResult r = index({"--db", db, input});
    BOOST_TEST_REQUIRE(r.status == 0, r.err);
    BOOST_TEST(r.err.find(input + ":2: Thai text: its words are written without spaces") !=
                   std::string::npos,
               r.err);
    BOOST_TEST(r.err.find(":3: Thai") == std::string::npos, "once per script: " << r.err);
    BOOST_TEST(r.err.find(input + ":4: Khmer text") != std::string::npos, r.err);
    BOOST_TEST(count_of(db, "ประเทศไทย") == 2u);  // a run between spaces is found whole
}

// Searching several databases as one: the order of --db never changes what matches.
BOOST_AUTO_TEST_CASE(order_of_databases_does_not_matter) {
    TempDir dir;
    const std::string french_input = dir / "fr.jsonl";
    const std::string english_input = dir / "en.jsonl";
    write_file(french_input,
               "{\"id\":\"f\",\"title\":\"Les bibliothèques\",\"body\":\"Les bibliothèques "
               "ouvrent le dimanche.\"}\n");
    write_file(english_input,
               "{\"id\":\"e\",\"title\":\"Libraries\",\"body\":\"The libraries open on "
               "Sundays.\"}\n");
    const std::string a = dir / "a", b = dir / "b";
    BOOST_TEST_REQUIRE(index({"--db", a, "--language", "fr", french_input}).status == 0);
    BOOST_TEST_REQUIRE(index({"--db", b, "--language", "en", english_input}).status == 0);
    for (const char* query : {"bibliothèque", "library", "\"bibliothèques ouvrent\"", "sunday"}) {
        auto ab = ids_of({a, b}, query);
        auto ba = ids_of({b, a}, query);
        std::sort(ab.begin(), ab.end());
        std::sort(ba.begin(), ba.end());
        BOOST_TEST(ab == ba, query);
        BOOST_TEST(ab.size() == 1u, query);
    }
}

// Elided articles and pronouns are split off (French l' qu', Italian dell'...): the word is
// found alone, with its article, and with either apostrophe; highlights cover the whole form.
BOOST_AUTO_TEST_CASE(elision) {
    TempDir dir;
    const std::string input = dir / "in.jsonl";
    write_file(input,
               "{\"id\":\"fr\",\"title\":\"Vote\",\"body\":\"L’abstention a été forte. "
               "Qu'il vienne.\"}\n"
               "{\"id\":\"it\",\"lang\":\"it\",\"title\":\"Museo\",\"body\":\"La storia "
               "dell'arte moderna.\"}\n");
    const std::string db = dir / "db";
    BOOST_TEST_REQUIRE(index({"--db", db, "--language", "fr", input}).status == 0);
    for (const char* q : {"abstention", "l'abstention", "l’abstention", "il", "qu'il", "arte",
                          "\"storia dell'arte\""})
        BOOST_TEST(count_of(db, q) == 1u, q);
    RunResult r = search({"--db", db, "--color", "never", "abstention"});
    BOOST_TEST(r.out.find("**L’abstention**") != std::string::npos, r.out);
    // In the mixed corpus (an English database), the French article too.
    BOOST_TEST(has(ids_of({english().db}, "abstention"), "fr1"));
}

namespace {

/// One article per language of `indexer --list-languages` (libstemmer 2.2): two words of it as
/// written, and another form of the first word (the same stem in that language).
struct Sample {
    const char* language;
    const char* word;
    const char* next;
    const char* inflected;
};
constexpr Sample kSamples[] = {
    {"arabic", "المكتبات", "العامة", "مكتبة"},
    {"armenian", "քաղաքները", "հին", "քաղաք"},
    {"basque", "etxeetan", "zaharretan", "etxeak"},
    {"catalan", "ciutats", "antigues", "ciutat"},
    {"danish", "husene", "gamle", "huset"},
    {"dutch", "boeken", "oude", "boek"},
    {"english", "libraries", "old", "library"},
    {"finnish", "taloissa", "vanhoissa", "talo"},
    {"french", "bibliothèques", "anciennes", "bibliothèque"},
    {"german", "Häusern", "alten", "Häuser"},
    {"greek", "θάλασσες", "γαλάζιες", "θάλασσα"},
    {"hindi", "किताबें", "पुरानी", "किताब"},
    {"hungarian", "házak", "régiek", "ház"},
    {"indonesian", "bukunya", "lama", "buku"},
    {"irish", "bhfeirmeacha", "nua", "feirmeacha"},
    {"italian", "libri", "antichi", "libro"},
    {"lithuanian", "knygos", "senos", "knyga"},
    {"nepali", "किताबहरू", "पुराना", "किताब"},
    {"norwegian", "husene", "gamle", "hus"},
    {"porter", "connections", "old", "connected"},
    {"portuguese", "livros", "antigos", "livro"},
    {"romanian", "cărțile", "vechi", "cărți"},
    {"russian", "книги", "старые", "книга"},
    {"serbian", "knjige", "stare", "knjiga"},
    {"spanish", "libros", "antiguos", "libro"},
    {"swedish", "husen", "gamla", "hus"},
    {"tamil", "புத்தகங்கள்", "பழைய", "புத்தகம்"},
    {"turkish", "kitaplar", "eski", "kitap"},
    {"yiddish", "קינדער", "אַלטע", "קינד"},
};

}  // namespace

// Each of the 29 languages end to end: an article in it is found by another form of its word
// and by a phrase starting with that form, in a database of its own language and in one
// database of all of them (an English one).
BOOST_AUTO_TEST_CASE(every_language_end_to_end) {
    RunResult listed = index({"--list-languages"});
    BOOST_TEST_REQUIRE(listed.status == 0);
    std::vector<std::string> names;
    for (std::istringstream in(listed.out); std::getline(in, names.emplace_back());) {
    }
    names.pop_back();
    std::erase(names, "none");  // listed too: no stemming
    BOOST_TEST(names.size() == std::size(kSamples));
    TempDir dir;
    std::string all;
    for (const Sample& s : kSamples) {
        const bool listed_language =
            std::find(names.begin(), names.end(), s.language) != names.end();
        BOOST_TEST(listed_language, s.language);
        all += nlohmann::json{{"id", s.language},
                              {"lang", s.language},
                              {"title", std::string("Sample ") + s.language},
                              {"body", std::string(s.word) + " " + s.next + "."}}
                   .dump() +
               "\n";
    }
    const std::string input = dir / "all.jsonl";
    write_file(input, all);
    const std::string mixed = dir / "mixed";
    BOOST_TEST_REQUIRE(index({"--db", mixed, input}).status == 0);
    for (const Sample& s : kSamples) {
        const std::string phrase = std::string("\"") + s.inflected + " " + s.next + "\"";
        BOOST_TEST(has(ids_of({mixed}, s.inflected), s.language), s.language);
        BOOST_TEST(has(ids_of({mixed}, phrase), s.language), s.language << " " << phrase);
        const std::string own = dir / s.language;
        RunResult r = index({"--db", own, "--language", s.language, input});
        BOOST_TEST_REQUIRE(r.status == 0, r.err);
        BOOST_TEST(has(ids_of({own}, s.inflected), s.language), s.language << " alone");
        BOOST_TEST(has(ids_of({own}, phrase), s.language), s.language << " alone " << phrase);
    }
}

namespace {

/// An article as a native speaker writes it, tagged as metadata often tags it (a name, a code,
/// a regional tag), and the words they would search for it by: without accents, in capitals,
/// inflected. `language` is the language it is indexed in; `highlight` is what the first
/// query highlights.
struct Native {
    const char* tag;
    const char* language;
    const char* body;
    std::vector<const char*> queries;
    const char* highlight;
};

const std::vector<Native>& natives() {
    static const std::vector<Native> rows = {
        {"Deutsch",
         "german",
         "Die Straße nach München war lang. Die Bäume blühen.",
         {"Strasse", "STRASSE", "Munchen", "Muenchen", "Baum", "Baeume"},
         "Straße"},
        {"fr-CA",
         "french",
         "L'œuvre qu'elle a vue. Jusqu'à présent, l'hôpital n'a pas répondu.",
         {"hopital", "oeuvre", "HÔPITAL", "present"},
         "l'hôpital"},
        {"es",
         "spanish",
         "La niña habló con el señor en la estación de Málaga.",
         {"nina", "senor", "estacion", "malaga"},
         "niña"},
        {"pt_BR",
         "portuguese",
         "As eleições presidenciais aconteceram em São Paulo.",
         {"eleicoes", "\"sao paulo\""},
         "eleições"},
        {"Italiano",
         "italian",
         "La città è bellissima. Dell'arte si parla; l'università è chiusa.",
         {"citta", "universita", "arte"},
         "città"},
        {"nl",
         "dutch",
         "De ijsberen van IJsland zwemmen. Het ĳs smelt.",
         {"ijsland", "IJSLAND", "ijsbeer"},
         "IJsland"},
        {"da",
         "danish",
         "Søerne i København er smukke. Børnene spiser æbler.",
         {"kobenhavn", "æble"},
         "København"},
        {"nb-NO",
         "norwegian",
         "Bøkene på biblioteket i Tromsø er gamle.",
         {"bok", "tromso"},
         "Bøkene"},
        {"sv",
         "swedish",
         "Sjöarna nära Göteborg är kalla. Vi åt räkor.",
         {"goteborg", "räka"},
         "Göteborg"},
        {"fi",
         "finnish",
         "Helsingin kirjastoissa on paljon kirjoja. Järvellä oli hiljaista.",
         {"kirjasto", "järvi"},
         "kirjastoissa"},
        {"hu",
         "hungarian",
         "A budapesti hidakon sok autó halad át.",
         {"híd", "budapest"},
         "hidakon"},
        {"tr",
         "turkish",
         "Ankara'ya kışın gittik. Kırmızı ılık çay içtik. İSTANBUL HABERLERİ.",
         {"ankara", "kış", "haber", "istanbul"},
         "Ankara'ya"},
        {"el",
         "greek",
         "Η Αθήνα είναι η πρωτεύουσα. ΟΙ ΑΝΘΡΩΠΟΙ ΤΗΣ ΠΟΛΗΣ.",
         {"αθηνα", "ΑΘΗΝΑ", "πόλη", "ανθρωπος"},
         "Αθήνα"},
        {"ru",
         "russian",
         "Новогодние ёлки стоят на площадях Москвы. Всё было зелёное.",
         {"елка", "Москва", "зеленый"},
         "ёлки"},
        {"ar",
         "arabic",
         "ذهبَ الطالبُ إلى المَكْتَبَةِ العامة في الإسكندرية.",
         {"المكتبة", "مكتبة", "الاسكندرية"},
         "المَكْتَبَةِ"},
        {"he", "english", "שָׁלוֹם עֲלֵיכֶם. הספרייה בירושלים פתוחה.", {"שלום", "עליכם"}, "שָׁלוֹם"},
        {"hi",
         "hindi",
         "दिल्ली के पुस्तकालयों में बहुत सारी किताबें हैं। बच्चों ने कहानियाँ पढ़ीं।",
         {"किताब", "पुस्तकालय", "कहानी"},
         "किताबें"},
        {"ne", "nepali", "काठमाडौंका मन्दिरहरू धेरै पुराना छन्।", {"मन्दिर"}, "मन्दिरहरू"},
        {"id",
         "indonesian",
         "Perpustakaan di Jakarta menyediakan buku. Mereka membacanya.",
         {"perpustakaan", "membaca"},
         "Perpustakaan"},
        {"ga",
         "irish",
         "Tá an leabharlann i nGaillimh ar oscailt.",
         {"leabharlann", "Gaillimh"},
         "leabharlann"},
        {"hy", "armenian", "Երևանի գրադարանները շատ գրքեր ունեն։", {"Երևան"}, "Երևանի"},
        {"eu",
         "basque",
         "Bilboko liburutegietan liburu asko daude.",
         {"liburutegi", "Bilbo"},
         "liburutegietan"},
        {"ca",
         "catalan",
         "L'escola i la col·lecció de Barcelona obren d'hora.",
         {"escola", "collecció", "col·lecció"},
         "L'escola"},
        {"lt",
         "lithuanian",
         "Vilniaus bibliotekose yra daug knygų. Žmonės skaito.",
         {"knyga", "zmones"},
         "knygų"},
        {"ro",
         "romanian",
         "Cărțile vechi sunt în biblioteca orașului.",
         {"cărți", "orasul"},
         "Cărțile"},
        {"sr-Cyrl",
         "serbian",
         "Београдске библиотеке имају много књига.",
         {"knjiga", "библиотека"},
         "књига"},
        {"sr-Latn", "serbian", "Čitaoci žele više knjiga.", {"citaoci", "читаоци"}, "Čitaoci"},
        {"ta", "tamil", "சென்னை நூலகங்களில் நிறைய புத்தகங்கள் உள்ளன.", {"நூலகம்", "புத்தகம்"}, "நூலகங்களில்"},
        {"yi", "yiddish", "די ביכער אין דער ביבליאָטעק זענען אַלט.", {"ביכער", "ביבליאטעק"}, "ביכער"},
        {"zh-Hant",
         "chinese",
         "今天臺北天氣很好。我們用iPhone拍照片。",
         {"臺北", "天氣", "iphone"},
         "臺北"},
        {"ja",
         "japanese",
         "東京の天気は晴れです。ＮＨＫのニュース。",
         {"東京", "晴れ", "ＮＨＫ", "ｎｈｋ"},
         "東京"},
        {"ko", "korean", "서울의 도서관에는 책이 많습니다.", {"서울", "도서관"}, "서울"},
        {"en-GB",
         "english",
         "The colours of the harbours. A naïve café.",
         {"colour", "cafe", "naive"},
         "colours"},
        {"uk", "english", "Київські каштани цвітуть навесні.", {"каштани"}, "каштани"},
        {"xx-garbage!!", "english", "Starships and their engines.", {"starship"}, "Starships"},
    };
    return rows;
}

}  // namespace

// One article per language, as a native speaker writes and tags it, in one database: each is
// found by the words its reader would type, in its own language, highlighted on its own words.
BOOST_AUTO_TEST_CASE(native_speakers) {
    TempDir dir;
    std::string all;
    for (std::size_t i = 0; i < natives().size(); ++i) {
        const Native& row = natives()[i];
        all += nlohmann::json{{"id", std::to_string(i)},
                              {"lang", row.tag},
                              {"title", std::string("Article ") + std::to_string(i)},
                              {"body", row.body}}
                   .dump() +
               "\n";
    }
    const std::string input = dir / "natives.jsonl";
    write_file(input, all);
    const std::string db = dir / "db";
    RunResult indexed = index({"--db", db, "--language", "en", input});
    BOOST_TEST_REQUIRE(indexed.status == 0, indexed.err);
    for (const char* unknown : {"'uk'", "'xx-garbage!!'", "'he'"})
        BOOST_TEST(indexed.err.find(unknown) != std::string::npos, indexed.err);
    BOOST_TEST(indexed.err.find("Deutsch") == std::string::npos, indexed.err);
    for (std::size_t i = 0; i < natives().size(); ++i) {
        const Native& row = natives()[i];
        for (const char* query : row.queries) {
            RunResult r = search({"--db", db, "--json", "-m", "50", "--expand", "0", query});
            BOOST_TEST_REQUIRE(r.status <= 1, r.err);
            const nlohmann::json result = nlohmann::json::parse(r.out);
            const nlohmann::json* hit = nullptr;
            for (const auto& h : result["hits"]) {
                if (h["id"] == std::to_string(i))
                    hit = &h;
            }
            BOOST_TEST(hit != nullptr, row.tag << ": " << query << " finds " << row.body);
            if (hit == nullptr)
                continue;
            BOOST_TEST((*hit)["language"] == row.language, row.tag);
            if (query != row.queries.front())
                continue;
            const auto& passage = (*hit)["passages"][0];
            const std::string text = passage["text"];
            std::vector<std::string> highlighted;
            for (const auto& span : passage["highlights"])
                highlighted.push_back(
                    text.substr(span[0].get<std::size_t>(),
                                span[1].get<std::size_t>() - span[0].get<std::size_t>()));
            BOOST_TEST(has(highlighted, row.highlight),
                       row.tag << ": " << query << " highlights " << passage.dump());
        }
    }
}

// A sharded index: the languages come from every shard, whichever holds which article.
BOOST_AUTO_TEST_CASE(languages_over_shards) {
    TempDir dir;
    const std::string db = dir / "db";
    RunResult r = index({"--db", db, "--shards", "3", kLanguages});
    BOOST_TEST_REQUIRE(r.status == 0, r.err);
    for (const char* q : {"Москве", "\"Москва новости\"", "Bäume", "θάλασσα", "abstention"})
        BOOST_TEST(ids_of({db}, q) == ids_of({english().db}, q), q);
    BOOST_TEST(has(ids_of({db}, "Москве"), "ru1"));
}

// Accents and case never hide a word, in a French or an English database, NFC or NFD.
BOOST_AUTO_TEST_CASE(accents_and_case) {
    TempDir dir;
    const std::string input = dir / "in.jsonl";
    write_file(input,
               "{\"id\":\"nfc\",\"title\":\"Les élections\",\"body\":\"Les élections "
               "municipales.\"}\n"
               "{\"id\":\"nfd\",\"title\":\"Vote\",\"body\":\"Les e\u0301lections "
               "re\u0301gionales.\"}\n");
    for (const char* language : {"fr", "en"}) {
        const std::string db = dir / language;
        BOOST_TEST_REQUIRE(index({"--db", db, "--language", language, input}).status == 0);
        for (const char* q : {"elections", "Elections", "élections", "ÉLECTIONS", "élections",
                              "\"elections municipales\"", "regionales", "régionales"}) {
            const std::size_t want = std::string(q).find("gional") != std::string::npos        ? 1u
                                     : std::string(q).find("municipales") != std::string::npos ? 1u
                                                                                               : 2u;
            BOOST_TEST(count_of(db, q) == want, language << " " << q);
        }
        RunResult r = search({"--db", db, "--color", "never", "elections"});
        BOOST_TEST(r.out.find("**élections**") != std::string::npos, r.out);
    }
}

// Chinese and Japanese: a word inside a run of characters is found (n-grams), as a word and in
// a phrase, and highlighted at its own bytes; no "Did you mean" for CJK words.
BOOST_AUTO_TEST_CASE(chinese_and_japanese) {
    const std::string& db = english().db;
    for (const char* q : {"北京", "天气", "\"北京天气\"", "\"京天\"", "title:北京", "今天 北京"})
        BOOST_TEST(ids_of({db}, q) == std::vector<std::string>{"zh1"}, q);
    for (const char* q : {"東京", "天気", "晴れ", "\"東京の天気\""})
        BOOST_TEST(ids_of({db}, q) == std::vector<std::string>{"ja1"}, q);
    BOOST_TEST(ids_of({db}, "\"北天\"").empty());  // not next to each other
    RunResult r = search({"--db", db, "--json", "北京"});
    BOOST_TEST_REQUIRE(r.status == 0, r.err);
    const nlohmann::json result = nlohmann::json::parse(r.out);
    BOOST_TEST(result["suggestion"].is_null());
    const auto& hit = result["hits"][0];
    BOOST_TEST(hit["title_highlights"] == nlohmann::json::parse("[[0, 6]]"));  // 北京 of 北京天气
    BOOST_TEST(hit["passages"][0]["highlights"] == nlohmann::json::parse("[[6, 12]]"));
    RunResult phrase = search({"--db", db, "--color", "never", "\"北京天气\""});
    BOOST_TEST(phrase.out.find("今天**北京天气**很好") != std::string::npos, phrase.out);
    BOOST_TEST(phrase.err.empty(), phrase.err);
}

// Highlights in an article of another language than the database's: its own stems.
BOOST_AUTO_TEST_CASE(highlights_in_the_article_language) {
    RunResult r = search({"--db", english().db, "--color", "never", "Москве"});
    BOOST_TEST_REQUIRE(r.status == 0, r.err);
    BOOST_TEST(r.out.find("**Москвы**") != std::string::npos, r.out);
}

BOOST_AUTO_TEST_SUITE_END()
