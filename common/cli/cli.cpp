#include "cli.hpp"

#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xapian.h>

#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <exception>
#include <iostream>

#include "folio/error.hpp"
#include "folio/languages.hpp"
#include "folio/paths.hpp"
#include "folio/terminal.hpp"

namespace folio::cli {

CLI::Option* add_db_option(CLI::App& app, std::string& db) {
    db = database_path_from_environment();
    return app.add_option(
        "--db", db,
        "Database directory (default: $FOLIO_DB, else " + default_database_path() + ")");
}

CLI::Option* add_db_option(CLI::App& app, std::vector<std::string>& dbs) {
    return app
        .add_option("--db", dbs,
                    "Database directory, stub file or tcp://HOST:PORT (a shard server); repeat to "
                    "search several as one "
                    "(default: $FOLIO_DB, else " +
                        default_database_path() + ")")
        ->allow_extra_args(false);
}

CLI::Option* add_language_option(CLI::App& app, std::string& language, const std::string& what) {
    return app
        .add_option("--language,-l", language,
                    what +
                        " (a Snowball language, chinese, japanese, korean, an ISO 639 code or "
                        "BCP 47 tag, or none: no stemming)")
        ->check([](const std::string& value) -> std::string {
            try {
                canonical_language(value);
                return {};
            } catch (const UsageError& e) {
                return e.what();
            }
        });
}

std::string language_from_environment() {
    const char* value = std::getenv("FOLIO_LANGUAGE");
    if (value == nullptr || *value == '\0')
        return {};
    try {
        return canonical_language(value);
    } catch (const UsageError& e) {
        throw UsageError(std::string("FOLIO_LANGUAGE: ") + e.what());
    }
}

void add_version_flag(CLI::App& app, const std::string& program) {
    app.add_flag_callback(
        "--version",
        [program] {
            std::cout << version_text(program);
            throw CLI::Success();
        },
        "Print the versions of Folio, Xapian and libstemmer, and exit");
}

std::uint64_t parse_size(const std::string& text) {
    std::size_t used = 0;
    unsigned long long n = 0;
    try {
        n = std::stoull(text, &used);
    } catch (const std::exception&) {
        throw CLI::ValidationError("size", "'" + text + "' is not a size (e.g. 100M)");
    }
    std::string unit = text.substr(used);
    std::uint64_t scale = 1;
    if (unit.size() > 1 ||
        (unit.size() == 1 && !std::isalpha(static_cast<unsigned char>(unit[0])))) {
        throw CLI::ValidationError("size", "'" + text + "' is not a size (e.g. 100M)");
    }
    if (!unit.empty()) {
        switch (std::tolower(static_cast<unsigned char>(unit[0]))) {
            case 'k':
                scale = 1ull << 10;
                break;
            case 'm':
                scale = 1ull << 20;
                break;
            case 'g':
                scale = 1ull << 30;
                break;
            default:
                throw CLI::ValidationError("size", "'" + text + "': unit must be k, M or G");
        }
    }
    return n * scale;
}

void* use_huge_page_heap() noexcept {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 33) && \
    !defined(__SANITIZE_ADDRESS__) && defined(MADV_HUGEPAGE)
    // glibc's malloc carves its main heap from the top chunk at the end of the brk area, in
    // address order. Grow that area well past the next 2 MiB boundary, mark the 2 MiB after
    // the boundary for a huge page, and fill the gap up to it with an allocation that is never
    // touched (address space, not memory): the allocations after it land in the huge page, which
    // the kernel maps at the first touch, in one fault. Anything unexpected (another malloc, a
    // heap that is not where brk says, a kernel without THP) leaves the heap as it was.
    constexpr std::uintptr_t kHuge = std::uintptr_t(2) << 20;
    const std::uintptr_t brk_before = reinterpret_cast<std::uintptr_t>(sbrk(0));
    const struct mallinfo2 before = mallinfo2();
    if (before.keepcost == 0 || before.keepcost > brk_before)
        return nullptr;                                       // not glibc's malloc, or no heap yet
    const std::uintptr_t top = brk_before - before.keepcost;  // where the top chunk starts
    const std::uintptr_t boundary = (top + 4096 + kHuge - 1) & ~(kHuge - 1);
    // From here on the heap grows 5 MiB past each request and trimming keeps 5 MiB above the
    // top chunk, so the heap never ends inside the huge page.
    if (mallopt(M_TOP_PAD, 5 << 20) == 0)
        return nullptr;
    // A request larger than all the free memory (top chunk included) makes the heap grow: from
    // the heap, not from mmap, for the while of this call (128 KiB is glibc's threshold).
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    void* volatile grow = std::malloc(before.fordblks + 4096);
    std::free(grow);
    mallopt(M_MMAP_THRESHOLD, 128 << 10);
    const std::uintptr_t brk = reinterpret_cast<std::uintptr_t>(sbrk(0));
    const struct mallinfo2 after = mallinfo2();
    if (brk - after.keepcost != top || boundary + kHuge > brk)
        return nullptr;  // the heap did not grow in place
    void* huge = reinterpret_cast<void*>(boundary);
    if (madvise(huge, kHuge, MADV_HUGEPAGE) != 0)
        return nullptr;
    // Growing wrote a chunk header past the old top; a small page there would keep the
    // huge page out. The header is stale since the free: drop the page.
    madvise(huge, kHuge, MADV_DONTNEED);
    void* volatile gap = std::malloc(boundary - top - 64);
    static_cast<void>(gap);
    return huge;
#else
    return nullptr;
#endif
}

namespace {

std::string terminating_program;
std::terminate_handler default_terminate = nullptr;

/// std::terminate for an exception no handler could catch: one thrown by a destructor while
/// another unwinds. Xapian 1.4 can do that when a write fails (its value-stream writer writes
/// in its destructor, so a disk filling up at the wrong moment throws twice). The error is
/// reported like any other and the program exits with kFailure, where it would abort: the
/// database still holds its last commit, as after any interrupted run. A terminate without an
/// exception is a bug, and aborts as usual.
[[noreturn]] void report_uncaught() noexcept {
    if (std::exception_ptr error = std::current_exception()) {
        std::string what = "unknown exception";
        try {
            std::rethrow_exception(error);
        } catch (const Xapian::Error& e) {
            what = e.get_description();
        } catch (const std::exception& e) {
            what = e.what();
        } catch (...) {
        }
        std::cerr << terminating_program << ": error: " << terminal_text(what) << std::endl;
        std::_Exit(kFailure);
    }
    if (default_terminate != nullptr)
        default_terminate();
    std::abort();
}

}  // namespace

int run(const std::string& program, CLI::App& app, int argc, char** argv,
        const std::function<int()>& body) {
    terminating_program = program;
    if (default_terminate == nullptr)
        default_terminate = std::set_terminate(report_uncaught);
    try {
        app.parse(argc, argv);
    } catch (const CLI::Success& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::cerr << program << ": error: " << terminal_text(e.what()) << "\n"
                  << "Run with --help for more information.\n";
        return kFailure;
    }
    try {
        return body();
    } catch (const CLI::Success&) {
        return kOk;
    } catch (const Error& e) {
        std::cerr << program << ": error: " << terminal_text(e.what()) << "\n";
    } catch (const Xapian::DatabaseOpeningError& e) {
        std::cerr << program << ": error: cannot open the database: " << terminal_text(e.get_msg())
                  << "\n";
    } catch (const Xapian::Error& e) {
        std::cerr << program << ": error: " << terminal_text(e.get_description()) << "\n";
    } catch (const std::exception& e) {
        std::cerr << program << ": error: " << terminal_text(e.what()) << "\n";
    }
    return kFailure;
}

}  // namespace folio::cli
