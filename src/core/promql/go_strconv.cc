// Go's strconv and Prometheus's model.ParseDuration
// (include/tsdb/promql/go_strconv.h). The syntax checks follow Go's
// atoi.go, atof.go and quote.go rule for rule; digit conversion is left to
// the C library (correctly rounded), and shortest float printing to
// std::to_chars, whose shortest round-trip digits are the ones Go's Ryu
// picks.
#include "tsdb/promql/go_strconv.h"

#include "promql/utf8.h"

#include <charconv>
#include <clocale>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

#include <locale.h>

#include "tsdb/promql/lexer.h"

namespace tsdb::promql {
namespace {

constexpr char32_t kRuneError = utf8::kRuneError;

// Go's strconv lower(): folds ASCII letters, harmless for other bytes.
char Lower(char c) { return static_cast<char>(c | ('x' - 'X')); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Go's underscoreOK: '_' only between digits, or between a base prefix and
// a digit.
bool UnderscoreOK(std::string_view s) {
  // What was seen last: '^' start, '0' a digit or base prefix, '_', or '!'
  // anything else.
  char saw = '^';
  size_t i = 0;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  bool hex = false;
  if (s.size() >= 2 && s[0] == '0' &&
      (Lower(s[1]) == 'b' || Lower(s[1]) == 'o' || Lower(s[1]) == 'x')) {
    i = 2;
    saw = '0';
    hex = Lower(s[1]) == 'x';
  }
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (IsDigit(c) || (hex && Lower(c) >= 'a' && Lower(c) <= 'f')) {
      saw = '0';
      continue;
    }
    if (c == '_') {
      if (saw != '0') return false;
      saw = '_';
      continue;
    }
    if (saw == '_') return false;
    saw = '!';
  }
  return saw != '_';
}

struct ParsedUint {
  uint64_t value = 0;
  NumError error = NumError::kNone;
};

// strconv.ParseUint(s, 0, 64). An overflow is reported as soon as it
// happens, before later bad digits or underscores, as in Go.
ParsedUint ParseUintBase0(std::string_view s) {
  ParsedUint out;
  if (s.empty()) {
    out.error = NumError::kSyntax;
    return out;
  }
  const std::string_view s0 = s;
  unsigned base = 10;
  if (s[0] == '0') {
    if (s.size() >= 3 && Lower(s[1]) == 'b') {
      base = 2;
      s.remove_prefix(2);
    } else if (s.size() >= 3 && Lower(s[1]) == 'o') {
      base = 8;
      s.remove_prefix(2);
    } else if (s.size() >= 3 && Lower(s[1]) == 'x') {
      base = 16;
      s.remove_prefix(2);
    } else {
      base = 8;
      s.remove_prefix(1);
    }
  }
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  const uint64_t cutoff = kMax / base + 1;  // smallest n with n*base > kMax
  bool underscores = false;
  uint64_t n = 0;
  for (const char c : s) {
    unsigned d;
    if (c == '_') {
      underscores = true;
      continue;
    } else if (IsDigit(c)) {
      d = static_cast<unsigned>(c - '0');
    } else if (Lower(c) >= 'a' && Lower(c) <= 'z') {
      d = static_cast<unsigned>(Lower(c) - 'a') + 10;
    } else {
      out.error = NumError::kSyntax;
      return out;
    }
    if (d >= base) {
      out.error = NumError::kSyntax;
      return out;
    }
    if (n >= cutoff) {
      out.value = kMax;
      out.error = NumError::kRange;
      return out;
    }
    n *= base;
    const uint64_t n1 = n + d;
    if (n1 < n) {
      out.value = kMax;
      out.error = NumError::kRange;
      return out;
    }
    n = n1;
  }
  if (underscores && !UnderscoreOK(s0)) {
    out.error = NumError::kSyntax;
    return out;
  }
  out.value = n;
  return out;
}

size_t CommonPrefixLenIgnoreCase(std::string_view s, std::string_view lower_prefix) {
  size_t n = 0;
  while (n < s.size() && n < lower_prefix.size()) {
    char c = s[n];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower_prefix[n]) break;
    ++n;
  }
  return n;
}

// Go's special(): "inf"/"infinity" with an optional sign, "nan" without
// one, any case. Returns the bytes used, 0 when `s` does not start so.
size_t Special(std::string_view s, double* value) {
  if (s.empty()) return 0;
  double sign = 1;
  size_t nsign = 0;
  if (s[0] == '+' || s[0] == '-') {
    if (s[0] == '-') sign = -1;
    nsign = 1;
    s.remove_prefix(1);
  } else if (s[0] == 'n' || s[0] == 'N') {
    if (CommonPrefixLenIgnoreCase(s, "nan") != 3) return 0;
    *value = std::numeric_limits<double>::quiet_NaN();
    return 3;
  } else if (s[0] != 'i' && s[0] != 'I') {
    return 0;
  }
  size_t n = CommonPrefixLenIgnoreCase(s, "infinity");
  // More than "inf" but not all of "infinity": only "inf" is used.
  if (n > 3 && n < 8) n = 3;
  if (n != 3 && n != 8) return 0;
  *value = sign * std::numeric_limits<double>::infinity();
  return nsign + n;
}

// Go's readFloat as a syntax check: the length of the float at the start of
// `s`, or 0 when there is none. Sets *hex for a hexadecimal mantissa.
size_t ScanFloat(std::string_view s, bool* hex) {
  size_t i = 0;
  bool underscores = false;
  *hex = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  char exp_char = 'e';
  if (i + 2 < s.size() && s[i] == '0' && Lower(s[i + 1]) == 'x') {
    i += 2;
    exp_char = 'p';
    *hex = true;
  }
  bool saw_dot = false;
  bool saw_digits = false;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '_') {
      underscores = true;
    } else if (c == '.') {
      if (saw_dot) break;
      saw_dot = true;
    } else if (IsDigit(c) || (*hex && Lower(c) >= 'a' && Lower(c) <= 'f')) {
      saw_digits = true;
    } else {
      break;
    }
  }
  if (!saw_digits) return 0;
  if (i < s.size() && Lower(s[i]) == exp_char) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (i >= s.size() || !IsDigit(s[i])) return 0;
    for (; i < s.size() && (IsDigit(s[i]) || s[i] == '_'); ++i) {
      if (s[i] == '_') underscores = true;
    }
  } else if (*hex) {
    return 0;  // a hexadecimal float needs its exponent
  }
  if (underscores && !UnderscoreOK(s.substr(0, i))) return 0;
  return i;
}

// strtod in the "C" locale, whatever the process locale is (a decimal
// comma would break it).
double StrtodC(const char* text, char** end) {
  static const locale_t c_locale = newlocale(LC_ALL_MASK, "C", static_cast<locale_t>(nullptr));
  return strtod_l(text, end, c_locale);
}

using utf8::AppendRune;
using utf8::DecodeRune;

int Unhex(char c) {
  if (IsDigit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Go's UnquoteChar: decodes the character or escape at the start of `*s`
// (inside a literal quoted by `quote`) onto `out` and advances `*s`.
// Returns false on a syntax error.
bool UnquoteChar(std::string_view* s, char quote, std::string* out) {
  if (s->empty()) return false;
  const char c = (*s)[0];
  if (c == quote) return false;
  if (static_cast<uint8_t>(c) >= 0x80) {
    uint32_t width;
    // An invalid byte decodes as U+FFFD and is written as such.
    AppendRune(out, DecodeRune(*s, &width));
    s->remove_prefix(width);
    return true;
  }
  if (c != '\\') {
    out->push_back(c);
    s->remove_prefix(1);
    return true;
  }
  if (s->size() < 2) return false;
  const char e = (*s)[1];
  s->remove_prefix(2);
  switch (e) {
    case 'a': out->push_back('\a'); return true;
    case 'b': out->push_back('\b'); return true;
    case 'f': out->push_back('\f'); return true;
    case 'n': out->push_back('\n'); return true;
    case 'r': out->push_back('\r'); return true;
    case 't': out->push_back('\t'); return true;
    case 'v': out->push_back('\v'); return true;
    case '\\': out->push_back('\\'); return true;
    case '\'':
    case '"':
      if (e != quote) return false;
      out->push_back(e);
      return true;
    case 'x':
    case 'u':
    case 'U': {
      const size_t n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
      if (s->size() < n) return false;
      char32_t v = 0;
      for (size_t j = 0; j < n; ++j) {
        const int x = Unhex((*s)[j]);
        if (x < 0) return false;
        v = (v << 4) | static_cast<char32_t>(x);
      }
      s->remove_prefix(n);
      if (e == 'x') {
        out->push_back(static_cast<char>(v));  // one byte, maybe not UTF-8
        return true;
      }
      if (v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return false;
      AppendRune(out, v);
      return true;
    }
    case '0': case '1': case '2': case '3':
    case '4': case '5': case '6': case '7': {
      unsigned v = static_cast<unsigned>(e - '0');
      if (s->size() < 2) return false;
      for (size_t j = 0; j < 2; ++j) {
        const char d = (*s)[j];
        if (d < '0' || d > '7') return false;
        v = (v << 3) | static_cast<unsigned>(d - '0');
      }
      s->remove_prefix(2);
      if (v > 255) return false;
      out->push_back(static_cast<char>(v));
      return true;
    }
    default:
      return false;
  }
}

Status BadQuote(std::string_view quoted) {
  return InvalidArgument("invalid quoted string %s: expected a Go string literal",
                         GoQuote(quoted));
}

// The shortest decimal digits of a finite v, as Go's decimalSlice: v =
// 0.d1d2d3... x 10^dp. Zero has no digits.
struct Digits {
  bool neg = false;
  std::string d;
  int dp = 0;
};

Digits ShortestDigits(double v) {
  Digits out;
  out.neg = std::signbit(v);
  if (v == 0) return out;
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, std::fabs(v),
                                 std::chars_format::scientific);
  std::string_view text(buf, static_cast<size_t>(res.ptr - buf));
  const size_t e = text.find('e');
  for (const char c : text.substr(0, e)) {
    if (c != '.') out.d.push_back(c);
  }
  while (out.d.size() > 1 && out.d.back() == '0') out.d.pop_back();
  int exp = 0;
  std::string_view exp_text = text.substr(e + 1);
  const bool exp_neg = exp_text[0] == '-';
  if (exp_text[0] == '+' || exp_text[0] == '-') exp_text.remove_prefix(1);
  std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), exp);
  out.dp = (exp_neg ? -exp : exp) + 1;
  return out;
}

// Go's fmtE: d[.ddd]e±dd with `prec` digits after the point.
std::string FormatE(const Digits& digs, int prec) {
  std::string out;
  if (digs.neg) out.push_back('-');
  out.push_back(digs.d.empty() ? '0' : digs.d[0]);
  if (prec > 0) {
    out.push_back('.');
    for (int i = 1; i <= prec; ++i) {
      out.push_back(i < static_cast<int>(digs.d.size()) ? digs.d[i] : '0');
    }
  }
  out.push_back('e');
  int exp = digs.d.empty() ? 0 : digs.dp - 1;
  out.push_back(exp < 0 ? '-' : '+');
  if (exp < 0) exp = -exp;
  if (exp < 10) out.push_back('0');
  out += std::to_string(exp);
  return out;
}

// Go's fmtF: ddd[.ddd] with `prec` digits after the point.
std::string FormatF(const Digits& digs, int prec) {
  std::string out;
  if (digs.neg) out.push_back('-');
  const int nd = static_cast<int>(digs.d.size());
  if (digs.dp > 0) {
    for (int i = 0; i < digs.dp; ++i) out.push_back(i < nd ? digs.d[i] : '0');
  } else {
    out.push_back('0');
  }
  if (prec > 0) {
    out.push_back('.');
    for (int i = 0; i < prec; ++i) {
      const int j = digs.dp + i;
      out.push_back(j >= 0 && j < nd ? digs.d[j] : '0');
    }
  }
  return out;
}

}  // namespace

ParsedInt GoParseInt(std::string_view s) {
  ParsedInt out;
  if (s.empty()) {
    out.error = NumError::kSyntax;
    return out;
  }
  bool neg = false;
  if (s[0] == '+') {
    s.remove_prefix(1);
  } else if (s[0] == '-') {
    neg = true;
    s.remove_prefix(1);
  }
  const ParsedUint un = ParseUintBase0(s);
  if (un.error == NumError::kSyntax) {
    out.error = NumError::kSyntax;
    return out;
  }
  constexpr uint64_t kCutoff = uint64_t{1} << 63;
  if (!neg && un.value >= kCutoff) {
    out.value = std::numeric_limits<int64_t>::max();
    out.error = NumError::kRange;
  } else if (neg && un.value > kCutoff) {
    out.value = std::numeric_limits<int64_t>::min();
    out.error = NumError::kRange;
  } else if (neg) {
    // -2^63 is representable although 2^63 is not: negate in unsigned.
    out.value = static_cast<int64_t>(~un.value + 1);
  } else {
    out.value = static_cast<int64_t>(un.value);
  }
  return out;
}

ParsedFloat GoParseFloat(std::string_view s) {
  ParsedFloat out;
  double special;
  if (const size_t n = Special(s, &special); n > 0) {
    if (n == s.size()) {
      out.value = special;
    } else {
      out.error = NumError::kSyntax;  // "infx", "nan1"
    }
    return out;
  }
  bool hex;
  const size_t n = ScanFloat(s, &hex);
  if (n == 0 || n != s.size()) {
    out.error = NumError::kSyntax;
    return out;
  }
  // The syntax is Go's; now the C library converts the digits, underscores
  // removed. Underflow gives a (correctly rounded) denormal or zero, and Go
  // does not call that an error; overflow gives ±Inf, which Go does.
  std::string clean;
  clean.reserve(s.size());
  for (const char c : s) {
    if (c != '_') clean.push_back(c);
  }
  char* end = nullptr;
  out.value = StrtodC(clean.c_str(), &end);
  if (end != clean.c_str() + clean.size()) {
    // Cannot happen for text that passed ScanFloat; be safe anyway.
    out.value = 0;
    out.error = NumError::kSyntax;
    return out;
  }
  if (std::isinf(out.value)) out.error = NumError::kRange;
  return out;
}

Result<std::string> GoUnquote(std::string_view quoted) {
  if (quoted.size() < 2) return BadQuote(quoted);
  const char quote = quoted[0];
  const size_t close = quoted.find(quote, 1);
  if (close == std::string_view::npos) return BadQuote(quoted);
  if (quote == '`') {
    // Raw: up to the first backquote, which must end the text.
    if (close != quoted.size() - 1) return BadQuote(quoted);
    std::string out;
    for (const char c : quoted.substr(1, close - 1)) {
      if (c != '\r') out.push_back(c);
    }
    return out;
  }
  if (quote != '"' && quote != '\'') return BadQuote(quoted);
  std::string out;
  std::string_view in = quoted.substr(1);
  while (!in.empty() && in[0] != quote) {
    if (in[0] == '\n' || !UnquoteChar(&in, quote, &out)) return BadQuote(quoted);
    if (quote == '\'') break;  // a rune literal holds one character
  }
  if (in.empty() || in[0] != quote) return BadQuote(quoted);
  in.remove_prefix(1);
  if (!in.empty()) return BadQuote(quoted);
  // '' gives "" (no error): Go's fast path accepts it, as
  // utf8.DecodeRuneInString("") is (RuneError, 0), which passes its check.
  return out;
}

Result<int64_t> ParsePromDuration(std::string_view s) {
  if (s == "0") return 0;
  if (s.empty()) return absl::InvalidArgumentError("empty duration string");
  struct Unit {
    std::string_view name;
    int pos;
    uint64_t nanos;
  };
  static constexpr uint64_t kSecond = 1000000000;
  static constexpr Unit kUnits[] = {
      {"y", 1, 365 * 24 * 3600 * kSecond}, {"w", 2, 7 * 24 * 3600 * kSecond},
      {"d", 3, 24 * 3600 * kSecond},       {"h", 4, 3600 * kSecond},
      {"m", 5, 60 * kSecond},              {"s", 6, kSecond},
      {"ms", 7, kSecond / 1000},
  };
  const std::string_view orig = s;
  const auto invalid = [&] {
    return absl::InvalidArgumentError("not a valid duration string: " + GoQuote(orig));
  };
  uint64_t total = 0;
  int last_pos = 0;
  while (!s.empty()) {
    if (!IsDigit(s[0])) return invalid();
    size_t i = 0;
    while (i < s.size() && IsDigit(s[i])) ++i;
    uint64_t v = 0;
    const auto conv = std::from_chars(s.data(), s.data() + i, v);
    if (conv.ec != std::errc()) return invalid();  // more than 64 bits
    s.remove_prefix(i);
    i = 0;
    while (i < s.size() && !IsDigit(s[i])) ++i;
    if (i == 0) return invalid();
    const std::string_view name = s.substr(0, i);
    s.remove_prefix(i);
    const Unit* unit = nullptr;
    for (const Unit& u : kUnits) {
      if (u.name == name) unit = &u;
    }
    if (unit == nullptr) {
      return absl::InvalidArgumentError("unknown unit " + GoQuote(name) + " in duration " +
                                        GoQuote(orig));
    }
    // Units from the largest down, each once ("1m1d" is no month).
    if (unit->pos <= last_pos) return invalid();
    last_pos = unit->pos;
    constexpr uint64_t kLimit = uint64_t{1} << 63;
    if (v > kLimit / unit->nanos) return absl::InvalidArgumentError("duration out of range");
    total += v * unit->nanos;
    if (total > kLimit - 1) return absl::InvalidArgumentError("duration out of range");
  }
  return static_cast<int64_t>(total / 1000000);
}

std::string GoFormatFloat(double v, char fmt) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  const Digits digs = ShortestDigits(v);
  const int nd = static_cast<int>(digs.d.size());
  switch (fmt) {
    case 'e':
      return FormatE(digs, nd > 0 ? nd - 1 : 0);
    case 'f':
      return FormatF(digs, nd - digs.dp > 0 ? nd - digs.dp : 0);
    default: {
      // 'g' at the shortest precision: Go decides the form with precision 6.
      const int exp = digs.dp - 1;
      if (exp < -4 || exp >= 6) return FormatE(digs, nd > 0 ? nd - 1 : 0);
      return FormatF(digs, nd - digs.dp > 0 ? nd - digs.dp : 0);
    }
  }
}

std::string GoSprintFloat(double v) { return GoFormatFloat(v, 'g'); }

std::string GoSprintfFixed(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  // glibc's printf rounds the exact binary value half-to-even, as Go's
  // strconv does.
  char buf[400];
  std::snprintf(buf, sizeof buf, "%.6f", v);
  return buf;
}

}  // namespace tsdb::promql
