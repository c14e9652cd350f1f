/*
 * sitespool.c - what the site's run keeps of each document (see
 * site_impl.h): the spool file of document lines, reading a line back,
 * the date key of the feeds' order and the interned 文种 names.
 *
 * The spool is opened with mkstemp beside the site and unlinked at
 * once: a killed run leaves nothing, and the file system gives the
 * space back when the descriptor closes.
 */
#include "site/site_impl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- the spool ---- */

int site_spool_open(site_spool *s, const char *dir, folio_error *err)
{
	char path[SITE_PATH_MAX];

	s->fd = -1;
	s->end = 0;
	if ((size_t)snprintf(path, sizeof(path), "%s/.spool.tmp.XXXXXX", dir) >=
	    sizeof(path))
		return folio_error_set(err, FOLIO_ELIMIT, "%s: path too long",
			dir);
	s->fd = mkstemp(path);
	if (s->fd < 0)
		return folio_error_set(err, FOLIO_EIO, "%s: cannot create the "
			"site's spool file: %s", dir, strerror(errno));
	(void)unlink(path);
	return 0;
}

int site_spool_append(site_spool *s, const char *data, size_t len,
	uint64_t *at, folio_error *err)
{
	size_t done = 0;

	if (len > SITE_LINE_MAX)
		return folio_error_set(err, FOLIO_ELIMIT, "a document's site "
			"record is %zu bytes, over the limit of %zu", len,
			SITE_LINE_MAX);
	if (s->end > (UINT64_C(1) << 40))
		return folio_error_set(err, FOLIO_ELIMIT, "the site's spool "
			"is over %llu bytes", 1ULL << 40);
	while (done < len) {
		ssize_t k = pwrite(s->fd, data + done, len - done,
			(off_t)(s->end + done));
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return folio_error_set(err, FOLIO_EIO, "cannot write "
				"the site's spool file: %s", k < 0 ?
				strerror(errno) : "no space");
		done += (size_t)k;
	}
	*at = s->end;
	s->end += len;
	return 0;
}

void site_spool_close(site_spool *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	s->end = 0;
}

/* ---- reading a line back ---- */

void site_window_init(site_window *w)
{
	memset(w, 0, sizeof(*w));
	w->rw.size = SITE_WINDOW;
}

void site_window_free(site_window *w)
{
	folio_read_window_free(&w->rw);
	site_window_init(w);
}

void site_item_init(site_item *it)
{
	memset(it, 0, sizeof(*it));
	site_window_init(&it->win[0]);
	site_window_init(&it->win[1]);
}

void site_item_free(site_item *it)
{
	folio_buf_free(&it->line);
	site_window_free(&it->win[0]);
	site_window_free(&it->win[1]);
	site_item_init(it);
}

/* pread [off, off + len) into p, up to the end of the file; *got says
 * how much there was. */
static int read_at(size_t *got, int fd, char *p, size_t len, uint64_t off,
	folio_error *err)
{
	*got = 0;
	while (*got < len) {
		ssize_t k = pread(fd, p + *got, len - *got,
			(off_t)(off + *got));
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return folio_error_set(err, FOLIO_EIO, "site: cannot "
				"read a document record back: %s",
				strerror(errno));
		if (k == 0)
			break;
		*got += (size_t)k;
	}
	return 0;
}

int site_line_append(folio_buf *b, site_window *w, int fd, uint64_t off,
	uint32_t len, folio_error *err)
{
	size_t got;
	int rc;

	if (len == 0 || len > SITE_LINE_MAX)
		return folio_error_set(err, FOLIO_EIO, "site: a document "
			"record of %u bytes (expected 1 to %zu)", len,
			SITE_LINE_MAX);
	if (b->data == NULL || b->cap - b->len < (size_t)len + 1) {
		size_t cap = b->len + (size_t)len + 1;
		char *p;
		if (cap < 2 * b->cap)
			cap = 2 * b->cap;
		if ((p = realloc(b->data, cap)) == NULL)
			return folio_error_set(err, FOLIO_ENOMEM,
				"out of memory");
		b->data = p;
		b->cap = cap;
	}
	if (w != NULL && len <= SITE_WINDOW &&
	    (folio_read_window_has(&w->rw, fd, off, len) ||
	     (w->rw.next_fd == fd + 1 && w->rw.next_off == off))) {
		folio_error why = {0};
		const char *at;
		if ((rc = folio_read_window_get(&w->rw, fd, off, len, &at,
			&why)) < 0)
			return folio_error_set(err, rc, "site: cannot read a "
				"document record back: %s", why.msg);
		memcpy(b->data + b->len, at, len);
		got = len;
	} else if ((rc = read_at(&got, fd, b->data + b->len, len, off,
		err)) < 0) {
		return rc;
	}
	if (got != len)
		return folio_error_set(err, FOLIO_EIO, "site: cannot read a "
			"document record back: the file is shorter");
	if (w != NULL) {
		w->rw.next_fd = fd + 1;
		w->rw.next_off = off + len;
	}
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

int site_item_load(site_item *it, site_window *w, int fd, uint64_t off,
	uint32_t len, folio_error *err)
{
	int rc;

	folio_buf_reset(&it->line);
	if ((rc = site_line_append(&it->line, w, fd, off, len, err)) < 0)
		return rc;
	if (it->line.data[len - 1] != '\n' ||
	    memchr(it->line.data, '\0', len) != NULL)
		return folio_error_set(err, FOLIO_EIO, "site: a document "
			"record read back is not one line");
	it->line.data[len - 1] = '\0';
	if (site_item_parse(it, it->line.data) != 0)
		return folio_error_set(err, FOLIO_EIO, "site: a document "
			"record read back is malformed (was a file changed "
			"during the run?)");
	return 0;
}

int site_item_read(site_item *it, const site_ctx *c, size_t i,
	folio_error *err)
{
	site_key key, *k = &key;
	int spool, rc;

	if ((rc = site_key_get(c, i, k, err)) < 0)
		return rc;
	spool = (k->at & SITE_AT_SPOOL) != 0;
	if (k->len == 0) {
		char code[SITE_CODE_MAX];
		return folio_error_set(err, FOLIO_EIO, "site: no record of "
			"%s", site_code(c, i, code, err) == 0 ? code : "?");
	}
	return site_item_load(it, &it->win[spool ? 0 : 1], spool ?
		c->spool.fd : c->cache_fd, k->at & ~SITE_AT_SPOOL, k->len, err);
}

int site_code(const site_ctx *c, size_t i, char out[SITE_CODE_MAX],
	folio_error *err)
{
	size_t len;
	int rc = folio_varlist_get(c->codes, i, out, SITE_CODE_MAX - 1, &len,
		err);

	if (rc == 0)
		out[len] = '\0';
	return rc;
}

/* ---- keys ---- */

int site_key_get(const site_ctx *c, size_t i, site_key *k, folio_error *err)
{
	return folio_recarray_get(c->keys, i, k, err);
}

int site_key_put(const site_ctx *c, size_t i, const site_key *k,
	folio_error *err)
{
	return folio_recarray_put(c->keys, i, k, err);
}

int site_key_flag(const site_ctx *c, size_t i, uint32_t more,
	folio_error *err)
{
	site_key k;
	int rc;

	if ((rc = site_key_get(c, i, &k, err)) < 0)
		return rc;
	k.flags |= more;
	return site_key_put(c, i, &k, err);
}

uint32_t site_date_key(const char *date)
{
	if (date == NULL || !folio_date_valid(date))
		return 0;
	return (uint32_t)(atoi(date) * 10000 + atoi(date + 5) * 100 +
		atoi(date + 8));
}

uint64_t site_hash(const char *s)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * UINT64_C(0x100000001b3);
	return h;
}

static int types_grow(site_types *t)
{
	size_t n_slots = t->n_slots ? 2 * t->n_slots : 64, i, j;
	uint32_t *slots = calloc(n_slots, sizeof(*slots));

	if (slots == NULL)
		return FOLIO_ENOMEM;
	for (i = 0; i < t->n; i++) {
		j = (size_t)site_hash(t->names[i]) & (n_slots - 1);
		while (slots[j] != 0)
			j = (j + 1) & (n_slots - 1);
		slots[j] = (uint32_t)(i + 1);
	}
	free(t->slots);
	t->slots = slots;
	t->n_slots = n_slots;
	return 0;
}

int site_types_intern(site_types *t, const char *name, uint32_t *id)
{
	size_t j;

	if (2 * (t->n + 1) > t->n_slots && types_grow(t) < 0)
		return FOLIO_ENOMEM;
	j = (size_t)site_hash(name) & (t->n_slots - 1);
	for (; t->slots[j] != 0; j = (j + 1) & (t->n_slots - 1))
		if (strcmp(t->names[t->slots[j] - 1], name) == 0) {
			*id = t->slots[j] - 1;
			return 0;
		}
	if (t->n == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 16;
		char **p = realloc(t->names, cap * sizeof(*p));
		if (p == NULL)
			return FOLIO_ENOMEM;
		t->names = p;
		t->cap = cap;
	}
	if (t->n >= UINT32_MAX - 1 ||
	    (t->names[t->n] = strdup(name)) == NULL)
		return FOLIO_ENOMEM;
	t->slots[j] = (uint32_t)(t->n + 1);
	*id = (uint32_t)t->n++;
	return 0;
}

void site_types_free(site_types *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		free(t->names[i]);
	free(t->names);
	free(t->slots);
	memset(t, 0, sizeof(*t));
}
