// SPDX-License-Identifier: GPL-2.0-or-later
#include "read/input.hpp"

#include <algorithm>
#include <iostream>
#include <vector>

namespace folio {

std::size_t Input::read(char* buffer, std::size_t n) {
    if (fd_ < 0) {
        std::cin.read(buffer, static_cast<std::streamsize>(n));
        if (std::cin.bad())
            throw std::runtime_error("cannot read standard input");
        return static_cast<std::size_t>(std::cin.gcount());
    }
    for (;;) {
        const ssize_t got = ::read(fd_, buffer, n);
        if (got >= 0)
            return static_cast<std::size_t>(got);
        if (errno != EINTR) {
            throw std::system_error(errno, std::generic_category(), "cannot read file");
        }
    }
}

std::optional<std::string> read_all(Input& input, std::uint64_t limit) {
    std::string data;
    if (input.size())
        data.reserve(static_cast<std::size_t>(*input.size()));
    std::vector<char> chunk(1 << 16);
    for (;;) {
        const std::size_t got = input.read(chunk.data(), chunk.size());
        if (got == 0)
            return data;
        data.append(chunk.data(), got);
        if (limit != 0 && data.size() > limit)
            return std::nullopt;
    }
}

ChunkReader decoding_utf16(ChunkReader raw, bool* damaged) {
    struct State {
        ChunkReader raw;
        bool* damaged;
        bool started = false;
        bool eof = false;
        std::optional<Utf16Decoder> decoder;
        std::string pending;  // bytes ready to hand out: the first bytes, or decoded text
        std::size_t pos = 0;
        std::vector<char> in;
    };
    auto s = std::make_shared<State>();
    s->raw = std::move(raw);
    s->damaged = damaged;
    return [s](char* buffer, std::size_t n) -> std::size_t {
        if (!s->started) {
            s->started = true;
            char head[2];
            std::size_t got = 0;
            while (got < sizeof head) {
                const std::size_t r = s->raw(head + got, sizeof head - got);
                if (r == 0)
                    break;
                got += r;
            }
            if (std::optional<bool> little = utf16_little_endian({head, got})) {
                s->decoder.emplace(*little);
            } else {
                s->pending.assign(head, got);
            }
        }
        while (s->pos == s->pending.size()) {
            if (!s->decoder)
                return s->raw(buffer, n);
            if (s->eof)
                return 0;
            s->pending.clear();
            s->pos = 0;
            s->in.resize(n);
            const std::size_t r = s->raw(s->in.data(), n);
            if (r == 0) {
                s->eof = true;
                s->decoder->finish(s->pending);
                *s->damaged = s->decoder->damaged();
            } else {
                s->decoder->decode({s->in.data(), r}, s->pending);
            }
        }
        const std::size_t take = std::min(n, s->pending.size() - s->pos);
        std::memcpy(buffer, s->pending.data() + s->pos, take);
        s->pos += take;
        return take;
    };
}

}  // namespace folio
