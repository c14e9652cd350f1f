/*
 * crypto.h - the OpenSSL adapter: digests, base64, keys, certificates,
 * key generation.
 *
 * The only file that calls OpenSSL directly (the archive's signature is
 * made here too: archive/signature.h). OpenSSL's ERR queue becomes
 * one folio_error message naming the file concerned; the queue is always
 * left empty.
 *
 * Certificates are opaque folio_cert values holding the DER bytes and
 * the parsed form; _free(NULL) is a no-op. Private keys are never kept in
 * memory longer than one call.
 *
 * Limits: key and certificate files are read up to FOLIO_CRYPTO_MAX_PEM
 * bytes; a certificate in DER up to the same size.
 */
#ifndef FOLIO_ARCHIVE_CRYPTO_H
#define FOLIO_ARCHIVE_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/digest.h"
#include "util/error.h"

#define FOLIO_CRYPTO_MAX_PEM ((size_t)256 * 1024)

/* Append standard base64 (no line breaks) of data to out. */
int folio_base64_append(folio_buf *out, const void *data, size_t len);
/* Decode base64 text s[0..n), white space ignored, into out (appended).
 * Returns FOLIO_EINPUT for anything that is not base64. */
int folio_base64_decode(folio_buf *out, const char *s, size_t n);

typedef enum folio_key_kind {
	FOLIO_KEY_RSA,   /* RSA 2048 bits or more, signs rsa-sha256 */
	FOLIO_KEY_EC     /* ECDSA on P-256, signs ecdsa-sha256 */
} folio_key_kind;

typedef struct folio_cert folio_cert;

/* Load the first certificate of a PEM file. */
int folio_cert_load(folio_cert **out, const char *path, folio_error *err);
/* Parse DER bytes; `name` is used in messages. */
int folio_cert_from_der(folio_cert **out, const void *der, size_t len,
	const char *name, folio_error *err);
void folio_cert_free(folio_cert *c);
/* DER bytes, owned by c. */
const unsigned char *folio_cert_der(const folio_cert *c, size_t *out_len);
/* notBefore / notAfter as seconds since the epoch (UTC). */
int folio_cert_validity(int64_t *out_not_before, int64_t *out_not_after,
	const folio_cert *c, folio_error *err);
/* Subject as a one-line string (RFC 2253) into out. */
void folio_cert_subject(char *out, size_t outsz, const folio_cert *c);
/* Does the certificate chain to a certificate of the PEM bundle
 * trust_path, judged at time `at` (seconds since the epoch)? Returns 0,
 * or FOLIO_EVERIFY with OpenSSL's reason. */
int folio_cert_verify_chain(const folio_cert *c, const char *trust_path,
	int64_t at, folio_error *err);

/* Verify an XML-DSig SignatureValue sig[0..len) over a SHA-256 digest
 * with the certificate's public key: RSA PKCS#1 v1.5 (rsa-sha256) or
 * ECDSA on P-256 (ecdsa-sha256, the value being r || s, RFC 4050). The
 * key must be of the kind the algorithm names. 0, or FOLIO_EVERIFY when
 * the value does not verify (message without a file name). */
int folio_cert_verify_digest(const folio_cert *c, folio_key_kind alg,
	const unsigned char digest[FOLIO_SHA256_LEN], const void *sig,
	size_t len, folio_error *err);

/* Check that the private key in key_path is usable for signing (RSA of at
 * least 2048 bits or EC P-256), that it belongs to cert, and tell which
 * kind it is. */
int folio_key_check(folio_key_kind *out, const char *key_path,
	const folio_cert *cert, folio_error *err);

/* Sign a SHA-256 digest with the PEM private key in key_path (of the
 * kind folio_key_check told): RSA PKCS#1 v1.5 (rsa-sha256), or ECDSA on
 * P-256 written as r || s (64 bytes, ecdsa-sha256), appended to out.
 * RSA values depend only on key and digest; ECDSA values do not repeat
 * (OpenSSL 3.0 has no deterministic ECDSA). */
int folio_key_sign_digest(folio_buf *out, const char *key_path,
	folio_key_kind kind, const unsigned char digest[FOLIO_SHA256_LEN],
	folio_error *err);

/* Generate a key pair and a self-signed certificate for organisation
 * `org` (CN and O), valid from not_before for `years` years, and write
 * dir/signer.key (PKCS#8 PEM, mode 0600) and dir/signer.crt (PEM, 0644)
 * atomically. The serial number is derived from the public key so the
 * certificate depends only on the key, the name and the time.
 * An existing signer.key or signer.crt (anything at those names) is
 * FOLIO_EUSAGE and nothing is written, unless `replace`: then the old
 * files become signer.key.old and signer.crt.old (replacing older
 * .old files) just before the new ones take their names. */
int folio_keygen(const char *dir, folio_key_kind kind, const char *org,
	int64_t not_before, int years, int replace, folio_error *err);

#endif
