// SPDX-License-Identifier: GPL-2.0-or-later
#include "index/crawl.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>
#include <system_error>
#include <utility>

namespace folio {

namespace fs = std::filesystem;

namespace {

class Crawler {
  public:
    explicit Crawler(const DiagnosticSink& diagnostics) : diagnostics_(diagnostics) {}

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
            walk(fs::path(arg));
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

    void walk(const fs::path& dir) {
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
        walk_entries(dir);
        ancestors_.pop_back();
    }

    void walk_entries(const fs::path& dir) {
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
            if (S_ISDIR(est.st_mode)) {
                walk(entry);
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
    std::vector<FoundFile> files_;
    std::set<std::pair<dev_t, ino_t>> visited_;
    std::vector<std::pair<dev_t, ino_t>> ancestors_;  // the directories being walked
};

}  // namespace

std::vector<FoundFile> find_files(const std::vector<std::string>& paths,
                                  const DiagnosticSink& diagnostics) {
    Crawler crawler(diagnostics);
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
