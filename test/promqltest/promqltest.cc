// promqltest: runs Prometheus's promqltest scripts against the engine.
//
//   promqltest [--known-failures FILE] [--verbose] PATH...
//
// PATH is a .test file or a folder (its .test files, recursively). Prints a
// line per file (passed, failed, skipped) and ends with "N passed, N
// failed". With --known-failures, the cases listed there ("file:line" per
// line, `#` comments; file relative to the folder given, or its name) may
// fail; the exit status is non-zero only when another case fails, or a
// script cannot be run. Listed cases that pass are reported so that the
// list can shrink.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tsdb/promql/test_runner.h"

namespace fs = std::filesystem;
using tsdb::promql::CaseResult;

namespace {

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::set<std::string> ReadKnownFailures(const fs::path& path) {
  std::set<std::string> known;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    line = line.substr(0, line.find('#'));
    line.erase(std::remove_if(line.begin(), line.end(), [](unsigned char c) { return std::isspace(c); }),
               line.end());
    if (!line.empty()) known.insert(line);
  }
  return known;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::pair<fs::path, fs::path>> files;  // (file, folder it was found in)
  fs::path known_path;
  bool verbose = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--known-failures" && i + 1 < argc) {
      known_path = argv[++i];
    } else if (arg == "--verbose") {
      verbose = true;
    } else if (fs::is_directory(arg)) {
      for (const auto& entry : fs::recursive_directory_iterator(arg)) {
        if (entry.is_regular_file() && entry.path().extension() == ".test") {
          files.emplace_back(entry.path(), arg);
        }
      }
    } else if (fs::is_regular_file(arg)) {
      files.emplace_back(arg, fs::path(arg).parent_path());
    } else {
      std::cerr << "promqltest: no such file or folder: " << arg << "\n";
      return 2;
    }
  }
  if (files.empty()) {
    std::cerr << "usage: promqltest [--known-failures FILE] [--verbose] PATH...\n";
    return 2;
  }
  std::sort(files.begin(), files.end());
  const std::set<std::string> known = known_path.empty() ? std::set<std::string>{}
                                                         : ReadKnownFailures(known_path);
  int passed = 0, failed = 0, skipped = 0, unexpected = 0, fixed = 0;
  bool broken = false;
  for (const auto& [file, root] : files) {
    const std::string name = fs::relative(file, root).generic_string();
    tsdb::promql::EngineBackend backend;
    tsdb::promql::FileResult r = tsdb::promql::RunScript(name, ReadFile(file), &backend);
    const int p = r.Count(CaseResult::State::kPassed);
    const int f = r.Count(CaseResult::State::kFailed);
    const int s = r.Count(CaseResult::State::kSkipped);
    passed += p;
    failed += f;
    skipped += s;
    std::cout << name << ": " << p << " passed, " << f << " failed, " << s << " skipped\n";
    if (!r.error.empty()) {
      std::cout << "  ERROR " << r.error << "\n";
      broken = true;
    }
    for (const CaseResult& c : r.cases) {
      const std::string id = name + ":" + std::to_string(c.line);
      const bool listed = known.count(id) > 0;
      if (c.state == CaseResult::State::kFailed) {
        if (!listed) ++unexpected;
        if (!listed || verbose) {
          std::cout << "  " << (listed ? "known failure " : "FAILED ") << id << ": " << c.expr
                    << "\n    " << c.message << "\n";
        }
      } else if (c.state == CaseResult::State::kPassed && listed) {
        ++fixed;
        std::cout << "  passes now (remove from the known failures): " << id << "\n";
      }
    }
  }
  std::cout << passed << " passed, " << failed << " failed";
  if (skipped > 0) std::cout << " (" << skipped << " skipped: native histograms)";
  std::cout << "\n";
  if (!known_path.empty()) {
    std::cout << unexpected << " failed outside the known failures; " << fixed
              << " known failures pass now\n";
  }
  const bool ok = !broken && (known_path.empty() ? failed == 0 : unexpected == 0);
  return ok ? 0 : 1;
}
