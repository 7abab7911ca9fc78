// SPDX-License-Identifier: GPL-2.0-or-later
#include "search/similar.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <sstream>

#include "analysis/stemmer.hpp"
#include "folio/error.hpp"
#include "index/crawl.hpp"
#include "index/writer.hpp"
#include "read/readers.hpp"
#include "schema/schema.hpp"

namespace folio {

namespace {

/// Stems of the text field that carry meaning: "Z" + lower-case stem, not a stop word nor its
/// stem (`stops`), no digit.
class LikeTerms : public Xapian::ExpandDecider {
  public:
    explicit LikeTerms(const StopStems& stops) : stops_(stops) {}
    bool operator()(const std::string& term) const override {
        if (term.size() < 3 || !schema::is_text_stem(term))
            return false;
        for (unsigned char c : term)
            if (std::isdigit(c))
                return false;
        return !stops_(term);
    }

  private:
    const StopStems stops_;
};

/// Xapian's Bo1 expand weight (Amati's Bose-Einstein model: w = tf log2((1 + P) / P) +
/// log2(1 + P), tf the term's occurrences in the relevant articles, P its mean frequency in the
/// collection), for a relevant set of which some articles are not in `db`: Xapian 1.4 mixes up the
/// statistics of a combined database when a relevant document lives in a sub-database of its own,
/// so the weights for --like-file are computed here, with the same formula.
std::vector<std::string> expand_terms(const Xapian::Database& db,
                                      const std::vector<Xapian::Document>& relevant,
                                      std::size_t outside, const Xapian::ExpandDecider& decider,
                                      unsigned count) {
    std::map<std::string, double> occurrences;
    for (const auto& doc : relevant) {
        for (auto it = doc.termlist_begin(); it != doc.termlist_end(); ++it) {
            if (decider(*it))
                occurrences[*it] += it.get_wdf();
        }
    }
    const double n_docs = static_cast<double>(db.get_doccount() + outside);
    std::vector<std::pair<double, std::string>> weighted;
    for (const auto& [term, tf] : occurrences) {
        // Articles from files are not in db: their occurrences add to the collection's.
        double collection = static_cast<double>(db.get_collection_freq(term));
        if (outside > 0)
            collection += tf;
        double mean = collection / n_docs;
        double w = tf * std::log2((1 + mean) / mean) + std::log2(1 + mean);
        weighted.emplace_back(w, term);
    }
    std::sort(weighted.begin(), weighted.end(), [](const auto& a, const auto& b) {
        return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    std::vector<std::string> out;
    for (std::size_t i = 0; i < weighted.size() && i < count; ++i)
        out.push_back(weighted[i].second);
    return out;
}

}  // namespace

LikeQuery like_query(const Xapian::Database& db, const std::vector<std::string>& ids,
                     const std::vector<Article>& articles, const std::string& language,
                     unsigned count) {
    if (ids.empty() && articles.empty())
        throw UsageError("nothing to find articles like");
    std::vector<Xapian::Query> exclude;
    Xapian::RSet rset;
    std::vector<Xapian::Document> relevant;
    for (const auto& id : ids) {
        std::string term = schema::id_term(id);
        if (!db.term_exists(term)) {
            // A path as the user types it, resolved as the indexer does: its articles.
            term = schema::boolean_term(schema::kPrefixFile, file_id(id));
            if (!db.term_exists(term)) {
                throw UsageError("no article with id '" + id +
                                 "' in the database, and no indexed file at that path");
            }
        }
        for (auto it = db.postlist_begin(term); it != db.postlist_end(term); ++it) {
            rset.add_document(*it);
            relevant.push_back(db.get_document(*it));
        }
        exclude.emplace_back(term);
    }
    LikeTerms decider{StopStems(language)};
    std::vector<std::string> chosen;
    if (articles.empty()) {
        // Xapian's relevance-set expansion over the articles' own term lists.
        Xapian::Enquire enquire(db);
        enquire.set_expansion_scheme("bo1");
        Xapian::ESet eset = enquire.get_eset(count, rset, &decider);
        chosen.assign(eset.begin(), eset.end());
    } else {
        DocumentBuilder builder(language, schema::version_of(db), schema::uses_word_rules(db));
        for (const Article& a : articles) {
            relevant.push_back(builder.build(a));
            exclude.emplace_back(schema::id_term(a.id));
        }
        chosen = expand_terms(db, relevant, articles.size(), decider, count);
    }
    LikeQuery out;
    std::vector<Xapian::Query> terms;
    for (const auto& term : chosen) {
        terms.emplace_back(term);
        out.terms.push_back(term.substr(1));
    }
    if (terms.empty())
        throw UsageError("no words to find similar articles by");
    out.query = Xapian::Query(Xapian::Query::OP_AND_NOT,
                              Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end()),
                              Xapian::Query(Xapian::Query::OP_OR, exclude.begin(), exclude.end()));
    return out;
}

std::vector<Article> read_like_file(const std::string& path) {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::path absolute = fs::weakly_canonical(fs::absolute(path), ec);
    FileInfo info;
    info.path = path;
    info.id = ec ? path : absolute.string();
    info.source = fs::path(info.id).parent_path().filename().string();
    std::vector<Article> out;
    std::string problem;
    // The indexer's rules: regular files only (a named pipe would hang, /dev/zero never ends),
    // no larger than its default --max-file-size.
    const ReadOptions options;
    if (format_for_path(path) == Format::unknown) {
        int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        if (fd < 0)
            throw InputError(path, 0, std::string("cannot read the file: ") + std::strerror(errno));
        struct stat st {};
        std::string refused;
        if (::fstat(fd, &st) != 0)
            refused = std::string("cannot read the file: ") + std::strerror(errno);
        else if (!S_ISREG(st.st_mode))
            refused = std::string("not a regular file (") + special_kind(st.st_mode) + ")";
        else if (static_cast<std::uint64_t>(st.st_size) > options.max_file_size)
            refused = "file is larger than the limit (" + std::to_string(options.max_file_size) +
                      " bytes)";
        std::string bytes;
        char buffer[1 << 16];
        while (refused.empty()) {
            ssize_t got = ::read(fd, buffer, sizeof buffer);
            if (got < 0 && errno == EINTR)
                continue;
            if (got < 0)
                refused = std::string("cannot read the file: ") + std::strerror(errno);
            if (got <= 0)
                break;
            bytes.append(buffer, static_cast<std::size_t>(got));
            if (bytes.size() > options.max_file_size)
                refused = "file is larger than the limit (" +
                          std::to_string(options.max_file_size) + " bytes)";
        }
        ::close(fd);
        if (!refused.empty())
            throw InputError(path, 0, refused);
        out.push_back(parse_text(to_utf8(bytes), info));
        return out;
    }
    read_file(
        info, options, [&](Article&& a) { out.push_back(std::move(a)); },
        [&](Diagnostic&& d) {
            if (problem.empty() && d.severity == Diagnostic::Severity::error)
                problem = d.message;
        });
    if (out.empty())
        throw InputError(path, 0, problem.empty() ? "no article in the file" : problem);
    return out;
}

}  // namespace folio
