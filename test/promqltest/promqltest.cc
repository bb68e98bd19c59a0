// promqltest: runs Prometheus's promqltest scripts against the engine.
//
//   promqltest [--known-failures FILE] [--write-known-failures FILE] [--verbose]
//              [--connection CONNINFO] PATH...
//
// PATH is a .test file or a folder (its .test files, recursively). Prints a
// line per file (passed, failed, skipped) and ends with "N passed, N
// failed". With --known-failures, the cases listed there ("file:line" per
// line, `#` comments; file relative to the folder given, or its name) may
// fail; the exit status is non-zero only when another case fails, or a
// script cannot be run. Listed cases that pass or are skipped are reported
// so that the list can shrink. --write-known-failures writes the cases failing now in
// that format, each with the start of its failure message as the comment.
// With --connection, the scripts run through the SQL functions of the tsdb
// extension in that database (libpq connection string) instead of the
// in-process engine; the database's Prometheus tables are emptied first.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tsdb/promql/test_runner.h"
#ifdef TSDB_PROMQLTEST_SQL
#include "sql_backend.h"
#endif

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
  fs::path write_path;
  bool verbose = false;
  std::string conninfo;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--known-failures" && i + 1 < argc) {
      known_path = argv[++i];
    } else if (arg == "--write-known-failures" && i + 1 < argc) {
      write_path = argv[++i];
    } else if (arg == "--connection" && i + 1 < argc) {
      conninfo = argv[++i];
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
  std::ofstream write_out;
  if (!write_path.empty()) {
    write_out.open(write_path);
    write_out << "# PromQL test cases that do not pass yet: <file>:<line of the eval>  # why.\n"
              << "# Written by promqltest --write-known-failures with the arguments scripts/test.sh\n"
              << "# gives it in the promql suite. What is out of scope and why: docs/promql.md,\n"
              << "# \"Conformance\".\n";
  }
  bool broken = false;
  for (const auto& [file, root] : files) {
    const std::string name = fs::relative(file, root).generic_string();
    std::unique_ptr<tsdb::promql::QueryBackend> backend;
    if (conninfo.empty()) {
      backend = std::make_unique<tsdb::promql::EngineBackend>();
    } else {
#ifdef TSDB_PROMQLTEST_SQL
      auto sql = tsdb::promql::SqlBackend::Connect(conninfo);
      if (!sql.ok()) {
        std::cerr << "promqltest: " << sql.status().message() << "\n";
        return 2;
      }
      backend = std::move(*sql);
#else
      std::cerr << "promqltest: built without libpq; --connection is not available\n";
      return 2;
#endif
    }
    tsdb::promql::FileResult r = tsdb::promql::RunScript(name, ReadFile(file), backend.get());
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
        if (write_out.is_open()) {
          std::string why = c.message.substr(0, c.message.find('\n'));
          // The query and line are in the id already.
          const size_t at = why.find("(line ");
          const size_t colon = at == std::string::npos ? at : why.find("): ", at);
          if (colon != std::string::npos) why = why.substr(colon + 3);
          if (why.size() > 110) why = why.substr(0, 110) + "...";
          write_out << id << "  # " << why << "\n";
        }
        if (!listed) ++unexpected;
        if (!listed || verbose) {
          std::cout << "  " << (listed ? "known failure " : "FAILED ") << id << ": " << c.expr
                    << "\n    " << c.message << "\n";
        }
      } else if (c.state == CaseResult::State::kSkipped && verbose) {
        std::cout << "  skipped " << id << ": " << c.message << "\n";
      }
      if (c.state != CaseResult::State::kFailed && listed) {
        ++fixed;
        std::cout << "  " << (c.state == CaseResult::State::kPassed ? "passes" : "is skipped")
                  << " now (remove from the known failures): " << id << "\n";
      }
    }
  }
  std::cout << passed << " passed, " << failed << " failed";
  if (skipped > 0) std::cout << " (" << skipped << " skipped: native histograms)";
  std::cout << "\n";
  if (!known_path.empty()) {
    std::cout << unexpected << " failed outside the known failures; " << fixed
              << " known failures pass or are skipped now\n";
  }
  const bool ok = !broken && (known_path.empty() ? failed == 0 : unexpected == 0);
  return ok ? 0 : 1;
}
