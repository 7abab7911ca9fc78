// SPDX-License-Identifier: GPL-2.0-or-later
#include "analysis/stemmer.hpp"

#include <libstemmer.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdlib>
#include <iterator>
#include <mutex>
#include <set>
#include <span>
#include <unordered_map>
#include <utility>

#include "folio/error.hpp"
#include "schema/schema.hpp"
#include "text/text_util.hpp"

namespace folio {

namespace {

/// One libstemmer stemmer; Xapian reference-counts it through Xapian::Stem. Like libstemmer's
/// own state, an instance serves one thread at a time.
///
/// Stems are cached: a corpus repeats a small vocabulary, and a hash lookup is several times
/// cheaper than running the Snowball program (stemming was 8% of indexing's instructions).
class SnowballStemmer : public Xapian::StemImplementation {
  public:
    explicit SnowballStemmer(std::string language, bool word_rules = false)
        : language_(std::move(language)),
          elide_(word_rules && split_elision("l'a", language_) != "l'a"),
          fold_(word_rules),
          // Alphabets without accented letters: a stray accent would change the stem itself
          // (English "élections" is "élection", "elections" "elect"), so it goes first.
          fold_first_(word_rules && (language_ == "english" || language_ == "porter" ||
                                     language_ == "indonesian")),
          catalan_(word_rules && language_ == "catalan"),
          german_(word_rules && language_ == "german"),
          stemmer_(sb_stemmer_new(language_.c_str(), nullptr)) {
        if (stemmer_ == nullptr)
            throw UsageError("unknown language '" + language_ + "'");
    }
    ~SnowballStemmer() override { sb_stemmer_delete(stemmer_); }
    SnowballStemmer(const SnowballStemmer&) = delete;
    SnowballStemmer& operator=(const SnowballStemmer&) = delete;

    std::string operator()(const std::string& word) override {
        // libstemmer takes an int length; words that long are not words, leave them alone.
        if (word.size() > 1000)
            return word;
        if (auto it = cache_.find(word); it != cache_.end())
            return it->second;
        std::string stem = run(word);
        if (cache_.size() >= kCacheEntries)
            cache_.clear();  // bounded memory; a corpus's common words come back at once
        cache_.emplace(word, stem);
        return stem;
    }

    std::string get_description() const override { return "libstemmer:" + language_; }

  private:
    static constexpr std::size_t kCacheEntries = 1u << 17;

    std::string run(const std::string& whole) {
        std::string_view word = elide_ ? split_elision(whole, language_) : whole;
        std::string folded;
        if (fold_first_) {
            folded = fold_accents(word);
            word = folded;
        } else if (german_ && word.find('e') != std::string_view::npos) {
            folded = german_umlauts(word);
            word = folded;
        } else if (catalan_ && word.find("\u00B7") != std::string_view::npos) {
            // Catalan l·l is ll to its reader: "col·lecció" is found by "collecció" (the
            // stemmer would keep the dot, as '.').
            for (std::size_t i = 0; i < word.size(); ++i) {
                if (word.substr(i, 2) == "\u00B7")
                    ++i;
                else
                    folded += word[i];
            }
            word = folded;
        }
        const sb_symbol* out =
            sb_stemmer_stem(stemmer_, reinterpret_cast<const sb_symbol*>(word.data()),
                            static_cast<int>(word.size()));
        if (out == nullptr)
            throw std::bad_alloc();
        std::string stem(reinterpret_cast<const char*>(out),
                         static_cast<std::size_t>(sb_stemmer_length(stemmer_)));
        return fold_ ? fold_accents(stem) : stem;
    }

    /// German umlauts written ae, oe, ue (as without a German keyboard) as the umlauts, for the
    /// stemmer: "muenchen" is "münchen", as Snowball's german2 has it; a u between vowels is a
    /// consonant (Feuer, Frauen) and "qu" keeps its u (Quelle).
    static std::string german_umlauts(std::string_view word) {
        auto vowel_at = [&](std::size_t i) {  // word[i] starts a vowel (a e i o u y ä ö ü)
            if (i >= word.size())
                return false;
            const char c = word[i];
            return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u' || c == 'y' ||
                   (c == '\xC3' && i + 1 < word.size() &&
                    (word[i + 1] == '\xA4' || word[i + 1] == '\xB6' || word[i + 1] == '\xBC'));
        };
        auto vowel_before = [&](std::size_t i) {  // a vowel ends just before word[i]
            return i > 0 && (vowel_at(i - 1) || (i > 1 && vowel_at(i - 2) &&
                                                 static_cast<unsigned char>(word[i - 1]) >= 0x80));
        };
        std::string out;
        out.reserve(word.size() + 4);
        for (std::size_t i = 0; i < word.size(); ++i) {
            const char c = word[i];
            if (c == 'q' && i + 1 < word.size() && word[i + 1] == 'u') {
                out += "qu";
                ++i;
            } else if ((c == 'a' || c == 'o' || (c == 'u' && !vowel_before(i))) &&
                       i + 1 < word.size() && word[i + 1] == 'e') {
                out += c == 'a' ? "\u00E4" : c == 'o' ? "\u00F6" : "\u00FC";
                ++i;
            } else {
                out += c;
            }
        }
        return out;
    }

    std::string language_;
    bool elide_;       // split_elision before stemming
    bool fold_;        // fold_accents after stemming (the stemmer reads the accents)
    bool fold_first_;  // and before
    bool catalan_;     // l·l as ll before stemming
    bool german_;      // ae oe ue as ä ö ü before stemming
    sb_stemmer* stemmer_;
    std::unordered_map<std::string, std::string> cache_;
};

/// A stemmer that leaves words alone, for the languages without a Snowball stemmer: unlike
/// Xapian's "none" Stem, the TermGenerator and QueryParser still put its words under the stem
/// prefix, so such articles sit beside the stemmed ones in a database.
class IdentityStemmer : public Xapian::StemImplementation {
  public:
    explicit IdentityStemmer(bool fold = false) : fold_(fold) {}
    std::string operator()(const std::string& word) override {
        return fold_ ? fold_accents(word) : word;
    }
    std::string get_description() const override { return "folio::IdentityStemmer()"; }

  private:
    bool fold_;
};

/// ISO 639-1, 639-2 (bibliographic and terminological) and common 639-3 codes of the
/// languages Folio knows (libstemmer's own aliases differ between its versions).
constexpr std::pair<std::string_view, std::string_view> kIsoCodes[] = {
    {"ar", "arabic"},      {"ara", "arabic"},     {"arb", "arabic"},     {"hy", "armenian"},
    {"hye", "armenian"},   {"arm", "armenian"},   {"eu", "basque"},      {"eus", "basque"},
    {"baq", "basque"},     {"ca", "catalan"},     {"cat", "catalan"},    {"da", "danish"},
    {"dan", "danish"},     {"nl", "dutch"},       {"nld", "dutch"},      {"dut", "dutch"},
    {"en", "english"},     {"eng", "english"},    {"fi", "finnish"},     {"fin", "finnish"},
    {"fr", "french"},      {"fra", "french"},     {"fre", "french"},     {"de", "german"},
    {"deu", "german"},     {"ger", "german"},     {"el", "greek"},       {"ell", "greek"},
    {"gre", "greek"},      {"hi", "hindi"},       {"hin", "hindi"},      {"hu", "hungarian"},
    {"hun", "hungarian"},  {"id", "indonesian"},  {"ind", "indonesian"}, {"in", "indonesian"},
    {"ga", "irish"},       {"gle", "irish"},      {"it", "italian"},     {"ita", "italian"},
    {"lt", "lithuanian"},  {"lit", "lithuanian"}, {"ne", "nepali"},      {"nep", "nepali"},
    {"npi", "nepali"},     {"no", "norwegian"},   {"nor", "norwegian"},  {"nb", "norwegian"},
    {"nob", "norwegian"},  {"nn", "norwegian"},   {"nno", "norwegian"},  {"pt", "portuguese"},
    {"por", "portuguese"}, {"ro", "romanian"},    {"ron", "romanian"},   {"rum", "romanian"},
    {"mo", "romanian"},    {"ru", "russian"},     {"rus", "russian"},    {"sr", "serbian"},
    {"srp", "serbian"},    {"es", "spanish"},     {"spa", "spanish"},    {"sv", "swedish"},
    {"swe", "swedish"},    {"ta", "tamil"},       {"tam", "tamil"},      {"tr", "turkish"},
    {"tur", "turkish"},    {"yi", "yiddish"},     {"yid", "yiddish"},    {"ji", "yiddish"},
    {"zh", "chinese"},     {"zho", "chinese"},    {"chi", "chinese"},    {"cmn", "chinese"},
    {"yue", "chinese"},    {"wuu", "chinese"},    {"hak", "chinese"},    {"nan", "chinese"},
    {"ja", "japanese"},    {"jpn", "japanese"},   {"ko", "korean"},      {"kor", "korean"},
};

/// The languages' names in themselves, and other names they go by, as metadata often gives
/// them (front matter "language: Deutsch", a document property "Français"): compared lower case
/// with accents folded, so "FRANÇAIS" and "francais" are French too.
constexpr std::pair<std::string_view, std::string_view> kNames[] = {
    {"العربية", "arabic"},     {"عربي", "arabic"},          {"հայերեն", "armenian"},
    {"euskara", "basque"},     {"euskera", "basque"},       {"català", "catalan"},
    {"dansk", "danish"},       {"nederlands", "dutch"},     {"vlaams", "dutch"},
    {"flemish", "dutch"},      {"suomi", "finnish"},        {"français", "french"},
    {"deutsch", "german"},     {"ελληνικά", "greek"},       {"हिन्दी", "hindi"},
    {"हिंदी", "hindi"},         {"magyar", "hungarian"},     {"bahasa indonesia", "indonesian"},
    {"gaeilge", "irish"},      {"italiano", "italian"},     {"lietuvių", "lithuanian"},
    {"नेपाली", "nepali"},       {"norsk", "norwegian"},      {"bokmål", "norwegian"},
    {"nynorsk", "norwegian"},  {"português", "portuguese"}, {"română", "romanian"},
    {"moldavian", "romanian"}, {"русский", "russian"},      {"српски", "serbian"},
    {"srpski", "serbian"},     {"español", "spanish"},      {"castellano", "spanish"},
    {"castilian", "spanish"},  {"svenska", "swedish"},      {"தமிழ்", "tamil"},
    {"türkçe", "turkish"},     {"ייִדיש", "yiddish"},        {"יידיש", "yiddish"},
    {"中文", "chinese"},       {"汉语", "chinese"},         {"漢語", "chinese"},
    {"mandarin", "chinese"},   {"cantonese", "chinese"},    {"日本語", "japanese"},
    {"한국어", "korean"},
};

/// Snowball's English stop-word list (snowballstem.org/algorithms/english/stop.txt).
constexpr const char* kEnglishStopwords[] = {
    "i",        "me",      "my",     "myself",   "we",         "our",       "ours",    "ourselves",
    "you",      "your",    "yours",  "yourself", "yourselves", "he",        "him",     "his",
    "himself",  "she",     "her",    "hers",     "herself",    "it",        "its",     "itself",
    "they",     "them",    "their",  "theirs",   "themselves", "what",      "which",   "who",
    "whom",     "this",    "that",   "these",    "those",      "am",        "is",      "are",
    "was",      "were",    "be",     "been",     "being",      "have",      "has",     "had",
    "having",   "do",      "does",   "did",      "doing",      "would",     "should",  "could",
    "ought",    "i'm",     "you're", "he's",     "she's",      "it's",      "we're",   "they're",
    "i've",     "you've",  "we've",  "they've",  "i'd",        "you'd",     "he'd",    "she'd",
    "we'd",     "they'd",  "i'll",   "you'll",   "he'll",      "she'll",    "we'll",   "they'll",
    "isn't",    "aren't",  "wasn't", "weren't",  "hasn't",     "haven't",   "hadn't",  "doesn't",
    "don't",    "didn't",  "won't",  "wouldn't", "shan't",     "shouldn't", "can't",   "cannot",
    "couldn't", "mustn't", "let's",  "that's",   "who's",      "what's",    "here's",  "there's",
    "when's",   "where's", "why's",  "how's",    "a",          "an",        "the",     "and",
    "but",      "if",      "or",     "because",  "as",         "until",     "while",   "of",
    "at",       "by",      "for",    "with",     "about",      "against",   "between", "into",
    "through",  "during",  "before", "after",    "above",      "below",     "to",      "from",
    "up",       "down",    "in",     "out",      "on",         "off",       "over",    "under",
    "again",    "further", "then",   "once",     "here",       "there",     "when",    "where",
    "why",      "how",     "all",    "any",      "both",       "each",      "few",     "more",
    "most",     "other",   "some",   "such",     "no",         "nor",       "not",     "only",
    "own",      "same",    "so",     "than",     "too",        "very",
};

/// kEnglishStopwords in byte order, for binary search; sorted when compiled.
constexpr auto kSortedStopwords = [] {
    std::array<std::string_view, std::size(kEnglishStopwords)> sorted{};
    std::copy(std::begin(kEnglishStopwords), std::end(kEnglishStopwords), sorted.begin());
    std::sort(sorted.begin(), sorted.end());
    return sorted;
}();

/// The stems (English Snowball) of the stop words that are not stop words themselves: what the
/// rest of the list becomes once indexed. The stemmer test checks them against the stemmer.
constexpr std::string_view kStopStems[] = {
    "abov", "ani",  "becaus", "befor",   "doe",      "dure",   "i'v",
    "let",  "onc",  "onli",   "ourselv", "themselv", "they'r", "they'v",
    "veri", "we'r", "we'v",   "whi",     "you'r",    "you'v",  "yourselv",
};

/// kStopStems in byte order, for binary search; sorted when compiled.
constexpr auto kSortedStopStems = [] {
    std::array<std::string_view, std::size(kStopStems)> sorted{};
    std::copy(std::begin(kStopStems), std::end(kStopStems), sorted.begin());
    std::sort(sorted.begin(), sorted.end());
    return sorted;
}();

/// The English stop words, looked up in kSortedStopwords. Xapian::SimpleStopper would copy the
/// 174 words into a std::set for every query parser: 174 allocations and ~120,000 instructions,
/// a twentieth of a one-query searcher process's own work.
class EnglishStopper : public Xapian::Stopper {
  public:
    bool operator()(const std::string& word) const override {
        return std::binary_search(kSortedStopwords.begin(), kSortedStopwords.end(),
                                  std::string_view(word));
    }
    std::string get_description() const override { return "folio::EnglishStopper()"; }
};

}  // namespace

std::vector<std::string> stemmer_languages() {
    std::vector<std::string> out;
    for (const char** name = sb_stemmer_list(); *name != nullptr; ++name)
        out.emplace_back(*name);
    std::sort(out.begin(), out.end());
    return out;
}

std::string language_of_tag(std::string_view tag) {
    // A list ("de, en" in an HTTP Content-Language, "en-US,en;q=0.9"): its first language.
    tag = tag.substr(0, tag.find_first_of(",;"));
    while (!tag.empty() && (tag.front() == ' ' || tag.front() == '\t'))
        tag.remove_prefix(1);
    while (!tag.empty() && (tag.back() == ' ' || tag.back() == '\t'))
        tag.remove_suffix(1);
    std::string lower = detail::lower(tag);
    // "en-US", "pt_BR", "zh-Hant-TW": the primary subtag names the language (BCP 47).
    if (auto cut = lower.find_first_of("-_"); cut != std::string::npos)
        lower.resize(cut);
    if (lower == "none")
        return lower;
    for (std::string_view unstemmed : kUnstemmedLanguages) {
        if (lower == unstemmed)
            return lower;
    }
    for (const auto& [code, language] : kIsoCodes) {
        if (lower == code)
            return std::string(language);
    }
    for (const char** name = sb_stemmer_list(); *name != nullptr; ++name) {
        if (lower == *name)
            return lower;
    }
    const std::string folded = fold_accents(Xapian::Unicode::tolower(lower));
    for (const auto& [name, language] : kNames) {
        if (folded == fold_accents(name))
            return std::string(language);
    }
    return "";
}

std::string canonical_language(std::string_view name) {
    std::string language = language_of_tag(name);
    if (!language.empty())
        return language;
    std::string known;
    for (const auto& l : stemmer_languages())
        known += (known.empty() ? "" : ", ") + l;
    for (std::string_view l : kUnstemmedLanguages)
        known += ", " + std::string(l);
    throw UsageError("unknown language '" + std::string(name) + "' (known: none, " + known + ")");
}

bool first_sight_of_unknown_tag(std::string_view tag) {
    static std::mutex mutex;
    static std::set<std::string, std::less<>> seen;
    std::lock_guard<std::mutex> lock(mutex);
    if (seen.find(tag) != seen.end())
        return false;
    if (seen.size() < 10000)  // bounded: a file of random tags warns at most this often
        seen.emplace(tag);
    return true;
}

Xapian::Stem make_identity_stemmer() {
    return Xapian::Stem(new IdentityStemmer);
}

std::string_view split_elision(std::string_view word, std::string_view language) {
    static constexpr std::string_view kFrench[] = {
        "l", "m", "t", "qu", "n", "s", "j", "d", "c", "jusqu", "quoiqu", "lorsqu", "puisqu"};
    static constexpr std::string_view kItalian[] = {
        "c",    "l",    "all",  "dall", "dell", "nell", "sull", "coll", "pell", "gl", "agl",
        "dagl", "degl", "negl", "sugl", "un",   "m",    "t",    "s",    "v",    "d"};
    static constexpr std::string_view kCatalan[] = {"d", "l", "m", "n", "s", "t"};
    static constexpr std::string_view kIrish[] = {"d", "m", "b"};
    std::span<const std::string_view> articles;
    if (language == "turkish") {
        // A proper name's suffixes follow an apostrophe: "istanbul'da" is "istanbul" + "da".
        const std::size_t cut = std::min(word.find('\''), word.find("\u2019"));
        return cut == 0 || cut == std::string_view::npos ? word : word.substr(0, cut);
    }
    if (language == "french")
        articles = kFrench;
    else if (language == "italian")
        articles = kItalian;
    else if (language == "catalan")
        articles = kCatalan;
    else if (language == "irish")
        articles = kIrish;
    else
        return word;
    std::size_t cut = word.find('\'');
    std::size_t after = cut + 1;
    if (const std::size_t curly = word.find("\u2019"); curly < cut) {
        cut = curly;
        after = curly + 3;
    }
    if (cut == std::string_view::npos || cut == 0 || cut > 6 || after >= word.size())
        return word;
    const std::string_view article = word.substr(0, cut);
    if (std::find(articles.begin(), articles.end(), article) == articles.end())
        return word;
    return word.substr(after);
}

namespace {

/// Hebrew points and cantillation marks, Arabic harakat, Quranic marks and tatweel: marks that
/// writers add or leave out, never the letters.
bool is_hebrew_or_arabic_mark(std::uint32_t cp) {
    return (cp >= 0x591 && cp <= 0x5BD) || cp == 0x5BF || cp == 0x5C1 || cp == 0x5C2 ||
           cp == 0x5C4 || cp == 0x5C5 || cp == 0x5C7 || (cp >= 0x610 && cp <= 0x61A) ||
           cp == 0x640 || (cp >= 0x64B && cp <= 0x65F) || cp == 0x670 ||
           (cp >= 0x6D6 && cp <= 0x6DC) || (cp >= 0x6DF && cp <= 0x6E4) || cp == 0x6E7 ||
           cp == 0x6E8 || (cp >= 0x6EA && cp <= 0x6ED);
}

/// The letters of Latin Extended-B that fold: Romanian ș ț (comma below, as ş ţ with a
/// cedilla), Vietnamese ơ ư, Pinyin's tone marks on vowels (ǎ ǐ ǒ ǔ ǖ ǘ ǚ ǜ); "" for the rest.
std::string_view extended_b(std::uint32_t cp) {
    static constexpr std::string_view kPinyin[] = {"a", "a", "i", "i", "o", "o", "u", "u",
                                                   "u", "u", "u", "u", "u", "u", "u", "u"};
    switch (cp) {
        case 0x1A0:
        case 0x1A1:
            return "o";
        case 0x1AF:
        case 0x1B0:
            return "u";
        case 0x218:
        case 0x219:
            return "s";
        case 0x21A:
        case 0x21B:
            return "t";
        default:
            return cp >= 0x1CD && cp <= 0x1DC ? kPinyin[cp - 0x1CD] : std::string_view();
    }
}

}  // namespace

std::string fold_accents(std::string_view text) {
    // Lower-case Latin-1 Supplement and Latin Extended-A letters (U+00DF-U+017F) to what they
    // fold to; "" where the letter stays.
    static constexpr std::string_view kLatin[] = {
        "ss", "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i",  // df-ef
        "i",  "",  "n", "o", "o", "o", "o", "o",  "",  "o", "u", "u", "u", "u", "y", "",   // f0-ff
        "y",                                                                               // (ÿ)
    };
    // U+0100-U+017F (Latin Extended-A): their fold, "" where the letter stays (ı, ĸ, ŉ, ſ).
    static constexpr std::string_view kExtendedA[] = {
        "a", "a", "a",  "a",  "a", "a", "c", "c", "c", "c", "c", "c", "c", "c", "d", "d",  // 0x100
        "d", "d", "e",  "e",  "e", "e", "e", "e", "e", "e", "e", "e", "g", "g", "g", "g",  // 0x110
        "g", "g", "g",  "g",  "h", "h", "h", "h", "i", "i", "i", "i", "i", "i", "i", "i",  // 0x120
        "i", "",  "ij", "ij", "j", "j", "k", "k", "",  "l", "l", "l", "l", "l", "l", "l",  // 0x130
        "l", "l", "l",  "n",  "n", "n", "n", "n", "n", "",  "",  "",  "o", "o", "o", "o",  // 0x140
        "o", "o", "oe", "oe", "r", "r", "r", "r", "r", "r", "s", "s", "s", "s", "s", "s",  // 0x150
        "s", "s", "t",  "t",  "t", "t", "t", "t", "u", "u", "u", "u", "u", "u", "u", "u",  // 0x160
        "u", "u", "u",  "u",  "w", "w", "y", "y", "y", "z", "z", "z", "z", "z", "z", "",   // 0x170
    };
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        std::size_t length = c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        if (i + length > text.size())
            length = text.size() - i;
        if (length == 3 && c == 0xEF && static_cast<unsigned char>(text[i + 1]) == 0xBC &&
            static_cast<unsigned char>(text[i + 2]) >= 0xA1 &&
            static_cast<unsigned char>(text[i + 2]) <= 0xBA) {
            // Full-width Ａ-Ｚ (U+FF21-U+FF3A): lower case, ａ-ｚ. Xapian's CJK n-grams keep
            // their case, where its query parser lowers it.
            out += "\xEF\xBD";
            out += static_cast<char>(static_cast<unsigned char>(text[i + 2]) - 0xA1 + 0x81);
            i += 3;
            continue;
        }
        if (length != 2) {
            out.append(text, i, length);
            i += length;
            continue;
        }
        const std::uint32_t cp = (static_cast<std::uint32_t>(c & 0x1F) << 6) |
                                 (static_cast<unsigned char>(text[i + 1]) & 0x3F);
        std::string_view folded;
        bool drop = false;
        if ((cp >= 0x300 && cp <= 0x36F) || is_hebrew_or_arabic_mark(cp) || cp == 0xB7) {
            // A combining mark (NFD text folds like NFC); Hebrew points and cantillation, Arabic
            // harakat and tatweel (written or not, the same word); Catalan l·l is ll.
            drop = true;
        } else if (cp >= 0xDF && cp <= 0xFF) {
            folded = kLatin[cp - 0xDF];
        } else if (cp >= 0x100 && cp <= 0x17F) {
            folded = kExtendedA[cp - 0x100];
        } else if (cp >= 0x1A0 && cp <= 0x21B) {
            folded = extended_b(cp);
        } else if (cp >= 0x3AC && cp <= 0x3CE) {
            switch (cp) {  // Greek: tonos and dialytika, final sigma
                case 0x3AC:
                    folded = "\u03B1";
                    break;
                case 0x3AD:
                    folded = "\u03B5";
                    break;
                case 0x3AE:
                    folded = "\u03B7";
                    break;
                case 0x3AF:
                case 0x3CA:
                    folded = "\u03B9";
                    break;
                case 0x3CC:
                    folded = "\u03BF";
                    break;
                case 0x3CD:
                case 0x3CB:
                    folded = "\u03C5";
                    break;
                case 0x3CE:
                    folded = "\u03C9";
                    break;
                case 0x3C2:
                    folded = "\u03C3";
                    break;
                default:
                    break;
            }
        } else if (cp == 0x390 || cp == 0x3B0) {
            folded = cp == 0x390 ? "\u03B9" : "\u03C5";
        }
        if (!drop) {
            if (folded.empty())
                out.append(text, i, 2);
            else
                out += folded;
        }
        i += 2;
    }
    return out;
}

Xapian::Stem make_stemmer(const std::string& language, bool word_rules) {
    if (language == "none" || language.empty())
        return Xapian::Stem();
    for (std::string_view unstemmed : kUnstemmedLanguages) {
        if (language == unstemmed)
            return Xapian::Stem(new IdentityStemmer(word_rules));
    }
    return Xapian::Stem(new SnowballStemmer(language, word_rules));
}

const Xapian::Stopper* make_stopper(const std::string& language) {
    if (language != "english")
        return nullptr;
    return (new EnglishStopper)->release();
}

bool StopStems::operator()(std::string_view term) const {
    if (!english_ || term.size() < 2 || term.substr(0, 1) != schema::kPrefixStem)
        return false;
    term.remove_prefix(1);
    return std::binary_search(kSortedStopwords.begin(), kSortedStopwords.end(), term) ||
           std::binary_search(kSortedStopStems.begin(), kSortedStopStems.end(), term);
}

std::span<const std::string_view> english_stop_words() {
    return kSortedStopwords;
}

std::span<const std::string_view> english_stop_word_stems() {
    return kSortedStopStems;
}

std::string language_from_environment() {
    const char* value = std::getenv("FOLIO_LANGUAGE");
    if (value == nullptr || *value == '\0')
        return {};
    try {
        return canonical_language(value);
    } catch (const UsageError& e) {
        throw UsageError(std::string("FOLIO_LANGUAGE: ") + e.what());
    }
}

}  // namespace folio
