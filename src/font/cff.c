/*
 * cff.c - CFF tables (Adobe TN 5176) for PDF embedding: the CIDs of a
 * subset, and CID-keyed subsets assembled from flattened charstrings
 * (see cff.h).
 *
 * A CID-keyed CFF font finds its glyphs by CID through the charset, so a
 * PDF must draw it with those CIDs, not with glyph ids.
 *
 * hb-subset spends 30-45 thousand instructions a glyph flattening
 * charstrings and serialising, and the plan's fixed part per call, for
 * every document; the documents of a batch share most of their glyphs.
 * So a face's CFF table is read once (names, Top DICT, charset,
 * FDSelect, Font and Private DICTs), each glyph's charstring is
 * flattened once (by hb-subset, subroutines inlined, no hints), and a
 * document's subset is written here from those pieces. The table
 * written depends only on the glyphs asked for: the same set gives the
 * same bytes whatever was cached before.
 *
 * Layout of a subset: header, Name INDEX, Top DICT INDEX (ROS first,
 * the face's other values, then charset, FDSelect, CharStrings and
 * FDArray at 5-byte offsets), String INDEX (Registry, Ordering), an
 * empty Global Subr INDEX, charset format 0, FDSelect format 0,
 * CharStrings, FDArray (the Font DICTs used, in order of first use),
 * then their Private DICTs without Subrs.
 *
 * Tables are parsed as untrusted bytes: every offset and count is
 * checked against the table's length, and a table that does not parse
 * is an error, never a guess.
 */
#include "font/cff.h"

#include <stdlib.h>
#include <string.h>

#define OP_ESC 12
#define OP_CHARSET 15
#define OP_ENCODING 16
#define OP_CHARSTRINGS 17
#define OP_PRIVATE 18
#define OP_SUBRS 19
#define OP2(b) (0x0C00u | (b))
#define OP_ROS OP2(30)
#define OP_FDARRAY OP2(36)
#define OP_FDSELECT OP2(37)
#define FIRST_CUSTOM_SID 391
#define MAX_FDS 256

typedef struct span {
	const unsigned char *p;
	size_t len;
} span;

struct folio_cff_source {
	span name;                /* the font's name (Name INDEX) */
	span registry, ordering;  /* ROS strings */
	long supplement;
	folio_buf top;            /* Top DICT entries kept as they are */
	uint16_t *cid;            /* per glyph id */
	unsigned char *fd;        /* per glyph id */
	size_t n_glyphs;
	unsigned n_fds;
	folio_buf *font_dict;     /* per FD: entries kept, no Private */
	folio_buf *priv;          /* per FD: Private DICT without Subrs */
	unsigned char *strings;   /* owns the bytes of the three spans */
};

/* ---- reading ---------------------------------------------------- */

static int u16(const span *s, size_t at, unsigned *v)
{
	if (at + 2 > s->len || at + 2 < at)
		return -1;
	*v = (unsigned)s->p[at] << 8 | s->p[at + 1];
	return 0;
}

static int offset_of(const span *s, size_t at, unsigned size, size_t *v)
{
	unsigned i;

	if (size < 1 || size > 4 || at + size > s->len)
		return -1;
	*v = 0;
	for (i = 0; i < size; i++)
		*v = *v << 8 | s->p[at + i];
	return 0;
}

/* An INDEX at `at`: its count and where it ends. */
static int index_info(const span *s, size_t at, unsigned *count, size_t *end)
{
	unsigned size;
	size_t data, olast;

	if (u16(s, at, count) < 0)
		return -1;
	if (*count == 0) {
		*end = at + 2;
		return 0;
	}
	if (at + 3 > s->len)
		return -1;
	size = s->p[at + 2];
	data = at + 3 + ((size_t)*count + 1) * size - 1;
	if (offset_of(s, at + 3 + (size_t)*count * size, size, &olast) < 0 ||
	    data + olast > s->len)
		return -1;
	*end = data + olast;
	return 0;
}

/* Item k of the INDEX at `at`. */
static int index_item(const span *s, size_t at, unsigned k, span *item)
{
	unsigned count, size;
	size_t data, o0, o1;

	if (u16(s, at, &count) < 0 || k >= count || at + 3 > s->len)
		return -1;
	size = s->p[at + 2];
	data = at + 3 + ((size_t)count + 1) * size - 1;
	if (offset_of(s, at + 3 + (size_t)k * size, size, &o0) < 0 ||
	    offset_of(s, at + 3 + ((size_t)k + 1) * size, size, &o1) < 0 ||
	    o0 < 1 || o1 < o0 || data + o1 > s->len)
		return -1;
	item->p = s->p + data + o0;
	item->len = o1 - o0;
	return 0;
}

/* One DICT entry: its bytes [start, end) with the operator, the
 * operator, and its last integer operands (reals count as 0). */
typedef struct dict_entry {
	size_t start, end;
	unsigned op;
	long arg[3];     /* arg[n_args - 1] is the last */
	size_t n_args;
} dict_entry;

/* 1 and the entry at *at, 0 at the end, -1 when malformed. */
static int dict_next(const span *d, size_t *at, dict_entry *e)
{
	size_t i = *at;

	if (i >= d->len)
		return 0;
	memset(e, 0, sizeof(*e));
	e->start = i;
	while (i < d->len) {
		unsigned b = d->p[i];
		long v;

		if (b <= 21) {
			e->op = b;
			if (b == OP_ESC) {
				if (i + 1 >= d->len)
					return -1;
				e->op = OP2(d->p[++i]);
			}
			e->end = *at = i + 1;
			return 1;
		}
		if (b == 28) {
			if (i + 3 > d->len)
				return -1;
			v = (short)(d->p[i + 1] << 8 | d->p[i + 2]);
			i += 3;
		} else if (b == 29) {
			if (i + 5 > d->len)
				return -1;
			v = (long)(int32_t)((uint32_t)d->p[i + 1] << 24 |
				(uint32_t)d->p[i + 2] << 16 |
				(uint32_t)d->p[i + 3] << 8 | d->p[i + 4]);
			i += 5;
		} else if (b == 30) {
			for (i++; i < d->len; i++)
				if ((d->p[i] & 0x0F) == 0x0F ||
				    (d->p[i] >> 4) == 0x0F)
					break;
			if (i++ >= d->len)
				return -1;
			v = 0;
		} else if (b >= 32 && b <= 246) {
			v = (long)b - 139;
			i++;
		} else if (b >= 247 && b <= 254) {
			if (i + 2 > d->len)
				return -1;
			v = b <= 250 ? ((long)b - 247) * 256 + d->p[i + 1] + 108 :
				-((long)b - 251) * 256 - d->p[i + 1] - 108;
			i += 2;
		} else {
			return -1;  /* 22..27, 31, 255: reserved */
		}
		if (e->n_args == 3) {
			e->arg[0] = e->arg[1];
			e->arg[1] = e->arg[2];
			e->n_args = 2;
		}
		e->arg[e->n_args++] = v;
	}
	return -1;   /* operands with no operator */
}

/* Operators whose operand is a string id or an offset into the source
 * table: they are written anew or left out. */
static int is_rewritten(unsigned op)
{
	switch (op) {
	case 0: case 1: case 2: case 3: case 4:          /* names: SIDs */
	case OP_CHARSET: case OP_ENCODING: case OP_CHARSTRINGS:
	case OP_PRIVATE: case OP_SUBRS:
	case OP2(0): case OP2(20): case OP2(21): case OP2(22): case OP2(23):
	case OP_ROS: case OP_FDARRAY: case OP_FDSELECT: case OP2(38):
		return 1;
	default:
		return 0;
	}
}

/* The entries of d not rewritten, appended to out. */
static int keep_entries(folio_buf *out, const span *d)
{
	dict_entry e;
	size_t at = 0;
	int k;

	while ((k = dict_next(d, &at, &e)) == 1)
		if (!is_rewritten(e.op) && folio_buf_append(out,
			d->p + e.start, e.end - e.start) < 0)
			return -1;
	return k;
}

static int string_of(const span *s, size_t strings_at, long sid, span *out)
{
	if (sid < FIRST_CUSTOM_SID)
		return -1;   /* a standard string: not in ROS of real fonts */
	return index_item(s, strings_at, (unsigned)(sid - FIRST_CUSTOM_SID),
		out);
}

static int read_charset(uint16_t *cid, size_t n_glyphs, const span *s,
	size_t at)
{
	size_t g = 1;
	unsigned format, first, left, k;

	if (at >= s->len)
		return -1;
	format = s->p[at++];
	cid[0] = 0;
	while (g < n_glyphs) {
		if (u16(s, at, &first) < 0)
			return -1;
		at += 2;
		if (format == 0) {
			cid[g++] = (uint16_t)first;
			continue;
		}
		if (format == 1) {
			if (at >= s->len)
				return -1;
			left = s->p[at++];
		} else if (format == 2) {
			if (u16(s, at, &left) < 0)
				return -1;
			at += 2;
		} else {
			return -1;
		}
		for (k = 0; k <= left && g < n_glyphs; k++)
			cid[g++] = (uint16_t)(first + k);
	}
	return 0;
}

/* FDSelect formats 0 and 3; every FD index below n_fds. */
static int read_fdselect(unsigned char *fd, size_t n_glyphs, unsigned n_fds,
	const span *s, size_t at)
{
	unsigned format, n_ranges, r, first, next;
	size_t g;

	if (at >= s->len)
		return -1;
	format = s->p[at++];
	if (format == 0) {
		if (at + n_glyphs > s->len)
			return -1;
		for (g = 0; g < n_glyphs; g++)
			if ((fd[g] = s->p[at + g]) >= n_fds)
				return -1;
		return 0;
	}
	if (format != 3 || u16(s, at, &n_ranges) < 0 || n_ranges == 0)
		return -1;
	at += 2;
	for (r = 0; r < n_ranges; r++) {
		unsigned char v;
		if (u16(s, at, &first) < 0 || at + 2 >= s->len ||
		    (v = s->p[at + 2]) >= n_fds ||
		    u16(s, at + 3, &next) < 0 || next < first ||
		    (r == 0 && first != 0) || next > n_glyphs)
			return -1;
		for (g = first; g < next; g++)
			fd[g] = v;
		at += 3;
	}
	return next == n_glyphs ? 0 : -1;
}

int folio_cff_read_cids(uint16_t **out, size_t *n_glyphs, int *cid_keyed,
	const unsigned char *cff, size_t len)
{
	span s = {cff, len}, top;
	dict_entry e;
	size_t at, end;
	unsigned count;
	long charset = 0, charstrings = -1;
	int r;

	*out = NULL;
	*n_glyphs = 0;
	*cid_keyed = 0;
	if (len < 4 || cff[0] != 1)
		return -1;
	at = cff[2];  /* header size */
	if (index_info(&s, at, &count, &end) < 0 ||           /* Name */
	    index_item(&s, end, 0, &top) < 0)                 /* Top DICT */
		return -1;
	at = 0;
	while ((r = dict_next(&top, &at, &e)) == 1) {
		long last = e.n_args ? e.arg[e.n_args - 1] : -1;
		if (e.op == OP_CHARSET)
			charset = last;
		else if (e.op == OP_CHARSTRINGS)
			charstrings = last;
		else if (e.op == OP_ROS)
			*cid_keyed = 1;
	}
	if (r < 0 || charstrings <= 0 || (size_t)charstrings >= len ||
	    index_info(&s, (size_t)charstrings, &count, &end) < 0 ||
	    count == 0)
		return -1;
	*n_glyphs = count;
	if (!*cid_keyed)
		return 0;
	/* A CID-keyed font has its own charset (offsets 0..2 name the
	 * predefined ones of name-keyed fonts). */
	if (charset <= 2 || (size_t)charset >= len)
		return -1;
	*out = malloc(count * sizeof(**out));
	if (*out == NULL)
		return -1;
	if (read_charset(*out, count, &s, (size_t)charset) < 0) {
		free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

/* The Font DICT of one FD and its Private DICT (without Subrs). */
static int read_fd(folio_cff_source *src, unsigned k, const span *s,
	const span *font)
{
	dict_entry e;
	size_t at = 0;
	long size = -1, offset = -1;
	span priv;
	int r;

	while ((r = dict_next(font, &at, &e)) == 1)
		if (e.op == OP_PRIVATE && e.n_args >= 2) {
			size = e.arg[e.n_args - 2];
			offset = e.arg[e.n_args - 1];
		}
	if (r < 0 || size < 0 || offset < 0 ||
	    (size_t)offset > s->len || (size_t)size > s->len - (size_t)offset)
		return -1;
	priv.p = s->p + offset;
	priv.len = (size_t)size;
	return keep_entries(&src->font_dict[k], font) < 0 ||
		keep_entries(&src->priv[k], &priv) < 0 ? -1 : 0;
}

int folio_cff_source_new(folio_cff_source **out, const unsigned char *cff,
	size_t len)
{
	folio_cff_source *src;
	span s, top;
	dict_entry e;
	size_t at, strings_at, end;
	long charset = -1, charstrings = -1, fdarray = -1, fdselect = -1;
	long ros[3] = {0, 0, 0};
	unsigned count, k;
	int have_ros = 0, r;

	*out = NULL;
	if (len < 4 || cff[0] != 1)
		return -1;
	src = calloc(1, sizeof(*src));
	if (src == NULL)
		return -1;
	s.p = cff;
	s.len = len;
	at = s.p[2];
	if (index_item(&s, at, 0, &src->name) < 0 ||
	    index_info(&s, at, &count, &end) < 0 ||
	    index_item(&s, end, 0, &top) < 0 ||
	    index_info(&s, end, &count, &strings_at) < 0 ||
	    index_info(&s, strings_at, &count, &end) < 0)
		goto bad;
	at = 0;
	while ((r = dict_next(&top, &at, &e)) == 1) {
		long last = e.n_args ? e.arg[e.n_args - 1] : -1;
		if (e.op == OP_ROS && e.n_args == 3) {
			memcpy(ros, e.arg, sizeof(ros));
			have_ros = 1;
		} else if (e.op == OP_CHARSET) {
			charset = last;
		} else if (e.op == OP_CHARSTRINGS) {
			charstrings = last;
		} else if (e.op == OP_FDARRAY) {
			fdarray = last;
		} else if (e.op == OP_FDSELECT) {
			fdselect = last;
		} else if (e.op == OP2(20)) {
			goto bad;   /* synthetic fonts: not taken */
		}
	}
	/* Only CID-keyed fonts: a name-keyed one names its glyphs by
	 * strings, and stays with hb-subset. */
	if (r < 0 || !have_ros || charset <= 2 || charstrings <= 0 ||
	    fdarray <= 0 || fdselect <= 0 || (size_t)charset >= len ||
	    (size_t)charstrings >= len || (size_t)fdarray >= len ||
	    (size_t)fdselect >= len ||
	    string_of(&s, strings_at, ros[0], &src->registry) < 0 ||
	    string_of(&s, strings_at, ros[1], &src->ordering) < 0 ||
	    keep_entries(&src->top, &top) < 0)
		goto bad;
	src->supplement = ros[2];
	if (index_info(&s, (size_t)charstrings, &count, &end) < 0 ||
	    count == 0)
		goto bad;
	src->n_glyphs = count;
	if (index_info(&s, (size_t)fdarray, &count, &end) < 0 ||
	    count == 0 || count > MAX_FDS)
		goto bad;
	src->n_fds = count;
	src->cid = malloc(src->n_glyphs * sizeof(*src->cid));
	src->fd = malloc(src->n_glyphs);
	src->font_dict = calloc(count, sizeof(*src->font_dict));
	src->priv = calloc(count, sizeof(*src->priv));
	if (src->cid == NULL || src->fd == NULL || src->font_dict == NULL ||
	    src->priv == NULL ||
	    read_charset(src->cid, src->n_glyphs, &s, (size_t)charset) < 0 ||
	    read_fdselect(src->fd, src->n_glyphs, src->n_fds, &s,
		(size_t)fdselect) < 0)
		goto bad;
	for (k = 0; k < src->n_fds; k++) {
		span font;
		if (index_item(&s, (size_t)fdarray, k, &font) < 0 ||
		    read_fd(src, k, &s, &font) < 0)
			goto bad;
	}
	/* Keep the three strings; the table itself is not kept. */
	src->strings = malloc(src->name.len + src->registry.len +
		src->ordering.len + 1);
	if (src->strings == NULL)
		goto bad;
	at = 0;
	memcpy(src->strings, src->name.p, src->name.len);
	src->name.p = src->strings;
	at += src->name.len;
	memcpy(src->strings + at, src->registry.p, src->registry.len);
	src->registry.p = src->strings + at;
	at += src->registry.len;
	memcpy(src->strings + at, src->ordering.p, src->ordering.len);
	src->ordering.p = src->strings + at;
	*out = src;
	return 0;
bad:
	folio_cff_source_free(src);
	return -1;
}

void folio_cff_source_free(folio_cff_source *src)
{
	unsigned k;

	if (src == NULL)
		return;
	folio_buf_free(&src->top);
	for (k = 0; src->font_dict != NULL && k < src->n_fds; k++) {
		folio_buf_free(&src->font_dict[k]);
		folio_buf_free(&src->priv[k]);
	}
	free(src->font_dict);
	free(src->priv);
	free(src->cid);
	free(src->fd);
	free(src->strings);
	free(src);
}

size_t folio_cff_source_glyphs(const folio_cff_source *src)
{
	return src->n_glyphs;
}

unsigned folio_cff_source_cid(const folio_cff_source *src, unsigned gid)
{
	return gid < src->n_glyphs ? src->cid[gid] : 0;
}

int folio_cff_charstring(const unsigned char **out, size_t *out_len,
	const unsigned char *cff, size_t len, unsigned gid)
{
	span s = {cff, len}, top, item;
	dict_entry e;
	size_t at;
	unsigned count;
	long charstrings = -1;
	int r;

	if (len < 4 || cff[0] != 1)
		return -1;
	at = cff[2];
	if (index_info(&s, at, &count, &at) < 0 ||
	    index_item(&s, at, 0, &top) < 0)
		return -1;
	at = 0;
	while ((r = dict_next(&top, &at, &e)) == 1)
		if (e.op == OP_CHARSTRINGS && e.n_args >= 1)
			charstrings = e.arg[e.n_args - 1];
	if (r < 0 || charstrings <= 0 || (size_t)charstrings >= len ||
	    index_item(&s, (size_t)charstrings, gid, &item) < 0 ||
	    item.len == 0)
		return -1;
	*out = item.p;
	*out_len = item.len;
	return 0;
}

/* ---- writing ---------------------------------------------------- */

static int put_u8(folio_buf *o, unsigned v)
{
	unsigned char b = (unsigned char)v;
	return folio_buf_append(o, &b, 1);
}

static int put_be(folio_buf *o, size_t v, unsigned size)
{
	unsigned char b[4];
	unsigned i;

	for (i = 0; i < size; i++)
		b[i] = (unsigned char)(v >> (8 * (size - 1 - i)));
	return folio_buf_append(o, b, size);
}

/* A DICT integer, always 5 bytes (op 29), so sizes are known before
 * the offsets are. */
static int put_int5(folio_buf *o, long v)
{
	return put_u8(o, 29) < 0 ? -1 : put_be(o, (size_t)(uint32_t)v, 4);
}

static int put_op(folio_buf *o, unsigned op)
{
	if (op >= 0x0C00u)
		return put_u8(o, OP_ESC) < 0 ? -1 : put_u8(o, op & 0xFF);
	return put_u8(o, op);
}

static unsigned off_size(size_t last)
{
	return last < 0x100 ? 1 : last < 0x10000 ? 2 : last < 0x1000000 ? 3 : 4;
}

static size_t index_size(size_t count, size_t data)
{
	return count == 0 ? 2 : 3 + (count + 1) * off_size(data + 1) + data;
}

/* An INDEX of n items, item i being parts[i] (len[i] bytes). */
static int put_index(folio_buf *o, const unsigned char *const *parts,
	const size_t *len, size_t n)
{
	size_t i, data = 0, off = 1;
	unsigned size;

	if (put_be(o, n, 2) < 0)
		return -1;
	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		data += len[i];
	size = off_size(data + 1);
	if (put_u8(o, size) < 0 || put_be(o, off, size) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		off += len[i];
		if (put_be(o, off, size) < 0)
			return -1;
	}
	for (i = 0; i < n; i++)
		if (len[i] && folio_buf_append(o, parts[i], len[i]) < 0)
			return -1;
	return 0;
}

/* The Top DICT with the given offsets (its size does not depend on
 * them). */
static int put_top(folio_buf *o, const folio_cff_source *src,
	long charset, long fdselect, long charstrings, long fdarray)
{
	return put_int5(o, FIRST_CUSTOM_SID) < 0 ||
		put_int5(o, FIRST_CUSTOM_SID + 1) < 0 ||
		put_int5(o, src->supplement) < 0 || put_op(o, OP_ROS) < 0 ||
		(src->top.len && folio_buf_append(o, src->top.data,
			src->top.len) < 0) ||
		put_int5(o, charset) < 0 || put_op(o, OP_CHARSET) < 0 ||
		put_int5(o, fdselect) < 0 || put_op(o, OP_FDSELECT) < 0 ||
		put_int5(o, charstrings) < 0 ||
		put_op(o, OP_CHARSTRINGS) < 0 ||
		put_int5(o, fdarray) < 0 || put_op(o, OP_FDARRAY) < 0 ? -1 : 0;
}

int folio_cff_build(folio_buf *out, const folio_cff_source *src,
	const unsigned *gids, const unsigned char *const *cs,
	const size_t *cs_len, size_t n)
{
	folio_buf top = {0}, fonts = {0};
	const unsigned char *parts[2];
	size_t lens[2], i, cs_data = 0, at, top_len, font_len[MAX_FDS];
	size_t font_at[MAX_FDS], priv_at[MAX_FDS], start = 0;
	long charset, fdselect, charstrings, fdarray;
	int new_fd[MAX_FDS];
	unsigned used[MAX_FDS], n_used = 0, k;
	int rc = -1;

	if (n == 0 || gids[0] != 0)
		return -1;
	for (k = 0; k < MAX_FDS; k++)
		new_fd[k] = -1;
	for (i = 0; i < n; i++) {
		unsigned f;
		if (gids[i] >= src->n_glyphs || (i && gids[i] <= gids[i - 1]) ||
		    cs_len[i] == 0)
			return -1;
		cs_data += cs_len[i];
		f = src->fd[gids[i]];
		if (new_fd[f] < 0) {
			new_fd[f] = (int)n_used;
			used[n_used++] = f;
		}
	}
	/* Sizes first: header, Name, Top DICT, String, Global Subr. */
	if (put_top(&top, src, 0, 0, 0, 0) < 0)
		goto done;
	top_len = top.len;
	at = 4 + index_size(1, src->name.len) + index_size(1, top_len) +
		index_size(2, src->registry.len + src->ordering.len) +
		index_size(0, 0);
	charset = (long)at;
	at += 1 + 2 * (n - 1);
	fdselect = (long)at;
	at += 1 + n;
	charstrings = (long)at;
	at += index_size(n, cs_data);
	fdarray = (long)at;
	/* Font DICT k: its kept entries, then Private [size offset], each
	 * a 5-byte integer; the Private DICTs follow the FDArray. */
	{
		size_t fonts_data = 0;
		for (k = 0; k < n_used; k++) {
			font_len[k] = src->font_dict[used[k]].len + 11;
			fonts_data += font_len[k];
		}
		at += index_size(n_used, fonts_data);
		for (k = 0; k < n_used; k++) {
			priv_at[k] = at;
			at += src->priv[used[k]].len;
		}
	}
	if (at > 0x7FFFFFFF)
		goto done;
	start = out->len;
	folio_buf_reset(&top);
	/* Header: major 1, minor 0, header size 4, offsets of 4 bytes. */
	if (put_u8(out, 1) < 0 || put_u8(out, 0) < 0 || put_u8(out, 4) < 0 ||
	    put_u8(out, 4) < 0)
		goto done;
	parts[0] = src->name.p;
	lens[0] = src->name.len;
	if (put_index(out, parts, lens, 1) < 0 ||
	    put_top(&top, src, charset, fdselect, charstrings, fdarray) < 0 ||
	    top.len != top_len)
		goto done;
	parts[0] = (const unsigned char *)top.data;
	lens[0] = top.len;
	if (put_index(out, parts, lens, 1) < 0)
		goto done;
	parts[0] = src->registry.p;
	lens[0] = src->registry.len;
	parts[1] = src->ordering.p;
	lens[1] = src->ordering.len;
	if (put_index(out, parts, lens, 2) < 0 || put_index(out, NULL, NULL,
		0) < 0)
		goto done;
	/* charset format 0 (CIDs of glyphs 1..n-1), FDSelect format 0. */
	if (put_u8(out, 0) < 0)
		goto done;
	for (i = 1; i < n; i++)
		if (put_be(out, src->cid[gids[i]], 2) < 0)
			goto done;
	if (put_u8(out, 0) < 0)
		goto done;
	for (i = 0; i < n; i++)
		if (put_u8(out, (unsigned)new_fd[src->fd[gids[i]]]) < 0)
			goto done;
	if (put_index(out, cs, cs_len, n) < 0)
		goto done;
	for (k = 0; k < n_used; k++) {
		const folio_buf *fd = &src->font_dict[used[k]];
		font_at[k] = fonts.len;
		if ((fd->len && folio_buf_append(&fonts, fd->data, fd->len) <
			0) || put_int5(&fonts, (long)src->priv[used[k]].len) < 0 ||
		    put_int5(&fonts, (long)priv_at[k]) < 0 ||
		    put_op(&fonts, OP_PRIVATE) < 0)
			goto done;
	}
	{
		const unsigned char *fp[MAX_FDS];
		for (k = 0; k < n_used; k++)
			fp[k] = (const unsigned char *)fonts.data + font_at[k];
		if (put_index(out, fp, font_len, n_used) < 0)
			goto done;
	}
	for (k = 0; k < n_used; k++) {
		const folio_buf *p = &src->priv[used[k]];
		if (p->len && folio_buf_append(out, p->data, p->len) < 0)
			goto done;
	}
	rc = out->len - start == at ? 0 : -1;
done:
	folio_buf_free(&top);
	folio_buf_free(&fonts);
	return rc;
}
