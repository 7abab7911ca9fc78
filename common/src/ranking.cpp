#include "folio/ranking.hpp"

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

namespace folio {

namespace {

// EXPERIMENT ONLY (to be removed): overrides from the environment.
double env_double(const char* name, double fallback) {
    const char* v = std::getenv(name);
    return (v != nullptr && *v != '\0') ? std::atof(v) : fallback;
}

struct Exp {
    double k1, b;
    unsigned expand, expand_docs;
    double expand_weight, title_weight;
    int weighted;    // expansion terms weighted by their expand weight
    int skip_query;  // drop query terms from the expansion set
    int scheme;      // 0 bm25, 1 bm25+, 2 dph, 3 dlh, 4 pl2, 5 inl2, 6 lm, 7 bb2, 8 ifb2, 9 ineb2
    int bo1;
    double min_normlen;
    double k3;
    int incq;
};

Exp exp_of(const RankingOptions& o) {
    Exp e;
    e.k1 = env_double("FOLIO_EXP_K1", o.k1);
    e.b = env_double("FOLIO_EXP_B", o.b);
    e.expand = static_cast<unsigned>(env_double("FOLIO_EXP_EXPAND", o.expand));
    e.expand_docs = static_cast<unsigned>(env_double("FOLIO_EXP_DOCS", o.expand_docs));
    e.expand_weight = env_double("FOLIO_EXP_EWEIGHT", 0.3);
    e.title_weight = env_double("FOLIO_EXP_TITLE", 0.0);
    e.weighted = static_cast<int>(env_double("FOLIO_EXP_WEIGHTED", 0));
    e.skip_query = static_cast<int>(env_double("FOLIO_EXP_SKIPQ", 0));
    e.scheme = static_cast<int>(env_double("FOLIO_EXP_SCHEME", 0));
    e.bo1 = static_cast<int>(env_double("FOLIO_EXP_BO1", 0));
    e.min_normlen = env_double("FOLIO_EXP_MINNORM", 0.5);
    e.k3 = env_double("FOLIO_EXP_K3", 1.0);
    e.incq = static_cast<int>(env_double("FOLIO_EXP_INCQ", 0));
    return e;
}

bool is_upper(char c) {
    return c >= 'A' && c <= 'Z';
}

/// A free-text term of the unprefixed (body and title) field: a stem "Zword" or a word.
bool is_free_text(const std::string& term) {
    if (term.empty())
        return false;
    if (term[0] == 'Z')
        return term.size() > 1 && !is_upper(term[1]);
    return !is_upper(term[0]);
}

/// The terms a query asks for (not those it excludes or filters by), in query order.
void positive_terms(const Xapian::Query& q, std::vector<std::string>& out) {
    auto type = q.get_type();
    if (type == Xapian::Query::LEAF_TERM) {
        for (auto it = q.get_terms_begin(); it != q.get_terms_end(); ++it)
            out.push_back(*it);
        return;
    }
    std::size_t n = q.get_num_subqueries();
    if (type == Xapian::Query::OP_AND_NOT || type == Xapian::Query::OP_FILTER)
        n = std::min<std::size_t>(n, 1);
    for (std::size_t i = 0; i < n; ++i)
        positive_terms(q.get_subquery(i), out);
}

class BodyTerms : public Xapian::ExpandDecider {
  public:
    explicit BodyTerms(std::vector<std::string> skip) : skip_(std::move(skip)) {}
    bool operator()(const std::string& term) const override {
        if (term.size() < 2 || term[0] != 'Z' || is_upper(term[1]))
            return false;
        return std::find(skip_.begin(), skip_.end(), term) == skip_.end();
    }

  private:
    std::vector<std::string> skip_;
};

}  // namespace

std::unique_ptr<Xapian::Weight> make_weight(const RankingOptions& options) {
    Exp e = exp_of(options);
    switch (e.scheme) {
        case 1:
            return std::make_unique<Xapian::BM25PlusWeight>(e.k1, 0.0, 1.0, e.b, e.min_normlen,
                                                            1.0);
        case 2:
            return std::make_unique<Xapian::DPHWeight>();
        case 3:
            return std::make_unique<Xapian::DLHWeight>();
        case 4:
            return std::make_unique<Xapian::PL2Weight>();
        case 5:
            return std::make_unique<Xapian::InL2Weight>();
        case 6:
            return std::make_unique<Xapian::LMWeight>();
        case 7:
            return std::make_unique<Xapian::BB2Weight>();
        case 8:
            return std::make_unique<Xapian::IfB2Weight>();
        case 9:
            return std::make_unique<Xapian::IneB2Weight>();
        default:
            break;
    }
    return std::make_unique<Xapian::BM25Weight>(e.k1, 0.0, e.k3, e.b, e.min_normlen);
}

Xapian::Query ranked_query(const Xapian::Query& query, Xapian::Enquire& enquire,
                           const RankingOptions& options) {
    if (query.empty())
        return query;
    Exp e = exp_of(options);
    std::vector<std::string> terms;
    positive_terms(query, terms);

    Xapian::Query result = query;
    if (e.title_weight > 0) {
        std::vector<Xapian::Query> title;
        for (const auto& t : terms) {
            if (!is_free_text(t))
                continue;
            title.emplace_back(t[0] == 'Z' ? "ZS" + t.substr(1) : "S" + t);
        }
        if (!title.empty()) {
            result = Xapian::Query(
                Xapian::Query::OP_AND_MAYBE, result,
                Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT,
                              Xapian::Query(Xapian::Query::OP_OR, title.begin(), title.end()),
                              e.title_weight));
        }
    }

    if (e.expand == 0)
        return result;
    // Pseudo-relevance feedback: the best terms of the top documents, added at low weight.
    enquire.set_query(result);
    Xapian::MSet top = enquire.get_mset(0, e.expand_docs);
    if (top.empty())
        return result;
    Xapian::RSet rset;
    for (auto it = top.begin(); it != top.end(); ++it)
        rset.add_document(*it);
    if (e.bo1)
        enquire.set_expansion_scheme("bo1");
    BodyTerms decider(e.skip_query ? terms : std::vector<std::string>{});
    Xapian::ESet eset = enquire.get_eset(e.expand, rset, e.incq ? Xapian::Enquire::INCLUDE_QUERY_TERMS : 0, &decider);
    if (eset.empty())
        return result;
    std::vector<Xapian::Query> extra;
    double top_weight = eset.begin().get_weight();
    for (auto it = eset.begin(); it != eset.end(); ++it) {
        double w = e.weighted && top_weight > 0 ? it.get_weight() / top_weight : 1.0;
        extra.emplace_back(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(*it), w * e.expand_weight);
    }
    return Xapian::Query(Xapian::Query::OP_OR, result,
                         Xapian::Query(Xapian::Query::OP_OR, extra.begin(), extra.end()));
}

}  // namespace folio
