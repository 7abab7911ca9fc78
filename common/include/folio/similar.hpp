// folio/similar.hpp: reading the articles a "more like this" search starts from (--like-file).
#pragma once

#include <string>
#include <vector>

#include "folio/article.hpp"

namespace folio {

/// The articles of a file for --like-file: read as the indexer reads it (by extension; a file of
/// another type as plain text). Throws InputError when it yields no article.
std::vector<Article> read_like_file(const std::string& path);

}  // namespace folio
