// SPDX-License-Identifier: GPL-2.0-or-later
// Fuzz target: the stub-file parser and the resolver that follows stubs from a database
// directory (docs/SECURITY.md). The input is written as the XAPIANDB of a scratch directory
// and followed with expand_databases, which must refuse any remote line there (never run or
// reach anything), bound the nesting, report loops, and otherwise give local databases only.
// A bad line must be refused with DatabaseError or UsageError; anything else escaping is a
// finding, and so is a remote shard coming out of a database directory.
#include <stdlib.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "folio/error.hpp"
#include "folio/search.hpp"
#include "store/layout.hpp"

namespace {

std::string scratch;  // a database directory, removed at exit

void remove_scratch() {
    std::error_code ec;
    std::filesystem::remove_all(scratch, ec);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (scratch.empty()) {
        std::string dir = (std::filesystem::temp_directory_path() / "folio-fuzz-XXXXXX").string();
        if (mkdtemp(dir.data()) == nullptr)
            abort();
        scratch = dir;
        std::atexit(remove_scratch);
        std::filesystem::create_directories(scratch + "/db/sub");
    }
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        (void)folio::parse_stub(text, "stub");
    } catch (const folio::DatabaseError&) {
    }
    // The same text as a database directory's stub, and as the stub of a directory it names.
    for (const char* where : {"/db/XAPIANDB", "/db/sub/XAPIANDB"}) {
        std::ofstream(scratch + where, std::ios::binary | std::ios::trunc) << text;
        try {
            for (const auto& shard : folio::expand_databases({scratch + "/db"})) {
                if (shard.remote())
                    abort();  // a database directory reached a server or ran a program
            }
        } catch (const folio::DatabaseError&) {
        } catch (const folio::UsageError&) {
        }
    }
    std::ofstream(scratch + "/db/sub/XAPIANDB", std::ios::trunc) << "auto ..\n";
    return 0;
}
