#include "folio/crawl.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <optional>
#include <set>
#include <system_error>
#include <utility>

#include "ignore.hpp"

namespace folio {

namespace fs = std::filesystem;

namespace {

// The ignore files of one directory, lowest precedence first.
constexpr const char* kIgnoreFiles[] = {".gitignore", ".ignore", ".folioignore"};

// Ignore files larger than this are not read (a gitignore is a few KB).
constexpr std::uintmax_t kMaxIgnoreFile = 1u << 20;

bool present(const fs::path& path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0;
}

class Crawler {
  public:
    Crawler(const DiagnosticSink& diagnostics, const CrawlOptions& options)
        : diagnostics_(diagnostics), options_(options) {}

    void add_root(const std::string& arg) {
        if (arg == "-") {
            FoundFile f;
            f.info.path = "-";
            f.info.id = "stdin";
            f.info.source = "stdin";
            files_.push_back(std::move(f));
            return;
        }
        struct stat st {};
        if (::stat(arg.c_str(), &st) != 0) {
            report(arg, std::strerror(errno));
            return;
        }
        if (S_ISDIR(st.st_mode)) {
            walk_root(fs::path(arg));
        } else if (!S_ISREG(st.st_mode)) {
            // Opening a named pipe blocks until someone writes to it; a device may never end.
            report(arg,
                   std::string("not a regular file (") + special_kind(st.st_mode) + "): not read");
        } else {
            // A file named on the command line is read whatever its extension says; the
            // reader reports an unsupported type.
            add_file(fs::path(arg), st);
        }
    }

    std::vector<FoundFile> take() {
        std::sort(files_.begin(), files_.end(),
                  [](const FoundFile& a, const FoundFile& b) { return a.info.id < b.info.id; });
        files_.erase(std::unique(files_.begin(), files_.end(),
                                 [](const FoundFile& a, const FoundFile& b) {
                                     return a.info.id == b.info.id;
                                 }),
                     files_.end());
        return std::move(files_);
    }

  private:
    void report(const std::string& path, const std::string& message) {
        diagnostics_(Diagnostic{Diagnostic::Severity::error, path, 0, message});
    }

    // A directory named on the command line: the ignore files of its parents apply to it, and
    // --exclude patterns are relative to it.
    void walk_root(const fs::path& dir) {
        fs::path absolute = fs::absolute(dir).lexically_normal();
        if (!absolute.has_filename() && absolute != absolute.root_path())
            absolute = absolute.parent_path();  // "corpus/" is "corpus"
        const std::size_t depth = rules_.size();
        in_git_ = false;
        if (options_.ignore_files) {
            std::vector<fs::path> parents;  // nearest first
            for (fs::path p = absolute; p != p.root_path() && p.has_parent_path();) {
                p = p.parent_path();
                parents.push_back(p);
            }
            // In a git repository (a .git at or above the root): its info/exclude first, then
            // the .gitignore files from its top down.
            const bool root_is_repo = present(absolute / ".git");
            std::optional<std::size_t> repo;  // the parent that is the repository's top
            for (std::size_t i = 0; i < parents.size() && !root_is_repo && !repo; ++i) {
                if (present(parents[i] / ".git"))
                    repo = i;
            }
            for (std::size_t i = parents.size(); i-- > 0;) {
                if (repo && i == *repo)
                    load(parents[i] / ".git" / "info" / "exclude", parents[i]);
                load_directory(parents[i], repo && i <= *repo);
            }
            if (root_is_repo)
                load(absolute / ".git" / "info" / "exclude", absolute);
            in_git_ = root_is_repo || repo.has_value();
        }
        excludes_ = IgnoreRules(absolute.string(), "");
        for (const std::string& pattern : options_.excludes)
            excludes_.add(pattern);
        walk(dir, absolute);
        rules_.resize(depth);
        in_git_ = false;
    }

    void walk(const fs::path& dir, const fs::path& absolute) {
        struct stat st {};
        if (::stat(dir.c_str(), &st) != 0) {
            report(dir.string(), std::strerror(errno));
            return;
        }
        const std::pair<dev_t, ino_t> key{st.st_dev, st.st_ino};
        if (std::find(ancestors_.begin(), ancestors_.end(), key) != ancestors_.end()) {
            // A symlink back to a directory being walked: a loop, walked once.
            report(dir.string(), "directory already visited (symlink loop?), skipped");
            return;
        }
        // Reached again otherwise (overlapping paths, "indexer bbc/tech bbc", or two links to
        // one folder): its files are already found, once each.
        if (!visited_.insert(key).second)
            return;
        ancestors_.push_back(key);
        const std::size_t depth = rules_.size();
        const bool was_in_git = in_git_;
        if (options_.ignore_files) {
            in_git_ = in_git_ || present(absolute / ".git");
            load_directory(absolute, in_git_);
        }
        walk_entries(dir, absolute);
        rules_.resize(depth);
        in_git_ = was_in_git;
        ancestors_.pop_back();
    }

    // The ignore files of `dir` that apply (.gitignore only in a git repository).
    void load_directory(const fs::path& dir, bool in_git) {
        for (const char* name : kIgnoreFiles) {
            if (in_git || std::string_view(name) != ".gitignore")
                load(dir / name, dir);
        }
    }

    void load(const fs::path& file, const fs::path& base) {
        struct stat st {};
        if (::stat(file.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
            return;
        if (static_cast<std::uintmax_t>(st.st_size) > kMaxIgnoreFile) {
            diagnostics_(Diagnostic{Diagnostic::Severity::warning, file.string(), 0,
                                    "ignore file larger than 1 MiB, not read"});
            return;
        }
        std::ifstream in(file, std::ios::binary);
        if (!in) {
            diagnostics_(Diagnostic{Diagnostic::Severity::warning, file.string(), 0,
                                    std::string("ignore file not read: ") + std::strerror(errno)});
            return;
        }
        const std::string text((std::istreambuf_iterator<char>(in)),
                               std::istreambuf_iterator<char>());
        IgnoreRules rules(base.string(), text);
        if (!rules.empty())
            rules_.push_back(std::move(rules));
    }

    // True when the ignore files or --exclude leave `absolute` out.
    bool ignored(const fs::path& absolute, bool is_directory) const {
        const std::string& path = absolute.native();
        auto relative_to = [&](const std::string& base) -> std::optional<std::string_view> {
            if (path.size() <= base.size() || path.compare(0, base.size(), base) != 0)
                return std::nullopt;
            if (base.back() == '/')
                return std::string_view(path).substr(base.size());
            if (path[base.size()] != '/')
                return std::nullopt;
            return std::string_view(path).substr(base.size() + 1);
        };
        if (!excludes_.empty()) {
            if (auto rel = relative_to(excludes_.base());
                rel && excludes_.match(*rel, is_directory) == IgnoreVerdict::ignore) {
                return true;
            }
        }
        for (auto it = rules_.rbegin(); it != rules_.rend(); ++it) {
            auto rel = relative_to(it->base());
            if (!rel)
                continue;
            const IgnoreVerdict verdict = it->match(*rel, is_directory);
            if (verdict != IgnoreVerdict::none)
                return verdict == IgnoreVerdict::ignore;
        }
        return false;
    }

    void walk_entries(const fs::path& dir, const fs::path& absolute) {
        std::error_code ec;
        fs::directory_iterator it(dir, ec);
        if (ec) {
            report(dir.string(), ec.message());
            return;
        }
        std::vector<fs::path> entries;
        for (; it != fs::directory_iterator(); it.increment(ec)) {
            if (ec)
                break;
            entries.push_back(it->path());
        }
        if (ec)
            report(dir.string(), ec.message());
        std::sort(entries.begin(), entries.end());
        for (const auto& entry : entries) {
            if (entry.filename().string().starts_with('.'))
                continue;
            struct stat est {};
            if (::stat(entry.c_str(), &est) != 0) {
                // A dangling symlink or a file that vanished: say so only when it looks like
                // something Folio would read.
                if (format_for_path(entry) != Format::unknown) {
                    report(entry.string(), std::strerror(errno));
                }
                continue;
            }
            const fs::path entry_absolute = absolute / entry.filename();
            if (ignored(entry_absolute, S_ISDIR(est.st_mode)))
                continue;
            if (S_ISDIR(est.st_mode)) {
                walk(entry, entry_absolute);
            } else if (S_ISREG(est.st_mode)) {
                if (format_for_path(entry) != Format::unknown)
                    add_file(entry, est);
            } else {
                diagnostics_(Diagnostic{Diagnostic::Severity::warning, entry.string(), 0,
                                        std::string("not a regular file (") +
                                            special_kind(est.st_mode) + "): skipped"});
            }
        }
    }

    void add_file(const fs::path& path, const struct stat& st) {
        FoundFile f;
        f.info.path = path.string();
        f.info.id = file_id(path.string());
        const fs::path absolute(f.info.id);
        f.info.source = absolute.parent_path().filename().string();
        f.info.mtime = static_cast<std::int64_t>(st.st_mtim.tv_sec);
        f.size = static_cast<std::uint64_t>(st.st_size);
        f.mtime_ns =
            static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
        files_.push_back(std::move(f));
    }

    const DiagnosticSink& diagnostics_;
    const CrawlOptions& options_;
    std::vector<IgnoreRules> rules_;  // of the directories being walked and their parents
    IgnoreRules excludes_;            // --exclude, relative to the root being walked
    bool in_git_ = false;             // the directory being walked is in a git repository
    std::vector<FoundFile> files_;
    std::set<std::pair<dev_t, ino_t>> visited_;
    std::vector<std::pair<dev_t, ino_t>> ancestors_;  // the directories being walked
};

}  // namespace

std::vector<FoundFile> find_files(const std::vector<std::string>& paths,
                                  const DiagnosticSink& diagnostics, const CrawlOptions& options) {
    Crawler crawler(diagnostics, options);
    for (const auto& p : paths)
        crawler.add_root(p);
    return crawler.take();
}

std::string file_stamp(const FoundFile& file) {
    return std::to_string(file.size) + ":" + std::to_string(file.mtime_ns);
}

std::string file_id(const std::string& path) {
    std::error_code ec;
    fs::path absolute = fs::weakly_canonical(fs::absolute(path, ec), ec);
    if (ec)
        absolute = fs::absolute(path).lexically_normal();
    return absolute.string();
}

}  // namespace folio
