// SPDX-License-Identifier: GPL-2.0-or-later
// read/container.hpp: what the document readers (PDF, EPUB, DOCX, ODT) share: the limits that
// bound their time and memory, and zip archives read through libzip with the expanded size
// counted as it inflates (XML: read/xml.hpp). Private to read/.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

struct zip;  // libzip's archive (zip.h)

namespace folio::detail {

/// Zip archives with more entries than this are refused (an EPUB holds a few hundred).
inline constexpr std::size_t kMaxZipEntries = 10000;
/// The expanded size of what a zip reader takes out of one archive, when --max-file-size is 0.
inline constexpr std::uint64_t kMaxExpandedBytes = std::uint64_t{1} << 30;
/// PDFs with more pages than this are refused.
inline constexpr int kMaxPdfPages = 10000;
/// XML nested deeper than this is refused (libxml2's own limit without XML_PARSE_HUGE).
inline constexpr std::size_t kMaxXmlDepth = 256;

/// A zip archive held in memory (the caller keeps `bytes` alive), read through libzip. The
/// total size of the entries read is held to `max_expanded` bytes, counted while inflating (a
/// declared size is not trusted). Every failure throws std::runtime_error with a reason
/// ("broken or truncated zip archive", "zip entries expand past ..."). Not thread-safe; one per
/// thread.
class ZipArchive {
  public:
    ZipArchive(std::string_view bytes, std::uint64_t max_expanded);
    ZipArchive(const ZipArchive&) = delete;
    ZipArchive& operator=(const ZipArchive&) = delete;
    ~ZipArchive();

    /// Whether the archive holds an entry of that exact name.
    bool has(const std::string& name) const;
    /// The entry's bytes; throws when it is missing, damaged or over the expanded-size budget.
    std::string read(const std::string& name);
    /// The name of the first entry ("" for an empty archive).
    std::string first_name() const;

  private:
    ::zip* zip_ = nullptr;
    std::uint64_t budget_;
};

}  // namespace folio::detail
