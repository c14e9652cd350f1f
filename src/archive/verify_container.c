/* verify_container.c - the ASiC-E container: mimetype first, entry
 * names safe and unique however a file system compares them, and
 * META-INF/manifest.xml listing every file once (see verify_impl.h). */
#include "archive/verify_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive/asic.h"
#include "archive/record.h"
#include "util/unicode.h"
#include "util/utf8.h"

/* 1. The first entry (the container reading already made its local
 * header equal to its central record, with no extra field). */
int verify_mimetype(verifier *v)
{
	folio_zip_entry ze;
	folio_buf b = {0};
	size_t mlen = strlen(FOLIO_ASIC_MIMETYPE);
	int rc;

	if (v->n == 0 || strcmp(v->e[0].name, "mimetype") != 0)
		return verify_fail(v, "mimetype", "mimetype", "expected "
			"mimetype first in the archive, found %s",
			v->n ? v->e[0].name : "nothing");
	if ((rc = folio_zip_stat(&ze, v->zr, 0, v->err)) < 0)
		return rc;
	if (!ze.stored)
		return verify_fail(v, "mimetype", "mimetype", "expected it "
			"stored, found it compressed (method %u)", ze.method);
	if ((rc = verify_read_entry(v, &b, 0, 256)) < 0)
		return rc;
	if (b.len != mlen || memcmp(b.data, FOLIO_ASIC_MIMETYPE, mlen) != 0)
		rc = verify_fail(v, "mimetype", "mimetype", "expected %s, "
			"found other content", FOLIO_ASIC_MIMETYPE);
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

/* 64-bit FNV-1a: names are compared through a hash of their folded
 * form, so no folded copy of every name is held. */
static uint64_t fnv1a(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325u;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3u;
	}
	return h;
}

static int by_fold_key(const void *a, const void *b, void *ctx)
{
	const ventry *e = ctx;
	uint64_t x = e[*(const uint32_t *)a].fold_key;
	uint64_t y = e[*(const uint32_t *)b].fold_key;

	if (x != y)
		return x < y ? -1 : 1;
	return *(const uint32_t *)a < *(const uint32_t *)b ? -1 :
		*(const uint32_t *)a > *(const uint32_t *)b;
}

static int fold(verifier *v, folio_buf *out, const char *name)
{
	folio_buf_reset(out);
	return folio_fold_append(out, name, strlen(name), v->err);
}

/* Two entries whose folded forms collide: one file on a file system
 * that normalises or ignores case. The later one in the archive is
 * named (the copy). */
static int twins(verifier *v, uint32_t a, uint32_t c, folio_buf *fa,
	folio_buf *fc)
{
	folio_buf nfc_a = {0}, nfc_c = {0};
	int rc, same_nfc;

	if ((rc = fold(v, fa, v->e[a].name)) < 0 ||
	    (rc = fold(v, fc, v->e[c].name)) < 0)
		return rc;
	if (fa->len != fc->len || memcmp(fa->data, fc->data, fa->len) != 0)
		return 0;  /* a hash collision, not twins */
	if (strcmp(v->e[a].name, v->e[c].name) == 0)
		return verify_fail(v, v->e[c].name, "path",
			"duplicate entry name");
	if ((rc = folio_nfc_append(&nfc_a, v->e[a].name,
		strlen(v->e[a].name), v->err)) < 0 ||
	    (rc = folio_nfc_append(&nfc_c, v->e[c].name,
		strlen(v->e[c].name), v->err)) < 0) {
		folio_buf_free(&nfc_a);
		folio_buf_free(&nfc_c);
		return rc;
	}
	same_nfc = nfc_a.len == nfc_c.len &&
		memcmp(nfc_a.data, nfc_c.data, nfc_a.len) == 0;
	folio_buf_free(&nfc_a);
	folio_buf_free(&nfc_c);
	return verify_fail(v, v->e[c].name, "path", "duplicate of %s %s",
		v->e[a].name, same_nfc ? "after NFC normalisation" :
		"ignoring case (one file on Windows and macOS)");
}

/* 2. Safe names, unique also after NFC normalisation and case folding
 * (both spellings would land in one file when extracted there). */
int verify_names(verifier *v)
{
	folio_buf b = {0}, b2 = {0};
	uint32_t *order = NULL;
	const char *why;
	size_t i;
	int rc = 0;

	for (i = 0; i < v->n; i++) {
		if ((why = unsafe_reason(v->e[i].name)) != NULL) {
			rc = verify_fail(v, v->e[i].name, "path", "unsafe "
				"path: expected a relative name, found %s",
				why);
			goto done;
		}
		if ((rc = fold(v, &b, v->e[i].name)) < 0)
			goto done;
		v->e[i].fold_key = fnv1a(b.data ? b.data : "", b.len);
	}
	order = malloc((v->n ? v->n : 1) * sizeof(*order));
	if (order == NULL) {
		rc = folio_error_set(v->err, FOLIO_ENOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < v->n; i++)
		order[i] = (uint32_t)i;
	qsort_r(order, v->n, sizeof(*order), by_fold_key, v->e);
	/* Equal keys sit together, in archive order: compare each with
	 * the earlier ones of its run. */
	for (i = 1; i < v->n && rc == 0; i++) {
		size_t j;
		for (j = i; j-- > 0 && v->e[order[j]].fold_key ==
			v->e[order[i]].fold_key && rc == 0;)
			rc = twins(v, order[j], order[i], &b, &b2);
	}
done:
	free(order);
	folio_buf_free(&b);
	folio_buf_free(&b2);
	return rc;
}

/* 7. META-INF/manifest.xml (signed, its digest already checked): "/"
 * with the ASiC media type, then every file of the archive but mimetype
 * and META-INF/ exactly once, with the media type folio records. */
int verify_manifest_listing(verifier *v)
{
	folio_xml_item it;
	vxml x;
	long m = verify_lookup(v, MANIFEST_ENTRY);
	int rc, root_seen = 0;
	size_t i;

	if (m < 0)
		return verify_fail(v, MANIFEST_ENTRY, "complete",
			"missing from the archive");
	if ((rc = verify_xml_open(v, &x, (size_t)m, NULL,
		FOLIO_ARCHIVE_MAX_INDEX)) < 0)
		return rc;
	while ((rc = verify_xml_next(v, &x, &it)) == 1) {
		const char *path = NULL, *type = NULL;
		long k;
		if (it.kind == FOLIO_XML_TEXT || it.kind == FOLIO_XML_END)
			continue;
		if (it.kind != FOLIO_XML_START || it.ns == NULL ||
		    strcmp(it.ns, NS_ODF) != 0 || it.depth > 2 ||
		    strcmp(it.name, it.depth == 1 ? "manifest" :
			"file-entry") != 0) {
			rc = verify_fail(v, MANIFEST_ENTRY, "manifest",
				"line %u: expected manifest:%s, found %s",
				it.line, it.depth == 1 ? "manifest" :
				"file-entry", it.name ? it.name : "other content");
			break;
		}
		if (it.depth == 1)
			continue;
		for (i = 0; i < it.n_attrs; i++) {
			const folio_xml_attr *a = &it.attrs[i];
			if (a->ns == NULL || strcmp(a->ns, NS_ODF) != 0)
				continue;
			if (strcmp(a->name, "full-path") == 0)
				path = a->value;
			else if (strcmp(a->name, "media-type") == 0)
				type = a->value;
		}
		if (path == NULL || type == NULL) {
			rc = verify_fail(v, MANIFEST_ENTRY, "manifest", "line "
				"%u: expected full-path and media-type",
				it.line);
			break;
		}
		if (strcmp(path, "/") == 0) {
			if (root_seen++ || strcmp(type, FOLIO_ASIC_MIMETYPE)) {
				rc = verify_fail(v, MANIFEST_ENTRY, "manifest",
					"line %u: expected \"/\" once, with "
					"media type %s", it.line,
					FOLIO_ASIC_MIMETYPE);
				break;
			}
			continue;
		}
		k = verify_lookup(v, path);
		if (k <= 0 || strncmp(path, "META-INF/", 9) == 0) {
			rc = verify_fail(v, path, "complete", "listed in "
				MANIFEST_ENTRY " but %s", k < 0 ?
				"missing from the archive" :
				"not a file it may list");
			break;
		}
		if (strcmp(type, folio_media_type(path)) != 0) {
			rc = verify_fail(v, MANIFEST_ENTRY, "manifest", "%s: "
				"expected media type %s, found %s", path,
				folio_media_type(path), type);
			break;
		}
		if (v->e[k].listed < 2)
			v->e[k].listed++;
	}
	verify_xml_close(&x);
	if (rc < 0)
		return rc;
	if (!root_seen)
		return verify_fail(v, MANIFEST_ENTRY, "manifest", "expected "
			"\"/\" with media type %s, found none",
			FOLIO_ASIC_MIMETYPE);
	for (i = 1; i < v->n; i++) {
		if (strncmp(v->e[i].name, "META-INF/", 9) == 0 ||
		    v->e[i].listed == 1)
			continue;
		return verify_fail(v, v->e[i].name, "listed", v->e[i].listed ?
			"listed more than once in " MANIFEST_ENTRY :
			"not listed in " MANIFEST_ENTRY);
	}
	return 0;
}
