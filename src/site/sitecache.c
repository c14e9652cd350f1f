/* sitecache.c - out/<batch>/.site-cache (format in site_impl.h). */
#include "site/site_impl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/file.h"

#define MAGIC "folio-site-cache 1\n"
#define CACHE_MAX_BYTES ((size_t)512 * 1024 * 1024)
#define DOC_FIELDS 17
#define MALFORMED 1   /* not an error: the cache is ignored */

static int by_source(const void *a, const void *b)
{
	return strcmp(((const site_cache_doc *)a)->source,
		((const site_cache_doc *)b)->source);
}

void site_cache_free(site_cache *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n_files; i++)
		free(c->files[i].path);
	for (i = 0; i < c->n_docs; i++) {
		free(c->docs[i].source);
		free(c->docs[i].code);
		site_doc_clear(&c->docs[i].meta);
	}
	free(c->files);
	free(c->docs);
	memset(c, 0, sizeof(*c));
}

/* Undo the escaping in place; NULL for an empty field (absent). */
static char *unescape(char *s)
{
	char *r = s, *w = s;

	if (*s == '\0')
		return NULL;
	while (*r) {
		if (*r == '\\' && r[1] != '\0') {
			r++;
			*w++ = *r == 't' ? '\t' : *r == 'n' ? '\n' :
				*r == 'r' ? '\r' : *r;
			r++;
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
	return s;
}

static int number(uint64_t *out, const char *s)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return errno != 0 || *end != '\0' ? -1 : 0;
}

static int hex64(char out[65], const char *s)
{
	size_t i;

	if (strlen(s) != 64)
		return -1;
	for (i = 0; i < 64; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'a' && s[i] <= 'f')))
			return -1;
	memcpy(out, s, 65);
	return 0;
}

static char *dup_field(char *s)
{
	s = unescape(s);
	return s ? strdup(s) : NULL;
}

/* One "doc" line split into f[]; 0 when it makes an entry, MALFORMED
 * (the whole cache is then ignored), FOLIO_ENOMEM. */
static int parse_doc(site_cache_doc *d, char **f)
{
	uint64_t pages, mtime;
	char *s;

	memset(d, 0, sizeof(*d));
	if (hex64(d->sha256, f[1]) < 0 || number(&pages, f[3]) < 0 ||
	    number(&d->pdf_bytes, f[4]) < 0 ||
	    number(&d->epub_bytes, f[5]) < 0 ||
	    number(&d->page_size, f[6]) < 0 || number(&mtime, f[7]) < 0 ||
	    strncmp(f[8], "urn:uuid:", 9) != 0 ||
	    strlen(f[8]) >= sizeof(d->meta.uuid) || f[0][0] == '\0' ||
	    f[2][0] == '\0' || f[9][0] == '\0' || f[10][0] == '\0' ||
	    f[13][0] == '\0')
		return MALFORMED;
	d->pages = (size_t)pages;
	d->page_mtime_ns = (int64_t)mtime;
	memcpy(d->meta.uuid, f[8], strlen(f[8]) + 1);
	d->source = dup_field(f[0]);
	d->code = dup_field(f[2]);
	d->meta.date = dup_field(f[9]);
	d->meta.title = dup_field(f[10]);
	d->meta.issuer = dup_field(f[13]);
	if (d->source == NULL || d->code == NULL || d->meta.date == NULL ||
	    d->meta.title == NULL || d->meta.issuer == NULL)
		goto nomem;
	if ((s = unescape(f[11])) && !(d->meta.subtitle = strdup(s)))
		goto nomem;
	if ((s = unescape(f[12])) && !(d->meta.doc_number = strdup(s)))
		goto nomem;
	if ((s = unescape(f[14])) && !(d->meta.category = strdup(s)))
		goto nomem;
	if ((s = unescape(f[15])) && !(d->meta.summary = strdup(s)))
		goto nomem;
	return 0;
nomem:
	free(d->source);
	free(d->code);
	site_doc_clear(&d->meta);
	return FOLIO_ENOMEM;
}

static int parse(site_cache *c, char *text)
{
	size_t cap_docs = 0, cap_files = 0;
	char *line = text, *next;
	int rc;

	if (strncmp(text, MAGIC, strlen(MAGIC)) != 0)
		return MALFORMED;
	line += strlen(MAGIC);
	for (; *line; line = next) {
		char *f[DOC_FIELDS + 1];
		size_t nf = 0;
		char *p;

		next = strchr(line, '\n');
		if (next == NULL)
			return MALFORMED;   /* a cut line: a torn file */
		*next++ = '\0';
		for (p = line; nf <= DOC_FIELDS; ) {
			f[nf++] = p;
			p = strchr(p, '\t');
			if (p == NULL)
				break;
			*p++ = '\0';
		}
		if (nf == 2 && strcmp(f[0], "version") == 0 &&
		    strlen(f[1]) < sizeof(c->version)) {
			memcpy(c->version, f[1], strlen(f[1]) + 1);
		} else if (nf == 2 && strcmp(f[0], "env") == 0) {
			if (hex64(c->env, f[1]) < 0)
				return MALFORMED;
		} else if (nf == 2 && strcmp(f[0], "state") == 0) {
			if (hex64(c->state, f[1]) < 0)
				return MALFORMED;
		} else if (nf == 4 && strcmp(f[0], "file") == 0) {
			site_cache_file *fl;
			uint64_t size, mtime;
			if (number(&size, f[1]) < 0 ||
			    number(&mtime, f[2]) < 0 || f[3][0] == '\0')
				return MALFORMED;
			if (c->n_files == cap_files) {
				cap_files = cap_files ? 2 * cap_files : 64;
				fl = realloc(c->files,
					cap_files * sizeof(*fl));
				if (fl == NULL)
					return FOLIO_ENOMEM;
				c->files = fl;
			}
			fl = &c->files[c->n_files];
			fl->path = dup_field(f[3]);
			if (fl->path == NULL)
				return FOLIO_ENOMEM;
			fl->size = size;
			fl->mtime_ns = (int64_t)mtime;
			c->n_files++;
		} else if (nf == DOC_FIELDS && strcmp(f[0], "doc") == 0) {
			site_cache_doc *d;
			if (c->n_docs == cap_docs) {
				cap_docs = cap_docs ? 2 * cap_docs : 64;
				d = realloc(c->docs, cap_docs * sizeof(*d));
				if (d == NULL)
					return FOLIO_ENOMEM;
				c->docs = d;
			}
			if ((rc = parse_doc(&c->docs[c->n_docs], f + 1)) != 0)
				return rc;
			c->n_docs++;
		} else {
			return MALFORMED;
		}
	}
	return 0;
}

int site_cache_read(site_cache *out, const char *path, folio_error *err)
{
	folio_error ignored = {0};
	char *text = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	if (folio_file_read(&text, NULL, path, CACHE_MAX_BYTES, &ignored) < 0)
		return 0;   /* no cache yet, or unusable: start afresh */
	rc = parse(out, text);
	free(text);
	if (rc == FOLIO_ENOMEM) {
		site_cache_free(out);
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	}
	if (rc == MALFORMED) {
		site_cache_free(out);
		return 0;
	}
	qsort(out->docs, out->n_docs, sizeof(*out->docs), by_source);
	return 0;
}

site_cache_doc *site_cache_find(site_cache *c, const char *source)
{
	site_cache_doc key;

	if (c->n_docs == 0)
		return NULL;
	key.source = (char *)(uintptr_t)source;
	return bsearch(&key, c->docs, c->n_docs, sizeof(*c->docs),
		by_source);
}

static int put_field(folio_buf *b, const char *s)
{
	const char *p;

	if (folio_buf_putc(b, '\t') < 0)
		return FOLIO_ENOMEM;
	for (p = s ? s : ""; *p; p++) {
		const char *e = *p == '\\' ? "\\\\" : *p == '\t' ? "\\t" :
			*p == '\n' ? "\\n" : *p == '\r' ? "\\r" : NULL;
		if ((e ? folio_buf_puts(b, e) : folio_buf_putc(b, *p)) < 0)
			return FOLIO_ENOMEM;
	}
	return 0;
}

int site_cache_write(const char *path, const site_ctx *c, const char *env,
	const char *state, folio_error *err)
{
	folio_buf b = {0};
	size_t i;
	int rc = 0, wrote;

	b.limit = CACHE_MAX_BYTES;
	if (folio_buf_printf(&b, "%sversion\t%s\nenv\t%s\nstate\t%s\n",
		MAGIC, FOLIO_VERSION, env, state[0] ? state :
		"0000000000000000000000000000000000000000000000000000000000000000")
		< 0)
		goto nomem;
	for (i = 0; i < c->n_files; i++) {
		char p[SITE_PATH_MAX];
		int64_t mtime;
		uint64_t size;
		if ((size_t)snprintf(p, sizeof(p), "%s/%s", c->dir,
			c->files[i]) >= sizeof(p) ||
		    site_stat(&mtime, &size, p) < 0)
			continue;   /* not recorded: rewritten next time */
		if (folio_buf_printf(&b, "file\t%llu\t%lld",
			(unsigned long long)size, (long long)mtime) < 0 ||
		    put_field(&b, c->files[i]) < 0 ||
		    folio_buf_putc(&b, '\n') < 0)
			goto nomem;
	}
	for (i = 0; i < c->n; i++) {
		const site_doc *d = &c->docs[i];
		const folio_site_record *r = d->rec;
		char nums[160];
		/* A page that failed to be written, or a source without a
		 * known digest, is not recorded: the next run redoes it. */
		if (d->title == NULL || r->sha256 == NULL ||
		    strlen(r->sha256) != 64 || d->page_size == 0)
			continue;
		snprintf(nums, sizeof(nums), "%zu\t%llu\t%llu\t%llu\t%lld",
			r->pages, (unsigned long long)r->pdf_bytes,
			(unsigned long long)r->epub_bytes,
			(unsigned long long)d->page_size,
			(long long)d->page_mtime_ns);
		if (folio_buf_puts(&b, "doc") < 0 ||
		    put_field(&b, r->source_rel) < 0 ||
		    folio_buf_printf(&b, "\t%s", r->sha256) < 0 ||
		    put_field(&b, r->code) < 0 ||
		    folio_buf_printf(&b, "\t%s\t%s", nums, d->uuid) < 0 ||
		    put_field(&b, d->date) < 0 ||
		    put_field(&b, d->title) < 0 ||
		    put_field(&b, d->subtitle) < 0 ||
		    put_field(&b, d->doc_number) < 0 ||
		    put_field(&b, d->issuer) < 0 ||
		    put_field(&b, d->category) < 0 ||
		    put_field(&b, d->summary) < 0 ||
		    folio_buf_putc(&b, '\n') < 0)
			goto nomem;
	}
	/* Unchanged after a run that changed nothing: left alone. */
	rc = site_write_if_changed(path, b.data, b.len, &wrote, err);
	folio_buf_free(&b);
	return rc;
nomem:
	folio_buf_free(&b);
	return folio_error_set(err, FOLIO_ENOMEM, "%s: out of memory or "
		"over %zu bytes", path, CACHE_MAX_BYTES);
}
