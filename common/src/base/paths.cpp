// SPDX-License-Identifier: GPL-2.0-or-later
#include "folio/paths.hpp"

#include <xapian.h>

#include <cstdlib>

namespace folio {

namespace {
std::string env(const char* name) {
    const char* value = std::getenv(name);
    return value != nullptr ? std::string(value) : std::string();
}
}  // namespace

std::string default_database_path() {
    if (std::string xdg = env("XDG_DATA_HOME"); !xdg.empty())
        return xdg + "/folio/index";
    if (std::string home = env("HOME"); !home.empty())
        return home + "/.local/share/folio/index";
    return "folio-index";
}

std::string database_path_from_environment() {
    if (std::string db = env("FOLIO_DB"); !db.empty())
        return db;
    return default_database_path();
}

std::string version_text(const std::string& program) {
    // libstemmer has no version call; Debian's libstemmer0d 2.2 is what the build links.
    return program + " (Folio) " FOLIO_VERSION "\nXapian " + Xapian::version_string() +
           ", Snowball libstemmer (" LIBSTEMMER_DESCRIPTION ")\n";
}

}  // namespace folio
