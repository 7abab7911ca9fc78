// SPDX-License-Identifier: GPL-2.0-or-later
#include "search/recency.hpp"

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <utility>

#include "folio/error.hpp"
#include "schema/schema.hpp"

namespace folio {

double parse_half_life(std::string_view text) {
    std::string_view number = text;
    double unit = 1.0;
    if (!text.empty()) {
        static constexpr std::pair<char, double> units[] = {
            {'d', 1.0}, {'w', 7.0}, {'m', 30.436875}, {'y', 365.2425}};
        for (const auto& [suffix, days] : units) {
            if (text.back() == suffix) {
                unit = days;
                number.remove_suffix(1);
            }
        }
    }
    double value = 0;
    auto [p, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
    if (number.empty() || ec != std::errc() || p != number.data() + number.size() ||
        !std::isfinite(value) || value <= 0) {
        throw UsageError("bad half-life '" + std::string(text) +
                         "' (expected a positive number of days, or N followed by d, w, m or y)");
    }
    return value * unit;
}

bool day_number(std::string_view v, long& out) {
    if (v.size() != 8)
        return false;
    int y = 0, m = 0, d = 0;
    auto num = [&](std::size_t at, std::size_t n, int& x) {
        auto [p, ec] = std::from_chars(v.data() + at, v.data() + at + n, x);
        return ec == std::errc() && p == v.data() + at + n;
    };
    if (!num(0, 4, y) || !num(4, 2, m) || !num(6, 2, d) || m < 1 || m > 12 || d < 1 || d > 31)
        return false;
    using namespace std::chrono;
    year_month_day ymd{year{y}, month{static_cast<unsigned>(m)}, day{static_cast<unsigned>(d)}};
    if (!ymd.ok())
        return false;
    out = static_cast<long>(sys_days(ymd).time_since_epoch().count());
    return true;
}

std::string today_value() {
    using namespace std::chrono;
    year_month_day ymd{floor<days>(system_clock::now())};
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "%04d%02u%02u", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    return buffer;
}

RecencySource::RecencySource(double scale, double half_life_days, std::string reference)
    : Xapian::ValuePostingSource(schema::kSlotDate),
      scale_(scale),
      half_life_(half_life_days),
      reference_(std::move(reference)) {
    if (!day_number(reference_, reference_day_))
        throw UsageError("bad reference date '" + reference_ + "' (expected YYYYMMDD)");
    set_maxweight(scale_);
}

double RecencySource::weight_of(std::string_view yyyymmdd) const {
    long day = 0;
    if (!day_number(yyyymmdd, day))
        return 0.0;
    double age = std::max(0.0, static_cast<double>(reference_day_ - day));
    return scale_ * std::exp2(-age / half_life_);
}

double RecencySource::get_weight() const {
    return weight_of(get_value());
}

RecencySource* RecencySource::clone() const {
    return new RecencySource(scale_, half_life_, reference_);
}

std::string RecencySource::name() const {
    return "folio::RecencySource";
}

std::string RecencySource::serialise() const {
    std::ostringstream out;
    out.precision(17);
    out << scale_ << ' ' << half_life_ << ' ' << reference_;
    return out.str();
}

RecencySource* RecencySource::unserialise(const std::string& data) const {
    std::istringstream in(data);
    double scale = 0, half_life = 1;
    std::string reference;
    in >> scale >> half_life >> reference;
    return new RecencySource(scale, half_life, reference);
}

void RecencySource::init(const Xapian::Database& database) {
    Xapian::ValuePostingSource::init(database);
    set_maxweight(scale_);
}

std::string RecencySource::get_description() const {
    return "folio::RecencySource(scale=" + std::to_string(scale_) +
           ", half_life_days=" + std::to_string(half_life_) + ", reference=" + reference_ + ")";
}

}  // namespace folio
