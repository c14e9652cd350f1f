#include "archive/crypto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "util/file.h"

struct folio_cert {
	X509 *x509;
	unsigned char *der;
	size_t der_len;
};

/* Turn OpenSSL's error queue into one message and empty the queue, so a
 * stale entry never shows up in a later, unrelated message. */
static int ssl_error(folio_error *err, int code, const char *what,
	const char *name)
{
	char reason[256] = "";
	unsigned long e = ERR_get_error();

	if (e != 0)
		ERR_error_string_n(e, reason, sizeof(reason));
	ERR_clear_error();
	if (reason[0])
		return folio_error_set(err, code, "%s: %s (%s)", name, what,
			reason);
	return folio_error_set(err, code, "%s: %s", name, what);
}

int folio_base64_append(folio_buf *out, const void *data, size_t len)
{
	size_t need = 4 * ((len + 2) / 3) + 1;
	char *tmp;
	int n, rc;

	if (len > (size_t)INT32_MAX / 2)
		return FOLIO_ELIMIT;
	tmp = malloc(need);
	if (tmp == NULL)
		return FOLIO_ENOMEM;
	n = EVP_EncodeBlock((unsigned char *)tmp, data, (int)len);
	rc = folio_buf_append(out, tmp, (size_t)n);
	free(tmp);
	return rc;
}

static int b64_value(char c)
{
	if (c >= 'A' && c <= 'Z') return c - 'A';
	if (c >= 'a' && c <= 'z') return c - 'a' + 26;
	if (c >= '0' && c <= '9') return c - '0' + 52;
	if (c == '+') return 62;
	if (c == '/') return 63;
	return -1;
}

/* Written by hand: EVP_DecodeBlock neither skips white space (xmlsec
 * breaks certificates into lines) nor reports the padding it saw. */
int folio_base64_decode(folio_buf *out, const char *s, size_t n)
{
	unsigned long acc = 0;
	int bits = 0, pad = 0, v, rc;
	size_t i;
	unsigned char byte;

	for (i = 0; i < n; i++) {
		char c = s[i];
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		if (c == '=') {
			pad++;
			continue;
		}
		if (pad || (v = b64_value(c)) < 0)
			return FOLIO_EINPUT;
		acc = ((acc << 6) | (unsigned long)v) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			byte = (unsigned char)((acc >> bits) & 0xff);
			if ((rc = folio_buf_append(out, &byte, 1)) < 0)
				return rc;
		}
	}
	/* Leftover bits must be zero padding of the last quantum. */
	if (pad > 2 || bits >= 6 || (acc & ((1ul << bits) - 1)) != 0)
		return FOLIO_EINPUT;
	return 0;
}

static int cert_wrap(folio_cert **out, X509 *x, const char *name,
	folio_error *err)
{
	folio_cert *c;
	unsigned char *p;
	int n;

	n = i2d_X509(x, NULL);
	if (n <= 0) {
		X509_free(x);
		return ssl_error(err, FOLIO_EINPUT,
			"expected an X.509 certificate, found one that cannot "
			"be encoded", name);
	}
	c = calloc(1, sizeof(*c));
	if (c == NULL || (c->der = malloc((size_t)n)) == NULL) {
		free(c);
		X509_free(x);
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	}
	p = c->der;
	c->der_len = (size_t)i2d_X509(x, &p);
	c->x509 = x;
	*out = c;
	return 0;
}

int folio_cert_load(folio_cert **out, const char *path, folio_error *err)
{
	char *pem = NULL;
	size_t len = 0;
	BIO *bio = NULL;
	X509 *x;
	int rc;

	*out = NULL;
	rc = folio_file_read(&pem, &len, path, FOLIO_CRYPTO_MAX_PEM, err);
	if (rc < 0)
		return rc;
	bio = BIO_new_mem_buf(pem, (int)len);
	x = bio ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
	if (x == NULL) {
		rc = ssl_error(err, FOLIO_EINPUT,
			"expected a PEM certificate, found none", path);
		goto done;
	}
	rc = cert_wrap(out, x, path, err);
done:
	BIO_free(bio);
	free(pem);
	return rc;
}

int folio_cert_from_der(folio_cert **out, const void *der, size_t len,
	const char *name, folio_error *err)
{
	const unsigned char *p = der;
	X509 *x;

	*out = NULL;
	if (len > FOLIO_CRYPTO_MAX_PEM)
		return folio_error_set(err, FOLIO_ELIMIT,
			"%s: certificate of %zu bytes exceeds the limit of %zu",
			name, len, FOLIO_CRYPTO_MAX_PEM);
	x = d2i_X509(NULL, &p, (long)len);
	if (x == NULL || p != (const unsigned char *)der + len) {
		X509_free(x);
		return ssl_error(err, FOLIO_EVERIFY,
			"expected a DER X.509 certificate, found bytes that "
			"are not one", name);
	}
	return cert_wrap(out, x, name, err);
}

void folio_cert_free(folio_cert *c)
{
	if (c == NULL)
		return;
	X509_free(c->x509);
	free(c->der);
	free(c);
}

const unsigned char *folio_cert_der(const folio_cert *c, size_t *out_len)
{
	*out_len = c->der_len;
	return c->der;
}

static int asn1_time_to_epoch(int64_t *out, const ASN1_TIME *t)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (t == NULL || !ASN1_TIME_to_tm(t, &tm))
		return -1;
	*out = (int64_t)timegm(&tm);
	return 0;
}

int folio_cert_validity(int64_t *out_not_before, int64_t *out_not_after,
	const folio_cert *c, folio_error *err)
{
	if (asn1_time_to_epoch(out_not_before, X509_get0_notBefore(c->x509))
		< 0 ||
	    asn1_time_to_epoch(out_not_after, X509_get0_notAfter(c->x509))
		< 0)
		return ssl_error(err, FOLIO_EVERIFY,
			"certificate validity dates cannot be read",
			"certificate");
	return 0;
}

void folio_cert_subject(char *out, size_t outsz, const folio_cert *c)
{
	BIO *bio = BIO_new(BIO_s_mem());
	int n = 0;

	out[0] = '\0';
	if (bio == NULL)
		return;
	if (X509_NAME_print_ex(bio, X509_get_subject_name(c->x509), 0,
		XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0)
		n = BIO_read(bio, out, (int)outsz - 1);
	out[n > 0 ? n : 0] = '\0';
	BIO_free(bio);
	ERR_clear_error();
}

int folio_cert_verify_chain(const folio_cert *c, const char *trust_path,
	int64_t at, folio_error *err)
{
	X509_STORE *store = NULL;
	X509_STORE_CTX *ctx = NULL;
	X509_VERIFY_PARAM *param;
	int rc = 0, ok;

	store = X509_STORE_new();
	if (store == NULL)
		return ssl_error(err, FOLIO_ENOMEM, "out of memory",
			trust_path);
	if (X509_STORE_load_file(store, trust_path) != 1) {
		rc = ssl_error(err, FOLIO_EIO,
			"cannot load trusted certificates", trust_path);
		goto done;
	}
	ctx = X509_STORE_CTX_new();
	if (ctx == NULL || !X509_STORE_CTX_init(ctx, store, c->x509, NULL)) {
		rc = ssl_error(err, FOLIO_ELIB, "cannot start verification",
			trust_path);
		goto done;
	}
	/* Judge at signing time: an archive read in 2040 was signed with a
	 * certificate valid then, not now. */
	param = X509_STORE_CTX_get0_param(ctx);
	X509_VERIFY_PARAM_set_time(param, (time_t)at);
	ok = X509_verify_cert(ctx);
	if (ok != 1) {
		int e = X509_STORE_CTX_get_error(ctx);
		rc = folio_error_set(err, FOLIO_EVERIFY,
			"certificate does not chain to %s: %s", trust_path,
			X509_verify_cert_error_string(e));
	}
done:
	ERR_clear_error();
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	return rc;
}

static int load_key(EVP_PKEY **out, const char *path, folio_error *err)
{
	char *pem = NULL;
	size_t len = 0;
	BIO *bio = NULL;
	int rc;

	*out = NULL;
	rc = folio_file_read(&pem, &len, path, FOLIO_CRYPTO_MAX_PEM, err);
	if (rc < 0)
		return rc;
	bio = BIO_new_mem_buf(pem, (int)len);
	/* No passphrase callback: an encrypted key fails instead of
	 * prompting on a batch server. */
	*out = bio ? PEM_read_bio_PrivateKey(bio, NULL, NULL, (void *)"")
		: NULL;
	if (*out == NULL)
		rc = ssl_error(err, FOLIO_EINPUT,
			"expected an unencrypted PEM private key, found none",
			path);
	BIO_free(bio);
	OPENSSL_cleanse(pem, len);
	free(pem);
	return rc;
}

/* XML-DSig writes an ECDSA signature as r || s, each as long as the
 * curve's order (32 bytes on P-256); OpenSSL wants DER. */
static int ecdsa_der(unsigned char **out, int *out_len,
	const unsigned char *rs, size_t len)
{
	ECDSA_SIG *sig = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(rs, (int)(len / 2), NULL);
	BIGNUM *s = BN_bin2bn(rs + len / 2, (int)(len / 2), NULL);
	int n;

	*out = NULL;
	if (sig == NULL || r == NULL || s == NULL ||
	    !ECDSA_SIG_set0(sig, r, s)) {
		ECDSA_SIG_free(sig);
		BN_free(r);
		BN_free(s);
		return -1;
	}
	n = i2d_ECDSA_SIG(sig, out);
	ECDSA_SIG_free(sig);
	if (n <= 0)
		return -1;
	*out_len = n;
	return 0;
}

int folio_cert_verify_digest(const folio_cert *c, folio_key_kind alg,
	const unsigned char digest[FOLIO_SHA256_LEN], const void *sig,
	size_t len, folio_error *err)
{
	EVP_PKEY *key = X509_get0_pubkey(c->x509);
	EVP_PKEY_CTX *ctx = NULL;
	unsigned char *der = NULL;
	const unsigned char *value = sig;
	char group[64] = "";
	int der_len = 0, rc = 0;

	if (key == NULL) {
		rc = ssl_error(err, FOLIO_EVERIFY, "the certificate's public "
			"key cannot be read", "certificate");
		goto done;
	}
	if (alg == FOLIO_KEY_RSA ? !EVP_PKEY_is_a(key, "RSA") ||
	    EVP_PKEY_get_bits(key) < 2048 : !EVP_PKEY_is_a(key, "EC") ||
	    !EVP_PKEY_get_utf8_string_param(key, "group", group,
		sizeof(group), NULL) || strcmp(group, "prime256v1") != 0) {
		rc = folio_error_set(err, FOLIO_EVERIFY, "expected %s key in "
			"the certificate for the signature method, found %s",
			alg == FOLIO_KEY_RSA ? "an RSA (2048 bits or more)" :
			"a P-256", EVP_PKEY_get0_type_name(key));
		goto done;
	}
	if (alg == FOLIO_KEY_EC) {
		if (len != 64 || ecdsa_der(&der, &der_len, sig, len) < 0) {
			rc = folio_error_set(err, FOLIO_EVERIFY, "expected an "
				"ECDSA P-256 value of 64 bytes, found %zu",
				len);
			goto done;
		}
		value = der;
		len = (size_t)der_len;
	}
	ctx = EVP_PKEY_CTX_new(key, NULL);
	if (ctx == NULL || EVP_PKEY_verify_init(ctx) <= 0 ||
	    EVP_PKEY_CTX_set_signature_md(ctx, EVP_sha256()) <= 0 ||
	    (alg == FOLIO_KEY_RSA &&
	     EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) <= 0)) {
		rc = ssl_error(err, FOLIO_ELIB, "cannot set up signature "
			"verification", "OpenSSL");
		goto done;
	}
	if (EVP_PKEY_verify(ctx, value, len, digest, FOLIO_SHA256_LEN) != 1)
		rc = folio_error_set(err, FOLIO_EVERIFY, "signature value "
			"does not verify with the certificate's key");
done:
	ERR_clear_error();
	EVP_PKEY_CTX_free(ctx);
	OPENSSL_free(der);
	return rc;
}

/* OpenSSL gives ECDSA values in DER; XML-DSig wants r || s, each
 * left-padded to the curve's order (32 bytes on P-256). */
static int ecdsa_raw(folio_buf *out, const unsigned char *der, size_t len)
{
	const unsigned char *p = der;
	ECDSA_SIG *sig = d2i_ECDSA_SIG(NULL, &p, (long)len);
	const BIGNUM *r, *s;
	unsigned char rs[64];
	int ok;

	if (sig == NULL)
		return -1;
	ECDSA_SIG_get0(sig, &r, &s);
	ok = BN_bn2binpad(r, rs, 32) == 32 && BN_bn2binpad(s, rs + 32, 32)
		== 32 && folio_buf_append(out, rs, sizeof(rs)) == 0;
	ECDSA_SIG_free(sig);
	return ok ? 0 : -1;
}

int folio_key_sign_digest(folio_buf *out, const char *key_path,
	folio_key_kind kind, const unsigned char digest[FOLIO_SHA256_LEN],
	folio_error *err)
{
	EVP_PKEY *key = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	unsigned char *sig = NULL;
	size_t len = 0;
	int rc;

	if ((rc = load_key(&key, key_path, err)) < 0)
		return rc;
	if (!EVP_PKEY_is_a(key, kind == FOLIO_KEY_RSA ? "RSA" : "EC")) {
		rc = folio_error_set(err, FOLIO_EINPUT, "%s: expected %s key, "
			"found %s", key_path, kind == FOLIO_KEY_RSA ? "an RSA" :
			"an EC", EVP_PKEY_get0_type_name(key));
		goto done;
	}
	ctx = EVP_PKEY_CTX_new(key, NULL);
	if (ctx == NULL || EVP_PKEY_sign_init(ctx) <= 0 ||
	    EVP_PKEY_CTX_set_signature_md(ctx, EVP_sha256()) <= 0 ||
	    (kind == FOLIO_KEY_RSA &&
	     EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) <= 0) ||
	    EVP_PKEY_sign(ctx, NULL, &len, digest, FOLIO_SHA256_LEN) <= 0 ||
	    (sig = OPENSSL_malloc(len)) == NULL ||
	    EVP_PKEY_sign(ctx, sig, &len, digest, FOLIO_SHA256_LEN) <= 0) {
		rc = ssl_error(err, FOLIO_ELIB, "cannot sign", key_path);
		goto done;
	}
	if (kind == FOLIO_KEY_EC ? ecdsa_raw(out, sig, len) < 0 :
	    folio_buf_append(out, sig, len) < 0)
		rc = folio_error_set(err, FOLIO_ENOMEM, "out of memory");
done:
	ERR_clear_error();
	OPENSSL_free(sig);
	EVP_PKEY_CTX_free(ctx);
	EVP_PKEY_free(key);
	return rc;
}

int folio_key_check(folio_key_kind *out, const char *key_path,
	const folio_cert *cert, folio_error *err)
{
	EVP_PKEY *key = NULL;
	char group[64] = "";
	int rc;

	if ((rc = load_key(&key, key_path, err)) < 0)
		return rc;
	if (EVP_PKEY_is_a(key, "RSA")) {
		if (EVP_PKEY_get_bits(key) < 2048) {
			rc = folio_error_set(err, FOLIO_EINPUT,
				"%s: expected an RSA key of at least 2048 "
				"bits, "
				"found %d bits", key_path,
				EVP_PKEY_get_bits(key));
			goto done;
		}
		*out = FOLIO_KEY_RSA;
	} else if (EVP_PKEY_is_a(key, "EC")) {
		if (!EVP_PKEY_get_utf8_string_param(key, "group", group,
			sizeof(group), NULL) ||
		    strcmp(group, "prime256v1") != 0) {
			rc = folio_error_set(err, FOLIO_EINPUT,
				"%s: expected an EC key on P-256, found curve "
				"%s", key_path, group[0] ? group : "unknown");
			goto done;
		}
		*out = FOLIO_KEY_EC;
	} else {
		rc = folio_error_set(err, FOLIO_EINPUT,
			"%s: expected an RSA or EC P-256 key, found %s",
			key_path, EVP_PKEY_get0_type_name(key));
		goto done;
	}
	if (cert != NULL && X509_check_private_key(cert->x509, key) != 1)
		rc = ssl_error(err, FOLIO_EINPUT,
			"the private key does not belong to the certificate",
			key_path);
done:
	ERR_clear_error();
	EVP_PKEY_free(key);
	return rc;
}

static int add_ext(X509 *x, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ext;
	int ok;

	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	if (ext == NULL)
		return 0;
	ok = X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	return ok;
}

static int public_key_digest(unsigned char out[FOLIO_SHA256_LEN],
	unsigned int *out_len, EVP_PKEY *key)
{
	unsigned char *spki = NULL;
	int n = i2d_PUBKEY(key, &spki), ok;

	ok = n > 0 && EVP_Digest(spki, (size_t)n, out, out_len, EVP_sha256(),
		NULL);
	OPENSSL_free(spki);
	return ok;
}

static int build_cert(X509 **out, EVP_PKEY *key, const char *org,
	int64_t not_before, int years)
{
	X509 *x = X509_new();
	X509_NAME *name;
	unsigned char pub_digest[FOLIO_SHA256_LEN];
	unsigned int md_len = 0;
	BIGNUM *serial = NULL;
	ASN1_INTEGER *ai = NULL;
	int ok = 0;

	*out = NULL;
	if (x == NULL || !X509_set_version(x, 2))
		goto done;
	/* Serial: 15 bytes of the public key's digest, top bit clear so the
	 * INTEGER stays positive. */
	if (!public_key_digest(pub_digest, &md_len, key))
		goto done;
	pub_digest[0] &= 0x7f;
	serial = BN_bin2bn(pub_digest, 15, NULL);
	if (serial == NULL || (ai = BN_to_ASN1_INTEGER(serial, NULL)) == NULL ||
	    !X509_set_serialNumber(x, ai))
		goto done;
	if (!ASN1_TIME_set(X509_getm_notBefore(x), (time_t)not_before) ||
	    !ASN1_TIME_set(X509_getm_notAfter(x),
		(time_t)(not_before + (int64_t)years * 365 * 86400)))
		goto done;
	name = X509_get_subject_name(x);
	if (!X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
		(const unsigned char *)org, -1, -1, 0) ||
	    !X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8,
		(const unsigned char *)org, -1, -1, 0) ||
	    !X509_set_issuer_name(x, name) || !X509_set_pubkey(x, key))
		goto done;
	if (!add_ext(x, NID_basic_constraints, "critical,CA:FALSE") ||
	    !add_ext(x, NID_key_usage,
		"critical,digitalSignature,nonRepudiation") ||
	    !add_ext(x, NID_subject_key_identifier, "hash"))
		goto done;
	if (X509_sign(x, key, EVP_sha256()) <= 0)
		goto done;
	*out = x;
	x = NULL;
	ok = 1;
done:
	ASN1_INTEGER_free(ai);
	BN_free(serial);
	X509_free(x);
	return ok;
}

/* Write the PEM to a temporary sibling of path; committed later. */
static int stage_pem(folio_outfile *f, const char *path, BIO *bio,
	mode_t mode, folio_error *err)
{
	char *data = NULL;
	long len = BIO_get_mem_data(bio, &data);
	int rc;

	if ((rc = folio_outfile_open(f, path, err)) < 0)
		return rc;
	if (fchmod(fileno(f->fp), mode) != 0 ||
	    fwrite(data, 1, (size_t)len, f->fp) != (size_t)len) {
		folio_outfile_abort(f);
		return folio_error_set(err, FOLIO_EIO, "%s: cannot write: %m",
			path);
	}
	return 0;
}

static int exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/* path -> path.old, if path exists. */
static int keep_old(const char *path, folio_error *err)
{
	char old[4200];

	if (!exists(path))
		return 0;
	snprintf(old, sizeof(old), "%s.old", path);
	if (rename(path, old) != 0)
		return folio_error_set(err, FOLIO_EIO, "%s: cannot keep it as "
			"%s: %s", path, old, strerror(errno));
	return 0;
}

int folio_keygen(const char *dir, folio_key_kind kind, const char *org,
	int64_t not_before, int years, int replace, folio_error *err)
{
	EVP_PKEY *key = NULL;
	X509 *x = NULL;
	BIO *kb = NULL, *cb = NULL;
	folio_outfile kf = {0}, cf = {0};
	char key_path[4096], crt_path[4096];
	int rc = 0;

	if (org == NULL || org[0] == '\0' || strlen(org) > 64)
		return folio_error_set(err, FOLIO_EUSAGE,
			"organisation name: expected 1 to 64 bytes, found %zu",
			org ? strlen(org) : 0);
	snprintf(key_path, sizeof(key_path), "%s/signer.key", dir);
	snprintf(crt_path, sizeof(crt_path), "%s/signer.crt", dir);
	/* A key pair signs years of archives: never overwrite one by
	 * accident. */
	if (!replace && (exists(key_path) || exists(crt_path)))
		return folio_error_set(err, FOLIO_EUSAGE, "%s: expected no "
			"signing key to overwrite, found %s; use --force to "
			"replace it (the old pair is kept as *.old)",
			exists(key_path) ? key_path : crt_path, exists(key_path)
			&& exists(crt_path) ? "a key and a certificate" :
			exists(key_path) ? "a key" : "a certificate");
	if ((rc = folio_mkdirs(dir, err)) < 0)
		return rc;
	key = kind == FOLIO_KEY_EC ?
		EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256") :
		EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
	if (key == NULL) {
		rc = ssl_error(err, FOLIO_ELIB, "key generation failed", dir);
		goto done;
	}
	if (!build_cert(&x, key, org, not_before, years)) {
		rc = ssl_error(err, FOLIO_ELIB,
			"cannot build the certificate", dir);
		goto done;
	}
	kb = BIO_new(BIO_s_secmem());
	cb = BIO_new(BIO_s_mem());
	if (kb == NULL || cb == NULL ||
	    !PEM_write_bio_PrivateKey(kb, key, NULL, NULL, 0, NULL, NULL) ||
	    !PEM_write_bio_X509(cb, x)) {
		rc = ssl_error(err, FOLIO_ELIB, "cannot encode PEM", dir);
		goto done;
	}
	if ((rc = stage_pem(&kf, key_path, kb, 0600, err)) < 0 ||
	    (rc = stage_pem(&cf, crt_path, cb, 0644, err)) < 0)
		goto done;
	if (replace && ((rc = keep_old(key_path, err)) < 0 ||
	    (rc = keep_old(crt_path, err)) < 0))
		goto done;
	if ((rc = folio_outfile_commit(&kf, err)) < 0)
		goto done;
	rc = folio_outfile_commit(&cf, err);
done:
	folio_outfile_abort(&kf);
	folio_outfile_abort(&cf);
	ERR_clear_error();
	BIO_free(kb);
	BIO_free(cb);
	X509_free(x);
	EVP_PKEY_free(key);
	return rc;
}
