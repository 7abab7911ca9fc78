// SPDX-License-Identifier: GPL-2.0-or-later
#define BOOST_TEST_MODULE cli_run
#include <sys/wait.h>
#include <unistd.h>
#include <xapian.h>
#include <CLI/CLI.hpp>
#include <boost/test/unit_test.hpp>

#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "cli.hpp"

namespace {

struct Outcome {
    int status = 0;  // as waitpid reports it
    std::string err;
};

/// Runs folio::cli::run("probe", ...) with `body` in a child process: its wait status and
/// what it wrote to stderr.
Outcome run_in_child(const std::function<int()>& body) {
    int fds[2];
    BOOST_TEST_REQUIRE(::pipe(fds) == 0);
    const pid_t pid = ::fork();
    BOOST_TEST_REQUIRE(pid >= 0);
    if (pid == 0) {
        std::signal(SIGABRT, SIG_DFL);  // not Boost.Test's handler, inherited by the fork
        ::dup2(fds[1], STDERR_FILENO);
        ::close(fds[0]);
        ::close(fds[1]);
        CLI::App app("probe");
        std::_Exit(folio::cli::run("probe", app, folio::cli::CommandLine{}, body));
    }
    ::close(fds[1]);
    Outcome out;
    char buffer[512];
    ssize_t n = 0;
    while ((n = ::read(fds[0], buffer, sizeof buffer)) > 0)
        out.err.append(buffer, static_cast<std::size_t>(n));
    ::close(fds[0]);
    ::waitpid(pid, &out.status, 0);
    return out;
}

/// Throws from its destructor, as Xapian 1.4's value-stream writer can when a write fails.
struct ThrowsWhenDestroyed {
    ~ThrowsWhenDestroyed() noexcept(false) {
        throw Xapian::DatabaseError("Error writing block 7 (No space left on device)");
    }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(run)

// An error is reported on stderr as "PROGRAM: error: ..." with exit code 2.
BOOST_AUTO_TEST_CASE(errors_exit_2) {
    Outcome out = run_in_child([]() -> int { throw std::runtime_error("it broke"); });
    BOOST_TEST(WIFEXITED(out.status));
    BOOST_TEST(WEXITSTATUS(out.status) == 2);
    BOOST_TEST(out.err == "probe: error: it broke\n");
}

// An exception thrown while another unwinds cannot be caught: std::terminate. It is still
// reported as an error with exit code 2, the one in flight last named.
BOOST_AUTO_TEST_CASE(exception_during_unwinding_exits_2) {
    Outcome out = run_in_child([]() -> int {
        ThrowsWhenDestroyed writer;
        throw Xapian::DatabaseError("Error writing block 6 (No space left on device)");
    });
    BOOST_TEST(WIFEXITED(out.status));
    BOOST_TEST(WEXITSTATUS(out.status) == 2);
    BOOST_TEST(out.err ==
               "probe: error: DatabaseError: Error writing block 7 (No space left on device)\n");
}

// A terminate without an exception is a bug: it aborts as usual.
BOOST_AUTO_TEST_CASE(terminate_without_exception_aborts) {
    Outcome out = run_in_child([]() -> int { std::terminate(); });
    BOOST_TEST(WIFSIGNALED(out.status));
    BOOST_TEST(WTERMSIG(out.status) == SIGABRT);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(heap)

namespace {

/// The VmFlags of the mapping of /proc/self/smaps that holds `address` ("" when none does).
[[maybe_unused]] std::string vm_flags_at(const void* address) {
    const auto at = reinterpret_cast<std::uintptr_t>(address);
    std::ifstream smaps("/proc/self/smaps");
    std::string line;
    bool inside = false;
    while (std::getline(smaps, line)) {
        std::uintptr_t begin = 0, end = 0;
        char dash = 0;
        if (std::sscanf(line.c_str(), "%lx%c%lx", &begin, &dash, &end) == 3 && dash == '-') {
            inside = begin <= at && at < end;
        } else if (inside && line.rfind("VmFlags:", 0) == 0) {
            return line;
        }
    }
    return "";
}

}  // namespace

// The searcher's first call: the next 2 MiB of its heap marked for a transparent huge page, and
// malloc working as before, across that page and past it.
BOOST_AUTO_TEST_CASE(huge_page_heap) {
    void* huge = folio::cli::use_huge_page_heap();
#if defined(__SANITIZE_ADDRESS__)
    BOOST_TEST(huge == nullptr);  // the sanitizer's allocator is not glibc's heap
#else
    if (std::filesystem::exists("/sys/kernel/mm/transparent_hugepage/enabled")) {
        BOOST_TEST_REQUIRE(huge != nullptr);
        BOOST_TEST(reinterpret_cast<std::uintptr_t>(huge) % (std::uintptr_t(2) << 20) == 0u);
        const std::string flags = vm_flags_at(huge);
        BOOST_TEST_INFO(flags);
        BOOST_TEST(flags.find(" hg") != std::string::npos);  // MADV_HUGEPAGE
    }
#endif
    std::vector<std::unique_ptr<char[]>> blocks;
    for (std::size_t size = 16; size <= (std::size_t(8) << 20); size *= 2) {
        blocks.emplace_back(new char[size]);
        std::memset(blocks.back().get(), static_cast<int>(size % 251), size);
    }
    for (std::size_t i = 0, size = 16; i < blocks.size(); ++i, size *= 2) {
        BOOST_TEST(blocks[i][0] == static_cast<char>(size % 251));
        BOOST_TEST(blocks[i][size - 1] == static_cast<char>(size % 251));
    }
}

BOOST_AUTO_TEST_SUITE_END()
