/* signature.c - the streamed XAdES signature (see signature.h).
 *
 * Each piece of markup goes through one emitter that hands it both to
 * the XML writer and, inside SignedInfo or SignedProperties, to the
 * canonicaliser as the items the streaming reader would have produced
 * from the written bytes; so what is hashed is what is written, white
 * space included (the indentation is written as text by the emitter,
 * not by libxml2's indenter, for that reason). SignedProperties comes
 * after SignedInfo in the document but its digest is inside SignedInfo:
 * it is emitted twice, first to the canonicaliser alone. */
#include "archive/signature.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "archive/asic.h"
#include "archive/c14n.h"
#include "archive/uri.h"
#include "util/buf.h"
#include "util/xml_writer.h"
#include "util/zip.h"

#define SIG_ID "S0"
#define MAX_LEVELS 12
#define MAX_ATTRS 4
#define URI_MAX (3 * FOLIO_ZIP_MAX_NAME + 1)
/* xmlsec wrote base64 in lines of 64 characters; so do we. */
#define B64_LINE 64

typedef struct level {
	const char *prefix, *name;
	int had_child;
} level;

typedef struct emitter {
	folio_xmlw *w;              /* NULL: canonicalise only */
	folio_c14n *c14n;           /* the apex's, while it is open */
	int depth;
	level stack[MAX_LEVELS];
	/* The current start tag, given to c14n at the next event (its
	 * attributes are known only then, and whether it is empty). */
	folio_xml_item pending;
	int has_pending;
	char values[MAX_ATTRS][URI_MAX];
	int rc;
	folio_error *err;
} emitter;

static const char *ns_of(const char *prefix)
{
	return strcmp(prefix, "ds") == 0 ? NS_DS :
		strcmp(prefix, "xades") == 0 ? NS_XADES : NS_ASIC;
}

static void feed(emitter *e, const folio_xml_item *it)
{
	int r;

	if (e->c14n == NULL || e->rc != 0)
		return;
	r = folio_c14n_feed(e->c14n, it, e->err);
	if (r < 0)
		e->rc = r;
	else if (r == 1)
		e->c14n = NULL;     /* the apex ended */
}

static void flush_pending(emitter *e)
{
	if (e->has_pending)
		feed(e, &e->pending);
	e->has_pending = 0;
}

static void text(emitter *e, const char *s)
{
	folio_xml_item it;

	flush_pending(e);
	if (e->w != NULL)
		folio_xmlw_text(e->w, s);
	memset(&it, 0, sizeof(it));
	it.kind = FOLIO_XML_TEXT;
	it.depth = e->depth + 1;
	it.text = s;
	it.text_len = strlen(s);
	feed(e, &it);
}

/* A new line and one space per level, as xmlsec's template had. */
static void indent(emitter *e, int spaces)
{
	char ws[MAX_LEVELS + 2];

	ws[0] = '\n';
	memset(ws + 1, ' ', (size_t)spaces);
	ws[spaces + 1] = '\0';
	text(e, ws);
}

/* Open prefix:name; with apex, canonicalise it and its content. */
static void open_el(emitter *e, const char *prefix, const char *name,
	folio_c14n *apex)
{
	if (e->rc == 0 && e->depth >= MAX_LEVELS)
		e->rc = folio_error_set(e->err, FOLIO_ELIB,
			"signature nested too deep");
	if (e->rc != 0)
		return;
	if (e->depth > 0) {
		flush_pending(e);
		e->stack[e->depth - 1].had_child = 1;
		indent(e, e->depth);
	}
	if (apex != NULL)
		e->c14n = apex;
	if (e->w != NULL)
		folio_xmlw_start_ns(e->w, prefix, name,
			e->depth == 0 ? ns_of(prefix) : NULL);
	e->stack[e->depth].prefix = prefix;
	e->stack[e->depth].name = name;
	e->stack[e->depth].had_child = 0;
	e->depth++;
	memset(&e->pending, 0, sizeof(e->pending));
	e->pending.kind = FOLIO_XML_START;
	e->pending.depth = e->depth;
	e->pending.prefix = prefix;
	e->pending.name = name;
	e->pending.ns = ns_of(prefix);
	e->has_pending = 1;
}

static void attr(emitter *e, const char *name, const char *value)
{
	folio_xml_attr *a;
	size_t k = e->pending.n_attrs;

	if (e->rc != 0)
		return;
	if (!e->has_pending || k >= MAX_ATTRS ||
	    strlen(value) >= sizeof(e->values[0])) {
		e->rc = folio_error_set(e->err, FOLIO_ELIB,
			"signature attribute %s out of place", name);
		return;
	}
	if (e->w != NULL)
		folio_xmlw_attr(e->w, name, value);
	snprintf(e->values[k], sizeof(e->values[k]), "%s", value);
	a = &e->pending.attrs[k];
	memset(a, 0, sizeof(*a));
	a->name = name;
	a->value = e->values[k];
	e->pending.n_attrs++;
}

static void close_el(emitter *e)
{
	const level *lv;
	folio_xml_item it;

	if (e->rc != 0 || e->depth == 0)
		return;
	lv = &e->stack[e->depth - 1];
	if (e->has_pending) {
		/* Nothing inside: written <x/>, canonically <x></x>. */
		e->pending.empty = 1;
		flush_pending(e);
	} else {
		if (lv->had_child)
			indent(e, e->depth - 1);
		memset(&it, 0, sizeof(it));
		it.kind = FOLIO_XML_END;
		it.depth = e->depth;
		it.prefix = lv->prefix;
		it.name = lv->name;
		it.ns = ns_of(lv->prefix);
		feed(e, &it);
	}
	if (e->w != NULL)
		folio_xmlw_end(e->w);
	e->depth--;
}

static void leaf(emitter *e, const char *prefix, const char *name,
	const char *attr_name, const char *attr_value, const char *content)
{
	open_el(e, prefix, name, NULL);
	if (attr_name != NULL)
		attr(e, attr_name, attr_value);
	if (content != NULL)
		text(e, content);
	close_el(e);
}

static int status(const emitter *e)
{
	if (e->rc != 0)
		return e->rc;
	return e->w != NULL ? folio_xmlw_status(e->w) : 0;
}

/* A canonicalised element and the SHA-256 of its canonical form. */
typedef struct apex {
	folio_sha256_ctx *sha;
	folio_c14n *c14n;
	folio_error *err;
} apex;

static int to_sha(void *ctx, const void *p, size_t n)
{
	apex *a = ctx;

	return folio_sha256_update(a->sha, p, n, a->err);
}

static int apex_begin(apex *a, const char *name, folio_error *err)
{
	int rc;

	memset(a, 0, sizeof(*a));
	a->err = err;
	if ((rc = folio_sha256_begin(&a->sha, err)) < 0)
		return rc;
	return folio_c14n_new(&a->c14n, to_sha, a, name, err);
}

static int apex_end(unsigned char out[FOLIO_SHA256_LEN], apex *a,
	const emitter *e, folio_error *err)
{
	int rc;

	/* The canonicaliser lets go of the emitter when its apex ends. */
	if (e->c14n != NULL)
		return folio_error_set(err, FOLIO_ELIB,
			"signature: a canonicalised element was left open");
	rc = folio_sha256_end(out, a->sha, err);

	a->sha = NULL;
	return rc;
}

static void apex_free(apex *a)
{
	folio_c14n_free(a->c14n);
	folio_sha256_free(a->sha);
	memset(a, 0, sizeof(*a));
}

/* base64 broken into lines of B64_LINE; with `last_newline` the last
 * line ends with one too (xmlsec's certificate), else not (its value). */
static int b64_lines(folio_buf *out, const void *data, size_t len,
	int last_newline)
{
	folio_buf flat = {0};
	size_t i;
	int rc = -1;

	if (folio_base64_append(&flat, data, len) < 0)
		goto done;
	for (i = 0; i < flat.len; i += B64_LINE) {
		size_t k = flat.len - i < B64_LINE ? flat.len - i : B64_LINE;
		if (folio_buf_append(out, flat.data + i, k) < 0 ||
		    ((i + k < flat.len || last_newline) &&
		     folio_buf_append(out, "\n", 1) < 0))
			goto done;
	}
	if (out->data == NULL && folio_buf_append(out, "", 0) < 0)
		goto done;
	rc = 0;
done:
	folio_buf_free(&flat);
	return rc;
}

static void signed_properties(emitter *e, folio_c14n *apex_c14n,
	const char *when, const char *cert_digest)
{
	open_el(e, "xades", "SignedProperties", apex_c14n);
	attr(e, "Id", SIG_ID "-SignedProperties");
	open_el(e, "xades", "SignedSignatureProperties", NULL);
	leaf(e, "xades", "SigningTime", NULL, NULL, when);
	open_el(e, "xades", "SigningCertificateV2", NULL);
	open_el(e, "xades", "Cert", NULL);
	open_el(e, "xades", "CertDigest", NULL);
	leaf(e, "ds", "DigestMethod", "Algorithm", ALG_SHA256, NULL);
	leaf(e, "ds", "DigestValue", NULL, NULL, cert_digest);
	close_el(e);
	close_el(e);
	close_el(e);
	close_el(e);
	close_el(e);
}

/* The digest of SignedProperties, from a pass that writes nothing. The
 * element sits at depth 5 of the document, which its indentation
 * shows. */
static int signed_properties_digest(unsigned char out[FOLIO_SHA256_LEN],
	const char *when, const char *cert_digest, folio_error *err)
{
	emitter e;
	apex a;
	int rc;

	memset(&e, 0, sizeof(e));
	e.err = err;
	e.depth = 4;
	if ((rc = apex_begin(&a, SIGNATURE_ENTRY, err)) < 0)
		goto done;
	signed_properties(&e, a.c14n, when, cert_digest);
	if ((rc = status(&e)) == 0)
		rc = apex_end(out, &a, &e, err);
done:
	apex_free(&a);
	return rc;
}

static void signed_info(emitter *e, const folio_signature_input *in,
	folio_c14n *apex_c14n, const char *props_digest)
{
	char uri[URI_MAX];
	folio_buf b64 = {0};
	size_t i;

	open_el(e, "ds", "SignedInfo", apex_c14n);
	leaf(e, "ds", "CanonicalizationMethod", "Algorithm", ALG_EXC_C14N,
		NULL);
	leaf(e, "ds", "SignatureMethod", "Algorithm",
		in->kind == FOLIO_KEY_EC ? ALG_ECDSA_SHA256 : ALG_RSA_SHA256,
		NULL);
	for (i = 0; i < in->n && status(e) == 0; i++) {
		const unsigned char *sha = NULL;
		const char *name = in->file(in->ctx, i, &sha);
		if (folio_uri_encode(uri, sizeof(uri), name) < 0) {
			e->rc = folio_error_set(e->err, FOLIO_ELIMIT,
				"entry name too long for a URI: %.200s", name);
			break;
		}
		folio_buf_reset(&b64);
		if (folio_base64_append(&b64, sha, FOLIO_SHA256_LEN) < 0) {
			e->rc = folio_error_set(e->err, FOLIO_ENOMEM,
				"out of memory");
			break;
		}
		open_el(e, "ds", "Reference", NULL);
		attr(e, "URI", uri);
		leaf(e, "ds", "DigestMethod", "Algorithm", ALG_SHA256, NULL);
		leaf(e, "ds", "DigestValue", NULL, NULL, b64.data);
		close_el(e);
	}
	folio_buf_free(&b64);
	open_el(e, "ds", "Reference", NULL);
	attr(e, "Type", TYPE_SIGNED_PROPS);
	attr(e, "URI", "#" SIG_ID "-SignedProperties");
	open_el(e, "ds", "Transforms", NULL);
	leaf(e, "ds", "Transform", "Algorithm", ALG_EXC_C14N, NULL);
	close_el(e);
	leaf(e, "ds", "DigestMethod", "Algorithm", ALG_SHA256, NULL);
	leaf(e, "ds", "DigestValue", NULL, NULL, props_digest);
	close_el(e);
	close_el(e); /* SignedInfo */
}

int folio_signature_write(uint64_t *out_len, FILE *fp,
	const folio_signature_input *in, folio_error *err)
{
	unsigned char digest[FOLIO_SHA256_LEN];
	char when[32];
	folio_buf cert_digest = {0}, props_digest = {0}, value = {0};
	folio_buf value_text = {0}, cert_text = {0};
	const unsigned char *der;
	size_t der_len;
	time_t tt = (time_t)in->time;
	struct tm tm;
	emitter e;
	apex si;
	int rc;

	*out_len = 0;
	memset(&e, 0, sizeof(e));
	memset(&si, 0, sizeof(si));
	e.err = err;
	gmtime_r(&tt, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	der = folio_cert_der(in->cert, &der_len);
	if ((rc = folio_sha256(digest, der, der_len, err)) < 0)
		goto done;
	if (folio_base64_append(&cert_digest, digest, sizeof(digest)) < 0 ||
	    b64_lines(&cert_text, der, der_len, 1) < 0)
		goto nomem;
	if ((rc = signed_properties_digest(digest, when, cert_digest.data,
		err)) < 0)
		goto done;
	if (folio_base64_append(&props_digest, digest, sizeof(digest)) < 0)
		goto nomem;
	if ((rc = apex_begin(&si, SIGNATURE_ENTRY, err)) < 0 ||
	    (rc = folio_xmlw_new_file(&e.w, fp, SIGNATURE_ENTRY, NULL, err))
		< 0)
		goto done;
	open_el(&e, "asic", "XAdESSignatures", NULL);
	if (e.w != NULL) {
		folio_xmlw_attr_ns(e.w, "xmlns", "ds", NULL, NS_DS);
		folio_xmlw_attr_ns(e.w, "xmlns", "xades", NULL, NS_XADES);
	}
	open_el(&e, "ds", "Signature", NULL);
	attr(&e, "Id", SIG_ID);
	signed_info(&e, in, si.c14n, props_digest.data);
	if ((rc = status(&e)) < 0 || (rc = apex_end(digest, &si, &e, err)) < 0 ||
	    (rc = folio_key_sign_digest(&value, in->key_path, in->kind,
		digest, err)) < 0)
		goto done;
	if (b64_lines(&value_text, value.data, value.len, 0) < 0)
		goto nomem;
	leaf(&e, "ds", "SignatureValue", "Id", SIG_ID "-SignatureValue",
		value_text.data);
	open_el(&e, "ds", "KeyInfo", NULL);
	open_el(&e, "ds", "X509Data", NULL);
	leaf(&e, "ds", "X509Certificate", NULL, NULL, cert_text.data);
	close_el(&e);
	close_el(&e);
	open_el(&e, "ds", "Object", NULL);
	open_el(&e, "xades", "QualifyingProperties", NULL);
	attr(&e, "Target", "#" SIG_ID);
	signed_properties(&e, NULL, when, cert_digest.data);
	close_el(&e);
	close_el(&e);
	close_el(&e); /* Signature */
	close_el(&e); /* XAdESSignatures */
	if ((rc = status(&e)) < 0 || (rc = folio_xmlw_close(e.w)) < 0)
		goto done;
	*out_len = folio_xmlw_bytes(e.w);
	goto done;
nomem:
	rc = folio_error_set(err, FOLIO_ENOMEM, "out of memory");
done:
	folio_xmlw_free(e.w);
	apex_free(&si);
	folio_buf_free(&cert_digest);
	folio_buf_free(&props_digest);
	folio_buf_free(&value);
	folio_buf_free(&value_text);
	folio_buf_free(&cert_text);
	return rc;
}
