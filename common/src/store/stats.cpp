// SPDX-License-Identifier: GPL-2.0-or-later
#include "folio/stats.hpp"

#include <cctype>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "analysis/synonyms.hpp"
#include "folio/error.hpp"
#include "schema/schema.hpp"
#include "store/layout.hpp"

namespace fs = std::filesystem;

namespace folio {

namespace {

/// Counts every term with a prefix under `prefix`: term (prefix stripped) -> termfreq.
void count_terms(const Xapian::Database& db, std::string_view prefix,
                 std::map<std::string, Xapian::doccount>& out) {
    std::string p(prefix);
    for (auto it = db.allterms_begin(p); it != db.allterms_end(p); ++it) {
        std::string rest = (*it).substr(p.size());
        // "XS" terms must not be mistaken for longer prefixes starting the same way.
        if (rest.empty() || std::isupper(static_cast<unsigned char>(rest[0])))
            continue;
        out[rest] = it.get_termfreq();
    }
}

std::string iso_date(const std::string& yyyymmdd) {
    if (yyyymmdd.size() != 8)
        return yyyymmdd;
    return yyyymmdd.substr(0, 4) + "-" + yyyymmdd.substr(4, 2) + "-" + yyyymmdd.substr(6, 2);
}

}  // namespace

std::uint64_t disk_size(const std::string& path) {
    std::error_code ec;
    fs::path p(path);
    if (!fs::exists(p, ec))
        return 0;
    std::uint64_t total = tree_size(path);
    if (fs::is_regular_file(p, ec)) {
        // A stub file: the databases it names, relative to the stub's folder (remote ones have
        // no size here); a file that is no stub counts alone.
        std::ifstream in(path, std::ios::binary);
        std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        std::vector<StubEntry> entries;
        try {
            entries = parse_stub(std::string_view(text).substr(0, kMaxStubBytes), path);
        } catch (const DatabaseError&) {
        }
        for (const StubEntry& entry : entries) {
            if (entry.kind != StubEntry::Kind::database)
                continue;
            fs::path t(entry.target);
            if (t.is_relative())
                t = p.parent_path() / t;
            if (fs::is_directory(t, ec))
                total += tree_size(t.string());
        }
    }
    return total;
}

std::string iso_time(std::int64_t seconds) {
    std::time_t t = static_cast<std::time_t>(seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buffer;
}

DatabaseStats database_stats(const Xapian::Database& db, const std::vector<std::string>& paths) {
    DatabaseStats s;
    s.paths = paths;
    s.language = db.get_metadata(std::string(schema::kMetaLanguage));
    s.articles = db.get_doccount();
    s.average_length = db.get_avlength();
    // The free text's words: as written (schema 1), or as stems (schema 2 on, "Z" + the stem);
    // unstemmed words (language "none") are unprefixed in both.
    const bool stems = schema::stems_only(schema::version_of(db));
    for (auto it = db.allterms_begin(); it != db.allterms_end(); ++it) {
        ++s.terms;
        const std::string& term = *it;
        if (schema::prefix_length(term) == 0 || (stems && schema::is_text_stem(term)))
            ++s.words;
    }
    count_terms(db, schema::kPrefixLanguage, s.languages);
    count_terms(db, schema::kPrefixSource, s.sources);
    std::string day(schema::kPrefixDay);
    std::string first, last;
    for (auto it = db.allterms_begin(day); it != db.allterms_end(day); ++it) {
        if ((*it).size() != day.size() + 8 ||
            !std::isdigit(static_cast<unsigned char>((*it)[day.size()])))
            continue;
        if (first.empty())
            first = (*it).substr(day.size());
        last = (*it).substr(day.size());
    }
    s.first_date = iso_date(first);
    s.last_date = iso_date(last);
    s.dated = db.get_value_freq(schema::kSlotDate);
    s.synonyms = synonym_key_count(db);
    for (const auto& path : paths)
        s.size_bytes += disk_size(path);
    std::string updated = db.get_metadata(std::string(schema::kMetaUpdated));
    if (!updated.empty()) {
        try {
            s.updated = std::stoll(updated);
        } catch (const std::exception&) {
        }
    }
    return s;
}

}  // namespace folio
