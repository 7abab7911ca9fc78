// SPDX-License-Identifier: GPL-2.0-or-later
// Fuzz target: the terminal sanitiser (folio::terminal_text, docs/SECURITY.md). For any bytes,
// the output must hold no C0 control, DEL, C1 control, bidirectional control or byte that is
// not UTF-8; it must be a fixed point (sanitising it again changes nothing); and text that
// needs nothing must come back unchanged.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "folio/terminal.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    const std::string out = folio::terminal_text(text);
    for (char c : out) {
        const auto b = static_cast<unsigned char>(c);
        if (b < 0x20 || b == 0x7F)
            abort();
    }
    if (!folio::terminal_safe(out) || folio::terminal_text(out) != out)
        abort();
    if (folio::terminal_safe(text) && out != text)
        abort();
    return 0;
}
