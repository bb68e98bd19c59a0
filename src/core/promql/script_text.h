// Small text helpers of the promqltest script reader (test_script_*.cc),
// on std::string_view: this absl's string_view is its own type, so its
// StrCat and StrSplit do not take std::string_view.
#ifndef TSDB_PROMQL_SCRIPT_TEXT_H_
#define TSDB_PROMQL_SCRIPT_TEXT_H_

#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "absl/strings/string_view.h"

namespace tsdb::promql::script {

inline void AppendPiece(std::string* out, std::string_view piece) { out->append(piece); }
inline void AppendPiece(std::string* out, const char* piece) { out->append(piece); }
inline void AppendPiece(std::string* out, const std::string& piece) { out->append(piece); }
// Status::message() is an absl::string_view.
inline void AppendPiece(std::string* out, absl::string_view piece) {
  out->append(piece.data(), piece.size());
}
template <typename T, typename = std::enable_if_t<std::is_integral_v<T>>>
void AppendPiece(std::string* out, T n) {
  out->append(std::to_string(n));
}

// Concatenates strings and integers.
template <typename... Args>
std::string Cat(const Args&... args) {
  std::string out;
  (AppendPiece(&out, args), ...);
  return out;
}

inline bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

inline bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Go's strings.TrimSpace for ASCII white space.
inline std::string_view TrimSpace(std::string_view s) {
  constexpr std::string_view kSpace = " \t\n\r\v\f";
  const size_t first = s.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return std::string_view();
  return s.substr(first, s.find_last_not_of(kSpace) - first + 1);
}

// The pieces of `s` between `sep` characters; with skip_empty, runs of
// separators count as one and empty pieces are dropped (Go's
// strings.Fields for the given separators).
inline std::vector<std::string_view> Split(std::string_view s, std::string_view seps,
                                           bool skip_empty) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (;;) {
    const size_t end = s.find_first_of(seps, start);
    const std::string_view piece =
        s.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (!skip_empty || !piece.empty()) out.push_back(piece);
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return out;
}

inline std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace tsdb::promql::script

#endif  // TSDB_PROMQL_SCRIPT_TEXT_H_
