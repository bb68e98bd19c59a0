# PGXS build of the extension. The Postgres-free core is built by CMake
# (CMakeLists.txt, target tsdb_core) into build/release and linked into
# tsdb.so as a static, position-independent library, so one build of the core
# serves the extension and the unit tests.
#
#   make                 build tsdb.so (and the core library)
#   make install         install into the Postgres that PG_CONFIG names
#   make installcheck    pg_regress against a running server (scripts/test.sh)
#   make TSDB_WERROR=1   warnings are errors (CI)

EXTENSION = tsdb
EXTVERSION = $(shell sed -n "s/^default_version = '\(.*\)'/\1/p" tsdb.control)
MODULE_big = tsdb
PG_SOURCES = $(sort $(wildcard src/pg/*.cc))
OBJS = $(PG_SOURCES:.cc=.o)
DATA_built = sql/$(EXTENSION)--$(EXTVERSION).sql
# pg_regress inputs sql/<test>.sql, outputs expected/<test>.out; every such
# file is listed here (scripts/test.sh checks).
REGRESS = codecs codec_errors describe guard tam_basic tam_sql layout compress bulk_insert vacuum_full block_delete verify custom_scan time_bucket aggregate_pushdown promql
REGRESS_OPTS = --load-extension=tsdb
# pg_isolation_regress specs/<test>.spec, outputs expected/<test>.out.
ISOLATION = tam_concurrency compress_concurrency block_delete_concurrency copy_concurrency prom_write_concurrency
ISOLATION_OPTS = --load-extension=tsdb

PG_CONFIG ?= pg_config
CMAKE ?= cmake
CORE_BUILD = build/release
CORE_LIB = $(CORE_BUILD)/libtsdb_core.a
ifeq ($(TSDB_WERROR),1)
CMAKE_WERROR = ON
WERROR_FLAG = -Werror
else
CMAKE_WERROR = OFF
endif

ABSL_LIBS = $(shell pkg-config --libs absl_statusor absl_str_format absl_flat_hash_map)
PG_CPPFLAGS = -Iinclude -Isrc
PG_CXXFLAGS = -std=c++17 -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers \
              -Wno-cast-function-type -Wno-register $(WERROR_FLAG)
SHLIB_LINK = $(CORE_LIB) $(ABSL_LIBS) -lzstd -lxxhash -lre2 -lstdc++
EXTRA_CLEAN = $(CORE_BUILD) $(OBJS:.o=.d)

# Debian's Postgres sets with_llvm=yes; PGXS would then also compile each C++
# file to bitcode with clang without our flags. JIT still works without it.
override with_llvm = no

PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# PGXS has a rule for .cpp only. CXXFLAGS already holds PG_CXXFLAGS.
%.o: %.cc
	$(COMPILE.cc) $(CFLAGS_SL) -MMD -MP -o $@ $<
-include $(OBJS:.o=.d)

sql/$(EXTENSION)--$(EXTVERSION).sql: sql/$(EXTENSION).sql
	cp $< $@

.PHONY: core
core:
	$(CMAKE) -S . -B $(CORE_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTSDB_WERROR=$(CMAKE_WERROR) >/dev/null
	$(CMAKE) --build $(CORE_BUILD) --target tsdb_core -j2

$(CORE_LIB): core
$(shlib): $(CORE_LIB)
