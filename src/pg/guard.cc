#include "pg/guard.h"

#include <cstdio>
#include <cstring>

namespace tsdb::pg {
namespace {

void CopyText(char* dst, size_t size, const char* src) {
  snprintf(dst, size, "%s", src ? src : "");  // Postgres's snprintf macro
}

}  // namespace

int SqlStateFor(const Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kDataLoss:
      return ERRCODE_DATA_CORRUPTED;
    case absl::StatusCode::kInvalidArgument:
      return ERRCODE_INVALID_PARAMETER_VALUE;
    case absl::StatusCode::kUnimplemented:
      return ERRCODE_FEATURE_NOT_SUPPORTED;
    case absl::StatusCode::kResourceExhausted:
      return ERRCODE_PROGRAM_LIMIT_EXCEEDED;
    case absl::StatusCode::kOutOfRange:
      return ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE;
    default:
      return ERRCODE_INTERNAL_ERROR;
  }
}

void ThrowIfError(const Status& status, const char* context) {
  if (status.ok()) return;
  throw SqlError(SqlStateFor(status), std::string(context) + ": " + std::string(status.message()));
}

void CapturePendingError(PendingError* pending) noexcept {
  pending->pg_error = nullptr;
  pending->detail[0] = pending->hint[0] = '\0';
  try {
    throw;
  } catch (const PgException& e) {
    pending->pg_error = e.data();
  } catch (const SqlError& e) {
    pending->sqlstate = e.sqlstate();
    CopyText(pending->message, sizeof(pending->message), e.what());
    CopyText(pending->detail, sizeof(pending->detail), e.detail().c_str());
    CopyText(pending->hint, sizeof(pending->hint), e.hint().c_str());
  } catch (const std::bad_alloc&) {
    pending->sqlstate = ERRCODE_OUT_OF_MEMORY;
    CopyText(pending->message, sizeof(pending->message), "out of memory");
    CopyText(pending->detail, sizeof(pending->detail),
             "A C++ allocation inside the tsdb extension failed.");
  } catch (const std::exception& e) {
    pending->sqlstate = ERRCODE_INTERNAL_ERROR;
    CopyText(pending->message, sizeof(pending->message), "internal error in tsdb");
    CopyText(pending->detail, sizeof(pending->detail), e.what());
  } catch (...) {
    pending->sqlstate = ERRCODE_INTERNAL_ERROR;
    CopyText(pending->message, sizeof(pending->message), "internal error in tsdb");
    CopyText(pending->detail, sizeof(pending->detail), "An unknown C++ exception was thrown.");
  }
}

void RaisePendingError(const PendingError* pending) {
  if (pending->pg_error != nullptr) ReThrowError(pending->pg_error);
  ereport(ERROR, (errcode(pending->sqlstate), errmsg_internal("%s", pending->message),
                  pending->detail[0] ? errdetail_internal("%s", pending->detail) : 0,
                  pending->hint[0] ? errhint("%s", pending->hint) : 0));
  pg_unreachable();
}

}  // namespace tsdb::pg
