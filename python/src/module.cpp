// SPDX-License-Identifier: GPL-2.0-or-later
// module.cpp: the module folio._folio (re-exported by the package folio): its exceptions, the
// shared conversions, and the module-level functions.
#include <xapian.h>

#include <exception>

#include "bindings.hpp"
#include "folio/error.hpp"
#include "folio/paths.hpp"
#include "folio/stemmer.hpp"

namespace folio::python {

namespace {

// The exception classes, created once when the module is imported (never freed: the
// translator may run until the interpreter exits).
PyObject* error_class = nullptr;
PyObject* query_error_class = nullptr;
PyObject* database_error_class = nullptr;
PyObject* usage_error_class = nullptr;
PyObject* input_error_class = nullptr;

PyObject* make_class(py::module_& m, const char* name, PyObject* base, const char* doc) {
    const std::string qualified = std::string("folio.") + name;
    PyObject* type = PyErr_NewExceptionWithDoc(qualified.c_str(), doc, base, nullptr);
    if (type == nullptr)
        throw py::error_already_set();
    m.add_object(name, py::handle(type));  // the module holds a reference too
    return type;
}

/// Raises `type(message)` with these attributes set on the exception.
void raise(PyObject* type, const std::string& message,
           std::initializer_list<std::pair<const char*, py::object>> attributes = {}) {
    py::object error = py::reinterpret_borrow<py::object>(type)(text(message));
    for (const auto& [name, value] : attributes)
        error.attr(name) = value;
    PyErr_SetObject(type, error.ptr());
}

void translate(std::exception_ptr pending) {
    try {
        std::rethrow_exception(pending);
    } catch (const folio::QueryError& e) {
        // The searcher prints the reason (and a caret under column), as --batch's "error" does.
        raise(query_error_class, e.reason(),
              {{"query", text(e.query())},
               {"column", py::int_(e.column())},
               {"reason", text(e.reason())}});
    } catch (const folio::InputError& e) {
        raise(
            input_error_class, e.what(),
            {{"path", text(e.path())}, {"line", py::int_(e.line())}, {"reason", text(e.reason())}});
    } catch (const folio::UsageError& e) {
        raise(usage_error_class, e.what());
    } catch (const folio::DatabaseError& e) {
        raise(database_error_class, e.what());
    } catch (const folio::Error& e) {
        raise(error_class, e.what());
    } catch (const Xapian::DatabaseOpeningError& e) {
        raise(database_error_class, "cannot open the database: " + e.get_msg());
    } catch (const Xapian::DatabaseError& e) {
        raise(database_error_class, e.get_description());
    } catch (const Xapian::NetworkError& e) {
        raise(database_error_class, e.get_description());
    } catch (const Xapian::Error& e) {
        raise(error_class, e.get_description());
    }
}

}  // namespace

py::str text(std::string_view bytes) {
    PyObject* str =
        PyUnicode_DecodeUTF8(bytes.data(), static_cast<Py_ssize_t>(bytes.size()), "replace");
    if (str == nullptr)
        throw py::error_already_set();
    return py::reinterpret_steal<py::str>(str);
}

py::object optional_text(std::string_view bytes) {
    if (bytes.empty())
        return py::none();
    return text(bytes);
}

py::list texts(const std::vector<std::string>& list) {
    py::list out(list.size());
    for (std::size_t i = 0; i < list.size(); ++i)
        out[i] = text(list[i]);
    return out;
}

std::string path_arg(const py::handle& value) {
    // os.fsencode: a str's surrogate escapes (names that are not UTF-8) back to their bytes.
    return py::module_::import("os").attr("fsencode")(value).cast<std::string>();
}

std::vector<std::string> paths_arg(const py::handle& value, const char* what, bool allow_empty) {
    std::vector<std::string> out;
    const bool single = py::isinstance<py::str>(value) || py::isinstance<py::bytes>(value) ||
                        py::hasattr(value, "__fspath__");
    if (single) {
        out.push_back(path_arg(value));
    } else {
        for (const py::handle item : value)
            out.push_back(path_arg(item));
    }
    if (out.empty() && !allow_empty)
        throw folio::UsageError(std::string("no ") + what);
    return out;
}

std::vector<std::string> strings_arg(const py::handle& value) {
    if (value.is_none())
        return {};
    if (py::isinstance<py::str>(value))
        return {value.cast<std::string>()};
    std::vector<std::string> out;
    for (const py::handle item : value) {
        if (!py::isinstance<py::str>(item))
            throw py::type_error("expected a str or a list of str, got a list holding " +
                                 std::string(py::str(py::type::of(item).attr("__name__"))));
        out.push_back(item.cast<std::string>());
    }
    return out;
}

void add_errors(py::module_& m) {
    error_class = make_class(m, "Error", PyExc_Exception,
                             "Base of every error Folio raises; str() is the message the "
                             "programs print after 'error: '.");
    query_error_class =
        make_class(m, "QueryError", error_class,
                   "A query that cannot be parsed: attributes query, column (the 0-based "
                   "byte offset of the fault in the query's UTF-8) and reason.");
    database_error_class =
        make_class(m, "DatabaseError", error_class,
                   "The database cannot be opened, read or written, is locked by another "
                   "indexer, or is not a Folio database.");
    usage_error_class = make_class(m, "UsageError", error_class,
                                   "Bad arguments or settings: an unknown sort order, facet "
                                   "or language, a value out of range, no query.");
    input_error_class =
        make_class(m, "InputError", error_class,
                   "A file that cannot be read as articles: attributes path, line (0 when "
                   "not tied to a line) and reason.");
    py::register_exception_translator(translate);
}

}  // namespace folio::python

PYBIND11_MODULE(_folio, m) {
    namespace py = pybind11;
    using namespace folio::python;
    m.doc() = "Folio's C++ library for Python: the compiled part of the package folio.";
    add_errors(m);
    add_search(m);
    add_index(m);
    m.attr("__version__") = FOLIO_VERSION;
    m.def(
        "default_database", [] { return text(folio::database_path_from_environment()); },
        "The database the programs use without --db: $FOLIO_DB when set, else "
        "$XDG_DATA_HOME/folio/index (~/.local/share/folio/index).");
    m.def(
        "languages",
        [] {
            std::vector<std::string> out = folio::stemmer_languages();
            out.push_back("none");
            return texts(out);
        },
        "The stemming languages an Index accepts (as indexer --list-languages lists them); "
        "ISO 639 codes and BCP 47 tags are accepted too.");
    m.def(
        "versions", [] { return text(folio::version_text("folio")); },
        "Folio's version and the Xapian and libstemmer it runs on, as --version prints them.");
}
