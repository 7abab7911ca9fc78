#include "cli.hpp"

#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xapian.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <fstream>
#include <iostream>
#include <limits>
#include <sstream>

#include "folio/error.hpp"
#include "folio/indexing.hpp"
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
        .add_option("--language", language,
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

void add_version_flag(CLI::App& app, const std::string& program) {
    app.add_flag_callback(
           "--version",
           [program] {
               std::cout << version_text(program);
               throw CLI::Success();
           },
           "Print the versions of Folio, Xapian and libstemmer, and exit")
        ->group("Other");
}

std::uint64_t parse_size(const std::string& text) {
    const auto not_a_size = [&] {
        return CLI::ValidationError("size", "'" + text + "' is not a size (e.g. 100M)");
    };
    // std::stoull would read "-1" as 2^64 - 1 and skip leading spaces: digits first, or nothing.
    if (text.empty() || !std::isdigit(static_cast<unsigned char>(text[0])))
        throw not_a_size();
    std::size_t used = 0;
    unsigned long long n = 0;
    try {
        n = std::stoull(text, &used);
    } catch (const std::exception&) {
        throw not_a_size();
    }
    std::string unit = text.substr(used);
    std::uint64_t scale = 1;
    if (unit.size() > 1 ||
        (unit.size() == 1 && !std::isalpha(static_cast<unsigned char>(unit[0])))) {
        throw not_a_size();
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
    if (n > std::numeric_limits<std::uint64_t>::max() / scale)
        throw CLI::ValidationError("size", "'" + text + "' is too large");
    return n * scale;
}

CLI::Validator whole_number(std::uint64_t min, std::uint64_t max) {
    const std::string range =
        "a whole number from " + with_separators(min) + " to " + with_separators(max);
    return CLI::Validator(
        [min, max, range](std::string& value) -> std::string {
            const bool digits = !value.empty() && value.size() <= 20 &&
                                value.find_first_not_of("0123456789") == std::string::npos;
            if (digits) {
                try {
                    const unsigned long long n = std::stoull(value);
                    if (n >= min && n <= max)
                        return {};
                } catch (const std::exception&) {
                }
            }
            return "'" + value + "' is not " + range;
        },
        "", "number");
}

CLI::Validator real_number(double min, double max) {
    std::ostringstream range;
    range << "a number from " << min << " to " << max;
    return CLI::Validator(
        [min, max, text = range.str()](std::string& value) -> std::string {
            char* end = nullptr;
            errno = 0;
            const double x = value.empty() ? 0 : std::strtod(value.c_str(), &end);
            const bool number = !value.empty() && end == value.c_str() + value.size() &&
                                errno == 0 && std::isfinite(x) &&
                                !std::isspace(static_cast<unsigned char>(value[0]));
            if (number && x >= min && x <= max)
                return {};
            return "'" + value + "' is not " + text;
        },
        "", "number");
}

CLI::Validator size_value() {
    return CLI::Validator(
        [](std::string& value) -> std::string {
            try {
                parse_size(value);
                return {};
            } catch (const CLI::ValidationError& e) {
                // CLI11 prefixes its own "size: ": the message alone.
                std::string what = e.what();
                return what.starts_with("size: ") ? what.substr(6) : what;
            }
        },
        "", "size");
}

namespace {

/// `text` wrapped to `width` columns, each line after the first indented by `indent` spaces
/// (the first is `first` columns in already). Words longer than a line stay whole.
std::string wrap(const std::string& text, std::size_t first, std::size_t indent,
                 std::size_t width) {
    std::string out;
    std::size_t column = first;
    std::size_t start = 0;
    bool line_start = true;
    while (start < text.size()) {
        if (text[start] == '\n') {
            out += "\n" + std::string(indent, ' ');
            column = indent;
            line_start = true;
            ++start;
            continue;
        }
        if (text[start] == ' ') {
            ++start;
            continue;
        }
        std::size_t end = text.find_first_of(" \n", start);
        if (end == std::string::npos)
            end = text.size();
        const std::size_t length = end - start;
        if (!line_start && column + 1 + length > width) {
            out += "\n" + std::string(indent, ' ');
            column = indent;
            line_start = true;
        }
        if (!line_start) {
            out += ' ';
            ++column;
        }
        out.append(text, start, length);
        column += length;
        line_start = false;
        start = end;
    }
    return out;
}

constexpr std::size_t kHelpWidth = 80;
constexpr std::size_t kHelpColumn = 28;  ///< where descriptions start

class HelpFormatter : public CLI::Formatter {
  public:
    /// -h: one line an option, descriptions cut to fit, no footer.
    void set_brief(bool brief) { brief_ = brief; }

    std::string make_group(std::string group, bool is_positional,
                           std::vector<const CLI::Option*> opts) const override {
        std::string out = "\n" + group + ":\n";
        for (const CLI::Option* opt : opts)
            out += make_option(opt, is_positional);
        return out;
    }

    /// The groups in the order of their first option, one blank line between them.
    std::string groups(const CLI::App* app, CLI::AppFormatMode mode) const {
        std::string out;
        for (const std::string& group : app->get_groups()) {
            auto opts = app->get_options([&](const CLI::Option* opt) {
                return opt->get_group() == group && opt->nonpositional() &&
                       (mode != CLI::AppFormatMode::Sub || opt != app->get_help_ptr());
            });
            if (!group.empty() && !opts.empty())
                out += make_group(group, false, opts);
        }
        return out;
    }

    std::string make_help(const CLI::App* app, std::string name,
                          CLI::AppFormatMode mode) const override {
        if (mode == CLI::AppFormatMode::Sub)
            return make_expanded(app);
        return make_description(app) + make_usage(app, name) + make_positionals(app) +
               groups(app, mode) + make_subcommands(app, mode) + "\n" +
               (brief_ ? std::string("Use --help for the options' full descriptions.\n")
                       : make_footer(app));
    }

    std::string make_positionals(const CLI::App* app) const override {
        auto opts = app->get_options([](const CLI::Option* opt) {
            return !opt->get_group().empty() && opt->get_positional();
        });
        return opts.empty() ? std::string() : make_group("Arguments", true, opts);
    }

    /// "-m, --limit", as ripgrep and grep write them.
    std::string make_option_name(const CLI::Option* opt, bool is_positional) const override {
        if (is_positional)
            return opt->get_name(true, false);
        std::string out;
        for (const auto& name : opt->get_snames())
            out += (out.empty() ? "-" : ", -") + name;
        for (const auto& name : opt->get_lnames())
            out += (out.empty() ? "--" : ", --") + name;
        return out;
    }

    std::string make_option(const CLI::Option* opt, bool is_positional) const override {
        std::string name = "  " + make_option_name(opt, is_positional) + make_option_opts(opt);
        const std::string description = make_option_desc(opt);
        if (description.empty())
            return name + "\n";
        if (brief_) {  // one line: what fits of the description, "…" where more was cut
            name.resize(std::max(name.size() + 2, kHelpColumn), ' ');
            const std::string lines = wrap(description, name.size(), 0, kHelpWidth - 2);
            const std::size_t end = lines.find('\n');
            return name + lines.substr(0, end) + (end == std::string::npos ? "" : " …") + "\n";
        }
        if (name.size() + 2 > kHelpColumn)
            name += "\n" + std::string(kHelpColumn, ' ');
        else
            name.resize(kHelpColumn, ' ');
        return name + wrap(description, kHelpColumn, kHelpColumn, kHelpWidth) + "\n";
    }

    /// The value's name and default, without CLI11's Excludes/Needs lists (the descriptions
    /// say what goes with what).
    std::string make_option_opts(const CLI::Option* opt) const override {
        if (!opt->get_option_text().empty())
            return " " + opt->get_option_text();
        if (opt->get_type_size() == 0)
            return {};
        std::string out;
        if (!opt->get_type_name().empty())
            out += " " + opt->get_type_name();
        if (!opt->get_default_str().empty())
            out += "=" + opt->get_default_str();
        return out;
    }

    std::string make_description(const CLI::App* app) const override {
        const std::string text = app->get_description();
        return text.empty() ? std::string() : wrap(text, 0, 0, kHelpWidth) + "\n\n";
    }

    std::string make_footer(const CLI::App* app) const override {
        const std::string text = app->get_footer();
        return text.empty() ? std::string() : wrap(text, 0, 0, kHelpWidth) + "\n";
    }

    /// An option group (Ranking, ...): a group like the others, its description under its name.
    std::string make_expanded(const CLI::App* sub) const override {
        std::string out = "\n" + sub->get_group() + ":\n";
        if (!brief_ && !sub->get_description().empty())
            out += "  " + wrap(sub->get_description(), 2, 2, kHelpWidth) + "\n";
        for (const CLI::Option* opt : sub->get_options()) {
            if (opt != sub->get_help_ptr() && opt != sub->get_help_all_ptr())
                out += make_option(opt, false);
        }
        return out;
    }

  private:
    bool brief_ = false;
};

}  // namespace

void use_help_layout(CLI::App& app) {
    app.formatter(std::make_shared<HelpFormatter>());
    app.set_help_flag();
}

void add_help_flags(CLI::App& app) {
    auto formatter = std::dynamic_pointer_cast<HelpFormatter>(app.get_formatter());
    app.add_flag_callback(
           "-h",
           [formatter] {
               if (formatter != nullptr)
                   formatter->set_brief(true);
               throw CLI::CallForHelp();
           },
           "Print a short help, one line an option, and exit")
        ->group("Other");
    app.set_help_flag("--help", "Print this help and exit")->group("Other");
}

CommandLine command_line(const std::string& program, int argc, char** argv) {
    CommandLine line;
    bool no_config = false;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        no_config = no_config || arg == "--no-config";
        if (arg == "--")
            break;
    }
    const char* path = std::getenv("FOLIO_CONFIG_PATH");
    if (!no_config && path != nullptr && *path != '\0') {
        line.config_path = path;
        std::ifstream in(path);
        if (!in) {
            throw UsageError(std::string("FOLIO_CONFIG_PATH: cannot read ") + path + ": " +
                             std::strerror(errno));
        }
        std::string text;
        bool mine = true;
        for (std::size_t number = 1; std::getline(in, text); ++number) {
            const std::size_t begin = text.find_first_not_of(" \t\r");
            if (begin == std::string::npos || text[begin] == '#')
                continue;
            text = text.substr(begin, text.find_last_not_of(" \t\r") + 1 - begin);
            if (text.front() == '[' && text.back() == ']') {
                const std::string section = text.substr(1, text.size() - 2);
                if (section != "folio-indexer" && section != "folio-searcher") {
                    throw UsageError(std::string("FOLIO_CONFIG_PATH: ") + path + ":" +
                                     std::to_string(number) + ": unknown section '" + text +
                                     "' (the sections are [folio-indexer] and [folio-searcher])");
                }
                mine = section == program;
                continue;
            }
            if (mine)
                line.args.push_back(text);
        }
        if (in.bad()) {
            throw UsageError(std::string("FOLIO_CONFIG_PATH: cannot read ") + path + ": " +
                             std::strerror(errno));
        }
        line.config_count = line.args.size();
    }
    for (int i = 1; i < argc; ++i)
        line.args.emplace_back(argv[i]);
    return line;
}

void add_no_config_flag(CLI::App& app) {
    app.add_flag_callback(
           "--no-config", [] {}, "Leave out the default flags of the file $FOLIO_CONFIG_PATH names")
        ->group("Other");
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

int report_error(const std::string& program, const std::string& message) {
    std::cerr << program << ": error: " << terminal_text(message) << "\n";
    return kFailure;
}

int run(const std::string& program, CLI::App& app, const CommandLine& line,
        const std::function<int()>& body) {
    terminating_program = program;
    if (default_terminate == nullptr)
        default_terminate = std::set_terminate(report_uncaught);
    try {
        std::vector<std::string> reversed(line.args.rbegin(), line.args.rend());
        app.parse(reversed);  // CLI11 takes the arguments last first
    } catch (const CLI::Success& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::cerr << program << ": error: " << terminal_text(e.what()) << "\n";
        if (line.config_count > 0) {
            std::string flags;
            for (std::size_t i = 0; i < line.config_count; ++i)
                flags += " " + line.args[i];
            std::cerr << "The arguments began with the flags of FOLIO_CONFIG_PATH ("
                      << terminal_text(line.config_path) << "):" << terminal_text(flags)
                      << "; --no-config leaves them out.\n";
        }
        std::cerr << "Run with --help for more information.\n";
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
