/* verify_signature.c - the XAdES signature (see verify_impl.h).
 *
 * signatures0.xml grows with the archive (one Reference per file:
 * 140,000 at 70,000 records), so it is streamed, never held as a tree:
 * its shape is checked element by element against exactly what folio
 * writes, SignedInfo and SignedProperties are canonicalised (c14n.h)
 * into SHA-256 as they pass, and each Reference's digest is kept with
 * the entry it names. The signature value is then checked with the
 * KeyInfo certificate's key over SignedInfo's digest, and each file's
 * digest against its content, streamed too. Nothing of the signature
 * is believed before its value verifies. */
#include "archive/verify_impl.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "archive/asic.h"
#include "archive/c14n.h"
#include "archive/uri.h"

/* The elements of a signature, and what each may contain. */
enum {
	E_DOC, E_ROOT, E_SIG, E_SI, E_C14N, E_SM, E_REF, E_TRS, E_TR, E_DM,
	E_DV, E_SV, E_KI, E_X5D, E_X5C, E_OBJ, E_QP, E_SP, E_SSP, E_ST,
	E_SCV2, E_CERT, E_CD, E_COUNT
};

typedef struct step {
	int el, min, max;
} step;

enum { C_ELEMENTS, C_EMPTY, C_TEXT };

typedef struct element {
	const char *ns, *name;
	int content;
	size_t max_text;            /* C_TEXT */
	const step *children;       /* C_ELEMENTS, ended by {0} */
	const char *attrs[3];       /* allowed; the first is required */
	int optional_second;        /* attrs[1] may be left out */
} element;

static const step g_doc[] = {{E_ROOT, 1, 1}, {0, 0, 0}};
static const step g_root[] = {{E_SIG, 1, 1}, {0, 0, 0}};
static const step g_sig[] = {{E_SI, 1, 1}, {E_SV, 1, 1}, {E_KI, 1, 1},
	{E_OBJ, 1, 1}, {0, 0, 0}};
static const step g_si[] = {{E_C14N, 1, 1}, {E_SM, 1, 1},
	{E_REF, 1, INT_MAX}, {0, 0, 0}};
static const step g_ref[] = {{E_TRS, 0, 1}, {E_DM, 1, 1}, {E_DV, 1, 1},
	{0, 0, 0}};
static const step g_trs[] = {{E_TR, 1, 1}, {0, 0, 0}};
static const step g_ki[] = {{E_X5D, 1, 1}, {0, 0, 0}};
static const step g_x5d[] = {{E_X5C, 1, 1}, {0, 0, 0}};
static const step g_obj[] = {{E_QP, 1, 1}, {0, 0, 0}};
static const step g_qp[] = {{E_SP, 1, 1}, {0, 0, 0}};
static const step g_sp[] = {{E_SSP, 1, 1}, {0, 0, 0}};
static const step g_ssp[] = {{E_ST, 1, 1}, {E_SCV2, 1, 1}, {0, 0, 0}};
static const step g_scv2[] = {{E_CERT, 1, 1}, {0, 0, 0}};
static const step g_cert[] = {{E_CD, 1, 1}, {0, 0, 0}};
static const step g_cd[] = {{E_DM, 1, 1}, {E_DV, 1, 1}, {0, 0, 0}};

/* Base64 of a certificate of FOLIO_CRYPTO_MAX_PEM bytes, with line
 * breaks. */
#define MAX_CERT_TEXT (FOLIO_CRYPTO_MAX_PEM / 3 * 4 + FOLIO_CRYPTO_MAX_PEM / 32)

static const element elements[E_COUNT] = {
	[E_DOC] = {NULL, "(document)", C_ELEMENTS, 0, g_doc, {NULL}, 0},
	[E_ROOT] = {NS_ASIC, "XAdESSignatures", C_ELEMENTS, 0, g_root,
		{NULL}, 0},
	[E_SIG] = {NS_DS, "Signature", C_ELEMENTS, 0, g_sig, {"Id"}, 0},
	[E_SI] = {NS_DS, "SignedInfo", C_ELEMENTS, 0, g_si, {NULL}, 0},
	[E_C14N] = {NS_DS, "CanonicalizationMethod", C_EMPTY, 0, NULL,
		{"Algorithm"}, 0},
	[E_SM] = {NS_DS, "SignatureMethod", C_EMPTY, 0, NULL,
		{"Algorithm"}, 0},
	[E_REF] = {NS_DS, "Reference", C_ELEMENTS, 0, g_ref,
		{"URI", "Type"}, 1},
	[E_TRS] = {NS_DS, "Transforms", C_ELEMENTS, 0, g_trs, {NULL}, 0},
	[E_TR] = {NS_DS, "Transform", C_EMPTY, 0, NULL, {"Algorithm"}, 0},
	[E_DM] = {NS_DS, "DigestMethod", C_EMPTY, 0, NULL, {"Algorithm"},
		0},
	[E_DV] = {NS_DS, "DigestValue", C_TEXT, 256, NULL, {NULL}, 0},
	[E_SV] = {NS_DS, "SignatureValue", C_TEXT, 2048, NULL,
		{"Id", NULL}, 1},
	[E_KI] = {NS_DS, "KeyInfo", C_ELEMENTS, 0, g_ki, {NULL}, 0},
	[E_X5D] = {NS_DS, "X509Data", C_ELEMENTS, 0, g_x5d, {NULL}, 0},
	[E_X5C] = {NS_DS, "X509Certificate", C_TEXT, MAX_CERT_TEXT, NULL,
		{NULL}, 0},
	[E_OBJ] = {NS_DS, "Object", C_ELEMENTS, 0, g_obj, {NULL}, 0},
	[E_QP] = {NS_XADES, "QualifyingProperties", C_ELEMENTS, 0, g_qp,
		{"Target"}, 0},
	[E_SP] = {NS_XADES, "SignedProperties", C_ELEMENTS, 0, g_sp,
		{"Id"}, 0},
	[E_SSP] = {NS_XADES, "SignedSignatureProperties", C_ELEMENTS, 0,
		g_ssp, {NULL}, 0},
	[E_ST] = {NS_XADES, "SigningTime", C_TEXT, 64, NULL, {NULL}, 0},
	[E_SCV2] = {NS_XADES, "SigningCertificateV2", C_ELEMENTS, 0, g_scv2,
		{NULL}, 0},
	[E_CERT] = {NS_XADES, "Cert", C_ELEMENTS, 0, g_cert, {NULL}, 0},
	[E_CD] = {NS_XADES, "CertDigest", C_ELEMENTS, 0, g_cd, {NULL}, 0},
};

typedef struct frame {
	int el;
	size_t pos;                 /* in elements[el].children */
	int count;                  /* of children[pos] so far */
} frame;

/* A subtree canonicalised into SHA-256 as it streams past. */
typedef struct hashed_subtree {
	folio_c14n *c14n;
	folio_sha256_ctx *sha;
	int done;
	unsigned char *digest;      /* where the result goes */
} hashed_subtree;

/* The state of one streaming read of signatures0.xml. */
typedef struct sigread {
	verifier *v;
	frame stack[16];
	int depth;
	folio_buf text;             /* of the open C_TEXT element */
	hashed_subtree si, sp;      /* SignedInfo, SignedProperties */
	char sig_id[128], props_uri[256], target[256], sp_id[128];
	/* The Reference being read. */
	char ref_uri[3 * FOLIO_ZIP_MAX_NAME + 1];
	int ref_typed, ref_transforms;
	unsigned char ref_digest[FOLIO_SHA256_LEN];
	int have_props_ref;
	size_t n_refs;
} sigread;

static int bad(sigread *s, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int bad(sigread *s, unsigned line, const char *fmt, ...)
{
	char what[600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return verify_fail(s->v, SIGNATURE_ENTRY, "signature", "line %u: %s",
		line, what);
}

static int identify(const folio_xml_item *it)
{
	int i;

	for (i = E_ROOT; i < E_COUNT; i++)
		if (it->ns != NULL && strcmp(it->ns, elements[i].ns) == 0 &&
		    strcmp(it->name, elements[i].name) == 0)
			return i;
	return -1;
}

static int to_sha(void *ctx, const void *p, size_t n)
{
	folio_error ignored = {0};

	return folio_sha256_update(ctx, p, n, &ignored);
}

/* The child `el` is next in its parent's sequence? */
static int advance(sigread *s, frame *p, int el, const folio_xml_item *it)
{
	const step *g = elements[p->el].children;

	while (g[p->pos].el != 0) {
		if (g[p->pos].el == el) {
			if (p->count >= g[p->pos].max)
				return bad(s, it->line, "expected one %s in %s, "
					"found another", it->name,
					elements[p->el].name);
			p->count++;
			return 0;
		}
		if (p->count < g[p->pos].min)
			return bad(s, it->line, "expected %s in %s, found %s",
				elements[g[p->pos].el].name,
				elements[p->el].name, it->name);
		p->pos++;
		p->count = 0;
	}
	return bad(s, it->line, "expected the end of %s, found %s",
		elements[p->el].name, it->name);
}

static int copy_attr(char *out, size_t outsz, const char *value)
{
	size_t n = strlen(value);

	if (n >= outsz)
		return -1;
	memcpy(out, value, n + 1);
	return 0;
}

/* Only the attributes the element may carry; the first is required. */
static int attributes(sigread *s, int el, const folio_xml_item *it,
	const char **first, const char **second)
{
	const element *d = &elements[el];
	size_t i;

	*first = *second = NULL;
	for (i = 0; i < it->n_attrs; i++) {
		const folio_xml_attr *a = &it->attrs[i];
		if (a->is_ns_decl) {
			if (a->name[0] == '\0')
				return bad(s, it->line, "expected no default "
					"namespace, found one on %s", it->name);
			continue;
		}
		if (a->prefix == NULL && d->attrs[0] != NULL &&
		    strcmp(a->name, d->attrs[0]) == 0)
			*first = a->value;
		else if (a->prefix == NULL && d->attrs[1] != NULL &&
		    strcmp(a->name, d->attrs[1]) == 0)
			*second = a->value;
		else
			return bad(s, it->line, "expected no attribute %s on "
				"%s (nothing but what folio writes)", a->name,
				it->name);
	}
	if (d->attrs[0] != NULL && *first == NULL)
		return bad(s, it->line, "expected attribute %s on %s, found "
			"none", d->attrs[0], it->name);
	if (d->attrs[1] != NULL && !d->optional_second && *second == NULL)
		return bad(s, it->line, "expected attribute %s on %s, found "
			"none", d->attrs[1], it->name);
	return 0;
}

static int algorithm(sigread *s, int el, const char *alg,
	const folio_xml_item *it)
{
	verifier *v = s->v;

	switch (el) {
	case E_C14N:
	case E_TR:
		if (strcmp(alg, ALG_EXC_C14N) == 0)
			return 0;
		break;
	case E_SM:
		if (strcmp(alg, ALG_RSA_SHA256) == 0) {
			v->alg = FOLIO_KEY_RSA;
			return 0;
		}
		if (strcmp(alg, ALG_ECDSA_SHA256) == 0) {
			v->alg = FOLIO_KEY_EC;
			return 0;
		}
		break;
	case E_DM:
		if (strcmp(alg, ALG_SHA256) == 0)
			return 0;
		break;
	default:
		return 0;
	}
	return bad(s, it->line, "%s: expected %s, found algorithm %s",
		it->name, el == E_SM ? "rsa-sha256 or ecdsa-sha256" :
		el == E_DM ? "SHA-256" : "exclusive c14n", alg);
}

static int start(sigread *s, const folio_xml_item *it)
{
	frame *p = &s->stack[s->depth];
	const char *a1, *a2;
	int el = identify(it), rc;

	if (elements[p->el].content != C_ELEMENTS)
		return bad(s, it->line, "expected no element inside %s, "
			"found %s", elements[p->el].name, it->name);
	if (el < 0)
		return bad(s, it->line, "expected an element of the XAdES "
			"signature folio writes, found %s%s%s", it->prefix ?
			it->prefix : "", it->prefix ? ":" : "", it->name);
	if ((rc = advance(s, p, el, it)) < 0 ||
	    (rc = attributes(s, el, it, &a1, &a2)) < 0)
		return rc;
	if (s->depth + 1 >= (int)(sizeof(s->stack) / sizeof(s->stack[0])))
		return bad(s, it->line, "nested too deep");
	s->depth++;
	s->stack[s->depth].el = el;
	s->stack[s->depth].pos = 0;
	s->stack[s->depth].count = 0;
	folio_buf_reset(&s->text);
	switch (el) {
	case E_SIG:
		if (copy_attr(s->sig_id, sizeof(s->sig_id), a1) < 0)
			return bad(s, it->line, "Signature Id too long");
		break;
	case E_REF:
		if (copy_attr(s->ref_uri, sizeof(s->ref_uri), a1) < 0)
			return bad(s, it->line, "Reference URI too long");
		s->ref_typed = a2 != NULL;
		s->ref_transforms = 0;
		if (a2 != NULL && strcmp(a2, TYPE_SIGNED_PROPS) != 0)
			return bad(s, it->line, "unexpected Reference type %s",
				a2);
		break;
	case E_TRS:
		s->ref_transforms = 1;
		break;
	case E_QP:
		if (copy_attr(s->target, sizeof(s->target), a1) < 0)
			return bad(s, it->line, "Target too long");
		break;
	case E_SP:
		if (copy_attr(s->sp_id, sizeof(s->sp_id), a1) < 0)
			return bad(s, it->line, "SignedProperties Id too long");
		break;
	case E_C14N:
	case E_SM:
	case E_TR:
	case E_DM:
		return algorithm(s, el, a1, it);
	default:
		break;
	}
	return 0;
}

static int decode_b64(folio_buf *out, const folio_buf *text)
{
	folio_buf_reset(out);
	return folio_base64_decode(out, text->data ? text->data : "",
		text->len);
}

/* Parse 2020-04-27T00:00:00Z (the only form folio writes). */
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

/* A file Reference: the entry it names is covered, with this digest. */
static int file_reference(sigread *s, const folio_xml_item *it)
{
	verifier *v = s->v;
	char name[FOLIO_ZIP_MAX_NAME + 1];
	long k;

	if (s->ref_transforms)
		return bad(s, it->line, "%s: expected no transforms on a file "
			"reference", s->ref_uri);
	if (folio_uri_decode(name, sizeof(name), s->ref_uri) < 0 ||
	    strpbrk(s->ref_uri, ":#?") != NULL || s->ref_uri[0] == '/')
		return bad(s, it->line, "Reference URI %s: expected an entry "
			"name", s->ref_uri);
	/* Each reference is one entry at most: more references than
	 * entries can only be copies. */
	if (++s->n_refs > v->n)
		return bad(s, it->line, "more references than the archive has "
			"entries");
	k = verify_lookup(v, name);
	if (k < 0) {
		if (v->missing_refs++ == 0)
			snprintf(v->missing_ref, sizeof(v->missing_ref), "%s",
				name);
		return 0;
	}
	if (v->e[k].refs++ == 0)
		memcpy(v->e[k].sha256, s->ref_digest, FOLIO_SHA256_LEN);
	return 0;
}

static int end(sigread *s, const folio_xml_item *it)
{
	frame *f = &s->stack[s->depth];
	const step *g = elements[f->el].children;
	verifier *v = s->v;
	folio_buf bin = {0};
	int parent = s->stack[s->depth - 1].el, rc = 0;

	/* What the sequence still requires. */
	if (g != NULL)
		for (; g[f->pos].el != 0; f->pos++, f->count = 0)
			if (f->count < g[f->pos].min)
				return bad(s, it->line, "expected %s in %s, "
					"found none", elements[g[f->pos].el].name,
					elements[f->el].name);
	bin.limit = FOLIO_CRYPTO_MAX_PEM;
	switch (f->el) {
	case E_DV:
		if (decode_b64(&bin, &s->text) < 0 ||
		    bin.len != FOLIO_SHA256_LEN) {
			rc = bad(s, it->line, "DigestValue: expected a SHA-256 "
				"digest in base64");
			break;
		}
		memcpy(parent == E_CD ? v->cert_digest : s->ref_digest,
			bin.data, FOLIO_SHA256_LEN);
		break;
	case E_REF:
		if (!s->ref_typed) {
			rc = file_reference(s, it);
			break;
		}
		if (s->have_props_ref++ || s->ref_uri[0] != '#' ||
		    !s->ref_transforms)
			rc = bad(s, it->line, "expected one Reference to the "
				"SignedProperties, by #Id, with exclusive c14n");
		else {
			snprintf(s->props_uri, sizeof(s->props_uri), "%s",
				s->ref_uri + 1);
			memcpy(v->props_ref_digest, s->ref_digest,
				FOLIO_SHA256_LEN);
		}
		break;
	case E_SV:
		if (decode_b64(&bin, &s->text) < 0 || bin.len == 0 ||
		    bin.len > sizeof(v->sig_value)) {
			rc = bad(s, it->line, "SignatureValue: expected base64 "
				"of at most %zu bytes", sizeof(v->sig_value));
			break;
		}
		memcpy(v->sig_value, bin.data, bin.len);
		v->sig_len = bin.len;
		break;
	case E_X5C:
		if (decode_b64(&bin, &s->text) < 0) {
			rc = bad(s, it->line, "KeyInfo: the certificate is not "
				"base64");
			break;
		}
		if (folio_cert_from_der(&v->cert, bin.data, bin.len,
			SIGNATURE_ENTRY, v->err) < 0) {
			rc = verify_fail(v, SIGNATURE_ENTRY, "signature",
				"KeyInfo: %s", v->err->msg);
			break;
		}
		folio_cert_subject(v->rep->signer, sizeof(v->rep->signer),
			v->cert);
		break;
	case E_ST:
		if (s->text.data == NULL ||
		    parse_time(&v->signing_time, s->text.data) < 0)
			rc = bad(s, it->line, "SigningTime: expected "
				"YYYY-MM-DDTHH:MM:SSZ, found %s",
				s->text.data ? s->text.data : "nothing");
		else
			snprintf(v->rep->signing_time,
				sizeof(v->rep->signing_time), "%s",
				s->text.data);
		break;
	default:
		break;
	}
	folio_buf_free(&bin);
	s->depth--;
	return rc;
}

static int text(sigread *s, const folio_xml_item *it)
{
	const element *d = &elements[s->stack[s->depth].el];
	size_t i;

	if (d->content == C_TEXT) {
		if (s->text.len + it->text_len > d->max_text)
			return bad(s, it->line, "%s: expected at most %zu "
				"bytes of text", d->name, d->max_text);
		if (folio_buf_append(&s->text, it->text, it->text_len) < 0)
			return folio_error_set(s->v->err, FOLIO_ENOMEM,
				"out of memory");
		return 0;
	}
	for (i = 0; i < it->text_len; i++)
		if (strchr(" \t\r\n", it->text[i]) == NULL)
			return bad(s, it->line, "expected only elements in "
				"%s, found text", d->name);
	return 0;
}

static int subtree_begin(sigread *s, hashed_subtree *h)
{
	int rc;

	if (h->c14n != NULL || h->done)
		return 0;
	if ((rc = folio_sha256_begin(&h->sha, s->v->err)) < 0)
		return rc;
	return folio_c14n_new(&h->c14n, to_sha, h->sha, SIGNATURE_ENTRY,
		s->v->err);
}

static int subtree_feed(sigread *s, hashed_subtree *h,
	const folio_xml_item *it)
{
	int rc;

	if (h->c14n == NULL)
		return 0;
	if ((rc = folio_c14n_feed(h->c14n, it, s->v->err)) < 0)
		return rc == FOLIO_EINPUT ? verify_fail(s->v, SIGNATURE_ENTRY,
			"signature", "%s", s->v->err->msg) : rc;
	if (rc == 0)
		return 0;
	folio_c14n_free(h->c14n);
	h->c14n = NULL;
	h->done = 1;
	rc = folio_sha256_end(h->digest, h->sha, s->v->err);
	h->sha = NULL;
	return rc;
}

static void subtree_free(hashed_subtree *h)
{
	folio_c14n_free(h->c14n);
	folio_sha256_free(h->sha);
}

/* Feed the canonicaliser of the subtree being read, if any. */
static int canonical(sigread *s, const folio_xml_item *it)
{
	int rc;

	if (it->kind == FOLIO_XML_START && s->depth >= 1) {
		int el = s->stack[s->depth].el;
		if ((el == E_SI && (rc = subtree_begin(s, &s->si)) < 0) ||
		    (el == E_SP && (rc = subtree_begin(s, &s->sp)) < 0))
			return rc;
	}
	if ((rc = subtree_feed(s, &s->si, it)) < 0)
		return rc;
	return subtree_feed(s, &s->sp, it);
}

static int item(sigread *s, const folio_xml_item *it)
{
	int rc;

	switch (it->kind) {
	case FOLIO_XML_START:
		if ((rc = start(s, it)) < 0 ||
		    (rc = canonical(s, it)) < 0)
			return rc;
		if (it->empty)
			return end(s, it);
		return 0;
	case FOLIO_XML_END:
		if ((rc = canonical(s, it)) < 0)
			return rc;
		return end(s, it);
	case FOLIO_XML_TEXT:
		if ((rc = text(s, it)) < 0)
			return rc;
		return canonical(s, it);
	default:
		return bad(s, it->line, "expected no comment or processing "
			"instruction, found one");
	}
}

/* Folio's own signature of N entries takes about 250 bytes a
 * Reference; allow any honest writer's indentation several times over,
 * and refuse a padded file before a byte of it is parsed. */
static size_t signature_cap(const verifier *v)
{
	size_t cap = 64 * 1024 + MAX_CERT_TEXT, i;

	for (i = 0; i < v->n; i++)
		cap += 1024 + 3 * strlen(v->e[i].name);
	return cap < FOLIO_ARCHIVE_MAX_INDEX ? cap : FOLIO_ARCHIVE_MAX_INDEX;
}

/* 3. The signature's shape, streamed: references, certificate, signing
 * time, and the digests of SignedInfo and SignedProperties. */
int verify_read_signature(verifier *v)
{
	folio_xml_item it;
	sigread s;
	vxml x;
	long k = verify_lookup(v, SIGNATURE_ENTRY);
	int rc;

	if (k < 0)
		return verify_fail(v, SIGNATURE_ENTRY, "complete",
			"missing from the archive");
	memset(&s, 0, sizeof(s));
	s.v = v;
	s.si.digest = v->signed_info_digest;
	s.sp.digest = v->props_digest;
	s.text.limit = MAX_CERT_TEXT + 1;
	if ((rc = verify_xml_open(v, &x, (size_t)k, NULL,
		signature_cap(v))) < 0)
		return rc;
	while ((rc = verify_xml_next(v, &x, &it)) == 1)
		if ((rc = item(&s, &it)) < 0)
			break;
	verify_xml_close(&x);
	subtree_free(&s.si);
	subtree_free(&s.sp);
	folio_buf_free(&s.text);
	if (rc < 0)
		return rc;
	/* The shape guarantees every part was there; these tie them. */
	if (strcmp(s.props_uri, s.sp_id) != 0)
		return verify_fail(v, SIGNATURE_ENTRY, "signature", "the "
			"SignedProperties reference #%s does not point at "
			"xades:SignedProperties (Id %s)", s.props_uri, s.sp_id);
	if (s.target[0] != '#' || strcmp(s.target + 1, s.sig_id) != 0)
		return verify_fail(v, SIGNATURE_ENTRY, "signature",
			"QualifyingProperties Target %s does not point at the "
			"Signature (Id %s)", s.target, s.sig_id);
	return 0;
}

/* 4. The signature value over SignedInfo, with the KeyInfo certificate
 * that SigningCertificateV2 names; the signed properties' digest;
 * SigningTime inside the certificate's validity; with --trust, the
 * chain at signing time. */
int verify_signature_value(verifier *v, const folio_verify_options *opts)
{
	unsigned char d[FOLIO_SHA256_LEN];
	const unsigned char *der;
	int64_t nb, na;
	size_t len;
	int rc;

	der = folio_cert_der(v->cert, &len);
	if ((rc = folio_sha256(d, der, len, v->err)) < 0)
		return rc;
	if (memcmp(d, v->cert_digest, FOLIO_SHA256_LEN) != 0)
		return verify_fail(v, SIGNATURE_ENTRY, "certificate",
			"SigningCertificateV2 digest does not match the "
			"KeyInfo certificate");
	if ((rc = folio_cert_verify_digest(v->cert, v->alg,
		v->signed_info_digest, v->sig_value, v->sig_len, v->err)) < 0)
		return rc == FOLIO_EVERIFY ? verify_fail(v, SIGNATURE_ENTRY,
			"signature", "SignedInfo: %s", v->err->msg) : rc;
	if (memcmp(v->props_digest, v->props_ref_digest,
		FOLIO_SHA256_LEN) != 0)
		return verify_fail(v, SIGNATURE_ENTRY, "signature", "the "
			"signed properties do not match their reference's "
			"digest");
	if ((rc = folio_cert_validity(&nb, &na, v->cert, v->err)) < 0)
		return verify_fail(v, SIGNATURE_ENTRY, "certificate", "%s",
			v->err->msg);
	if (v->signing_time < nb || v->signing_time > na)
		return verify_fail(v, SIGNATURE_ENTRY, "certificate",
			"SigningTime %s lies outside the certificate's "
			"validity", v->rep->signing_time);
	if (opts && opts->trust_path) {
		if ((rc = folio_cert_verify_chain(v->cert, opts->trust_path,
			v->signing_time, v->err)) < 0)
			return rc == FOLIO_EVERIFY ? verify_fail(v,
				SIGNATURE_ENTRY, "trust", "%s", v->err->msg) :
				rc;
		v->rep->trusted = 1;
	}
	return 0;
}

/* 5. Every entry but mimetype and the signature itself signed once;
 * nothing signed that is not there. */
int verify_coverage(verifier *v)
{
	size_t i;

	for (i = 1; i < v->n; i++) {
		const ventry *e = &v->e[i];
		if (strcmp(e->name, SIGNATURE_ENTRY) == 0)
			continue;
		if (strncmp(e->name, "META-INF/", 9) == 0 &&
		    strcmp(e->name, MANIFEST_ENTRY) != 0)
			return verify_fail(v, e->name, "signed", "unexpected "
				"entry in META-INF/ (only manifest.xml and "
				"signatures0.xml belong there)");
		if (e->refs != 1)
			return verify_fail(v, e->name, "signed", e->refs ?
				"covered by more than one signature reference" :
				"not covered by the signature");
	}
	if (v->missing_refs > 0)
		return verify_fail(v, v->missing_ref, "complete", "signed but "
			"missing from the archive");
	return 0;
}

typedef struct hasher {
	folio_sha256_ctx *sha;
	folio_error *err;
} hasher;

static int hash_piece(void *ctx, const void *p, size_t n)
{
	hasher *h = ctx;

	return folio_sha256_update(h->sha, p, n, h->err);
}

/* 6. Each signed entry's content against its signed digest, streamed
 * (memory does not depend on entry sizes), in name order: the order of
 * the references folio writes. */
int verify_digests(verifier *v)
{
	unsigned char got[FOLIO_SHA256_LEN];
	size_t i;
	int rc;

	for (i = 0; i < v->n; i++) {
		ventry *e = &v->e[v->by_name[i]];
		hasher h = {NULL, v->err};
		if (e->refs != 1)
			continue;
		if ((rc = folio_sha256_begin(&h.sha, v->err)) < 0)
			return rc;
		rc = folio_zip_read_cb(v->zr, v->by_name[i],
			FOLIO_ARCHIVE_MAX_ENTRY, hash_piece, &h, v->err);
		if (rc == 0)
			rc = folio_sha256_end(got, h.sha, v->err);
		else
			folio_sha256_free(h.sha);
		if (rc < 0)
			return verify_entry_failed(v, e->name, rc,
				FOLIO_ARCHIVE_MAX_ENTRY);
		if (memcmp(got, e->sha256, FOLIO_SHA256_LEN) != 0)
			return verify_fail(v, e->name, "digest", "content does "
				"not match its signed SHA-256 digest");
		e->hashed = 1;
	}
	return 0;
}
