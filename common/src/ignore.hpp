// ignore.hpp (internal): gitignore-style rules, as git documents them (gitignore(5)), for the
// crawl's ignore files (.gitignore, .ignore, .folioignore) and --exclude.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace folio {

/// What the rules say of a path: nothing, leave it out, or take it in (a "!" pattern).
enum class IgnoreVerdict { none, ignore, include };

/// One gitignore pattern, ready to match paths relative to the directory of its file.
struct IgnorePattern {
    std::vector<std::string> segments;  ///< split at '/'; "**" is a segment of its own
    bool negated = false;               ///< "!pattern": takes back an earlier exclusion
    bool directory_only = false;        ///< "pattern/": matches directories only
};

/// The patterns of one ignore file (or of --exclude), relative to `base`, a directory.
class IgnoreRules {
  public:
    IgnoreRules() = default;
    /// `text`: the file's lines (gitignore syntax: blank lines and "#" comments skipped,
    /// trailing spaces dropped unless escaped, "\" escapes a leading "#" or "!").
    IgnoreRules(std::string base, std::string_view text);

    /// Adds one line of gitignore syntax.
    void add(std::string_view line);

    /// The verdict of the last pattern that matches `relative` (a path under base, '/'-separated,
    /// no leading '/'), or none.
    IgnoreVerdict match(std::string_view relative, bool is_directory) const;

    const std::string& base() const noexcept { return base_; }
    bool empty() const noexcept { return patterns_.empty(); }

  private:
    std::string base_;
    std::vector<IgnorePattern> patterns_;
};

/// True when `name` (one path segment) matches the glob `pattern` (*, ?, [...], \ escapes).
bool glob_segment_match(std::string_view pattern, std::string_view name);

}  // namespace folio
