// Every promqltest script of Prometheus (../shared/promql, or the directory
// in PROMQL_TEST_DIR) parses. The scripts are reference data outside the
// repository, so the test skips when they are not there.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "tsdb/promql/test_script.h"

namespace tsdb::promql {
namespace {

std::filesystem::path ScriptDir() {
  if (const char* dir = std::getenv("PROMQL_TEST_DIR"); dir != nullptr && *dir != '\0') {
    return dir;
  }
  return TSDB_PROMQL_TEST_DIR;
}

TEST(ScriptFilesTest, EveryPrometheusScriptParses) {
  const std::filesystem::path dir = ScriptDir();
  if (!std::filesystem::is_directory(dir)) {
    GTEST_SKIP() << "no promqltest scripts at " << dir;
  }
  int files = 0;
  int evals = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (entry.path().extension() != ".test") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    Result<std::vector<Command>> cmds = ParseTestScript(text.str());
    EXPECT_TRUE(cmds.ok()) << entry.path() << ": " << cmds.status();
    if (!cmds.ok()) continue;
    ++files;
    for (const Command& c : *cmds) evals += c.kind == CommandKind::kEval;
  }
  EXPECT_GT(files, 10);
  EXPECT_GT(evals, 1000);
}

}  // namespace
}  // namespace tsdb::promql
