/*
 * sitecache.c - out/<batch>/.site-cache (format in site_impl.h).
 *
 * Reading validates every line (one bad line: the whole cache is
 * ignored, as a torn file must be) but keeps only where each doc line
 * is; site_cache_find reads the line again. Writing streams: the doc
 * lines are copied from the spool or the old cache in batch order, and
 * the new bytes are compared with the file on disk as they go, so a run
 * that changed nothing writes nothing.
 */
#include "site/site_impl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/file.h"

#define MAGIC "folio-site-cache 1\n"
#define CACHE_MAX_BYTES ((size_t)512 * 1024 * 1024)
#define DOC_FIELDS 17
#define MALFORMED 1   /* not an error: the cache is ignored */
#define CHUNK ((size_t)64 * 1024)
/* How long a folder must have been left alone before its times say
 * that nothing changed in it since (put_links). */
#define SITE_SETTLE_NS 2000000000LL
#define ZEROS "0000000000000000000000000000000000000000000000000000000000000000"

void site_cache_drop_index(site_cache *c)
{
	folio_keyindex_free(c->docs);
	c->docs = NULL;
	c->n_docs = 0;
}

void site_cache_free(site_cache *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n_files; i++)
		free(c->files[i].path);
	free(c->files);
	folio_keyindex_free(c->docs);
	free(c->links);
	if (c->fp != NULL)
		fclose(c->fp);
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

static int hexval(char ch)
{
	return ch >= '0' && ch <= '9' ? ch - '0' :
		ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
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

/* Split line at tabs into at most max fields; the count. */
static size_t split(char **f, size_t max, char *line)
{
	size_t nf = 0;
	char *p;

	for (p = line; nf < max; ) {
		f[nf++] = p;
		p = strchr(p, '\t');
		if (p == NULL)
			break;
		*p++ = '\0';
	}
	return p == NULL ? nf : max + 1;
}

int site_item_parse(site_item *it, char *line)
{
	char *f[DOC_FIELDS], sha[65];
	uint64_t pages, mtime;
	site_doc *d = &it->doc;

	memset(&it->rec, 0, sizeof(it->rec));
	memset(d, 0, sizeof(*d));
	d->rec = &it->rec;
	if (split(f, DOC_FIELDS, line) != DOC_FIELDS ||
	    strcmp(f[0], "doc") != 0)
		return MALFORMED;
	if (hex64(sha, f[2]) < 0 || number(&pages, f[4]) < 0 ||
	    number(&it->rec.pdf_bytes, f[5]) < 0 ||
	    number(&it->rec.epub_bytes, f[6]) < 0 ||
	    number(&it->page_size, f[7]) < 0 || number(&mtime, f[8]) < 0 ||
	    strncmp(f[9], "urn:uuid:", 9) != 0 ||
	    strlen(f[9]) >= sizeof(d->uuid) || f[1][0] == '\0' ||
	    f[3][0] == '\0' || f[10][0] == '\0' || f[11][0] == '\0' ||
	    f[14][0] == '\0')
		return MALFORMED;
	it->rec.sha256 = f[2];
	it->rec.pages = (size_t)pages;
	it->page_mtime_ns = (int64_t)mtime;
	memcpy(d->uuid, f[9], strlen(f[9]) + 1);
	it->rec.source_rel = unescape(f[1]);
	it->rec.code = unescape(f[3]);
	d->date = unescape(f[10]);
	d->title = unescape(f[11]);
	d->subtitle = unescape(f[12]);
	d->doc_number = unescape(f[13]);
	d->issuer = unescape(f[14]);
	d->category = unescape(f[15]);
	d->summary = unescape(f[16]);
	/* The feeds sort and group by date: only a real one is kept. */
	if (site_date_key(d->date) == 0)
		return MALFORMED;
	return 0;
}

/* One line of the header or a "file" line; MALFORMED, FOLIO_ENOMEM. */
static int parse_head(site_cache *c, char *line, size_t *cap_files)
{
	char *f[5];
	size_t nf = split(f, 5, line);

	if (nf == 2 && strcmp(f[0], "version") == 0 &&
	    strlen(f[1]) < sizeof(c->version)) {
		memcpy(c->version, f[1], strlen(f[1]) + 1);
	} else if (nf == 2 && strcmp(f[0], "env") == 0) {
		if (hex64(c->env, f[1]) < 0)
			return MALFORMED;
	} else if (nf == 2 && strcmp(f[0], "state") == 0) {
		if (hex64(c->state, f[1]) < 0)
			return MALFORMED;
	} else if (nf == 5 && strcmp(f[0], "files") == 0) {
		uint64_t v[4];
		size_t k;
		for (k = 0; k < 4; k++)
			if (number(&v[k], f[k + 1]) < 0)
				return MALFORMED;
		c->files_dir.set = 1;
		c->files_dir.dev = v[0];
		c->files_dir.ino = v[1];
		c->files_dir.mtime_ns = (int64_t)v[2];
		c->files_dir.ctime_ns = (int64_t)v[3];
	} else if (nf == 3 && strcmp(f[0], "links") == 0) {
		site_cache_links *l;
		uint64_t k;
		size_t i;
		if (number(&k, f[1]) < 0 || strlen(f[2]) != 2 * SITE_LINKS_LEN ||
		    (c->n_links > 0 && c->links[c->n_links - 1].chunk >= k))
			return MALFORMED;   /* written in chunk order */
		if ((c->n_links & (c->n_links - 1)) == 0) {
			l = realloc(c->links, (c->n_links ? 2 * c->n_links :
				1) * sizeof(*l));
			if (l == NULL)
				return FOLIO_ENOMEM;
			c->links = l;
		}
		l = &c->links[c->n_links];
		l->chunk = (size_t)k;
		for (i = 0; i < SITE_LINKS_LEN; i++) {
			int hi = hexval(f[2][2 * i]), lo = hexval(f[2][2 * i + 1]);
			if (hi < 0 || lo < 0)
				return MALFORMED;
			l->digest[i] = (unsigned char)(hi << 4 | lo);
		}
		c->n_links++;
	} else if (nf == 4 && strcmp(f[0], "file") == 0) {
		site_cache_file *fl;
		uint64_t size, mtime;
		char *path;
		if (number(&size, f[1]) < 0 || number(&mtime, f[2]) < 0 ||
		    (path = unescape(f[3])) == NULL)
			return MALFORMED;
		if (c->n_files == *cap_files) {
			size_t cap = *cap_files ? 2 * *cap_files : 64;
			fl = realloc(c->files, cap * sizeof(*fl));
			if (fl == NULL)
				return FOLIO_ENOMEM;
			c->files = fl;
			*cap_files = cap;
		}
		fl = &c->files[c->n_files];
		if ((fl->path = strdup(path)) == NULL)
			return FOLIO_ENOMEM;
		fl->size = size;
		fl->mtime_ns = (int64_t)mtime;
		c->n_files++;
	} else {
		return MALFORMED;
	}
	return 0;
}

static int scan(site_cache *c, char *line, size_t cap, folio_error *err)
{
	size_t cap_files = 0, len;
	uint64_t off = 0;
	site_item it;
	int rc;

	memset(&it, 0, sizeof(it));
	if (fgets(line, (int)cap, c->fp) == NULL ||
	    strcmp(line, MAGIC) != 0)
		return MALFORMED;
	off = strlen(MAGIC);
	while (fgets(line, (int)cap, c->fp) != NULL) {
		len = strlen(line);
		/* A cut line is a torn file. A NUL inside a line ends the
		 * string before its '\n', so it is caught here too; a line
		 * longer than the run writes is not one of ours. */
		if (len == 0 || line[len - 1] != '\n' || len > SITE_LINE_MAX)
			return MALFORMED;
		line[len - 1] = '\0';
		if (strncmp(line, "doc\t", 4) == 0) {
			folio_key_rec e;
			if (site_item_parse(&it, line) != 0)
				return MALFORMED;
			e.key = site_hash(it.rec.source_rel);
			e.a = off;
			e.b = len;
			if ((rc = folio_keyindex_add(c->docs, &e, err)) < 0)
				return rc;
			c->n_docs++;
		} else if ((rc = parse_head(c, line, &cap_files)) != 0) {
			return rc == FOLIO_ENOMEM ? folio_error_set(err,
				FOLIO_ENOMEM, "out of memory") : rc;
		}
		off += len;
	}
	return ferror(c->fp) ? MALFORMED : 0;
}

int site_cache_read(site_cache *out, const char *path, size_t budget,
	folio_error *err)
{
	struct stat st;
	char *line;
	int rc;

	memset(out, 0, sizeof(*out));
	out->fp = fopen(path, "rb");
	if (out->fp == NULL)
		return 0;   /* no cache yet: start afresh */
	(void)setvbuf(out->fp, NULL, _IOFBF, SITE_WINDOW);
	if (fstat(fileno(out->fp), &st) != 0 || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size > CACHE_MAX_BYTES) {
		site_cache_free(out);
		return 0;
	}
	/* A line longer than any the run writes is not one of ours. */
	line = malloc(SITE_LINE_MAX + 2);
	if (line == NULL) {
		site_cache_free(out);
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	}
	rc = folio_keyindex_new(&out->docs, path, budget, err);
	if (rc == 0)
		rc = scan(out, line, SITE_LINE_MAX + 2, err);
	free(line);
	if (rc == 0)
		rc = folio_keyindex_finish(out->docs, err);
	if (rc == MALFORMED) {
		site_cache_free(out);
		return 0;
	}
	if (rc < 0)
		site_cache_free(out);
	return rc;
}

int site_cache_find(site_cache *c, const char *source, site_item *it,
	uint64_t *off, uint32_t *len, folio_error *err)
{
	site_window *w = &it->win[1];
	uint64_t h = site_hash(source);
	folio_keyindex_iter at;
	folio_key_rec e;
	int rc;

	if (c->docs == NULL)
		return 0;
	/* The first pass reads the old cache in the order it was written
	 * (batch order): the line after the last one read is, as a rule,
	 * the one asked for, and when no other line has its hash, it is
	 * the answer without a read of the index. */
	if (w->rw.next_fd == fileno(c->fp) + 1 &&
	    folio_keyindex_single(c->docs, h)) {
		folio_error ignored = {0};
		const char *line;
		size_t n;
		uint64_t where = w->rw.next_off;
		if ((rc = folio_read_window_line(&w->rw, fileno(c->fp), where,
			SITE_LINE_MAX, &line, &n, err)) < 0)
			return rc;
		if (rc == 1 && n > 4 && memcmp(line, "doc\t", 4) == 0 &&
		    site_item_load(it, w, fileno(c->fp), where, (uint32_t)n,
			&ignored) == 0 && site_hash(it->rec.source_rel) == h) {
			*off = where;
			*len = (uint32_t)n;
			return strcmp(it->rec.source_rel, source) == 0;
		}
	}
	folio_keyindex_seek(&at, c->docs, h);
	while ((rc = folio_keyindex_next(&at, &e, err)) == 1) {
		*off = e.a;
		*len = (uint32_t)e.b;
		if ((rc = site_item_load(it, &it->win[1], fileno(c->fp), *off,
			*len, err)) < 0)
			return rc;
		if (strcmp(it->rec.source_rel, source) == 0)
			return 1;
	}
	return rc;
}

/* ---- writing ---- */

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

int site_cache_line(folio_buf *b, const folio_site_record *r,
	const site_doc *d, uint64_t page_size, int64_t page_mtime_ns,
	folio_error *err)
{
	char nums[160], sha[65];
	size_t start = b->len;

	if (r->sha256 == NULL || hex64(sha, r->sha256) < 0)
		memcpy(sha, ZEROS, sizeof(sha));
	snprintf(nums, sizeof(nums), "%zu\t%llu\t%llu\t%llu\t%lld",
		r->pages, (unsigned long long)r->pdf_bytes,
		(unsigned long long)r->epub_bytes,
		(unsigned long long)page_size, (long long)page_mtime_ns);
	if (folio_buf_puts(b, "doc") < 0 ||
	    put_field(b, r->source_rel) < 0 ||
	    folio_buf_printf(b, "\t%s", sha) < 0 ||
	    put_field(b, r->code) < 0 ||
	    folio_buf_printf(b, "\t%s\t%s", nums, d->uuid) < 0 ||
	    put_field(b, d->date) < 0 ||
	    put_field(b, d->title) < 0 ||
	    put_field(b, d->subtitle) < 0 ||
	    put_field(b, d->doc_number) < 0 ||
	    put_field(b, d->issuer) < 0 ||
	    put_field(b, d->category) < 0 ||
	    put_field(b, d->summary) < 0 ||
	    folio_buf_putc(b, '\n') < 0)
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	if (b->len - start > SITE_LINE_MAX)
		return folio_error_set(err, FOLIO_ELIMIT, "%s: the document's "
			"site record is %zu bytes, over the limit of %zu",
			r->source_rel ? r->source_rel : r->code,
			b->len - start, SITE_LINE_MAX);
	return 0;
}

/* The new file's bytes, compared with the old file's as they come: the
 * temporary file is only opened at the first difference (and gets the
 * equal prefix copied from the old file). */
typedef struct cmp_out {
	const char *path;
	FILE *old;                /* NULL: no file on disk */
	uint64_t same;            /* bytes so far, equal to the old file's */
	int differs;
	folio_outfile out;
	folio_error *err;
} cmp_out;

static int cmp_diverge(cmp_out *w)
{
	char chunk[CHUNK];
	uint64_t left = w->same;
	int rc;

	w->differs = 1;
	if ((rc = folio_outfile_open(&w->out, w->path, w->err)) < 0)
		return rc;
	if (left > 0 && (w->old == NULL || fseeko(w->old, 0, SEEK_SET) != 0))
		goto fail;
	while (left > 0) {
		size_t k = left < sizeof(chunk) ? (size_t)left : sizeof(chunk);
		if (fread(chunk, 1, k, w->old) != k ||
		    fwrite(chunk, 1, k, w->out.fp) != k)
			goto fail;
		left -= k;
	}
	return 0;
fail:
	return folio_error_set(w->err, FOLIO_EIO, "%s: cannot copy the "
		"unchanged part: %s", w->path, strerror(errno));
}

static int cmp_put(cmp_out *w, const char *data, size_t len)
{
	char chunk[CHUNK];
	size_t done = 0;
	int rc;

	while (!w->differs && done < len) {
		size_t k = len - done < sizeof(chunk) ? len - done :
			sizeof(chunk);
		if (w->old == NULL || fread(chunk, 1, k, w->old) != k ||
		    memcmp(chunk, data + done, k) != 0) {
			if ((rc = cmp_diverge(w)) < 0)
				return rc;
			break;
		}
		done += k;
	}
	if (!w->differs) {
		w->same += len;
		return 0;
	}
	if (fwrite(data, 1, len, w->out.fp) != len)
		return folio_error_set(w->err, FOLIO_EIO, "%s: write failed: "
			"%s", w->path, strerror(errno));
	return 0;
}

static int cmp_finish(cmp_out *w)
{
	int rc;

	if (!w->differs) {
		if (w->old != NULL && fgetc(w->old) == EOF)
			return 0;   /* the same bytes: left alone */
		if ((rc = cmp_diverge(w)) < 0)
			return rc;
	}
	return folio_outfile_commit(&w->out, w->err);
}

/* Hand b to w once it is big (always when flush). */
static int cmp_drain(cmp_out *w, folio_buf *b, int flush)
{
	int rc = 0;

	if (b->len > 0 && (flush || b->len >= CHUNK)) {
		rc = cmp_put(w, b->data, b->len);
		folio_buf_reset(b);
	}
	return rc;
}

const unsigned char *site_cache_links_of(const site_cache *c, size_t k)
{
	size_t lo = 0, hi = c->n_links;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->links[mid].chunk == k)
			return c->links[mid].digest;
		if (c->links[mid].chunk < k)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

void site_dir_stamp_of(site_dir_stamp *out, int fd)
{
	struct stat st;

	memset(out, 0, sizeof(*out));
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISDIR(st.st_mode))
		return;
	out->set = 1;
	out->dev = (uint64_t)st.st_dev;
	out->ino = (uint64_t)st.st_ino;
	out->mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000LL +
		st.st_mtim.tv_nsec;
	out->ctime_ns = (int64_t)st.st_ctim.tv_sec * 1000000000LL +
		st.st_ctim.tv_nsec;
}

/* files/ as this run leaves it, and the link digests of the chunks
 * whose documents are all hard links there. Recorded only when the
 * folder last changed well before the first pass began: then nothing
 * changed it while the pass looked at its entries or since (a change
 * in the same tick of the file system's clock as an earlier one could
 * leave the times as they were, hence the margin). A run that links
 * entries itself is no such run; the next one records the folder. */
static int put_links(folio_buf *b, const site_ctx *c)
{
	folio_error ignored = {0};
	site_dir_stamp d;
	size_t k, i;

	site_dir_stamp_of(&d, c->files_fd);
	if (!d.set || c->scan_at_ns == 0 || c->scan_at_ns <
	    (d.ctime_ns > d.mtime_ns ? d.ctime_ns : d.mtime_ns) +
	    SITE_SETTLE_NS)
		return 0;
	if (folio_buf_printf(b, "files\t%llu\t%llu\t%lld\t%lld\n",
		(unsigned long long)d.dev, (unsigned long long)d.ino,
		(long long)d.mtime_ns, (long long)d.ctime_ns) < 0)
		return FOLIO_ENOMEM;
	for (k = 0; k < c->n_links; k++) {
		size_t end = (k + 1) * SITE_SCAN_CHUNK;
		site_key key;
		for (i = k * SITE_SCAN_CHUNK; i < c->n && i < end; i++)
			if (site_key_get(c, i, &key, &ignored) < 0 ||
			    (key.flags & (SITE_KEY_LINKED | SITE_KEY_HARD)) !=
				(SITE_KEY_LINKED | SITE_KEY_HARD))
				break;   /* (unreadable: not recorded) */
		if (i < c->n && i < end)
			continue;
		if (folio_buf_printf(b, "links\t%zu\t", k) < 0)
			return FOLIO_ENOMEM;
		for (i = 0; i < SITE_LINKS_LEN; i++)
			if (folio_buf_printf(b, "%02x", c->links[k][i]) < 0)
				return FOLIO_ENOMEM;
		if (folio_buf_putc(b, '\n') < 0)
			return FOLIO_ENOMEM;
	}
	return 0;
}

int site_cache_write(const char *path, const site_ctx *c, const char *env,
	const char *state, folio_error *err)
{
	folio_buf b = {0};
	site_window win[2];       /* the spool's, the old cache's */
	cmp_out w;
	size_t i;
	int rc = 0;

	site_window_init(&win[0]);
	site_window_init(&win[1]);
	memset(&w, 0, sizeof(w));
	w.path = path;
	w.err = err;
	w.old = fopen(path, "rb");
	if (folio_buf_printf(&b, "%sversion\t%s\nenv\t%s\nstate\t%s\n",
		MAGIC, FOLIO_VERSION, env, state[0] ? state : ZEROS) < 0)
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
		if ((rc = cmp_drain(&w, &b, 0)) < 0)
			goto done;
	}
	if (put_links(&b, c) < 0)
		goto nomem;
	for (i = 0; i < c->n; i++) {
		site_key key, *k = &key;
		if ((rc = site_key_get(c, i, k, err)) < 0)
			goto done;
		/* A page that failed to be written, or a source without a
		 * known digest, is not recorded: the next run redoes it. */
		if (k->len == 0 || (k->flags & SITE_KEY_NO_CACHE))
			continue;
		int spool = (k->at & SITE_AT_SPOOL) != 0;
		if ((rc = site_line_append(&b, &win[spool ? 0 : 1], spool ?
			c->spool.fd : c->cache_fd, k->at & ~SITE_AT_SPOOL,
			k->len, err)) < 0)
			goto done;
		if (b.data[b.len - 1] != '\n') {
			rc = folio_error_set(err, FOLIO_EIO, "site: a document "
				"record read back is not one line");
			goto done;
		}
		if ((rc = cmp_drain(&w, &b, 0)) < 0)
			goto done;
	}
	if ((rc = cmp_drain(&w, &b, 1)) == 0)
		rc = cmp_finish(&w);
	goto done;
nomem:
	rc = folio_error_set(err, FOLIO_ENOMEM, "%s: out of memory", path);
done:
	if (rc < 0)
		folio_outfile_abort(&w.out);
	if (w.old != NULL)
		fclose(w.old);
	site_window_free(&win[0]);
	site_window_free(&win[1]);
	folio_buf_free(&b);
	return rc;
}
