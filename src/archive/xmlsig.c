#include "archive/xmlsig.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <libxml/tree.h>
#include <libxml/xmlIO.h>
#include <xmlsec/xmlsec.h>
#include <xmlsec/crypto.h>
#include <xmlsec/errors.h>
#include <xmlsec/io.h>
#include <xmlsec/keys.h>
#include <xmlsec/keysmngr.h>
#include <xmlsec/list.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/xmltree.h>

#define MAX_NAME 2048

static pthread_once_t once = PTHREAD_ONCE_INIT;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int init_failed;
/* The archive the current (locked) call may read; NULL between calls, so
 * xmlsec reading anything outside a call finds nothing. */
static const folio_sig_io *current_io;
/* The context of the current call and how many of its references have
 * been released (see release_done_references). */
static xmlSecDSigCtxPtr current_ctx;
static xmlSecSize released;
static char last_message[512];

static void on_xmlsec_error(const char *file, int line, const char *func,
	const char *object, const char *subject, int reason, const char *msg)
{
	(void)file;
	(void)line;
	(void)func;
	(void)object;
	(void)reason;
	/* Keep the first message of a call: later ones are consequences. */
	if (last_message[0] == '\0')
		snprintf(last_message, sizeof(last_message), "%s%s%s",
			subject ? subject : "", subject && msg ? ": " : "",
			msg ? msg : "");
}

static int is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
		(c >= 'A' && c <= 'F');
}

static int hex_val(char c)
{
	return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}

int folio_uri_decode(char *out, size_t outsz, const char *uri)
{
	size_t o = 0;
	const char *p;

	for (p = uri; *p; p++) {
		char c = *p;
		if (c == '%') {
			if (!is_hex(p[1]) || !is_hex(p[2]))
				return -1;
			c = (char)(hex_val(p[1]) * 16 + hex_val(p[2]));
			if (c == '\0')
				return -1;
			p += 2;
		}
		if (o + 1 >= outsz)
			return -1;
		out[o++] = c;
	}
	out[o] = '\0';
	return 0;
}

int folio_uri_encode(char *out, size_t outsz, const char *name)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;
	size_t o = 0;

	for (p = (const unsigned char *)name; *p; p++) {
		int keep = (*p >= 'A' && *p <= 'Z') ||
			(*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
			*p == '-' || *p == '.' || *p == '_' || *p == '~' ||
			*p == '/';
		if (o + (keep ? 1 : 3) >= outsz)
			return -1;
		if (keep) {
			out[o++] = (char)*p;
		} else {
			out[o++] = '%';
			out[o++] = hex[*p >> 4];
			out[o++] = hex[*p & 15];
		}
	}
	out[o] = '\0';
	return 0;
}

/* xmlsec hands us the URI as written (or, on a second try, unescaped):
 * only plain relative names are ours; anything with a scheme, a query,
 * a fragment or an absolute path never matches, so it cannot be read. */
static int io_match(const char *uri)
{
	char name[MAX_NAME];
	void *h;

	if (current_io == NULL || uri == NULL || uri[0] == '/' ||
	    strchr(uri, ':') != NULL || strchr(uri, '?') != NULL ||
	    strchr(uri, '#') != NULL)
		return 0;
	if (folio_uri_decode(name, sizeof(name), uri) < 0)
		return 0;
	h = current_io->open(current_io->ctx, name);
	if (h == NULL)
		return 0;
	current_io->close(h);
	return 1;
}

static void *io_open(const char *uri)
{
	char name[MAX_NAME];

	if (!io_match(uri) || folio_uri_decode(name, sizeof(name), uri) < 0)
		return NULL;
	return current_io->open(current_io->ctx, name);
}

static int io_read(void *h, char *buf, int len)
{
	return current_io ? current_io->read(h, buf, len) : -1;
}

static int io_close(void *h)
{
	if (current_io)
		current_io->close(h);
	return 0;
}

static void init_once(void)
{
	if (xmlSecInit() < 0 || xmlSecCheckVersion() != 1 ||
	    xmlSecCryptoAppInit(NULL) < 0 || xmlSecCryptoInit() < 0) {
		init_failed = 1;
		return;
	}
	xmlSecErrorsSetCallback(on_xmlsec_error);
	/* Drop libxml2's file and http readers that xmlsec registered. */
	xmlSecIOCleanupCallbacks();
	if (xmlSecIORegisterCallbacks(io_match, io_open, io_read, io_close)
		< 0)
		init_failed = 1;
}

static int begin(const folio_sig_io *io, folio_error *err)
{
	pthread_once(&once, init_once);
	if (init_failed)
		return folio_error_set(err, FOLIO_ELIB,
			"xmlsec could not be initialised");
	pthread_mutex_lock(&lock);
	current_io = io;
	last_message[0] = '\0';
	return 0;
}

static void end(void)
{
	current_io = NULL;
	current_ctx = NULL;
	pthread_mutex_unlock(&lock);
}

/* xmlsec keeps every reference's context, transform chain and buffers
 * included, until the whole signature is done: about 1 KB per reference
 * even with the chain reset, so 140 MB for an archive of 70,000 records.
 * Before each reference runs, destroy the contexts of the references
 * already finished and verified (their digest is already in, or compared
 * with, the document; xmlsec stops at the first reference that fails, so
 * a failed one is never released and stays there to be named). The list
 * keeps a NULL in their place, which xmlsec's list code skips. */
static int release_done_references(xmlSecTransformCtxPtr running)
{
	xmlSecSize n;

	if (current_ctx == NULL)
		return 0;
	n = xmlSecPtrListGetSize(&current_ctx->signedInfoReferences);
	for (; released < n; released++) {
		xmlSecDSigReferenceCtxPtr ref = xmlSecPtrListGetItem(
			&current_ctx->signedInfoReferences, released);
		if (ref == NULL)
			continue;
		if (&ref->transformCtx == running ||
		    ref->status != xmlSecDSigStatusSucceeded)
			break;
		if (xmlSecPtrListSet(&current_ctx->signedInfoReferences,
			NULL, released) < 0)
			return -1;
	}
	return 0;
}

/* Allowed algorithms; anything else in the signature is refused by
 * xmlsec before it runs. */
static int restrict_ctx(xmlSecDSigCtxPtr ctx)
{
	if (xmlSecDSigCtxEnableReferenceTransform(ctx,
		xmlSecTransformExclC14NId) < 0 ||
	    xmlSecDSigCtxEnableReferenceTransform(ctx,
		xmlSecTransformSha256Id) < 0 ||
	    xmlSecDSigCtxEnableSignatureTransform(ctx,
		xmlSecTransformExclC14NId) < 0 ||
	    xmlSecDSigCtxEnableSignatureTransform(ctx,
		xmlSecTransformRsaSha256Id) < 0 ||
	    xmlSecDSigCtxEnableSignatureTransform(ctx,
		xmlSecTransformEcdsaSha256Id) < 0 ||
	    xmlSecPtrListAdd(&ctx->keyInfoReadCtx.enabledKeyData,
		(xmlSecPtr)(uintptr_t)xmlSecKeyDataX509Id) < 0 ||
	    xmlSecPtrListAdd(&ctx->keyInfoReadCtx.enabledKeyData,
		(xmlSecPtr)(uintptr_t)xmlSecKeyDataRsaId) < 0 ||
	    xmlSecPtrListAdd(&ctx->keyInfoReadCtx.enabledKeyData,
		(xmlSecPtr)(uintptr_t)xmlSecKeyDataEcdsaId) < 0)
		return -1;
	/* xmlsec calls any URI without "file://" or "#" remote, relative
	 * entry names included; our IO callbacks are the only reader left
	 * and refuse anything with a scheme. */
	ctx->enabledReferenceUris = xmlSecTransformUriTypeRemote |
		xmlSecTransformUriTypeSameDocument;
	ctx->referencePreExecuteCallback = release_done_references;
	current_ctx = ctx;
	released = 0;
	return 0;
}

static xmlNodePtr signature_node(xmlDocPtr doc)
{
	xmlNodePtr root = xmlDocGetRootElement(doc);
	static const xmlChar *ids[] = {BAD_CAST "Id", NULL};

	if (root == NULL)
		return NULL;
	/* Id attributes are not IDs without a DTD: register them so the
	 * "#...-SignedProperties" reference resolves. */
	xmlSecAddIDs(doc, root, ids);
	return xmlSecFindNode(root, xmlSecNodeSignature, xmlSecDSigNs);
}

static const char *said(void)
{
	return last_message[0] ? last_message : "no detail";
}

int folio_xmlsig_sign(void *vdoc, const char *key_path,
	const char *cert_path, const folio_sig_io *io, folio_error *err)
{
	xmlDocPtr doc = vdoc;
	xmlSecDSigCtxPtr ctx = NULL;
	xmlSecKeyPtr key = NULL;
	xmlNodePtr node;
	int rc;

	if ((rc = begin(io, err)) < 0)
		return rc;
	node = signature_node(doc);
	if (node == NULL) {
		rc = folio_error_set(err, FOLIO_ELIB,
			"signature template has no ds:Signature");
		goto done;
	}
	key = xmlSecCryptoAppKeyLoad(key_path, xmlSecKeyDataFormatPem, NULL,
		NULL, NULL);
	if (key == NULL) {
		rc = folio_error_set(err, FOLIO_EINPUT,
			"%s: xmlsec cannot load the private key: %s", key_path,
			said());
		goto done;
	}
	if (xmlSecCryptoAppKeyCertLoad(key, cert_path, xmlSecKeyDataFormatPem)
		< 0) {
		rc = folio_error_set(err, FOLIO_EINPUT,
			"%s: xmlsec cannot load the certificate: %s",
			cert_path, said());
		goto done;
	}
	ctx = xmlSecDSigCtxCreate(NULL);
	if (ctx == NULL || restrict_ctx(ctx) < 0) {
		rc = folio_error_set(err, FOLIO_ELIB,
			"xmlsec: cannot create a signature context: %s",
			said());
		goto done;
	}
	ctx->signKey = key;
	key = NULL;
	if (xmlSecDSigCtxSign(ctx, node) < 0 ||
	    ctx->status != xmlSecDSigStatusSucceeded) {
		rc = folio_error_set(err, FOLIO_ELIB,
			"xmlsec: signing failed: %s", said());
		goto done;
	}
done:
	if (key != NULL)
		xmlSecKeyDestroy(key);
	if (ctx != NULL)
		xmlSecDSigCtxDestroy(ctx);
	end();
	return rc;
}
