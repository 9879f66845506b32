# lagsim - one entry point for building, running, testing and installing.
#
#   make              build build/liblagsim.a, build/lagsim and build/mm1
#   make run          build and run configs/default.ini
#   make test         build and run every test (unit tests and CLI tests)
#   make sanitize     the tests again under AddressSanitizer + UBSan
#   make bench        performance benchmarks
#   make install PREFIX=/usr/local
#   make deps         install the Debian packages we need, if missing
#
# Honours CC, CFLAGS, CPPFLAGS, LDFLAGS and LDLIBS. With CI set, warnings
# are errors.

CC      ?= cc
PREFIX  ?= /usr/local
BUILD   ?= build
PKGS    := gsl inih
TESTPKGS := cmocka

OPT     ?= -O2
WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wpointer-arith -Wvla -Wformat=2 -Wundef
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
CLI_SRC   := $(sort $(wildcard cli/*.c))
TEST_SRC  := $(sort $(wildcard tests/test_*.c))
BENCH_SRC := $(sort $(wildcard benchmarks/*.c))

LIB_OBJ   := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
CLI_OBJ   := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
TEST_BIN  := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
BENCH_BIN := $(BENCH_SRC:benchmarks/%.c=$(BUILD)/%)

LIBA      := $(BUILD)/liblagsim.a
LAGSIM    := $(BUILD)/lagsim

.PHONY: all deps run test check sanitize bench install uninstall clean tests-build

all: deps
	@$(MAKE) --no-print-directory $(LIBA) $(LAGSIM) $(BENCH_BIN)

# Install missing Debian packages (apt-get update first: a fresh machine
# has no package lists). Does nothing when pkg-config finds them all.
deps:
	@if pkg-config --exists $(PKGS) $(TESTPKGS) 2>/dev/null; then :; else \
	  echo "lagsim: installing libgsl-dev libinih-dev libcmocka-dev pkg-config"; \
	  SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
	    libgsl-dev libinih-dev libcmocka-dev pkg-config >/dev/null || exit 1; \
	fi

$(BUILD)/obj/%.o: %.c $(wildcard include/lagsim/*.h) $(wildcard lib/*/*.h) $(wildcard cli/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -c $< -o $@

$(LIBA): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

$(LAGSIM): $(CLI_OBJ) $(LIBA)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) $(CLI_OBJ) $(LIBA) $(LIBS) -o $@

$(BUILD)/%: benchmarks/%.c $(LIBA)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) -DNDEBUG $(LDFLAGS) $< $(LIBA) $(LIBS) -o $@

$(BUILD)/tests/%: tests/%.c $(LIBA) $(wildcard tests/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(LDFLAGS) $< $(LIBA) $(TESTLIBS) $(LIBS) -o $@

run: all
	$(LAGSIM) run configs/default.ini

tests-build: $(LIBA) $(LAGSIM) $(TEST_BIN) $(BENCH_BIN)

test: deps
	@$(MAKE) --no-print-directory tests-build
	@sh tests/run_tests.sh $(BUILD)

check: test

sanitize: deps
	@$(MAKE) --no-print-directory BUILD=build/san OPT=-O1 \
	  EXTRA_CFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	  LDFLAGS="$(LDFLAGS) -fsanitize=address,undefined" tests-build
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  LAGSIM_SANITIZED=1 sh tests/run_tests.sh build/san

bench: all
	@sh benchmarks/run_bench.sh $(BUILD) $(BENCH_ARGS)

install: all
	install -d $(DESTDIR)$(PREFIX)/include/lagsim $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/bin
	install -m 644 include/lagsim/*.h $(DESTDIR)$(PREFIX)/include/lagsim/
	install -m 644 $(LIBA) $(DESTDIR)$(PREFIX)/lib/
	install -m 755 $(LAGSIM) $(DESTDIR)$(PREFIX)/bin/
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|'"$$(sed -n 's/.*LAGSIM_VERSION_STRING "\(.*\)"/\1/p' include/lagsim/version.h)"'|g' \
	  lagsim.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/lagsim.pc

uninstall:
	rm -rf $(DESTDIR)$(PREFIX)/include/lagsim
	rm -f $(DESTDIR)$(PREFIX)/lib/liblagsim.a $(DESTDIR)$(PREFIX)/lib/pkgconfig/lagsim.pc $(DESTDIR)$(PREFIX)/bin/lagsim

clean:
	rm -rf build
