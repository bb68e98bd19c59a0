// Go's number, string and duration syntax, as PromQL and its test scripts
// inherit it from Go's strconv and Prometheus's model package.
//
// Prometheus parses PromQL numbers with strconv.ParseInt(s, 0, 64) and then
// strconv.ParseFloat(s, 64), string literals with strconv.Unquote, durations
// with model.ParseDuration, and prints floats with strconv.FormatFloat and
// fmt's %v. Which texts are accepted, and which are a syntax error or out
// of range, decide what a query means, so these functions follow Go's rules
// exactly (read from Go's source; the code is ours). Digits are converted by
// the C library once Go's syntax has been checked, so rounding is IEEE
// round-to-nearest-even as in Go.
//
// All functions are pure and thread-safe.
#ifndef TSDB_PROMQL_GO_STRCONV_H_
#define TSDB_PROMQL_GO_STRCONV_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "tsdb/status.h"

namespace tsdb::promql {

// Go's strconv.ErrSyntax and strconv.ErrRange.
enum class NumError { kNone, kSyntax, kRange };

struct ParsedInt {
  int64_t value = 0;
  NumError error = NumError::kNone;
};

struct ParsedFloat {
  double value = 0;
  NumError error = NumError::kNone;
};

// strconv.ParseInt(s, 0, 64): an optional sign, then a base prefix `0x`,
// `0o`, `0b` (any case) or a bare leading `0` (octal), and `_` between
// digits or after a prefix ("1_000", "0x_1F"; not "_1", "1_", "1__0").
// kSyntax leaves value 0; kRange sets value to INT64_MAX or INT64_MIN, as Go.
ParsedInt GoParseInt(std::string_view s);

// strconv.ParseFloat(s, 64): decimal and hexadecimal (`0x1.8p3`, which
// needs its `p` exponent) floats with `_` as in ParseInt, and "inf",
// "infinity" (signed) and "nan" (unsigned) in any case. A value beyond the
// largest double is kRange with value ±Inf; one below the smallest
// denormal rounds to ±0 without an error, as in Go.
ParsedFloat GoParseFloat(std::string_view s);

// strconv.Unquote: "..." and '...' (exactly one character) with Go's
// escapes (\a \b \f \n \r \t \v \\ \' or \" matching the quote, \xHH and
// \OOO giving one byte, \uHHHH and \UHHHHHHHH giving a valid code point in
// UTF-8), or `...` raw (no escapes, carriage returns dropped, bytes kept
// even when not UTF-8). A newline inside "..." or '...' is an error; a byte
// that is not UTF-8 there becomes U+FFFD. Errors are InvalidArgument.
Result<std::string> GoUnquote(std::string_view quoted);

// model.ParseDuration of prometheus/common: "0", or one or more
// <digits><unit> with units y (365d), w, d, h, m, s, ms, each at most once
// and from the largest down ("1h30m"; not "30m1h", "1.5h", "1h1h"). Returns
// milliseconds. Errors carry Prometheus's texts: `empty duration string`,
// `not a valid duration string: "<s>"`, `unknown unit "<u>" in duration
// "<s>"`, `duration out of range` (beyond 2^63-1 nanoseconds).
Result<int64_t> ParsePromDuration(std::string_view s);

// strconv.FormatFloat(v, fmt, -1, 64) for fmt 'e', 'f' or 'g': the fewest
// digits that read back as v. 'g' uses the 'e' form when the decimal
// exponent is < -4 or >= 6 (Go's rule for the shortest precision), e.g.
// 1e+06, 123456, 1e-05, 0.0001. Infinities and NaN print as "+Inf", "-Inf"
// and "NaN". REQUIRES: fmt is 'e', 'f' or 'g'.
std::string GoFormatFloat(double v, char fmt);

// What fmt.Sprint(v) and %v print for a float64: fmt calls
// strconv.FormatFloat(v, 'g', -1, 64), so this equals GoFormatFloat(v, 'g').
// (The 1e21 threshold some expect is encoding/json's and JavaScript's, not
// fmt's.)
std::string GoSprintFloat(double v);

// fmt.Sprintf("%f", v): six decimals ("0.500000"), "+Inf", "-Inf", "NaN".
std::string GoSprintfFixed(double v);

}  // namespace tsdb::promql

#endif  // TSDB_PROMQL_GO_STRCONV_H_
