# SPDX-License-Identifier: EUPL-1.2
# Jawność: one binary, bin/jawnosc. See README.md for the targets.
CC      ?= cc
CLANG   ?= clang
PKGS    := libpq libmicrohttpd jansson libcmark libsodium libcurl pangocairo cairo-pdf fontconfig zlib \
           poppler-glib libqpdf libcrypto gmime-3.0 libxml-2.0
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
BASE    := -std=c17 -D_GNU_SOURCE -Iserver $(WARN) $(PKG_CFLAGS)
CFLAGS  ?= -O2 -g
SANFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
LDLIBS  := $(PKG_LIBS) -lpthread -lm

LIB_SRC  := $(sort $(wildcard server/*/*.c))
MAIN_SRC := server/main.c
REL_OBJ  := $(LIB_SRC:%.c=build/rel/%.o)
ASAN_OBJ := $(LIB_SRC:%.c=build/asan/%.o)
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=build/asan/tests/%)
INTEG_SRC := $(sort $(wildcard tests/integration/test_*.c))
INTEG_BIN := $(INTEG_SRC:tests/integration/%.c=build/asan/tests/%)
INTEG_LIB := tests/integration/harness.c
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/%)
FUZZ_SECONDS ?= 20
# The bench tool that loads data at scale (tests/bench/seed/, not part of
# bin/jawnosc): make bench and test_seed_scale run it.
SEED_SRC  := $(sort $(wildcard tests/bench/seed/*.c))
SEED_TOOL := build/rel/tests/bench/jawnosc-seed

.PHONY: all asan deps db run stop check check-dates unit integration fuzz fuzz-regressions \
        valgrind clean docs bench-letters bench bench-soak bench-bodies

all: bin/jawnosc

deps:
	@deploy/deps.sh

build/rel/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(BASE) $(CFLAGS) -MMD -MP -c $< -o $@

build/asan/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC asan $<"
	@$(CC) $(BASE) $(SANFLAGS) -MMD -MP -c $< -o $@

build/rel/libjawnosc.a: $(REL_OBJ)
	@rm -f $@; ar rcs $@ $^

build/asan/libjawnosc.a: $(ASAN_OBJ)
	@rm -f $@; ar rcs $@ $^

bin/jawnosc: build/rel/server/main.o build/rel/libjawnosc.a
	@mkdir -p bin
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(SEED_TOOL): $(SEED_SRC:%.c=build/rel/%.o) build/rel/libjawnosc.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

# The sanitizer build the tests run.
bin/jawnosc-asan: build/asan/server/main.o build/asan/libjawnosc.a
	@mkdir -p bin
	$(CC) $(SANFLAGS) -o $@ $^ $(LDLIBS)

asan: bin/jawnosc-asan

build/asan/tests/test_%: tests/unit/test_%.c build/asan/libjawnosc.a
	@mkdir -p $(dir $@)
	$(CC) $(BASE) $(SANFLAGS) -Itests -MMD -MP -o $@ $< build/asan/libjawnosc.a $(LDLIBS) -lcmocka

build/asan/tests/test_%: tests/integration/test_%.c $(INTEG_LIB) build/asan/libjawnosc.a
	@mkdir -p $(dir $@)
	$(CC) $(BASE) $(SANFLAGS) -Itests -MMD -MP -o $@ $< $(INTEG_LIB) build/asan/libjawnosc.a $(LDLIBS) -lcmocka

FUZZ_OBJ := $(LIB_SRC:%.c=build/fuzz/obj/%.o)
# clang, unlike gcc, warns about positional initialisers that leave the
# last fields zero, which the law's tables do on purpose (law/lifecycle.c).
CLANG_WARN := -Wno-missing-field-initializers
build/fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CLANG) $(BASE) $(CLANG_WARN) -g -O1 -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -MMD -MP -c $< -o $@

build/fuzz/libjawnosc.a: $(FUZZ_OBJ)
	@rm -f $@; ar rcs $@ $^

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c build/fuzz/libjawnosc.a
	@mkdir -p $(dir $@)
	$(CLANG) $(BASE) $(CLANG_WARN) -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -o $@ $< build/fuzz/libjawnosc.a $(LDLIBS)

# Replays the checked-in corpora and regression inputs (no new fuzzing):
# a plain driver main() from tests/fuzz/replay.c runs each file once.
build/asan/fuzz/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c build/asan/libjawnosc.a
	@mkdir -p $(dir $@)
	$(CC) $(BASE) $(SANFLAGS) -o $@ $< tests/fuzz/replay.c build/asan/libjawnosc.a $(LDLIBS)

unit: $(UNIT_BIN)
integration: bin/jawnosc-asan $(SEED_TOOL) $(INTEG_BIN)
fuzz-regressions: $(FUZZ_SRC:tests/fuzz/fuzz_%.c=build/asan/fuzz/replay_%)

# Everything CI runs: installs what is missing, builds with sanitizers, starts
# the private PostgreSQL, runs every suite and prints "N passed, N failed".
check: deps
	@$(MAKE) --no-print-directory bin/jawnosc bin/jawnosc-asan $(SEED_TOOL) unit integration fuzz-regressions
	@tests/run.sh

# The whole of check once for each of a Saturday, a Sunday, 24 December and
# 1 January, every process's clock moved there by libfaketime
# (tests/check_dates.sh; CHECK_DATES picks other days). Not part of check.
check-dates: deps
	@$(MAKE) --no-print-directory bin/jawnosc bin/jawnosc-asan unit integration fuzz-regressions
	@tests/check_dates.sh

fuzz: deps
	@$(MAKE) --no-print-directory $(FUZZ_BIN)
	@tests/fuzz/run.sh $(FUZZ_SECONDS)

valgrind: deps
	@$(MAKE) --no-print-directory bin/jawnosc integration
	@tests/valgrind.sh

db: deps
	@deploy/pg.sh start

run: deps
	@$(MAKE) --no-print-directory bin/jawnosc
	@deploy/run.sh

stop:
	@deploy/pg.sh stop

docs: bin/jawnosc
	bin/jawnosc lifecycle > docs/lifecycle.md
	bin/jawnosc letter docs > docs/letters.md

# Renders one letter (a refusal decision) to PDF 200 times with the release
# build and prints the median and p99 in milliseconds (not a test).
bench-letters: bin/jawnosc
	bin/jawnosc letter bench refusal_decision --count 200

# Load and scale (not tests; not part of check): its own PostgreSQL cluster,
# `$(SEED_TOOL) --cases $(BENCH_CASES) --orgs $(BENCH_ORGS)`, wrk against the release
# server, pgbench -S and nginx as ceilings; writes docs/benchmarks.md.
# bench-soak: a steady mix for SOAK_SECONDS (600); fails on errors or RSS
# growth over 5 %. Knobs: see tests/bench/run.sh.
bench: deps
	@tests/bench/run.sh bench

bench-soak: deps
	@tests/bench/run.sh soak

# The bodymem scenario alone, on a small database (1 000 cases), without the
# ceilings and without writing docs/benchmarks.md: 200 connections per kind
# of route each send a body of the route's limit less one byte; the server's
# peak RSS must stay under 150 MB.
bench-bodies: deps
	@BENCH_ONLY=bodymem BENCH_CASES=$${BENCH_CASES:-1000} BENCH_ORGS=$${BENCH_ORGS:-5} \
	  BENCH_CEILINGS=0 BENCH_DOC= tests/bench/run.sh bench

# make install / uninstall, test-cluster, restore-drill, test-install.
include deploy/ops.mk

clean:
	rm -rf build bin

-include $(shell find build -name '*.d' 2>/dev/null)
