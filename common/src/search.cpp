#include "folio/search.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <climits>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <string_view>
#include <thread>

#include "folio/crawl.hpp"
#include "folio/error.hpp"
#include "folio/layout.hpp"
#include "folio/recency.hpp"
#include "folio/schema.hpp"
#include "folio/similar.hpp"

namespace folio {

namespace fs = std::filesystem;

namespace {

/// The query's terms that a hit can match (`matchable`, see positive_terms) in the order
/// Enquire::get_matching_terms() gives a hit's: by their first occurrence in the query.
std::vector<std::string> query_term_order(const Xapian::Query& query,
                                          const std::set<std::string>& matchable) {
    std::set<std::string> seen = matchable;
    std::vector<std::string> out;
    for (auto t = query.get_terms_begin(); t != query.get_terms_end(); ++t) {
        if (seen.erase(*t) != 0)
            out.push_back(*t);
    }
    return out;
}

/// Which of `terms` each of `docids`' documents holds (indices into `terms`, ascending): what
/// Enquire::get_matching_terms() says of each hit, for a page of hits at once. Each term's
/// posting list is skipped through the docids in ascending order, where get_matching_terms()
/// reads (and inflates) each hit's whole term list. The empty term (match-all) matches nothing,
/// as no document holds it.
std::vector<std::vector<std::size_t>> terms_held(const Xapian::Database& db,
                                                 const std::vector<std::string>& terms,
                                                 const std::vector<Xapian::docid>& docids) {
    std::vector<std::size_t> order(docids.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::sort(order.begin(), order.end(),
              [&](std::size_t x, std::size_t y) { return docids[x] < docids[y]; });
    std::vector<std::vector<std::size_t>> out(docids.size());
    for (std::size_t t = 0; t < terms.size(); ++t) {
        if (terms[t].empty())
            continue;
        Xapian::PostingIterator post = db.postlist_begin(terms[t]);
        const Xapian::PostingIterator end = db.postlist_end(terms[t]);
        for (std::size_t i : order) {
            post.skip_to(docids[i]);
            if (post == end)
                break;
            if (*post == docids[i])
                out[i].push_back(t);
        }
    }
    return out;
}

/// Sorts a hit's matching terms (in query order) into what its passages should highlight.
MatchTerms match_terms_for(const std::vector<std::string>& matching, const QueryTerms& query,
                           const std::set<std::string>& phrase_only,
                           const std::set<std::string>& feedback, const Xapian::MSet& mset,
                           double doccount, bool stems_only, std::map<std::string, double>& idfs) {
    MatchTerms out;
    out.phrases = query.phrases;
    out.stemmed_phrases = stems_only;
    for (const std::string& term : matching) {
        if (phrase_only.count(term) != 0 || feedback.count(term) != 0)
            continue;
        bool stemmed = term.starts_with('Z');
        std::string_view rest(term);
        if (stemmed)
            rest.remove_prefix(1);
        std::size_t prefix = schema::prefix_length(rest);
        std::string_view field = rest.substr(0, prefix);
        if (!field.empty() && field != schema::kPrefixTitle && field != schema::kPrefixAuthor) {
            continue;  // a boolean filter term: nothing to highlight
        }
        std::string word(rest.substr(prefix));
        if (word.empty())
            continue;
        // Cached for the page: the match's statistics hold the query's terms; others (over
        // remote shards, a round trip per shard) are looked up once.
        auto known = idfs.find(term);
        if (known == idfs.end()) {
            double idf =
                std::log(std::max(1.0, doccount) / std::max<double>(1.0, mset.get_termfreq(term))) +
                1.0;
            known = idfs.emplace(term, idf).first;
        }
        double idf = known->second;
        out.weights[word] = std::max(out.weights[word], idf);
        // Words starting with a digit are stemmed only in a stems-only index, and left as
        // they are by every Snowball stemmer: matched as written.
        bool digit = word[0] >= '0' && word[0] <= '9';
        (stemmed && !digit ? out.stems : out.words).push_back(std::move(word));
    }
    return out;
}

}  // namespace

double match_work_bound(const Xapian::Query& query, Xapian::doccount docs,
                        Xapian::termcount wildcard_limit) {
    constexpr double kPositionalCost = 8;  // a position list read per candidate
    const double all = docs;
    switch (query.get_type()) {
        case Xapian::Query::LEAF_MATCH_NOTHING:
            return 0;
        case Xapian::Query::OP_WILDCARD:
            return all * wildcard_limit;
        default:
            break;
    }
    const std::size_t n = query.get_num_subqueries();
    if (n == 0)
        return all;  // a term, match-all, value range or posting source
    double sum = 0;
    for (std::size_t i = 0; i < n; ++i)
        sum += match_work_bound(query.get_subquery(i), docs, wildcard_limit);
    const auto type = query.get_type();
    if (type == Xapian::Query::OP_PHRASE || type == Xapian::Query::OP_NEAR)
        sum *= kPositionalCost;
    return sum;
}

const std::map<std::string, Xapian::valueno>& collapse_fields() {
    static const std::map<std::string, Xapian::valueno> fields{
        {"title", schema::kSlotTitle},    {"source", schema::kSlotSource},
        {"author", schema::kSlotAuthors}, {"tag", schema::kSlotTags},
        {"lang", schema::kSlotLanguage},  {"date", schema::kSlotDate}};
    return fields;
}

namespace {

/// "HOST:PORT" (HOST may be "[v6 address]") into `spec`; false when malformed.
bool parse_host_port(std::string_view text, ShardSpec& spec) {
    std::size_t colon = text.rfind(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size())
        return false;
    std::string host(text.substr(0, colon));
    if (host.size() > 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    unsigned port = 0;
    for (char c : text.substr(colon + 1)) {
        if (c < '0' || c > '9' || port > 65535)
            return false;
        port = port * 10 + static_cast<unsigned>(c - '0');
    }
    if (port == 0 || port > 65535)
        return false;
    spec.host = host;
    spec.port = port;
    spec.address = "tcp://" + std::string(text);
    return true;
}

/// The lines of the stub file at `stub` that name databases (comments and blank lines out).
std::vector<std::string> stub_lines(const fs::path& stub) {
    std::ifstream in(stub);
    std::vector<std::string> out;
    std::string line;
    while (std::getline(in, line)) {
        std::size_t start = line.find_first_not_of(" \t\r");
        if (start == std::string::npos || line[start] == '#')
            continue;
        std::size_t end = line.find_last_not_of(" \t\r");
        out.push_back(line.substr(start, end - start + 1));
    }
    return out;
}

/// The stub file `database` names, if it is one: a directory's XAPIANDB or a plain file.
/// stat(2) rather than std::filesystem: this runs in every search process, and the first
/// std::filesystem call of a process costs ~0.1 ms of page faults (docs/BENCHMARKS.md).
std::optional<fs::path> stub_of(const std::string& database) {
    struct stat st {};
    if (::stat(database.c_str(), &st) != 0)
        return std::nullopt;
    if (S_ISDIR(st.st_mode)) {
        std::string stub = database + "/XAPIANDB";
        if (::stat(stub.c_str(), &st) == 0 && S_ISREG(st.st_mode))
            return fs::path(std::move(stub));
        return std::nullopt;
    }
    if (S_ISREG(st.st_mode))
        return fs::path(database);
    return std::nullopt;
}

/// A Xapian error as the user should read it: the message and the system's reason, if any
/// ("Couldn't connect (Connection refused)").
std::string reason(const Xapian::Error& e) {
    const char* system = e.get_error_string();
    return e.get_msg() + (system != nullptr && *system != '\0' ? std::string(" (") + system + ")"
                                                               : std::string());
}

Xapian::Database open_shard(const ShardSpec& spec, unsigned timeout_ms) {
    if (!spec.host.empty()) {
        return Xapian::Remote::open(spec.host, spec.port, timeout_ms, timeout_ms);
    }
    if (!spec.program.empty())
        return Xapian::Remote::open(spec.program, spec.args, timeout_ms);
    // Never Xapian's stub reader: expand_databases followed the stubs itself, under its rules
    // (no remote from a database directory, no loops); a stub planted here since is not read.
    return Xapian::Database(spec.path,
                            spec.chert ? Xapian::DB_BACKEND_CHERT : Xapian::DB_BACKEND_GLASS);
}

bool exists(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
}

/// Follows --db paths to the databases they name, by Folio's rules (docs/SECURITY.md): stubs
/// nested at most kMaxStubDepth deep and never in a loop; remote lines only in a stub file the
/// user named (not in a database directory's XAPIANDB, nor in a stub another stub names).
class StubResolver {
  public:
    explicit StubResolver(std::vector<ShardSpec>& out) : out_(out) {}

    /// `path` as the user named it (`named`) or as a stub line names it.
    void resolve(const std::string& path, bool named) {
        struct stat st {};
        if (::stat(path.c_str(), &st) != 0 || !(S_ISDIR(st.st_mode) || S_ISREG(st.st_mode))) {
            local(path, false);  // Xapian says "no database" (or what is wrong)
            return;
        }
        std::string stub = path;
        if (S_ISDIR(st.st_mode)) {
            if (exists(path + "/iamglass") ||
                (!exists(path + "/iamchert") && !exists(path + "/XAPIANDB"))) {
                local(path, false);  // a database, or none ("no database at")
                return;
            }
            if (exists(path + "/iamchert")) {
                local(path, true);
                return;
            }
            stub = path + "/XAPIANDB";
            named = false;  // a database directory's stub
        } else if (path == "XAPIANDB" || path.ends_with("/XAPIANDB")) {
            named = false;  // the stub of a database directory, named by its file
        }
        follow(stub, named);
    }

  private:
    void local(const std::string& path, bool chert) {
        ShardSpec spec;
        spec.address = path;
        spec.path = path;
        spec.chert = chert;
        out_.push_back(std::move(spec));
    }

    /// "A -> B -> C", each stub's path as followed, "a/../b" made "b".
    std::string chain_text(const std::string& last) const {
        std::string text;
        for (const auto& stub : chain_)
            text += fs::path(stub).lexically_normal().string() + " -> ";
        return text + fs::path(last).lexically_normal().string();
    }

    void follow(const std::string& stub, bool named) {
        char* resolved = ::realpath(stub.c_str(), nullptr);
        std::string real = resolved != nullptr ? resolved : stub;
        std::free(resolved);
        if (std::find(real_.begin(), real_.end(), real) != real_.end())
            throw DatabaseError("stub loop: " + chain_text(stub));
        if (chain_.size() >= static_cast<std::size_t>(kMaxStubDepth)) {
            throw DatabaseError("stubs nested more than " + std::to_string(kMaxStubDepth) +
                                " deep: " + chain_text(stub));
        }
        struct stat st {};
        if (::stat(stub.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
            throw DatabaseError("cannot read stub " + stub + ": not a regular file");
        if (static_cast<std::size_t>(st.st_size) > kMaxStubBytes)
            throw DatabaseError("cannot read stub " + stub + ": too large for a stub file");
        std::ifstream in(stub, std::ios::binary);
        std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (!in.eof() && in.fail())
            throw DatabaseError("cannot read stub " + stub);
        chain_.push_back(stub);
        real_.push_back(real);
        const std::size_t slash = stub.rfind('/');
        const std::string base = slash == std::string::npos ? "." : stub.substr(0, slash + 1);
        std::vector<StubEntry> entries;
        try {
            entries = parse_stub(text.substr(0, kMaxStubBytes), stub);
        } catch (const DatabaseError&) {
            if (chain_.size() == 1 && named) {
                // A file named with --db that is no stub at all: most likely a typo.
                throw DatabaseError(stub +
                                    " is not a Folio database (neither a database directory nor "
                                    "a stub file)");
            }
            throw;
        }
        for (const auto& entry : entries) {
            const std::string where = stub + ":" + std::to_string(entry.line) + ": ";
            if (entry.kind == StubEntry::Kind::database) {
                resolve(entry.target.starts_with('/')
                            ? entry.target
                            : (base == "." ? entry.target : base + entry.target),
                        false);
                continue;
            }
            if (!named) {
                throw DatabaseError(
                    where + "a remote shard ('remote " +
                    (entry.kind == StubEntry::Kind::program ? ":" : "") + entry.target +
                    "') in a database directory's stub, or in a stub another stub names; "
                    "refusing it (a database directory never runs a program or reaches a "
                    "server: name a stub file of your own with --db, or use --db tcp://HOST:PORT)");
            }
            ShardSpec spec;
            if (entry.kind == StubEntry::Kind::program) {
                std::size_t gap = entry.target.find_first_of(" \t");
                spec.program = entry.target.substr(0, gap);
                spec.args = gap == std::string::npos ? "" : entry.target.substr(gap + 1);
                spec.address = "prog:" + entry.target;
            } else if (!parse_host_port(entry.target, spec)) {
                throw UsageError("bad line in " + stub + ": 'remote " + entry.target +
                                 "' (expected auto PATH, remote HOST:PORT or remote :PROGRAM)");
            }
            out_.push_back(std::move(spec));
        }
        chain_.pop_back();
        real_.pop_back();
    }

    std::vector<ShardSpec>& out_;
    std::vector<std::string> chain_;  ///< the stubs being followed, as named
    std::vector<std::string> real_;   ///< their real paths
};

}  // namespace

std::vector<ShardSpec> expand_databases(const std::vector<std::string>& databases) {
    std::vector<ShardSpec> out;
    for (const auto& database : databases) {
        if (database.starts_with("tcp://")) {
            ShardSpec spec;
            if (!parse_host_port(std::string_view(database).substr(6), spec)) {
                throw UsageError("bad remote database '" + database +
                                 "' (expected tcp://HOST:PORT)");
            }
            out.push_back(spec);
            continue;
        }
        const std::size_t first = out.size();
        StubResolver(out).resolve(database, true);
        // One local database: messages name it as the user did.
        if (out.size() == first + 1 && !out.back().remote())
            out.back().address = database;
    }
    return out;
}

Searcher::Searcher(const std::vector<std::string>& databases, const OpenOptions& options)
    : paths_(databases), options_(options) {
    if (databases.empty())
        throw UsageError("no database to search");
    open();
}

bool Searcher::remote() const noexcept {
    return std::any_of(shards_.begin(), shards_.end(),
                       [](const ShardSpec& s) { return s.remote(); });
}

std::string Searcher::shard_name(std::size_t k) const {
    if (shards_.size() == 1)
        return shards_[k].address;
    return "shard " + std::to_string(k + 1) + " of " + std::to_string(shards_.size()) + " (" +
           shards_[k].address + ")";
}

namespace {

/// The contents of the stubs `databases` name: when they change, a rebuild switched generations.
std::string stub_signature(const std::vector<std::string>& databases) {
    std::string out;
    for (const auto& database : databases) {
        if (std::optional<fs::path> stub = stub_of(database)) {
            for (const auto& line : stub_lines(*stub))
                out += line + "\n";
        }
        out += '\0';
    }
    return out;
}

}  // namespace

void Searcher::open() {
    constexpr int kAttempts = 5;
    for (int attempt = 0;; ++attempt) {
        std::string before = stub_signature(paths_);
        try {
            open_once(attempt + 1 < kAttempts);
            return;
        } catch (const DatabaseError&) {
            // A rebuild switched generations and removed the one being opened: open the new one.
            if (attempt >= 3 || stub_signature(paths_) == before)
                throw;
        } catch (const Xapian::DatabaseModifiedError&) {
            // The indexer committed twice while we opened the revision it had: open the new one.
            if (attempt + 1 >= kAttempts)
                throw;
        } catch (const Xapian::DatabaseCorruptError&) {
            // Blocks read while the indexer committed over them (it reuses those of the revision
            // before last) look damaged ("Expected block 2 to be level 1"): open again, a little
            // later. A database really damaged fails every attempt; the last one reports it.
            if (attempt + 1 >= kAttempts)
                throw;
            std::this_thread::sleep_for(std::chrono::milliseconds(5 * (attempt + 1)));
        }
    }
}

void Searcher::open_once(bool retry_damage) {
    // Expanded afresh each time: a rebuild of a sharded index names new shard directories.
    shards_ = expand_databases(paths_);
    Xapian::Database db;
    std::vector<std::string> recorded;       // each shard's language, to be read in any order
    std::vector<std::string> sub_languages;  // the language of each database db_ holds
    std::size_t eliding = 0;  // shards with today's word rules (schema::kMetaWordRules)
    std::size_t opened = 0;
    for (std::size_t k = 0; k < shards_.size(); ++k) {
        if (excluded_.count(shards_[k].address) != 0)
            continue;
        const ShardSpec& shard = shards_[k];
        // A shard that cannot be opened fails the search, or is left out with allow_partial.
        auto left_out = [&](const std::string& why) {
            if (shards_.size() == 1 || !options_.allow_partial) {
                std::string what = shard.remote() ? "cannot reach " : "cannot open database ";
                throw DatabaseError(
                    what + shard_name(k) + ": " + why +
                    (shards_.size() > 1 ? " (--allow-partial searches the others)" : ""));
            }
            excluded_.insert(shard.address);
            warnings_.push_back(shard_name(k) + " left out: " + why);
        };
        Xapian::Database one;
        try {
            one = open_shard(shard, options_.remote_timeout_ms);
            std::string language = one.get_metadata(std::string(schema::kMetaLanguage));
            sub_languages.insert(sub_languages.end(), one.size(), language);
            if (!language.empty())
                recorded.push_back(std::move(language));
            if (schema::uses_word_rules(one))
                ++eliding;
        } catch (const Xapian::DatabaseModifiedError&) {
            throw;  // not a fault of the shard: open() opens again
        } catch (const Xapian::DatabaseCorruptError& e) {
            if (retry_damage && !shard.remote())
                throw;  // maybe read during a commit: open() opens again
            left_out(reason(e));
            continue;
        } catch (const Xapian::DatabaseNotFoundError&) {
            if (shards_.size() == 1 || !options_.allow_partial) {
                throw DatabaseError("no database at " + shard.address +
                                    " (build one with folio-indexer --db " + shard.address +
                                    " FILES...)");
            }
            excluded_.insert(shard.address);
            warnings_.push_back(shard_name(k) + " left out: no database there");
            continue;
        } catch (const Xapian::Error& e) {
            left_out(reason(e));
            continue;
        }
        db.add_database(one);
        ++opened;
    }
    if (opened == 0)
        throw DatabaseError("no shard of " + std::to_string(shards_.size()) + " could be searched");
    if (recorded.empty()) {
        throw DatabaseError(paths_.front() + " is not a Folio database (it records no language)");
    }
    db_ = db;
    sub_languages_ = std::move(sub_languages);
    // Databases of different languages searched as one: the query's stop words are those of
    // the first language by name, not by the order of --db; its words are looked for in every
    // language any of them holds (database_languages).
    std::sort(recorded.begin(), recorded.end());
    language_ = recorded.front();
    languages_ = database_languages(db_, recorded);
    word_rules_ = eliding * 2 >= opened;  // the more common way first
    mixed_word_rules_ = eliding != 0 && eliding != opened;
    stems_only_ = schema::stems_only(schema::version_of(db_));
    builders_.clear();
    term_freqs_.clear();
}

bool Searcher::handle_failure() {
    std::vector<std::size_t> failed;
    std::vector<std::string> reasons;
    for (std::size_t k = 0; k < shards_.size(); ++k) {
        if (excluded_.count(shards_[k].address) != 0)
            continue;
        try {
            open_shard(shards_[k], options_.remote_timeout_ms).get_doccount();
        } catch (const Xapian::Error& e) {
            failed.push_back(k);
            reasons.push_back(reason(e));
        }
    }
    if (failed.empty())
        return false;
    if (!options_.allow_partial || shards_.size() == 1) {
        throw DatabaseError("search failed: " + shard_name(failed.front()) +
                            " does not answer: " + reasons.front() +
                            (shards_.size() > 1 ? " (--allow-partial searches the others)" : ""));
    }
    for (std::size_t i = 0; i < failed.size(); ++i) {
        excluded_.insert(shards_[failed[i]].address);
        warnings_.push_back(shard_name(failed[i]) + " left out: " + reasons[i]);
    }
    open();
    return true;
}

QueryBuilder& Searcher::builder(const SearchRequest& request) {
    int key = (request.default_and ? 1 : 0) + (request.expand_synonyms ? 2 : 0);
    auto& slot = builders_[key];
    if (!slot) {
        QueryOptions options;
        options.language = language_;
        options.languages = languages_;
        options.word_rules = word_rules_;
        options.mixed_word_rules = mixed_word_rules_;
        options.default_and = request.default_and;
        options.expand_synonyms = request.expand_synonyms;
        slot = std::make_unique<QueryBuilder>(db_, options);
    }
    return *slot;
}

Searcher::~Searcher() = default;

std::vector<Article> Searcher::articles(const std::string& id) {
    std::vector<std::string> terms = {schema::id_term(id),
                                      schema::boolean_term(schema::kPrefixFile, file_id(id))};
    if (const std::size_t hash = id.rfind('#'); hash != std::string::npos && hash + 1 < id.size())
        terms.push_back(schema::id_term(id.substr(hash + 1)));
    std::vector<Article> out;
    for (const std::string& term : terms) {
        for (auto it = db_.postlist_begin(term); it != db_.postlist_end(term); ++it) {
            Article article = schema::stored_article(db_.get_document(*it));
            if (article.language.empty() && !sub_languages_.empty())
                article.language = sub_languages_[(*it - 1) % sub_languages_.size()];
            out.push_back(std::move(article));
        }
        if (!out.empty())
            break;
    }
    return out;
}

SearchResult Searcher::search(const SearchRequest& request) {
    if (request.boost_half_life > 0 && remote()) {
        throw UsageError(
            "--boost-recent does not work with remote shards: xapian-tcpsrv cannot run Folio's "
            "recency posting source");
    }
    if (request.correct && remote()) {
        throw UsageError(
            "--correct does not work with remote shards: Xapian's remote backend does not serve "
            "the spelling dictionary");
    }
    for (int attempt = 0;; ++attempt) {
        try {
            return search_once(request);
        } catch (const Xapian::DatabaseModifiedError&) {
            // The indexer committed past the revision we were reading: read the new one.
            if (attempt == 4)
                throw;
            try {
                term_freqs_.clear();
                db_.reopen();
            } catch (const Xapian::Error&) {
                open();  // a rebuild replaced the generation: follow the stub afresh
            }
        } catch (const Xapian::NetworkError& e) {
            // A remote shard went away or timed out: name it, or leave it out.
            if (handle_failure())
                continue;  // the failed shards are left out: search the others
            if (attempt >= 1)
                throw DatabaseError("search failed: " + e.get_msg());
            open();  // every shard answers now: connect afresh and try once more
        }
    }
}

SearchResult Searcher::search_once(const SearchRequest& request) {
    QueryBuilder& builder = this->builder(request);
    SearchResult result;
    result.query = request.query;
    result.offset = request.offset;

    std::string text = request.query;
    if (request.suggest || request.correct) {
        // Cheap unless a word is unknown: one term lookup per word.
        std::string suggestion = builder.suggest(request.query);
        if (!suggestion.empty()) {
            result.suggestion = suggestion;
            if (request.correct) {
                text = suggestion;
                result.corrected = true;
            }
        }
    }
    Xapian::Query query = builder.parse(text);
    const std::vector<std::string> wildcards = builder.wildcards();  // before the filters' parses
    const bool like = !request.like_ids.empty() || !request.like_articles.empty();
    if (like) {
        LikeQuery similar =
            like_query(db_, request.like_ids, request.like_articles, language_, request.like_terms);
        result.like_terms = similar.terms;
        query = query.empty() ? similar.query
                              : Xapian::Query(Xapian::Query::OP_FILTER, similar.query, query);
    }
    query = builder.filtered(query, request.filters);

    Xapian::Enquire enquire(db_);
    const std::vector<std::string> positional = builder.positional_terms(query);
    // An exact count (--count) is never cut short by the time limit.
    bool timed = false;
    if (request.time_limit > 0 && !request.exact_count) {
        // Xapian's time limit starts a timer thread. Where even a slow matcher (1 us a posting)
        // would finish in a tenth of the limit, the limit cannot be reached: leave it out.
        // What ranking adds: feedback terms, a recency source, proximity pairs (two positional
        // terms for each pair of words). Remote shards keep the limit.
        const Xapian::doccount docs = db_.get_doccount();
        double added = request.ranking.expand + (request.boost_half_life > 0 ? 1 : 0);
        if (request.ranking.proximity_window > 0)
            added += 16.0 * positional.size();
        const double bound = match_work_bound(query, docs, builder.wildcard_limit()) + added * docs;
        if (remote() || bound * 1e-6 > request.time_limit / 10) {
            enquire.set_time_limit(request.time_limit);
            timed = true;
        }
    }
    std::unique_ptr<Xapian::Weight> weight = make_weight(request.ranking);
    enquire.set_weighting_scheme(*weight);
    // Terms the ranking adds (feedback) re-rank; they are not what the user asked to see.
    std::set<std::string> asked(query.get_unique_terms_begin(), query.get_unique_terms_end());
    if (request.sort == SortOrder::relevance) {
        query = ranked_query(query, db_, enquire, request.ranking, positional, remote(),
                             &term_freqs_, &result.feedback);
        if (request.boost_half_life > 0) {
            // Scaled to the query's best score, so that recency weighs the same whatever the
            // query; a query that scores nothing (filters alone) is ranked by recency alone.
            enquire.set_query(query);
            Xapian::MSet top = enquire.get_mset(0, 1);
            double scale =
                top.empty() || top.get_max_attained() <= 0 ? 1.0 : top.get_max_attained();
            std::string reference =
                request.boost_reference.empty() ? today_value() : request.boost_reference;
            auto* source = new RecencySource(scale, request.boost_half_life, reference);
            query =
                Xapian::Query(Xapian::Query::OP_AND_MAYBE, query, Xapian::Query(source->release()));
        }
    }
    enquire.set_query(query);
    result.parsed = query.get_description();
    result.explained = request.explain;
    if (request.sort != SortOrder::relevance)
        result.feedback.reason = "not considered: sorted by date";
    switch (request.sort) {
        case SortOrder::relevance:
            break;
        case SortOrder::date:
        case SortOrder::date_descending: {
            // Undated articles last in both orders (as SQL's NULLS LAST): oldest first reads an
            // empty date as later than any, newest first as earlier than any.
            const bool newest_first = request.sort == SortOrder::date_descending;
            if (remote()) {
                // The remote backend runs no KeyMaker: undated articles come first in oldest
                // first order there (docs/SCALING.md).
                enquire.set_sort_by_value_then_relevance(schema::kSlotDate, newest_first);
                break;
            }
            auto* key = new Xapian::MultiValueKeyMaker();
            key->add_value(schema::kSlotDate, false, newest_first ? "" : "~");
            enquire.set_sort_by_key_then_relevance(key->release(), newest_first);
            break;
        }
    }
    if (!request.collapse.empty()) {
        auto it = collapse_fields().find(request.collapse);
        if (it == collapse_fields().end()) {
            throw UsageError("cannot collapse on '" + request.collapse +
                             "' (expected title, source, author, tag, lang or date)");
        }
        enquire.set_collapse_key(it->second);
        result.collapse = request.collapse;
    }
    // Facets and collapse counts must see every match, not just enough to fill the page.
    // Over remote shards, Xapian's own ValueCountMatchSpy counts the raw values (xapian-tcpsrv
    // cannot run Folio's spy) and FacetSpy folds them into facet values afterwards.
    std::vector<std::unique_ptr<FacetSpy>> spies;
    std::vector<std::unique_ptr<Xapian::ValueCountMatchSpy>> raw;
    const bool remote_facets = remote();
    for (const auto& facet : request.facets) {
        spies.push_back(std::make_unique<FacetSpy>(facet.field));
        if (remote_facets) {
            raw.push_back(std::make_unique<Xapian::ValueCountMatchSpy>(spies.back()->slot()));
            enquire.add_matchspy(raw.back().get());
        } else {
            enquire.add_matchspy(spies.back().get());
        }
    }
    const bool see_all = request.exact_count || !spies.empty() || !request.collapse.empty();
    const auto first = static_cast<Xapian::doccount>(request.offset);
    const auto wanted = static_cast<Xapian::doccount>(request.limit);
    Xapian::doccount check = see_all ? db_.get_doccount() : first + wanted;
    if (!see_all) {
        // Counts up to kExactCountUpTo are exact: where the match can have no more matches
        // than that (its upper bound, which Xapian gives without running the match), every
        // match is counted; where it can have more, the count is an estimate and says so.
        const Xapian::MSet bounds = enquire.get_mset(0, 0);
        if (bounds.get_matches_upper_bound() <= kExactCountUpTo)
            check = std::max(check, bounds.get_matches_upper_bound());
    }
    const auto started = std::chrono::steady_clock::now();
    Xapian::MSet mset = enquire.get_mset(first, wanted, check);
    if (timed) {
        const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
        result.time_limited = took.count() >= request.time_limit;
    }
    result.estimated = mset.get_matches_estimated();
    result.lower_bound = mset.get_matches_lower_bound();
    result.upper_bound = mset.get_matches_upper_bound();
    for (std::size_t i = 0; i < raw.size(); ++i) {
        for (auto v = raw[i]->values_begin(); v != raw[i]->values_end(); ++v)
            spies[i]->add_value(*v, v.get_termfreq());
    }
    for (std::size_t i = 0; i < spies.size(); ++i)
        result.facets.push_back(spies[i]->result(request.facets[i].limit));
    if (mset.empty())
        return result;
    std::unique_ptr<Explainer> explainer;
    if (request.explain)
        explainer = std::make_unique<Explainer>(db_, query, *weight, asked);

    // Prefetching helps remote databases; Xapian 1.4.22's MSet::fetch() crashes on an MSet
    // that does not start at the first match, so page 2 onwards reads documents one by one.
    if (request.offset == 0)
        mset.fetch();
    QueryTerms terms = query_terms(query);
    std::set<std::string> feedback;
    for (auto t = query.get_unique_terms_begin(); t != query.get_unique_terms_end(); ++t) {
        if (asked.count(*t) == 0)
            feedback.insert(*t);
    }
    const std::set<std::string> phrase_only(terms.phrase_only.begin(), terms.phrase_only.end());
    // The query terms each hit holds: over remote shards from each hit's term list (a posting
    // list comes whole over the network), else from the terms' posting lists, all hits at once.
    const std::vector<std::string> positive = positive_terms(query);
    const std::set<std::string> matchable(positive.begin(), positive.end());
    std::vector<std::string> term_order;
    std::vector<std::vector<std::size_t>> held;
    if (!remote()) {
        term_order = query_term_order(query, matchable);
        std::vector<Xapian::docid> docids;
        for (auto it = mset.begin(); it != mset.end(); ++it)
            docids.push_back(*it);
        held = terms_held(db_, term_order, docids);
    }
    PassageOptions passage_options;
    passage_options.count = request.passages;
    passage_options.length = request.passage_length;
    std::size_t rank = request.offset;
    std::map<std::string, double> idfs;
    std::size_t index = 0;
    for (auto it = mset.begin(); it != mset.end(); ++it, ++index) {
        Hit hit;
        hit.rank = ++rank;
        hit.score = it.get_weight();
        hit.docid = *it;
        hit.article = schema::stored_article(it.get_document());
        // An article that names no language is indexed in its database's.
        if (hit.article.language.empty() && !sub_languages_.empty())
            hit.article.language = sub_languages_[(*it - 1) % sub_languages_.size()];
        if (!request.collapse.empty()) {
            hit.collapse_key = it.get_collapse_key();
            hit.collapse_count = it.get_collapse_count() + 1;
        }
        if (explainer)
            hit.explain = explainer->explain(*it, schema::id_term(hit.article.id));
        std::vector<std::string> matching;
        if (remote()) {
            for (auto t = enquire.get_matching_terms_begin(it);
                 t != enquire.get_matching_terms_end(it); ++t) {
                if (matchable.count(*t) != 0)  // not an excluded term
                    matching.push_back(*t);
            }
        } else {
            for (std::size_t t : held[index])
                matching.push_back(term_order[t]);
        }
        MatchTerms match = match_terms_for(matching, terms, phrase_only, feedback, mset,
                                           db_.get_doccount(), stems_only_, idfs);
        match.prefixes = wildcards;
        match.cjk_ngrams = builder.cjk_ngrams();
        // Passages are stemmed as the article was indexed: in its own language.
        const Xapian::Stem& stem = builder.stemmer_for(hit.article.language);
        hit.title = highlight_all(hit.article.title, match, stem);
        if (request.passages > 0)
            hit.passages = make_passages(hit.article.body, match, stem, passage_options);
        hit.article.body.clear();
        result.hits.push_back(std::move(hit));
    }
    return result;
}

}  // namespace folio
