#include "folio/stemmer.hpp"

#include <libstemmer.h>

#include <algorithm>
#include <array>
#include <iterator>
#include <unordered_map>
#include <utility>

#include "folio/error.hpp"

namespace folio {

namespace {

/// One libstemmer stemmer; Xapian reference-counts it through Xapian::Stem. Like libstemmer's
/// own state, an instance serves one thread at a time.
///
/// Stems are cached: a corpus repeats a small vocabulary, and a hash lookup is several times
/// cheaper than running the Snowball program (stemming was 8% of indexing's instructions).
class SnowballStemmer : public Xapian::StemImplementation {
  public:
    explicit SnowballStemmer(std::string language)
        : language_(std::move(language)), stemmer_(sb_stemmer_new(language_.c_str(), nullptr)) {
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

    std::string run(const std::string& word) {
        const sb_symbol* out =
            sb_stemmer_stem(stemmer_, reinterpret_cast<const sb_symbol*>(word.data()),
                            static_cast<int>(word.size()));
        if (out == nullptr)
            throw std::bad_alloc();
        return std::string(reinterpret_cast<const char*>(out),
                           static_cast<std::size_t>(sb_stemmer_length(stemmer_)));
    }

    std::string language_;
    sb_stemmer* stemmer_;
    std::unordered_map<std::string, std::string> cache_;
};

/// ISO 639-1 codes of libstemmer's languages (libstemmer itself also takes ISO 639-2 codes).
constexpr std::array<std::pair<std::string_view, std::string_view>, 29> kIsoCodes{{
    {"ar", "arabic"},     {"hy", "armenian"},   {"eu", "basque"},    {"ca", "catalan"},
    {"da", "danish"},     {"nl", "dutch"},      {"en", "english"},   {"fi", "finnish"},
    {"fr", "french"},     {"de", "german"},     {"el", "greek"},     {"hi", "hindi"},
    {"hu", "hungarian"},  {"id", "indonesian"}, {"ga", "irish"},     {"it", "italian"},
    {"lt", "lithuanian"}, {"ne", "nepali"},     {"no", "norwegian"}, {"nb", "norwegian"},
    {"nn", "norwegian"},  {"pt", "portuguese"}, {"ro", "romanian"},  {"ru", "russian"},
    {"sr", "serbian"},    {"es", "spanish"},    {"sv", "swedish"},   {"ta", "tamil"},
    {"tr", "turkish"},
}};

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

std::string lower_ascii(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
        return static_cast<char>(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
    });
    return out;
}

}  // namespace

std::vector<std::string> stemmer_languages() {
    std::vector<std::string> out;
    for (const char** name = sb_stemmer_list(); *name != nullptr; ++name)
        out.emplace_back(*name);
    std::sort(out.begin(), out.end());
    return out;
}

std::string canonical_language(std::string_view name) {
    std::string lower = lower_ascii(name);
    // "en-US", "pt_BR": the language part is enough to pick a stemmer.
    if (auto cut = lower.find_first_of("-_"); cut != std::string::npos)
        lower.resize(cut);
    if (lower == "none")
        return lower;
    auto languages = stemmer_languages();
    if (std::find(languages.begin(), languages.end(), lower) != languages.end())
        return lower;
    for (const auto& [code, language] : kIsoCodes) {
        if (lower == code)
            return std::string(language);
    }
    std::string known;
    for (const auto& l : languages)
        known += (known.empty() ? "" : ", ") + l;
    throw UsageError("unknown language '" + std::string(name) + "' (known: none, " + known + ")");
}

Xapian::Stem make_stemmer(const std::string& language) {
    if (language == "none" || language.empty())
        return Xapian::Stem();
    return Xapian::Stem(new SnowballStemmer(language));
}

const Xapian::Stopper* make_stopper(const std::string& language) {
    if (language != "english")
        return nullptr;
    return (new EnglishStopper)->release();
}

}  // namespace folio
