// SPDX-License-Identifier: GPL-2.0-or-later
#include "schema/schema.hpp"

#include <lz4.h>
#include <xxhash.h>

#include <cstdint>
#include <cstdio>

#include "folio/error.hpp"

namespace folio::schema {

namespace {

constexpr unsigned char kDataVersion = 1;

// The forms of a kSlotArticle value: a byte, then the encode_article bytes as they are, or
// their size (varint) and an LZ4 block of them.
constexpr char kArticlePlain = '\0';
constexpr char kArticleLz4 = '\1';

std::string hashed(std::string_view prefix, std::string_view value) {
    XXH128_hash_t h = XXH3_128bits(value.data(), value.size());
    char hex[33];
    std::snprintf(hex, sizeof hex, "%016llx%016llx", static_cast<unsigned long long>(h.high64),
                  static_cast<unsigned long long>(h.low64));
    std::string term(prefix);
    term += '#';
    term += hex;
    return term;
}

std::string bounded_term(std::string_view prefix, std::string_view value) {
    if (prefix.size() + value.size() <= kMaxTermLength) {
        std::string term(prefix);
        term += value;
        return term;
    }
    return hashed(prefix, value);
}

void put_varint(std::string& out, std::uint64_t n) {
    while (n >= 0x80) {
        out += static_cast<char>((n & 0x7f) | 0x80);
        n >>= 7;
    }
    out += static_cast<char>(n);
}

void put_string(std::string& out, std::string_view s) {
    put_varint(out, s.size());
    out.append(s.data(), s.size());
}

void put_list(std::string& out, const std::vector<std::string>& list) {
    put_varint(out, list.size());
    for (const auto& s : list)
        put_string(out, s);
}

class Reader {
  public:
    explicit Reader(std::string_view data) : data_(data) {}

    std::uint64_t varint() {
        std::uint64_t n = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos_ >= data_.size())
                fail();
            auto byte = static_cast<unsigned char>(data_[pos_++]);
            n |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
            if ((byte & 0x80) == 0)
                return n;
        }
        fail();
    }

    std::string string() {
        std::uint64_t len = varint();
        if (len > data_.size() - pos_)
            fail();
        std::string s(data_.substr(pos_, len));
        pos_ += len;
        return s;
    }

    std::vector<std::string> list() {
        std::uint64_t count = varint();
        if (count > data_.size() - pos_)
            fail();
        std::vector<std::string> out;
        out.reserve(count);
        for (std::uint64_t i = 0; i < count; ++i)
            out.push_back(string());
        return out;
    }

    unsigned char byte() {
        if (pos_ >= data_.size())
            fail();
        return static_cast<unsigned char>(data_[pos_++]);
    }

    bool at_end() const { return pos_ == data_.size(); }
    std::size_t position() const { return pos_; }

    [[noreturn]] static void fail() { throw Error("corrupt document data in the database"); }

  private:
    std::string_view data_;
    std::size_t pos_ = 0;
};

}  // namespace

unsigned shard_of(std::string_view id, unsigned shards) {
    if (shards <= 1)
        return 0;
    return static_cast<unsigned>(XXH3_64bits(id.data(), id.size()) % shards);
}

int word_rules_of(const Xapian::Database& db) {
    const std::string recorded = db.get_metadata(std::string(kMetaWordRules));
    if (recorded.empty() || recorded.size() > 4 ||
        recorded.find_first_not_of("0123456789") != std::string::npos)
        return 0;
    return std::stoi(recorded);
}

bool uses_word_rules(const Xapian::Database& db) {
    return word_rules_of(db) > 0;
}

std::string older_word_rules(const std::string& name, int version) {
    return name + " was indexed by older word rules (version " + std::to_string(version) + " of " +
           std::to_string(kWordRules) +
           "): words typed without their marks in Romanian, Vietnamese, Pinyin, Hebrew or "
           "Arabic, German ae/oe/ue for umlauts, Turkish names before their apostrophe and "
           "full-width capitals may miss its articles; folio-indexer --rebuild indexes them all "
           "by today's rules";
}

int version_of(const Xapian::Database& db) {
    const std::string recorded = db.get_metadata(std::string(kMetaSchema));
    int version = 0;
    for (char c : recorded) {
        if (c < '0' || c > '9' || version > 1000)
            return 1;
        version = version * 10 + (c - '0');
    }
    return version == 0 ? 1 : version;
}

std::string id_term(std::string_view id) {
    return bounded_term(kPrefixId, id);
}

std::string file_key(std::string_view path) {
    return bounded_term(kMetaFilePrefix, path);
}

std::size_t prefix_length(std::string_view term) {
    std::size_t n = 0;
    while (n < term.size() && term[n] >= 'A' && term[n] <= 'Z')
        ++n;
    return n;
}

std::string boolean_term(std::string_view prefix, std::string_view value) {
    std::string lower;
    lower.reserve(value.size());
    for (Xapian::Utf8Iterator it(value.data(), value.size()); it != Xapian::Utf8Iterator(); ++it) {
        Xapian::Unicode::append_utf8(lower, Xapian::Unicode::tolower(*it));
    }
    return bounded_term(prefix, lower);
}

std::string date_value(std::string_view iso) {
    if (iso.size() != 10 || iso[4] != '-' || iso[7] != '-')
        return {};
    std::string v;
    v.reserve(8);
    for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
        if (iso[i] < '0' || iso[i] > '9')
            return {};
        v += iso[i];
    }
    return v;
}

std::string encode_article(const Article& a) {
    std::string out;
    out.reserve(a.body.size() + a.title.size() + a.id.size() + a.path.size() + 64);
    out += static_cast<char>(kDataVersion);
    put_string(out, a.id);
    put_string(out, a.title);
    put_string(out, a.body);
    put_string(out, a.date);
    put_list(out, a.authors);
    put_list(out, a.tags);
    put_string(out, a.url);
    put_string(out, a.language);
    put_string(out, a.source);
    put_string(out, a.path);
    put_string(out, a.description);
    return out;
}

Article decode_article(std::string_view data) {
    Reader r(data);
    if (r.byte() != kDataVersion)
        Reader::fail();
    Article a;
    a.id = r.string();
    a.title = r.string();
    a.body = r.string();
    a.date = r.string();
    a.authors = r.list();
    a.tags = r.list();
    a.url = r.string();
    a.language = r.string();
    a.source = r.string();
    a.path = r.string();
    a.description = r.string();
    if (!r.at_end())
        Reader::fail();
    return a;
}

std::string pack_article(const Article& article) {
    const std::string encoded = encode_article(article);
    std::string packed;
    if (encoded.size() <= LZ4_MAX_INPUT_SIZE) {
        const int size = static_cast<int>(encoded.size());
        packed += kArticleLz4;
        put_varint(packed, encoded.size());
        const std::size_t head = packed.size();
        packed.resize(head + static_cast<std::size_t>(LZ4_compressBound(size)));
        const int written = LZ4_compress_default(encoded.data(), packed.data() + head, size,
                                                 LZ4_compressBound(size));
        if (written > 0 && static_cast<std::size_t>(written) < encoded.size()) {
            packed.resize(head + static_cast<std::size_t>(written));
            return packed;
        }
    }
    packed.assign(1, kArticlePlain);
    packed += encoded;
    return packed;
}

Article unpack_article(std::string_view packed) {
    if (packed.empty())
        Reader::fail();
    if (packed[0] == kArticlePlain)
        return decode_article(packed.substr(1));
    if (packed[0] != kArticleLz4)
        Reader::fail();
    Reader r(packed.substr(1));
    const std::uint64_t size = r.varint();
    const std::string_view block = packed.substr(1 + r.position());
    // LZ4 expands at most 255 times, so a larger size is damage, not worth allocating.
    if (size == 0 || size > LZ4_MAX_INPUT_SIZE || block.size() > LZ4_MAX_INPUT_SIZE ||
        size > 255 * static_cast<std::uint64_t>(block.size()) + 16)
        Reader::fail();
    std::string encoded(size, '\0');
    const int got = LZ4_decompress_safe(block.data(), encoded.data(),
                                        static_cast<int>(block.size()), static_cast<int>(size));
    if (got < 0 || static_cast<std::uint64_t>(got) != size)
        Reader::fail();
    return decode_article(encoded);
}

void store_article(Xapian::Document& doc, const Article& article, int version) {
    if (article_in_value(version))
        doc.add_value(kSlotArticle, pack_article(article));
    else
        doc.set_data(encode_article(article));
}

Article stored_article(const Xapian::Document& doc) {
    const std::string packed = doc.get_value(kSlotArticle);
    if (packed.empty())
        return decode_article(doc.get_data());
    return unpack_article(packed);
}

}  // namespace folio::schema
