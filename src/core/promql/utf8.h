// UTF-8 as Go's unicode/utf8 has it, for the lexer, the string unquoting
// and label validation: one decoder and one encoder.
#ifndef TSDB_SRC_CORE_PROMQL_UTF8_H_
#define TSDB_SRC_CORE_PROMQL_UTF8_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace tsdb::promql::utf8 {

inline constexpr char32_t kRuneError = 0xFFFD;

// utf8.DecodeRuneInString for a non-empty `s`: the rune at its start and
// its width; an invalid byte (overlong forms, surrogates, beyond U+10FFFF,
// a cut sequence) is (U+FFFD, 1).
inline char32_t DecodeRune(std::string_view s, uint32_t* width) {
  const auto b = [&](size_t i) { return static_cast<uint8_t>(s[i]); };
  const auto cont = [&](size_t i) { return i < s.size() && (b(i) & 0xC0) == 0x80; };
  const uint8_t b0 = b(0);
  *width = 1;
  if (b0 < 0x80) return b0;
  if (b0 >= 0xC2 && b0 <= 0xDF && cont(1)) {
    *width = 2;
    return (char32_t{b0 & 0x1Fu} << 6) | (b(1) & 0x3Fu);
  }
  if (b0 >= 0xE0 && b0 <= 0xEF && cont(1) && cont(2)) {
    const char32_t r = (char32_t{b0 & 0x0Fu} << 12) | ((b(1) & 0x3Fu) << 6) | (b(2) & 0x3Fu);
    if (r < 0x800 || (r >= 0xD800 && r <= 0xDFFF)) return kRuneError;
    *width = 3;
    return r;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4 && cont(1) && cont(2) && cont(3)) {
    const char32_t r = (char32_t{b0 & 0x07u} << 18) | ((b(1) & 0x3Fu) << 12) |
                       ((b(2) & 0x3Fu) << 6) | (b(3) & 0x3Fu);
    if (r < 0x10000 || r > 0x10FFFF) return kRuneError;
    *width = 4;
    return r;
  }
  return kRuneError;
}

// Whether the bytes at s[i] start a valid sequence (an encoded U+FFFD is
// valid; an invalid byte decodes to U+FFFD with width 1).
inline bool ValidAt(std::string_view s, size_t i, uint32_t* width) {
  const char32_t r = DecodeRune(s.substr(i), width);
  return !(r == kRuneError && *width == 1);
}

// utf8.AppendRune for a valid rune.
inline void AppendRune(std::string* out, char32_t r) {
  if (r < 0x80) {
    out->push_back(static_cast<char>(r));
  } else if (r < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (r >> 6)));
    out->push_back(static_cast<char>(0x80 | (r & 0x3F)));
  } else if (r < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (r >> 12)));
    out->push_back(static_cast<char>(0x80 | ((r >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (r & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (r >> 18)));
    out->push_back(static_cast<char>(0x80 | ((r >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((r >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (r & 0x3F)));
  }
}

}  // namespace tsdb::promql::utf8

#endif  // TSDB_SRC_CORE_PROMQL_UTF8_H_
