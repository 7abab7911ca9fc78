// SPDX-License-Identifier: GPL-2.0-or-later
// folio-searcher: searches a Folio database and prints the hits with highlighted passages.
// A thin layer over folio::Searcher and the renderers.
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <map>

#include "cli.hpp"
#include "folio/error.hpp"
#include "folio/facets.hpp"
#include "folio/paths.hpp"
#include "folio/recency.hpp"
#include "folio/render.hpp"
#include "folio/search.hpp"
#include "folio/similar.hpp"
#include "folio/stats.hpp"
#include "folio/terminal.hpp"

namespace {

/// The installed command's name, which starts its messages.
constexpr const char* kProgram = "folio-searcher";
/// The most hits --limit and --offset may name: Xapian counts documents in 32 bits.
constexpr std::uint64_t kMaxHits = 4294967295u;

enum class Output { text, json, jsonl, files, count, quiet };

struct Flags {
    std::vector<std::string> words;
    std::vector<std::string> dbs;
    folio::SearchRequest request;
    std::string default_op = "or";
    std::string sort = "relevance";
    std::string color = "auto";
    std::vector<std::string> highlight;
    bool json = false, jsonl = false, files = false, count = false, quiet = false, batch = false;
    bool null = false;
    std::vector<std::string> facets;
    std::vector<std::string> like_files;
    std::string boost_recent;
    bool stats = false;
    std::string show;  // --show ID
    folio::OpenOptions open;
};

/// Prints the searcher's new warnings (shards left out, a deadline passed, older word rules) on
/// standard error.
void print_warnings(const folio::Searcher& searcher, std::size_t& printed) {
    for (; printed < searcher.warnings().size(); ++printed) {
        std::cerr << kProgram << ": warning: " << folio::terminal_text(searcher.warnings()[printed])
                  << "\n";
    }
}

/// The power-feature flags that need a library call to bind: facets, --like-file, recency.
void bind_power_flags(Flags& flags) {
    folio::SearchRequest& request = flags.request;
    for (const auto& list : flags.facets) {
        std::size_t start = 0;
        while (start <= list.size()) {
            std::size_t comma = std::min(list.find(',', start), list.size());
            request.facets.push_back(folio::parse_facet(list.substr(start, comma - start)));
            start = comma + 1;
        }
    }
    for (const auto& path : flags.like_files) {
        for (auto& article : folio::read_like_file(path))
            request.like_articles.push_back(std::move(article));
    }
    if (!flags.boost_recent.empty())
        request.boost_half_life = folio::parse_half_life(flags.boost_recent);
}

bool use_color(const std::string& mode) {
    if (mode == "always")
        return true;
    if (mode == "never")
        return false;
    const char* no_color = std::getenv("NO_COLOR");
    const char* term = std::getenv("TERM");
    return ::isatty(STDOUT_FILENO) != 0 && (no_color == nullptr || *no_color == '\0') &&
           !(term != nullptr && std::string(term) == "dumb");
}

std::string join(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& w : words)
        out += (out.empty() ? "" : " ") + w;
    return out;
}

/// Prints a malformed query with a caret under the fault.
void report_query_error(const folio::QueryError& e) {
    // A long query is shown around the fault, not whole: a few dozen characters either side;
    // controls and bidirectional marks made visible, the caret counted on what is shown.
    const std::string& query = e.query();
    const std::size_t column = std::min(e.column(), query.size());
    auto is_continuation = [&](std::size_t i) {
        return i < query.size() && (static_cast<unsigned char>(query[i]) & 0xC0) == 0x80;
    };
    std::size_t begin = column > 30 ? column - 30 : 0;
    std::size_t end = std::min(query.size(), column + 40);
    while (begin > 0 && is_continuation(begin))
        --begin;
    while (end < query.size() && is_continuation(end))
        ++end;
    const std::string before = begin > 0 ? "…" : "";
    const std::string shown = before + folio::terminal_text(query.substr(begin, end - begin)) +
                              (end < query.size() ? "…" : "");
    const std::string prefix = before + folio::terminal_text(query.substr(begin, column - begin));
    std::size_t caret = 0;  // characters before the fault, as displayed
    for (unsigned char c : prefix)
        caret += (c & 0xC0) == 0x80 ? 0 : 1;
    std::cerr << kProgram << ": error: " << folio::terminal_text(e.reason()) << "\n  " << shown
              << "\n  " << std::string(caret, ' ') << "^\n";
}

int run_batch(folio::Searcher& searcher, folio::SearchRequest request, std::size_t& printed) {
    bool any_hits = false, any_error = false;
    std::string line;
    while (std::getline(std::cin, line)) {
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        request.query = line;
        if (line.find_first_not_of(" \t") == std::string::npos) {
            // Every line gets one answer, so that a program waiting for it does not hang.
            any_error = true;
            std::cout << folio::error_json(line, "empty query", -1) << "\n";
            continue;
        }
        try {
            folio::SearchResult result = searcher.search(request);
            print_warnings(searcher, printed);
            any_hits = any_hits || result.matched();
            std::cout << folio::result_json(result, false) << "\n";
        } catch (const folio::QueryError& e) {
            any_error = true;
            std::cout << folio::error_json(line, e.reason(), static_cast<long>(e.column())) << "\n";
        } catch (const folio::DatabaseError& e) {
            // A search that failed (a remote shard past the deadline, or lost): this line's
            // answer says so, and the next line is tried.
            any_error = true;
            print_warnings(searcher, printed);
            std::cerr << kProgram << ": error: " << folio::terminal_text(line) << ": "
                      << folio::terminal_text(e.what()) << "\n";
            std::cout << folio::error_json(line, e.what(), -1) << "\n";
        }
    }
    std::cout.flush();
    if (any_error)
        return folio::cli::kFailure;
    return any_hits ? folio::cli::kOk : folio::cli::kPartial;
}

int run(Flags& flags) {
    if (flags.dbs.empty())
        flags.dbs.push_back(folio::database_path_from_environment());
    folio::SearchRequest& request = flags.request;
    request.default_and = flags.default_op == "and";
    static const std::map<std::string, folio::SortOrder> sorts{
        {"relevance", folio::SortOrder::relevance},
        {"date", folio::SortOrder::date},
        {"-date", folio::SortOrder::date_descending}};
    request.sort = sorts.at(flags.sort);

    bind_power_flags(flags);

    folio::Searcher searcher(flags.dbs, flags.open);
    std::size_t printed = 0;
    print_warnings(searcher, printed);
    if (flags.stats) {
        folio::DatabaseStats stats = folio::database_stats(searcher.database(), searcher.paths());
        if (flags.json)
            std::cout << folio::stats_json(stats, true) << "\n";
        else
            folio::write_stats(std::cout, stats);
        return folio::cli::kOk;
    }
    if (flags.batch)
        return run_batch(searcher, request, printed);
    if (!flags.show.empty()) {
        std::vector<folio::Article> articles = searcher.articles(flags.show);
        if (articles.empty()) {
            std::cerr << kProgram << ": error: no article with id "
                      << folio::terminal_text(flags.show) << ", and no indexed file at that path\n";
            return folio::cli::kPartial;
        }
        if (flags.json)
            std::cout << folio::articles_json(articles, true) << "\n";
        else
            folio::write_articles(std::cout, articles);
        return folio::cli::kOk;
    }

    request.query = join(flags.words);
    bool like = !request.like_ids.empty() || !request.like_articles.empty();
    // A query of spaces alone is none, as an empty line is in --batch (not "no matches").
    const bool blank = request.query.find_first_not_of(" \t\n\r\f\v") == std::string::npos;
    if (blank && request.filters.empty() && !like) {
        throw folio::UsageError("no query (see --help)");
    }
    Output output = flags.quiet   ? Output::quiet
                    : flags.count ? Output::count
                    : flags.files ? Output::files
                    : flags.jsonl ? Output::jsonl
                    : flags.json  ? Output::json
                                  : Output::text;
    if (output == Output::count || output == Output::quiet) {
        request.limit = output == Output::quiet ? 1 : 0;
        request.passages = 0;
        request.exact_count = output == Output::count;
    }
    if (output == Output::files)
        request.passages = 0;
    if (output != Output::text && output != Output::json)
        request.suggest = false;  // nowhere to show it (--correct still looks)

    folio::SearchResult result;
    try {
        result = searcher.search(request);
        print_warnings(searcher, printed);
    } catch (const folio::QueryError& e) {
        report_query_error(e);
        if (output == Output::json || output == Output::jsonl)
            std::cout << folio::error_json(e.query(), e.reason(), static_cast<long>(e.column()))
                      << "\n";
        return folio::cli::kFailure;
    }
    if (result.time_limited && output != Output::quiet) {
        std::cerr << kProgram << ": warning: the time limit (--time-limit " << request.time_limit
                  << ") ran out: the hits are the best found by then and the count is an "
                     "estimate\n";
    }

    switch (output) {
        case Output::quiet:
            break;
        case Output::count:
            std::cout << result.estimated << "\n";
            break;
        case Output::files:
            // One line per hit, made terminal-safe (a newline in a name cannot split it); with
            // --null the exact bytes, each ended by a NUL, for xargs -0.
            for (const auto& hit : result.hits) {
                if (flags.null) {
                    std::cout << folio::hit_location(hit) << '\0';
                } else {
                    std::cout << folio::terminal_text(folio::hit_location(hit)) << "\n";
                }
            }
            break;
        case Output::jsonl:
            for (const auto& hit : result.hits)
                std::cout << folio::hit_json(hit) << "\n";
            break;
        case Output::json:
            std::cout << folio::result_json(result, true) << "\n";
            break;
        case Output::text: {
            folio::TextStyle style;
            style.color = use_color(flags.color);
            if (flags.highlight.size() == 2) {
                style.open = flags.highlight[0];
                style.close = flags.highlight[1];
            }
            folio::write_text(std::cout, result, style);
            break;
        }
    }
    return result.matched() ? folio::cli::kOk : folio::cli::kPartial;
}

/// True when some argument could name an option of the option groups (or be --help): an
/// argument starting with '-' that is not exactly the name of an option already added
/// ("--name=value" included). Anything else (a query word like -war, a value like "->", -n5)
/// says yes, so that the full command line parses it exactly as it always did.
bool needs_option_groups(const CLI::App& app, const std::vector<std::string>& args) {
    for (std::string arg : args) {
        if (arg.empty() || arg[0] != '-')
            continue;
        if (arg == "-h")
            return true;  // the short help lists them too
        if (arg.starts_with("--"))
            arg = arg.substr(0, arg.find('='));
        const CLI::Option* option = app.get_option_no_throw(arg);
        if (option == nullptr || option == app.get_help_ptr() || option == app.get_help_all_ptr())
            return true;
    }
    return false;
}

/// The first argument before "--" that starts with '-' but is not an option of `app` (nor a
/// value attached to one: -m5, -f'tag:x', several flags at once: -lq), such as a query word
/// -mars that CLI11 would read as -m ars; "" when there is none.
std::string dash_word(const CLI::App& app, const std::vector<std::string>& args) {
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg == "--")
            return "";
        if (arg.size() < 2 || arg[0] != '-')
            continue;
        if (arg[1] == '-') {
            if (arg.find('=') != std::string::npos)
                continue;
            const CLI::Option* option = app.get_option_no_throw(arg);
            if (option != nullptr && option->get_items_expected_max() > 0)
                i += static_cast<std::size_t>(
                    std::max(option->get_items_expected_min(), 1));  // skip its values
            continue;
        }
        const CLI::Option* option = app.get_option_no_throw(arg.substr(0, 2));
        if (option == nullptr)
            return arg;
        const std::string rest = arg.substr(2);
        if (option->get_items_expected_max() > 0) {
            if (rest.empty()) {
                ++i;  // its value
            } else if (arg[1] == 'm' ? rest.find_first_not_of("0123456789") != std::string::npos
                                     : rest.find(':') == std::string::npos) {
                return arg;  // -mars, -foreign: a word, not a value
            }
            continue;
        }
        for (char c : rest) {  // -lq: flags only
            const CLI::Option* flag = app.get_option_no_throw(std::string("-") + c);
            if (flag == nullptr || flag->get_items_expected_max() > 0)
                return arg;
        }
    }
    return "";
}

}  // namespace

int main(int argc, char** argv) {
    folio::cli::use_huge_page_heap();
    CLI::App app{
        "Search a Folio database: words, \"exact phrases\", AND/OR/NOT, +/-word, "
        "NEAR/n, ADJ/n, wildcards (milit*), fields (title: author: tag: source: lang:), "
        "date:FROM..TO and year:FROM..TO.",
        kProgram};
    Flags flags;
    auto& request = flags.request;
    folio::cli::use_help_layout(app);
    app.add_option("query", flags.words, "The query (several arguments are joined by spaces)");

    const std::string query = "Query", output = "Output", modes = "Output modes";
    folio::cli::add_db_option(app, flags.dbs)->group(query);
    app.add_option("--default-op", flags.default_op, "How words without an operator combine")
        ->check(CLI::IsMember({"and", "or"}, CLI::ignore_case))
        ->capture_default_str()
        ->group(query);
    app.add_option("-f,--filter", request.filters,
                   "Restrict to matches of this query without changing the ranking "
                   "(repeatable), e.g. --filter 'tag:whig'")
        ->allow_extra_args(false)
        ->group(query);
    app.add_option("--sort", flags.sort, "Order of hits: relevance, date (oldest first), -date")
        ->check(CLI::IsMember({"relevance", "date", "-date"}))
        ->capture_default_str()
        ->group(query);
    app.add_option("-m,--limit", request.limit, "Hits to show (grep's -m)")
        ->check(folio::cli::whole_number(0, kMaxHits))
        ->capture_default_str()
        ->group(query);
    app.add_option("--offset", request.offset, "Hits to skip (paging)")
        ->check(folio::cli::whole_number(0, kMaxHits))
        ->capture_default_str()
        ->group(query);
    app.add_option("--time-limit", request.time_limit,
                   "Seconds the match may take (0: no limit); then the hits found so far")
        ->check(folio::cli::real_number(0, 86400))
        ->capture_default_str()
        ->group(query);
    app.add_option("--wildcard-limit", request.wildcard_limit,
                   "Most words a wildcard may match (milit*); one that matches more is refused")
        ->check(folio::cli::whole_number(1, 65536))
        ->capture_default_str()
        ->group(query);

    app.add_option("--passages", request.passages, "Passages per hit (0 for none)")
        ->check(folio::cli::whole_number(0, 1000))
        ->capture_default_str()
        ->group(output);
    app.add_option("--passage-length", request.passage_length, "Bytes per passage, roughly")
        ->check(folio::cli::whole_number(20, 100000))
        ->capture_default_str()
        ->group(output);
    app.add_option("--color,--colour", flags.color,
                   "Colour: auto (a terminal, unless NO_COLOR is set), always, never")
        ->check(CLI::IsMember({"auto", "always", "never"}))
        ->capture_default_str()
        ->group(output);
    app.add_option("--highlight", flags.highlight,
                   "Markers around matched words when not in colour (default ** **)")
        ->expected(2)
        ->allow_extra_args(false)
        ->group(output);
    auto* json =
        app.add_flag("--json", flags.json, "One JSON document with all hits")->group(modes);
    auto* jsonl =
        app.add_flag("--jsonl", flags.jsonl, "One JSON object per hit, one per line")->group(modes);
    auto* files =
        app.add_flag("-l,--files", flags.files, "Only the path (or url, or id) of each hit")
            ->group(modes);
    app.add_flag("-0,--null", flags.null,
                 "With --files: end each name with a NUL byte instead of a newline, and print "
                 "it exactly as it is (for xargs -0)")
        ->needs(files)
        ->group(modes);
    auto* count =
        app.add_flag("-c,--count", flags.count, "Only the number of matches")->group(modes);
    auto* quiet = app.add_flag("-q,--quiet", flags.quiet, "Print nothing; the exit status says")
                      ->group(modes);
    auto* batch = app.add_flag("--batch", flags.batch,
                               "Read one query per line from standard input; answer each with "
                               "a JSON line")
                      ->group(modes);
    for (auto* a : {json, jsonl, files, count, quiet, batch}) {
        for (auto* b : {json, jsonl, files, count, quiet, batch}) {
            if (a != b)
                a->excludes(b);
        }
    }
    folio::cli::add_no_config_flag(app);
    folio::cli::add_version_flag(app, kProgram);
    folio::cli::add_help_flags(app);

    folio::cli::CommandLine line;
    try {
        line = folio::cli::command_line(kProgram, argc, argv);
    } catch (const folio::Error& e) {
        return folio::cli::report_error(kProgram, e.what());
    }
    // The option groups cost more to build than a one-word search's match: left out when no
    // argument could name one of them (see needs_option_groups).
    if (needs_option_groups(app, line.args)) {
        auto* ranking = app.add_option_group("Ranking", "BM25 parameters and query expansion");
        ranking->add_option("--k1", request.ranking.k1, "BM25 k1 (term frequency saturation)")
            ->check(folio::cli::real_number(0.0, 10.0))
            ->capture_default_str();
        ranking->add_option("--b", request.ranking.b, "BM25 b (document length normalisation)")
            ->check(folio::cli::real_number(0.0, 1.0))
            ->capture_default_str();
        ranking
            ->add_option("--expand", request.ranking.expand,
                         "Pseudo-relevance feedback: add this many terms from the top hits")
            ->check(folio::cli::whole_number(0, 1000))
            ->capture_default_str();
        ranking
            ->add_option("--feedback-threshold", request.ranking.feedback_threshold,
                         "Apply feedback only when the top hits hold at least this many "
                         "distinct words each (0: always)")
            ->check(folio::cli::real_number(0.0, 1e6))
            ->capture_default_str();
        ranking
            ->add_option(
                "--proximity", request.ranking.proximity_window,
                "Reward consecutive query words found within N words of each other (0: off)")
            ->check(folio::cli::whole_number(0, 1000))
            ->capture_default_str();
        ranking
            ->add_option("--proximity-weight", request.ranking.proximity_weight,
                         "Weight of the proximity reward relative to the words' own weight")
            ->check(folio::cli::real_number(0.0, 100.0))
            ->capture_default_str();
        auto* power = app.add_option_group("Power features",
                                           "Facets, spelling, synonyms, similar articles, explain, "
                                           "duplicates, statistics, recency");
        power
            ->add_option("--facet", flags.facets,
                         "Count the top values of author, tag, source, year or lang over all "
                         "matches: FIELD or FIELD:N (10 by default); repeatable or comma-separated")
            ->allow_extra_args(false);
        power->add_flag("--correct", request.correct,
                        "Run the spelling-corrected query (\"Did you mean\") instead of the query");
        power->add_flag("--expand-synonyms", request.expand_synonyms,
                        "Expand every word by the database's synonyms (~word expands one word)");
        power->add_option("--like", request.like_ids, "Find articles like the article with this id")
            ->allow_extra_args(false);
        power
            ->add_option("--like-file", flags.like_files, "Find articles like this file's articles")
            ->allow_extra_args(false);
        power->add_option("--like-terms", request.like_terms, "Words --like searches for")
            ->check(folio::cli::whole_number(1, 1000))
            ->capture_default_str();
        power->add_flag("--explain", request.explain,
                        "Show the parsed query and why each hit scored what it did");
        power
            ->add_option("--collapse", request.collapse,
                         "Keep one hit per value of title, source, author, tag, lang or date")
            ->check(CLI::IsMember({"title", "source", "author", "tag", "lang", "date"}));
        power->add_option("--boost-recent", flags.boost_recent,
                          "Blend recency into the score: HALF_LIFE in days, or Nd, Nw, Nm, Ny");
        power->add_option("--reference-date", request.boost_reference,
                          "The day --boost-recent counts ages to, YYYYMMDD (default: today)");
        auto* stats = power->add_flag("--stats", flags.stats,
                                      "Print database statistics (with --json: as JSON) and exit");
        for (auto* other : {jsonl, files, count, quiet, batch})
            stats->excludes(other);
        auto* show = power->add_option(
            "--show", flags.show,
            "Print the stored article with this id (or the articles of this file) and exit");
        for (auto* other : {jsonl, files, count, quiet, batch, stats})
            show->excludes(other);
        auto* shards = app.add_option_group("Shards", "Sharded indexes and remote shard servers");
        shards->add_flag("--allow-partial", flags.open.allow_partial,
                         "When shards cannot be reached or fail, search the others and warn on "
                         "standard error instead of failing");
        shards
            ->add_option(
                "--remote-timeout", flags.open.remote_timeout_ms,
                "Milliseconds a remote shard (tcp://HOST:PORT, or a stub's remote line) may "
                "take to connect and to answer")
            ->check(folio::cli::whole_number(1, 3600000))
            ->capture_default_str();
    }
    app.footer(
        "Exit status: 0 hits found, 1 no hits, 2 error (bad query, arguments or database). "
        "With --batch: 2 if any query was malformed or failed, else 0 if any query had hits, "
        "else 1.");

    if (std::string word = dash_word(app, line.args); !word.empty()) {
        std::cerr << kProgram << ": error: '" << word
                  << "' is not an option: a query that starts with '-' goes after '--' ("
                  << kProgram << " -- " << word
                  << "), a value that starts with '-' after '=' (--filter=" << word << ")\n";
        return folio::cli::kFailure;
    }
    return folio::cli::run(kProgram, app, line, [&] { return run(flags); });
}
