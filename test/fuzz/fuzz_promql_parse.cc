// libFuzzer target: arbitrary bytes as a PromQL query for the parser.
//
// Parsing must end with a tree or an error naming a position
// ("<line>:<column>: parse error: ..."). A tree must print as text that
// parses again and prints the same (the printer's round trip, which
// promqltest's @-modifier check relies on). Anything else aborts.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "tsdb/promql/parser.h"

namespace {

void Check(bool ok) {
  if (!ok) abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  tsdb::Result<tsdb::promql::ExprPtr> parsed = tsdb::promql::ParseExpr(input);
  if (!parsed.ok()) {
    const std::string message(parsed.status().message());
    Check(message.find(": parse error: ") != std::string::npos);
    return 0;
  }
  const std::string printed = tsdb::promql::ToString(**parsed);
  tsdb::Result<tsdb::promql::ExprPtr> again = tsdb::promql::ParseExpr(printed);
  Check(again.ok());
  Check(tsdb::promql::ToString(**again) == printed);
  Check((**again).Type() == (**parsed).Type());
  return 0;
}
