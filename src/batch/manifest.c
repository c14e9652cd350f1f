#include "batch/manifest.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "batch/manifest_impl.h"
#include "site/site.h"
#include "util/buf.h"
#include "util/paths.h"
#include "util/varlist.h"
#include "util/xml.h"
#include "util/xml_tree.h"

typedef manifest_reader reader;

int folio_manifest_at(manifest_reader *r, const folio_xml_node *n,
	int code, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = folio_xml_verror(r->err, code, r->m->path, n, 0, fmt, ap);
	va_end(ap);
	return rc;
}

static const folio_xml_node *child(const folio_xml_node *n,
	const char *name)
{
	return folio_xml_child(n, BATCH_NS, name);
}

static char *join(const char *dir, const char *rel)
{
	size_t n;
	char *s;

	if (rel[0] == '/' || strcmp(dir, ".") == 0)
		return strdup(rel);
	n = strlen(dir) + strlen(rel) + 2;
	s = malloc(n);
	if (s != NULL)
		snprintf(s, n, "%s/%s", dir, rel);
	return s;
}

/* Required element text into *out; the schema already checked presence,
 * this only guards against a missing schema file. */
static int take(reader *r, char **out, const folio_xml_node *parent,
	const char *name)
{
	const folio_xml_node *n = child(parent, name);

	if (n == NULL)
		return folio_manifest_at(r, parent, FOLIO_EINPUT,
			"expected <%s>, found none", name);
	*out = folio_xml_text_trimmed(n);
	if (*out == NULL)
		return folio_error_set(r->err, FOLIO_ENOMEM, "out of memory");
	if ((*out)[0] == '\0')
		return folio_manifest_at(r, n, FOLIO_EINPUT, "expected text "
			"in <%s>, found nothing", name);
	return 0;
}

static int take_path(reader *r, char **out, const folio_xml_node *parent,
	const char *name)
{
	char *rel = NULL;
	int rc;

	if ((rc = take(r, &rel, parent, name)) < 0)
		return rc;
	*out = join(r->m->dir, rel);
	free(rel);
	if (*out == NULL)
		return folio_error_set(r->err, FOLIO_ENOMEM, "out of memory");
	return 0;
}

/* A style file: left out, the installed one; given, next to the
 * manifest, else in the data folder, else in its styles/ folder (so
 * "gbt9704.xml" names the installed style). The first that exists. */
static int take_style(reader *r, char **out, const folio_xml_node *style,
	const char *name, const char *installed)
{
	const folio_xml_node *n = style ? child(style, name) : NULL;
	char path[4096], rel[1100];
	char *given = NULL;
	int rc;

	if (n == NULL) {
		snprintf(rel, sizeof(rel), "styles/%s", installed);
		if ((rc = folio_data_path(path, sizeof(path), rel, r->err)) < 0)
			return rc;
		*out = strdup(path);
		goto done;
	}
	if ((rc = take(r, &given, style, name)) < 0)
		return rc;
	*out = join(r->m->dir, given);
	if (*out == NULL || given[0] == '/' || access(*out, F_OK) == 0)
		goto done;
	if (strlen(given) < 1000 &&
	    (folio_data_path(path, sizeof(path), given, NULL) == 0 ||
	     (snprintf(rel, sizeof(rel), "styles/%s", given),
	      folio_data_path(path, sizeof(path), rel, NULL) == 0))) {
		free(*out);
		*out = strdup(path);
		goto done;
	}
	rc = folio_manifest_at(r, n, FOLIO_EINPUT, "<%s>: expected a file, "
		"found none at %s (next to the manifest), nor as %s or "
		"styles/%s in the data folder", name, *out, given, given);
	free(given);
	return rc;
done:
	free(given);
	if (*out == NULL)
		return folio_error_set(r->err, FOLIO_ENOMEM, "out of memory");
	return 0;
}

/* <publish><base-url>: the schema checked its shape; folio_site_base_url
 * also refuses what a pattern cannot say ("." segments, bad %XX). */
static int read_publish(reader *r, const folio_xml_node *publish)
{
	const folio_xml_node *n = child(publish, "base-url");
	char url[FOLIO_SITE_URL_MAX + 2];
	folio_error e = {0};

	if (n == NULL)
		return 0;
	if ((r->m->base_url = folio_xml_text_trimmed(n)) == NULL)
		return folio_error_set(r->err, FOLIO_ENOMEM, "out of memory");
	if (folio_site_base_url(url, sizeof(url), r->m->base_url, &e) < 0)
		return folio_manifest_at(r, n, FOLIO_EINPUT, "<base-url>: %s",
			e.msg);
	return 0;
}

/* The list of sources spills, past its budget, to a file in $TMPDIR
 * (else /tmp): the manifest is read before the run's folder is made. */
static void spill_beside(char *out, size_t n)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(out, n, "%s/folio-sources", tmp && tmp[0] == '/' ? tmp :
		"/tmp");
}

int folio_batch_manifest_read(folio_batch_manifest **out, const char *path,
	folio_error *err)
{
	return folio_batch_manifest_read_on(out, path, 0, err);
}

int folio_batch_manifest_read_on(folio_batch_manifest **out,
	const char *path, int workers, folio_error *err)
{
	folio_batch_manifest *m;
	void *doc = NULL;
	const folio_xml_node *root, *n;
	const char *slash;
	reader r;
	int rc;

	*out = NULL;
	memset(&r, 0, sizeof(r));
	m = calloc(1, sizeof(*m));
	if (m == NULL)
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	m->path = strdup(path);
	slash = strrchr(path, '/');
	m->dir = slash == NULL ? strdup(".") : slash == path ? strdup("/") :
		strndup(path, (size_t)(slash - path));
	if (m->path == NULL || m->dir == NULL) {
		rc = folio_error_set(err, FOLIO_ENOMEM, "out of memory");
		goto done;
	}
	r.m = m;
	r.err = err;
	r.workers = workers;
	spill_beside(r.beside, sizeof(r.beside));
	if ((rc = folio_xml_parse_file(&doc, path, NULL, err)) < 0)
		goto done;
	if ((rc = folio_xml_validate(doc, "batch", path, err)) < 0)
		goto done;
	root = folio_xml_root(doc);
	if (!folio_xml_is(root, BATCH_NS, "batch")) {
		rc = folio_error_set(err, FOLIO_EINPUT, "%s:1:1: expected "
			"<batch> in %s, found another root", path, BATCH_NS);
		goto done;
	}
	n = child(root, "fonds");
	if ((rc = take(&r, &m->fonds_code, n ? n : root, "code")) < 0 ||
	    (rc = take(&r, &m->fonds_name, n ? n : root, "name")) < 0 ||
	    (rc = take(&r, &m->year, root, "year")) < 0 ||
	    (rc = take(&r, &m->batch_id, root, "batch-id")) < 0)
		goto done;
	m->description = folio_xml_text_trimmed(child(root, "description"));
	n = child(root, "defaults");
	if ((rc = take(&r, &m->retention, n ? n : root, "retention")) < 0 ||
	    (rc = take(&r, &m->security, n ? n : root, "security")) < 0)
		goto done;
	n = child(root, "style");
	if ((rc = take_style(&r, &m->style_pdf, n, "pdf", "gbt9704.xml")) <
		0 ||
	    (rc = take_style(&r, &m->style_css, n, "epub-css", "epub.css")) <
		0)
		goto done;
	n = child(root, "signer");
	if ((rc = take_path(&r, &m->signer_key, n ? n : root, "key")) < 0 ||
	    (rc = take_path(&r, &m->signer_cert, n ? n : root,
		"certificate")) < 0)
		goto done;
	if ((rc = folio_manifest_read_sources(&r, child(root, "sources"))) <
		0 ||
	    (rc = read_publish(&r, child(root, "publish"))) < 0)
		goto done;
	*out = m;
	m = NULL;
done:
	folio_buf_free(&r.names);
	free(r.real_dir);
	folio_xml_free(doc);
	folio_batch_manifest_free(m);
	return rc;
}

int folio_batch_source_join(char *out, size_t outsz,
	const folio_batch_manifest *m, const char *rel)
{
	int k = strcmp(m->dir, ".") == 0 ? snprintf(out, outsz, "%s", rel) :
		snprintf(out, outsz, "%s/%s", m->dir, rel);

	return k >= 0 && (size_t)k < outsz ? 0 : FOLIO_ELIMIT;
}

void folio_batch_manifest_drop_sources(folio_batch_manifest *m)
{
	folio_varlist_free(m->sources);
	m->sources = NULL;
}

void folio_batch_manifest_free(folio_batch_manifest *m)
{
	if (m == NULL)
		return;
	folio_varlist_free(m->sources);
	free(m->path);
	free(m->dir);
	free(m->fonds_code);
	free(m->fonds_name);
	free(m->year);
	free(m->batch_id);
	free(m->description);
	free(m->retention);
	free(m->security);
	free(m->style_pdf);
	free(m->style_css);
	free(m->signer_key);
	free(m->signer_cert);
	free(m->base_url);
	free(m);
}
