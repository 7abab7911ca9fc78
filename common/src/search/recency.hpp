// SPDX-License-Identifier: GPL-2.0-or-later
// search/recency.hpp: blending an article's recency into its relevance score: an exponential
// decay of its age, added to the BM25 weight through a Xapian posting source on the date slot.
#pragma once

#include <xapian.h>

#include <string>
#include <string_view>

#include "folio/recency.hpp"

namespace folio {

/// Days since 1970-01-01 (negative before) of a "YYYYMMDD" date value (proleptic Gregorian);
/// false when malformed.
bool day_number(std::string_view yyyymmdd, long& out);

/// Today's date (UTC) as "YYYYMMDD".
std::string today_value();

/// Weighs each article with a date `scale * 0.5^(age / half_life_days)`, age in days before
/// `reference` ("YYYYMMDD"; a later date counts as age 0); articles without a date weigh 0.
/// Combined with OP_AND_MAYBE it adds to the score of matches without changing which match.
class RecencySource : public Xapian::ValuePostingSource {
  public:
    RecencySource(double scale, double half_life_days, std::string reference);

    double get_weight() const override;
    RecencySource* clone() const override;
    std::string name() const override;
    std::string serialise() const override;
    RecencySource* unserialise(const std::string& data) const override;
    void init(const Xapian::Database& database) override;
    std::string get_description() const override;

    /// The weight of an article dated `yyyymmdd` (0 for no date).
    double weight_of(std::string_view yyyymmdd) const;

  private:
    double scale_, half_life_;
    std::string reference_;
    long reference_day_ = 0;
};

}  // namespace folio
