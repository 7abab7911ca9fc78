// SPDX-License-Identifier: GPL-2.0-or-later
#include "search/explain.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "schema/schema.hpp"

namespace folio {

namespace {

/// A term's field, word and whether it is a stem ("ZSnato": title, "nato", stem).
void describe_term(const std::string& term, Contribution& out) {
    std::string_view rest(term);
    out.stem = rest.starts_with(schema::kPrefixStem) && rest.size() > 1;
    if (out.stem)
        rest.remove_prefix(1);
    std::size_t p = schema::prefix_length(rest);
    std::string_view prefix = rest.substr(0, p);
    out.label = std::string(rest.substr(p));
    if (prefix.empty())
        out.field = "text";
    else if (prefix == schema::kPrefixTitle)
        out.field = "title";
    else if (prefix == schema::kPrefixAuthor)
        out.field = "author";
    else
        out.field = std::string(prefix);
}

std::string words_of(const Xapian::Query& q, const char* separator) {
    std::string out;
    for (auto it = q.get_terms_begin(); it != q.get_terms_end(); ++it) {
        Contribution c;
        describe_term(*it, c);
        if (!out.empty())
            out += separator;
        out += c.label;
    }
    return out;
}

/// The factor of an OP_SCALE_WEIGHT query: Xapian 1.4 shows it only in the description,
/// "Query(0.5 * term)", printed with full precision.
double scale_factor(const Xapian::Query& q) {
    std::string d = q.get_description();
    const char* start = d.c_str() + (d.starts_with("Query(") ? 6 : 0);
    return std::strtod(start, nullptr);
}

}  // namespace

Explainer::Explainer(const Xapian::Database& db, const Xapian::Query& query,
                     const Xapian::Weight& weight, std::set<std::string> asked)
    : db_(db), weight_(weight.clone()), asked_(std::move(asked)) {
    split(query, 1.0);
}

Explainer::~Explainer() = default;

void Explainer::split(const Xapian::Query& q, double scale) {
    if (scale == 0.0)
        return;  // filters: they restrict, they never add
    Part part;
    switch (q.get_type()) {
        case Xapian::Query::LEAF_TERM: {
            part.term = *q.get_terms_begin();
            describe_term(part.term, part.base);
            part.base.feedback = !asked_.empty() && asked_.count(part.term) == 0;
            break;
        }
        case Xapian::Query::OP_PHRASE:
            part.base.label = "\"" + words_of(q, " ") + "\"";
            describe_term(*q.get_terms_begin(), part.base);
            part.base.label = "\"" + words_of(q, " ") + "\"";
            part.base.stem = false;
            break;
        case Xapian::Query::OP_NEAR:
            describe_term(*q.get_terms_begin(), part.base);
            part.base.label = words_of(q, " NEAR ");
            part.base.stem = false;
            break;
        case Xapian::Query::OP_SYNONYM:
            describe_term(*q.get_terms_begin(), part.base);
            part.base.label = words_of(q, "|");
            break;
        case Xapian::Query::OP_WILDCARD: {
            std::string d = q.get_description();  // "Query(WILDCARD SYNONYM milit)"
            std::size_t space = d.rfind(' ');
            std::string pattern = d.substr(space + 1, d.size() - space - 2);
            describe_term(pattern, part.base);
            part.base.label += "*";
            part.base.stem = false;
            break;
        }
        case Xapian::Query::LEAF_POSTING_SOURCE:
            part.base.label = "recency";
            break;
        case Xapian::Query::OP_SCALE_WEIGHT:
            split(q.get_subquery(0), scale * scale_factor(q));
            return;
        case Xapian::Query::OP_AND_NOT:
        case Xapian::Query::OP_FILTER:
            if (q.get_num_subqueries() > 0)
                split(q.get_subquery(0), scale);
            return;
        case Xapian::Query::LEAF_MATCH_ALL:
        case Xapian::Query::LEAF_MATCH_NOTHING:
        case Xapian::Query::OP_VALUE_RANGE:
        case Xapian::Query::OP_VALUE_GE:
        case Xapian::Query::OP_VALUE_LE:
            return;  // no weight
        default:
            for (std::size_t i = 0; i < q.get_num_subqueries(); ++i)
                split(q.get_subquery(i), scale);
            return;
    }
    part.query = scale == 1.0 ? q : Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, q, scale);
    parts_.push_back(std::move(part));
}

std::vector<Contribution> Explainer::explain(Xapian::docid docid,
                                             const std::string& id_term) const {
    std::vector<Contribution> out;
    Xapian::Enquire enquire(db_);
    enquire.set_weighting_scheme(*weight_);
    Xapian::Document doc = db_.get_document(docid);
    auto wdf_of = [&](const std::string& term) -> Xapian::termcount {
        auto it = doc.termlist_begin();
        it.skip_to(term);
        return it != doc.termlist_end() && *it == term ? it.get_wdf() : 0;
    };
    for (const Part& part : parts_) {
        enquire.set_query(
            Xapian::Query(Xapian::Query::OP_FILTER, part.query, Xapian::Query(id_term)));
        Xapian::MSet mset = enquire.get_mset(0, 10);
        auto it =
            std::find_if(mset.begin(), mset.end(), [&](Xapian::docid d) { return d == docid; });
        if (it == mset.end())
            continue;
        Contribution c = part.base;
        c.weight = it.get_weight();
        if (!part.term.empty()) {
            c.wdf = wdf_of(part.term);
            c.termfreq = db_.get_termfreq(part.term);
        }
        if (c.field == "text" && part.query.get_type() != Xapian::Query::LEAF_POSTING_SOURCE) {
            // Title words are indexed twice: under S, and kTitleWeight times in the text field.
            Xapian::termcount title = 0, text = 0;
            for (auto t = part.query.get_unique_terms_begin();
                 t != part.query.get_unique_terms_end(); ++t) {
                const std::string& term = *t;
                bool stemmed = term.starts_with(schema::kPrefixStem);
                std::string title_term = (stemmed ? "ZS" + term.substr(1) : "S" + term);
                title += wdf_of(title_term);
                text += wdf_of(term);
            }
            if (title > 0)
                c.found_in.push_back("title");
            if (text > title * schema::kTitleWeight)
                c.found_in.push_back("body");
        }
        out.push_back(std::move(c));
    }
    std::stable_sort(out.begin(), out.end(), [](const Contribution& a, const Contribution& b) {
        return a.weight > b.weight;
    });
    return out;
}

}  // namespace folio
