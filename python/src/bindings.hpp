// SPDX-License-Identifier: GPL-2.0-or-later
// bindings.hpp: what the parts of the Python module share: its exception classes, text
// conversions, and the functions that add each part's classes to the module.
#pragma once

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <string>
#include <string_view>
#include <vector>

namespace folio::python {

namespace py = pybind11;

/// A Python str of UTF-8 bytes; bytes that are not UTF-8 become U+FFFD, as in the programs'
/// JSON output.
py::str text(std::string_view bytes);
/// text(bytes), or None for a value the article does not have (as the JSON's null).
py::object optional_text(std::string_view bytes);
/// A Python list of such strs.
py::list texts(const std::vector<std::string>& list);

/// A str or os.PathLike as a path (os.fspath, then UTF-8 with surrogate escapes undone); throws
/// TypeError for anything else.
std::string path_arg(const py::handle& value);
/// A str, an os.PathLike, or an iterable of them, as a list of paths; `what` names the
/// argument in the UsageError an empty list gets when `allow_empty` is false.
std::vector<std::string> paths_arg(const py::handle& value, const char* what, bool allow_empty);
/// A str or an iterable of strs as a list of strings (ids, filters, facet specs).
std::vector<std::string> strings_arg(const py::handle& value);

/// The exception classes (folio.Error and its subclasses) and the translator that raises them
/// for Folio's and Xapian's C++ exceptions.
void add_errors(py::module_& m);
void add_search(py::module_& m);
void add_index(py::module_& m);

}  // namespace folio::python
