/*
 * utf8.h - strict UTF-8 decoding (no overlongs, no surrogates, <= U+10FFFF).
 */
#ifndef FOLIO_UTIL_UTF8_H
#define FOLIO_UTIL_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Decode one code point from s[0..n). Returns its length in bytes (1-4),
 * or 0 if the sequence is invalid or truncated (*cp is then U+FFFD). */
size_t folio_utf8_decode(const char *s, size_t n, uint32_t *cp);

/* Write cp (must be valid) into out (4 bytes room); returns length. */
size_t folio_utf8_encode(char out[4], uint32_t cp);

/* Byte offset of the first invalid sequence, or n if all of s is valid. */
size_t folio_utf8_check(const char *s, size_t n);

/* Bytes at the end of s[0..n) that start a UTF-8 sequence but do not
 * complete it (0 to 3): what to drop after cutting a string short. */
size_t folio_utf8_incomplete_tail(const char *s, size_t n);

/* Number of code points in a valid NUL-terminated string. */
size_t folio_utf8_count(const char *s);

/* Line and column (both 1-based, column in code points) of byte offset
 * off in s, for error messages about raw text. */
void folio_utf8_position(const char *s, size_t off, unsigned *line,
	unsigned *col);

/* Character classes used by the importer, checker and layout. */
int folio_is_han(uint32_t cp);
int folio_is_space(uint32_t cp); /* ASCII, NBSP, ideographic and Zs spaces */

#endif
