#include "pg/fault_injection.h"

#include <new>
#include <stdexcept>

#include "pg/guard.h"

namespace tsdb::pg {

int LiveScope::live_ = 0;

namespace {

enum FaultKind { kFaultNone, kFaultBadAlloc, kFaultCppException, kFaultPgError };

const struct config_enum_entry kFaultOptions[] = {
    {"none", kFaultNone, false},
    {"bad_alloc", kFaultBadAlloc, false},
    {"cpp_exception", kFaultCppException, false},
    {"pg_error", kFaultPgError, false},
    {nullptr, 0, false},
};

int fault = kFaultNone;

}  // namespace

void DefineFaultInjectionGuc() {
  DefineCustomEnumVariable(
      "tsdb.inject_fault", "Makes tsdb functions fail on purpose (boundary tests only).",
      "none, bad_alloc (a C++ allocation fails), cpp_exception (an unexpected C++ exception), "
      "pg_error (a Postgres ERROR inside C++ code).",
      &fault, kFaultNone, kFaultOptions, PGC_SUSET, GUC_NO_SHOW_ALL | GUC_NOT_IN_SAMPLE, nullptr,
      nullptr, nullptr);
}

void MaybeInjectFault() {
  switch (fault) {
    case kFaultBadAlloc:
      throw std::bad_alloc();
    case kFaultCppException:
      throw std::logic_error("injected C++ exception");
    case kFaultPgError:
      PgCall([] {
        ereport(ERROR, (errcode(ERRCODE_CONFIGURATION_LIMIT_EXCEEDED),
                        errmsg("injected Postgres error inside a C++ scope")));
      });
      break;
    default:
      break;
  }
}

}  // namespace tsdb::pg

TSDB_SQL_FUNCTION(tsdb_debug_live_scopes) {
  return Int32GetDatum(tsdb::pg::LiveScope::live());
}
