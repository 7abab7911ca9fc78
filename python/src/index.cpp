// SPDX-License-Identifier: GPL-2.0-or-later
// index.cpp: folio.Index over the library's indexing run (folio::run_index, plan_index,
// delete_articles), its Summary (the fields of indexer --json), Diagnostic and Progress.
#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "analysis/stemmer.hpp"
#include "bindings.hpp"
#include "folio/error.hpp"
#include "folio/indexing.hpp"
#include "folio/paths.hpp"
#include "index/writer.hpp"
#include "store/layout.hpp"

namespace folio::python {

namespace {

/// A run's summary and every warning and error it reported.
struct Summary {
    IndexSummary summary;
    std::vector<Diagnostic> diagnostics;
};

/// What a progress callback is given.
struct Progress {
    std::size_t files_done = 0, files_total = 0;
    std::uint64_t bytes_done = 0, bytes_total = 0;
    std::size_t articles = 0;
};

/// The database an Index writes and the options of its runs, as the indexer's flags give them.
struct IndexHandle {
    IndexOptions options;  // db and the settings; paths, rebuild and stop are set per run
};

/// Runs an indexing job with the GIL released. `progress` (None or a callable taking a
/// Progress) is called on this thread with the GIL held; an exception it raises, or a signal
/// (KeyboardInterrupt), stops the run as SIGINT stops the indexer (what was done is
/// committed; a rebuild is abandoned) and is raised once the run has stopped.
Summary run(IndexHandle& self, std::vector<std::string> paths, bool rebuild,
            const py::object& progress) {
    IndexOptions options = self.options;
    options.paths = std::move(paths);
    options.rebuild = rebuild;
    options.new_language = language_from_environment();
    std::atomic<bool> stop{false};
    options.stop = &stop;

    Summary out;
    std::optional<py::error_already_set> failure;
    IndexObserver observer;
    observer.diagnostic = [&](const Diagnostic& d) { out.diagnostics.push_back(d); };
    observer.progress = [&](std::size_t files_done, std::size_t files_total,
                            std::uint64_t bytes_done, std::uint64_t bytes_total,
                            std::size_t articles) {
        py::gil_scoped_acquire gil;
        if (failure)
            return;
        try {
            if (PyErr_CheckSignals() != 0)
                throw py::error_already_set();
            if (!progress.is_none())
                progress(Progress{files_done, files_total, bytes_done, bytes_total, articles});
        } catch (py::error_already_set& e) {
            failure = std::move(e);
            stop = true;
        }
    };
    {
        py::gil_scoped_release release;
        out.summary = run_index(options, observer);
    }
    if (failure)
        throw *failure;
    return out;
}

/// update() without paths: the files the database's manifest records, split into those still
/// there (to be checked by a run) and those gone, whose articles it deletes as a run over their
/// folder would, in one commit. A file that cannot be looked at counts as there: the run
/// reports it and keeps its articles, as the indexer does.
struct KnownFiles {
    std::vector<std::string> present;
    std::size_t deleted = 0;
};

KnownFiles known_files(const IndexHandle& self) {
    KnownFiles out;
    IndexLock lock(self.options.db, self.options.wait_lock);
    DatabaseLayout layout(self.options.db);
    if (layout.current().empty())
        throw DatabaseError("no database at " + self.options.db);
    std::vector<std::string> gone;
    for (const auto& entry : load_manifest(Xapian::Database(layout.shards().front()))) {
        std::error_code ec;
        if (std::filesystem::exists(entry.first, ec) || ec)
            out.present.push_back(entry.first);
        else
            gone.push_back(entry.first);
    }
    if (!gone.empty()) {
        ShardedWriter writer(layout.shards(), WriterOptions{});
        const std::unordered_map<std::string, bool> none;
        for (const auto& path : gone) {
            out.deleted += writer.remove_file_articles(path, none);
            writer.forget_file(path);
        }
        writer.commit();
    }
    return out;
}

py::dict diagnostic_dict(const Diagnostic& d) {
    py::dict out;
    out["severity"] = d.severity == Diagnostic::Severity::warning ? "warning" : "error";
    out["path"] = text(d.path);
    if (d.line != 0)
        out["line"] = d.line;
    out["message"] = text(d.message);
    return out;
}

const char* const kProgressArg =
    "progress: None, or a callable given a Progress about five times a second and at the end, "
    "on the calling thread; an exception it raises (or Ctrl-C) stops the run as SIGINT stops "
    "the indexer, and is raised after it.";

void add_result_classes(py::module_& m) {
    py::class_<Diagnostic>(m, "Diagnostic", "A warning or error about one input file.")
        .def_property_readonly(
            "severity",
            [](const Diagnostic& d) {
                return d.severity == Diagnostic::Severity::warning ? "warning" : "error";
            },
            "\"warning\" or \"error\".")
        .def_property_readonly(
            "path", [](const Diagnostic& d) { return text(d.path); }, "The file.")
        .def_readonly("line", &Diagnostic::line, "1-based; 0 when not tied to a line.")
        .def_property_readonly(
            "message", [](const Diagnostic& d) { return text(d.message); }, "What went wrong.")
        .def("__str__", [](const Diagnostic& d) { return text(d.to_string()); })
        .def("__repr__", [](const Diagnostic& d) {
            return py::str("<folio.Diagnostic {}: {!r}>")
                .format(d.severity == Diagnostic::Severity::warning ? "warning" : "error",
                        text(d.to_string()));
        });

    py::class_<Progress>(m, "Progress", "How far an indexing run is.")
        .def_readonly("files_done", &Progress::files_done)
        .def_readonly("files_total", &Progress::files_total, "Files to read.")
        .def_readonly("bytes_done", &Progress::bytes_done)
        .def_readonly("bytes_total", &Progress::bytes_total, "Bytes to read.")
        .def_readonly("articles", &Progress::articles, "Articles read so far.")
        .def("__repr__", [](const Progress& p) {
            return py::str("<folio.Progress {}/{} files, {}/{} bytes, {} articles>")
                .format(p.files_done, p.files_total, p.bytes_done, p.bytes_total, p.articles);
        });

    auto summary = py::class_<Summary>(m, "Summary",
                                       "What an indexing run did: the fields of indexer --json.");
    auto count = [&](const char* name, std::size_t IndexSummary::*field, const char* doc) {
        summary.def_property_readonly(
            name, [field](const Summary& s) { return s.summary.*field; }, doc);
    };
    count("files", &IndexSummary::files, "Files read.");
    count("unchanged_files", &IndexSummary::unchanged_files,
          "Files not read: same size and time (or content) as at the last run.");
    count("added", &IndexSummary::added, "Articles new to the database.");
    count("replaced", &IndexSummary::replaced, "Articles that replaced one with the same id.");
    count("unchanged", &IndexSummary::unchanged, "Articles read but identical to the stored.");
    count("deleted", &IndexSummary::deleted, "Articles deleted (their file or record is gone).");
    count("skipped", &IndexSummary::skipped, "Files skipped with a warning.");
    count("failed", &IndexSummary::failed, "Articles or files that could not be read.");
    count("warnings", &IndexSummary::warnings, "Warnings reported.");
    summary
        .def_property_readonly(
            "bytes", [](const Summary& s) { return s.summary.bytes; }, "Bytes of input read.")
        .def_property_readonly(
            "seconds", [](const Summary& s) { return s.summary.seconds; }, "Wall time.")
        .def_property_readonly(
            "articles_per_second",
            [](const Summary& s) {
                return s.summary.seconds > 0
                           ? static_cast<double>(s.summary.articles()) / s.summary.seconds
                           : 0.0;
            },
            "(added + replaced) / seconds.")
        .def_property_readonly(
            "megabytes_per_second",
            [](const Summary& s) {
                const double mb = static_cast<double>(s.summary.bytes) / (1024.0 * 1024.0);
                return s.summary.seconds > 0 ? mb / s.summary.seconds : 0.0;
            },
            "MiB of input per second.")
        .def_property_readonly(
            "jobs", [](const Summary& s) { return s.summary.jobs; }, "Threads used.")
        .def_property_readonly(
            "shards", [](const Summary& s) { return s.summary.shards; }, "Shards written.")
        .def_property_readonly(
            "language", [](const Summary& s) { return text(s.summary.language); },
            "The database's language.")
        .def_property_readonly(
            "generation", [](const Summary& s) { return text(s.summary.generation); },
            "The database generation written.")
        .def_property_readonly(
            "compacted", [](const Summary& s) { return s.summary.compacted; },
            "The database was compacted afterwards.")
        .def_property_readonly(
            "interrupted", [](const Summary& s) { return s.summary.interrupted; },
            "The run was stopped (what was done is committed; a rebuild is abandoned).")
        .def_property_readonly(
            "diagnostics",
            [](py::object self) {
                const auto& list = self.cast<const Summary&>().diagnostics;
                py::list out(list.size());
                for (std::size_t i = 0; i < list.size(); ++i)
                    out[i] = py::cast(&list[i], py::return_value_policy::reference_internal, self);
                return out;
            },
            "Every warning and error of the run (list of Diagnostic).")
        .def_property_readonly(
            "articles", [](const Summary& s) { return s.summary.articles(); }, "added + replaced.")
        .def_property_readonly(
            "exit_code", [](const Summary& s) { return s.summary.exit_code(); },
            "The indexer's exit code for this run: 0 all went in, 1 some articles failed.")
        .def(
            "as_dict",
            [](py::object self) {
                py::dict out;
                for (const char* name :
                     {"files", "unchanged_files", "added", "replaced", "unchanged", "deleted",
                      "skipped", "failed", "warnings", "bytes", "seconds", "articles_per_second",
                      "megabytes_per_second", "jobs", "shards", "language", "generation",
                      "compacted", "interrupted"}) {
                    out[name] = self.attr(name);
                }
                py::list diagnostics;
                for (const Diagnostic& d : self.cast<const Summary&>().diagnostics)
                    diagnostics.append(diagnostic_dict(d));
                out["diagnostics"] = diagnostics;
                return out;
            },
            "The summary as indexer --json prints it (dict, same keys and order).")
        .def("__repr__", [](const Summary& s) {
            return py::str(
                       "<folio.Summary {} files: {} added, {} replaced, {} deleted, {} "
                       "unchanged, {} failed>")
                .format(s.summary.files, s.summary.added, s.summary.replaced, s.summary.deleted,
                        s.summary.unchanged + s.summary.unchanged_files, s.summary.failed);
        });

    py::class_<IndexPlan>(m, "Plan", "What a run would do (Index.plan).")
        .def_property_readonly(
            "add", [](const IndexPlan& p) { return texts(p.add); }, "Files to add.")
        .def_property_readonly(
            "update", [](const IndexPlan& p) { return texts(p.update); }, "Files to read again.")
        .def_property_readonly(
            "delete", [](const IndexPlan& p) { return texts(p.remove); },
            "Files whose articles would be deleted.")
        .def_readonly("unchanged", &IndexPlan::unchanged, "Files left as they are.");
}

}  // namespace

void add_index(py::module_& m) {
    add_result_classes(m);

    using Paths = const py::object&;
    py::class_<IndexHandle>(m, "Index",
                            "A Folio database to write, as the indexer program writes it. One "
                            "writer at a time: another indexer (or Index) holding the "
                            "database's lock makes a run raise DatabaseError, unless "
                            "wait_lock=True.")
        .def(py::init([](const py::object& path, std::optional<std::string> language, bool spelling,
                         unsigned jobs, unsigned shards, std::uint64_t memory,
                         std::uint64_t max_file_size, bool wait_lock) {
                 auto handle = std::make_unique<IndexHandle>();
                 IndexOptions& o = handle->options;
                 o.db = path.is_none() ? database_path_from_environment() : path_arg(path);
                 o.language = language ? canonical_language(*language) : "";
                 o.spelling = spelling;
                 o.jobs = jobs;
                 if (shards > kMaxShards) {
                     throw UsageError("shards: value " + std::to_string(shards) +
                                      " not in range 1 to " + std::to_string(kMaxShards));
                 }
                 o.shards = shards;
                 if (memory < (16u << 20))
                     throw UsageError("memory must be at least 16M");
                 o.memory = memory;
                 o.max_file_size = max_file_size;
                 o.wait_lock = wait_lock;
                 return handle;
             }),
             py::arg("path") = py::none(), py::arg("language") = py::none(), py::kw_only(),
             py::arg("spelling") = IndexOptions{}.spelling, py::arg("jobs") = IndexOptions{}.jobs,
             py::arg("shards") = IndexOptions{}.shards, py::arg("memory") = IndexOptions{}.memory,
             py::arg("max_file_size") = IndexOptions{}.max_file_size,
             py::arg("wait_lock") = IndexOptions{}.wait_lock,
             R"(The database at path (str or os.PathLike; None: folio.default_database()).
language: the stemming language of a new database (a Snowball language, chinese, japanese,
  korean, an ISO 639 code or BCP 47 tag, or none); None keeps the database's, else
  $FOLIO_LANGUAGE, else english. An existing database keeps its own (rebuild to change it).
spelling: build the spelling dictionary ("did you mean"). jobs: threads for a new database
  or a rebuild (0: all cores). shards: shards of a new database or a rebuild (0 keeps the
  current number). memory: bytes for the writers' buffers (at least 16 MiB).
max_file_size: bytes; larger files are skipped with an error (0: no limit).
wait_lock: wait for another indexer instead of raising DatabaseError.
Nothing is opened until a method runs. Raises UsageError for an unknown language.)")
        .def(
            "add",
            [](IndexHandle& self, Paths paths, const py::object& progress) {
                return run(self, paths_arg(paths, "files or directories to index", false), false,
                           progress);
            },
            py::arg("paths"), py::kw_only(), py::arg("progress") = py::none(),
            (std::string("Indexes files and directories (a path or a list; \"-\" reads JSON "
                         "Lines from standard input), as `indexer PATH...` does: new articles "
                         "are added, changed ones replaced, and the articles of files gone "
                         "from under these paths deleted; files unchanged since the last run "
                         "are not read. Returns a Summary; bad files are reported in its "
                         "diagnostics, not raised.\n") +
             kProgressArg)
                .c_str())
        .def(
            "update",
            [](IndexHandle& self, const py::object& paths, const py::object& progress) {
                if (!paths.is_none())
                    return run(self, paths_arg(paths, "files or directories to index", false),
                               false, progress);
                // The files and folders the database was indexed from, as the indexer
                // without paths: new files are found too; a root that is gone keeps its
                // articles, with a warning.
                RootsToUpdate roots = roots_to_update(self.options.db);
                if (!roots.present.empty() || !roots.gone.empty()) {
                    Summary out;
                    if (!roots.present.empty())
                        out = run(self, std::move(roots.present), false, progress);
                    for (Diagnostic& gone : roots.gone) {
                        out.diagnostics.push_back(std::move(gone));
                        ++out.summary.warnings;
                    }
                    return out;
                }
                // A database made before its roots were recorded: the files it records.
                KnownFiles known;
                {
                    py::gil_scoped_release release;  // the lock may be waited for
                    known = known_files(self);
                }
                Summary out;
                if (!known.present.empty())
                    out = run(self, std::move(known.present), false, progress);
                out.summary.deleted += known.deleted;
                return out;
            },
            py::arg("paths") = py::none(), py::kw_only(), py::arg("progress") = py::none(),
            (std::string("Brings the index up to date. With paths, the same run as add(paths). "
                         "Without, the files and folders the database was indexed from, as "
                         "folio-indexer without paths: new files are added, changed ones read "
                         "again, deleted ones' articles deleted; a file or folder given once and "
                         "gone now keeps its articles, with a warning in the summary (update([it]) "
                         "deletes them). A database made before roots were recorded goes over the "
                         "files it records instead. Returns a Summary.\n") +
             kProgressArg)
                .c_str())
        .def(
            "rebuild",
            [](IndexHandle& self, Paths paths, const py::object& progress) {
                return run(self, paths_arg(paths, "files or directories to index", false), true,
                           progress);
            },
            py::arg("paths"), py::kw_only(), py::arg("progress") = py::none(),
            (std::string("Builds a fresh index of paths beside the live one and switches to it "
                         "atomically (indexer --rebuild): searchers keep answering from the "
                         "old one until they reopen(). A path that does not exist raises "
                         "UsageError before anything is done. Returns a Summary.\n") +
             kProgressArg)
                .c_str())
        .def(
            "delete",
            [](IndexHandle& self, const py::object& ids) {
                std::vector<std::string> list = strings_arg(ids);
                py::gil_scoped_release release;
                return delete_articles(self.options.db, list, self.options.wait_lock);
            },
            py::arg("ids"),
            "Deletes the articles with these ids (a str or a list) in one commit; returns how "
            "many there were. Their files are not touched: an article comes back when its file "
            "changes and is indexed again.")
        .def(
            "plan",
            [](IndexHandle& self, Paths paths) {
                IndexOptions options = self.options;
                options.paths = paths_arg(paths, "files or directories to index", false);
                py::gil_scoped_release release;
                return plan_index(options, IndexObserver{});
            },
            py::arg("paths"),
            "What add(paths) would do, without doing it (indexer --dry-run): a Plan.")
        .def(
            "compact",
            [](IndexHandle& self) {
                py::gil_scoped_release release;
                compact_database(self.options.db, self.options.wait_lock);
            },
            "Compacts the database into a new generation and switches to it.")
        .def(
            "set_synonyms",
            [](IndexHandle& self, const py::object& file) {
                const std::string path = path_arg(file);
                py::gil_scoped_release release;
                return set_synonyms(self.options.db, path, self.options.wait_lock);
            },
            py::arg("file"),
            "Stores a synonyms file (lines 'a, b, c' or 'a => b, c') in the database, "
            "replacing its synonyms; returns the number of entries.")
        .def_property_readonly(
            "path", [](const IndexHandle& self) { return text(self.options.db); },
            "The database directory.")
        .def("__repr__", [](const IndexHandle& self) {
            return py::str("<folio.Index {!r}>").format(text(self.options.db));
        });
}

}  // namespace folio::python
