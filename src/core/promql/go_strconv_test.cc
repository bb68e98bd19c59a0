#include "tsdb/promql/go_strconv.h"

#include <cmath>
#include <cstring>
#include <limits>

#include <gtest/gtest.h>

namespace tsdb::promql {
namespace {

constexpr int64_t kMaxInt = std::numeric_limits<int64_t>::max();
constexpr int64_t kMinInt = std::numeric_limits<int64_t>::min();
const double kInf = std::numeric_limits<double>::infinity();

struct IntCase {
  const char* text;
  int64_t value;
  NumError error;
};

TEST(GoParseIntTest, FollowsStrconvParseIntBase0) {
  const IntCase cases[] = {
      {"0", 0, NumError::kNone},
      {"-0", 0, NumError::kNone},
      {"+12", 12, NumError::kNone},
      {"-12", -12, NumError::kNone},
      {"0x1F", 31, NumError::kNone},
      {"0X1f", 31, NumError::kNone},
      {"-0x10", -16, NumError::kNone},
      {"0o17", 15, NumError::kNone},
      {"017", 15, NumError::kNone},  // a bare leading 0 is octal
      {"0b101", 5, NumError::kNone},
      {"1_000", 1000, NumError::kNone},
      {"0x_1F", 31, NumError::kNone},  // '_' may follow a base prefix
      {"0_7", 7, NumError::kNone},
      {"9223372036854775807", kMaxInt, NumError::kNone},
      {"-9223372036854775808", kMinInt, NumError::kNone},
      {"0x7fffffffffffffff", kMaxInt, NumError::kNone},
      // Out of range: the bound of the sign, as Go returns it.
      {"9223372036854775808", kMaxInt, NumError::kRange},
      {"-9223372036854775809", kMinInt, NumError::kRange},
      {"18446744073709551616", kMaxInt, NumError::kRange},
      {"-0xffffffffffffffffff", kMinInt, NumError::kRange},
      // The overflow is seen before the bad digit that follows it.
      {"99999999999999999999x", kMaxInt, NumError::kRange},
      // Syntax errors.
      {"", 0, NumError::kSyntax},
      {"+", 0, NumError::kSyntax},
      {"-", 0, NumError::kSyntax},
      {"+-1", 0, NumError::kSyntax},
      {"_1", 0, NumError::kSyntax},
      {"1_", 0, NumError::kSyntax},
      {"1__0", 0, NumError::kSyntax},
      {"0x", 0, NumError::kSyntax},  // too short for a prefix: octal "x"
      {"0b", 0, NumError::kSyntax},
      {"08", 0, NumError::kSyntax},
      {"0b2", 0, NumError::kSyntax},
      {"1.5", 0, NumError::kSyntax},
      {"1e3", 0, NumError::kSyntax},
      {" 1", 0, NumError::kSyntax},
      {"Inf", 0, NumError::kSyntax},
      {"0x1p3", 0, NumError::kSyntax},
  };
  for (const IntCase& c : cases) {
    const ParsedInt got = GoParseInt(c.text);
    EXPECT_EQ(got.value, c.value) << c.text;
    EXPECT_EQ(got.error, c.error) << c.text;
  }
}

struct FloatCase {
  const char* text;
  double value;
  NumError error;
};

TEST(GoParseFloatTest, FollowsStrconvParseFloat) {
  const FloatCase cases[] = {
      {"1", 1, NumError::kNone},
      {"-1.5", -1.5, NumError::kNone},
      {"+.5", 0.5, NumError::kNone},
      {"5.", 5, NumError::kNone},
      {"1e3", 1000, NumError::kNone},
      {"1E-3", 0.001, NumError::kNone},
      {"1e+3", 1000, NumError::kNone},
      {"1_000.5", 1000.5, NumError::kNone},
      {"1_0e1_0", 1e11, NumError::kNone},
      {"0x1p-2", 0.25, NumError::kNone},
      {"0X1.8P1", 3, NumError::kNone},
      {"0x.8p1", 1, NumError::kNone},
      {"-0x1p0", -1, NumError::kNone},
      {"0x_1p0", 1, NumError::kNone},
      {"0x1F", 0, NumError::kSyntax},  // a hex float needs its 'p' exponent
      {"0x1e3", 0, NumError::kSyntax},
      {"007", 7, NumError::kNone},  // decimal, not octal
      {"0.1", 0.1, NumError::kNone},
      {"1e-400", 0, NumError::kNone},  // underflow is no error in Go
      {"4.9e-324", 4.9e-324, NumError::kNone},
      {"1.7976931348623157e308", 1.7976931348623157e308, NumError::kNone},
      {"1e400", kInf, NumError::kRange},
      {"-1e400", -kInf, NumError::kRange},
      {"0x1p1024", kInf, NumError::kRange},
      {"1.8e308", kInf, NumError::kRange},
      {"1e400x", 0, NumError::kSyntax},  // syntax wins over range
      {"Inf", kInf, NumError::kNone},
      {"+inf", kInf, NumError::kNone},
      {"-Inf", -kInf, NumError::kNone},
      {"INFINITY", kInf, NumError::kNone},
      {"-infinity", -kInf, NumError::kNone},
      {"infin", 0, NumError::kSyntax},  // only "inf" used, "in" left over
      {"infx", 0, NumError::kSyntax},
      {"", 0, NumError::kSyntax},
      {".", 0, NumError::kSyntax},
      {"e1", 0, NumError::kSyntax},
      {"1e", 0, NumError::kSyntax},
      {"1e+", 0, NumError::kSyntax},
      {"1e_1", 0, NumError::kSyntax},
      {"_1", 0, NumError::kSyntax},
      {"1_", 0, NumError::kSyntax},
      {"1_.5", 0, NumError::kSyntax},
      {"1._5", 0, NumError::kSyntax},
      {"1..5", 0, NumError::kSyntax},
      {"--1", 0, NumError::kSyntax},
      {"1 ", 0, NumError::kSyntax},
      {"0x", 0, NumError::kSyntax},
      {"0xp1", 0, NumError::kSyntax},
      {"1,5", 0, NumError::kSyntax},
  };
  for (const FloatCase& c : cases) {
    const ParsedFloat got = GoParseFloat(c.text);
    EXPECT_EQ(got.error, c.error) << c.text;
    EXPECT_EQ(got.value, c.value) << c.text;
  }
}

TEST(GoParseFloatTest, NaNIsUnsignedOnly) {
  EXPECT_TRUE(std::isnan(GoParseFloat("NaN").value));
  EXPECT_TRUE(std::isnan(GoParseFloat("nan").value));
  EXPECT_EQ(GoParseFloat("nan").error, NumError::kNone);
  // Go's special() only allows a sign before "inf".
  EXPECT_EQ(GoParseFloat("-nan").error, NumError::kSyntax);
  EXPECT_EQ(GoParseFloat("+NaN").error, NumError::kSyntax);
  EXPECT_EQ(GoParseFloat("nanx").error, NumError::kSyntax);
}

TEST(GoParseFloatTest, RoundsCorrectly) {
  // Halfway between 1 and the next double: rounds to even (1).
  EXPECT_EQ(GoParseFloat("1.00000000000000011102230246251565404236316680908203125").value, 1.0);
  // Just above halfway: rounds up.
  EXPECT_EQ(GoParseFloat("1.00000000000000011102230246251565404236316680908203126").value,
            1.0000000000000002);
  // Many hex digits: rounded like decimal ones.
  EXPECT_EQ(GoParseFloat("0x1.00000000000008p0").value, 1.0);
  EXPECT_EQ(GoParseFloat("0x1.00000000000018p0").value, 1.0000000000000004);
  EXPECT_EQ(GoParseFloat("-0").value, 0.0);
  EXPECT_TRUE(std::signbit(GoParseFloat("-0").value));
  EXPECT_TRUE(std::signbit(GoParseFloat("-1e-400").value));
}

TEST(GoUnquoteTest, DecodesDoubleQuotedEscapes) {
  EXPECT_EQ(*GoUnquote(R"("")"), "");
  EXPECT_EQ(*GoUnquote(R"("abc")"), "abc");
  EXPECT_EQ(*GoUnquote(R"("a\nb\t\\\"")"), "a\nb\t\\\"");
  EXPECT_EQ(*GoUnquote(R"("\a\b\f\r\v")"), "\a\b\f\r\v");
  EXPECT_EQ(*GoUnquote(R"("\x41\x7a")"), "Az");
  EXPECT_EQ(*GoUnquote(R"("\xff")"), "\xff");  // \x is one byte, maybe not UTF-8
  EXPECT_EQ(*GoUnquote(R"("\377\101")"), "\xff" "A");
  EXPECT_EQ(*GoUnquote(R"("\u00e9")"), "\xc3\xa9");
  EXPECT_EQ(*GoUnquote(R"("\U0001F600")"), "\xf0\x9f\x98\x80");
  EXPECT_EQ(*GoUnquote(R"("it's")"), "it's");
  EXPECT_EQ(*GoUnquote("\"\xc3\xa9\""), "\xc3\xa9");
  // A byte that is not UTF-8 becomes U+FFFD.
  EXPECT_EQ(*GoUnquote("\"a\xff\""), "a\xef\xbf\xbd");
}

TEST(GoUnquoteTest, RejectsBadDoubleQuotedText) {
  const char* bad[] = {
      "",          "\"",       "\"abc",       "abc\"",       "\"a\"b\"",   "\"a\nb\"",
      R"("\q")",   R"("\')",   R"("\x4")",    R"("\x4g")",   R"("\400")",  R"("\08")",
      R"("\0")",   R"("\u12")", R"("\uD800")", R"("\U00110000")", R"("\")", R"("a\")",
      "\"a\" ",    "x\"a\"",
  };
  for (const char* text : bad) {
    const Result<std::string> got = GoUnquote(text);
    EXPECT_FALSE(got.ok()) << text;
    if (!got.ok()) {
      EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument);
    }
  }
}

TEST(GoUnquoteTest, SingleQuotesHoldOneCharacter) {
  EXPECT_EQ(*GoUnquote("'a'"), "a");
  EXPECT_EQ(*GoUnquote("'\xc3\xa9'"), "\xc3\xa9");
  EXPECT_EQ(*GoUnquote(R"('\'')"), "'");
  EXPECT_EQ(*GoUnquote(R"('"')"), "\"");
  EXPECT_EQ(*GoUnquote(R"('\n')"), "\n");
  EXPECT_EQ(*GoUnquote(R"('\xff')"), "\xff");
  // As Go: the empty rune literal passes its fast path.
  EXPECT_EQ(*GoUnquote("''"), "");
  EXPECT_FALSE(GoUnquote("'ab'").ok());
  EXPECT_FALSE(GoUnquote(R"('\"')").ok());
  EXPECT_FALSE(GoUnquote("'''").ok());
  EXPECT_FALSE(GoUnquote("'\n'").ok());
}

TEST(GoUnquoteTest, RawStringsKeepBytesAndDropCarriageReturns) {
  EXPECT_EQ(*GoUnquote("``"), "");
  EXPECT_EQ(*GoUnquote(R"(`a\nb`)"), "a\\nb");
  EXPECT_EQ(*GoUnquote("`a\nb`"), "a\nb");
  EXPECT_EQ(*GoUnquote("`a\r\nb`"), "a\nb");
  EXPECT_EQ(*GoUnquote("`\xff\xfe`"), "\xff\xfe");  // not checked for UTF-8
  EXPECT_EQ(*GoUnquote("`\"'`"), "\"'");
  EXPECT_FALSE(GoUnquote("`a`b`").ok());
  EXPECT_FALSE(GoUnquote("`abc").ok());
  EXPECT_FALSE(GoUnquote("`").ok());
}

TEST(GoUnquoteTest, ErrorSaysWhatWasExpected) {
  const Result<std::string> got = GoUnquote("\"abc");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().message(),
            "invalid quoted string \"\\\"abc\": expected a Go string literal");
}

TEST(GoPromDurationTest, UnitsInOrder) {
  EXPECT_EQ(*ParsePromDuration("0"), 0);
  EXPECT_EQ(*ParsePromDuration("0s"), 0);
  EXPECT_EQ(*ParsePromDuration("1ms"), 1);
  EXPECT_EQ(*ParsePromDuration("5m"), 300000);
  EXPECT_EQ(*ParsePromDuration("1h30m"), 5400000);
  EXPECT_EQ(*ParsePromDuration("1y"), 365LL * 24 * 3600 * 1000);
  EXPECT_EQ(*ParsePromDuration("2w"), 14LL * 24 * 3600 * 1000);
  EXPECT_EQ(*ParsePromDuration("1d2h3m4s5ms"), ((((24 + 2) * 60 + 3) * 60 + 4) * 1000LL) + 5);
  EXPECT_EQ(*ParsePromDuration("1y1w1d1h1m1s1ms"),
            (365 + 7 + 1) * 86400000LL + 3600000 + 60000 + 1000 + 1);
  EXPECT_EQ(*ParsePromDuration("0010s"), 10000);
  EXPECT_EQ(*ParsePromDuration("90s"), 90000);  // no carry rules
}

TEST(GoPromDurationTest, ErrorsAsPrometheusWordsThem) {
  const auto message = [](const char* text) {
    const Result<int64_t> got = ParsePromDuration(text);
    EXPECT_FALSE(got.ok()) << text;
    return got.ok() ? std::string() : std::string(got.status().message());
  };
  EXPECT_EQ(message(""), "empty duration string");
  EXPECT_EQ(message("30m1h"), "not a valid duration string: \"30m1h\"");
  EXPECT_EQ(message("1h1h"), "not a valid duration string: \"1h1h\"");
  EXPECT_EQ(message("1s1ms1s"), "not a valid duration string: \"1s1ms1s\"");
  EXPECT_EQ(message("1"), "not a valid duration string: \"1\"");
  EXPECT_EQ(message("h"), "not a valid duration string: \"h\"");
  EXPECT_EQ(message("-1h"), "not a valid duration string: \"-1h\"");
  EXPECT_EQ(message(" 1h"), "not a valid duration string: \" 1h\"");
  EXPECT_EQ(message("1.5h"), "unknown unit \".\" in duration \"1.5h\"");
  EXPECT_EQ(message("1sec"), "unknown unit \"sec\" in duration \"1sec\"");
  EXPECT_EQ(message("1M"), "unknown unit \"M\" in duration \"1M\"");
  EXPECT_EQ(message("99999999999999999999s"),
            "not a valid duration string: \"99999999999999999999s\"");
  // 2^63 ns is about 292 years.
  EXPECT_EQ(*ParsePromDuration("292y"), 292LL * 365 * 86400000);
  EXPECT_EQ(message("293y"), "duration out of range");
  EXPECT_EQ(message("292y52w"), "duration out of range");
  EXPECT_EQ(message("9223372036854775807ms"), "duration out of range");
}

struct FormatCase {
  double value;
  const char* e;
  const char* f;
  const char* g;
};

TEST(GoFormatFloatTest, ShortestDigitsInEachForm) {
  const FormatCase cases[] = {
      {0, "0e+00", "0", "0"},
      {1, "1e+00", "1", "1"},
      {-1.5, "-1.5e+00", "-1.5", "-1.5"},
      {0.1, "1e-01", "0.1", "0.1"},
      {100000, "1e+05", "100000", "100000"},
      {123456, "1.23456e+05", "123456", "123456"},
      {1e6, "1e+06", "1000000", "1e+06"},
      {1234567, "1.234567e+06", "1234567", "1.234567e+06"},
      {1e21, "1e+21", "1000000000000000000000", "1e+21"},
      {0.0001, "1e-04", "0.0001", "0.0001"},
      {0.00001, "1e-05", "0.00001", "1e-05"},
      {0.000012345, "1.2345e-05", "0.000012345", "1.2345e-05"},
      {1e100, "1e+100", "1" "0000000000" "0000000000" "0000000000" "0000000000" "0000000000"
                        "0000000000" "0000000000" "0000000000" "0000000000" "0000000000",
       "1e+100"},
      {5e-324, "5e-324", nullptr, "5e-324"},
      {1.7976931348623157e308, "1.7976931348623157e+308", nullptr, "1.7976931348623157e+308"},
      {0.3, "3e-01", "0.3", "0.3"},
      {0.1 + 0.2, "3.0000000000000004e-01", "0.30000000000000004", "0.30000000000000004"},
      {2.5, "2.5e+00", "2.5", "2.5"},
      {-0.0, "-0e+00", "-0", "-0"},
  };
  for (const FormatCase& c : cases) {
    EXPECT_EQ(GoFormatFloat(c.value, 'e'), c.e) << c.value;
    if (c.f != nullptr) {
      EXPECT_EQ(GoFormatFloat(c.value, 'f'), c.f) << c.value;
    }
    EXPECT_EQ(GoFormatFloat(c.value, 'g'), c.g) << c.value;
    EXPECT_EQ(GoSprintFloat(c.value), c.g) << c.value;
  }
}

TEST(GoFormatFloatTest, SpecialValues) {
  for (const char fmt : {'e', 'f', 'g'}) {
    EXPECT_EQ(GoFormatFloat(kInf, fmt), "+Inf");
    EXPECT_EQ(GoFormatFloat(-kInf, fmt), "-Inf");
    EXPECT_EQ(GoFormatFloat(std::nan(""), fmt), "NaN");
    EXPECT_EQ(GoFormatFloat(-std::nan(""), fmt), "NaN");
  }
}

TEST(GoFormatFloatTest, ReadsBackExactly) {
  const double values[] = {1.0 / 3, 2.0 / 3, 1e-7, 123.456, 9007199254740993.0, 1e23, 5e-324,
                           std::nextafter(1.0, 2.0)};
  for (const double v : values) {
    for (const char fmt : {'e', 'f', 'g'}) {
      const std::string text = GoFormatFloat(v, fmt);
      EXPECT_EQ(GoParseFloat(text).value, v) << text;
    }
  }
  EXPECT_EQ(GoFormatFloat(1e23, 'g'), "1e+23");
}

}  // namespace
}  // namespace tsdb::promql
