/*
 * signature.h - write META-INF/signatures0.xml (XAdES over XML-DSig) as
 * a stream: one Reference per file from the digests the caller already
 * computed, SignedInfo and SignedProperties canonicalised (archive/c14n.h,
 * the code verify uses) into SHA-256 as they are written, the value
 * made with OpenSSL (archive/crypto.h). No tree of the signature exists
 * and memory does not grow with the number of files: at 100,000 records
 * (400,000 files) the signature is about 130 MB on disk and a few KB in
 * memory.
 *
 * The document is the one xmlsec made from folio's template before
 * (byte for byte, so old and new archives compare): exclusive c14n,
 * rsa-sha256 or ecdsa-sha256, one X.509 certificate in KeyInfo, the
 * SigningTime and SigningCertificateV2 of XAdES. It verifies with
 * `folio verify` and with `xmlsec1 --verify`.
 *
 * The caller vouches that each digest is its file's: nothing is read
 * again here.
 */
#ifndef FOLIO_ARCHIVE_SIGNATURE_H
#define FOLIO_ARCHIVE_SIGNATURE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "archive/crypto.h"
#include "util/error.h"

/* The i-th signed file: its entry name and SHA-256. */
typedef const char *(*folio_signed_file)(void *ctx, size_t i,
	const unsigned char **out_sha256);

typedef struct folio_signature_input {
	folio_signed_file file;
	void *ctx;
	size_t n;                   /* files, signed in this order */
	const char *key_path;       /* PEM private key of `kind` */
	folio_key_kind kind;
	const folio_cert *cert;     /* goes into KeyInfo */
	int64_t time;               /* SigningTime, seconds since the epoch */
} folio_signature_input;

/* Write the signature to fp (from its current position); *out_len gets
 * the bytes written. FOLIO_ELIMIT for a name too long for a URI,
 * FOLIO_EIO when fp cannot be written, FOLIO_EINPUT/FOLIO_ELIB from the
 * key. */
int folio_signature_write(uint64_t *out_len, FILE *fp,
	const folio_signature_input *in, folio_error *err);

#endif
