// Go's fmt verbs for floats, as Prometheus's messages print numbers: %g
// and %f. Infinities print as "+Inf"/"-Inf" and NaN as
// "NaN" under both verbs, as Go's fmt does.
#ifndef TSDB_PROMQL_GO_FORMAT_H_
#define TSDB_PROMQL_GO_FORMAT_H_

#include <string>

namespace tsdb::promql {

// fmt.Sprintf("%g", v): the shortest digits that round-trip, in exponent
// form ("1e+06", "1.5e-05") when the decimal exponent is < -4 or >= 6
// (strconv's rule for the shortest precision), else plain ("123456", "0.001").
std::string GoFormatG(double v);

// fmt.Sprintf("%f", v): six decimals ("0.500000").
std::string GoFormatF(double v);

}  // namespace tsdb::promql

#endif  // TSDB_PROMQL_GO_FORMAT_H_
