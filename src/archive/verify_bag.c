/* verify_bag.c - the BagIt bag (RFC 8493): declaration, payload and tag
 * manifests against the digests the signature pass computed, and
 * Payload-Oxum (see verify_impl.h). The manifests grow with the archive
 * and are read line by line as they stream. */
#include "archive/verify_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* bagit.txt and bag-info.txt are small; folio's bag-info.txt carries
 * one line per document a partial archive leaves out. */
#define MAX_TAG_FILE ((size_t)16 * 1024 * 1024)
#define LINE_MAX_BYTES (2 * FOLIO_SHA256_LEN + 2 + FOLIO_ZIP_MAX_NAME + 1)

static const ventry *hashed(verifier *v, const char *name)
{
	long i = verify_lookup(v, name);

	return i >= 0 && v->e[i].hashed ? &v->e[i] : NULL;
}

static int tag_file(verifier *v, folio_buf *out, const char *name)
{
	long i = verify_lookup(v, name);

	if (i < 0)
		return verify_fail(v, name, "bagit", "missing from the archive");
	return verify_read_entry(v, out, (size_t)i, MAX_TAG_FILE);
}

typedef struct lines {
	verifier *v;
	const char *manifest;
	int payload;
	char line[LINE_MAX_BYTES + 1];
	size_t len, count;
	int rc;
} lines;

/* One line "<hex>  <path>": path is a hashed entry of the right kind
 * with that digest, counted in bagged. */
static int bag_line(lines *l)
{
	verifier *v = l->v;
	char hex[2 * FOLIO_SHA256_LEN + 1], *path = l->line +
		2 * FOLIO_SHA256_LEN;
	const ventry *e;

	l->line[l->len] = '\0';
	l->count++;
	if (l->len < 2 * FOLIO_SHA256_LEN + 3 || path[0] != ' ' ||
	    path[1] != ' ')
		return verify_fail(v, l->manifest, "bagit", "line %zu: "
			"expected \"<sha256>  <path>\"", l->count);
	path += 2;
	e = hashed(v, path);
	if (e == NULL || (strncmp(path, "data/", 5) == 0) != l->payload)
		return verify_fail(v, l->manifest, "bagit", "lists %s, which is "
			"not a %s file of the bag", path, l->payload ?
			"payload" : "tag");
	folio_sha256_hex(hex, e->sha256);
	if (strncmp(l->line, hex, 2 * FOLIO_SHA256_LEN) != 0)
		return verify_fail(v, path, "bagit", "SHA-256 differs from %s",
			l->manifest);
	if (v->e[e - v->e].bagged < 2)
		v->e[e - v->e].bagged++;
	return 0;
}

static int bag_piece(void *ctx, const void *p, size_t n)
{
	lines *l = ctx;
	const char *s = p;
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		if (s[i] == '\n') {
			if ((rc = bag_line(l)) < 0)
				return l->rc = rc;
			l->len = 0;
			continue;
		}
		if (l->len == LINE_MAX_BYTES)
			return l->rc = verify_fail(l->v, l->manifest, "bagit",
				"line %zu: longer than %u bytes", l->count + 1,
				(unsigned)LINE_MAX_BYTES);
		l->line[l->len++] = s[i];
	}
	return 0;
}

static int check_manifest(verifier *v, const char *manifest, int payload)
{
	lines *l;
	long i = verify_lookup(v, manifest);
	int rc;

	if (i < 0)
		return verify_fail(v, manifest, "bagit", "missing from the "
			"archive");
	if ((l = calloc(1, sizeof(*l))) == NULL)
		return folio_error_set(v->err, FOLIO_ENOMEM, "out of memory");
	l->v = v;
	l->manifest = manifest;
	l->payload = payload;
	rc = folio_zip_read_cb(v->zr, (size_t)i, FOLIO_ARCHIVE_MAX_INDEX,
		bag_piece, l, v->err);
	if (rc < 0 && l->rc == 0)
		rc = verify_entry_failed(v, manifest, rc,
			FOLIO_ARCHIVE_MAX_INDEX);
	else if (rc == 0 && l->len > 0)
		rc = verify_fail(v, manifest, "bagit", "line %zu: expected it "
			"to end with a newline", l->count + 1);
	free(l);
	return rc;
}

/* 8. BagIt: declaration, payload manifest, tag manifest, Payload-Oxum. */
int verify_bag(verifier *v)
{
	static const char *const tags[] = {"bagit.txt", "bag-info.txt",
		"manifest-sha256.txt"};
	folio_buf b = {0};
	uint64_t bytes = 0, count = 0;
	char oxum[64];
	size_t i;
	int rc;

	if ((rc = tag_file(v, &b, "bagit.txt")) < 0)
		return rc;
	if (strcmp(b.data ? b.data : "", "BagIt-Version: 1.0\n"
		"Tag-File-Character-Encoding: UTF-8\n") != 0)
		rc = verify_fail(v, "bagit.txt", "bagit", "expected "
			"BagIt-Version 1.0 and UTF-8 tag files");
	folio_buf_free(&b);
	if (rc < 0 || (rc = check_manifest(v, "manifest-sha256.txt", 1)) < 0)
		return rc;
	for (i = 1; i < v->n; i++) {
		if (strncmp(v->e[i].name, "data/", 5) != 0)
			continue;
		if (v->e[i].bagged == 0)
			return verify_fail(v, v->e[i].name, "bagit", "payload "
				"file not in manifest-sha256.txt");
		if (v->e[i].bagged > 1)
			return verify_fail(v, v->e[i].name, "bagit", "listed "
				"twice in manifest-sha256.txt");
		bytes += v->e[i].size;
		count++;
	}
	if ((rc = check_manifest(v, "tagmanifest-sha256.txt", 0)) < 0)
		return rc;
	for (i = 0; i < 3; i++) {
		long k = verify_lookup(v, tags[i]);
		if (k < 0 || v->e[k].bagged == 0)
			return verify_fail(v, tags[i], "bagit", "not in "
				"tagmanifest-sha256.txt");
	}
	if ((rc = tag_file(v, &b, "bag-info.txt")) < 0)
		return rc;
	snprintf(oxum, sizeof(oxum), "\nPayload-Oxum: %llu.%llu\n",
		(unsigned long long)bytes, (unsigned long long)count);
	if (b.data == NULL || strstr(b.data, oxum) == NULL)
		rc = verify_fail(v, "bag-info.txt", "bagit", "Payload-Oxum: "
			"expected %llu.%llu", (unsigned long long)bytes,
			(unsigned long long)count);
	folio_buf_free(&b);
	return rc;
}
