// folio/snippet.hpp: a passage of an article's text and the ranges to highlight in it, as plain
// data. Renderers (terminal colour, markers, JSON) only read it.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace folio {

/// A range of Snippet::text to highlight: byte offsets [begin, end), both on UTF-8 character
/// boundaries, begin < end.
struct Highlight {
    std::size_t begin = 0;
    std::size_t end = 0;

    bool operator==(const Highlight&) const = default;
};

/// One passage of a text and what to highlight in it.
struct Snippet {
    /// The passage: real text (not escaped), valid UTF-8 (invalid bytes become U+FFFD), one line:
    /// every run of whitespace or control characters is one ASCII space, none at either end.
    std::string text;
    /// Sorted, non-overlapping, non-empty ranges of `text`.
    std::vector<Highlight> highlights;
    /// Nothing of the text but whitespace and punctuation precedes the passage (not even a
    /// word too long to index, a symbol or an emoji).
    bool at_start = false;
    bool at_end = false;  ///< nothing but whitespace and punctuation follows the passage
    /// The page of the passage's first highlighted word (else of its start), counted from 1,
    /// when the text has pages (form feeds between them, as the PDF reader writes); 0 when it
    /// has none.
    std::size_t page = 0;
};

}  // namespace folio
