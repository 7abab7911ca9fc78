// SPDX-License-Identifier: GPL-2.0-or-later
// folio/diagnostic.hpp: a problem found in the input (a file, a record, a line), reported to the
// user and never fatal for the rest of a run.
#pragma once

#include <cstddef>
#include <string>

namespace folio {

/// A problem found while reading input: reported to the user, never fatal for other files.
struct Diagnostic {
    enum class Severity { warning, error };
    Severity severity = Severity::error;
    std::string path;
    std::size_t line = 0;  ///< 1-based, 0 when not tied to a line
    std::string message;

    /// "PATH[:LINE]: MESSAGE"
    std::string to_string() const;
};

}  // namespace folio
