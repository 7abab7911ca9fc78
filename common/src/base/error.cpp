// SPDX-License-Identifier: GPL-2.0-or-later
#include "folio/error.hpp"

#include <utility>

namespace folio {

namespace {
std::string located(const std::string& path, std::size_t line, const std::string& reason) {
    std::string out = path;
    if (line != 0)
        out += ":" + std::to_string(line);
    return out + ": " + reason;
}
}  // namespace

InputError::InputError(std::string path, std::size_t line, const std::string& reason)
    : Error(located(path, line, reason)), path_(std::move(path)), line_(line), reason_(reason) {}

QueryError::QueryError(std::string query, std::size_t column, const std::string& reason)
    : Error("bad query: " + reason), query_(std::move(query)), column_(column), reason_(reason) {}

}  // namespace folio
