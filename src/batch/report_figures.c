/* report_figures.c - the image files a document's figures show, as a
 * batch keeps them (see report.h): written into the document's object of
 * report.json and of the cache, read back by the cache (is the document
 * still up to date?), the merge and `folio archive` (which images go
 * into its record, under which names), so no step reads the source
 * again to find them. */
#include "batch/report.h"

#include <stdlib.h>
#include <string.h>

#include "model/doc.h"

/* The archive names a record's images .fig1 to .fig9999. */
#define MAX_FIGURES 9999

void folio_doc_figures_clear(folio_doc_result *d)
{
	size_t i;

	for (i = 0; i < d->n_figures; i++)
		free(d->figures[i].src);
	free(d->figures);
	d->figures = NULL;
	d->n_figures = 0;
	d->figures_set = 0;
}

folio_doc_image *folio_doc_figures_add(folio_doc_result *d, const char *src)
{
	folio_doc_image *f;

	if (d->n_figures >= MAX_FIGURES)
		return NULL;
	f = realloc(d->figures, (d->n_figures + 1) * sizeof(*f));
	if (f == NULL)
		return NULL;
	d->figures = f;
	f = &f[d->n_figures];
	memset(f, 0, sizeof(*f));
	if ((f->src = strdup(src)) == NULL)
		return NULL;
	d->n_figures++;
	return f;
}

int folio_doc_figures_copy(folio_doc_result *dst, const folio_doc_result *src)
{
	size_t i;

	dst->figures = NULL;
	dst->n_figures = 0;
	dst->figures_set = src->figures_set;
	for (i = 0; i < src->n_figures; i++) {
		folio_doc_image *f = folio_doc_figures_add(dst,
			src->figures[i].src);
		if (f == NULL)
			return -1;
		memcpy(f->format, src->figures[i].format, sizeof(f->format));
		memcpy(f->sha256, src->figures[i].sha256, sizeof(f->sha256));
		f->stamp = src->figures[i].stamp;
	}
	return 0;
}

static int put_string(folio_buf *b, const char *s)
{
	return folio_buf_putc(b, '"') < 0 || folio_buf_put_json(b, s) < 0 ||
		folio_buf_putc(b, '"') < 0 ? -1 : 0;
}

int folio_doc_figures_json(folio_buf *b, const folio_doc_result *d)
{
	char st[96];
	size_t i;

	if (!d->figures_set)
		return 0;
	if (folio_buf_puts(b, ", \"figures\": [") < 0)
		return -1;
	for (i = 0; i < d->n_figures; i++) {
		const folio_doc_image *f = &d->figures[i];
		if (f->stamp.set)
			folio_stamp_format(st, sizeof(st), &f->stamp);
		if (folio_buf_puts(b, i ? ", {\"src\": " : "{\"src\": ") < 0 ||
		    put_string(b, f->src) < 0 ||
		    folio_buf_printf(b, ", \"format\": \"%s\", \"sha256\": "
			"\"%s\", \"stat\": ", f->format, f->sha256) < 0 ||
		    (f->stamp.set ? put_string(b, st) :
			folio_buf_puts(b, "null")) < 0 ||
		    folio_buf_putc(b, '}') < 0)
			return -1;
	}
	return folio_buf_putc(b, ']');
}

/* ---- reading back ---------------------------------------------------- */

static int is_hex64(const char *s)
{
	size_t i;

	for (i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s[64] == '\0';
}

/* The members of one figure object, its '{' read. */
static int read_figure(folio_json *j, folio_doc_result *d, folio_error *err)
{
	char src[FOLIO_MAX_FIGURE_PATH + 1] = "", format[8] = "";
	char sha[FOLIO_REPORT_HEX + 1] = "", st[96] = "";
	folio_source_stamp stamp;
	folio_doc_image *f;
	folio_json_kind k;
	size_t len;
	int rc;

	memset(&stamp, 0, sizeof(stamp));
	while ((rc = folio_json_next_key(j, err)) > 0) {
		char *to = NULL;
		size_t room = 0;
		if (strcmp(folio_json_text(j, NULL), "src") == 0)
			to = src, room = sizeof(src);
		else if (strcmp(folio_json_text(j, NULL), "format") == 0)
			to = format, room = sizeof(format);
		else if (strcmp(folio_json_text(j, NULL), "sha256") == 0)
			to = sha, room = sizeof(sha);
		else if (strcmp(folio_json_text(j, NULL), "stat") == 0)
			to = st, room = sizeof(st);
		if ((rc = folio_json_next(j, &k, err)) < 0)
			return rc;
		if (to == NULL || (to == st && k == FOLIO_JSON_NULL)) {
			if ((rc = folio_json_skip(j, k, err)) < 0)
				return rc;
			continue;
		}
		if (k != FOLIO_JSON_STRING)
			return folio_json_fail(j, "a string", err);
		folio_json_text(j, &len);
		if (len >= room)
			return folio_json_fail(j, "a shorter string", err);
		memcpy(to, folio_json_text(j, NULL), len + 1);
	}
	if (rc < 0)
		return rc;
	/* src names a file beside the source: the rules of <figure src>. */
	if (!folio_figure_src_valid(src) ||
	    (strcmp(format, "png") != 0 && strcmp(format, "jpg") != 0) ||
	    !is_hex64(sha) || (st[0] && folio_stamp_parse(&stamp, st) < 0))
		return folio_json_fail(j, "a figure with a relative \"src\", "
			"\"format\" png or jpg, a \"sha256\" and a \"stat\"",
			err);
	if ((f = folio_doc_figures_add(d, src)) == NULL)
		return d->n_figures >= MAX_FIGURES ? folio_json_fail(j,
			"at most 9999 figures", err) : folio_error_set(err,
			FOLIO_ENOMEM, "out of memory");
	memcpy(f->format, format, sizeof(f->format));
	memcpy(f->sha256, sha, sizeof(f->sha256));
	f->stamp = stamp;
	return 0;
}

int folio_doc_figures_read(folio_json *j, folio_doc_result *d,
	folio_error *err)
{
	folio_json_kind k;
	int rc;

	folio_doc_figures_clear(d);
	if ((rc = folio_json_next(j, &k, err)) < 0)
		return rc;
	if (k == FOLIO_JSON_NULL)
		return 0;
	if (k != FOLIO_JSON_ARRAY)
		return folio_json_fail(j, "a list of figures or null", err);
	d->figures_set = 1;
	for (;;) {
		if ((rc = folio_json_next(j, &k, err)) < 0)
			break;
		if (k == FOLIO_JSON_ARRAY_END)
			return 0;
		if (k != FOLIO_JSON_OBJECT) {
			rc = folio_json_fail(j, "a figure or ']'", err);
			break;
		}
		if ((rc = read_figure(j, d, err)) < 0)
			break;
	}
	folio_doc_figures_clear(d);
	return rc;
}
