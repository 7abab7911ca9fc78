// SPDX-License-Identifier: GPL-2.0-or-later
// process.hpp: runs a program as the CLI tests need it: arguments, environment, standard
// input, and its standard output, standard error and exit status captured.
#pragma once

#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace folio::test {

struct RunResult {
    int status = -1;  ///< exit status, or 128 + signal number
    std::string out;
    std::string err;
};

/// Runs `program` with `args`; `env` entries are set (an empty value unsets); `input` is
/// written to its standard input. Blocks until the program ends.
RunResult run_program(const std::string& program, const std::vector<std::string>& args,
                      const std::string& input = {},
                      const std::map<std::string, std::string>& env = {});

/// In a forked child: sets `env` (an empty value unsets), then becomes `program` with `args`,
/// or exits 127.
[[noreturn]] void exec_program(const std::string& program, const std::vector<std::string>& args,
                               const std::map<std::string, std::string>& env = {});

/// Starts `program` in the background, its output discarded; returns its pid.
int start_program(const std::string& program, const std::vector<std::string>& args);

/// Waits for a program started by start_program; returns its exit status (128 + signal).
int wait_program(int pid);

/// True when `needle` occurs in `haystack`.
inline bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

/// The lines of `text`, without their line ends.
inline std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        out.push_back(line);
    return out;
}

}  // namespace folio::test
