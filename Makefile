# lagsim - one entry point for building, running, testing and installing.
#
#   make              build build/liblagsim.a, build/liblagsim.so.X.Y.Z,
#                     build/lagsim and build/mm1
#   make run          build and run configs/default.ini
#   make check        the quick tier: unit tests, golden outputs and the fast
#                     CLI tests, all but those named in tests/slow.list (< 3 min)
#   make test         build and run every test (unit tests and CLI tests)
#   make update-golden  rewrite tests/golden/*.json from the current code
#   make sanitize     the tests again under AddressSanitizer + UBSan
#   make tsan         the threaded tests under ThreadSanitizer (build/tsan)
#   make mutants      plant each bug of tests/mutants/mutants.tsv in a scratch
#                     copy and run make check on it (MUTANT_JOBS=2 at once)
#   make check-all    test, sanitize, and valgrind memcheck
#   make bench        performance benchmarks
#   make equivalence  this tree's headline quantiles against EQUIV_BASE's, config by
#                     config (docs/equivalence.md; EQUIV_REPS, EQUIV_CONFIGS)
#   make mpi          build/lagsim-mpi with Open MPI (make deps-mpi installs it);
#                     make bench-mpi: its speedup on 2 ranks (docs/cluster.md)
#   make install PREFIX=/usr/local   (binary, libraries, headers, lagsim.pc,
#                     man pages, shell completion, example scenarios)
#   make docs         regenerate the docs made from the key table
#   make docs-check   run every command the docs show (make test: the quick ones)
#   make deps         install the Debian packages we need, if missing
#   make deps-browser install Debian's chromium (the HTML reports' browser
#                     test), if missing; make test and make sanitize call it
#   make report-screenshot  regenerate docs/img/report-compare.png
#   make fuzz         libFuzzer targets (clang, ASan + UBSan) for the config
#                     layer and the model, each run FUZZ_SECONDS (60); make fuzz-smoke: 20 s
#
# Honours CC, CFLAGS, CPPFLAGS, LDFLAGS and LDLIBS. With CI set, warnings
# are errors.

CC      ?= cc
PREFIX  ?= /usr/local
BUILD   ?= build
PKGS    := gsl inih
TESTPKGS := cmocka

OPT     ?= -O2
# -Wconversion (with gcc, -Wsign-conversion and -Wfloat-conversion too):
# no implicit narrowing; a cast says the range was checked. -Wcast-qual:
# no const cast away. -Wswitch-enum: a switch over an enum names every
# value, so a new one is a decision at each switch (docs/testing.md).
WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wpointer-arith -Wvla -Wformat=2 -Wundef \
           -Wconversion -Wcast-qual -Wswitch-enum
ifneq ($(CI),)
WARN    += -Werror
endif
CFLAGS  ?= $(OPT) -g
ALL_CFLAGS   = -std=c11 $(WARN) $(CFLAGS) $(EXTRA_CFLAGS)
ALL_CPPFLAGS = -D_POSIX_C_SOURCE=200809L -Iinclude -Ilib $(CPPFLAGS) \
               $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LIBS         = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm -lpthread $(LDLIBS)
TESTLIBS     = $(shell pkg-config --libs $(TESTPKGS) 2>/dev/null)

LIB_SRC   := $(sort $(wildcard lib/*/*.c))
# cli/cli_dist_mpi.c goes only into lagsim-mpi, in place of cli_dist_local.c.
CLI_SRC   := $(filter-out cli/cli_dist_mpi.c,$(sort $(wildcard cli/*.c)))
TEST_SRC  := $(sort $(wildcard tests/test_*.c))
BENCH_SRC := $(sort $(wildcard benchmarks/*.c))

LIB_OBJ   := $(LIB_SRC:%.c=$(BUILD)/pic/%.o)
CLI_OBJ   := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
TEST_BIN  := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
BENCH_BIN := $(BENCH_SRC:benchmarks/%.c=$(BUILD)/%)

LIBA      := $(BUILD)/liblagsim.a
# The shared library: liblagsim.so.MAJOR.MINOR.PATCH, soname liblagsim.so.MAJOR.
VERSION   := $(shell sed -n 's/.*LAGSIM_VERSION_STRING "\(.*\)"/\1/p' include/lagsim/version.h)
SOMAJOR   := $(firstword $(subst ., ,$(VERSION)))
LIBSO     := $(BUILD)/liblagsim.so.$(VERSION)
LAGSIM    := $(BUILD)/lagsim
# lagsim-mpi (make mpi): the same program, built with Open MPI's compiler
# wrapper, whose batches spread over MPI ranks (docs/cluster.md).
MPICC       ?= mpicc
LAGSIM_MPI  := $(BUILD)/lagsim-mpi
CLI_MPI_OBJ := $(filter-out $(BUILD)/obj/cli/cli_dist_local.o,$(CLI_OBJ)) $(BUILD)/mpi/cli_dist_mpi.o
# The test build includes lagsim-mpi where Open MPI is installed
# (make deps-mpi); tests/mpi_test.sh skips, and says so, where it is not.
HAVE_MPI    := $(shell command -v $(MPICC) >/dev/null 2>&1 && command -v mpirun >/dev/null 2>&1 && echo yes)
KEYREF    := $(BUILD)/keyref

.PHONY: deps-browser report-screenshot
.PHONY: all deps run test check sanitize bench bench-base install uninstall clean tests-build
.PHONY: equivalence equiv-base
.PHONY: valgrind check-all update-golden tsan mutants docs-update
.PHONY: fuzz fuzz-build fuzz-smoke fuzz-deps
.PHONY: docs docs-check print-warn mpi deps-mpi bench-mpi

all: deps
	@$(MAKE) --no-print-directory $(LIBA) $(LIBSO) $(LAGSIM) $(BENCH_BIN)

# Install missing Debian packages (apt-get update first: a fresh machine
# has no package lists). Does nothing when pkg-config finds them all and
# python3 with jsonschema is there: the CLI tests read JSON and CSV with
# python3, and python3-jsonschema validates the JSON outputs against
# docs/schema/ (python3-jsonschema pulls in python3).
deps:
	@if pkg-config --exists $(PKGS) $(TESTPKGS) 2>/dev/null && \
	    python3 -c 'import jsonschema' 2>/dev/null; then :; else \
	  echo "lagsim: installing libgsl-dev libinih-dev libcmocka-dev pkg-config python3 python3-jsonschema"; \
	  SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	    libgsl-dev libinih-dev libcmocka-dev pkg-config python3 python3-jsonschema >/dev/null || exit 1; \
	fi

# Headless Chromium opens every kind of HTML report in
# tests/html_report_test.sh; fonts-dejavu-core gives its screenshots text.
deps-browser:
	@if command -v chromium >/dev/null 2>&1; then :; else \
	  echo "lagsim: installing chromium fonts-dejavu-core"; \
	  SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	    chromium fonts-dejavu-core >/dev/null || exit 1; \
	fi

# The picture of a report in README.md and docs/reports.md: compare on a
# small default scenario, as HTML, screenshot by headless Chromium.
REPORT_SHOT_ARGS := compare configs/default.ini --reps 3 --set traffic.scale=0.005 \
  --set mixpanel.ingest_limit=150/s --set mixpanel.ingest_limit_bytes=10MB/min
report-screenshot: all deps-browser
	@mkdir -p docs/img $(BUILD)/shot
	$(LAGSIM) $(REPORT_SHOT_ARGS) --format html --out $(BUILD)/shot/report-compare.html
	chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
	  --user-data-dir=$(BUILD)/shot/profile --no-first-run --disable-background-networking \
	  --window-size=1000,2080 --screenshot=docs/img/report-compare.png \
	  file://$(abspath $(BUILD))/shot/report-compare.html 2>/dev/null

$(BUILD)/obj/%.o: %.c $(wildcard include/lagsim/*.h) $(wildcard lib/*/*.h) $(wildcard cli/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -c $< -o $@

# Library objects are position-independent (in their own directory, so no
# object built without -fPIC is ever reused), for the shared library; the
# static one is made of the same objects.
$(BUILD)/pic/%.o: %.c $(wildcard include/lagsim/*.h) $(wildcard lib/*/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -fPIC -c $< -o $@

$(LIBA): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

# Only the public lagsim_ symbols are exported (lib/lagsim.map).
$(LIBSO): $(LIB_OBJ) lib/lagsim.map
	$(CC) -shared -Wl,-soname,liblagsim.so.$(SOMAJOR) -Wl,--version-script,lib/lagsim.map \
	  $(ALL_CFLAGS) $(LDFLAGS) $(LIB_OBJ) $(LIBS) -o $@
	ln -sf liblagsim.so.$(VERSION) $(BUILD)/liblagsim.so.$(SOMAJOR)
	ln -sf liblagsim.so.$(SOMAJOR) $(BUILD)/liblagsim.so

$(LAGSIM): $(CLI_OBJ) $(LIBA)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) $(CLI_OBJ) $(LIBA) $(LIBS) -o $@

$(BUILD)/mpi/cli_dist_mpi.o: cli/cli_dist_mpi.c $(wildcard include/lagsim/*.h) $(wildcard cli/*.h)
	@mkdir -p $(dir $@)
	$(MPICC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -c $< -o $@

$(LAGSIM_MPI): $(CLI_MPI_OBJ) $(LIBA)
	$(MPICC) $(ALL_CFLAGS) $(LDFLAGS) $(CLI_MPI_OBJ) $(LIBA) $(LIBS) -o $@

# Open MPI's compiler wrapper and mpirun, from Debian, when missing
# (apt-get update first: a fresh machine has no package lists).
deps-mpi:
	@if command -v $(MPICC) >/dev/null 2>&1 && command -v mpirun >/dev/null 2>&1; then :; else \
	  echo "lagsim: installing libopenmpi-dev openmpi-bin"; \
	  SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq libopenmpi-dev openmpi-bin >/dev/null || exit 1; \
	fi

mpi: deps deps-mpi
	@$(MAKE) --no-print-directory $(LAGSIM_MPI)

# Speedup of 2 ranks over one process on an 8-point sweep (docs/cluster.md).
bench-mpi: mpi
	@$(MAKE) --no-print-directory $(LAGSIM)
	@sh benchmarks/mpi_speedup.sh $(BUILD) $(BENCH_MPI_ARGS)

$(BUILD)/%: benchmarks/%.c $(LIBA)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -DNDEBUG $(LDFLAGS) $< $(LIBA) $(LIBS) -o $@

$(BUILD)/tests/%: tests/%.c $(LIBA) $(wildcard tests/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(LDFLAGS) $< $(LIBA) $(TESTLIBS) $(LIBS) -o $@

run: all
	$(LAGSIM) run configs/default.ini

# The warning flags, for tests/install_test.sh (headers and examples/embed.c
# compile with them too).
print-warn:
	@echo $(WARN)

tests-build: $(LIBA) $(LAGSIM) $(TEST_BIN) $(BENCH_BIN) $(KEYREF) $(if $(HAVE_MPI),$(LAGSIM_MPI))

test: deps deps-browser
	@$(MAKE) --no-print-directory tests-build
	@sh tests/run_tests.sh $(BUILD) all

# The quick tier, for every change and for each planted bug of make mutants.
check: deps
	@$(MAKE) --no-print-directory tests-build
	@sh tests/run_tests.sh $(BUILD) quick

# Rewrite the golden outputs (tests/golden/NAME.json) from the current code.
# A commit that changes one says why in its message (docs/testing.md).
update-golden: deps
	@$(MAKE) --no-print-directory $(LAGSIM)
	@sh tests/golden_test.sh $(BUILD) --update

# The threaded tests under ThreadSanitizer, in their own build directory;
# any report fails. threads_test drives replications, compare, --precision
# and sweeps on 2 and 3 threads through the CLI; of the unit tests, the
# ones named *thread* (LAGSIM_TEST_FILTER) that compare thread counts.
TSAN_TESTS := test_replicate test_experiment
TSAN_SCRIPTS := threads_test
# gcc 12's TSan runtime can crash with SIGSEGV before main() when address
# space randomisation puts a mapping where it wants its shadow memory
# (github.com/google/sanitizers/issues/1716); it failed one CI run that
# way, at random. The tests run with randomisation off for this process
# tree (setarch -R, no privileges needed; inherited across exec) where
# the kernel allows it.
TSAN_LAUNCH := $(shell setarch $$(uname -m) -R true 2>/dev/null && echo setarch $$(uname -m) -R)
tsan: deps
	@$(MAKE) --no-print-directory BUILD=build/tsan OPT=-O1 \
	  EXTRA_CFLAGS="-fsanitize=thread -fno-omit-frame-pointer" \
	  LDFLAGS="$(LDFLAGS) -fsanitize=thread" build/tsan/lagsim $(TSAN_TESTS:%=build/tsan/tests/%)
	@TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1" LAGSIM_SANITIZED=1 \
	  LAGSIM_TEST_FILTER="*thread*" LAGSIM_TESTS="$(TSAN_TESTS) $(TSAN_SCRIPTS)" \
	  $(TSAN_LAUNCH) sh tests/run_tests.sh build/tsan all

# The planted-bug suite: each bug of tests/mutants/mutants.tsv in turn, in
# a scratch copy under build/mutants (never this tree), checked by make
# check. Too long for CI. MUTANT_JOBS mutants at once; MUTANTS=ID,ID to
# run some only.
MUTANT_JOBS ?= 2
mutants: deps
	@MUTANT_JOBS=$(MUTANT_JOBS) MUTANTS="$(MUTANTS)" python3 tests/mutants/run_mutants.py

# float-cast-overflow is not part of "undefined": an out-of-range
# double -> integer conversion is named on its own. The tests include the
# hostile-input table (tests/extreme_test.sh) and the input/output safety
# scripts, so those run under ASan + UBSan too.
SAN_FLAGS := -fsanitize=address,undefined,float-cast-overflow
sanitize: deps deps-browser
	@$(MAKE) --no-print-directory BUILD=build/san OPT=-O1 \
	  EXTRA_CFLAGS="$(SAN_FLAGS) -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	  LDFLAGS="$(LDFLAGS) $(SAN_FLAGS)" tests-build
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  LAGSIM_SANITIZED=1 sh tests/run_tests.sh build/san

# Memcheck on the unit tests that run in seconds under valgrind (test_model
# and test_queueing run millions of events: ASan/UBSan cover them) and on a
# run of every scenario in configs/, shrunk with traffic.scale.
VALGRIND_TESTS := test_des test_stats test_config test_report test_backoff test_rate_limiter \
                  test_series test_monitor test_report_delivery
VALGRIND       := valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect
valgrind: deps
	@$(MAKE) --no-print-directory tests-build
	@command -v valgrind >/dev/null || { echo "valgrind: not installed (apt-get install valgrind)"; exit 1; }
	@status=0; for t in $(VALGRIND_TESTS); do \
	  if LAGSIM_SANITIZED=1 $(VALGRIND) $(BUILD)/tests/$$t >/dev/null 2>$(BUILD)/valgrind-$$t.log; \
	  then echo "valgrind: $$t clean"; else status=1; echo "valgrind: $$t FAILED"; cat $(BUILD)/valgrind-$$t.log; fi; \
	done; \
	for f in configs/*.ini; do \
	  if $(VALGRIND) $(LAGSIM) run $$f --mode all --set traffic.scale=0.005 >/dev/null 2>$(BUILD)/valgrind-run.log; \
	  then echo "valgrind: lagsim run $$f clean"; else status=1; echo "valgrind: lagsim run $$f FAILED"; cat $(BUILD)/valgrind-run.log; fi; \
	done; exit $$status

# Everything: the tests, the tests under ASan + UBSan (which include a run
# of every scenario in configs/), and memcheck.
check-all: test sanitize valgrind

# make bench runs every benchmark on this tree and, side by side (the runs
# interleaved), on the commit BENCH_BASE (the previous release by default),
# built once from `git archive` into $(BENCH_BASE_DIR); each row shows
# both and their ratio. BENCH_BASE= (empty) benchmarks this tree alone.
BENCH_BASE     ?= 61b1eed
BENCH_BASE_DIR := $(BUILD)/bench-base
bench: all
	@if [ -n "$(BENCH_BASE)" ]; then $(MAKE) --no-print-directory bench-base; fi
	@BASE=$(if $(BENCH_BASE),$(BENCH_BASE_DIR)/build) sh benchmarks/run_bench.sh $(BUILD) $(BENCH_ARGS)

bench-base:
	@sh benchmarks/build_rev.sh $(BENCH_BASE) $(BENCH_BASE_DIR) bench

# make equivalence: whether this tree's model is the model of EQUIV_BASE
# (the last commit before the change of Gaussian variates, by default):
# every config of EQUIV_CONFIGS runs EQUIV_REPS replications with each
# build, and one Markdown table (also written to $(BUILD)/equivalence.md)
# compares each mode's p50, p90, p99 and p99.9 of the latency to visible:
# inside the base's 95% CI or not, Welch's t-test, Holm-Bonferroni at 5%
# (docs/equivalence.md). EQUIV_BASE is built once from `git archive` into
# $(EQUIV_BASE_DIR), again only when the revision changes; its results
# are kept there (per config and EQUIV_REPS) for the next run, which
# EQUIV_FRESH=1 ignores.
EQUIV_BASE     ?= 0d189c9
EQUIV_REPS     ?= 20
EQUIV_CONFIGS  ?= configs/*.ini
EQUIV_THREADS  ?= 1
EQUIV_BASE_DIR := $(BUILD)/equiv-base
equivalence: all
	@$(MAKE) --no-print-directory equiv-base
	@sh benchmarks/equivalence.sh $(BUILD) $(EQUIV_BASE_DIR)/build $(EQUIV_REPS) $(EQUIV_THREADS) \
	  "$$(cat $(EQUIV_BASE_DIR)/REF)" $(EQUIV_CONFIGS) >$(BUILD)/equivalence.md; \
	  status=$$?; cat $(BUILD)/equivalence.md; exit $$status

equiv-base:
	@sh benchmarks/build_rev.sh $(EQUIV_BASE) $(EQUIV_BASE_DIR) equivalence

# ---- Fuzzing -----------------------------------------------------------------
# Each tests/fuzz/fuzz_*.c is built with clang and libFuzzer, ASan and UBSan
# into $(FUZZ_BUILD)/, linked with the library compiled with the same flags
# ($(FUZZ_BUILD)/liblagsim.a), then run for FUZZ_SECONDS on a working copy
# of its seed corpus (tests/fuzz/corpus/NAME, copied to
# $(FUZZ_BUILD)/corpus/NAME, so runs never modify the repository). Crash
# artifacts go to $(FUZZ_BUILD)/findings/; any finding makes make fail.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_BUILD   := $(BUILD)/fuzz
FUZZ_FLAGS   := -g -O1 -fsanitize=fuzzer,address,undefined,float-cast-overflow -fno-sanitize-recover=all
FUZZ_CFLAGS  := -std=c11 $(WARN) $(FUZZ_FLAGS)
FUZZ_SRC     := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN     := $(FUZZ_SRC:tests/fuzz/%.c=$(FUZZ_BUILD)/%)
FUZZ_LIB_OBJ := $(LIB_SRC:%.c=$(FUZZ_BUILD)/obj/%.o)
FUZZ_LIBA    := $(FUZZ_BUILD)/liblagsim.a
FUZZ_DICT    := tests/fuzz/lagsim.dict
# Scenario files may have lines up to 4094 characters.
FUZZ_MAX_LEN_fuzz_loader := 8192
FUZZ_MAX_LEN_fuzz_values := 512
FUZZ_MAX_LEN_fuzz_set    := 1024
# Two bytes per override, at most 24 overrides.
FUZZ_MAX_LEN_fuzz_model  := 48

$(FUZZ_BUILD)/obj/%.o: %.c $(wildcard include/lagsim/*.h) $(wildcard lib/*/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(ALL_CPPFLAGS) $(FUZZ_CFLAGS) -c $< -o $@

$(FUZZ_LIBA): $(FUZZ_LIB_OBJ)
	rm -f $@
	$(AR) rcs $@ $^

$(FUZZ_BUILD)/%: tests/fuzz/%.c $(FUZZ_LIBA)
	$(FUZZ_CC) $(ALL_CPPFLAGS) $(FUZZ_CFLAGS) -Werror $(LDFLAGS) $< $(FUZZ_LIBA) $(LIBS) -o $@

fuzz-build: $(FUZZ_BIN)

# clang and its libFuzzer runtime, from Debian, when missing (.ci/run
# also builds everything with this clang).
fuzz-deps: deps
	@if command -v $(FUZZ_CC) >/dev/null 2>&1 && \
	    echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { (void)d; (void)n; return 0; }' | \
	    $(FUZZ_CC) -x c -fsanitize=fuzzer -o /dev/null - >/dev/null 2>&1; then :; else \
	  echo "lagsim: installing clang and libclang-rt-14-dev for libFuzzer"; \
	  SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq clang libclang-rt-14-dev >/dev/null || exit 1; \
	fi

fuzz: fuzz-deps
	@$(MAKE) --no-print-directory fuzz-build
	@mkdir -p $(FUZZ_BUILD)/findings
	@status=0; for t in $(FUZZ_SRC:tests/fuzz/%.c=%); do \
	  case $$t in fuzz_loader) max=$(FUZZ_MAX_LEN_fuzz_loader) ;; \
	    fuzz_values) max=$(FUZZ_MAX_LEN_fuzz_values) ;; \
	    fuzz_model) max=$(FUZZ_MAX_LEN_fuzz_model) ;; *) max=$(FUZZ_MAX_LEN_fuzz_set) ;; esac; \
	  mkdir -p $(FUZZ_BUILD)/corpus/$$t; \
	  if [ -d tests/fuzz/corpus/$$t ]; then cp tests/fuzz/corpus/$$t/* $(FUZZ_BUILD)/corpus/$$t/; fi; \
	  dict=; [ -f $(FUZZ_DICT) ] && dict=-dict=$(FUZZ_DICT); \
	  echo "fuzz: $$t for $(FUZZ_SECONDS) s (log $(FUZZ_BUILD)/$$t.log)"; \
	  if ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    $(FUZZ_BUILD)/$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
	      -max_len=$$max $$dict -print_final_stats=1 \
	      -artifact_prefix=$(FUZZ_BUILD)/findings/$$t- \
	      $(FUZZ_BUILD)/corpus/$$t >$(FUZZ_BUILD)/$$t.log 2>&1; then \
	    grep -E '^#[0-9]+[[:space:]]+DONE|^stat::(number_of_executed_units|average_exec_per_sec|new_units_added)' \
	      $(FUZZ_BUILD)/$$t.log | sed 's/^/  /'; \
	  else \
	    status=1; echo "fuzz: $$t FOUND A PROBLEM (artifacts in $(FUZZ_BUILD)/findings/):"; \
	    grep -E 'ERROR|SUMMARY|^fuzz_|Test unit written|^artifact' $(FUZZ_BUILD)/$$t.log | head -n 20 | sed 's/^/  /'; \
	  fi; \
	done; exit $$status

fuzz-smoke:
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=20

# ---- Documentation ---------------------------------------------------------------
# tools/keyref writes the scenario reference and lagsim-scenario(5) from the
# key table (lib/config/keys.c, lib/config/key_docs.c), and docs/sdk-presets.md
# from the SDK presets (lib/model/sdk_presets.c). make docs rewrites
# the committed copies; tests/docs_test.sh fails when they are stale, and
# runs the commands the docs show (the quick ones in make test, all of them
# in make docs-check).
$(KEYREF): tools/keyref.c $(LIBA) $(wildcard lib/config/*.h)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(LDFLAGS) $< $(LIBA) $(LIBS) -o $@

docs: deps
	@$(MAKE) --no-print-directory $(KEYREF)
	$(KEYREF) md > docs/scenario-reference.md.tmp && mv docs/scenario-reference.md.tmp docs/scenario-reference.md
	@mkdir -p man
	$(KEYREF) man > man/lagsim-scenario.5.tmp && mv man/lagsim-scenario.5.tmp man/lagsim-scenario.5
	$(KEYREF) schema > docs/schema/scenario.schema.json.tmp && \
	  mv docs/schema/scenario.schema.json.tmp docs/schema/scenario.schema.json
	$(KEYREF) presets > docs/sdk-presets.md.tmp && mv docs/sdk-presets.md.tmp docs/sdk-presets.md

docs-check: deps
	@$(MAKE) --no-print-directory tests-build
	@sh tests/docs_test.sh $(BUILD) --slow

# Writes what the shown commands print now into the stale blocks of the
# documents (each `...` kept); review the diff, then commit it with the
# reason the output changed.
docs-update: deps
	@$(MAKE) --no-print-directory tests-build
	-@LAGSIM_DOCS_UPDATE=1 sh tests/docs_test.sh $(BUILD) --slow

# Shell completion scripts, with the scenario keys of the key table.
$(BUILD)/completion/lagsim: completion/lagsim.bash.in $(KEYREF)
	@mkdir -p $(dir $@)
	sed "s|@KEYS@|$$($(KEYREF) keys | tr '\n' ' ' | sed 's/ $$//')|" $< > $@
$(BUILD)/completion/_lagsim: completion/_lagsim.in $(KEYREF)
	@mkdir -p $(dir $@)
	sed "s|@KEYS@|$$($(KEYREF) keys | tr '\n' ' ' | sed 's/ $$//')|" $< > $@
COMPLETION := $(BUILD)/completion/lagsim $(BUILD)/completion/_lagsim

LIBDIR   := $(DESTDIR)$(PREFIX)/lib
SHAREDIR := $(DESTDIR)$(PREFIX)/share
install: all
	@$(MAKE) --no-print-directory $(COMPLETION)
	install -d $(DESTDIR)$(PREFIX)/include/lagsim $(LIBDIR)/pkgconfig $(DESTDIR)$(PREFIX)/bin \
	  $(SHAREDIR)/man/man1 $(SHAREDIR)/man/man5 $(SHAREDIR)/bash-completion/completions \
	  $(SHAREDIR)/zsh/site-functions $(SHAREDIR)/lagsim/examples/data
	install -m 644 include/lagsim/*.h $(DESTDIR)$(PREFIX)/include/lagsim/
	install -m 644 $(LIBA) $(LIBDIR)/
	install -m 755 $(LIBSO) $(LIBDIR)/
	ln -sf liblagsim.so.$(VERSION) $(LIBDIR)/liblagsim.so.$(SOMAJOR)
	ln -sf liblagsim.so.$(SOMAJOR) $(LIBDIR)/liblagsim.so
	install -m 755 $(LAGSIM) $(DESTDIR)$(PREFIX)/bin/
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(VERSION)|g' \
	  lagsim.pc.in > $(LIBDIR)/pkgconfig/lagsim.pc
	install -m 644 man/lagsim.1 $(SHAREDIR)/man/man1/
	install -m 644 man/lagsim-scenario.5 $(SHAREDIR)/man/man5/
	install -m 644 $(BUILD)/completion/lagsim $(SHAREDIR)/bash-completion/completions/lagsim
	install -m 644 $(BUILD)/completion/_lagsim $(SHAREDIR)/zsh/site-functions/_lagsim
	install -m 644 configs/*.ini examples/embed.c $(SHAREDIR)/lagsim/examples/
	install -m 644 configs/data/* $(SHAREDIR)/lagsim/examples/data/

uninstall:
	rm -rf $(DESTDIR)$(PREFIX)/include/lagsim $(SHAREDIR)/lagsim
	rm -f $(LIBDIR)/liblagsim.a $(LIBDIR)/liblagsim.so.$(VERSION) $(LIBDIR)/liblagsim.so.$(SOMAJOR) \
	  $(LIBDIR)/liblagsim.so $(LIBDIR)/pkgconfig/lagsim.pc $(DESTDIR)$(PREFIX)/bin/lagsim \
	  $(SHAREDIR)/man/man1/lagsim.1 $(SHAREDIR)/man/man5/lagsim-scenario.5 \
	  $(SHAREDIR)/bash-completion/completions/lagsim $(SHAREDIR)/zsh/site-functions/_lagsim

clean:
	rm -rf build
