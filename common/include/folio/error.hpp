// folio/error.hpp: the library's one exception hierarchy.
// Every message names the offending path, line, field or value; programs catch once, in main.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>

namespace folio {

/// Base of every error Folio throws itself (Xapian's own errors pass through unchanged).
class Error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// A bad input file or record: what() reads "PATH[:LINE]: REASON".
class InputError : public Error {
  public:
    InputError(std::string path, std::size_t line, const std::string& reason);
    const std::string& path() const noexcept { return path_; }
    std::size_t line() const noexcept { return line_; }  ///< 0 when not tied to a line
    const std::string& reason() const noexcept { return reason_; }

  private:
    std::string path_;
    std::size_t line_;
    std::string reason_;
};

/// Bad arguments or settings given by the caller (exit code 2 in the programs).
class UsageError : public Error {
  public:
    using Error::Error;
};

/// The database cannot be opened, is locked, or is not a Folio database.
class DatabaseError : public Error {
  public:
    using Error::Error;
};

/// A query that cannot be parsed; column() is the 0-based byte offset of the fault.
class QueryError : public Error {
  public:
    QueryError(std::string query, std::size_t column, const std::string& reason);
    const std::string& query() const noexcept { return query_; }
    std::size_t column() const noexcept { return column_; }
    const std::string& reason() const noexcept { return reason_; }

  private:
    std::string query_;
    std::size_t column_;
    std::string reason_;
};

}  // namespace folio
