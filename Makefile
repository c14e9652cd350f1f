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

# Debian 12 packages the build, the tests and the fonts need.
DEB_PACKAGES := build-essential pkg-config python3 \
	libhpdf-dev libzip-dev libxml2-dev zlib1g-dev libicu-dev \
	libharfbuzz-dev libxmlsec1-dev xmlsec1 libssl-dev libcmocka-dev \
	epubcheck default-jdk-headless qpdf poppler-utils libxml2-utils \
	fonts-arphic-gbsn00lp fonts-arphic-gkai00mp fonts-wqy-zenhei \
	fonts-lxgw-wenkai fonts-arphic-uming fonts-arphic-ukai man-db \
	libqrencode-dev zbar-tools python3-feedparser chromium

PKG_MODULES := libxml-2.0 icu-uc icu-i18n harfbuzz harfbuzz-subset libzip \
	xmlsec1-openssl openssl zlib libqrencode

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

.PHONY: all folio deps demo test check-build sanitize debug bench install \
	clean proof test-tools
.DEFAULT_GOAL := all

all: $(BUILD)/folio $(UNIT_BIN)
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

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(BUILD)/libfolio.a
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(BUILD)/libfolio.a $(LIBS) -lcmocka

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
	if [ -n "$$missing" ]; then \
		echo "deps: installing$$missing"; \
		if [ "$$(id -u)" != 0 ]; then \
			echo "deps: run as root to install:$$missing" >&2; exit 1; \
		fi; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
			apt-get install -y -qq --no-install-recommends $$missing \
			>/dev/null || exit 1; \
	else echo "deps: all Debian packages present"; fi
	@$(MAKE) --no-print-directory test-tools

# Browser-side test tools from npm, pinned by tests/tools/package-lock.json
# (version and integrity), into a folder this Makefile owns. Node.js and
# npm come from Debian when the machine has none.
AXE_VERSION := 4.14.1
TOOLS := build/tools
test-tools:
	@command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || \
		{ echo "deps: installing nodejs npm"; [ "$$(id -u)" = 0 ] || \
		{ echo "deps: run as root to install: nodejs npm" >&2; exit 1; }; \
		apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends nodejs npm >/dev/null; }
	@if [ "$$(node -p 'require("./$(TOOLS)/node_modules/axe-core/package.json").version' \
		2>/dev/null)" != "$(AXE_VERSION)" ]; \
	then echo "deps: installing axe-core $(AXE_VERSION) into $(TOOLS)"; \
		mkdir -p $(TOOLS) && \
		cp tests/tools/package.json tests/tools/package-lock.json \
			$(TOOLS)/ && \
		(cd $(TOOLS) && npm ci --no-audit --no-fund --ignore-scripts \
			--loglevel=error >/dev/null) || exit 1; \
	else echo "deps: axe-core $(AXE_VERSION) present"; fi

# Every test, on the release build and again under ASan + UBSan.
test: deps
	$(MAKE) VARIANT=release all
	$(MAKE) VARIANT=sanitize all
	@sh tests/run.sh build/release build/sanitize

demo: deps
	$(MAKE) VARIANT=release all
	@sh examples/demo.sh build/release/folio out

bench: deps
	$(MAKE) VARIANT=release all
	@python3 tests/bench.py build/release/folio

install: $(BUILD)/folio
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/folio/styles \
		$(DESTDIR)$(PREFIX)/share/folio/schemas \
		$(DESTDIR)$(PREFIX)/share/folio/fonts \
		$(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0755 $(BUILD)/folio $(DESTDIR)$(PREFIX)/bin/folio
	install -m 0644 styles/* $(DESTDIR)$(PREFIX)/share/folio/styles/
	install -m 0644 schemas/* $(DESTDIR)$(PREFIX)/share/folio/schemas/
	install -m 0644 fonts/fonts.xml $(DESTDIR)$(PREFIX)/share/folio/fonts/
	install -m 0644 src/cli/folio.1 $(DESTDIR)$(PREFIX)/share/man/man1/folio.1

clean:
	rm -rf build

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) \
	$(UNIT_SRC:%.c=$(BUILD)/obj/%.d)

# Renders the first content document of each example EPUB with headless
# Chromium at 360x740, and every page of the example batch's site at
# 360x740 and 1280x800, into out/proof/ (chromium is in DEB_PACKAGES:
# the site's tests use it too).
proof: deps $(BUILD)/folio
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends chromium >/dev/null; }
	sh tests/proof.sh $(BUILD)/folio out/proof
