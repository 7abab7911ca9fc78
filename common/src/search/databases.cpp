// SPDX-License-Identifier: GPL-2.0-or-later
// Opening the databases a search covers: --db paths and stubs followed to their shards by Folio's
// rules, each shard opened on its own, damaged or failing shards named or left out.

#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string_view>
#include <thread>

#include "folio/error.hpp"
#include "folio/search.hpp"
#include "schema/schema.hpp"
#include "search/query.hpp"
#include "search/ranking.hpp"
#include "search/searcher_impl.hpp"
#include "store/layout.hpp"

namespace folio {

namespace fs = std::filesystem;

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
    : impl_(std::make_unique<Impl>()) {
    impl_->paths_ = databases;
    impl_->options_ = options;
    if (databases.empty())
        throw UsageError("no database to search");
    open();
}

bool Searcher::remote() const noexcept {
    return std::any_of(impl_->shards_.begin(), impl_->shards_.end(),
                       [](const ShardSpec& s) { return s.remote(); });
}

std::string Searcher::shard_name(std::size_t k) const {
    if (impl_->shards_.size() == 1)
        return impl_->shards_[k].address;
    return "shard " + std::to_string(k + 1) + " of " + std::to_string(impl_->shards_.size()) +
           " (" + impl_->shards_[k].address + ")";
}

namespace {

/// The contents of the stubs `databases` name: when they change, a rebuild switched generations.
std::string stub_signature(const std::vector<std::string>& databases) {
    std::string out;
    for (const auto& database : databases) {
        if (std::optional<fs::path> stub = stub_of(database)) {
            std::ifstream in(*stub, std::ios::binary);
            std::string text((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
            out += text.substr(0, kMaxStubBytes);
        }
        out += '\0';
    }
    return out;
}

}  // namespace

void Searcher::open() {
    constexpr int kAttempts = 5;
    for (int attempt = 0;; ++attempt) {
        std::string before = stub_signature(impl_->paths_);
        try {
            open_once(attempt + 1 < kAttempts);
            return;
        } catch (const DatabaseError&) {
            // A rebuild switched generations and removed the one being opened: open the new one.
            if (attempt >= 3 || stub_signature(impl_->paths_) == before)
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
    impl_->shards_ = expand_databases(impl_->paths_);
    Xapian::Database db;
    std::vector<std::string> recorded;       // each shard's language, to be read in any order
    std::vector<std::string> sub_languages;  // the language of each database db_ holds
    std::size_t eliding = 0;                 // shards with word rules (schema::kMetaWordRules)
    std::vector<std::pair<std::string, int>> older;  // those of older rules, and their version
    std::size_t opened = 0;
    std::size_t local = 0;  // of them, local databases
    for (std::size_t k = 0; k < impl_->shards_.size(); ++k) {
        if (impl_->excluded_.count(impl_->shards_[k].address) != 0)
            continue;
        const ShardSpec& shard = impl_->shards_[k];
        // A shard that cannot be opened fails the search, or is left out with allow_partial.
        auto left_out = [&](const std::string& why) {
            if (impl_->shards_.size() == 1 || !impl_->options_.allow_partial) {
                std::string what = shard.remote() ? "cannot reach " : "cannot open database ";
                throw DatabaseError(
                    what + shard_name(k) + ": " + why +
                    (impl_->shards_.size() > 1 ? " (--allow-partial searches the others)" : ""));
            }
            impl_->excluded_.insert(shard.address);
            impl_->warnings_.push_back(shard_name(k) + " left out: " + why +
                                       "; the results are partial");
        };
        Xapian::Database one;
        try {
            one = open_shard(shard, impl_->options_.remote_timeout_ms);
            std::string language = one.get_metadata(std::string(schema::kMetaLanguage));
            sub_languages.insert(sub_languages.end(), one.size(), language);
            if (!language.empty())
                recorded.push_back(std::move(language));
            if (const int rules = schema::word_rules_of(one); rules > 0) {
                ++eliding;
                if (rules < schema::kWordRules)
                    older.emplace_back(shard_name(k), rules);
            }
        } catch (const Xapian::DatabaseModifiedError&) {
            throw;  // not a fault of the shard: open() opens again
        } catch (const Xapian::DatabaseCorruptError& e) {
            if (retry_damage && !shard.remote())
                throw;  // maybe read during a commit: open() opens again
            left_out(reason(e));
            continue;
        } catch (const Xapian::DatabaseNotFoundError&) {
            if (impl_->shards_.size() == 1 || !impl_->options_.allow_partial) {
                throw DatabaseError("no database at " + shard.address +
                                    " (build one with folio-indexer --db " + shard.address +
                                    " FILES...)");
            }
            impl_->excluded_.insert(shard.address);
            impl_->warnings_.push_back(shard_name(k) +
                                       " left out: no database there; the results are partial");
            continue;
        } catch (const Xapian::Error& e) {
            left_out(reason(e));
            continue;
        }
        db.add_database(one);
        ++opened;
        local += shard.remote() ? 0 : 1;
    }
    if (opened == 0)
        throw DatabaseError("no shard of " + std::to_string(impl_->shards_.size()) +
                            " could be searched");
    if (recorded.empty()) {
        throw DatabaseError(impl_->paths_.front() +
                            " is not a Folio database (it records no language)");
    }
    impl_->db_ = db;
    impl_->sub_languages_ = std::move(sub_languages);
    for (const auto& [name, rules] : older) {
        std::string warning = schema::older_word_rules(name, rules);
        auto& warnings = impl_->warnings_;
        if (std::find(warnings.begin(), warnings.end(), warning) == warnings.end())
            warnings.push_back(std::move(warning));  // once, not again at each reopen
    }
    // Databases of different languages searched as one: the query's stop words are those of
    // the first language by name, not by the order of --db; its words are looked for in every
    // language any of them holds (database_languages).
    std::sort(recorded.begin(), recorded.end());
    impl_->language_ = recorded.front();
    impl_->languages_ = database_languages(impl_->db_, recorded);
    impl_->word_rules_ = eliding * 2 >= opened;  // the more common way first
    impl_->mixed_word_rules_ = eliding != 0 && eliding != opened;
    impl_->schema_version_ = schema::version_of(impl_->db_);
    impl_->local_shards_ = local != 0;
    impl_->stems_only_ = schema::stems_only(impl_->schema_version_);
    impl_->builders_.clear();
    impl_->feedback_builders_.clear();
    impl_->term_freqs_.clear();
}

bool Searcher::handle_failure() {
    std::vector<std::size_t> failed;
    std::vector<std::string> reasons;
    for (std::size_t k = 0; k < impl_->shards_.size(); ++k) {
        if (impl_->excluded_.count(impl_->shards_[k].address) != 0)
            continue;
        try {
            open_shard(impl_->shards_[k], impl_->options_.remote_timeout_ms).get_doccount();
        } catch (const Xapian::Error& e) {
            failed.push_back(k);
            reasons.push_back(reason(e));
        }
    }
    if (failed.empty())
        return false;
    if (!impl_->options_.allow_partial || impl_->shards_.size() == 1) {
        throw DatabaseError(
            "search failed: " + shard_name(failed.front()) +
            " does not answer: " + reasons.front() +
            (impl_->shards_.size() > 1 ? " (--allow-partial searches the others)" : ""));
    }
    for (std::size_t i = 0; i < failed.size(); ++i) {
        impl_->excluded_.insert(impl_->shards_[failed[i]].address);
        impl_->warnings_.push_back(shard_name(failed[i]) + " left out: " + reasons[i] +
                                   "; the results are partial");
    }
    open();
    return true;
}

QueryBuilder& Searcher::builder(const SearchRequest& request) {
    auto& slot =
        impl_->builders_[{request.default_and, request.expand_synonyms, request.wildcard_limit}];
    if (!slot) {
        QueryOptions options;
        options.language = impl_->language_;
        options.languages = impl_->languages_;
        options.word_rules = impl_->word_rules_;
        options.mixed_word_rules = impl_->mixed_word_rules_;
        options.default_and = request.default_and;
        options.expand_synonyms = request.expand_synonyms;
        options.wildcard_limit = request.wildcard_limit;
        slot = std::make_unique<QueryBuilder>(impl_->db_, options);
    }
    return *slot;
}

Searcher::~Searcher() = default;

const std::string& Searcher::language() const noexcept {
    return impl_->language_;
}

Xapian::Database& Searcher::database() noexcept {
    return impl_->db_;
}

const std::vector<std::string>& Searcher::paths() const noexcept {
    return impl_->paths_;
}

const std::vector<ShardSpec>& Searcher::shards() const noexcept {
    return impl_->shards_;
}

const std::vector<std::string>& Searcher::warnings() const noexcept {
    return impl_->warnings_;
}

}  // namespace folio
