/*
 * fuzz.h - the libFuzzer entry points every target in tests/fuzz/
 * defines. A target is built two ways: with clang's libFuzzer (make
 * fuzz), and with replay.c, a plain main() that feeds it files, so
 * `make test` replays every corpus file and past crash under the
 * sanitizer build without clang.
 *
 * Targets find schemas, styles and fonts through FOLIO_DATADIR (the
 * tree's top); they never print, and they abort only on a broken
 * invariant (a crash is what the fuzzer looks for).
 */
#ifndef FOLIO_TESTS_FUZZ_H
#define FOLIO_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A memory file holding data[0..size), reachable by path (for readers
 * that take a path); rewritten on each call. Returns the path. */
const char *fuzz_memfile(const uint8_t *data, size_t size);

#endif
