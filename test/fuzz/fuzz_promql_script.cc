// libFuzzer target: arbitrary bytes as a promqltest script (the test
// language tsdb.promql_load() accepts). Parsing must end with commands or
// an error saying which line; load commands must hold samples in time
// order per series (`load 0m` puts them all at 0). Anything else aborts.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "tsdb/promql/test_script.h"

namespace {

void Check(bool ok) {
  if (!ok) abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  tsdb::Result<std::vector<tsdb::promql::Command>> commands =
      tsdb::promql::ParseTestScript(input);
  if (!commands.ok()) {
    Check(!commands.status().message().empty());
    return 0;
  }
  for (const tsdb::promql::Command& c : *commands) {
    if (c.kind != tsdb::promql::CommandKind::kLoad) continue;
    for (const tsdb::promql::LoadSeries& s : c.load.series) {
      for (size_t i = 1; i < s.samples.size(); ++i) Check(s.samples[i - 1].t <= s.samples[i].t);
    }
  }
  return 0;
}
