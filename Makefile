# folio - one GNU Makefile for build, deps, tests, demo, bench and install.
#
#   make demo    install missing Debian packages, build, run the example batch
#   make test    same set-up, then every test (release and sanitizer builds)
#
# Variants build into their own folders: build/release (default),
# build/debug, build/sanitize (ASan + UBSan).

VARIANT ?= release
BUILD := build/$(VARIANT)
PREFIX ?= /usr/local
DESTDIR ?=

# Debian 12 packages the build, the tests and the fonts need. Besides
# the build: every program a test runs that a minimal Debian root
# (mmdebstrap --variant=minbase) lacks: unzip, bsdtar (libarchive-tools),
# the openssl command, python3, xmlsec1, xmllint, qpdf, poppler's tools,
# java/javac (epubcheck), man; tzdata for the time-zone checks.
DEB_PACKAGES := build-essential pkg-config python3 \
	libhpdf-dev libzip-dev libxml2-dev zlib1g-dev libicu-dev \
	libharfbuzz-dev xmlsec1 libssl-dev libcmocka-dev \
	epubcheck default-jdk-headless qpdf poppler-utils libxml2-utils \
	fonts-arphic-gbsn00lp fonts-arphic-gkai00mp fonts-wqy-zenhei \
	fonts-lxgw-wenkai fonts-arphic-uming fonts-arphic-ukai man-db \
	unzip libarchive-tools openssl tzdata fonts-noto-cjk mupdf-tools \
	parallel python3-yaml libqrencode-dev zbar-tools python3-feedparser \
	libdeflate-dev libpng-dev

# The Fandol faces (仿宋, 宋体, 黑体, 楷体; OpenType CFF, GPL with a font
# exception) ship inside texlive-lang-chinese: deps takes only their .otf
# files (and the licence) from the package into FONT_DIR, without
# installing TeX. FandolBraille is name-keyed CFF: the tests embed it.
FONT_DIR := /usr/local/share/fonts/folio
FANDOL_FILES := FandolFang-Regular.otf FandolSong-Regular.otf \
	FandolSong-Bold.otf FandolHei-Regular.otf FandolHei-Bold.otf \
	FandolKai-Regular.otf FandolBraille-Regular.otf

# Ace by DAISY, the EPUB accessibility checker readers' organisations
# use (tests/e2e/epub_a11y.sh): the npm packages pinned by
# tests/ace/package-lock.json, installed by `npm ci` into build/ace, a
# folder of this tree: nothing global changes, two checkouts can pin
# different versions, and `make clean` removes it. Its puppeteer drives
# Debian's chromium, never a browser of its own (PUPPETEER_SKIP_DOWNLOAD).
# Node.js and npm come from Debian when the machine has none.
DEB_PACKAGES += chromium
# Word files for the DOCX import tests (tests/e2e/docx.sh) are written at
# test time by two independent programs: pandoc and LibreOffice Writer
# (without the GUI; one start converts every input).
DEB_PACKAGES += pandoc libreoffice-writer-nogui
ACE_DIR := build/ace
ACE_STAMP := $(ACE_DIR)/.installed

PKG_MODULES := libxml-2.0 icu-uc icu-i18n harfbuzz harfbuzz-subset libzip \
	openssl zlib libqrencode libdeflate libpng

CC ?= cc
WARNINGS := -Wall -Wextra -Wshadow -Wconversion -Wsign-conversion \
	-Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wundef \
	-Wpointer-arith -Wcast-qual -Wvla -Werror
PKG_CFLAGS = $(shell pkg-config --cflags $(PKG_MODULES) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKG_MODULES) 2>/dev/null)

CFLAGS_release := -O2 -g
CFLAGS_debug := -O0 -g3
CFLAGS_sanitize := -O1 -g -fsanitize=address,undefined \
	-fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS_sanitize := -fsanitize=address,undefined
# `make fuzz` only: clang, libFuzzer's coverage, ASan + UBSan.
CFLAGS_fuzz := -O1 -g -fsanitize=fuzzer-no-link,address,undefined \
	-fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS_fuzz := -fsanitize=address,undefined

FOLIO_VERSION := 0.1.0
CPPFLAGS += -Isrc -D_GNU_SOURCE -DFOLIO_VERSION='"$(FOLIO_VERSION)"' \
	-DFOLIO_DATADIR='"$(PREFIX)/share/folio"'
ALL_CFLAGS = -std=c11 $(WARNINGS) $(CFLAGS_$(VARIANT)) $(PKG_CFLAGS) \
	-MMD -MP $(CFLAGS)
ALL_LDFLAGS = $(LDFLAGS_$(VARIANT)) $(LDFLAGS)
LIBS := $(PKG_LIBS) -lhpdf -lpthread -lm

LIB_SRC := $(filter-out src/cli/%,$(wildcard src/*/*.c))
CLI_SRC := $(wildcard src/cli/*.c)
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
# Fuzz targets (tests/fuzz/fuzz_NAME.c): every variant builds a replay
# driver per target (plain main, no clang needed) that `make test` runs
# over the corpora; `make fuzz` builds them with libFuzzer.
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_TARGETS := $(FUZZ_SRC:tests/fuzz/fuzz_%.c=%)
FUZZ_REPLAY := $(FUZZ_TARGETS:%=$(BUILD)/fuzz/replay_%)
FUZZ_MEMFILE := $(BUILD)/obj/tests/fuzz/memfile.o

.PHONY: all folio deps demo test check-build sanitize debug bench install \
	clean proof fuzz fuzz-merge fuzz-tools fresh-check test-tools
.DEFAULT_GOAL := all

all: $(BUILD)/folio $(BUILD)/folio.1 $(BUILD)/folio.bash $(UNIT_BIN) \
	$(FUZZ_REPLAY)
folio: $(BUILD)/folio

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/libfolio.a: $(LIB_OBJ)
	@mkdir -p $(@D)
	rm -f $@
	ar rcs $@ $^

$(BUILD)/folio: $(CLI_OBJ) $(BUILD)/libfolio.a
	$(CC) $(ALL_LDFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libfolio.a $(LIBS)

# The man page and the bash completion are made from the option tables
# the binary parses with (src/cli/opt.h), so neither can drift.
$(BUILD)/folio.1: $(BUILD)/folio src/cli/folio.1.in
	$(BUILD)/folio --man src/cli/folio.1.in >$@.tmp && mv $@.tmp $@
$(BUILD)/folio.bash: $(BUILD)/folio
	$(BUILD)/folio --completion bash >$@.tmp && mv $@.tmp $@

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(BUILD)/libfolio.a
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(BUILD)/libfolio.a $(LIBS) -lcmocka

$(BUILD)/fuzz/replay_%: $(BUILD)/obj/tests/fuzz/fuzz_%.o \
		$(BUILD)/obj/tests/fuzz/replay.o $(FUZZ_MEMFILE) $(BUILD)/libfolio.a
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(BUILD)/fuzz/fuzz_%: $(BUILD)/obj/tests/fuzz/fuzz_%.o $(FUZZ_MEMFILE) \
		$(BUILD)/libfolio.a
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -fsanitize=fuzzer -o $@ $^ $(LIBS)

sanitize:
	$(MAKE) VARIANT=sanitize all
debug:
	$(MAKE) VARIANT=debug all

# Installs only what is missing; apt-get update runs only then.
deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | \
			grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	command -v node >/dev/null 2>&1 || missing="$$missing nodejs"; \
	command -v npm >/dev/null 2>&1 || missing="$$missing npm"; \
	if [ -n "$$missing" ]; then \
		echo "deps: installing$$missing"; \
		if [ "$$(id -u)" != 0 ]; then \
			echo "deps: run as root to install:$$missing" >&2; exit 1; \
		fi; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -qq --no-install-recommends $$missing \
			>/dev/null || exit 1; \
	else echo "deps: all Debian packages present"; fi
	@missing=""; for f in $(FANDOL_FILES); do \
		[ -f $(FONT_DIR)/$$f ] || missing="$$missing $$f"; done; \
	if [ -n "$$missing" ]; then \
		echo "deps: taking$$missing from texlive-lang-chinese"; \
		if [ "$$(id -u)" != 0 ]; then \
			echo "deps: run as root to install the Fandol fonts" >&2; \
			exit 1; fi; \
		tmp=$$(mktemp -d) && chmod 0755 $$tmp && \
		{ ls /var/lib/apt/lists/*Packages* >/dev/null 2>&1 || \
			apt-get update -qq; } && \
		(cd $$tmp && apt-get download -qq texlive-lang-chinese \
			>/dev/null 2>&1) && \
		dpkg-deb -x $$tmp/texlive-lang-chinese_*.deb $$tmp/x && \
		src=$$tmp/x/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol && \
		install -d $(FONT_DIR) && \
		for f in $(FANDOL_FILES); do \
			install -m 0644 $$src/$$f $(FONT_DIR)/ || exit 1; done && \
		install -m 0644 $$tmp/x/usr/share/doc/texlive-doc/fonts/fandol/README \
			$(FONT_DIR)/Fandol-README && \
		install -m 0644 $$tmp/x/usr/share/doc/texlive-doc/fonts/fandol/COPYING.gz \
			$(FONT_DIR)/Fandol-COPYING.gz; \
		rc=$$?; rm -rf $$tmp; exit $$rc; \
	else echo "deps: Fandol fonts present in $(FONT_DIR)"; fi
	@$(MAKE) --no-print-directory $(ACE_STAMP) test-tools

# axe-core for the site's pages (tests/site.sh), pinned by
# tests/tools/package-lock.json (version and integrity), into a folder
# this Makefile owns; deps has installed Node.js and npm.
AXE_VERSION := 4.14.1
TOOLS := build/tools
test-tools:
	@if [ "$$(node -p 'require("./$(TOOLS)/node_modules/axe-core/package.json").version' \
		2>/dev/null)" != "$(AXE_VERSION)" ]; \
	then echo "deps: installing axe-core $(AXE_VERSION) into $(TOOLS)"; \
		mkdir -p $(TOOLS) && \
		cp tests/tools/package.json tests/tools/package-lock.json \
			$(TOOLS)/ && \
		(cd $(TOOLS) && npm ci --no-audit --no-fund --ignore-scripts \
			--loglevel=error >/dev/null) || exit 1; \
	else echo "deps: axe-core $(AXE_VERSION) present"; fi

$(ACE_STAMP): tests/ace/package.json tests/ace/package-lock.json
	rm -rf $(ACE_DIR)
	mkdir -p $(ACE_DIR)
	cp tests/ace/package.json tests/ace/package-lock.json $(ACE_DIR)/
	cd $(ACE_DIR) && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit \
		--no-fund --loglevel=error
	touch $@

# Every test, on the release build and again under ASan + UBSan
# (TEST_VARIANTS=release runs the first pass only).
TEST_VARIANTS ?= release sanitize
test: deps
	@for v in $(TEST_VARIANTS); do $(MAKE) VARIANT=$$v all || exit 1; done
	@sh tests/run.sh $(TEST_VARIANTS:%=build/%)

# The README's two commands on a really fresh machine: a minimal Debian
# 12 root made with mmdebstrap, the committed tree copied in (no
# ../shared beside it), `make demo` and `make test` run there as root.
# Needs root and the network; installs mmdebstrap on first use. See
# tests/fresh-check.sh for what it runs and why.
fresh-check:
	@sh tests/fresh-check.sh

demo: deps
	$(MAKE) VARIANT=release all
	@sh examples/demo.sh build/release/folio out

bench: deps
	$(MAKE) VARIANT=release all
	@python3 tests/bench.py build/release/folio

install: $(BUILD)/folio $(BUILD)/folio.1 $(BUILD)/folio.bash
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/folio/styles \
		$(DESTDIR)$(PREFIX)/share/folio/schemas \
		$(DESTDIR)$(PREFIX)/share/folio/fonts \
		$(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions
	install -m 0755 $(BUILD)/folio $(DESTDIR)$(PREFIX)/bin/folio
	install -m 0644 styles/* $(DESTDIR)$(PREFIX)/share/folio/styles/
	install -m 0644 schemas/* $(DESTDIR)$(PREFIX)/share/folio/schemas/
	install -m 0644 fonts/fonts.xml $(DESTDIR)$(PREFIX)/share/folio/fonts/
	install -m 0644 $(BUILD)/folio.1 $(DESTDIR)$(PREFIX)/share/man/man1/folio.1
	install -m 0644 $(BUILD)/folio.bash \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/folio

clean:
	rm -rf build

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) \
	$(UNIT_SRC:%.c=$(BUILD)/obj/%.d) \
	$(wildcard $(BUILD)/obj/tests/fuzz/*.d)

# Renders title pages, first chapters and a form page of several EPUBs
# with headless Chromium at 360x740, and every page of the example
# batch's site at 360x740 and 1280x800, into out/proof/ (chromium is in
# DEB_PACKAGES: the EPUB and site tests use it too).
proof: deps $(BUILD)/folio
	sh tests/proof.sh $(BUILD)/folio out/proof

# Runs every fuzz target with libFuzzer for FUZZ_S seconds each (one at a
# time, niced), seeded from tests/fuzz/corpus and the tree's own inputs;
# new inputs collect in build/fuzz/corpus, crashes in build/fuzz/crashes
# (a crash fails the target: copy it into tests/fuzz/crashes/NAME/ once
# fixed, so make test replays it for ever). clang and its runtime are
# installed on first use; make test needs neither.
FUZZ_S ?= 60
FUZZ_PACKAGES := clang-14 libclang-rt-14-dev
fuzz-tools:
	@missing=""; for p in $(FUZZ_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | \
			grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "fuzz: installing$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -qq --no-install-recommends $$missing \
			>/dev/null || exit 1; \
	fi

fuzz: deps fuzz-tools
	$(MAKE) VARIANT=fuzz CC=clang-14 \
		$(FUZZ_TARGETS:%=build/fuzz/fuzz/fuzz_%)
	@FOLIO_DATADIR=$(CURDIR) sh tests/fuzz/run.sh run $(FUZZ_S) \
		$(FUZZ_TARGETS)

# Minimises what `make fuzz` found into tests/fuzz/corpus/NAME/ (only
# inputs that add coverage beyond the seeds and the corpus kept there).
fuzz-merge: fuzz-tools
	$(MAKE) VARIANT=fuzz CC=clang-14 \
		$(FUZZ_TARGETS:%=build/fuzz/fuzz/fuzz_%)
	@FOLIO_DATADIR=$(CURDIR) sh tests/fuzz/run.sh merge 0 $(FUZZ_TARGETS)
