/*
 * error.h - errors as values.
 *
 * Every fallible folio function returns int: 0 on success, a negative
 * FOLIO_E* code on failure. The function that detects the failure writes
 * one message into the caller's folio_error; callers above it only pass
 * the code up. Library code never prints: src/cli/ shows err->msg.
 *
 * A folio_error belongs to one thread (one per batch worker).
 */
#ifndef FOLIO_UTIL_ERROR_H
#define FOLIO_UTIL_ERROR_H

#include <stddef.h>

enum {
	FOLIO_OK = 0,
	FOLIO_ENOMEM = -1,   /* allocation failed */
	FOLIO_EINPUT = -2,   /* bad input: message has file:line:col */
	FOLIO_ELIMIT = -3,   /* an input or buffer exceeded its limit */
	FOLIO_EIO = -4,      /* file system error */
	FOLIO_EUSAGE = -5,   /* bad arguments from the caller */
	FOLIO_EFONT = -6,    /* font missing, unusable or lacking a glyph */
	FOLIO_ELIB = -7,     /* a third-party library failed */
	FOLIO_EVERIFY = -8   /* verification found a mismatch */
};

#define FOLIO_ERROR_MSG_MAX 1024

typedef struct folio_error {
	int code;
	char msg[FOLIO_ERROR_MSG_MAX];
} folio_error;

/* Record code and a printf-style message; returns code so callers can
 * write `return folio_error_set(err, FOLIO_EINPUT, ...)`. err may be NULL.
 * A message already set is kept: the first detection is the precise one. */
int folio_error_set(folio_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Forget a previous error (used when a failure is handled, not passed up). */
void folio_error_clear(folio_error *err);

/* Short name of a code ("input", "limit", ...), for JSON and logs. */
const char *folio_error_name(int code);

#endif
