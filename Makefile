# boshi - build, test, demo and install.
#
#   make              build ./boshi
#   make check        build and run the Check tests and the browser tests (SAN=1: under ASan+UBSan)
#   make headers      check that every records/*.h compiles alone (make check does too)
#   make demo         run the main job on built-in synthetic data
#   make deps         install the Debian packages boshi needs
#   make bench        run the benchmarks in bench/
#   make model        retrain the handwriting models in ocr/models from nothing: digits
#                     (tools/train_digits.c) and katakana (tools/train_kana.c), fixed
#                     seeds; make check never trains
#   make fuzz         build the libFuzzer harnesses of fuzz/ with clang (build/fuzz/fuzz/*-libfuzzer)
#   make install      install boshi, its man pages and the models under $(DESTDIR)$(PREFIX)
#
# Every module folder is compiled into one static library; the command, the
# tests and the benchmarks link against it.

PREFIX   ?= /usr/local
DESTDIR  ?=
CC       ?= cc
SAN      ?= 0

MODULES  := base forms ocr intake records reports review demo
PKGS     := sqlite3 libsodium jansson libutf8proc libqrencode zbar tesseract lept libtiff-4 libmicrohttpd libarchive check
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs sqlite3 libsodium jansson libutf8proc libqrencode zbar tesseract lept libtiff-4 libmicrohttpd libarchive 2>/dev/null)
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null)

CFLAGS   ?= -O2 -g
CFLAGS   += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
            -Wmissing-prototypes -Wno-unused-parameter -I. -I$(BUILD) $(PKG_CFLAGS)
LDLIBS   += $(PKG_LIBS) -lhpdf -lcsv -lfann -lsvm -lm -lpthread

ifeq ($(FUZZ),1)
  # clang's coverage for libFuzzer on every object; the harnesses link -fsanitize=fuzzer
  CC     := clang
  BUILD  := build/fuzz
  CFLAGS += -O1 -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
  LDFLAGS += -fsanitize=address,undefined
  BIN    := $(BUILD)/boshi
else ifeq ($(SAN),1)
  BUILD  := build/san
  CFLAGS += -O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
  LDFLAGS += -fsanitize=address,undefined
  BIN    := $(BUILD)/boshi
else
  BUILD  := build/rel
  BIN    := boshi
endif

LIB_SRC  := $(foreach m,$(MODULES),$(wildcard $(m)/*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_SRC  := $(wildcard cli/*.c)
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/%.o)
TEST_SRC := $(wildcard tests/test_*.c)
TEST_BIN := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
TEST_LIB_SRC := $(wildcard tests/lib/*.c)
TEST_LIB_OBJ := $(TEST_LIB_SRC:%.c=$(BUILD)/%.o)
BENCH_SRC := $(wildcard bench/*.c)
BENCH_BIN := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)
LIB      := $(BUILD)/libboshi.a
# Every header of records/ compiles alone (includes what it needs): one
# stamp per header, `make headers`, also run by `make check`
HDR_CHECK := $(patsubst %.h,$(BUILD)/headers/%.ok,$(wildcard records/*.h))
# fuzz/fuzz_NAME.c runs over fuzz/corpus/NAME/: once per file in `make check`
# (built with $(CC) and fuzz/driver.c), for as long as asked with libFuzzer
FUZZ_SRC := $(wildcard fuzz/fuzz_*.c)
FUZZ_CHECK_BIN := $(FUZZ_SRC:fuzz/%.c=$(BUILD)/fuzz/%)
FUZZ_BIN := $(FUZZ_SRC:fuzz/%.c=$(BUILD)/fuzz/%-libfuzzer)

.PHONY: all check headers demo deps bench install clean model fuzz fuzz-bins FORCE
all: $(BIN) $(BENCH_BIN)     # the bench helpers too: every bench/*.sh works after plain make

# Where the installed binary finds its form definitions; rewritten (and
# cli/ rebuilt) only when PREFIX changes.
$(BUILD)/boshi-config.h: FORCE
	@mkdir -p $(BUILD)
	@echo '#define BOSHI_DATADIR "$(PREFIX)/share/boshi"' > $@.tmp
	@cmp -s $@.tmp $@ || mv $@.tmp $@; rm -f $@.tmp
$(CLI_OBJ) $(BUILD)/ocr/hand.o: $(BUILD)/boshi-config.h

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(LIB): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN): $(CLI_OBJ) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(LIB) $(LDLIBS)

ifneq ($(BIN),boshi)
boshi: $(BIN)
endif

$(BUILD)/headers/%.ok: %.h
	@mkdir -p $(dir $@)
	@echo '#include "$<"' | $(CC) $(CFLAGS) -fsyntax-only -MMD -MP -MT $@ -MF $@.d -x c -
	@touch $@

headers: $(HDR_CHECK)

$(BUILD)/tests/%: tests/%.c $(TEST_LIB_OBJ) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -o $@ $< $(TEST_LIB_OBJ) $(LIB) $(LDFLAGS) $(LDLIBS) $(CHECK_LIBS)

$(BUILD)/fuzz/fuzz_%: fuzz/fuzz_%.c fuzz/driver.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -DFUZZ_CORPUS='"$(CURDIR)/fuzz/corpus/$*"' -MMD -MP -o $@ $< fuzz/driver.c $(LIB) $(LDFLAGS) $(LDLIBS)

$(BUILD)/fuzz/fuzz_%-libfuzzer: fuzz/fuzz_%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -fsanitize=fuzzer -o $@ $< $(LIB) $(LDFLAGS) $(LDLIBS)

# clang is needed here only
fuzz:
	@scripts/deps.sh --fuzz
	@$(MAKE) --no-print-directory FUZZ=1 fuzz-bins

fuzz-bins: $(FUZZ_BIN)

$(BUILD)/bench/%: bench/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(LIB) $(LDFLAGS) $(LDLIBS)

$(BUILD)/tools/%: tools/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(shell pkg-config --cflags freetype2) -o $@ $< $(LIB) $(LDFLAGS) $(LDLIBS) $(shell pkg-config --libs freetype2)

# The handwriting models and their reports (ocr/MODEL.md quotes them); the
# katakana trainer evaluates through ocr_hand_open, which needs the digits.
model: $(BUILD)/tools/train_digits $(BUILD)/tools/train_kana
	@mkdir -p ocr/models
	nice -n 19 $(BUILD)/tools/train_digits ocr/models ocr/models/REPORT.md
	nice -n 19 $(BUILD)/tools/train_kana ocr/models ocr/models/REPORT-kana.md

deps:
	@scripts/deps.sh --tests

# The suite runs every test program; each prints Check's own summary line.
check:
	@scripts/deps.sh --tests
	@$(MAKE) --no-print-directory $(BIN) $(TEST_BIN) $(FUZZ_CHECK_BIN) headers
	@BOSHI_BIN=$(abspath $(BIN)) BOSHI_SRC=$(CURDIR) scripts/run-tests.sh $(TEST_BIN) $(FUZZ_CHECK_BIN)

demo: deps
	@$(MAKE) --no-print-directory $(BIN)
	@scripts/demo.sh $(abspath $(BIN))

bench: deps
	@$(MAKE) --no-print-directory $(BIN) $(BENCH_BIN)
	@BOSHI_BIN=$(abspath $(BIN)) BENCH_DIR=$(abspath $(BUILD)/bench) bench/residents.sh
	@BOSHI_BIN=$(abspath $(BIN)) BENCH_DIR=$(abspath $(BUILD)/bench) bench/print.sh
	@BOSHI_BIN=$(abspath $(BIN)) BENCH_DIR=$(abspath $(BUILD)/bench) BOSHI_FORMS_DIR=$(CURDIR)/forms/defs bench/ocr.sh
	@BOSHI_BIN=$(abspath $(BIN)) bench/intake.sh
	@BOSHI_BIN=$(abspath $(BIN)) bench/review.sh
	@BOSHI_BIN=$(abspath $(BIN)) BENCH_DIR=$(abspath $(BUILD)/bench) bench/reports_stats.sh
	@BOSHI_BIN=$(abspath $(BIN)) BENCH_DIR=$(abspath $(BUILD)/bench) bench/reports_letters.sh

# Man pages: the Japanese ones (doc/*.1) are the default; the English
# boshi(1) goes where English locales look (man -L en boshi).
MAN_JA := $(wildcard doc/*.1)
MAN_EN := $(wildcard doc/en/*.1)

install: $(BIN)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
	    $(DESTDIR)$(PREFIX)/share/man/en/man1 $(DESTDIR)$(PREFIX)/share/boshi
	install -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/boshi
	install -m 0644 $(MAN_JA) $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 0644 $(MAN_EN) $(DESTDIR)$(PREFIX)/share/man/en/man1/
	if [ -d forms/defs ]; then cp -r forms/defs $(DESTDIR)$(PREFIX)/share/boshi/; fi
	install -d $(DESTDIR)$(PREFIX)/share/boshi/models
	install -m 0644 ocr/models/digits-mlp.net ocr/models/digits-svm.model \
	    ocr/models/kana-mlp.net ocr/models/kana-svm.model $(DESTDIR)$(PREFIX)/share/boshi/models/
	install -m 0644 doc/nginx-boshi.conf $(DESTDIR)$(PREFIX)/share/boshi/

clean:
	rm -rf build boshi

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TEST_LIB_OBJ:.o=.d) $(TEST_BIN:=.d) $(FUZZ_CHECK_BIN:=.d) $(HDR_CHECK:=.d)
