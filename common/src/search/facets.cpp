// SPDX-License-Identifier: GPL-2.0-or-later
#include "search/facets.hpp"

#include <algorithm>
#include <charconv>

#include "folio/error.hpp"
#include "schema/schema.hpp"

namespace folio {

namespace {

Xapian::valueno slot_of(FacetField field) {
    switch (field) {
        case FacetField::author:
            return schema::kSlotAuthors;
        case FacetField::tag:
            return schema::kSlotTags;
        case FacetField::source:
            return schema::kSlotSource;
        case FacetField::year:
            return schema::kSlotDate;
        case FacetField::language:
            return schema::kSlotLanguage;
    }
    return schema::kSlotTags;
}

/// Length-prefixed strings, as Xapian's own match spies serialise their results.
void put(std::string& out, std::string_view s) {
    out += std::to_string(s.size());
    out += ':';
    out += s;
}

bool take(std::string_view& in, std::string& out) {
    std::size_t colon = in.find(':');
    if (colon == std::string_view::npos)
        return false;
    std::size_t n = 0;
    auto [p, ec] = std::from_chars(in.data(), in.data() + colon, n);
    if (ec != std::errc() || p != in.data() + colon || in.size() - colon - 1 < n)
        return false;
    out.assign(in.substr(colon + 1, n));
    in.remove_prefix(colon + 1 + n);
    return true;
}

}  // namespace

std::string_view facet_name(FacetField field) {
    switch (field) {
        case FacetField::author:
            return "author";
        case FacetField::tag:
            return "tag";
        case FacetField::source:
            return "source";
        case FacetField::year:
            return "year";
        case FacetField::language:
            return "lang";
    }
    return "tag";
}

FacetRequest parse_facet(std::string_view spec) {
    static const std::map<std::string_view, FacetField> names{
        {"author", FacetField::author}, {"authors", FacetField::author},
        {"tag", FacetField::tag},       {"tags", FacetField::tag},
        {"source", FacetField::source}, {"year", FacetField::year},
        {"lang", FacetField::language}, {"language", FacetField::language}};
    std::string_view name = spec.substr(0, spec.find(':'));
    auto it = names.find(name);
    if (it == names.end()) {
        throw UsageError("unknown facet '" + std::string(name) +
                         "' (expected author, tag, source, year or lang)");
    }
    FacetRequest request;
    request.field = it->second;
    if (name.size() < spec.size()) {
        std::string_view count = spec.substr(name.size() + 1);
        std::size_t n = 0;
        auto [p, ec] = std::from_chars(count.data(), count.data() + count.size(), n);
        if (ec != std::errc() || p != count.data() + count.size() || n == 0) {
            throw UsageError("bad facet size in '" + std::string(spec) +
                             "' (expected FIELD:N with N >= 1)");
        }
        request.limit = n;
    }
    return request;
}

FacetSpy::FacetSpy(FacetField field) : field_(field) {}

void FacetSpy::add(std::string_view value, Xapian::doccount n) {
    if (!value.empty())
        counts_[std::string(value)] += n;
}

Xapian::valueno FacetSpy::slot() const noexcept {
    return slot_of(field_);
}

void FacetSpy::operator()(const Xapian::Document& doc, double) {
    add_value(doc.get_value(slot_of(field_)), 1);
}

void FacetSpy::add_value(std::string_view value, Xapian::doccount n) {
    if (value.empty())
        return;
    if (field_ == FacetField::year) {
        add(value.substr(0, 4), n);
        return;
    }
    if (field_ != FacetField::author && field_ != FacetField::tag) {
        add(value, n);
        return;
    }
    // A list: each distinct item once per document.
    std::vector<std::string_view> items;
    std::string_view rest = value;
    while (true) {
        std::size_t end = rest.find(schema::kListSeparator);
        items.push_back(rest.substr(0, end));
        if (end == std::string_view::npos)
            break;
        rest.remove_prefix(end + 1);
    }
    std::sort(items.begin(), items.end());
    items.erase(std::unique(items.begin(), items.end()), items.end());
    for (auto item : items)
        add(item, n);
}

Xapian::MatchSpy* FacetSpy::clone() const {
    return new FacetSpy(field_);
}

std::string FacetSpy::name() const {
    return "folio::FacetSpy";
}

std::string FacetSpy::serialise() const {
    return std::string(facet_name(field_));
}

Xapian::MatchSpy* FacetSpy::unserialise(const std::string& data, const Xapian::Registry&) const {
    return new FacetSpy(parse_facet(data).field);
}

std::string FacetSpy::serialise_results() const {
    std::string out;
    for (const auto& [value, count] : counts_) {
        put(out, value);
        put(out, std::to_string(count));
    }
    return out;
}

void FacetSpy::merge_results(const std::string& data) {
    std::string_view in(data);
    std::string value, count;
    while (!in.empty()) {
        if (!take(in, value) || !take(in, count))
            throw Xapian::NetworkError("malformed facet counts");
        counts_[value] += static_cast<Xapian::doccount>(std::stoul(count));
    }
}

std::string FacetSpy::get_description() const {
    return "folio::FacetSpy(" + std::string(facet_name(field_)) + ")";
}

FacetResult FacetSpy::result(std::size_t limit) const {
    FacetResult out;
    out.field = field_;
    out.distinct = counts_.size();
    for (const auto& [value, count] : counts_)
        out.values.push_back({value, count});
    auto order = [](const FacetValue& a, const FacetValue& b) {
        return a.count != b.count ? a.count > b.count : a.value < b.value;
    };
    std::size_t keep = std::min(limit, out.values.size());
    std::partial_sort(out.values.begin(), out.values.begin() + static_cast<std::ptrdiff_t>(keep),
                      out.values.end(), order);
    out.values.resize(keep);
    return out;
}

}  // namespace folio
