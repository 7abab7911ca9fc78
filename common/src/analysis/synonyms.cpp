// SPDX-License-Identifier: GPL-2.0-or-later
#include "analysis/synonyms.hpp"

#include <fstream>
#include <string_view>
#include <vector>

#include "analysis/stemmer.hpp"
#include "folio/error.hpp"
#include "schema/schema.hpp"
#include "text/text_util.hpp"

namespace folio {

namespace {

/// The longest word a rule may hold: its stem, prefixed, must stay a valid Xapian key (at most
/// schema::kMaxTermLength bytes), with room to spare for stemmers that lengthen a word.
constexpr std::size_t kMaxSynonymWord = 200;

using detail::trim;

std::string lower(std::string_view s) {
    return Xapian::Unicode::tolower(std::string(s));
}

/// The comma-separated words of one side of a rule.
std::vector<std::string> words_of(std::string_view list, const std::string& path,
                                  std::size_t line) {
    std::vector<std::string> out;
    while (true) {
        std::size_t comma = list.find(',');
        std::string_view word = trim(list.substr(0, comma));
        if (word.empty())
            throw InputError(path, line, "empty word in synonym rule");
        if (word.find_first_of(" \t") != std::string_view::npos) {
            throw InputError(
                path, line,
                "'" + std::string(word) + "' is several words: synonyms are single words");
        }
        if (word.size() > kMaxSynonymWord) {
            throw InputError(path, line,
                             "a word of " + std::to_string(word.size()) +
                                 " bytes is too long for a synonym (at most " +
                                 std::to_string(kMaxSynonymWord) + ")");
        }
        out.push_back(lower(word));
        if (comma == std::string_view::npos)
            break;
        list.remove_prefix(comma + 1);
    }
    return out;
}

}  // namespace

Synonyms parse_synonyms(std::istream& in, const std::string& path) {
    Synonyms out;
    std::string text;
    for (std::size_t line = 1; std::getline(in, text); ++line) {
        std::string_view rule(text);
        rule = trim(rule.substr(0, rule.find('#')));
        if (rule.empty())
            continue;
        std::size_t arrow = rule.find("=>");
        if (arrow != std::string_view::npos) {
            std::vector<std::string> left = words_of(rule.substr(0, arrow), path, line);
            std::vector<std::string> right = words_of(rule.substr(arrow + 2), path, line);
            for (const auto& word : left) {
                for (const auto& synonym : right) {
                    if (synonym != word)
                        out[word].insert(synonym);
                }
            }
            continue;
        }
        std::vector<std::string> group = words_of(rule, path, line);
        if (group.size() < 2)
            throw InputError(path, line, "a synonym rule needs at least two words");
        for (const auto& word : group) {
            for (const auto& synonym : group) {
                if (synonym != word)
                    out[word].insert(synonym);
            }
        }
    }
    return out;
}

Synonyms read_synonyms_file(const std::string& path) {
    std::ifstream in(path);
    if (!in)
        throw InputError(path, 0, "cannot read the synonyms file");
    return parse_synonyms(in, path);
}

std::size_t store_synonyms(Xapian::WritableDatabase& db, const Synonyms& synonyms) {
    std::string language = db.get_metadata(std::string(schema::kMetaLanguage));
    Xapian::Stem stem =
        make_stemmer(language.empty() ? "english" : language, schema::uses_word_rules(db));
    // The term QueryParser looks up for a word (and the term a synonym stands for).
    auto term = [&](const std::string& word) {
        return stem.is_none() ? word : std::string(schema::kPrefixStem) + stem(word);
    };
    std::vector<std::string> old;
    for (auto it = db.synonym_keys_begin(); it != db.synonym_keys_end(); ++it)
        old.push_back(*it);
    for (const auto& key : old)
        db.clear_synonyms(key);
    std::set<std::string> keys;
    for (const auto& [word, list] : synonyms) {
        std::string key = term(word);
        for (const auto& synonym : list) {
            std::string value = term(synonym);
            if (value == key)
                continue;  // the same stem finds it already
            db.add_synonym(key, value);
            keys.insert(key);
        }
    }
    return keys.size();
}

std::size_t store_synonyms_file(Xapian::WritableDatabase& db, const std::string& path) {
    return store_synonyms(db, read_synonyms_file(path));
}

std::size_t synonym_key_count(const Xapian::Database& db) {
    std::size_t n = 0;
    for (auto it = db.synonym_keys_begin(); it != db.synonym_keys_end(); ++it)
        ++n;
    return n;
}

}  // namespace folio
