// The C++ / Postgres boundary, both ways (../shared/notes/postgres-internals.md
// section 2 has the rules this enforces).
//
// C++ -> Postgres: every entry point Postgres calls runs its body inside
// Guarded(). Any exception is caught there, its SQLSTATE and text copied into
// static buffers, and only after the catch scope has ended (so the exception
// object and every C++ local are destroyed) is the error raised with ereport.
//
// Postgres -> C++: every Postgres function that can raise an ERROR is called
// through PgCall(). It catches the longjmp under sigsetjmp, restores the
// state the error left behind, copies the ErrorData and throws PgException,
// so C++ destructors between the call and the entry point run. Guarded() then
// re-raises the original error with its SQLSTATE intact.
//
// Rule for lambdas given to PgCall: they may declare no object with a
// non-trivial destructor (a longjmp out of them would skip it).
#ifndef TSDB_PG_GUARD_H_
#define TSDB_PG_GUARD_H_

#include <csetjmp>
#include <exception>
#include <new>
#include <string>
#include <type_traits>
#include <utility>

// C++ and core headers first: Postgres's macros break them (postgres_headers.h).
#include "tsdb/status.h"
#include "pg/postgres_headers.h"

namespace tsdb::pg {

// A Postgres error caught by PgCall. Owns a copy of the ErrorData in the
// memory context that was current at the call.
class PgException : public std::exception {
 public:
  explicit PgException(ErrorData* data) : data_(data) {}
  const char* what() const noexcept override { return data_->message ? data_->message : "?"; }
  ErrorData* data() const { return data_; }

 private:
  ErrorData* data_;
};

// An error raised by our own C++ code, with the SQLSTATE to report.
class SqlError : public std::exception {
 public:
  SqlError(int sqlstate, std::string message, std::string detail = "", std::string hint = "")
      : sqlstate_(sqlstate),
        message_(std::move(message)),
        detail_(std::move(detail)),
        hint_(std::move(hint)) {}
  const char* what() const noexcept override { return message_.c_str(); }
  int sqlstate() const { return sqlstate_; }
  const std::string& detail() const { return detail_; }
  const std::string& hint() const { return hint_; }

 private:
  int sqlstate_;
  std::string message_, detail_, hint_;
};

// The SQLSTATE for a core Status (status.h lists the mapping).
int SqlStateFor(const Status& status);

// Throws SqlError when status is not OK: "<context>: <status message>".
void ThrowIfError(const Status& status, const char* context);

template <typename T>
T ValueOrThrow(Result<T> result, const char* context) {
  ThrowIfError(result.status(), context);
  return std::move(result).value();
}

// Calls a Postgres function from C++; a Postgres ERROR becomes PgException.
template <typename F>
auto PgCall(F&& fn) -> decltype(fn()) {
  MemoryContext context = CurrentMemoryContext;
  ErrorContextCallback* error_context = error_context_stack;
  sigjmp_buf* saved = PG_exception_stack;
  sigjmp_buf local;
  if (sigsetjmp(local, 0) == 0) {
    PG_exception_stack = &local;
    if constexpr (std::is_void_v<decltype(fn())>) {
      fn();
      PG_exception_stack = saved;
      return;
    } else {
      auto result = fn();
      PG_exception_stack = saved;
      return result;
    }
  }
  PG_exception_stack = saved;
  error_context_stack = error_context;
  MemoryContextSwitchTo(context);
  ErrorData* error = CopyErrorData();
  FlushErrorState();
  throw PgException(error);
}

// Where Guarded() keeps a C++ error while the exception is destroyed.
struct PendingError {
  ErrorData* pg_error = nullptr;  // re-raised as is
  int sqlstate = 0;               // else reported from the buffers below
  char message[1024];
  char detail[1024];
  char hint[512];
};
// Copies an exception in flight into `pending`. Never throws or raises.
void CapturePendingError(PendingError* pending) noexcept;
// Raises the pending error. Does not return.
[[noreturn]] void RaisePendingError(const PendingError* pending);

// Runs fn (an entry point's body) so that nothing escapes as a C++ exception.
template <typename F>
auto Guarded(F&& fn) -> decltype(fn()) {
  static PendingError pending;  // backends are single-threaded
  bool failed = false;
  try {
    return fn();
  } catch (...) {
    CapturePendingError(&pending);
    failed = true;
  }
  // The exception and every C++ object of fn are gone now.
  if (failed) RaisePendingError(&pending);
  pg_unreachable();
}

}  // namespace tsdb::pg

// Defines an SQL-callable function whose body runs under Guarded():
//   TSDB_SQL_FUNCTION(tsdb_encode_float8) { ... return datum; }
#define TSDB_SQL_FUNCTION(name)                                                 \
  static Datum name##_body(PG_FUNCTION_ARGS);                                   \
  extern "C" {                                                                  \
  PGDLLEXPORT Datum name(PG_FUNCTION_ARGS);                                     \
  PG_FUNCTION_INFO_V1(name);                                                    \
  Datum name(PG_FUNCTION_ARGS) {                                                \
    return ::tsdb::pg::Guarded([fcinfo]() -> Datum { return name##_body(fcinfo); }); \
  }                                                                             \
  }                                                                             \
  static Datum name##_body(PG_FUNCTION_ARGS)

#endif  // TSDB_PG_GUARD_H_
