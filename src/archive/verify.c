/* verify.c - check a signed archival ZIP, trusting nothing in it (see
 * archive.h). Each check names the first entry that fails it. */
#include "archive/archive.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libxml/tree.h>

#include "archive/asic.h"
#include "archive/crypto.h"
#include "archive/record.h"
#include "archive/xmlsig.h"
#include "util/buf.h"
#include "util/unicode.h"
#include "util/utf8.h"
#include "util/xml.h"
#include "util/zip.h"

#define X(s) ((const xmlChar *)(s))

typedef struct ventry {
	const char *name;       /* owned by the zip reader */
	char *nfc;              /* NFC form, owned */
	int listed, refs, hashed, bagged;
	uint64_t size;
	unsigned char sha256[FOLIO_SHA256_LEN];
} ventry;

typedef struct sigref {
	char *name;             /* decoded URI */
	unsigned char digest[FOLIO_SHA256_LEN];
} sigref;

typedef struct verifier {
	const char *path;
	folio_zip_reader *zr;
	folio_verify_report *rep;
	folio_error *err;
	ventry *e;
	size_t n;
	size_t *by_name;        /* indices into e sorted by name */
	char **listed;          /* manifest.xml full-paths */
	size_t n_listed;
	sigref *refs;
	size_t n_refs;
	void *sigdoc;           /* xmlDoc of the signature */
	folio_cert *cert;
	int64_t signing_time;
	unsigned char cert_digest[FOLIO_SHA256_LEN];
	int have_cert_digest;
} verifier;

static int fail(verifier *v, const char *entry, const char *check,
	const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int fail(verifier *v, const char *entry, const char *check,
	const char *fmt, ...)
{
	char what[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(v->rep->entry, sizeof(v->rep->entry), "%s", entry);
	v->rep->check = check;
	/* `what` may quote a lower-level message; this one replaces it. */
	folio_error_clear(v->err);
	return folio_error_set(v->err, FOLIO_EVERIFY, "%s: %s: %s", v->path,
		entry, what);
}

/* qsort_r comparators over indexes into the entry table (no static
 * context: two verifications may run at once). */
static int cmp_index(const void *a, const void *b, void *ctx)
{
	const ventry *e = ctx;

	return strcmp(e[*(const size_t *)a].name, e[*(const size_t *)b].name);
}

static int cmp_nfc(const void *a, const void *b, void *ctx)
{
	const ventry *e = ctx;

	return strcmp(e[*(const size_t *)a].nfc, e[*(const size_t *)b].nfc);
}

/* Index of the entry called name, or -1. */
static long lookup(const verifier *v, const char *name)
{
	size_t lo = 0, hi = v->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(v->e[v->by_name[mid]].name, name);
		if (c == 0)
			return (long)v->by_name[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* First position in by_name whose name is >= key. */
static size_t lower_bound(const verifier *v, const char *key)
{
	size_t lo = 0, hi = v->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(v->e[v->by_name[mid]].name, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Whole reads are for metadata that must be parsed; signed files are
 * streamed (hash_entry). */
static int read_entry(verifier *v, folio_buf *out, size_t i, size_t limit)
{
	int rc;

	out->limit = limit;
	rc = folio_zip_read(out, v->zr, i, limit, v->err);
	if (rc < 0)
		folio_buf_free(out);  /* partial bytes are no use to anyone */
	if (rc == FOLIO_ELIMIT)
		return fail(v, v->e[i].name, "limit",
			"larger than the %zu bytes folio reads", limit);
	if (rc < 0)
		return fail(v, v->e[i].name, "readable",
			"cannot be read (%s)", v->err->msg);
	return 0;
}

/* 1. The first entry (the strict reading made its local header equal
 * to its central record and refused extra fields). */
static int check_mimetype(verifier *v)
{
	folio_zip_entry ze;
	folio_buf b = {0};
	size_t mlen = strlen(FOLIO_ASIC_MIMETYPE);
	int rc;

	if (v->n == 0 || strcmp(v->e[0].name, "mimetype") != 0)
		return fail(v, "mimetype", "mimetype", "expected mimetype "
			"first in the archive, found %s",
			v->n ? v->e[0].name : "nothing");
	if ((rc = folio_zip_stat(&ze, v->zr, 0, v->err)) < 0)
		return rc;
	if (!ze.stored)
		return fail(v, "mimetype", "mimetype",
			"expected it stored, found it compressed (method %u)",
			ze.method);
	if ((rc = read_entry(v, &b, 0, 256)) < 0)
		return rc;
	if (b.len != mlen || memcmp(b.data, FOLIO_ASIC_MIMETYPE, mlen) != 0)
		rc = fail(v, "mimetype", "mimetype", "expected %s, found "
			"other content", FOLIO_ASIC_MIMETYPE);
	folio_buf_free(&b);
	return rc;
}

static const char *unsafe_reason(const char *name)
{
	size_t n = strlen(name);
	const char *p = name;
	const unsigned char *u;

	if (n == 0)
		return "an empty name";
	if (folio_utf8_check(name, n) != n)
		return "a name that is not UTF-8";
	for (u = (const unsigned char *)name; *u; u++)
		if (*u < 0x20 || *u == 0x7f)
			return "a control character";
	if (name[0] == '/')
		return "an absolute path";
	if (strchr(name, '\\') != NULL)
		return "a backslash";
	if (name[n - 1] == '/')
		return "a folder entry";
	while (*p) {
		const char *slash = strchr(p, '/');
		size_t len = slash ? (size_t)(slash - p) : strlen(p);
		if (len == 0)
			return "an empty path component";
		if ((len == 1 && p[0] == '.') ||
		    (len == 2 && p[0] == '.' && p[1] == '.'))
			return "a '.' or '..' component";
		if (len >= 2 && p[1] == ':' && p == name)
			return "a drive letter";
		p += len;
		if (*p == '/')
			p++;
	}
	return NULL;
}

/* 2. Safe, unique paths (also unique after NFC normalisation). */
static int check_paths(verifier *v)
{
	folio_buf b = {0};
	const char *why;
	size_t i;
	int rc;

	for (i = 0; i < v->n; i++) {
		if ((why = unsafe_reason(v->e[i].name)) != NULL) {
			folio_buf_free(&b);
			return fail(v, v->e[i].name, "path",
				"unsafe path: expected a relative name, found "
				"%s", why);
		}
		folio_buf_reset(&b);
		if ((rc = folio_nfc_append(&b, v->e[i].name,
			strlen(v->e[i].name), v->err)) < 0) {
			folio_buf_free(&b);
			return rc;
		}
		v->e[i].nfc = strdup(b.data ? b.data : "");
		if (v->e[i].nfc == NULL) {
			folio_buf_free(&b);
			return folio_error_set(v->err, FOLIO_ENOMEM,
				"out of memory");
		}
	}
	folio_buf_free(&b);
	qsort_r(v->by_name, v->n, sizeof(size_t), cmp_nfc, v->e);
	for (i = 1; i < v->n; i++) {
		const ventry *a = &v->e[v->by_name[i - 1]];
		const ventry *c = &v->e[v->by_name[i]];
		if (a > c) {
			/* Name the later one in the archive: the copy. */
			const ventry *t = a;
			a = c;
			c = t;
		}
		if (strcmp(a->nfc, c->nfc) == 0)
			return fail(v, c->name, "path", strcmp(a->name,
				c->name) == 0 ? "duplicate entry name" :
				"duplicate of %s after NFC normalisation",
				a->name);
	}
	qsort_r(v->by_name, v->n, sizeof(size_t), cmp_index, v->e);
	return 0;
}

static int is_el(const xmlNode *n, const char *ns, const char *name)
{
	return n != NULL && n->type == XML_ELEMENT_NODE && n->ns != NULL &&
		xmlStrEqual(n->ns->href, X(ns)) &&
		xmlStrEqual(n->name, X(name));
}

/* The only element child called name (NULL if none or several). */
static xmlNode *only(const xmlNode *parent, const char *ns, const char *name)
{
	xmlNode *c, *found = NULL;

	for (c = parent ? parent->children : NULL; c; c = c->next)
		if (is_el(c, ns, name)) {
			if (found)
				return NULL;
			found = c;
		}
	return found;
}

static char *attr(const xmlNode *n, const char *name)
{
	return (char *)xmlGetProp(n, X(name));
}

static char *attr_ns(const xmlNode *n, const char *ns, const char *name)
{
	return (char *)xmlGetNsProp(n, X(name), X(ns));
}

static char *content(const xmlNode *n)
{
	return n ? (char *)xmlNodeGetContent(n) : NULL;
}

static int parse_entry(verifier *v, void **out, const char *name,
	size_t limit)
{
	folio_xml_limits limits = {limit, 0};
	folio_buf b = {0};
	long i = lookup(v, name);
	int rc;

	*out = NULL;
	if (i < 0)
		return fail(v, name, "complete", "missing from the archive");
	if ((rc = read_entry(v, &b, (size_t)i, limit)) < 0)
		return rc;
	rc = folio_xml_parse_memory(out, b.data, b.len, name, &limits,
		v->err);
	folio_buf_free(&b);
	if (rc < 0)
		return fail(v, name, "xml", "not well-formed XML (%s)",
			v->err->msg);
	return 0;
}

/* 3. META-INF/manifest.xml: "/" with our media type, then the files. */
static int read_manifest(verifier *v)
{
	void *vdoc = NULL;
	xmlNode *root, *c;
	int rc, root_seen = 0;
	size_t cap = 0;

	if ((rc = parse_entry(v, &vdoc, MANIFEST_ENTRY,
		FOLIO_ARCHIVE_MAX_INDEX)) < 0)
		return rc;
	root = xmlDocGetRootElement(vdoc);
	if (!is_el(root, NS_ODF, "manifest")) {
		rc = fail(v, MANIFEST_ENTRY, "manifest",
			"expected an OpenDocument manifest:manifest root");
		goto done;
	}
	for (c = root->children; c; c = c->next) {
		char *path, *type;
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (!is_el(c, NS_ODF, "file-entry")) {
			rc = fail(v, MANIFEST_ENTRY, "manifest", "line %ld: "
				"expected manifest:file-entry, found %s",
				folio_xml_node_line(c), (const char *)c->name);
			goto done;
		}
		path = attr_ns(c, NS_ODF, "full-path");
		type = attr_ns(c, NS_ODF, "media-type");
		if (path == NULL || type == NULL) {
			xmlFree(path);
			xmlFree(type);
			rc = fail(v, MANIFEST_ENTRY, "manifest", "line %ld: "
				"expected full-path and media-type",
				folio_xml_node_line(c));
			goto done;
		}
		if (strcmp(path, "/") == 0) {
			root_seen = strcmp(type, FOLIO_ASIC_MIMETYPE) == 0;
			xmlFree(path);
			xmlFree(type);
			continue;
		}
		/* Types are ours to choose, so any other value is an
		 * edit: manifest.xml itself is not signed (ASiC-E). */
		if (strcmp(type, folio_media_type(path)) != 0) {
			rc = fail(v, MANIFEST_ENTRY, "manifest", "%s: expected "
				"media type %s, found %s", path,
				folio_media_type(path), type);
			xmlFree(path);
			xmlFree(type);
			goto done;
		}
		xmlFree(type);
		if (v->n_listed == cap) {
			char **l;
			cap = cap ? 2 * cap : 256;
			l = realloc(v->listed, cap * sizeof(*l));
			if (l == NULL) {
				xmlFree(path);
				rc = folio_error_set(v->err, FOLIO_ENOMEM,
					"out of memory");
				goto done;
			}
			v->listed = l;
		}
		v->listed[v->n_listed++] = path;
	}
	if (!root_seen)
		rc = fail(v, MANIFEST_ENTRY, "manifest", "expected \"/\" "
			"with media type %s, found none", FOLIO_ASIC_MIMETYPE);
done:
	folio_xml_free(vdoc);
	return rc;
}

static int decode_digest(unsigned char out[FOLIO_SHA256_LEN],
	const xmlNode *value)
{
	folio_buf b = {0};
	char *text = content(value);
	int ok;

	ok = text != NULL && folio_base64_decode(&b, text, strlen(text)) == 0
		&& b.len == FOLIO_SHA256_LEN;
	if (ok)
		memcpy(out, b.data, FOLIO_SHA256_LEN);
	xmlFree(text);
	folio_buf_free(&b);
	return ok ? 0 : -1;
}

static int algorithm_is(const xmlNode *n, const char *alg)
{
	char *a = n ? attr(n, "Algorithm") : NULL;
	int same = a != NULL && strcmp(a, alg) == 0;

	xmlFree(a);
	return same;
}

/* Parse 2020-04-27T00:00:00Z (the only form we write). */
static int parse_time(int64_t *out, const char *s)
{
	struct tm tm;
	char *end;

	memset(&tm, 0, sizeof(tm));
	end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (end == NULL || *end != '\0')
		return -1;
	*out = (int64_t)timegm(&tm);
	return 0;
}

/* Elements anywhere under n whose Id attribute is id. */
static size_t count_ids(const xmlNode *n, const char *id)
{
	size_t count = 0;
	const xmlNode *c;
	char *a;

	for (c = n; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		a = attr(c, "Id");
		if (a != NULL && strcmp(a, id) == 0)
			count++;
		xmlFree(a);
		count += count_ids(c->children, id);
	}
	return count;
}

static size_t element_children(const xmlNode *n)
{
	const xmlNode *c;
	size_t count = 0;

	for (c = n ? n->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			count++;
	return count;
}

static int signed_properties(verifier *v, const xmlNode *sig,
	const char *props_id)
{
	xmlNode *obj, *qp, *sp, *ssp, *st, *scv2, *cert, *cd;
	char *id, *when;
	int rc = 0;

	/* Exactly the shape we write, and one element with the Id: a copy
	 * of the signed properties hidden elsewhere (signature wrapping)
	 * would let xmlsec check one and us read another. */
	obj = only(sig, NS_DS, "Object");
	qp = only(obj, NS_XADES, "QualifyingProperties");
	sp = only(qp, NS_XADES, "SignedProperties");
	if (sp == NULL || element_children(sig) != 4 ||
	    element_children(obj) != 1 || element_children(qp) != 1)
		return fail(v, SIGNATURE_ENTRY, "signature", "expected "
			"SignedInfo, SignatureValue, KeyInfo and one ds:Object "
			"holding only xades:SignedProperties");
	if (count_ids(xmlDocGetRootElement(sig->doc), props_id) != 1)
		return fail(v, SIGNATURE_ENTRY, "signature", "expected one "
			"element with Id %s, found several", props_id);
	id = attr(sp, "Id");
	if (id == NULL || strcmp(id, props_id) != 0) {
		xmlFree(id);
		return fail(v, SIGNATURE_ENTRY, "signature", "the "
			"SignedProperties reference #%s does not point at "
			"xades:SignedProperties", props_id);
	}
	xmlFree(id);
	ssp = only(sp, NS_XADES, "SignedSignatureProperties");
	st = only(ssp, NS_XADES, "SigningTime");
	scv2 = only(ssp, NS_XADES, "SigningCertificateV2");
	cert = only(scv2, NS_XADES, "Cert");
	cd = only(cert, NS_XADES, "CertDigest");
	if (st == NULL || cd == NULL)
		return fail(v, SIGNATURE_ENTRY, "signature", "expected "
			"SigningTime and one SigningCertificateV2 certificate "
			"digest, found %s", st ? "no certificate digest" :
			"no SigningTime");
	if (!algorithm_is(only(cd, NS_DS, "DigestMethod"), ALG_SHA256) ||
	    decode_digest(v->cert_digest, only(cd, NS_DS, "DigestValue")) < 0)
		return fail(v, SIGNATURE_ENTRY, "signature", "expected a "
			"SHA-256 SigningCertificateV2 digest, found another");
	v->have_cert_digest = 1;
	when = content(st);
	if (when == NULL || parse_time(&v->signing_time, when) < 0)
		rc = fail(v, SIGNATURE_ENTRY, "signature", "SigningTime: "
			"expected YYYY-MM-DDTHH:MM:SSZ, found %s",
			when ? when : "nothing");
	else
		snprintf(v->rep->signing_time, sizeof(v->rep->signing_time),
			"%s", when);
	xmlFree(when);
	return rc;
}

static int key_info(verifier *v, const xmlNode *sig)
{
	xmlNode *ki = only(sig, NS_DS, "KeyInfo"), *xd, *c, *xc = NULL;
	folio_buf der = {0};
	char *text;
	int rc, n = 0;

	xd = only(ki, NS_DS, "X509Data");
	for (c = ki ? ki->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			n++;
	for (c = xd ? xd->children : NULL; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE) {
			if (xc != NULL || !is_el(c, NS_DS, "X509Certificate")) {
				xc = NULL;
				break;
			}
			xc = c;
		}
	if (n != 1 || xc == NULL)
		return fail(v, SIGNATURE_ENTRY, "signature", "KeyInfo: "
			"expected exactly one X509Certificate, found another "
			"key description");
	text = content(xc);
	der.limit = FOLIO_CRYPTO_MAX_PEM;
	rc = text ? folio_base64_decode(&der, text, strlen(text)) : -1;
	xmlFree(text);
	if (rc < 0) {
		folio_buf_free(&der);
		return fail(v, SIGNATURE_ENTRY, "signature", "KeyInfo: the "
			"certificate is not base64");
	}
	rc = folio_cert_from_der(&v->cert, der.data, der.len,
		SIGNATURE_ENTRY, v->err);
	folio_buf_free(&der);
	if (rc < 0)
		return fail(v, SIGNATURE_ENTRY, "signature", "KeyInfo: %s",
			v->err->msg);
	folio_cert_subject(v->rep->signer, sizeof(v->rep->signer), v->cert);
	return 0;
}

/* 4. The signature's structure, before anything is computed. */
static int read_signature(verifier *v)
{
	xmlNode *root, *sig = NULL, *si, *c;
	char *props_id = NULL;
	size_t cap = 0;
	int rc, n_sig = 0, n_props = 0;

	if ((rc = parse_entry(v, &v->sigdoc, SIGNATURE_ENTRY,
		FOLIO_ARCHIVE_MAX_INDEX)) < 0)
		return rc;
	root = xmlDocGetRootElement(v->sigdoc);
	if (!is_el(root, NS_ASIC, "XAdESSignatures"))
		return fail(v, SIGNATURE_ENTRY, "signature",
			"expected an asic:XAdESSignatures root, found another");
	for (c = root->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE) {
			n_sig++;
			sig = c;
		}
	if (n_sig != 1 || !is_el(sig, NS_DS, "Signature"))
		return fail(v, SIGNATURE_ENTRY, "signature",
			"expected exactly one ds:Signature, found %d elements",
			n_sig);
	si = only(sig, NS_DS, "SignedInfo");
	if (si == NULL ||
	    !algorithm_is(only(si, NS_DS, "CanonicalizationMethod"),
		ALG_EXC_C14N) ||
	    !(algorithm_is(only(si, NS_DS, "SignatureMethod"),
		ALG_RSA_SHA256) ||
	      algorithm_is(only(si, NS_DS, "SignatureMethod"),
		ALG_ECDSA_SHA256)))
		return fail(v, SIGNATURE_ENTRY, "signature", "expected "
			"SignedInfo with exclusive c14n and rsa-sha256 or "
			"ecdsa-sha256");
	for (c = si->children; c; c = c->next) {
		char *uri, *type;
		xmlNode *dm, *dv;
		if (!is_el(c, NS_DS, "Reference"))
			continue;
		uri = attr(c, "URI");
		type = attr(c, "Type");
		dm = only(c, NS_DS, "DigestMethod");
		dv = only(c, NS_DS, "DigestValue");
		if (uri == NULL || !algorithm_is(dm, ALG_SHA256) || !dv) {
			rc = fail(v, SIGNATURE_ENTRY, "signature", "line %ld: "
				"expected a Reference with a URI and a SHA-256 "
				"digest", folio_xml_node_line(c));
		} else if (type != NULL) {
			if (strcmp(type, TYPE_SIGNED_PROPS) != 0 ||
			    uri[0] != '#' || n_props++ > 0)
				rc = fail(v, SIGNATURE_ENTRY, "signature",
					"line %ld: unexpected Reference type",
					folio_xml_node_line(c));
			else if ((props_id = strdup(uri + 1)) == NULL)
				rc = folio_error_set(v->err, FOLIO_ENOMEM,
					"out of memory");
		} else if (only(c, NS_DS, "Transforms") != NULL) {
			rc = fail(v, SIGNATURE_ENTRY, "signature", "%s: "
				"expected no transforms on a file reference",
				uri);
		} else {
			sigref *r;
			char name[FOLIO_ZIP_MAX_NAME + 1];
			if (v->n_refs == cap) {
				cap = cap ? 2 * cap : 256;
				r = realloc(v->refs, cap * sizeof(*r));
				if (r == NULL) {
					rc = folio_error_set(v->err,
						FOLIO_ENOMEM, "out of memory");
					goto next;
				}
				v->refs = r;
			}
			if (folio_uri_decode(name, sizeof(name), uri) < 0 ||
			    strchr(uri, ':') || strchr(uri, '#') ||
			    strchr(uri, '?')) {
				rc = fail(v, SIGNATURE_ENTRY, "signature",
					"Reference URI %s: expected an entry "
					"name", uri);
				goto next;
			}
			r = &v->refs[v->n_refs];
			if (decode_digest(r->digest, dv) < 0) {
				rc = fail(v, SIGNATURE_ENTRY, "signature",
					"%s: DigestValue is not a SHA-256 "
					"digest in base64", name);
				goto next;
			}
			if ((r->name = strdup(name)) == NULL) {
				rc = folio_error_set(v->err, FOLIO_ENOMEM,
					"out of memory");
				goto next;
			}
			v->n_refs++;
		}
next:
		xmlFree(uri);
		xmlFree(type);
		if (rc < 0)
			goto done;
	}
	if (props_id == NULL) {
		rc = fail(v, SIGNATURE_ENTRY, "signature", "expected a "
			"Reference to the SignedProperties, found none");
		goto done;
	}
	if ((rc = signed_properties(v, sig, props_id)) < 0 ||
	    (rc = key_info(v, sig)) < 0)
		goto done;
done:
	free(props_id);
	return rc;
}

/* 5. Every entry listed once and signed once; nothing listed or signed
 * that is not there. */
static int check_coverage(verifier *v)
{
	const char *missing_listed = NULL, *missing_signed = NULL;
	size_t i;
	long k;

	for (i = 0; i < v->n_listed; i++) {
		k = lookup(v, v->listed[i]);
		if (k < 0 && missing_listed == NULL)
			missing_listed = v->listed[i];
		else if (k >= 0)
			v->e[k].listed++;
	}
	for (i = 0; i < v->n_refs; i++) {
		k = lookup(v, v->refs[i].name);
		if (k < 0 && missing_signed == NULL)
			missing_signed = v->refs[i].name;
		else if (k >= 0)
			v->e[k].refs++;
	}
	for (i = 1; i < v->n; i++) {
		const ventry *e = &v->e[i];
		if (strcmp(e->name, MANIFEST_ENTRY) == 0 ||
		    strcmp(e->name, SIGNATURE_ENTRY) == 0)
			continue;
		if (strncmp(e->name, "META-INF/", 9) == 0)
			return fail(v, e->name, "listed", "unexpected entry "
				"in META-INF/ (only manifest.xml and "
				"signatures0.xml belong there)");
		if (e->listed != 1)
			return fail(v, e->name, "listed", e->listed ?
				"listed more than once in " MANIFEST_ENTRY :
				"not listed in " MANIFEST_ENTRY);
		if (e->refs != 1)
			return fail(v, e->name, "signed", e->refs ?
				"covered by more than one signature reference" :
				"not covered by the signature");
	}
	if (missing_listed)
		return fail(v, missing_listed, "complete", "listed in "
			MANIFEST_ENTRY " but missing from the archive");
	if (missing_signed)
		return fail(v, missing_signed, "complete", "signed but "
			"missing from the archive");
	return 0;
}

/* 6. Each signed entry's digest, computed once and kept for the BagIt
 * and record checks. Streamed: memory does not depend on entry sizes. */
typedef struct hasher {
	folio_sha256_ctx *sha;
	uint64_t size;
	folio_error *err;
} hasher;

static int hash_piece(void *ctx, const void *p, size_t n)
{
	hasher *h = ctx;

	h->size += n;
	return folio_sha256_update(h->sha, p, n, h->err);
}

static int hash_entry(verifier *v, ventry *e)
{
	size_t idx = (size_t)(e - v->e);
	hasher h = {NULL, 0, v->err};
	int rc;

	if ((rc = folio_sha256_begin(&h.sha, v->err)) < 0)
		return rc;
	rc = folio_zip_read_cb(v->zr, idx, FOLIO_ARCHIVE_MAX_ENTRY,
		hash_piece, &h, v->err);
	if (rc < 0) {
		folio_sha256_free(h.sha);
		if (rc == FOLIO_ELIMIT)
			return fail(v, e->name, "limit", "larger than the "
				"%llu bytes folio reads", (unsigned long long)
				FOLIO_ARCHIVE_MAX_ENTRY);
		if (rc == FOLIO_ENOMEM)
			return rc;
		return fail(v, e->name, "readable", "cannot be read (%s)",
			v->err->msg);
	}
	if ((rc = folio_sha256_end(e->sha256, h.sha, v->err)) < 0)
		return rc;
	e->size = h.size;
	e->hashed = 1;
	return 0;
}

static int check_digests(verifier *v)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < v->n_refs && rc == 0; i++) {
		ventry *e = &v->e[lookup(v, v->refs[i].name)];
		if ((rc = hash_entry(v, e)) < 0)
			break;
		if (memcmp(e->sha256, v->refs[i].digest, FOLIO_SHA256_LEN) != 0)
			rc = fail(v, e->name, "digest", "content does not "
				"match its signed SHA-256 digest");
	}
	return rc;
}

/* IO for xmlsec: entries of the archive being verified, streamed from
 * the zip (opened on the first read: xmlsec opens once just to ask
 * whether a URI exists). */
typedef struct vhandle {
	verifier *v;
	size_t index;
	folio_zip_stream *s;
	int failed;
} vhandle;

static void *v_open(void *ctx, const char *name)
{
	verifier *v = ctx;
	long i = lookup(v, name);
	vhandle *h;

	if (i < 0 || strncmp(name, "META-INF/", 9) == 0 ||
	    (h = calloc(1, sizeof(*h))) == NULL)
		return NULL;
	h->v = v;
	h->index = (size_t)i;
	return h;
}

static int v_read(void *vh, char *buf, int len)
{
	vhandle *h = vh;
	folio_error ignored = {0};
	size_t got;

	if (len <= 0)
		return 0;
	if (h->failed)
		return -1;
	/* A failure here makes xmlsec fail the reference; the digests
	 * were already checked by check_digests, so nothing is hidden. */
	if (h->s == NULL && folio_zip_stream_open(&h->s, h->v->zr, h->index,
		FOLIO_ARCHIVE_MAX_ENTRY, &ignored) < 0) {
		h->failed = 1;
		return -1;
	}
	if (folio_zip_stream_read(&got, h->s, buf, (size_t)len, &ignored)
		< 0) {
		h->failed = 1;
		return -1;
	}
	return (int)got;
}

static void v_close(void *vh)
{
	vhandle *h = vh;

	folio_zip_stream_close(h->s);
	free(h);
}

/* 7. Certificate digest, signature value, signing time, trust. */
static int check_signature(verifier *v, const folio_verify_options *opts)
{
	folio_sig_io io = {v, v_open, v_read, v_close};
	unsigned char d[FOLIO_SHA256_LEN];
	const unsigned char *der;
	int64_t nb, na;
	size_t len;
	int rc;

	der = folio_cert_der(v->cert, &len);
	if ((rc = folio_sha256(d, der, len, v->err)) < 0)
		return rc;
	if (!v->have_cert_digest ||
	    memcmp(d, v->cert_digest, FOLIO_SHA256_LEN) != 0)
		return fail(v, SIGNATURE_ENTRY, "certificate",
			"SigningCertificateV2 digest does not match the "
			"KeyInfo certificate");
	if ((rc = folio_xmlsig_verify(v->sigdoc, &io, SIGNATURE_ENTRY,
		v->err)) < 0)
		return rc == FOLIO_EVERIFY ? fail(v, SIGNATURE_ENTRY,
			"signature", "%s", strncmp(v->err->msg,
			SIGNATURE_ENTRY ": ", sizeof(SIGNATURE_ENTRY) + 1)
			== 0 ?
			v->err->msg + sizeof(SIGNATURE_ENTRY) + 1 :
			v->err->msg) : rc;
	if ((rc = folio_cert_validity(&nb, &na, v->cert, v->err)) < 0)
		return fail(v, SIGNATURE_ENTRY, "certificate", "%s",
			v->err->msg);
	if (v->signing_time < nb || v->signing_time > na)
		return fail(v, SIGNATURE_ENTRY, "certificate", "SigningTime "
			"%s lies outside the certificate's validity",
			v->rep->signing_time);
	if (opts && opts->trust_path) {
		if ((rc = folio_cert_verify_chain(v->cert, opts->trust_path,
			v->signing_time, v->err)) < 0)
			return rc == FOLIO_EVERIFY ? fail(v, SIGNATURE_ENTRY,
				"trust", "%s", v->err->msg) : rc;
		v->rep->trusted = 1;
	}
	return 0;
}

static const ventry *hashed(verifier *v, const char *name)
{
	long i = lookup(v, name);
	return i >= 0 && v->e[i].hashed ? &v->e[i] : NULL;
}

static int text_of(verifier *v, folio_buf *out, const char *name)
{
	long i = lookup(v, name);

	if (i < 0)
		return fail(v, name, "bagit", "missing from the archive");
	/* The BagIt manifests grow with the archive; bagit.txt and
	 * bag-info.txt do not. */
	return read_entry(v, out, (size_t)i, strstr(name, "manifest") ?
		FOLIO_ARCHIVE_MAX_INDEX : FOLIO_ARCHIVE_MAX_METADATA);
}

/* Lines "<hex>  <path>" of a BagIt manifest; each path must be a
 * hashed entry with that digest, each counted in seen. */
static int check_bag_manifest(verifier *v, const char *manifest,
	int payload, size_t *out_lines)
{
	folio_buf b = {0};
	char hex[2 * FOLIO_SHA256_LEN + 1];
	char *line, *next;
	int rc;

	*out_lines = 0;
	if ((rc = text_of(v, &b, manifest)) < 0)
		return rc;
	for (line = b.data; rc == 0 && line && *line; line = next) {
		const ventry *e;
		char *path;
		long k;
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		path = line + 2 * FOLIO_SHA256_LEN;
		if (strlen(line) < 2 * FOLIO_SHA256_LEN + 2 ||
		    path[0] != ' ' || path[1] != ' ') {
			rc = fail(v, manifest, "bagit", "line %zu: expected "
				"\"<sha256>  <path>\"", *out_lines + 1);
			break;
		}
		path += 2;
		(*out_lines)++;
		e = hashed(v, path);
		if (e == NULL || (strncmp(path, "data/", 5) == 0) != payload) {
			rc = fail(v, manifest, "bagit", "lists %s, which is "
				"not a %s file of the bag", path, payload ?
				"payload" : "tag");
			break;
		}
		folio_sha256_hex(hex, e->sha256);
		if (strncmp(line, hex, 2 * FOLIO_SHA256_LEN) != 0) {
			rc = fail(v, path, "bagit", "SHA-256 differs from %s",
				manifest);
			break;
		}
		k = e - v->e;
		v->e[k].bagged++;
	}
	folio_buf_free(&b);
	return rc;
}

/* 8. BagIt: declaration, payload manifest, tag manifest, Payload-Oxum. */
static int check_bag(verifier *v)
{
	static const char *const tags[] = {"bagit.txt", "bag-info.txt",
		"manifest-sha256.txt"};
	folio_buf b = {0};
	uint64_t bytes = 0, count = 0;
	char oxum[64];
	size_t i, lines;
	int rc;

	if ((rc = text_of(v, &b, "bagit.txt")) < 0)
		return rc;
	if (strcmp(b.data ? b.data : "", "BagIt-Version: 1.0\n"
		"Tag-File-Character-Encoding: UTF-8\n") != 0)
		rc = fail(v, "bagit.txt", "bagit", "expected BagIt-Version "
			"1.0 and UTF-8 tag files");
	folio_buf_free(&b);
	if (rc < 0 || (rc = check_bag_manifest(v, "manifest-sha256.txt", 1,
		&lines)) < 0)
		return rc;
	for (i = 1; i < v->n; i++) {
		if (strncmp(v->e[i].name, "data/", 5) != 0)
			continue;
		if (v->e[i].bagged == 0)
			return fail(v, v->e[i].name, "bagit", "payload file "
				"not in manifest-sha256.txt");
		if (v->e[i].bagged > 1)
			return fail(v, v->e[i].name, "bagit", "listed twice "
				"in manifest-sha256.txt");
		bytes += v->e[i].size;
		count++;
	}
	if ((rc = check_bag_manifest(v, "tagmanifest-sha256.txt", 0,
		&lines)) < 0)
		return rc;
	for (i = 0; i < 3; i++) {
		long k = lookup(v, tags[i]);
		if (k < 0 || v->e[k].bagged == 0)
			return fail(v, tags[i], "bagit", "not in "
				"tagmanifest-sha256.txt");
	}
	if ((rc = text_of(v, &b, "bag-info.txt")) < 0)
		return rc;
	snprintf(oxum, sizeof(oxum), "\nPayload-Oxum: %llu.%llu\n",
		(unsigned long long)bytes, (unsigned long long)count);
	if (b.data == NULL || strstr(b.data, oxum) == NULL)
		rc = fail(v, "bag-info.txt", "bagit", "Payload-Oxum: expected "
			"%llu.%llu", (unsigned long long)bytes,
			(unsigned long long)count);
	folio_buf_free(&b);
	return rc;
}

/* Text of the only child `name` of n, or NULL. */
static char *field(const xmlNode *n, const char *ns, const char *name)
{
	return content(only(n, ns, name));
}

typedef struct record_info {
	char code[FOLIO_ARCHIVE_CODE_MAX];
	/* 责任者 题名 日期 密级 保管期限 (NULL if absent), all in one
	 * block: libxml2 hands each text over in a buffer of 64 bytes or
	 * more, and every record's are held until the catalogue is read. */
	char *fields[5];
	char *block;
} record_info;

static const char *const summary_fields[5] = {"责任者", "题名", "日期",
	"密级", "保管期限"};

static int keep_fields(verifier *v, record_info *info, const xmlNode *root)
{
	char *text[5];
	size_t len[5], total = 0, i, at = 0;

	for (i = 0; i < 5; i++) {
		text[i] = field(root, FOLIO_RECORD_NS, summary_fields[i]);
		len[i] = text[i] ? strlen(text[i]) + 1 : 0;
		total += len[i];
	}
	info->block = malloc(total ? total : 1);
	for (i = 0; i < 5; i++) {
		info->fields[i] = NULL;
		if (text[i] != NULL && info->block != NULL) {
			info->fields[i] = info->block + at;
			memcpy(info->fields[i], text[i], len[i]);
			at += len[i];
		}
		xmlFree(text[i]);
	}
	if (info->block == NULL)
		return folio_error_set(v->err, FOLIO_ENOMEM, "out of memory");
	return 0;
}

/* One record folder: record.xml valid, 档号 = folder, files match. */
static int check_record(verifier *v, const char *rec_name,
	record_info *info)
{
	char folder[FOLIO_ZIP_MAX_NAME + 1], path[2 * FOLIO_ZIP_MAX_NAME];
	void *vdoc = NULL;
	xmlNode *root, *c;
	char *code = NULL;
	size_t flen, i, files = 0;
	int rc;

	flen = strlen(rec_name) - strlen("record.xml");
	snprintf(folder, sizeof(folder), "%.*s", (int)flen, rec_name);
	if ((rc = parse_entry(v, &vdoc, rec_name,
		FOLIO_ARCHIVE_MAX_METADATA)) < 0)
		return rc;
	/* Only a schema violation is the archive's fault; a schema we
	 * cannot load is ours (exit 2, not "invalid"). */
	if ((rc = folio_xml_validate(vdoc, "record", rec_name, v->err)) < 0) {
		if (rc == FOLIO_EINPUT)
			rc = fail(v, rec_name, "metadata", "not valid "
				"against record.rng (%s)", v->err->msg);
		goto done;
	}
	root = xmlDocGetRootElement(vdoc);
	code = field(root, FOLIO_RECORD_NS, "档号");
	/* folder is "data/records/<档号>/" */
	if (code == NULL || strlen(code) >= sizeof(info->code) ||
	    strlen(folder) != 14 + strlen(code) ||
	    strncmp(folder + 13, code, strlen(code)) != 0) {
		rc = fail(v, rec_name, "metadata", "档号 %s does not match "
			"its folder", code ? code : "(none)");
		goto done;
	}
	memcpy(info->code, code, strlen(code) + 1);
	if ((rc = keep_fields(v, info, root)) < 0)
		goto done;
	for (c = root->children; c; c = c->next) {
		char *name, *size, *sha;
		const ventry *e;
		char hex[2 * FOLIO_SHA256_LEN + 1], sz[32];
		if (!is_el(c, FOLIO_RECORD_NS, "计算机文件"))
			continue;
		name = field(c, FOLIO_RECORD_NS, "计算机文件名");
		size = field(c, FOLIO_RECORD_NS, "计算机文件大小");
		sha = field(c, FOLIO_RECORD_NS, "SHA-256");
		snprintf(path, sizeof(path), "%s%s", folder, name);
		e = hashed(v, path);
		if (e != NULL) {
			folio_sha256_hex(hex, e->sha256);
			snprintf(sz, sizeof(sz), "%llu",
				(unsigned long long)e->size);
		}
		if (e == NULL || strcmp(name, "record.xml") == 0)
			rc = fail(v, rec_name, "metadata", "lists %s, which "
				"is not a file of the record", name);
		else if (strcmp(sz, size) != 0 || strcmp(hex, sha) != 0)
			rc = fail(v, path, "metadata", "size or SHA-256 "
				"differs from %s", rec_name);
		xmlFree(name);
		xmlFree(size);
		xmlFree(sha);
		if (rc < 0)
			goto done;
		files++;
	}
	/* Every file of the folder is described: the folder's entries are
	 * contiguous in name order. */
	for (i = lower_bound(v, folder); i < v->n; i++) {
		const char *n = v->e[v->by_name[i]].name;
		if (strncmp(n, folder, strlen(folder)) != 0)
			break;
		if (strcmp(n, rec_name) == 0)
			continue;
		if (files == 0) {
			rc = fail(v, n, "metadata", "not described by %s",
				rec_name);
			goto done;
		}
		files--;
	}
	if (files != 0)
		rc = fail(v, rec_name, "metadata", "describes a file twice");
done:
	xmlFree(code);
	folio_xml_free(vdoc);
	return rc;
}

static int cmp_info(const void *a, const void *b)
{
	return strcmp(((const record_info *)a)->code,
		((const record_info *)b)->code);
}

static int check_catalogue(verifier *v, record_info *infos, size_t n)
{
	const char *cat = "data/catalogue.xml";
	void *vdoc = NULL;
	xmlNode *root, *c, *f;
	size_t seq = 0, i;
	int rc;

	if ((rc = parse_entry(v, &vdoc, cat, FOLIO_ARCHIVE_MAX_INDEX)) < 0)
		return rc;
	if ((rc = folio_xml_validate(vdoc, "catalogue", cat, v->err)) < 0) {
		if (rc == FOLIO_EINPUT)
			rc = fail(v, cat, "metadata", "not valid against "
				"catalogue.rng (%s)", v->err->msg);
		goto done;
	}
	root = xmlDocGetRootElement(vdoc);
	for (c = root->children; c && rc == 0; c = c->next) {
		record_info key, *ri;
		char *s;
		if (!is_el(c, FOLIO_CATALOGUE_NS, "条目"))
			continue;
		seq++;
		s = field(c, FOLIO_CATALOGUE_NS, "档号");
		snprintf(key.code, sizeof(key.code), "%s", s ? s : "");
		xmlFree(s);
		ri = bsearch(&key, infos, n, sizeof(*infos), cmp_info);
		if (ri == NULL) {
			rc = fail(v, cat, "metadata", "entry %zu: no record "
				"folder for %s", seq, key.code);
			break;
		}
		for (i = 0; i < 5 && rc == 0; i++) {
			s = field(c, FOLIO_CATALOGUE_NS, summary_fields[i]);
			if (s == NULL || ri->fields[i] == NULL ||
			    strcmp(s, ri->fields[i]) != 0)
				rc = fail(v, cat, "metadata", "entry %zu: %s "
					"differs from the record.xml of %s",
					seq,
					summary_fields[i], key.code);
			xmlFree(s);
		}
		for (f = c->children; f && rc == 0; f = f->next) {
			char path[FOLIO_ZIP_MAX_NAME + 256];
			if (!is_el(f, FOLIO_CATALOGUE_NS, "计算机文件名"))
				continue;
			s = content(f);
			snprintf(path, sizeof(path), "data/records/%s/%s",
				key.code, s ? s : "");
			if (hashed(v, path) == NULL)
				rc = fail(v, cat, "metadata", "entry %zu "
					"names %s, which is not in the archive",
					seq, path);
			xmlFree(s);
		}
	}
	if (rc == 0 && seq != n)
		rc = fail(v, cat, "metadata", "lists %zu records, the archive "
			"holds %zu", seq, n);
done:
	folio_xml_free(vdoc);
	return rc;
}

/* 9. Records and catalogue. */
static int check_records(verifier *v)
{
	record_info *infos = NULL;
	size_t n = 0, cap = 0, i;
	int rc = 0;

	for (i = 1; i < v->n && rc == 0; i++) {
		const char *name = v->e[i].name, *slash;
		if (strncmp(name, "data/records/", 13) != 0)
			continue;
		slash = strchr(name + 13, '/');
		if (slash == NULL || strchr(slash + 1, '/') != NULL) {
			rc = fail(v, name, "metadata", "expected "
				"data/records/<档号>/<file>");
			break;
		}
		if (strcmp(slash + 1, "record.xml") != 0) {
			char rec[FOLIO_ZIP_MAX_NAME + 16];
			snprintf(rec, sizeof(rec), "%.*srecord.xml",
				(int)(slash + 1 - name), name);
			if (lookup(v, rec) < 0)
				rc = fail(v, name, "metadata", "its folder has "
					"no record.xml");
			continue;
		}
		if (n == cap) {
			record_info *ri;
			cap = cap ? 2 * cap : 64;
			ri = realloc(infos, cap * sizeof(*ri));
			if (ri == NULL) {
				rc = folio_error_set(v->err, FOLIO_ENOMEM,
					"out of memory");
				break;
			}
			infos = ri;
		}
		memset(&infos[n], 0, sizeof(infos[n]));
		rc = check_record(v, name, &infos[n]);
		n++;
	}
	if (rc == 0) {
		qsort(infos, n, sizeof(*infos), cmp_info);
		rc = check_catalogue(v, infos, n);
	}
	v->rep->records = n;
	for (i = 0; i < n; i++)
		free(infos[i].block);
	free(infos);
	return rc;
}

static void free_listed_and_refs(verifier *v)
{
	size_t i;

	for (i = 0; i < v->n_listed; i++)
		xmlFree(v->listed[i]);
	free(v->listed);
	v->listed = NULL;
	v->n_listed = 0;
	for (i = 0; i < v->n_refs; i++)
		free(v->refs[i].name);
	free(v->refs);
	v->refs = NULL;
	v->n_refs = 0;
}

static void verifier_free(verifier *v)
{
	size_t i;

	for (i = 0; i < v->n; i++)
		free(v->e[i].nfc);
	free(v->e);
	free(v->by_name);
	free_listed_and_refs(v);
	folio_xml_free(v->sigdoc);
	folio_cert_free(v->cert);
	folio_zip_reader_free(v->zr);
}

int folio_archive_verify(folio_verify_report *out, const char *zip_path,
	const folio_verify_options *opts, folio_error *err)
{
	folio_zip_fault fault;
	verifier v;
	size_t i;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&v, 0, sizeof(v));
	out->check = "readable";
	v.path = zip_path;
	v.rep = out;
	v.err = err;
	if ((rc = folio_zip_open_read(&v.zr, zip_path, &fault, err)) < 0) {
		if (rc != FOLIO_EINPUT || fault.not_zip)
			return rc == FOLIO_EINPUT ? FOLIO_EIO : rc;
		snprintf(out->entry, sizeof(out->entry), "%s", fault.entry);
		out->check = "container";
		return FOLIO_EVERIFY;
	}
	v.n = folio_zip_count(v.zr);
	out->entries = v.n;
	v.e = calloc(v.n ? v.n : 1, sizeof(*v.e));
	v.by_name = calloc(v.n ? v.n : 1, sizeof(*v.by_name));
	if (v.e == NULL || v.by_name == NULL) {
		rc = folio_error_set(err, FOLIO_ENOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < v.n; i++) {
		folio_zip_entry ze;
		if ((rc = folio_zip_stat(&ze, v.zr, i, err)) < 0)
			goto done;
		v.e[i].name = ze.name;
		v.by_name[i] = i;
	}
	qsort_r(v.by_name, v.n, sizeof(size_t), cmp_index, v.e);
	if ((rc = check_mimetype(&v)) < 0 ||
	    (rc = check_paths(&v)) < 0 ||
	    (rc = read_manifest(&v)) < 0 ||
	    (rc = read_signature(&v)) < 0 ||
	    (rc = check_coverage(&v)) < 0 ||
	    (rc = check_digests(&v)) < 0)
		goto done;
	/* The listed names and the references' digests are all checked:
	 * nothing after needs them. */
	free_listed_and_refs(&v);
	if ((rc = check_signature(&v, opts)) < 0)
		goto done;
	/* The signature's tree is the largest thing held: let it go before
	 * the catalogue is parsed. */
	folio_xml_free(v.sigdoc);
	v.sigdoc = NULL;
	if ((rc = check_bag(&v)) < 0 ||
	    (rc = check_records(&v)) < 0)
		goto done;
	out->check = "ok";
done:
	verifier_free(&v);
	return rc;
}
