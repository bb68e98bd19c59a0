// libFuzzer target: arbitrary bytes as a PromQL query, evaluated (instant
// and range) over a small fixed data set with a sample limit.
//
// Whatever the query, evaluation must end with a result or an error
// status (never a crash, a sanitizer report, or running away with memory
// or time: the sample limit bounds both); results must be well-formed
// (range results sorted by labels, points in step order).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "tsdb/promql/engine.h"
#include "tsdb/promql/memory_source.h"
#include "tsdb/promql/parser.h"

namespace {

void Check(bool ok) {
  if (!ok) abort();
}

tsdb::promql::MemorySource* Source() {
  static auto* source = [] {
    auto* s = new tsdb::promql::MemorySource();
    using tsdb::promql::Labels;
    using tsdb::promql::Sample;
    const char* names[] = {"a", "b", "c_total", "d_bucket"};
    for (int m = 0; m < 4; ++m) {
      for (int j = 0; j < 3; ++j) {
        std::vector<Sample> samples;
        for (int i = 0; i < 40; ++i) {
          double v = m == 2 ? i * (j + 1) : std::sin(i + j) * 10;
          if (i == 20 && j == 1) v = tsdb::promql::StaleNaN();
          if (i == 30 && j == 2) v = std::nan("");
          samples.push_back(Sample{i * 15000, v});
        }
        std::string le = j == 0 ? "0.5" : j == 1 ? "1" : "+Inf";
        s->Add(Labels({{"__name__", names[m]}, {"job", "j" + std::to_string(j % 2)},
                       {"le", m == 3 ? le : ""}, {"i", std::to_string(j)}}),
               samples);
      }
    }
    return s;
  }();
  return source;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  tsdb::Result<tsdb::promql::ExprPtr> parsed = tsdb::promql::ParseExpr(input);
  if (!parsed.ok()) return 0;
  tsdb::promql::EngineOptions options;
  options.max_samples = 20000;
  tsdb::Result<tsdb::promql::QueryResult> instant =
      tsdb::promql::EvalInstant(**parsed, 300000, Source(), options);
  if (instant.ok() && instant->type == tsdb::promql::ValueType::kVector) {
    for (const auto& e : instant->vector) Check(e.t == 300000);
  }
  const tsdb::promql::ValueType type = (**parsed).Type();
  if (type == tsdb::promql::ValueType::kScalar || type == tsdb::promql::ValueType::kVector) {
    tsdb::Result<tsdb::promql::QueryResult> range =
        tsdb::promql::EvalRange(**parsed, 0, 600000, 30000, Source(), options);
    if (range.ok()) {
      for (size_t i = 1; i < range->matrix.size(); ++i) {
        Check(range->matrix[i - 1].labels < range->matrix[i].labels);
      }
      for (const auto& s : range->matrix) {
        for (size_t i = 1; i < s.samples.size(); ++i) {
          Check(s.samples[i - 1].t < s.samples[i].t);
        }
      }
    }
  }
  return 0;
}
