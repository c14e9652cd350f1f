#include "util/digest.h"
#include "util/file.h"

#include <stdio.h>
#include <stdlib.h>

#include <openssl/err.h>
#include <openssl/evp.h>

/* OpenSSL's digests fail only when it cannot allocate; empty its error
 * queue so the entry never shows up in a later, unrelated message. */
static int digest_error(folio_error *err, const char *name)
{
	ERR_clear_error();
	return folio_error_set(err, FOLIO_ELIB, "%s: SHA digest failed "
		"(OpenSSL)", name);
}

int folio_sha256(unsigned char out[FOLIO_SHA256_LEN], const void *data,
	size_t len, folio_error *err)
{
	unsigned int n = 0;

	if (!EVP_Digest(data, len, out, &n, EVP_sha256(), NULL) ||
	    n != FOLIO_SHA256_LEN)
		return digest_error(err, "sha256");
	return 0;
}

int folio_sha256_file(unsigned char out[FOLIO_SHA256_LEN],
	uint64_t *out_size, const char *path, folio_error *err)
{
	EVP_MD_CTX *md = NULL;
	FILE *fp = NULL;
	unsigned char chunk[65536];
	unsigned int n = 0;
	uint64_t total = 0;
	size_t got;
	int rc = 0;

	if ((rc = folio_file_fopen_regular(&fp, path, err)) < 0)
		return rc;
	md = EVP_MD_CTX_new();
	if (md == NULL || !EVP_DigestInit_ex(md, EVP_sha256(), NULL)) {
		rc = digest_error(err, path);
		goto done;
	}
	while ((got = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		total += got;
		if (!EVP_DigestUpdate(md, chunk, got)) {
			rc = digest_error(err, path);
			goto done;
		}
	}
	if (ferror(fp)) {
		rc = folio_error_set(err, FOLIO_EIO, "%s: read error", path);
		goto done;
	}
	if (!EVP_DigestFinal_ex(md, out, &n) || n != FOLIO_SHA256_LEN) {
		rc = digest_error(err, path);
		goto done;
	}
	if (out_size)
		*out_size = total;
done:
	EVP_MD_CTX_free(md);
	fclose(fp);
	return rc;
}

/* The OpenSSL context is the folio one: only this file knows. */
struct folio_sha256_ctx {
	EVP_MD_CTX *md;
};

int folio_sha256_begin(folio_sha256_ctx **out, folio_error *err)
{
	folio_sha256_ctx *c = calloc(1, sizeof(*c));

	*out = NULL;
	if (c == NULL)
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	c->md = EVP_MD_CTX_new();
	if (c->md == NULL || !EVP_DigestInit_ex(c->md, EVP_sha256(), NULL)) {
		folio_sha256_free(c);
		return digest_error(err, "sha256");
	}
	*out = c;
	return 0;
}

int folio_sha256_update(folio_sha256_ctx *c, const void *data, size_t len,
	folio_error *err)
{
	if (!EVP_DigestUpdate(c->md, data, len))
		return digest_error(err, "sha256");
	return 0;
}

int folio_sha256_end(unsigned char out[FOLIO_SHA256_LEN],
	folio_sha256_ctx *c, folio_error *err)
{
	unsigned int n = 0;
	int rc = 0;

	if (!EVP_DigestFinal_ex(c->md, out, &n) || n != FOLIO_SHA256_LEN)
		rc = digest_error(err, "sha256");
	folio_sha256_free(c);
	return rc;
}

void folio_sha256_free(folio_sha256_ctx *c)
{
	if (c == NULL)
		return;
	EVP_MD_CTX_free(c->md);
	free(c);
}

void folio_sha256_hex(char out[2 * FOLIO_SHA256_LEN + 1],
	const unsigned char digest[FOLIO_SHA256_LEN])
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < FOLIO_SHA256_LEN; i++) {
		out[2 * i] = hex[digest[i] >> 4];
		out[2 * i + 1] = hex[digest[i] & 15];
	}
	out[2 * FOLIO_SHA256_LEN] = '\0';
}

int folio_sha1(unsigned char out[FOLIO_SHA1_LEN], const void *data,
	size_t len, folio_error *err)
{
	unsigned int n = 0;

	if (!EVP_Digest(data, len, out, &n, EVP_sha1(), NULL) ||
	    n != FOLIO_SHA1_LEN)
		return digest_error(err, "sha1");
	return 0;
}
