// SPDX-License-Identifier: GPL-2.0-or-later
// search.cpp: folio.Searcher over folio::Searcher, and the results it returns (Results, Hit,
// Passage, Facet, FacetValue, Explanation): the library's SearchResult read in place by the
// Python objects, which keep it alive, instead of copied into them.
#include <memory>
#include <mutex>
#include <optional>

#include "bindings.hpp"
#include "folio/error.hpp"
#include "folio/facets.hpp"
#include "folio/paths.hpp"
#include "folio/recency.hpp"
#include "folio/render.hpp"
#include "folio/search.hpp"
#include "folio/similar.hpp"
#include "folio/stats.hpp"
#include "schema/schema.hpp"

namespace folio::python {

namespace {

/// One search's results, with the shard warnings its searcher had given by then.
struct Results {
    SearchResult result;
    std::vector<std::string> warnings;
};

/// The count of a search and how far to trust it.
struct Total {
    Xapian::doccount estimated = 0, lower_bound = 0, upper_bound = 0;
    bool exact = false, time_limited = false;
};

/// A folio::Searcher with the lock that keeps two Python threads from running it at once
/// (it is not thread-safe; the GIL is released while it works).
class SearcherHandle {
  public:
    SearcherHandle(std::vector<std::string> databases, const OpenOptions& options)
        : databases_(std::move(databases)), options_(options) {
        py::gil_scoped_release release;
        searcher_ = std::make_unique<Searcher>(databases_, options_);
    }

    /// The searcher, for a caller holding mutex (and not the GIL).
    Searcher& searcher() {
        if (!searcher_)
            throw UsageError("the searcher is closed");
        return *searcher_;
    }
    /// Opens the databases again: the latest revision, or the generation a rebuild switched to.
    void reopen() {
        py::gil_scoped_release release;
        auto fresh = std::make_unique<Searcher>(databases_, options_);
        std::lock_guard<std::mutex> lock(mutex);
        searcher_ = std::move(fresh);
    }
    void close() {
        py::gil_scoped_release release;
        std::lock_guard<std::mutex> lock(mutex);
        searcher_.reset();
    }
    const std::vector<std::string>& databases() const { return databases_; }

    std::mutex mutex;

  private:
    std::vector<std::string> databases_;
    OpenOptions options_;
    std::unique_ptr<Searcher> searcher_;
};

/// Copies of the searcher's state read under its lock.
template <class F>
auto locked(SearcherHandle& handle, F&& f) {
    py::gil_scoped_release release;
    std::lock_guard<std::mutex> lock(handle.mutex);
    return f(handle.searcher());
}

template <class T>
py::list references(const std::vector<T>& items, const py::object& parent) {
    py::list out(items.size());
    for (std::size_t i = 0; i < items.size(); ++i)
        out[i] = py::cast(&items[i], py::return_value_policy::reference_internal, parent);
    return out;
}

py::list byte_ranges(const Snippet& s) {
    py::list out(s.highlights.size());
    for (std::size_t i = 0; i < s.highlights.size(); ++i)
        out[i] = py::make_tuple(s.highlights[i].begin, s.highlights[i].end);
    return out;
}

/// The highlights as offsets in code points (the str's indices), counted over the UTF-8 text.
py::list char_ranges(const Snippet& s) {
    py::list out(s.highlights.size());
    std::size_t byte = 0, chars = 0;
    auto to = [&](std::size_t offset) {
        for (; byte < offset && byte < s.text.size(); ++byte) {
            if ((static_cast<unsigned char>(s.text[byte]) & 0xC0) != 0x80)
                ++chars;
        }
        return chars;
    };
    for (std::size_t i = 0; i < s.highlights.size(); ++i) {
        const std::size_t begin = to(s.highlights[i].begin);
        out[i] = py::make_tuple(begin, to(s.highlights[i].end));
    }
    return out;
}

py::list matched_texts(const Snippet& s) {
    py::list out(s.highlights.size());
    for (std::size_t i = 0; i < s.highlights.size(); ++i) {
        const Highlight& h = s.highlights[i];
        out[i] = text(std::string_view(s.text).substr(h.begin, h.end - h.begin));
    }
    return out;
}

std::size_t bounded(long long value, const char* name, long long low, long long high) {
    if (value < low || value > high) {
        throw UsageError(std::string(name) + ": value " + std::to_string(value) + " not in range " +
                         std::to_string(low) + " to " + std::to_string(high));
    }
    return static_cast<std::size_t>(value);
}

double bounded(double value, const char* name, double low, double high) {
    if (!(value >= low && value <= high)) {
        throw UsageError(std::string(name) + ": value " + std::to_string(value) + " not in range " +
                         std::to_string(low) + " to " + std::to_string(high));
    }
    return value;
}

constexpr long long kUnbounded = 1LL << 62;

SortOrder sort_arg(const std::string& sort) {
    if (sort == "relevance")
        return SortOrder::relevance;
    if (sort == "date")
        return SortOrder::date;
    if (sort == "-date")
        return SortOrder::date_descending;
    throw UsageError("sort: '" + sort + "' is not one of relevance, date, -date");
}

bool default_and_arg(std::string op) {
    for (char& c : op)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (op != "and" && op != "or")
        throw UsageError("default_op: '" + op + "' is not one of and, or");
    return op == "and";
}

/// facets=: "author", "tag:5", "author,tag:5", or a list of those, as --facet takes them.
std::vector<FacetRequest> facets_arg(const py::handle& value) {
    std::vector<FacetRequest> out;
    for (const std::string& list : strings_arg(value)) {
        std::size_t start = 0;
        while (start <= list.size()) {
            const std::size_t comma = std::min(list.find(',', start), list.size());
            out.push_back(parse_facet(std::string_view(list).substr(start, comma - start)));
            start = comma + 1;
        }
    }
    return out;
}

struct SearchArgs {
    std::string query;
    long long limit, offset;
    std::string sort;
    py::object facets;
    long long passages, passage_length;
    py::object filters;
    std::string default_op;
    bool exact;
    double time_limit;
    bool suggest, correct, expand_synonyms;
    long long wildcard_limit;
    py::object like, like_files;
    long long like_terms;
    bool explain;
    std::optional<std::string> collapse;
    py::object boost_recent;
    std::optional<std::string> reference_date;
    double k1, b;
    long long expand;
    double feedback_threshold;
    long long proximity;
    double proximity_weight;
};

/// The request the searcher program builds from the same options, checked as it checks them.
SearchRequest request_of(const SearchArgs& a) {
    SearchRequest r;
    r.query = a.query;
    r.limit = bounded(a.limit, "limit", 0, kUnbounded);
    r.offset = bounded(a.offset, "offset", 0, kUnbounded);
    r.sort = sort_arg(a.sort);
    r.facets = facets_arg(a.facets);
    r.passages = bounded(a.passages, "passages", 0, kUnbounded);
    r.passage_length = bounded(a.passage_length, "passage_length", 20, 100000);
    r.filters = strings_arg(a.filters);
    r.default_and = default_and_arg(a.default_op);
    r.exact_count = a.exact;
    r.time_limit = bounded(a.time_limit, "time_limit", 0.0, 1e9);
    r.suggest = a.suggest;
    r.correct = a.correct;
    r.expand_synonyms = a.expand_synonyms;
    r.wildcard_limit = static_cast<unsigned>(bounded(a.wildcard_limit, "wildcard_limit", 1, 65536));
    r.like_ids = strings_arg(a.like);
    if (!a.like_files.is_none()) {
        for (const std::string& path : paths_arg(a.like_files, "like_files", true)) {
            for (auto& article : read_like_file(path))
                r.like_articles.push_back(std::move(article));
        }
    }
    r.like_terms = static_cast<unsigned>(bounded(a.like_terms, "like_terms", 1, 1000));
    r.explain = a.explain;
    r.collapse = a.collapse.value_or("");
    if (!a.boost_recent.is_none())
        r.boost_half_life = parse_half_life(py::str(a.boost_recent).cast<std::string>());
    r.boost_reference = a.reference_date.value_or("");
    r.ranking.k1 = bounded(a.k1, "k1", 0.0, 10.0);
    r.ranking.b = bounded(a.b, "b", 0.0, 1.0);
    r.ranking.expand = static_cast<unsigned>(bounded(a.expand, "expand", 0, 1000000));
    r.ranking.feedback_threshold = bounded(a.feedback_threshold, "feedback_threshold", 0.0, 1e6);
    r.ranking.proximity_window =
        static_cast<unsigned>(bounded(a.proximity, "proximity", 0, 1000000));
    r.ranking.proximity_weight = a.proximity_weight;
    if (r.query.empty() && r.filters.empty() && r.like_ids.empty() && r.like_articles.empty())
        throw UsageError("no query");
    return r;
}

const char* const kSearchDoc =
    R"(Runs a query, as the searcher program runs it, and returns its Results.

query: the query, in the searcher's syntax (words, "phrases", AND/OR/NOT, +/-word,
  NEAR/n, ADJ/n, wildcards, title: author: tag: source: lang: fields, date:FROM..TO,
  year:FROM..TO); "" with filters or like only.
limit, offset: the page: hits to return, and hits to skip before them.
sort: "relevance", "date" (oldest first) or "-date".
facets: fields whose values to count over all matches: "author", "tag", "source", "year",
  "lang", each optionally ":N" (top N, default 10); a list, or one comma-separated str.
passages, passage_length: passages per hit (0: none) and their rough length in bytes.
filters: queries that restrict the matches without changing the ranking (--filter).
default_op: how words without an operator combine, "or" or "and".
exact: count every match instead of estimating above 2,000 (--count); no time limit.
time_limit: seconds the match may take (0: none); then the hits found by then, and
  total.time_limited is set.
suggest, correct: look for a spelling suggestion; run the suggested query instead.
expand_synonyms: expand every word by the database's synonyms (~word expands one).
wildcard_limit: most words a wildcard may match; one that matches more raises QueryError.
like, like_files: find articles like the articles with these ids, or read from these files.
like_terms: words like and like_files search for.
explain: give each hit's score as its parts (Hit.explain) and Results.feedback.
collapse: keep one hit per value of "title", "source", "author", "tag", "lang" or "date".
boost_recent, reference_date: blend recency into the score with this half-life (days, or
  "30d", "6w", "18m", "10y"), counting ages to reference_date ("YYYYMMDD"; default today).
k1, b, expand, feedback_threshold, proximity, proximity_weight: the ranking options of the
  searcher's --k1, --b, --expand, --feedback-threshold, --proximity, --proximity-weight.

Raises QueryError for a malformed query, UsageError for a bad option, DatabaseError when a
database cannot be read. The GIL is released while the search runs.)";

void add_result_classes(py::module_& m) {
    py::class_<Snippet>(m, "Passage",
                        "A passage of an article (or its title) with the words the query "
                        "matched highlighted.")
        .def_property_readonly(
            "text", [](const Snippet& s) { return text(s.text); },
            "The passage: one line, whitespace collapsed.")
        .def_property_readonly("highlights", &byte_ranges,
                               "The highlighted ranges as (begin, end) byte offsets into "
                               "text's UTF-8 encoding, as in the searcher's JSON.")
        .def_property_readonly("char_highlights", &char_ranges,
                               "The highlighted ranges as (begin, end) indices into text "
                               "(code points): text[begin:end] is the matched text.")
        .def_property_readonly("matches", &matched_texts, "The highlighted texts, in order.")
        .def_readonly("at_start", &Snippet::at_start,
                      "No word of the article's text comes before the passage.")
        .def_readonly("at_end", &Snippet::at_end,
                      "No word of the article's text comes after the passage.")
        .def("__str__", [](const Snippet& s) { return text(s.text); })
        .def("__repr__", [](const Snippet& s) {
            return py::str("<folio.Passage {!r} highlights={}>")
                .format(text(s.text), byte_ranges(s));
        });

    py::class_<Contribution>(m, "Explanation", "One part of a hit's score (explain=True).")
        .def_property_readonly(
            "label", [](const Contribution& c) { return text(c.label); },
            "The word or stem, \"a phrase\", \"a|b\" (synonyms), \"milit*\" or \"recency\".")
        .def_property_readonly(
            "field", [](const Contribution& c) { return text(c.field); },
            "\"text\" (title and body), \"title\", \"author\", or \"\".")
        .def_readonly("stem", &Contribution::stem, "label is a stem, matching every form.")
        .def_property_readonly(
            "found_in", [](const Contribution& c) { return texts(c.found_in); },
            "Where a text term occurs in the article: \"title\", \"body\".")
        .def_readonly("weight", &Contribution::weight, "What it added to the score.")
        .def_readonly("wdf", &Contribution::wdf, "Occurrences in the article (single terms).")
        .def_readonly("termfreq", &Contribution::termfreq,
                      "Articles holding the term (single terms).")
        .def_readonly("feedback", &Contribution::feedback,
                      "Added by pseudo-relevance feedback, not asked for.")
        .def("__repr__", [](const Contribution& c) {
            return py::str("<folio.Explanation {!r} weight={}>").format(text(c.label), c.weight);
        });

    py::class_<Hit>(m, "Hit", "One matching article, with its passages.")
        .def_readonly("rank", &Hit::rank, "1-based, counting from the first page.")
        .def_readonly("score", &Hit::score, "BM25 weight (0 when sorted by date alone).")
        .def_readonly("docid", &Hit::docid, "Xapian's document id (of the databases as one).")
        .def_property_readonly(
            "id", [](const Hit& h) { return text(h.article.id); }, "The article's id.")
        .def_property_readonly(
            "title", [](const Hit& h) { return text(h.article.title); }, "The title.")
        .def_property_readonly(
            "title_highlights", [](const Hit& h) { return byte_ranges(h.title); },
            "The title's matched words as (begin, end) byte offsets, as in the JSON.")
        .def_property_readonly(
            "title_passage",
            [](py::object self) {
                return py::cast(&self.cast<const Hit&>().title,
                                py::return_value_policy::reference_internal, self);
            },
            "The title as a Passage, its matched words highlighted (char offsets too).")
        .def_property_readonly(
            "path", [](const Hit& h) { return optional_text(h.article.path); },
            "The file it was read from (None for standard input).")
        .def_property_readonly(
            "path_bytes", [](const Hit& h) { return py::bytes(h.article.path); },
            "The file's name as bytes, exactly (path shows U+FFFD where it is not UTF-8).")
        .def_property_readonly(
            "location", [](const Hit& h) { return text(hit_location(h)); },
            "What searcher --files prints: the path (PATH#ID for a JSON Lines record), else "
            "the url, else the id.")
        .def_property_readonly(
            "url", [](const Hit& h) { return optional_text(h.article.url); }, "The url, or None.")
        .def_property_readonly(
            "date", [](const Hit& h) { return optional_text(h.article.date); },
            "\"YYYY-MM-DD\", or None when undated.")
        .def_property_readonly(
            "authors", [](const Hit& h) { return texts(h.article.authors); }, "The authors.")
        .def_property_readonly(
            "tags", [](const Hit& h) { return texts(h.article.tags); }, "The tags.")
        .def_property_readonly(
            "source", [](const Hit& h) { return optional_text(h.article.source); },
            "The collection or folder it came from, or None.")
        .def_property_readonly(
            "language", [](const Hit& h) { return text(h.article.language); },
            "The language it is indexed in: its own, else its database's.")
        .def_property_readonly(
            "passages",
            [](py::object self) { return references(self.cast<const Hit&>().passages, self); },
            "The best passages (list of Passage), best first.")
        .def_property_readonly(
            "collapse",
            [](const Hit& h) -> py::object {
                if (h.collapse_count == 0)
                    return py::none();
                return py::make_tuple(text(shown_key(h.collapse_key)), h.collapse_count);
            },
            "With collapse=: (the value collapsed on, matches sharing it); else None.")
        .def_property_readonly(
            "explain",
            [](py::object self) { return references(self.cast<const Hit&>().explain, self); },
            "With explain=True: the parts of the score (list of Explanation).")
        .def("__repr__", [](const Hit& h) {
            return py::str("<folio.Hit {} {!r} id={!r} score={:.4f}>")
                .format(h.rank, text(h.article.title), text(h.article.id), h.score);
        });

    py::class_<FacetValue>(m, "FacetValue", "A value of a facet and how many matches hold it.")
        .def_property_readonly("value", [](const FacetValue& v) { return text(v.value); })
        .def_readonly("count", &FacetValue::count)
        .def("__repr__", [](const FacetValue& v) {
            return py::str("<folio.FacetValue {!r} {}>").format(text(v.value), v.count);
        });

    py::class_<FacetResult>(m, "Facet", "The counts of one facet over all matches.")
        .def_property_readonly(
            "field", [](const FacetResult& f) { return std::string(facet_name(f.field)); },
            "\"author\", \"tag\", \"source\", \"year\" or \"lang\".")
        .def_property_readonly(
            "values",
            [](py::object self) {
                return references(self.cast<const FacetResult&>().values, self);
            },
            "The most frequent values first, ties by value (list of FacetValue).")
        .def_readonly("distinct", &FacetResult::distinct, "Distinct values among all matches.")
        .def("__repr__", [](const FacetResult& f) {
            return py::str("<folio.Facet {} distinct={}>")
                .format(std::string(facet_name(f.field)), f.distinct);
        });

    py::class_<Total>(m, "Total", "The number of matches and how far to trust it.")
        .def_readonly("estimated", &Total::estimated, "The count (exact when exact is True).")
        .def_readonly("lower_bound", &Total::lower_bound, "At least this many match.")
        .def_readonly("upper_bound", &Total::upper_bound, "At most this many match.")
        .def_readonly("exact", &Total::exact, "lower_bound == upper_bound.")
        .def_readonly("time_limited", &Total::time_limited,
                      "The time limit ran out: the hits are the best found by then.")
        .def("__int__", [](const Total& t) { return t.estimated; })
        .def("__repr__", [](const Total& t) {
            return py::str("<folio.Total {}{}{}>")
                .format(t.exact ? "" : "about ", t.estimated,
                        t.time_limited ? " (time limited)" : "");
        });

    py::class_<Results>(m, "Results",
                        "A page of hits and what the search found: a sequence of Hit.")
        .def_property_readonly(
            "query", [](const Results& r) { return text(r.result.query); }, "As given.")
        .def_property_readonly(
            "parsed", [](const Results& r) { return text(r.result.parsed); },
            "Xapian's description of the parsed query.")
        .def_property_readonly(
            "total",
            [](const Results& r) {
                const SearchResult& s = r.result;
                return Total{s.estimated, s.lower_bound, s.upper_bound, s.exact(), s.time_limited};
            },
            "The number of matches (Total).")
        .def_property_readonly(
            "offset", [](const Results& r) { return r.result.offset; }, "Hits skipped.")
        .def_property_readonly(
            "hits",
            [](py::object self) {
                return references(self.cast<const Results&>().result.hits, self);
            },
            "The page's hits (list of Hit).")
        .def_property_readonly(
            "suggestion",
            [](const Results& r) -> py::object {
                if (!r.result.suggestion)
                    return py::none();
                return text(*r.result.suggestion);
            },
            "The query with misspelled words corrected, or None.")
        .def_property_readonly(
            "corrected", [](const Results& r) { return r.result.corrected; },
            "The hits are those of the suggestion (correct=True).")
        .def_property_readonly(
            "facets",
            [](py::object self) {
                py::dict out;
                for (const FacetResult& f : self.cast<const Results&>().result.facets) {
                    out[py::str(std::string(facet_name(f.field)))] =
                        py::cast(&f, py::return_value_policy::reference_internal, self);
                }
                return out;
            },
            "The facets asked for, by field name, in request order (dict of Facet).")
        .def_property_readonly(
            "like_terms", [](const Results& r) { return texts(r.result.like_terms); },
            "The stems like= and like_files= searched for.")
        .def_property_readonly(
            "collapse",
            [](const Results& r) -> py::object {
                if (r.result.collapse.empty())
                    return py::none();
                return text(r.result.collapse);
            },
            "The field collapsed on, or None.")
        .def_property_readonly(
            "feedback",
            [](const Results& r) -> py::object {
                if (!r.result.explained)
                    return py::none();
                const FeedbackDecision& d = r.result.feedback;
                py::dict out;
                out["considered"] = d.considered;
                out["applied"] = d.applied;
                out["value"] = d.value;
                out["threshold"] = d.threshold;
                out["documents"] = d.documents;
                out["reason"] = text(d.reason);
                return out;
            },
            "With explain=True: whether pseudo-relevance feedback rewrote the query, and why "
            "(dict); else None.")
        .def_property_readonly(
            "matched", [](const Results& r) { return r.result.matched(); },
            "The query matched something (even where this page holds no hit).")
        .def_property_readonly(
            "warnings", [](const Results& r) { return texts(r.warnings); },
            "Warnings, one message each: shards left out (allow_partial=True) and searches past "
            "their deadline, whose results are partial; databases of older word rules.")
        .def(
            "to_json",
            [](const Results& r, bool pretty) { return text(result_json(r.result, pretty)); },
            py::arg("pretty") = false,
            "The results as folio-searcher --json writes them (schema version 2).")
        .def("__len__", [](const Results& r) { return r.result.hits.size(); })
        .def("__getitem__",
             [](py::object self, long long i) {
                 const auto& hits = self.cast<const Results&>().result.hits;
                 const auto n = static_cast<long long>(hits.size());
                 if (i < 0)
                     i += n;
                 if (i < 0 || i >= n)
                     throw py::index_error("hit index out of range");
                 return py::cast(&hits[static_cast<std::size_t>(i)],
                                 py::return_value_policy::reference_internal, self);
             })
        .def("__getitem__",
             [](py::object self, const py::slice& slice) {
                 return references(self.cast<const Results&>().result.hits, self)
                     .attr("__getitem__")(slice);
             })
        .def("__iter__",
             [](py::object self) {
                 return py::iter(references(self.cast<const Results&>().result.hits, self));
             })
        .def("__repr__", [](const Results& r) {
            return py::str("<folio.Results {!r}: {} hits of {}{}>")
                .format(text(r.result.query), r.result.hits.size(),
                        r.result.exact() ? "" : "about ", r.result.estimated);
        });
}

}  // namespace

void add_search(py::module_& m) {
    add_result_classes(m);

    py::class_<SearcherHandle>(m, "Searcher",
                               "One or several Folio databases searched as one. Open once, "
                               "search many times; each thread may have its own (calls on one "
                               "Searcher from several threads take turns).")
        .def(py::init(
                 [](const py::object& databases, long long remote_timeout_ms, bool allow_partial) {
                     std::vector<std::string> paths =
                         databases.is_none()
                             ? std::vector<std::string>{database_path_from_environment()}
                             : paths_arg(databases, "databases", false);
                     OpenOptions options;
                     options.remote_timeout_ms = static_cast<unsigned>(
                         bounded(remote_timeout_ms, "remote_timeout_ms", 1, 3600000));
                     options.allow_partial = allow_partial;
                     return std::make_unique<SearcherHandle>(std::move(paths), options);
                 }),
             py::arg("databases") = py::none(), py::kw_only(),
             py::arg("remote_timeout_ms") = OpenOptions{}.remote_timeout_ms,
             py::arg("allow_partial") = false,
             R"(Opens databases: a path (str or os.PathLike), a stub file, tcp://HOST:PORT (a
shard server), or a list of those searched as one; None: folio.default_database().
remote_timeout_ms bounds connecting to and each exchange with a remote shard;
allow_partial searches the shards that answer (see warnings) instead of failing.
Raises DatabaseError naming a database that cannot be opened.)")
        .def(
            "search",
            [](SearcherHandle& self, std::string query, long long limit, long long offset,
               std::string sort, py::object facets, long long passages, long long passage_length,
               py::object filters, std::string default_op, bool exact, double time_limit,
               bool suggest, bool correct, bool expand_synonyms, long long wildcard_limit,
               py::object like, py::object like_files, long long like_terms, bool explain,
               std::optional<std::string> collapse, py::object boost_recent,
               std::optional<std::string> reference_date, double k1, double b, long long expand,
               double feedback_threshold, long long proximity, double proximity_weight) {
                SearchRequest request = request_of(SearchArgs{std::move(query),
                                                              limit,
                                                              offset,
                                                              std::move(sort),
                                                              std::move(facets),
                                                              passages,
                                                              passage_length,
                                                              std::move(filters),
                                                              std::move(default_op),
                                                              exact,
                                                              time_limit,
                                                              suggest,
                                                              correct,
                                                              expand_synonyms,
                                                              wildcard_limit,
                                                              std::move(like),
                                                              std::move(like_files),
                                                              like_terms,
                                                              explain,
                                                              std::move(collapse),
                                                              std::move(boost_recent),
                                                              std::move(reference_date),
                                                              k1,
                                                              b,
                                                              expand,
                                                              feedback_threshold,
                                                              proximity,
                                                              proximity_weight});
                auto out = std::make_unique<Results>();
                locked(self, [&](Searcher& searcher) {
                    out->result = searcher.search(request);
                    out->warnings = searcher.warnings();
                    return 0;
                });
                return out;
            },
            py::arg("query") = "", py::kw_only(), py::arg("limit") = 10, py::arg("offset") = 0,
            py::arg("sort") = "relevance", py::arg("facets") = py::none(), py::arg("passages") = 1,
            py::arg("passage_length") = 240, py::arg("filters") = py::none(),
            py::arg("default_op") = "or", py::arg("exact") = false, py::arg("time_limit") = 10.0,
            py::arg("suggest") = true, py::arg("correct") = false,
            py::arg("expand_synonyms") = false,
            py::arg("wildcard_limit") = SearchRequest{}.wildcard_limit,
            py::arg("like") = py::none(), py::arg("like_files") = py::none(),
            py::arg("like_terms") = 20, py::arg("explain") = false,
            py::arg("collapse") = py::none(), py::arg("boost_recent") = py::none(),
            py::arg("reference_date") = py::none(), py::arg("k1") = RankingOptions{}.k1,
            py::arg("b") = RankingOptions{}.b, py::arg("expand") = RankingOptions{}.expand,
            py::arg("feedback_threshold") = RankingOptions{}.feedback_threshold,
            py::arg("proximity") = RankingOptions{}.proximity_window,
            py::arg("proximity_weight") = RankingOptions{}.proximity_weight, kSearchDoc)
        .def("reopen", &SearcherHandle::reopen,
             "Opens the databases again, to see what the indexer committed since (a new "
             "revision, or the generation a rebuild switched to). Searches otherwise go on "
             "reading the revision they opened.")
        .def("close", &SearcherHandle::close,
             "Closes the databases; searching afterwards raises UsageError.")
        .def("__enter__", [](py::object self) { return self; })
        .def("__exit__", [](SearcherHandle& self, const py::args&) { self.close(); })
        .def(
            "stats",
            [](SearcherHandle& self) {
                std::string json = locked(self, [](Searcher& searcher) {
                    return stats_json(database_stats(searcher.database(), searcher.paths()), false);
                });
                return py::module_::import("json").attr("loads")(text(json));
            },
            "The databases' statistics as searcher --stats --json gives them (dict).")
        .def_property_readonly(
            "language",
            [](SearcherHandle& self) {
                return text(locked(self, [](Searcher& s) { return s.language(); }));
            },
            "The stemming language recorded in the databases.")
        .def_property_readonly(
            "databases", [](const SearcherHandle& self) { return texts(self.databases()); },
            "The databases, as given.")
        .def_property_readonly(
            "warnings",
            [](SearcherHandle& self) {
                return texts(locked(self, [](Searcher& s) { return s.warnings(); }));
            },
            "The shards left out so far (allow_partial=True), one message each.");
}

}  // namespace folio::python
