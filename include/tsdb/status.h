// Status and Result for the core: the error kinds a caller can expect.
//
// The core never throws for expected failures (corrupt input, bad arguments,
// limits): it returns a Status. The kinds map one-to-one onto SQLSTATEs in
// src/pg/errors.cc:
//   Corruption       -> absl::DataLossError         -> ERRCODE_DATA_CORRUPTED
//   InvalidArgument  -> absl::InvalidArgumentError  -> ERRCODE_INVALID_PARAMETER_VALUE
//   Unsupported      -> absl::UnimplementedError    -> ERRCODE_FEATURE_NOT_SUPPORTED
//   LimitExceeded    -> absl::ResourceExhaustedError-> ERRCODE_PROGRAM_LIMIT_EXCEEDED
// std::bad_alloc is the one exception the core lets escape; the boundary guard
// turns it into ERRCODE_OUT_OF_MEMORY.
#ifndef TSDB_STATUS_H_
#define TSDB_STATUS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_format.h"

namespace tsdb {

using Status = absl::Status;
template <typename T>
using Result = absl::StatusOr<T>;

template <typename... Args>
Status Corruption(const absl::FormatSpec<Args...>& fmt, const Args&... args) {
  return absl::DataLossError(absl::StrFormat(fmt, args...));
}
template <typename... Args>
Status InvalidArgument(const absl::FormatSpec<Args...>& fmt, const Args&... args) {
  return absl::InvalidArgumentError(absl::StrFormat(fmt, args...));
}
template <typename... Args>
Status Unsupported(const absl::FormatSpec<Args...>& fmt, const Args&... args) {
  return absl::UnimplementedError(absl::StrFormat(fmt, args...));
}
template <typename... Args>
Status LimitExceeded(const absl::FormatSpec<Args...>& fmt, const Args&... args) {
  return absl::ResourceExhaustedError(absl::StrFormat(fmt, args...));
}

}  // namespace tsdb

// Propagates a non-OK Status from an expression returning Status.
// (The variable's name is unique per use: uses may nest, e.g. in a lambda
// passed to a call that is itself checked.)
#define TSDB_RETURN_IF_ERROR(expr) \
  TSDB_RETURN_IF_ERROR_IMPL_(TSDB_CONCAT_(tsdb_status_, __COUNTER__), expr)
#define TSDB_RETURN_IF_ERROR_IMPL_(status, expr) \
  do {                                           \
    ::tsdb::Status status = (expr);              \
    if (!status.ok()) return status;             \
  } while (0)

#define TSDB_CONCAT_INNER_(a, b) a##b
#define TSDB_CONCAT_(a, b) TSDB_CONCAT_INNER_(a, b)
// Declares `lhs` from a Result<T> expression or returns its error.
#define TSDB_ASSIGN_OR_RETURN(lhs, expr) \
  TSDB_ASSIGN_OR_RETURN_IMPL_(TSDB_CONCAT_(tsdb_result_, __LINE__), lhs, expr)
#define TSDB_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                \
  if (!tmp.ok()) return tmp.status();               \
  lhs = std::move(tmp).value()

#endif  // TSDB_STATUS_H_
