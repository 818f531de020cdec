# bostadforst - plain Makefile over pkg-config.
#   make        build ./bostadforst
#   make run    deps, build, migrate var/bostadforst.db, demo data, serve on :8080
#   make test   ASan+UBSan build and every suite (fuzz targets 10 s each);
#               last line "N passed, N failed"
#   make fuzz   the libFuzzer targets (tests/fuzz/), FUZZ_SECONDS (60) each
#   make bench  throughput figures (tests/bench/)
#   make cluster-test  failover under write load: etcd, three PostgreSQL
#               nodes under Patroni, HAProxy (tests/cluster/; root; minutes;
#               REPS=1 for one round instead of five)

PKGS     = libmicrohttpd sqlite3 jansson libsodium xlsxwriter libpq
WARN     = -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wwrite-strings
ifdef CI
WARN    += -Werror
endif
# '=' (not ':='): expanded when a recipe runs, after `deps` installed them
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   = $(shell pkg-config --libs $(PKGS)) -lpthread -lm
CFLAGS  ?= -O2 -g
SANITIZE = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

SRCS     = $(wildcard src/*.c)
LIB_SRCS = $(filter-out src/main.c,$(SRCS))
HDRS     = $(wildcard src/*.h)
ASSETS   = $(sort $(shell find templates migrations migrations-pg static -type f 2>/dev/null))
UNIT     = $(patsubst tests/unit/%.c,build/asan/%,$(wildcard tests/unit/test_*.c))

# libFuzzer targets: clang (Debian's clang 14 and libclang-rt-14-dev). The
# library is compiled once with coverage (fuzzer-no-link) and ASan+UBSan;
# each target links it with libFuzzer's main.
FUZZ_CC      ?= clang
FUZZ_SAN      = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
FUZZ_TARGETS  = $(patsubst tests/fuzz/fuzz_%.c,build/fuzz/fuzz_%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_OBJS     = $(patsubst src/%.c,build/fuzz/obj/%.o,$(LIB_SRCS)) build/fuzz/obj/assets_gen.o
FUZZ_SECONDS ?= 60
ASAN_OBJS     = $(patsubst src/%.c,build/asan/obj/%.o,$(LIB_SRCS)) build/asan/obj/assets_gen.o

PORT    ?= 8080
DB      ?= var/bostadforst.db

.PHONY: all deps deps-test deps-bench run test unit fuzz bench clean cluster-deps cluster-test

all: deps
	@$(MAKE) --no-print-directory bostadforst

deps:
	@sh tools/deps.sh build

deps-test:
	@sh tools/deps.sh test

deps-bench:
	@sh tools/deps.sh bench

build/embed: tools/embed.c
	@mkdir -p build
	$(CC) -O1 -o $@ $<

build/assets_gen.c: build/embed $(ASSETS)
	build/embed $@ $(ASSETS)

bostadforst: $(SRCS) $(HDRS) build/assets_gen.c
	$(CC) $(CFLAGS) $(WARN) $(PKG_CFLAGS) -Isrc -o $@ $(SRCS) build/assets_gen.c $(PKG_LIBS)

# The sanitizer build compiles each source once into build/asan/obj; the
# server and every unit test link those objects (a test per module used to
# recompile the whole library, which was most of `make test`'s build time).
.SECONDARY: $(ASAN_OBJS)

build/asan/obj/%.o: src/%.c $(HDRS)
	@mkdir -p build/asan/obj
	$(CC) -O1 -g $(SANITIZE) $(WARN) $(PKG_CFLAGS) -Isrc -c -o $@ $<

build/asan/obj/assets_gen.o: build/assets_gen.c
	@mkdir -p build/asan/obj
	$(CC) -O1 -Isrc -c -o $@ $<

build/asan/bostadforst: $(ASAN_OBJS) build/asan/obj/main.o
	$(CC) $(SANITIZE) -o $@ $(ASAN_OBJS) build/asan/obj/main.o $(PKG_LIBS)

build/asan/test_%: tests/unit/test_%.c tests/unit/check.h $(ASAN_OBJS)
	$(CC) -O1 -g $(SANITIZE) $(WARN) -Wno-missing-prototypes $(PKG_CFLAGS) -Isrc -o $@ $< $(ASAN_OBJS) $(PKG_LIBS)

.SECONDARY: $(FUZZ_OBJS)	# kept between targets (pattern-made, else removed)

build/fuzz/obj/%.o: src/%.c $(HDRS)
	@mkdir -p build/fuzz/obj
	$(FUZZ_CC) -O1 -g -fsanitize=fuzzer-no-link $(FUZZ_SAN) $(WARN) $(PKG_CFLAGS) -Isrc -c -o $@ $<

build/fuzz/obj/assets_gen.o: build/assets_gen.c
	@mkdir -p build/fuzz/obj
	$(FUZZ_CC) -O1 -Isrc -c -o $@ $<

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(FUZZ_OBJS)
	$(FUZZ_CC) -O1 -g -fsanitize=fuzzer $(FUZZ_SAN) $(WARN) $(PKG_CFLAGS) -Isrc -o $@ $< $(FUZZ_OBJS) $(PKG_LIBS)

run: all
	@mkdir -p var
	./bostadforst migrate --db $(DB)
	./bostadforst serve --db $(DB) --port $(PORT) --demo

test: deps-test
	@$(MAKE) --no-print-directory -j$$(nproc) build/asan/bostadforst $(UNIT) $(FUZZ_TARGETS)
	@sh tests/run.sh

fuzz: deps-test
	@$(MAKE) --no-print-directory $(FUZZ_TARGETS)
	@FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/fuzz/run.sh

bench: deps-bench
	@$(MAKE) --no-print-directory bostadforst
	@sh tests/bench/run.sh

cluster-deps:
	@sh tools/deps.sh cluster

# Not part of `make test`: it needs root and takes minutes (README.md
# "Failover, proved"). The app nodes take part once the server speaks
# PostgreSQL; until then a SQL writer is the load.
cluster-test: cluster-deps all
	@node tests/cluster/run.mjs

clean:
	rm -rf build bostadforst tests/e2e/out
