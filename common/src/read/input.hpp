// SPDX-License-Identifier: GPL-2.0-or-later
// read/input.hpp: files and standard input read in chunks, and split into lines without holding
// more than one line; the JSON Lines reader reads through them.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <system_error>

#include "read/readers.hpp"

namespace folio {

// A file opened for reading (or standard input for "-"); throws std::system_error.
class Input {
  public:
    explicit Input(const std::string& path) {
        if (path == "-")
            return;
        // Non-blocking, so that a named pipe put where a file was cannot hang the open (and the
        // indexer with its lock); only regular files are read.
        fd_ = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        if (fd_ < 0)
            throw std::system_error(errno, std::generic_category(), "cannot open file");
        struct stat st {};
        if (::fstat(fd_, &st) != 0) {
            throw std::system_error(errno, std::generic_category(), "cannot open file");
        }
        if (S_ISDIR(st.st_mode)) {
            throw std::system_error(EISDIR, std::generic_category(), "cannot read file");
        }
        if (!S_ISREG(st.st_mode))
            throw std::runtime_error(std::string("not a regular file (") +
                                     special_kind(st.st_mode) + "): not read");
        ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) & ~O_NONBLOCK);
        size_ = static_cast<std::uint64_t>(st.st_size);
    }
    Input(const Input&) = delete;
    Input& operator=(const Input&) = delete;
    ~Input() {
        if (fd_ >= 0)
            ::close(fd_);
    }

    /// Moves to byte `offset` of a regular file.
    void seek(std::uint64_t offset) {
        if (fd_ < 0 || ::lseek(fd_, static_cast<off_t>(offset), SEEK_SET) < 0) {
            throw std::system_error(errno, std::generic_category(), "cannot seek in file");
        }
    }

    /// The size when it is known before reading (regular files).
    std::optional<std::uint64_t> size() const { return size_; }

    /// Reads up to n bytes; 0 at the end.
    std::size_t read(char* buffer, std::size_t n);

  private:
    int fd_ = -1;
    std::optional<std::uint64_t> size_;
};

using ChunkReader = std::function<std::size_t(char*, std::size_t)>;

// Splits a byte stream into lines without holding more than one line (and a buffer).
class LineReader {
  public:
    explicit LineReader(ChunkReader read)
        : read_(std::move(read)), buffer_(new char[kBufferSize]) {}

    // The next line without its "\n". A line longer than `limit` bytes (0: no limit) is
    // skipped up to its end and comes back empty with *too_long set. False at the end.
    bool next(std::string& line, std::uint64_t limit, bool* too_long) {
        line.clear();
        *too_long = false;
        bool any = false;
        for (;;) {
            if (pos_ == end_) {
                if (eof_)
                    return any;
                end_ = read_(buffer_.get(), kBufferSize);
                pos_ = 0;
                if (end_ == 0) {
                    eof_ = true;
                    return any;
                }
            }
            any = true;
            const char* start = buffer_.get() + pos_;
            const auto* nl = static_cast<const char*>(std::memchr(start, '\n', end_ - pos_));
            const std::size_t len =
                nl == nullptr ? end_ - pos_ : static_cast<std::size_t>(nl - start);
            if (!*too_long) {
                if (limit != 0 && line.size() + len > limit) {
                    *too_long = true;
                    line.clear();
                    line.shrink_to_fit();
                } else {
                    line.append(start, len);
                }
            }
            pos_ += len;
            if (nl != nullptr) {
                ++pos_;
                return true;
            }
        }
    }

  private:
    static constexpr std::size_t kBufferSize = 256 << 10;

    ChunkReader read_;
    std::unique_ptr<char[]> buffer_;  // not zeroed: only read_ writes it
    std::size_t pos_ = 0;
    std::size_t end_ = 0;
    bool eof_ = false;
};

/// The warning for UTF-16 input that had to be repaired.
inline constexpr const char* kUtf16Damaged =
    "UTF-16 text with unpaired surrogates or an odd last byte: replaced by U+FFFD";

/// A stream that starts with a UTF-16 byte-order mark, read as UTF-8; any other stream as it is.
/// *damaged is set at the end of a UTF-16 stream that had unpaired surrogates or an odd last byte.
ChunkReader decoding_utf16(ChunkReader raw, bool* damaged);

/// The whole input, or nullopt when it grows past `limit` (0: no limit).
std::optional<std::string> read_all(Input& input, std::uint64_t limit);

/// Reads the JSON Lines records of `lines` (lines longer than `line_limit` bytes are errors; 0:
/// no limit), each good record an article for `sink`, each bad one a diagnostic.
ReadStats read_jsonl(LineReader& lines, std::uint64_t line_limit, const FileInfo& info,
                     const ArticleSink& sink, const DiagnosticSink& diagnostics);

}  // namespace folio
