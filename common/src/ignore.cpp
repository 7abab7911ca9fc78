#include "ignore.hpp"

#include <fnmatch.h>

#include <cstddef>
#include <utility>

namespace folio {

namespace {

std::vector<std::string_view> split_path(std::string_view path) {
    std::vector<std::string_view> parts;
    while (!path.empty()) {
        const std::size_t slash = path.find('/');
        const std::string_view part = path.substr(0, slash);
        if (!part.empty())
            parts.push_back(part);
        if (slash == std::string_view::npos)
            break;
        path.remove_prefix(slash + 1);
    }
    return parts;
}

// Does segments[p...] match parts[q...]? "**" matches any number of whole segments (at the
// end: at least one, "everything inside").
bool match_from(const std::vector<std::string>& segments, std::size_t p,
                const std::vector<std::string_view>& parts, std::size_t q) {
    for (; p < segments.size(); ++p, ++q) {
        if (segments[p] == "**") {
            if (p + 1 == segments.size())
                return q < parts.size();
            for (std::size_t k = q; k <= parts.size(); ++k) {
                if (match_from(segments, p + 1, parts, k))
                    return true;
            }
            return false;
        }
        if (q == parts.size() || !glob_segment_match(segments[p], parts[q]))
            return false;
    }
    return q == parts.size();
}

}  // namespace

bool glob_segment_match(std::string_view pattern, std::string_view name) {
    const std::string p(pattern), n(name);
    return ::fnmatch(p.c_str(), n.c_str(), 0) == 0;
}

IgnoreRules::IgnoreRules(std::string base, std::string_view text) : base_(std::move(base)) {
    while (!text.empty()) {
        const std::size_t end = text.find('\n');
        add(text.substr(0, end));
        if (end == std::string_view::npos)
            break;
        text.remove_prefix(end + 1);
    }
}

void IgnoreRules::add(std::string_view line) {
    if (!line.empty() && line.back() == '\r')
        line.remove_suffix(1);
    // Trailing spaces are dropped unless a backslash escapes them.
    while (!line.empty() && line.back() == ' ' &&
           !(line.size() >= 2 && line[line.size() - 2] == '\\')) {
        line.remove_suffix(1);
    }
    if (line.empty() || line.front() == '#')
        return;
    IgnorePattern pattern;
    if (line.front() == '!') {
        pattern.negated = true;
        line.remove_prefix(1);
    }
    if (!line.empty() && line.back() == '/') {
        pattern.directory_only = true;
        line.remove_suffix(1);
    }
    // A slash at the start or in the middle anchors the pattern to the file's directory;
    // without one it matches at any depth.
    const bool anchored = line.find('/') != std::string_view::npos;
    if (!anchored)
        pattern.segments.emplace_back("**");
    for (std::string_view part : split_path(line))
        pattern.segments.emplace_back(part);
    if (pattern.segments.empty() || (!anchored && pattern.segments.size() == 1))
        return;  // "/" or "!" alone: nothing to match
    patterns_.push_back(std::move(pattern));
}

IgnoreVerdict IgnoreRules::match(std::string_view relative, bool is_directory) const {
    const std::vector<std::string_view> parts = split_path(relative);
    for (auto it = patterns_.rbegin(); it != patterns_.rend(); ++it) {
        if (it->directory_only && !is_directory)
            continue;
        // A leading "**" may match no segment, a trailing one at least one.
        if (match_from(it->segments, 0, parts, 0))
            return it->negated ? IgnoreVerdict::include : IgnoreVerdict::ignore;
    }
    return IgnoreVerdict::none;
}

}  // namespace folio
