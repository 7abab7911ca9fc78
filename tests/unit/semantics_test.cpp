// SPDX-License-Identifier: GPL-2.0-or-later
// The query language checked systematically against an independent reference: a small
// evaluator, written here from docs/QUERY-SYNTAX.md alone, parses each query and computes the
// set of article ids it must match over a generated test corpus; the searcher's matches must
// be exactly that set. Thousands of queries are generated from the grammar: every operator and
// field alone, excluded, in groups, combined and nested, in both default operators.
#define BOOST_TEST_MODULE semantics
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "folio/error.hpp"
#include "folio/search.hpp"
#include "index/writer.hpp"
#include "temp_dir.hpp"

using namespace folio;

namespace {

using Ids = std::set<std::string>;
using Texts = std::vector<std::vector<std::string>>;

// Words that are their own English stems, so that the reference needs no stemmer.
const std::vector<std::string> kWords = {"nato", "oil",  "bank", "grain", "ship", "war",
                                         "tax",  "gold", "iron", "corn",  "shore"};
const std::vector<std::string> kAuthors = {"Ann Lee", "Bob Stone", "Cy Young"};
const std::vector<std::string> kTags = {"alpha", "beta", "gamma"};
const std::vector<std::string> kSources = {"wire", "desk"};

struct Doc {
    std::string id;
    std::vector<std::string> title, body;
    std::vector<std::vector<std::string>> authors;  // each author's words, lower case
    std::set<std::string> tags;
    std::string source;
    int year = 0;      // 0: undated
    std::string date;  // YYYY-MM-DD, "" when undated
};

std::vector<std::string> lower_words(const std::string& s) {
    std::vector<std::string> out;
    std::istringstream in(s);
    for (std::string w; in >> w;) {
        std::transform(w.begin(), w.end(), w.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        out.push_back(w);
    }
    return out;
}

std::vector<Doc> make_corpus() {
    std::mt19937 rng(20261204);
    std::vector<Doc> docs;
    for (int i = 0; i < 48; ++i) {
        Doc d;
        d.id = "doc" + std::to_string(i);
        const unsigned title_words = 1 + rng() % 3, body_words = 4 + rng() % 10;
        for (unsigned k = 0; k < title_words; ++k)
            d.title.push_back(kWords[rng() % kWords.size()]);
        for (unsigned k = 0; k < body_words; ++k)
            d.body.push_back(kWords[rng() % kWords.size()]);
        for (const auto& a : kAuthors) {
            if (rng() % 3 == 0)
                d.authors.push_back(lower_words(a));
        }
        for (const auto& t : kTags) {
            if (rng() % 3 == 0)
                d.tags.insert(t);
        }
        d.source = kSources[rng() % kSources.size()];
        d.year = rng() % 5 == 0 ? 0 : 1990 + static_cast<int>(rng() % 10);
        if (d.year != 0) {
            // Months and days that put partial dates' ends to the test (the last day of
            // February, of a 30-day month, of the year).
            static const std::vector<std::string> days = {"01-01", "02-28", "02-29", "04-30",
                                                          "05-01", "06-15", "12-31"};
            std::string day = days[rng() % days.size()];
            if (day == "02-29" && d.year % 4 != 0)
                day = "02-28";
            d.date = std::to_string(d.year) + "-" + day;
        }
        docs.push_back(std::move(d));
    }
    return docs;
}

std::string join(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& w : words)
        out += (out.empty() ? "" : " ") + w;
    return out;
}

// ---- the reference evaluator ----

bool has_sequence(const std::vector<std::string>& text, const std::vector<std::string>& words) {
    if (words.empty() || words.size() > text.size())
        return false;
    for (std::size_t i = 0; i + words.size() <= text.size(); ++i) {
        if (std::equal(words.begin(), words.end(), text.begin() + static_cast<long>(i)))
            return true;
    }
    return false;
}

/// a NEAR/n b (ordered: ADJ/n): positions at most n apart, within one field's text.
bool near(const std::vector<std::string>& text, const std::vector<std::string>& chain, unsigned n,
          bool ordered) {
    // Every word at some position, all positions within a window of n + words - 1, in order
    // for ADJ; distinct positions.
    const std::size_t window = n + chain.size() - 1;
    std::function<bool(std::size_t, std::vector<std::size_t>&)> pick =
        [&](std::size_t k, std::vector<std::size_t>& at) -> bool {
        if (k == chain.size()) {
            auto [lo, hi] = std::minmax_element(at.begin(), at.end());
            return *hi - *lo < window;
        }
        for (std::size_t p = 0; p < text.size(); ++p) {
            if (text[p] != chain[k] || std::find(at.begin(), at.end(), p) != at.end())
                continue;
            if (ordered && k > 0 && p <= at.back())
                continue;
            at.push_back(p);
            if (pick(k + 1, at))
                return true;
            at.pop_back();
        }
        return false;
    };
    std::vector<std::size_t> at;
    return pick(0, at);
}

class Reference {
  public:
    Reference(const std::vector<Doc>& docs, bool default_and)
        : docs_(docs), default_and_(default_and) {
        for (const auto& d : docs)
            all_.insert(d.id);
    }

    Ids evaluate(const std::string& query) {
        tokens_ = split(query);
        k_ = 0;
        Ids result = expr();
        BOOST_REQUIRE_MESSAGE(k_ == tokens_.size(), "reference: trailing tokens in " << query);
        return result;
    }

  private:
    static std::vector<std::string> split(const std::string& q) {
        std::vector<std::string> out;
        std::size_t i = 0;
        while (i < q.size()) {
            if (q[i] == ' ') {
                ++i;
            } else if (q[i] == '(' || q[i] == ')') {
                out.emplace_back(1, q[i++]);
            } else {
                std::size_t start = i;
                bool quoted = false;
                while (i < q.size() && (quoted || (q[i] != ' ' && q[i] != '(' && q[i] != ')'))) {
                    quoted = q[i] == '"' ? !quoted : quoted;
                    ++i;
                }
                // A sign written right before a '(' is its own token.
                out.push_back(q.substr(start, i - start));
            }
        }
        return out;
    }
    const std::string* peek() const { return k_ < tokens_.size() ? &tokens_[k_] : nullptr; }
    bool at(const char* t) const { return peek() != nullptr && *peek() == t; }

    // expr := xor ('OR' xor)*
    Ids expr() {
        Ids left = xor_expr();
        while (at("OR")) {
            ++k_;
            Ids right = xor_expr();
            left.insert(right.begin(), right.end());
        }
        return left;
    }
    // xor := and ('XOR' and)*
    Ids xor_expr() {
        Ids left = and_expr();
        while (at("XOR")) {
            ++k_;
            Ids right = and_expr(), out;
            std::set_symmetric_difference(left.begin(), left.end(), right.begin(), right.end(),
                                          std::inserter(out, out.end()));
            left = out;
        }
        return left;
    }
    // and := ['NOT'] run (('AND' ['NOT'] | 'NOT') run)*; a leading NOT: everything but.
    Ids and_expr() {
        Ids left = at("NOT") ? all_ : run();
        while (at("AND") || at("NOT")) {
            bool negate = at("NOT");
            ++k_;
            if (!negate && at("NOT")) {
                negate = true;
                ++k_;
            }
            Ids right = run();
            left = negate ? minus(left, right) : intersect(left, right);
        }
        return left;
    }
    // run := element+, each [+|-] primary: required, excluded, plain (joined by the default
    // operator) or a filter (tag:, source:, year:), which restricts: filters on one field
    // join with OR, on different fields with AND. An unsigned title: or author: element that
    // no NEAR/ADJ joins to another is required.
    Ids run() {
        std::vector<Ids> plain, required, excluded;
        std::map<std::string, Ids> filters;
        while (peek() != nullptr && *peek() != ")" && *peek() != "OR" && *peek() != "XOR" &&
               *peek() != "AND" && *peek() != "NOT") {
            char sign = 0;
            std::string& t = tokens_[k_];
            if (t == "-" || t == "+") {  // -( group )
                sign = t[0];
                ++k_;
            } else if (t[0] == '-' || t[0] == '+') {
                sign = t[0];
                t = t.substr(1);
            }
            std::string field = tokens_[k_].substr(0, tokens_[k_].find(':'));
            const bool filter = field == "tag" || field == "source" || field == "year" ||
                                field == "date" || field == "lang";
            Ids part = primary();
            const bool chained = chained_;
            if (sign == 0 && !chained && (field == "title" || field == "author"))
                sign = '+';
            if (sign == '-') {
                excluded.push_back(part);
            } else if (filter) {
                Ids& same = filters[field];
                same.insert(part.begin(), part.end());
            } else {
                (sign == '+' ? required : plain).push_back(part);
            }
        }
        BOOST_REQUIRE_MESSAGE(
            !plain.empty() || !required.empty() || !excluded.empty() || !filters.empty(),
            "reference: empty run");
        Ids out;
        if (!required.empty()) {
            out = required[0];
            for (const auto& r : required)
                out = intersect(out, r);
            if (default_and_) {
                for (const auto& p : plain)
                    out = intersect(out, p);
            }
        } else if (!plain.empty()) {
            out = plain[0];
            for (const auto& p : plain)
                out = default_and_ ? intersect(out, p) : unite(out, p);
        } else {
            out = all_;  // only filters or excluded parts
        }
        for (const auto& [field, ids] : filters)
            out = intersect(out, ids);
        for (const auto& e : excluded)
            out = minus(out, e);
        return out;
    }
    // primary := [field:] '(' expr ')' | atom ((NEAR/n | ADJ/n) atom)*; a field before a
    // group (title:, author:) applies to the group's words.
    Ids primary() {
        chained_ = false;
        if (k_ + 1 < tokens_.size() && tokens_[k_].ends_with(":") && tokens_[k_ + 1] == "(") {
            const std::string outer = field_;
            field_ = tokens_[k_].substr(0, tokens_[k_].size() - 1);
            k_ += 2;
            Ids inside = expr();
            BOOST_REQUIRE(at(")"));
            ++k_;
            field_ = outer;
            chained_ = false;
            return inside;
        }
        if (at("(")) {
            ++k_;
            Ids inside = expr();
            BOOST_REQUIRE(at(")"));
            ++k_;
            return inside;
        }
        std::string first = tokens_[k_++];
        if (peek() != nullptr && (peek()->starts_with("NEAR/") || peek()->starts_with("ADJ/"))) {
            std::vector<std::string> chain{first};
            std::string op = *peek();
            while (peek() != nullptr && *peek() == op) {
                ++k_;
                chain.push_back(tokens_[k_++]);
            }
            const bool ordered = op.starts_with("ADJ");
            const unsigned n = static_cast<unsigned>(std::stoul(op.substr(op.find('/') + 1)));
            chained_ = true;
            return select([&](const Doc& d) {
                return near(d.title, chain, n, ordered) ||
                       (field_.empty() && near(d.body, chain, n, ordered));
            });
        }
        return atom(first);
    }
    Ids atom(const std::string& written) {
        const std::string t = field_.empty() || written.find(':') != std::string::npos
                                  ? written
                                  : field_ + ":" + written;
        std::size_t colon = t.find(':');
        if (colon != std::string::npos && t[0] != '"') {
            std::string field = t.substr(0, colon), value = t.substr(colon + 1);
            if (field == "title")
                return text_atom(value, [](const Doc& d) { return Texts{d.title}; });
            if (field == "author") {
                return text_atom(value, [](const Doc& d) { return d.authors; });
            }
            if (field == "tag")
                return select([&](const Doc& d) { return d.tags.count(value) != 0; });
            if (field == "source")
                return select([&](const Doc& d) { return d.source == value; });
            if (field == "lang")  // every article is English
                return value == "en" || value == "english" || value == "en-GB" ? all_ : Ids{};
            if (field == "date") {
                std::size_t dots = value.find("..");
                const std::string from = dots == std::string::npos ? value : value.substr(0, dots);
                const std::string to = dots == std::string::npos ? value : value.substr(dots + 2);
                // A year or month as its first or last day: "9" sorts after every digit.
                const std::string first = from, last = to.empty() ? "" : to + "-99";
                return select([&](const Doc& d) {
                    return !d.date.empty() && (from.empty() || d.date >= first) &&
                           (to.empty() || d.date <= last);
                });
            }
            if (field == "year") {
                std::size_t dots = value.find("..");
                int from = dots == std::string::npos ? std::stoi(value)
                           : dots == 0               ? 0
                                                     : std::stoi(value.substr(0, dots));
                int to = dots == std::string::npos  ? from
                         : dots + 2 == value.size() ? 9999
                                                    : std::stoi(value.substr(dots + 2));
                return select(
                    [&](const Doc& d) { return d.year != 0 && d.year >= from && d.year <= to; });
            }
            BOOST_FAIL("reference: unknown field " + field);
        }
        return text_atom(t, [](const Doc& d) { return Texts{d.title, d.body}; });
    }
    /// A word, word* or "phrase" in any of the texts `texts` gives a document.
    template <typename Of>
    Ids text_atom(const std::string& t, Of texts) {
        if (t[0] == '"') {
            std::vector<std::string> words = lower_words(t.substr(1, t.size() - 2));
            return select([&](const Doc& d) {
                for (const auto& text : texts(d)) {
                    if (has_sequence(text, words))
                        return true;
                }
                return false;
            });
        }
        const bool wildcard = t.back() == '*';
        const std::string word = wildcard ? t.substr(0, t.size() - 1) : t;
        return select([&](const Doc& d) {
            for (const auto& text : texts(d)) {
                for (const auto& w : text) {
                    if (wildcard ? w.starts_with(word) : w == word)
                        return true;
                }
            }
            return false;
        });
    }
    template <typename Pred>
    Ids select(Pred pred) const {
        Ids out;
        for (const auto& d : docs_) {
            if (pred(d))
                out.insert(d.id);
        }
        return out;
    }
    static Ids intersect(const Ids& a, const Ids& b) {
        Ids out;
        std::set_intersection(a.begin(), a.end(), b.begin(), b.end(),
                              std::inserter(out, out.end()));
        return out;
    }
    static Ids unite(Ids a, const Ids& b) {
        a.insert(b.begin(), b.end());
        return a;
    }
    static Ids minus(const Ids& a, const Ids& b) {
        Ids out;
        std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::inserter(out, out.end()));
        return out;
    }

    const std::vector<Doc>& docs_;
    bool default_and_;
    Ids all_;
    std::vector<std::string> tokens_;
    std::size_t k_ = 0;
    std::string field_;     // the field of the group being read (title:( ... )), or ""
    bool chained_ = false;  // the last primary was a NEAR/ADJ chain
};

// ---- the queries ----

/// Random queries from the grammar: atoms of every kind, signs, groups, NOT at the start,
/// binary operators, proximity chains, nested up to `depth`.
class Generator {
  public:
    explicit Generator(unsigned seed) : rng_(seed) {}

    std::string atom() {
        const std::string& w = word();
        switch (rng_() % 16) {
            case 0:
                return "\"" + w + " " + word() + "\"";
            case 1:
                return "title:" + w;
            case 2:
                return "title:\"" + w + " " + word() + "\"";
            case 3: {
                static const std::vector<std::string> names = {"ann", "lee", "stone", "young"};
                return "author:" + names[rng_() % names.size()];
            }
            case 4:
                return "tag:" + kTags[rng_() % kTags.size()];
            case 5:
                return "source:" + kSources[rng_() % kSources.size()];
            case 6: {
                int from = 1990 + static_cast<int>(rng_() % 10);
                switch (rng_() % 3) {
                    case 0:
                        return "year:" + std::to_string(from);
                    case 1:
                        return "year:" + std::to_string(from) + "..";
                    default:
                        return "year:" + std::to_string(from) + ".." +
                               std::to_string(from + static_cast<int>(rng_() % 4));
                }
            }
            case 7: {
                static const std::vector<std::string> prefixes = {"sh", "go", "ba", "co", "gr"};
                return prefixes[rng_() % prefixes.size()] + "*";
            }
            case 12:
                return date();
            case 13: {
                static const std::vector<std::string> all = {"date:..", "year:..", "lang:en",
                                                             "lang:english", "lang:en-GB"};
                return all[rng_() % all.size()];
            }
            case 14: {
                static const std::vector<std::string> prefixes = {"sh*", "go*", "ba*"};
                const std::string first = rng_() % 3 == 0 ? prefixes[rng_() % prefixes.size()] : w;
                return "title:(" + first + (rng_() % 2 ? " OR " : " ") + word() + ")";
            }
            case 15: {
                static const std::vector<std::string> names = {"ann", "lee", "stone", "young"};
                return "author:(" + names[rng_() % names.size()] + " OR " +
                       names[rng_() % names.size()] + ")";
            }
            case 8: {
                std::string op =
                    std::string(rng_() % 2 ? "NEAR/" : "ADJ/") + std::to_string(1 + rng_() % 3);
                std::string out = w + " " + op + " " + word();
                if (rng_() % 4 == 0)
                    out += " " + op + " " + word();
                return out;
            }
            default:
                return w;
        }
    }

    std::string element(unsigned depth) {
        std::string sign = rng_() % 4 == 0 ? "-" : rng_() % 6 == 0 ? "+" : "";
        if (depth > 0 && rng_() % 4 == 0)
            return sign + "(" + expr(depth - 1) + ")";
        std::string a = atom();
        if (!sign.empty() &&
            (a.find(" NEAR/") != std::string::npos || a.find(" ADJ/") != std::string::npos))
            return a;  // NEAR and ADJ join words without signs
        return sign + a;
    }

    std::string run(unsigned depth) {
        std::string out = element(depth);
        for (unsigned n = rng_() % 3; n > 0; --n)
            out += " " + element(depth);
        return out;
    }

    std::string expr(unsigned depth) {
        static const std::vector<std::string> ops = {"AND", "OR", "XOR", "NOT", "AND NOT"};
        std::string out = run(depth);
        if (rng_() % 6 == 0)
            out = "NOT " + (out[0] == '-' ? out.substr(1) : out);  // NOT -x is refused
        for (unsigned n = rng_() % 3; n > 0; --n) {
            std::string op = ops[rng_() % ops.size()];
            std::string right = run(depth);
            if (op.ends_with("NOT") && right[0] == '-')
                right = right.substr(1);  // NOT -x is refused as a double negative
            out += " " + op + " " + right;
        }
        return out;
    }

  private:
    const std::string& word() { return kWords[rng_() % kWords.size()]; }

    /// A date: or a range of dates, days, months or years at either end, open or not, in order.
    std::string date() {
        auto bound = [&] {
            static const std::vector<std::string> months = {"01", "02", "04", "05", "06", "12"};
            static const std::vector<std::string> days = {"01", "15", "28", "29", "30", "31"};
            const int year = 1990 + static_cast<int>(rng_() % 10);
            std::string out = std::to_string(year);
            if (rng_() % 3 != 0) {
                const std::string month = months[rng_() % months.size()];
                out += "-" + month;
                if (rng_() % 2 == 0) {
                    std::string day = days[rng_() % days.size()];
                    const int last = month == "02"                    ? (year % 4 == 0 ? 29 : 28)
                                     : month == "04" || month == "06" ? 30
                                                                      : 31;
                    if (std::stoi(day) > last)
                        day = std::to_string(last);
                    out += "-" + day;
                }
            }
            return out;
        };
        auto first_day = [](const std::string& b) {
            return b + std::string("-01-01").substr(b.size() - 4);
        };
        auto last_day = [](const std::string& b) { return b + "-99"; };
        switch (rng_() % 4) {
            case 0:
                return "date:" + bound();
            case 1:
                return "date:" + bound() + "..";
            case 2:
                return "date:.." + bound();
            default: {
                std::string from = bound(), to = bound();
                if (first_day(from) > last_day(to))
                    std::swap(from, to);
                if (first_day(from) > last_day(to))  // 1995-06-15..1995-06: the month's days
                    to = from;
                return "date:" + from + ".." + to;
            }
        }
    }
    std::mt19937 rng_;
};

struct Corpus {
    test::TempDir dir;
    std::string db = dir / "db";
    std::vector<Doc> docs = make_corpus();
    Corpus() {
        IndexWriter w(db, WriterOptions{});
        for (const auto& d : docs) {
            Article a;
            a.id = d.id;
            a.title = join(d.title);
            a.body = join(d.body) + ".";
            for (const auto& author : d.authors) {
                std::string name;
                for (const auto& part : author) {
                    name += (name.empty() ? "" : " ") + part;
                    name[name.size() - part.size()] = static_cast<char>(
                        std::toupper(static_cast<unsigned char>(name[name.size() - part.size()])));
                }
                a.authors.push_back(name);
            }
            a.tags.assign(d.tags.begin(), d.tags.end());
            a.source = d.source;
            a.date = d.date;
            w.add(a);
        }
        w.commit();
    }
};

Corpus& corpus() {
    static Corpus c;
    return c;
}

Ids searched(Searcher& searcher, const std::string& query, bool default_and) {
    SearchRequest r;
    r.query = query;
    r.default_and = default_and;
    r.limit = 1000;
    r.passages = 1;
    r.suggest = false;
    SearchResult result = searcher.search(r);
    Ids out;
    for (const auto& hit : result.hits)
        out.insert(hit.article.id);
    BOOST_TEST(result.exact(), query);
    BOOST_TEST(result.estimated == out.size(), query);
    return out;
}

std::string shown(const Ids& ids) {
    std::string out;
    for (const auto& id : ids)
        out += id + " ";
    return out;
}

void check(Searcher& searcher, Reference& reference, const std::string& query, bool default_and) {
    const Ids expected = reference.evaluate(query);
    Ids got;
    try {
        got = searched(searcher, query, default_and);
    } catch (const QueryError& e) {
        BOOST_ERROR("query [" << query << "] refused: " << e.reason());
        return;
    }
    BOOST_TEST(got == expected, "query [" << query << "] default " << (default_and ? "AND" : "OR")
                                          << ": searcher " << shown(got) << "| reference "
                                          << shown(expected));
}

}  // namespace

// The reference agrees with itself on the basics, so that a failure below is the searcher's.
BOOST_AUTO_TEST_CASE(reference_basics) {
    const auto& docs = corpus().docs;
    Reference ref(docs, false);
    const Ids all = ref.evaluate("-zzz");
    BOOST_TEST(all.size() == docs.size());
    const Ids oil = ref.evaluate("oil"), not_oil = ref.evaluate("NOT oil");
    BOOST_TEST(!oil.empty());
    BOOST_TEST(oil.size() + not_oil.size() == docs.size());
    BOOST_TEST(ref.evaluate("-oil") == not_oil);
    BOOST_TEST(ref.evaluate("oil (-oil)") == all);
}

// Every kind of atom alone, excluded, NOT, in a group and in a negated group.
BOOST_AUTO_TEST_CASE(every_atom_alone_and_negated) {
    Searcher searcher({corpus().db});
    Reference ref(corpus().docs, false);
    Generator gen(1);
    for (int i = 0; i < 300; ++i) {
        std::string a = gen.atom();
        const bool chain =
            a.find(" NEAR/") != std::string::npos || a.find(" ADJ/") != std::string::npos;
        for (const std::string& q : {a, "NOT " + a, "(" + a + ")", "-(" + a + ")",
                                     "oil (" + a + ")", "oil OR NOT " + a, "oil AND NOT " + a}) {
            check(searcher, ref, q, false);
        }
        if (!chain) {
            for (const std::string& q : {"-" + a, "+" + a, "oil -" + a, "oil OR -" + a,
                                         "oil XOR -" + a, "-" + a + " -war", "(-" + a + ")"}) {
                check(searcher, ref, q, false);
            }
        }
    }
}

// Random queries from the whole grammar, in both default operators.
BOOST_AUTO_TEST_CASE(random_queries_match_the_reference) {
    Searcher searcher({corpus().db});
    for (bool default_and : {false, true}) {
        Reference ref(corpus().docs, default_and);
        Generator gen(default_and ? 7 : 3);
        for (int i = 0; i < 1500; ++i)
            check(searcher, ref, gen.expr(2), default_and);
    }
}

// Excluded words are never highlighted, in titles or passages.
BOOST_AUTO_TEST_CASE(excluded_words_are_not_highlighted) {
    Searcher searcher({corpus().db});
    for (const std::string q : {"-oil", "NOT oil", "-\"oil bank\"", "war -title:oil", "war (-oil)",
                                "war OR -oil", "-(oil bank)"}) {
        SearchRequest r;
        r.query = q;
        r.limit = 1000;
        SearchResult result = searcher.search(r);
        BOOST_TEST(!result.hits.empty(), q);
        for (const auto& hit : result.hits) {
            auto marked = [&](const Snippet& s) {
                for (const auto& [begin, end] : s.highlights) {
                    std::string word = s.text.substr(begin, end - begin);
                    std::transform(word.begin(), word.end(), word.begin(), [](unsigned char c) {
                        return static_cast<char>(std::tolower(c));
                    });
                    BOOST_TEST((word != "oil" && word != "bank"), q << ": " << s.text);
                }
            };
            marked(hit.title);
            for (const auto& p : hit.passages)
                marked(p);
        }
    }
}

// What Xapian's parser would silently reinterpret is refused with the place of the fault.
BOOST_AUTO_TEST_CASE(reinterpretations_are_refused) {
    Searcher searcher({corpus().db});
    const std::vector<std::pair<std::string, std::size_t>> refused = {
        {"NOT NOT oil", 4},
        {"oil NOT NOT war", 8},
        {"oil NOT -war", 8},
        {"oil NEAR/0 war", 9},
        {"oil ADJ/x war", 8},
        {"*oil", 0},
        {"o*il", 1},
        {"mic?osoft", 3},
        {"war* NEAR peace", 0},
        {"oil NEAR \"a b\"", 9},
        {"(oil war) NEAR tax", 0},
        {"oil NEAR -war", 9},
        {"\"oil* war\"", 4},
        {"autor:lee", 0},
        {"tag:al*", 6},
        {"+-oil", 0},
        {"oil AND", 4},
        {"OR oil", 0},
        {"((((oil))", 1},
        {"oil)", 3},
        {"oil NEAR tag:alpha", 9},
        {"date.2020$year:abc..", 10},
        {"oil-wa*", 6},
        {"oil title:~war", 10},
        {"oil title:-war", 10},
        {"\"oil war\"~2", 9},
        {"oil^2", 3},
        {"oil ~go*", 4},
        {"oil -~title:(war)", 5},
        {"~(oil)", 0},
        {"oil tag: alpha", 4},
        {"tag:(alpha OR beta)", 0},
        {"oil source:(wire)", 4},
        {"lang:xx", 5},
        {"oil -lang:klingon", 10},
        {"date:1995-06..1995-05-31", 5},
    };
    for (const auto& [q, column] : refused) {
        SearchRequest r;
        r.query = q;
        try {
            searcher.search(r);
            BOOST_ERROR("not refused: " << q);
        } catch (const QueryError& e) {
            BOOST_TEST(e.column() == column, q << ": " << e.reason() << " at " << e.column());
            BOOST_TEST(e.reason().find("Syntax:") == std::string::npos, q << ": " << e.reason());
        }
    }
}

// Field names in any case; an unknown field gets a hint.
BOOST_AUTO_TEST_CASE(field_names_in_any_case) {
    Searcher searcher({corpus().db});
    Reference ref(corpus().docs, false);
    for (const std::string q : {"Title:oil", "TITLE:oil", "Tag:alpha", "AUTHOR:lee"}) {
        std::string lower = q;
        std::transform(lower.begin(), lower.begin() + static_cast<long>(lower.find(':')),
                       lower.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        BOOST_TEST(searched(searcher, q, false) == ref.evaluate(lower), q);
    }
    SearchRequest r;
    r.query = "titel:oil";
    try {
        searcher.search(r);
        BOOST_ERROR("unknown field accepted");
    } catch (const QueryError& e) {
        BOOST_TEST(e.reason().find("did you mean title:") != std::string::npos, e.reason());
    }
}
