/* cache.c - the incremental-build record (see cache.h). */
#include "batch/cache.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/clock.h"
#include "util/file.h"
#include "util/json.h"
#include "util/keyindex.h"

#define FORMAT 2
/* Every document line starts so (report.c writes "source" first). */
#define LINE_START "{\"source\": \""

/* One indexed line: a folio_key_rec of the hash of its source (as
 * escaped in the line), file << 48 | offset, and its length. Ordered so,
 * a source's lines come in file order, then in order of place. */
#define OFFSET_BITS 48
#define OFFSET_MAX ((UINT64_C(1) << OFFSET_BITS) - 1)

typedef struct slot {
	uint64_t offset;
	uint32_t len;
	uint16_t file;
} slot;

struct folio_cache {
	FILE *files[FOLIO_CACHE_MAX_FILES];
	size_t n_files;
	folio_keyindex *index;
	size_t n;
};

struct folio_cache_writer {
	FILE *fp;
	char *path;
	char *journal;
	folio_buf line;
	long long flushed;       /* folio_now_ns of the last flush */
};

/* FNV-1a: collisions only cost a parse (the source is compared). */
static uint64_t hash_bytes(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* The escaped source of a document line, without parsing it; 0 when the
 * line is not one of ours. */
static int line_source(const char *line, size_t len, const char **out,
	size_t *out_len)
{
	const char *p = line + strlen(LINE_START), *end = line + len;

	if (len < strlen(LINE_START) ||
	    memcmp(line, LINE_START, strlen(LINE_START)) != 0)
		return 0;
	*out = p;
	while (p < end && *p != '"')
		p += *p == '\\' ? 2 : 1;
	if (p >= end)
		return 0;
	*out_len = (size_t)(p - *out);
	return 1;
}

static int escaped_hash(uint64_t *out, const char *source)
{
	folio_buf b = {0};

	if (folio_buf_put_json(&b, source) < 0) {
		folio_buf_free(&b);
		return -1;
	}
	*out = hash_bytes(b.data ? b.data : "", b.len);
	folio_buf_free(&b);
	return 0;
}

/* Whether line is our header for env (any env when env is NULL; the
 * env found is copied to found when given). */
static int header_ok(const char *line, size_t len, const char *env,
	char *found)
{
	folio_json *j = NULL;
	folio_json_kind k;
	folio_error err = {0};
	int format = 0, ok = 0;
	char e[FOLIO_CACHE_HEX] = "";

	if (folio_json_open_memory(&j, line, len, "cache", &err) < 0 ||
	    folio_json_expect(j, FOLIO_JSON_OBJECT, &err) < 0)
		goto done;
	while (folio_json_next(j, &k, &err) == 0 && k == FOLIO_JSON_KEY) {
		int is_env = strcmp(folio_json_text(j, NULL), "env") == 0;
		int is_fmt = strcmp(folio_json_text(j, NULL),
			"folio_cache") == 0;
		if (folio_json_next(j, &k, &err) < 0)
			goto done;
		if (is_fmt && k == FOLIO_JSON_NUMBER)
			format = atoi(folio_json_text(j, NULL));
		else if (is_env && k == FOLIO_JSON_STRING &&
			strlen(folio_json_text(j, NULL)) < sizeof(e))
			strcpy(e, folio_json_text(j, NULL));
		else if (folio_json_skip(j, k, &err) < 0)
			goto done;
	}
	ok = k == FOLIO_JSON_OBJECT_END && format == FORMAT && e[0] &&
		(env == NULL || strcmp(e, env) == 0);
	if (ok && found != NULL)
		strcpy(found, e);
done:
	folio_json_free(j);
	return ok;
}

static int index_file(folio_cache *c, const char *path, const char *env,
	folio_error *err)
{
	FILE *fp = fopen(path, "rb");
	char *line = NULL;
	size_t cap = 0, slen;
	const char *src;
	ssize_t len;
	uint64_t off;
	int rc = 0;

	if (fp == NULL)
		return 0;
	len = getline(&line, &cap, fp);
	if (len <= 0 || !header_ok(line, (size_t)len, env, NULL)) {
		fclose(fp);
		free(line);
		return 0;
	}
	off = (uint64_t)len;
	while (rc == 0 && (len = getline(&line, &cap, fp)) > 0) {
		/* A line cut short by a kill has no newline: not an entry. */
		if (line[len - 1] == '\n' &&
		    (size_t)len <= FOLIO_CACHE_MAX_LINE && off <= OFFSET_MAX &&
		    line_source(line, (size_t)len, &src, &slen)) {
			folio_key_rec r;
			r.key = hash_bytes(src, slen);
			r.a = (uint64_t)c->n_files << OFFSET_BITS | off;
			r.b = (uint64_t)len;
			if ((rc = folio_keyindex_add(c->index, &r, err)) == 0)
				c->n++;
		}
		off += (uint64_t)len;
	}
	free(line);
	c->files[c->n_files++] = fp;
	return rc;
}

int folio_cache_open_budget(folio_cache **out, const char *const *paths,
	size_t n, const char *env, size_t budget, folio_error *err)
{
	folio_cache *c = calloc(1, sizeof(*c));
	size_t i;
	int rc;

	*out = NULL;
	if (c == NULL)
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	/* Spilled, the index goes where the run writes its cache. */
	rc = folio_keyindex_new(&c->index, n > 0 ? paths[0] : "./.cache",
		budget, err);
	for (i = 0; rc == 0 && i < n && c->n_files < FOLIO_CACHE_MAX_FILES;
		i++)
		rc = index_file(c, paths[i], env, err);
	if (rc == 0)
		rc = folio_keyindex_finish(c->index, err);
	if (rc < 0) {
		folio_cache_free(c);
		return rc;
	}
	*out = c;
	return 0;
}

int folio_cache_open(folio_cache **out, const char *const *paths, size_t n,
	const char *env, folio_error *err)
{
	return folio_cache_open_budget(out, paths, n, env, 0, err);
}

size_t folio_cache_entries(const folio_cache *c)
{
	return c ? c->n : 0;
}

/* The line of slot s, parsed: through the window w when there is one,
 * else read alone. */
static int read_slot(const folio_cache *c, folio_read_window *w,
	const slot *s, folio_doc_result *out)
{
	folio_error ignored = {0};
	folio_json *j = NULL;
	const char *at = NULL;
	char *line = NULL;
	int ok = 0;

	if (w != NULL) {
		if (folio_read_window_get(w, fileno(c->files[s->file]),
			s->offset, s->len, &at, &ignored) < 0)
			return 0;
	} else if ((line = malloc(s->len)) == NULL ||
	    pread(fileno(c->files[s->file]), line, s->len, (off_t)s->offset)
		!= (ssize_t)s->len) {
		free(line);
		return 0;
	} else {
		at = line;
	}
	if (folio_json_open_memory(&j, at, s->len, "cache", &ignored) == 0 &&
	    folio_report_doc_read(j, out, 1, &ignored) == 0)
		ok = 1;
	else   /* a line that stops parsing halfway leaves some members */
		folio_doc_result_clear(out);
	folio_json_free(j);
	free(line);
	return ok;
}

/* The line after the last one w read, when it is the only entry for
 * hash h: a rebuild looks sources up in about the order the last run
 * wrote them, and so finds each without a read of the index. 1 with
 * *s set, 0 when that is not known. */
static int guess_next(const folio_cache *c, folio_read_window *w,
	uint64_t h, slot *s)
{
	folio_error ignored = {0};
	const char *line, *src;
	size_t len, slen, f;

	if (w->next_fd == 0 || !folio_keyindex_single(c->index, h))
		return 0;
	for (f = 0; f < c->n_files; f++)
		if (fileno(c->files[f]) == w->next_fd - 1)
			break;
	if (f == c->n_files || w->next_off > OFFSET_MAX ||
	    folio_read_window_line(w, w->next_fd - 1, w->next_off,
		FOLIO_CACHE_MAX_LINE, &line, &len, &ignored) != 1 ||
	    !line_source(line, len, &src, &slen) ||
	    hash_bytes(src, slen) != h)
		return 0;
	s->file = (uint16_t)f;
	s->offset = w->next_off;
	s->len = (uint32_t)len;
	return 1;
}

int folio_cache_find_in(const folio_cache *c, folio_read_window *w,
	const char *source, size_t k, folio_doc_result *out)
{
	folio_error ignored = {0};
	folio_keyindex_iter it;
	folio_key_rec r;
	uint64_t h;
	slot s;

	memset(out, 0, sizeof(*out));
	if (c == NULL || c->n == 0 || escaped_hash(&h, source) < 0)
		return 0;
	if (w != NULL && guess_next(c, w, h, &s)) {
		/* The one line of this hash: it is the entry, or none is. */
		w->next_off = s.offset + s.len;
		if (k == 0 && read_slot(c, w, &s, out) &&
		    strcmp(out->source, source) == 0)
			return 1;
		folio_doc_result_clear(out);
		return 0;
	}
	/* An index that cannot be read back is no entry: a rebuild. */
	folio_keyindex_seek(&it, c->index, h);
	while (folio_keyindex_next(&it, &r, &ignored) == 1) {
		s.file = (uint16_t)(r.a >> OFFSET_BITS);
		s.offset = r.a & OFFSET_MAX;
		s.len = (uint32_t)r.b;
		if (w != NULL) {
			w->next_fd = fileno(c->files[s.file]) + 1;
			w->next_off = s.offset + s.len;
		}
		if (!read_slot(c, w, &s, out))
			continue;
		if (strcmp(out->source, source) == 0 && k-- == 0)
			return 1;
		folio_doc_result_clear(out);
	}
	return 0;
}

int folio_cache_find(const folio_cache *c, const char *source, size_t k,
	folio_doc_result *out)
{
	return folio_cache_find_in(c, NULL, source, k, out);
}

void folio_cache_free(folio_cache *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n_files; i++)
		fclose(c->files[i]);
	folio_keyindex_free(c->index);
	free(c);
}

/* ---- writing ---------------------------------------------------------- */

static char *journal_path(const char *path)
{
	size_t n = strlen(path);
	char *j = malloc(n + sizeof(".journal"));

	if (j != NULL) {
		memcpy(j, path, n);
		memcpy(j + n, ".journal", sizeof(".journal"));
	}
	return j;
}

int folio_cache_writer_open(folio_cache_writer **out, const char *path,
	const char *env, folio_error *err)
{
	folio_cache_writer *w = calloc(1, sizeof(*w));

	*out = NULL;
	if (w == NULL || (w->path = strdup(path)) == NULL ||
	    (w->journal = journal_path(path)) == NULL) {
		folio_cache_writer_free(w);
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	}
	w->line.limit = FOLIO_CACHE_MAX_LINE;
	w->fp = fopen(w->journal, "wb");
	if (w->fp == NULL ||
	    fprintf(w->fp, "{\"folio_cache\": %d, \"env\": \"%s\"}\n", FORMAT,
		env) < 0 || fflush(w->fp) != 0) {
		int rc = folio_error_set(err, FOLIO_EIO, "%s: cannot write: %s",
			w->journal, strerror(errno));
		folio_cache_writer_free(w);
		return rc;
	}
	*out = w;
	return 0;
}

int folio_cache_writer_add_json(folio_cache_writer *w, const char *json,
	size_t len, folio_error *err)
{
	long long now;

	if (len == 0 || memchr(json, '\n', len) != NULL)
		return folio_error_set(err, FOLIO_EUSAGE, "%s: expected one "
			"line of JSON", w->journal);
	if (fwrite(json, 1, len, w->fp) != len || putc('\n', w->fp) == EOF)
		goto io;
	now = folio_now_ns();
	if (now - w->flushed >= FOLIO_CACHE_FLUSH_NS) {
		if (fflush(w->fp) != 0)
			goto io;
		w->flushed = now;
	}
	return 0;
io:
	return folio_error_set(err, FOLIO_EIO, "%s: cannot write: %s",
		w->journal, strerror(errno));
}

int folio_cache_writer_add(folio_cache_writer *w, const folio_doc_result *d,
	folio_error *err)
{
	int rc;

	if (d->status != FOLIO_DOC_BUILT && d->status != FOLIO_DOC_SKIPPED)
		return 0;
	folio_buf_reset(&w->line);
	if ((rc = folio_report_doc_json(&w->line, d, err)) < 0)
		return rc;
	return folio_cache_writer_add_json(w, w->line.data, w->line.len, err);
}

int folio_cache_writer_commit(folio_cache_writer *w, folio_error *err)
{
	int bad = fflush(w->fp) != 0 || fsync(fileno(w->fp)) != 0;

	bad |= fclose(w->fp) != 0;
	w->fp = NULL;
	if (bad || rename(w->journal, w->path) != 0)
		return folio_error_set(err, FOLIO_EIO, "%s: cannot write: %s",
			w->path, strerror(errno));
	return 0;
}

int folio_cache_writer_discard(folio_cache_writer *w, folio_error *err)
{
	int bad = fclose(w->fp) != 0;

	w->fp = NULL;
	if (bad || unlink(w->journal) != 0)
		return folio_error_set(err, FOLIO_EIO, "%s: cannot remove: %s",
			w->journal, strerror(errno));
	return 0;
}

int folio_cache_is_only(const folio_cache *c, const char *path, size_t n)
{
	struct stat a, b;

	return c != NULL && c->n_files == 1 && c->n == n &&
		fstat(fileno(c->files[0]), &a) == 0 && stat(path, &b) == 0 &&
		a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

void folio_cache_writer_free(folio_cache_writer *w)
{
	if (w == NULL)
		return;
	if (w->fp != NULL)
		fclose(w->fp);
	free(w->path);
	free(w->journal);
	folio_buf_free(&w->line);
	free(w);
}

static int by_value(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Copy the complete document lines of fp to out; with `have` (sorted
 * hashes of sources already written) skip those, else collect the
 * hashes of what is copied into *hashes. */
static int copy_lines(FILE *fp, FILE *out, const uint64_t *have,
	size_t n_have, uint64_t **hashes, size_t *n_hashes)
{
	char *line = NULL;
	size_t cap = 0, slen, hcap = 0;
	const char *src;
	ssize_t len;
	int rc = 0;

	while (rc == 0 && (len = getline(&line, &cap, fp)) > 0) {
		uint64_t h;
		if (line[len - 1] != '\n' ||
		    !line_source(line, (size_t)len, &src, &slen))
			continue;
		h = hash_bytes(src, slen);
		if (have != NULL && bsearch(&h, have, n_have, sizeof(h),
			by_value) != NULL)
			continue;
		if (hashes != NULL) {
			if (*n_hashes == hcap) {
				uint64_t *p;
				hcap = hcap ? 2 * hcap : 1024;
				p = realloc(*hashes, hcap * sizeof(*p));
				if (p == NULL) {
					rc = FOLIO_ENOMEM;
					break;
				}
				*hashes = p;
			}
			(*hashes)[(*n_hashes)++] = h;
		}
		if (fwrite(line, 1, (size_t)len, out) != (size_t)len)
			rc = FOLIO_EIO;
	}
	free(line);
	return rc;
}

int folio_cache_recover(const char *path, folio_error *err)
{
	char *journal = journal_path(path), env[FOLIO_CACHE_HEX];
	char *line = NULL;
	size_t cap = 0, n_hashes = 0;
	uint64_t *hashes = NULL;
	FILE *jf = NULL, *old = NULL;
	folio_outfile out;
	ssize_t len;
	int rc = 0;

	memset(&out, 0, sizeof(out));
	if (journal == NULL)
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	if ((jf = fopen(journal, "rb")) == NULL)
		goto done;   /* nothing left by a killed run */
	len = getline(&line, &cap, jf);
	if (len <= 0 || !header_ok(line, (size_t)len, NULL, env))
		goto drop;   /* cut before its header: nothing to keep */
	if ((rc = folio_outfile_open(&out, path, err)) < 0)
		goto done;
	if (fwrite(line, 1, (size_t)len, out.fp) != (size_t)len ||
	    (rc = copy_lines(jf, out.fp, NULL, 0, &hashes, &n_hashes)) < 0)
		goto fail;
	if ((old = fopen(path, "rb")) != NULL &&
	    (len = getline(&line, &cap, old)) > 0 &&
	    header_ok(line, (size_t)len, env, NULL)) {
		if (n_hashes > 0)   /* a journal of its header alone */
			qsort(hashes, n_hashes, sizeof(*hashes), by_value);
		if ((rc = copy_lines(old, out.fp, hashes, n_hashes, NULL,
			NULL)) < 0)
			goto fail;
	}
	if ((rc = folio_outfile_commit(&out, err)) < 0)
		goto done;
drop:
	(void)unlink(journal);
	goto done;
fail:
	rc = folio_error_set(err, rc == FOLIO_ENOMEM ? FOLIO_ENOMEM : FOLIO_EIO,
		"%s: cannot recover the cache a stopped run left", journal);
	folio_outfile_abort(&out);
done:
	if (jf != NULL)
		fclose(jf);
	if (old != NULL)
		fclose(old);
	free(line);
	free(hashes);
	free(journal);
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
