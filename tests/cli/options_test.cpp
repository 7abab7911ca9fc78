// SPDX-License-Identifier: GPL-2.0-or-later
// The two programs' command lines as a user meets them: numbers an option cannot take refused,
// short options that mean the same in both, --help in 80 columns and in groups, and the default
// flags of $FOLIO_CONFIG_PATH.
#include <algorithm>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <fstream>
#include <map>
#include <sstream>

#include "../unit/temp_dir.hpp"
#include "process.hpp"

namespace fs = std::filesystem;
namespace data = boost::unit_test::data;
using folio::test::contains;
using folio::test::lines;
using folio::test::run_program;
using folio::test::RunResult;
using folio::test::TempDir;

namespace {

const std::string kGood = std::string(FOLIO_TEST_DATA) + "/e2e/good";

/// No configuration file, whatever the environment of the test run.
const std::map<std::string, std::string> kNoConfig{{"FOLIO_CONFIG_PATH", ""}};

/// An index of tests/data/e2e/good, built once.
const std::string& good_db() {
    static TempDir dir;
    static const std::string db = [] {
        const std::string path = dir / "db";
        RunResult r = run_program(FOLIO_INDEXER, {"--quiet", "--db", path, kGood}, {}, kNoConfig);
        if (r.status != 0)
            throw std::runtime_error("indexing the test data failed: " + r.err);
        return path;
    }();
    return db;
}

/// short option -> long option, as `PROGRAM --help` lists them ("  -m, --limit NUM ...").
std::map<char, std::string> short_options(const std::string& program) {
    std::map<char, std::string> out;
    for (const auto& line : lines(run_program(program, {"--help"}, {}, kNoConfig).out)) {
        if (line.size() > 8 && line.starts_with("  -") && line[3] != '-' && line[4] == ',') {
            const std::size_t end = line.find_first_of(" =", 6);
            out[line[3]] = line.substr(6, end - 6);
        }
    }
    return out;
}

struct BadNumber {
    const char* program;  ///< FOLIO_INDEXER or FOLIO_SEARCHER
    std::vector<std::string> args;
    std::string message;  ///< part of what standard error says
};

std::ostream& operator<<(std::ostream& out, const BadNumber& b) {
    for (const auto& a : b.args)
        out << a << ' ';
    return out;
}

const std::vector<BadNumber> kBadNumbers{
    {FOLIO_SEARCHER, {"--limit", "-3", "nato"}, "--limit: '-3' is not a whole number from 0 to"},
    {FOLIO_SEARCHER, {"--limit=-3", "nato"}, "'-3' is not a whole number"},
    {FOLIO_SEARCHER, {"-m", "2.5", "nato"}, "'2.5' is not a whole number"},
    {FOLIO_SEARCHER, {"--offset", "-1", "nato"}, "--offset: '-1' is not a whole number"},
    {FOLIO_SEARCHER, {"--offset=99999999999", "nato"}, "'99999999999' is not a whole number"},
    {FOLIO_SEARCHER, {"--passages", "-1", "nato"}, "'-1' is not a whole number from 0 to 1,000"},
    {FOLIO_SEARCHER, {"--passage-length", "5", "nato"}, "from 20 to 100,000"},
    {FOLIO_SEARCHER, {"--time-limit", "-1", "nato"}, "'-1' is not a number from 0 to"},
    {FOLIO_SEARCHER, {"--time-limit", "nan", "nato"}, "'nan' is not a number"},
    {FOLIO_SEARCHER, {"--k1", "inf", "nato"}, "'inf' is not a number from 0 to 10"},
    {FOLIO_SEARCHER, {"--b", "1.5", "nato"}, "'1.5' is not a number from 0 to 1"},
    {FOLIO_SEARCHER, {"--expand", "-2", "nato"}, "'-2' is not a whole number"},
    {FOLIO_SEARCHER, {"--proximity", "x", "nato"}, "'x' is not a whole number"},
    {FOLIO_SEARCHER, {"--proximity-weight", "-1", "nato"}, "'-1' is not a number"},
    {FOLIO_SEARCHER, {"--like-terms", "0", "nato"}, "from 1 to 1,000"},
    {FOLIO_SEARCHER, {"--remote-timeout", "-5", "nato"}, "'-5' is not a whole number"},
    {FOLIO_INDEXER, {"--jobs", "-1", "x"}, "--jobs: '-1' is not a whole number from 0 to 1,024"},
    {FOLIO_INDEXER, {"-j", "1.5", "x"}, "'1.5' is not a whole number"},
    {FOLIO_INDEXER, {"--shards", "0", "x"}, "'0' is not a whole number from 1 to"},
    {FOLIO_INDEXER, {"--memory", "-1M", "x"}, "--memory: '-1M' is not a size"},
    {FOLIO_INDEXER, {"--max-file-size", "99999999999G", "x"}, "'99999999999G' is too large"},
    {FOLIO_INDEXER, {"--max-file-size", " 5M", "x"}, "' 5M' is not a size"},
};

}  // namespace

BOOST_AUTO_TEST_SUITE(options)

// Every numeric option refuses what it cannot mean (was: --limit -3 gave hits, --offset -1
// printed 18446744073709551615) with a message naming the value and the range, and exit 2,
// before anything is opened.
BOOST_DATA_TEST_CASE(numbers_out_of_range_are_refused, data::make(kBadNumbers), bad) {
    std::vector<std::string> args = bad.args;
    if (std::string(bad.program) == FOLIO_SEARCHER)
        args.insert(args.begin(), {"--db", good_db()});
    RunResult r = run_program(bad.program, args, {}, kNoConfig);
    BOOST_TEST(r.status == 2);
    BOOST_TEST(contains(r.err, bad.message), r.err);
    BOOST_TEST(contains(r.err, ": error: "), r.err);
    BOOST_TEST(r.out.empty(), r.out);
}

// A query of spaces alone is no query, in every mode (it said "no matches", exit 1), as an
// empty line is an error in --batch.
BOOST_AUTO_TEST_CASE(a_blank_query_is_refused) {
    for (const std::vector<std::string>& extra :
         {std::vector<std::string>{}, {"--json"}, {"--count"}, {"--files"}}) {
        for (const std::string blank : {"", "   ", " \t "}) {
            std::vector<std::string> args = {"--db", good_db()};
            args.insert(args.end(), extra.begin(), extra.end());
            args.push_back(blank);
            RunResult r = run_program(FOLIO_SEARCHER, args, {}, kNoConfig);
            BOOST_TEST(r.status == 2, "[" << blank << "]");
            BOOST_TEST(contains(r.err, "error: no query"), r.err);
            BOOST_TEST(r.out.empty(), r.out);
        }
    }
    // An empty filter is refused, not read as one that nothing matches.
    for (const std::string blank : {"", "  "}) {
        RunResult r =
            run_program(FOLIO_SEARCHER, {"--db", good_db(), "-f", blank, "nato"}, {}, kNoConfig);
        BOOST_TEST(r.status == 2, "[" << blank << "]");
        BOOST_TEST(contains(r.err, "error: a filter without anything to search for"), r.err);
    }
    // With a filter, the filter is the query.
    RunResult r = run_program(FOLIO_SEARCHER, {"--db", good_db(), "--count", "-f", "nato", "  "},
                              {}, kNoConfig);
    BOOST_TEST(r.status == 0, r.err);
}

// The numbers at the ends of each range are taken.
BOOST_AUTO_TEST_CASE(numbers_in_range_are_taken) {
    RunResult r = run_program(FOLIO_SEARCHER,
                              {"--db", good_db(), "--limit", "0", "--offset", "4294967295",
                               "--passages", "0", "--time-limit", "0.5", "--k1", "0", "nato"},
                              {}, kNoConfig);
    BOOST_TEST(r.status == 0, r.err);
    r = run_program(FOLIO_SEARCHER, {"--db", good_db(), "-m1", "--passages=0", "nato OR harbour"},
                    {}, kNoConfig);
    BOOST_TEST(r.status == 0, r.err);
    BOOST_TEST(contains(r.out, "1-1 of "), r.out);
}

// A short option means the same in both programs; -m is the searcher's --limit (grep -m), -l
// its --files (grep -l); the indexer's --language has no letter, -n is only its --dry-run.
BOOST_AUTO_TEST_CASE(short_options_mean_the_same_in_both_programs) {
    const auto indexer = short_options(FOLIO_INDEXER);
    const auto searcher = short_options(FOLIO_SEARCHER);
    BOOST_TEST(indexer.size() >= 4u);
    BOOST_TEST(searcher.size() >= 6u);
    for (const auto& [letter, name] : indexer) {
        if (searcher.contains(letter))
            BOOST_TEST(searcher.at(letter) == name, "-" << letter);
    }
    BOOST_TEST(searcher.at('m') == "--limit");
    BOOST_TEST(searcher.at('l') == "--files");
    BOOST_TEST(searcher.at('c') == "--count");
    BOOST_TEST(searcher.at('q') == "--quiet");
    BOOST_TEST(searcher.at('0') == "--null");
    BOOST_TEST(indexer.at('j') == "--jobs");
    BOOST_TEST(indexer.at('n') == "--dry-run");
    BOOST_TEST(!indexer.contains('l'));
    BOOST_TEST(!searcher.contains('n'));
    RunResult r =
        run_program(FOLIO_SEARCHER, {"--db", good_db(), "-n", "3", "nato"}, {}, kNoConfig);
    BOOST_TEST(r.status == 2);
    BOOST_TEST(contains(r.err, "'-n' is not an option"), r.err);
}

// --help fits 80 columns and lists the options in named groups, as ripgrep's does; -h lists
// the same options in the same groups, one line each.
BOOST_AUTO_TEST_CASE(help_fits_80_columns_in_groups) {
    const std::map<std::string, std::vector<std::string>> groups{
        {FOLIO_INDEXER, {"Input:", "Database:", "Output:", "Other:"}},
        {FOLIO_SEARCHER,
         {"Query:", "Output:", "Output modes:", "Other:", "Ranking:", "Power features:",
          "Shards:"}}};
    for (const auto& [program, names] : groups) {
        RunResult help = run_program(program, {"--help"}, {}, kNoConfig);
        BOOST_TEST(help.status == 0);
        for (const auto& line : lines(help.out)) {
            std::size_t columns = 0;
            for (unsigned char c : line)
                columns += (c & 0xC0) == 0x80 ? 0 : 1;
            BOOST_TEST(columns <= 80u, program << ": " << line);
        }
        std::vector<std::string> headings;
        for (const auto& line : lines(help.out)) {
            if (!line.empty() && line.back() == ':' && line[0] != ' ')
                headings.push_back(line);
        }
        for (const auto& name : names) {
            const bool found = std::find(headings.begin(), headings.end(), name) != headings.end();
            BOOST_TEST(found, program << " lacks " << name);
        }
        RunResult brief = run_program(program, {"-h"}, {}, kNoConfig);
        BOOST_TEST(brief.status == 0);
        BOOST_TEST(brief.out.size() < help.out.size());
        std::vector<std::string> options, brief_options;
        for (const auto& line : lines(help.out)) {
            if (line.starts_with("  -"))
                options.push_back(line.substr(0, line.find(' ', 3)));
        }
        for (const auto& line : lines(brief.out)) {
            std::size_t columns = 0;
            for (unsigned char c : line)
                columns += (c & 0xC0) == 0x80 ? 0 : 1;
            BOOST_TEST(columns <= 80u, program << " -h: " << line);
            if (line.starts_with("  -"))
                brief_options.push_back(line.substr(0, line.find(' ', 3)));
            BOOST_TEST(!line.starts_with("      "), program << " -h: a line wrapped: " << line);
        }
        BOOST_TEST(options == brief_options, program);
    }
}

// $FOLIO_CONFIG_PATH: its flags come first, one a line, '#' comments and blank lines skipped,
// sections for one program; --no-config leaves them out.
BOOST_AUTO_TEST_CASE(config_file_gives_default_flags) {
    TempDir dir;
    const std::string config = dir / "flags";
    std::ofstream(config) << "# default flags\n"
                          << "\n"
                          << "  --db=" << good_db() << "  \n"
                          << "[folio-searcher]\n"
                          << "--limit\n"
                          << "1\n"
                          << "--passages=0\n"
                          << "[folio-indexer]\n"
                          << "--no-such-indexer-flag\n";
    const std::map<std::string, std::string> env{{"FOLIO_CONFIG_PATH", config}};
    RunResult r = run_program(FOLIO_SEARCHER, {"nato OR harbour"}, {}, env);
    BOOST_TEST(r.status == 0, r.err);
    BOOST_TEST(contains(r.out, "1-1 of "), r.out);
    // The command line comes after the file's flags.
    r = run_program(FOLIO_SEARCHER, {"--count", "nato"}, {}, env);
    BOOST_TEST(r.status == 0, r.err);
    // --no-config: the file is not read (no --db: the default database, which is not there).
    r = run_program(FOLIO_SEARCHER, {"--no-config", "--db", good_db(), "nato OR harbour"}, {}, env);
    BOOST_TEST(r.status == 0, r.err);
    BOOST_TEST(!contains(r.out, "1-1 of "), r.out);
    // The indexer's section holds a flag it does not have: the error names the file.
    r = run_program(FOLIO_INDEXER, {"--dry-run", kGood}, {}, env);
    BOOST_TEST(r.status == 2);
    BOOST_TEST(contains(r.err, "--no-such-indexer-flag"), r.err);
    BOOST_TEST(contains(r.err, "FOLIO_CONFIG_PATH (" + config + ")"), r.err);
    BOOST_TEST(run_program(FOLIO_INDEXER, {"--no-config", "--dry-run", "--db", dir / "new", kGood},
                           {}, env)
                   .status == 0);
}

// A configuration file that cannot be read, or has a section for no program, is an error.
BOOST_AUTO_TEST_CASE(config_file_errors_name_the_file) {
    TempDir dir;
    RunResult r = run_program(FOLIO_SEARCHER, {"--db", good_db(), "nato"}, {},
                              {{"FOLIO_CONFIG_PATH", dir / "missing"}});
    BOOST_TEST(r.status == 2);
    BOOST_TEST(contains(r.err, "folio-searcher: error: FOLIO_CONFIG_PATH: cannot read " +
                                   (dir / "missing") + ": No such file or directory"),
               r.err);
    const std::string config = dir / "flags";
    std::ofstream(config) << "--limit=1\n[ripgrep]\n--json\n";
    r = run_program(FOLIO_INDEXER, {"--dry-run", kGood}, {}, {{"FOLIO_CONFIG_PATH", config}});
    BOOST_TEST(r.status == 2);
    BOOST_TEST(contains(r.err, "folio-indexer: error: FOLIO_CONFIG_PATH: " + config +
                                   ":2: unknown section '[ripgrep]'"),
               r.err);
}

BOOST_AUTO_TEST_SUITE_END()
