// folio/paths.hpp: where Folio keeps things by default.
#pragma once

#include <string>

namespace folio {

/// The database used when neither --db nor FOLIO_DB names one:
/// $XDG_DATA_HOME/folio/index, else $HOME/.local/share/folio/index, else ./folio-index.
std::string default_database_path();

/// --db's default: $FOLIO_DB when set and not empty, else default_database_path().
std::string database_path_from_environment();

/// Folio's version, and the Xapian and libstemmer it runs on, as `--version` prints them.
std::string version_text(const std::string& program);

}  // namespace folio
