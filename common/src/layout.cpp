#include "folio/layout.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "folio/error.hpp"

namespace folio {

namespace fs = std::filesystem;

namespace {

constexpr const char* kStub = "XAPIANDB";
constexpr const char* kLockFile = "folio.lock";
constexpr const char* kGenerationPrefix = "gen-";
constexpr const char* kShardPrefix = "shard-";

std::string read_pid(int fd) {
    char buf[32] = {};
    ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
    std::string pid = n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : "";
    while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' '))
        pid.pop_back();
    return pid.empty() ? "unknown" : pid;
}

void fsync_path(const std::string& path, int flags) {
    int fd = ::open(path.c_str(), flags | O_CLOEXEC);
    if (fd < 0)
        return;
    ::fsync(fd);
    ::close(fd);
}

}  // namespace

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
        fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd_ < 0) {
            throw DatabaseError("cannot lock database " + db_dir + ": " + std::strerror(errno));
        }
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
    std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd_, 0) == 0) {
        [[maybe_unused]] ssize_t n = ::pwrite(fd_, pid.data(), pid.size(), 0);
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
    std::vector<std::string> out;
    std::ifstream stub(fs::path(dir_) / kStub);
    std::string line;
    while (std::getline(stub, line)) {
        std::istringstream fields(line);
        std::string backend, path;
        if (fields >> backend >> path && (backend == "glass" || backend == "auto")) {
            out.push_back((fs::path(dir_) / path).string());
        }
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
    {
        std::ofstream out(temporary, std::ios::trunc);
        if (shards == 0)
            out << "glass " << name << "\n";
        for (unsigned k = 0; k < shards; ++k)
            out << "glass " << name << "/" << fs::path(shard_path(name, k)).filename().string()
                << "\n";
        if (!out.flush())
            throw DatabaseError("cannot write " + temporary.string());
    }
    fsync_path(temporary.string(), O_RDONLY);
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

unsigned long long disk_usage(const std::string& path) {
    std::error_code ec;
    if (fs::is_regular_file(path, ec))
        return fs::file_size(path, ec);
    unsigned long long total = 0;
    for (const auto& entry : fs::recursive_directory_iterator(path, ec)) {
        if (entry.is_regular_file(ec))
            total += entry.file_size(ec);
    }
    return total;
}

}  // namespace folio
