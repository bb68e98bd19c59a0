// Fault injection for the boundary tests (test/regress/sql/guard.sql).
//
// The superuser-only GUC tsdb.inject_fault makes the next guarded function
// that reaches an injection point fail in one of the ways the boundary must
// survive: a C++ allocation failure, a C++ exception, or a Postgres ERROR
// raised inside a C++ scope. LiveScope objects count the C++ frames alive at
// that moment; tsdb.debug_live_scopes() shows that all were destroyed.
#ifndef TSDB_PG_FAULT_INJECTION_H_
#define TSDB_PG_FAULT_INJECTION_H_

namespace tsdb::pg {

void DefineFaultInjectionGuc();

// Raises the configured fault, if any. It fires at every injection point
// until the GUC is reset, so a test sees the same failure every time.
void MaybeInjectFault();

// RAII marker of a C++ scope; counts live instances.
class LiveScope {
 public:
  LiveScope() { ++live_; }
  ~LiveScope() { --live_; }
  LiveScope(const LiveScope&) = delete;
  LiveScope& operator=(const LiveScope&) = delete;
  static int live() { return live_; }

 private:
  static int live_;
};

}  // namespace tsdb::pg

#endif  // TSDB_PG_FAULT_INJECTION_H_
