// SPDX-License-Identifier: GPL-2.0-or-later
#include "store/layout.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "folio/error.hpp"

namespace folio {

namespace fs = std::filesystem;

namespace {

constexpr const char* kStub = "XAPIANDB";
constexpr const char* kLockFile = "folio.lock";
constexpr const char* kGenerationPrefix = "gen-";
constexpr const char* kShardPrefix = "shard-";
constexpr const char* kPartInfix = ".part";  // gen-NNNNNN.partJ: job J's part of a parallel build

std::string read_pid_once(int fd) {
    char buf[32] = {};
    ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
    std::string pid = n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : "";
    while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' '))
        pid.pop_back();
    return pid;
}

/// The pid the lock's holder recorded. A holder that has just taken the lock may not have
/// written it yet: read again for up to 0.2 s before saying "unknown".
std::string read_pid(int fd) {
    for (int attempt = 0; attempt < 40; ++attempt) {
        std::string pid = read_pid_once(fd);
        if (!pid.empty() && pid.find_first_not_of("0123456789") == std::string::npos)
            return pid;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return "unknown";
}

/// Opens (creating it if needed) the file `path` of a database directory for writing: never
/// through a symbolic link (O_NOFOLLOW), never anything but a regular file (a FIFO or device
/// planted there is refused, not opened for a blocking read). Throws DatabaseError.
int open_database_file(const std::string& path, int flags) {
    int fd = ::open(path.c_str(), flags | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0644);
    if (fd < 0) {
        int err = errno;
        if (err == ELOOP)
            throw DatabaseError(path + " is a symbolic link; refusing to follow it (remove it)");
        throw DatabaseError("cannot open " + path + ": " + std::strerror(err));
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        throw DatabaseError(path + " is not a regular file; refusing to use it (remove it)");
    }
    // Back to blocking mode for the writes that follow.
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    return fd;
}

/// True when `path` is a directory itself (not a symbolic link to one).
bool is_real_directory(const std::string& path) {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

void fsync_path(const std::string& path, int flags) {
    int fd = ::open(path.c_str(), flags | O_CLOEXEC);
    if (fd < 0)
        return;
    ::fsync(fd);
    ::close(fd);
}

}  // namespace

std::vector<StubEntry> parse_stub(std::string_view text, const std::string& name) {
    std::vector<StubEntry> out;
    std::size_t number = 0;
    while (!text.empty()) {
        std::size_t eol = text.find('\n');
        std::string_view line = text.substr(0, eol);
        text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
        ++number;
        auto bad = [&](const char* why) {
            std::string shown;
            for (char c : line.substr(0, 200))
                shown += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '?' : c;
            throw DatabaseError(name + ":" + std::to_string(number) + ": bad stub line '" + shown +
                                "' (" + why + ")");
        };
        const std::size_t start = line.find_first_not_of(" \t\r");
        if (start == std::string_view::npos || line[start] == '#')
            continue;
        line = line.substr(start, line.find_last_not_of(" \t\r") - start + 1);
        if (line.find('\0') != std::string_view::npos)
            bad("a NUL byte");
        const std::size_t gap = line.find_first_of(" \t");
        if (gap == std::string_view::npos)
            bad("expected auto PATH, remote HOST:PORT or remote :PROGRAM");
        const std::string_view backend = line.substr(0, gap);
        const std::string_view rest = line.substr(line.find_first_not_of(" \t", gap));
        StubEntry entry;
        entry.line = number;
        if (backend == "auto" || backend == "glass" || backend == "chert") {
            entry.kind = StubEntry::Kind::database;
            entry.target = std::string(rest);
        } else if (backend == "remote" && rest.starts_with(':')) {
            entry.kind = StubEntry::Kind::program;
            entry.target = std::string(rest.substr(1));
            if (entry.target.empty() || entry.target[0] == ' ' || entry.target[0] == '\t')
                bad("no program after 'remote :'");
        } else if (backend == "remote") {
            entry.kind = StubEntry::Kind::tcp;
            entry.target = std::string(rest);
        } else {
            bad("expected auto PATH, remote HOST:PORT or remote :PROGRAM");
        }
        out.push_back(std::move(entry));
    }
    return out;
}

IndexLock::IndexLock(const std::string& db_dir, bool wait) : dir_(db_dir) {
    std::error_code ec;
    path_ = (fs::path(db_dir) / kLockFile).string();
    for (;;) {
        // The outermost directory this lock creates (--db a/b/c with only a there: a/b).
        fs::path missing;
        for (fs::path p = fs::absolute(db_dir, ec).lexically_normal();
             !p.empty() && !fs::exists(p, ec); p = p.parent_path()) {
            missing = p;
            if (p == p.parent_path())
                break;
        }
        if (!missing.empty())
            created_ = missing.string();
        fs::create_directories(db_dir, ec);
        if (ec) {
            throw DatabaseError("cannot create database directory " + db_dir + ": " + ec.message());
        }
        fd_ = open_database_file(path_, O_RDWR | O_CREAT);
        if (::flock(fd_, LOCK_EX | (wait ? 0 : LOCK_NB)) != 0) {
            int err = errno;
            std::string pid = read_pid(fd_);
            ::close(fd_);
            fd_ = -1;
            if (err == EWOULDBLOCK) {
                throw DatabaseError("database " + db_dir + " is locked by another indexer (pid " +
                                    pid + "); use --wait-lock to wait for it");
            }
            throw DatabaseError("cannot lock database " + db_dir + ": " + std::strerror(err));
        }
        // The holder waited for may have removed the lock file as it left (a run that made
        // no database): then lock the file now at the path, or two indexers could hold "it".
        struct stat held {
        }, now{};
        if (::fstat(fd_, &held) == 0 && ::stat(path_.c_str(), &now) == 0 &&
            held.st_dev == now.st_dev && held.st_ino == now.st_ino) {
            break;
        }
        ::close(fd_);
        fd_ = -1;
    }
    // Written over the old contents, then cut to length: the file is never seen empty while held.
    std::string pid = std::to_string(::getpid()) + "\n";
    if (::pwrite(fd_, pid.data(), pid.size(), 0) == static_cast<ssize_t>(pid.size())) {
        [[maybe_unused]] int r = ::ftruncate(fd_, static_cast<off_t>(pid.size()));
    }
}

IndexLock::~IndexLock() {
    if (fd_ < 0)
        return;
    [[maybe_unused]] int r = ::ftruncate(fd_, 0);
    // A run that made no database (it failed before writing anything: a mistyped --db, a
    // path that does not exist) leaves nothing behind: not the lock file, nor the directory
    // it created. Removed while still locked, so that a waiting indexer sees it gone.
    std::error_code ec;
    bool only_lock = true;
    for (fs::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec)) {
        if (it->path().filename() != kLockFile) {
            only_lock = false;
            break;
        }
    }
    if (!ec && only_lock) {
        ::unlink(path_.c_str());
        if (!created_.empty()) {
            // The directories this lock created, innermost first, each only if empty.
            for (fs::path p = fs::absolute(dir_, ec).lexically_normal();
                 p.string().size() >= created_.size() && ::rmdir(p.c_str()) == 0;
                 p = p.parent_path()) {
            }
        }
    }
    ::close(fd_);  // releases the flock
}

DatabaseLayout::DatabaseLayout(std::string db_dir) : dir_(std::move(db_dir)) {}

bool DatabaseLayout::is_plain_database() const {
    return fs::exists(fs::path(dir_) / "iamglass") || fs::exists(fs::path(dir_) / "iamchert");
}

std::vector<std::string> DatabaseLayout::shards() const {
    if (is_plain_database())
        return {dir_};
    const std::string stub = (fs::path(dir_) / kStub).string();
    struct stat st {};
    if (::lstat(stub.c_str(), &st) != 0)
        return {};
    if (!S_ISREG(st.st_mode))
        throw DatabaseError(stub + " is not a regular file; refusing to use it");
    std::string text;
    {
        int fd = open_database_file(stub, O_RDONLY);
        char buf[4096];
        ssize_t n;
        while ((n = ::read(fd, buf, sizeof buf)) > 0 && text.size() <= kMaxStubBytes)
            text.append(buf, static_cast<std::size_t>(n));
        ::close(fd);
        if (text.size() > kMaxStubBytes)
            throw DatabaseError(stub + " is too large for a stub file");
    }
    // Folio writes "glass gen-NNNNNN" or "glass gen-NNNNNN/shard-NNN": a generation inside this
    // directory. Anything else (an absolute path, "..", a remote, a symbolic link) was not written
    // by Folio, and the indexer refuses to follow it: it writes where the stub points.
    std::vector<std::string> out;
    for (const auto& entry : parse_stub(text, stub)) {
        const fs::path target(entry.target);
        bool inside = entry.kind == StubEntry::Kind::database && target.is_relative() &&
                      !entry.target.empty();
        for (const auto& part : target)
            inside = inside && part != ".." && part != "." && !part.empty();
        if (!inside || !target.begin()->string().starts_with(kGenerationPrefix)) {
            throw DatabaseError(stub + ":" + std::to_string(entry.line) +
                                ": not a generation of this database: '" + entry.target +
                                "' (the indexer follows only the stubs it writes)");
        }
        std::string path = (fs::path(dir_) / target).string();
        std::string walked = dir_;
        for (const auto& part : target) {
            walked = (fs::path(walked) / part).string();
            if (!is_real_directory(walked)) {
                throw DatabaseError(stub + ":" + std::to_string(entry.line) + ": " + walked +
                                    " is not a directory (a symbolic link or missing)");
            }
        }
        // Xapian writes the tables of the current generation in place on an update: none of
        // them may lead elsewhere.
        std::error_code ec;
        for (const auto& file : fs::directory_iterator(path, ec)) {
            if (!file.is_symlink(ec) && (file.is_regular_file(ec) || file.is_directory(ec)))
                continue;
            throw DatabaseError(file.path().string() +
                                " is not a regular file (a symbolic link or special file); "
                                "refusing to write the database through it");
        }
        out.push_back(std::move(path));
    }
    return out;
}

std::string DatabaseLayout::current() const {
    if (is_plain_database())
        return dir_;
    std::vector<std::string> all = shards();
    if (all.empty())
        return {};
    // A shard's path is GENERATION/shard-NNN.
    fs::path first(all.front());
    return first.filename().string().starts_with(kShardPrefix) ? first.parent_path().string()
                                                               : first.string();
}

std::string part_path(const std::string& generation, std::size_t job) {
    return generation + kPartInfix + std::to_string(job);
}

void remove_parts(const std::string& generation) {
    const fs::path gen(generation);
    const std::string prefix = gen.filename().string() + kPartInfix;
    std::error_code ec;
    std::vector<fs::path> parts;
    for (const auto& entry :
         fs::directory_iterator(gen.parent_path().empty() ? "." : gen.parent_path(), ec)) {
        if (entry.path().filename().string().starts_with(prefix))
            parts.push_back(entry.path());
    }
    for (const auto& path : parts)
        fs::remove_all(path, ec);
}

std::string shard_path(const std::string& generation, unsigned k) {
    char name[32];
    std::snprintf(name, sizeof name, "%s%03u", kShardPrefix, k);
    return (fs::path(generation) / name).string();
}

std::string DatabaseLayout::next() const {
    unsigned highest = 0;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir_, ec)) {
        std::string name = entry.path().filename().string();
        if (name.starts_with(kGenerationPrefix)) {
            highest =
                std::max(highest, static_cast<unsigned>(std::strtoul(
                                      name.c_str() + std::strlen(kGenerationPrefix), nullptr, 10)));
        }
    }
    char name[32];
    std::snprintf(name, sizeof name, "%s%06u", kGenerationPrefix, highest + 1);
    return (fs::path(dir_) / name).string();
}

void DatabaseLayout::switch_to(const std::string& generation, unsigned shards) const {
    std::string name = fs::path(generation).filename().string();
    fs::path stub = fs::path(dir_) / kStub;
    fs::path temporary = fs::path(dir_) / (std::string(kStub) + ".new");
    std::string text;
    if (shards == 0)
        text += "glass " + name + "\n";
    for (unsigned k = 0; k < shards; ++k)
        text += "glass " + name + "/" + fs::path(shard_path(name, k)).filename().string() + "\n";
    {
        // A fresh file, never through whatever stands at that name (a symbolic link planted
        // there, or one an interrupted switch left): removed, then created exclusively.
        if (::unlink(temporary.c_str()) != 0 && errno != ENOENT) {
            throw DatabaseError("cannot remove " + temporary.string() + ": " +
                                std::strerror(errno));
        }
        int fd = open_database_file(temporary.string(), O_WRONLY | O_CREAT | O_EXCL);
        std::size_t done = 0;
        while (done < text.size()) {
            ssize_t n = ::write(fd, text.data() + done, text.size() - done);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0) {
                int err = errno;
                ::close(fd);
                throw DatabaseError("cannot write " + temporary.string() + ": " +
                                    std::strerror(err));
            }
            done += static_cast<std::size_t>(n);
        }
        int synced = ::fsync(fd);
        if (::close(fd) != 0 || synced != 0)
            throw DatabaseError("cannot write " + temporary.string() + ": " + std::strerror(errno));
    }
    if (std::rename(temporary.c_str(), stub.c_str()) != 0) {
        throw DatabaseError("cannot switch " + dir_ + " to " + name + ": " + std::strerror(errno));
    }
    fsync_path(dir_, O_RDONLY | O_DIRECTORY);
}

void DatabaseLayout::remove_stale() const {
    std::string live = fs::path(current()).filename().string();
    std::error_code ec;
    std::vector<fs::path> stale;
    for (const auto& entry : fs::directory_iterator(dir_, ec)) {
        std::string name = entry.path().filename().string();
        if (name.starts_with(kGenerationPrefix) && name != live)
            stale.push_back(entry.path());
    }
    for (const auto& path : stale)
        fs::remove_all(path, ec);
}

void sync_tree(const std::string& dir) {
    std::error_code ec;
    for (const auto& entry : fs::recursive_directory_iterator(dir, ec)) {
        if (entry.is_regular_file(ec))
            fsync_path(entry.path().string(), O_RDONLY);
    }
    fsync_path(dir, O_RDONLY | O_DIRECTORY);
}

std::uint64_t tree_size(const std::string& path) {
    std::error_code ec;
    if (fs::is_regular_file(path, ec))
        return fs::file_size(path, ec);
    std::uint64_t total = 0;
    fs::recursive_directory_iterator it(path, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
        std::error_code fec;
        if (it->is_regular_file(fec))
            total += it->file_size(fec);
    }
    return total;
}

}  // namespace folio
