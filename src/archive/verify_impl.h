/*
 * verify_impl.h - the verifier's state and its passes, one file per
 * concern (private to src/archive/verify*.c):
 *   verify.c            the driver: open, run the passes in order, report
 *   verify_container.c  mimetype, entry names, the ASiC manifest listing
 *   verify_signature.c  the XAdES signature: its shape, streamed and
 *                       canonicalised; its value, certificate, time and
 *                       trust; which entries it covers; their digests
 *   verify_bag.c        BagIt declaration, manifests, Payload-Oxum
 *   verify_records.c    every record.xml and the catalogue
 * Each pass returns 0 or the code of verify_fail (FOLIO_EVERIFY, naming
 * the first entry that fails) or of a resource failure.
 *
 * Memory per entry: a ventry (about 64 bytes) and the zip reader's
 * record and name; XML is streamed (util/xml.h), never held as a tree.
 */
#ifndef FOLIO_ARCHIVE_VERIFY_IMPL_H
#define FOLIO_ARCHIVE_VERIFY_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "archive/archive.h"
#include "archive/crypto.h"
#include "util/xml.h"
#include "util/zip.h"

typedef struct ventry {
	const char *name;       /* owned by the zip reader */
	uint64_t size;          /* uncompressed, from the container */
	uint64_t fold_key;      /* hash of the case-folded NFC name */
	uint32_t refs;          /* signature references to it */
	uint8_t listed;         /* times listed in manifest.xml (capped) */
	uint8_t hashed;         /* sha256 holds the content's digest */
	uint8_t bagged;         /* times listed in a BagIt manifest */
	/* The digest its signature reference gives; once hashed (and
	 * equal), the digest of its content. */
	unsigned char sha256[FOLIO_SHA256_LEN];
} ventry;

typedef struct verifier {
	const char *path;
	folio_zip_reader *zr;
	folio_verify_report *rep;
	folio_error *err;
	ventry *e;
	size_t n;
	uint32_t *by_name;      /* indexes into e, sorted by name */
	/* What the signature says, filled by verify_read_signature. */
	folio_cert *cert;
	folio_key_kind alg;
	int64_t signing_time;
	unsigned char signed_info_digest[FOLIO_SHA256_LEN];
	unsigned char props_digest[FOLIO_SHA256_LEN];     /* computed */
	unsigned char props_ref_digest[FOLIO_SHA256_LEN]; /* claimed */
	unsigned char cert_digest[FOLIO_SHA256_LEN];
	unsigned char sig_value[1024];
	size_t sig_len;
	size_t missing_refs;    /* references to names not in the archive */
	char missing_ref[FOLIO_ZIP_MAX_NAME + 1];  /* the first of them */
} verifier;

int verify_fail(verifier *v, const char *entry, const char *check,
	const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Index of the entry called name, or -1. */
long verify_lookup(const verifier *v, const char *name);
/* First position in by_name whose name is >= key. */
size_t verify_lower_bound(const verifier *v, const char *key);
/* A failure reading an entry's bytes as a verify_fail: the data rules
 * of the container (CRC, size, deflate end) are "container", a size
 * over limit "limit", anything else "readable". */
int verify_entry_failed(verifier *v, const char *name, int rc,
	uint64_t limit);
/* Whole entry i into out (metadata only; signed files are streamed). */
int verify_read_entry(verifier *v, folio_buf *out, size_t i, size_t limit);
/* A streaming XML reader over entry i, validated against schema (or
 * NULL), refused past max_bytes before anything is parsed. */
typedef struct vxml {
	folio_zip_stream *s;
	folio_xml_reader *r;
	const char *entry;
	const char *schema;
} vxml;
int verify_xml_open(verifier *v, vxml *x, size_t i, const char *schema,
	size_t max_bytes);
/* The next item: 1, 0 at the end, or a verify_fail naming the entry
 * ("xml", "metadata" for a schema error, "limit", "container" or
 * "readable" when the bytes themselves fail). */
int verify_xml_next(verifier *v, vxml *x, folio_xml_item *it);
void verify_xml_close(vxml *x);

/* The passes, in the order the driver runs them. */
int verify_mimetype(verifier *v);
int verify_names(verifier *v);
int verify_read_signature(verifier *v);
int verify_signature_value(verifier *v, const folio_verify_options *opts);
int verify_coverage(verifier *v);
int verify_digests(verifier *v);
int verify_manifest_listing(verifier *v);
int verify_bag(verifier *v);
int verify_records(verifier *v);

#endif
