#include "tsdb/promql/go_format.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace tsdb::promql {

namespace {

// Go's fmt keeps the sign of an infinity and drops it for NaN.
const char* NonFinite(double v) {
  if (std::isnan(v)) return "NaN";
  return v > 0 ? "+Inf" : "-Inf";
}

}  // namespace

std::string GoFormatG(double v) {
  if (!std::isfinite(v)) return NonFinite(v);
  // The shortest round-trip digits, as "d.ddde[+-]xx".
  char buf[64];
  const double mag = std::fabs(v);
  auto res = std::to_chars(buf, buf + sizeof buf, mag, std::chars_format::scientific);
  std::string sci(buf, res.ptr);
  const size_t e = sci.find('e');
  std::string digits;
  for (size_t i = 0; i < e; ++i) {
    if (sci[i] != '.') digits += sci[i];
  }
  const int exp = std::atoi(sci.c_str() + e + 1);

  std::string out = std::signbit(v) ? "-" : "";
  if (exp < -4 || exp >= 6) {
    // The same digits in exponent form; to_chars already writes Go's
    // two-digit minimum exponent.
    out += sci;
    return out;
  }
  if (exp < 0) {
    out += "0.";
    out.append(static_cast<size_t>(-exp - 1), '0');
    out += digits;
    return out;
  }
  const size_t int_digits = static_cast<size_t>(exp) + 1;
  if (digits.size() <= int_digits) {
    out += digits;
    out.append(int_digits - digits.size(), '0');
  } else {
    out += digits.substr(0, int_digits);
    out += '.';
    out += digits.substr(int_digits);
  }
  return out;
}

std::string GoFormatF(double v) {
  if (!std::isfinite(v)) return NonFinite(v);
  // glibc's printf rounds the exact binary value half-to-even, as Go's
  // strconv does.
  char buf[400];
  std::snprintf(buf, sizeof buf, "%.6f", v);
  return buf;
}

}  // namespace tsdb::promql
