// folio/terminal.hpp: text on its way to a person's terminal. Article fields, file names and
// ids come from the data indexed, which anyone may have written: every string either program
// prints for a person (results, facets, statistics, --files, warnings and errors) goes through
// terminal_text, so that no data can drive the terminal (set its title, write the clipboard,
// clear the screen, hide or reorder text). JSON output is exact and escaped instead.
#pragma once

#include <string>
#include <string_view>

namespace folio {

/// `text` made safe to print: every byte or character that a terminal acts on instead of
/// showing is made visible instead. C0 controls and DEL become "\xHH" (tab "\t", newline "\n",
/// carriage return "\r"); C1 controls (U+0080-U+009F), the bidirectional embeddings, overrides,
/// isolates and marks (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069) and the line and
/// paragraph separators (U+2028, U+2029) become "<U+HHHH>"; bytes that are not UTF-8 become
/// "\xHH". Anything else, and a string that needs none of this, comes back as it is.
std::string terminal_text(std::string_view text);

/// True when terminal_text(text) == text.
bool terminal_safe(std::string_view text) noexcept;

}  // namespace folio
