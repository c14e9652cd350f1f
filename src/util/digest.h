/*
 * digest.h - SHA-256 (and SHA-1 for name-based UUIDs): the OpenSSL
 * digest adapter.
 *
 * Every file's SHA-256 in the archive, the batch cache's content hashes
 * and the EPUB's UUID v5 come from here. Digests fail only when OpenSSL
 * cannot allocate (FOLIO_ELIB); file reads fail with FOLIO_EIO.
 * Thread-safe: no shared state.
 */
#ifndef FOLIO_UTIL_DIGEST_H
#define FOLIO_UTIL_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

#define FOLIO_SHA256_LEN 32
#define FOLIO_SHA1_LEN 20

/* SHA-256 of a buffer. */
int folio_sha256(unsigned char out[FOLIO_SHA256_LEN], const void *data,
	size_t len, folio_error *err);
/* SHA-256 and size of a file, read in chunks (any size). */
int folio_sha256_file(unsigned char out[FOLIO_SHA256_LEN],
	uint64_t *out_size, const char *path, folio_error *err);
/* SHA-256 fed in pieces: _begin, any number of _update, then _end (which
 * frees the context whatever happens) or _free to give up. */
typedef struct folio_sha256_ctx folio_sha256_ctx;
int folio_sha256_begin(folio_sha256_ctx **out, folio_error *err);
int folio_sha256_update(folio_sha256_ctx *c, const void *data, size_t len,
	folio_error *err);
int folio_sha256_end(unsigned char out[FOLIO_SHA256_LEN],
	folio_sha256_ctx *c, folio_error *err);
void folio_sha256_free(folio_sha256_ctx *c);
/* Lower-case hex of a digest into out (65 bytes with the NUL). */
void folio_sha256_hex(char out[2 * FOLIO_SHA256_LEN + 1],
	const unsigned char digest[FOLIO_SHA256_LEN]);

/* SHA-1 of a buffer (UUID v5 only: not for integrity). */
int folio_sha1(unsigned char out[FOLIO_SHA1_LEN], const void *data,
	size_t len, folio_error *err);

#endif
