/*
 * xmlsig.h - the xmlsec adapter: sign one XML signature whose
 * references point at entries of an archive.
 *
 * Verification does not use xmlsec: it needs the whole signature as a
 * tree (hundreds of MB at 70,000 records), so verify streams the file
 * and canonicalises SignedInfo itself (archive/c14n.h), checking the
 * value with OpenSSL (archive/crypto.h). The tests hold the two to the
 * same answers: every archive signed here must verify there, and the
 * xmlsec1 command verifies what verify accepts.
 *
 * xmlsec normally resolves a Reference URI against the working directory
 * and fetches http URLs. Here its IO callbacks are replaced, once per
 * process, by ours (xmlSecIOCleanupCallbacks + xmlSecIORegisterCallbacks):
 * a URI resolves only through the folio_sig_io given to the current call,
 * which serves the entries of the archive being built, and
 * nothing else. Reference URIs may only be relative names (local) or
 * same-document fragments; transforms are limited to exclusive c14n and
 * SHA-256; signature methods to rsa-sha256 and ecdsa-sha256; KeyInfo to
 * one X.509 certificate (its trust is judged by the caller, not here).
 *
 * Calls are serialised by a mutex (the IO callbacks are global in xmlsec).
 * `doc` is an xmlDoc* (as from util/xml.h). Errors: xmlsec's messages and
 * status become FOLIO_ELIB.
 */
#ifndef FOLIO_ARCHIVE_XMLSIG_H
#define FOLIO_ARCHIVE_XMLSIG_H

#include <stddef.h>

#include "util/error.h"

typedef struct folio_sig_io {
	void *ctx;
	/* Open the entry called `name` (percent-decoded URI); NULL if the
	 * archive has no such entry. */
	void *(*open)(void *ctx, const char *name);
	/* Read up to len bytes: count, 0 at the end, -1 on error. */
	int (*read)(void *handle, char *buf, int len);
	void (*close)(void *handle);
} folio_sig_io;

/* Sign the ds:Signature template inside doc with the PEM key and put the
 * PEM certificate in its KeyInfo. Digests and SignatureValue are filled
 * in place. */
int folio_xmlsig_sign(void *doc, const char *key_path,
	const char *cert_path, const folio_sig_io *io, folio_error *err);

/* Percent-decode a URI into out (outsz bytes); -1 if malformed or too
 * long. Exposed for verify, which maps references to entries. */
int folio_uri_decode(char *out, size_t outsz, const char *uri);
/* Percent-encode an entry name for a Reference URI (RFC 3986: unreserved
 * characters and '/' kept). -1 if it does not fit. */
int folio_uri_encode(char *out, size_t outsz, const char *name);

#endif
