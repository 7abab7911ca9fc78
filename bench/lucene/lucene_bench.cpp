// SPDX-License-Identifier: GPL-2.0-or-later
// lucene_bench: the Lucene++ peer of Folio's benchmarks (bench/index_bench.py,
// bench/query_bench.py). Not part of Folio's build: bench/lucene/CMakeLists.txt builds it on its
// own.
//
//   lucene_bench index INDEX_DIR FILE.jsonl    index the JSONL records (id, title, body) anew;
//                                              prints one JSON summary line
//   lucene_bench search INDEX_DIR < queries    one query per line (Lucene query parser syntax over
//                                              title and body); prints one JSON line per query:
//                                              {"latency_us":..,"total":..,"hits":[{"id","title","fragment"}]}
//
// Analysis: StandardAnalyzer's chain (StandardTokenizer, StandardFilter, LowerCaseFilter,
// StopFilter with the default English stop words, position increments kept) followed by
// PorterStemFilter, for indexing and querying alike; title and body are stored and indexed with
// positions. Search: top 10 by Lucene's default scoring, each with the best fragment of its body
// (about 240 characters) from the contrib Highlighter (QueryScorer, which is position-aware for
// phrases). The latency of a query covers parsing, searching, loading the 10 stored documents and
// highlighting.

#include <lucene++/Highlighter.h>
#include <lucene++/LuceneHeaders.h>
#include <lucene++/MultiFieldQueryParser.h>
#include <lucene++/PorterStemFilter.h>
#include <lucene++/QueryScorer.h>
#include <lucene++/SimpleHTMLFormatter.h>
#include <lucene++/SimpleSpanFragmenter.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>
#include <iostream>
#include <string>

using namespace Lucene;

namespace {

constexpr auto kVersion = LuceneVersion::LUCENE_30;

// StandardAnalyzer + PorterStemFilter.
class PorterStandardAnalyzer : public Analyzer {
  public:
    PorterStandardAnalyzer() : standard_(newLucene<StandardAnalyzer>(kVersion)) {}
    TokenStreamPtr tokenStream(const String& field, const ReaderPtr& reader) override {
        return newLucene<PorterStemFilter>(standard_->tokenStream(field, reader));
    }
    TokenStreamPtr reusableTokenStream(const String& field, const ReaderPtr& reader) override {
        // The standard chain is reused (as StandardAnalyzer does); the stemming filter on top of it
        // is a thin wrapper that shares its attributes.
        return newLucene<PorterStemFilter>(standard_->reusableTokenStream(field, reader));
    }

  private:
    AnalyzerPtr standard_;
};

String wide(const std::string& s) {
    return StringUtils::toUnicode(s);
}
std::string utf8(const String& s) {
    return StringUtils::toUTF8(s);
}

int index_main(const std::string& dir, const std::string& input) {
    auto start = std::chrono::steady_clock::now();
    std::ifstream in(input);
    if (!in) {
        std::cerr << "lucene_bench: cannot open " << input << "\n";
        return 2;
    }
    AnalyzerPtr analyzer = newLucene<PorterStandardAnalyzer>();
    IndexWriterPtr writer = newLucene<IndexWriter>(FSDirectory::open(wide(dir)), analyzer, true,
                                                   IndexWriter::MaxFieldLengthUNLIMITED);
    writer->setRAMBufferSizeMB(64);
    std::string line;
    long docs = 0, bytes = 0, failed = 0;
    while (std::getline(in, line)) {
        bytes += static_cast<long>(line.size()) + 1;
        if (line.empty())
            continue;
        try {
            auto j = nlohmann::json::parse(line);
            DocumentPtr doc = newLucene<Document>();
            doc->add(newLucene<Field>(L"id", wide(j.value("id", "")), Field::STORE_YES,
                                      Field::INDEX_NOT_ANALYZED));
            doc->add(newLucene<Field>(L"title", wide(j.value("title", "")), Field::STORE_YES,
                                      Field::INDEX_ANALYZED));
            doc->add(newLucene<Field>(L"body", wide(j.value("body", "")), Field::STORE_YES,
                                      Field::INDEX_ANALYZED));
            writer->addDocument(doc);
            ++docs;
        } catch (const std::exception& e) {
            ++failed;
        } catch (LuceneException& e) {
            ++failed;
        }
    }
    writer->commit();
    writer->close();
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cout << nlohmann::json{{"added", docs},
                                {"failed", failed},
                                {"bytes", bytes},
                                {"seconds", seconds}}
                     .dump()
              << std::endl;
    return failed ? 1 : 0;
}

int search_main(const std::string& dir, int limit) {
    AnalyzerPtr analyzer = newLucene<PorterStandardAnalyzer>();
    IndexReaderPtr reader = IndexReader::open(FSDirectory::open(wide(dir)), true);
    SearcherPtr searcher = newLucene<IndexSearcher>(reader);
    Collection<String> fields = newCollection<String>(L"title", L"body");
    QueryParserPtr parser = newLucene<MultiFieldQueryParser>(kVersion, fields, analyzer);
    FormatterPtr formatter = newLucene<SimpleHTMLFormatter>(L"**", L"**");
    std::string line;
    while (std::getline(std::cin, line)) {
        nlohmann::json out;
        auto start = std::chrono::steady_clock::now();
        try {
            QueryPtr query = parser->parse(wide(line));
            TopDocsPtr top = searcher->search(query, limit);
            auto scorer = newLucene<QueryScorer>(query, L"body");
            HighlighterPtr highlighter = newLucene<Highlighter>(formatter, scorer);
            highlighter->setTextFragmenter(newLucene<SimpleSpanFragmenter>(scorer, 240));
            nlohmann::json hits = nlohmann::json::array();
            for (auto sd : top->scoreDocs) {
                DocumentPtr doc = searcher->doc(sd->doc);
                String body = doc->get(L"body");
                String fragment = highlighter->getBestFragment(analyzer, L"body", body);
                if (fragment.empty())
                    fragment = body.substr(0, 240);  // no match in the body (title-only hit)
                hits.push_back({{"id", utf8(doc->get(L"id"))},
                                {"title", utf8(doc->get(L"title"))},
                                {"score", sd->score},
                                {"fragment", utf8(fragment)}});
            }
            out = {{"total", top->totalHits}, {"hits", hits}};
        } catch (LuceneException& e) {
            out = {{"error", utf8(e.getError())}};
        }
        auto us =
            std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start)
                .count();
        out["latency_us"] = us;
        out["query"] = line;
        std::cout << out.dump() << "\n";
    }
    std::cout.flush();
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    std::ios::sync_with_stdio(false);
    std::string mode = argc > 1 ? argv[1] : "";
    if (mode == "index" && argc == 4)
        return index_main(argv[2], argv[3]);
    if (mode == "search" && (argc == 3 || argc == 4))
        return search_main(argv[2], argc == 4 ? std::stoi(argv[3]) : 10);
    std::cerr << "usage: lucene_bench index INDEX_DIR FILE.jsonl | lucene_bench search INDEX_DIR "
                 "[LIMIT] < queries\n";
    return 2;
}
