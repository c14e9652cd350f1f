/* cache.c - the incremental-build record (see cache.h). */
#include "batch/cache.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "batch/manifest.h"
#include "util/file.h"

#define MAGIC "folio-cache 1\n"

int folio_cache_new(folio_cache **out, folio_error *err)
{
	*out = calloc(1, sizeof(**out));
	if (*out == NULL)
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	return 0;
}

static void entry_clear(folio_cache_entry *e)
{
	free(e->source);
	free(e->id);
}

void folio_cache_free(folio_cache *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++)
		entry_clear(&c->entries[i]);
	free(c->entries);
	free(c);
}

static int is_hex64(const char *s, size_t n)
{
	size_t i;

	if (n != 64)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		      (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

/* Decimal field into *out; 0 on success. Negative only when allowed. */
static int number(long long *out, const char *s, int allow_negative)
{
	char *end;

	if (*s == '\0' || (*s == '-' && !allow_negative))
		return -1;
	errno = 0;
	*out = strtoll(s, &end, 10);
	return errno == 0 && *end == '\0' ? 0 : -1;
}

/* Split line (NUL-terminated, no newline) at tabs into at most max
 * fields; returns the count. */
static size_t split_tabs(char **fields, size_t max, char *line)
{
	size_t n = 0;

	while (n < max) {
		char *tab = strchr(line, '\t');
		fields[n++] = line;
		if (tab == NULL)
			break;
		*tab = '\0';
		line = tab + 1;
	}
	return n;
}

/* One "doc" line into e; -1 when malformed. */
static int parse_doc(folio_cache_entry *e, char *line)
{
	char *f[11];
	long long v[5];
	size_t n = split_tabs(f, 11, line), i;

	memset(e, 0, sizeof(*e));
	if (n != 10 || strcmp(f[0], "doc") != 0 ||
	    !is_hex64(f[1], strlen(f[1])) || f[2][0] == '\0' ||
	    strlen(f[2]) >= FOLIO_CACHE_CODE_MAX || f[9][0] == '\0')
		return -1;
	for (i = 0; i < 5; i++)
		if (number(&v[i], f[3 + i], i == 2 || i == 4) < 0)
			return -1;
	memcpy(e->sha256, f[1], 65);
	strcpy(e->code, f[2]);
	e->pages = (size_t)v[0];
	e->pdf_size = (uint64_t)v[1];
	e->pdf_mtime_ns = (int64_t)v[2];
	e->epub_size = (uint64_t)v[3];
	e->epub_mtime_ns = (int64_t)v[4];
	e->source = strdup(f[9]);
	e->id = strcmp(f[8], "-") == 0 ? NULL : strdup(f[8]);
	if (e->source == NULL || (e->id == NULL && strcmp(f[8], "-") != 0)) {
		entry_clear(e);
		return -2;
	}
	return 0;
}

static int push(folio_cache *c, folio_error *err)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 64;
		folio_cache_entry *e;

		if (c->n >= FOLIO_BATCH_MAX_SOURCES)
			return folio_error_set(err, FOLIO_ELIMIT,
				"cache: more than %u records",
				FOLIO_BATCH_MAX_SOURCES);
		e = realloc(c->entries, cap * sizeof(*e));
		if (e == NULL)
			return folio_error_set(err, FOLIO_ENOMEM,
				"out of memory");
		c->entries = e;
		c->cap = cap;
	}
	return 0;
}

/* Parse text into c; 1 when the text is not a cache of ours, or a
 * negative FOLIO_E* (out of memory). */
static int parse(folio_cache *c, char *text, folio_error *err)
{
	char *line = text, *nl;
	int rc;

	if (strncmp(text, MAGIC, strlen(MAGIC)) != 0)
		return 1;
	line += strlen(MAGIC);
	for (; *line; line = nl + 1) {
		nl = strchr(line, '\n');
		if (nl == NULL)
			return 1; /* cut short: not written by us */
		*nl = '\0';
		if (strncmp(line, "env ", 4) == 0) {
			if (is_hex64(line + 4, strlen(line + 4)))
				memcpy(c->env, line + 4, 65);
			else if (strcmp(line + 4, "-") != 0)
				return 1;
		} else if (strncmp(line, "archive ", 8) == 0) {
			if (is_hex64(line + 8, strlen(line + 8)))
				memcpy(c->archive, line + 8, 65);
			else if (strcmp(line + 8, "-") != 0)
				return 1;
		} else {
			if ((rc = push(c, err)) < 0)
				return rc == FOLIO_ENOMEM ? rc : 1;
			rc = parse_doc(&c->entries[c->n], line);
			if (rc == -2)
				return folio_error_set(err, FOLIO_ENOMEM,
					"out of memory");
			if (rc < 0)
				return 1;
			c->n++;
		}
	}
	return 0;
}

static void reset(folio_cache *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		entry_clear(&c->entries[i]);
	c->n = 0;
	c->env[0] = c->archive[0] = '\0';
}

int folio_cache_read(folio_cache **out, const char *path, folio_error *err)
{
	folio_error ignored = {0};
	char *text = NULL;
	size_t len = 0;
	int rc;

	if ((rc = folio_cache_new(out, err)) < 0)
		return rc;
	/* An unreadable cache only costs a rebuild. */
	if (folio_file_read(&text, &len, path, FOLIO_CACHE_MAX_BYTES,
		&ignored) < 0)
		return 0;
	if (strlen(text) != len) {
		free(text);
		return 0;
	}
	/* Limits hit in a foreign file are not errors: keep them local. */
	rc = parse(*out, text, &ignored);
	free(text);
	if (rc == FOLIO_ENOMEM) {
		folio_error_set(err, rc, "%s", ignored.msg);
		folio_cache_free(*out);
		*out = NULL;
		return rc;
	}
	if (rc > 0)
		reset(*out);
	folio_cache_sort(*out);
	return 0;
}

static int by_source(const void *a, const void *b)
{
	return strcmp(((const folio_cache_entry *)a)->source,
		((const folio_cache_entry *)b)->source);
}

void folio_cache_sort(folio_cache *c)
{
	if (c->n > 1)
		qsort(c->entries, c->n, sizeof(*c->entries), by_source);
}

const folio_cache_entry *folio_cache_find(const folio_cache *c,
	const char *source)
{
	folio_cache_entry key;

	if (c->n == 0)
		return NULL;
	memset(&key, 0, sizeof(key));
	key.source = (char *)(uintptr_t)source;
	return bsearch(&key, c->entries, c->n, sizeof(*c->entries),
		by_source);
}

static int bad_field(const char *s)
{
	return s != NULL && (s[0] == '\0' || strpbrk(s, "\t\n\r") != NULL);
}

int folio_cache_add(folio_cache *c, const folio_cache_entry *e,
	folio_error *err)
{
	folio_cache_entry *d;
	int rc;

	if (e->source == NULL || bad_field(e->source) || bad_field(e->id) ||
	    e->code[0] == '\0' || strpbrk(e->code, "\t\n\r") != NULL ||
	    !is_hex64(e->sha256, strlen(e->sha256)))
		return 0;
	if ((rc = push(c, err)) < 0)
		return rc;
	d = &c->entries[c->n];
	*d = *e;
	d->source = strdup(e->source);
	d->id = e->id ? strdup(e->id) : NULL;
	if (d->source == NULL || (e->id != NULL && d->id == NULL)) {
		entry_clear(d);
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	}
	c->n++;
	return 0;
}

int folio_cache_format(folio_buf *out, const folio_cache *c,
	folio_error *err)
{
	size_t i;

	if (folio_buf_puts(out, MAGIC) < 0 ||
	    folio_buf_printf(out, "env %s\narchive %s\n",
		c->env[0] ? c->env : "-", c->archive[0] ? c->archive : "-")
		< 0)
		goto nomem;
	for (i = 0; i < c->n; i++) {
		const folio_cache_entry *e = &c->entries[i];

		if (folio_buf_printf(out, "doc\t%s\t%s\t%zu\t%llu\t%lld\t%llu"
			"\t%lld\t%s\t%s\n", e->sha256, e->code, e->pages,
			(unsigned long long)e->pdf_size,
			(long long)e->pdf_mtime_ns,
			(unsigned long long)e->epub_size,
			(long long)e->epub_mtime_ns, e->id ? e->id : "-",
			e->source) < 0)
			goto nomem;
	}
	return 0;
nomem:
	return folio_error_set(err, FOLIO_ELIMIT,
		"cache: out of memory or over %zu bytes", out->limit);
}

int folio_cache_write(const folio_cache *c, const char *path,
	folio_error *err)
{
	folio_buf b = {0};
	int rc;

	b.limit = FOLIO_CACHE_MAX_BYTES;
	if ((rc = folio_cache_format(&b, c, err)) == 0)
		rc = folio_file_write_atomic(path, b.data, b.len, err);
	folio_buf_free(&b);
	return rc;
}

int folio_cache_stat(int64_t *out_mtime_ns, uint64_t *out_size,
	const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return FOLIO_EIO;
	*out_mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000LL +
		st.st_mtim.tv_nsec;
	*out_size = (uint64_t)st.st_size;
	return 0;
}
