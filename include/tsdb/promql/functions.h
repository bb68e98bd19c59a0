// The PromQL function table: each function's name, argument types and
// result type, as Prometheus 3.x declares them (promql/parser/functions.go).
// The parser type-checks calls against it; the evaluator dispatches on it.
#ifndef TSDB_PROMQL_FUNCTIONS_H_
#define TSDB_PROMQL_FUNCTIONS_H_

#include <cstdint>
#include <string_view>
#include <vector>

namespace tsdb::promql {

enum class ValueType : uint8_t { kNone, kScalar, kVector, kMatrix, kString };

// The name Prometheus's messages use: "scalar", "instant vector",
// "range vector", "string" (DocumentedType).
std::string_view DocumentedType(ValueType type);
// The name of ValueType.String(): "scalar", "vector", "matrix", "string".
std::string_view TypeName(ValueType type);

struct FunctionInfo {
  std::string_view name;
  std::vector<ValueType> arg_types;
  // 0: exactly arg_types; n > 0: the last argument type may repeat so that
  // up to arg_types.size() - 1 + n arguments are allowed (the last one
  // optional); -1: any number of repetitions.
  int variadic = 0;
  ValueType return_type = ValueType::kVector;
  bool experimental = false;
};

// The function called `name`, or null.
const FunctionInfo* FindFunction(std::string_view name);

}  // namespace tsdb::promql

#endif  // TSDB_PROMQL_FUNCTIONS_H_
