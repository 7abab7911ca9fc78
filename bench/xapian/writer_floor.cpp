// SPDX-License-Identifier: GPL-2.0-or-later
// What Xapian's writer alone costs: a lower bound for any indexer built on Xapian 1.4.
//
//   writer_floor JSONL DB [JOBS]
//
// Reads the articles of JSONL (title, body), generates their terms with Xapian's TermGenerator
// (English Snowball, STEM_ALL_Z, positions; the title also under the prefix S) into documents
// held in memory, one list per job, and only then starts the clock on the writer: JOBS threads
// (default: the number of CPUs) each add their list to a database part of their own, with
// Folio's writer settings (flush every 250 documents, DB_NO_SYNC | DB_DANGEROUS), and the parts
// are compacted into DB (the parts are removed afterwards). The documents carry no stored text, no
// values and no boolean terms, and no spelling table is built: every indexer that writes at least
// these postings through Xapian does at least this work. Prints one JSON line: documents, jobs, and
// the seconds of each phase.
#include <xapian.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

template <class Work>
void run_jobs(unsigned jobs, Work work) {
    std::vector<std::thread> threads;
    for (unsigned k = 0; k < jobs; ++k)
        threads.emplace_back(work, k);
    for (auto& thread : threads)
        thread.join();
}

}  // namespace

int main(int argc, char** argv) try {
    if (argc < 3 || argc > 4) {
        std::cerr << "usage: writer_floor JSONL DB [JOBS]\n";
        return 2;
    }
    const std::string db_path = argv[2];
    const unsigned jobs = argc == 4 ? static_cast<unsigned>(std::stoul(argv[3]))
                                    : std::max(1u, std::thread::hardware_concurrency());

    std::vector<std::pair<std::string, std::string>> articles;
    std::ifstream in(argv[1]);
    if (!in) {
        std::cerr << "writer_floor: error: cannot read " << argv[1] << "\n";
        return 2;
    }
    for (std::string line; std::getline(in, line);) {
        const auto record = nlohmann::json::parse(line);
        articles.emplace_back(record.value("title", ""), record.value("body", ""));
    }

    const auto generate_start = Clock::now();
    std::vector<std::vector<Xapian::Document>> parts(jobs);
    run_jobs(jobs, [&](unsigned k) {
        Xapian::TermGenerator generator;
        generator.set_stemmer(Xapian::Stem("english"));
        generator.set_stemming_strategy(Xapian::TermGenerator::STEM_ALL_Z);
        // Consecutive runs of articles, as Folio hands them to its parts.
        const size_t begin = articles.size() * k / jobs, end = articles.size() * (k + 1) / jobs;
        for (size_t i = begin; i < end; ++i) {
            Xapian::Document doc;
            generator.set_document(doc);
            generator.index_text(articles[i].first, 1, "S");
            generator.increase_termpos();
            generator.index_text(articles[i].first);
            generator.increase_termpos(100);
            generator.index_text(articles[i].second);
            parts[k].push_back(std::move(doc));
        }
    });
    const double generate_s = seconds_since(generate_start);

    // As often as Folio's writer commits (WriterOptions::flush_documents).
    ::setenv("XAPIAN_FLUSH_THRESHOLD", "250", 1);
    const auto write_start = Clock::now();
    run_jobs(jobs, [&](unsigned k) {
        Xapian::WritableDatabase part(
            db_path + ".part" + std::to_string(k),
            Xapian::DB_CREATE_OR_OVERWRITE | Xapian::DB_NO_SYNC | Xapian::DB_DANGEROUS);
        for (const auto& doc : parts[k])
            part.add_document(doc);
        part.commit();
    });
    const double write_s = seconds_since(write_start);

    const auto compact_start = Clock::now();
    Xapian::Database all;
    for (unsigned k = 0; k < jobs; ++k)
        all.add_database(Xapian::Database(db_path + ".part" + std::to_string(k)));
    all.compact(db_path);
    const double compact_s = seconds_since(compact_start);
    for (unsigned k = 0; k < jobs; ++k)
        std::filesystem::remove_all(db_path + ".part" + std::to_string(k));

    std::cout << nlohmann::json{{"documents", articles.size()},
                                {"jobs", jobs},
                                {"termgen_seconds", generate_s},
                                {"write_seconds", write_s},
                                {"compact_seconds", compact_s},
                                {"writer_seconds", write_s + compact_s}}
              << "\n";
    return 0;
} catch (const std::exception& e) {
    std::cerr << "writer_floor: error: " << e.what() << "\n";
    return 2;
} catch (const Xapian::Error& e) {
    std::cerr << "writer_floor: error: " << e.get_description() << "\n";
    return 2;
}
