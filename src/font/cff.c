/*
 * cff.c - the CFF Top DICT and charset, read for PDF embedding (see
 * cff.h).
 *
 * A CID-keyed CFF font finds its glyphs by CID through the charset, so a
 * PDF must draw it with those CIDs, not with glyph ids; hb-subset keeps
 * the original CIDs of the glyphs it retains.
 */
#include "font/cff.h"

#include <stdlib.h>

#define OP_CHARSET 15
#define OP_CHARSTRINGS 17
#define OP_ROS 0x0C1E     /* 12 30 */
#define MAX_OPERANDS 48

typedef struct span {
	const unsigned char *p;
	size_t len;
} span;

static int u16(const span *s, size_t at, unsigned *v)
{
	if (at + 2 > s->len)
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

/* An INDEX at `at`: its count, the first item in *item (start, length),
 * and where the INDEX ends. */
static int read_index(const span *s, size_t at, unsigned *count,
	span *first, size_t *end)
{
	unsigned size;
	size_t o0, o1, olast, data;

	if (u16(s, at, count) < 0)
		return -1;
	if (*count == 0) {
		first->p = NULL;
		first->len = 0;
		*end = at + 2;
		return 0;
	}
	if (at + 3 > s->len)
		return -1;
	size = s->p[at + 2];
	data = at + 3 + ((size_t)*count + 1) * size - 1;
	if (offset_of(s, at + 3, size, &o0) < 0 ||
	    offset_of(s, at + 3 + size, size, &o1) < 0 ||
	    offset_of(s, at + 3 + (size_t)*count * size, size, &olast) < 0 ||
	    o0 < 1 || o1 < o0 || olast < o1 || data + olast > s->len)
		return -1;
	first->p = s->p + data + o0;
	first->len = o1 - o0;
	*end = data + olast;
	return 0;
}

/* The operands of the Top DICT operators folio needs. Reals are
 * skipped: none of those operators takes one. */
static int read_top_dict(const span *d, long *charset, long *charstrings,
	int *ros)
{
	long ops[MAX_OPERANDS];
	size_t i = 0, n = 0;

	*charset = 0;
	*charstrings = -1;
	*ros = 0;
	while (i < d->len) {
		unsigned b = d->p[i];

		if (b <= 21) {
			unsigned op = b;
			if (b == 12) {
				if (i + 1 >= d->len)
					return -1;
				op = 0x0C00 | d->p[++i];
			}
			i++;
			if (op == OP_CHARSET && n >= 1)
				*charset = ops[n - 1];
			else if (op == OP_CHARSTRINGS && n >= 1)
				*charstrings = ops[n - 1];
			else if (op == OP_ROS)
				*ros = 1;
			n = 0;
			continue;
		}
		if (n == MAX_OPERANDS)
			return -1;
		if (b == 28) {
			if (i + 3 > d->len)
				return -1;
			ops[n++] = (short)(d->p[i + 1] << 8 | d->p[i + 2]);
			i += 3;
		} else if (b == 29) {
			if (i + 5 > d->len)
				return -1;
			ops[n++] = (long)(int32_t)((uint32_t)d->p[i + 1] << 24 |
				(uint32_t)d->p[i + 2] << 16 |
				(uint32_t)d->p[i + 3] << 8 | d->p[i + 4]);
			i += 5;
		} else if (b == 30) {
			/* real: nibbles up to an 0xf */
			for (i++; i < d->len; i++)
				if ((d->p[i] & 0x0F) == 0x0F ||
				    (d->p[i] >> 4) == 0x0F)
					break;
			if (i++ >= d->len)
				return -1;
			ops[n++] = 0;
		} else if (b >= 32 && b <= 246) {
			ops[n++] = (long)b - 139;
			i++;
		} else if (b >= 247 && b <= 254) {
			if (i + 2 > d->len)
				return -1;
			ops[n++] = b <= 250 ?
				((long)b - 247) * 256 + d->p[i + 1] + 108 :
				-((long)b - 251) * 256 - d->p[i + 1] - 108;
			i += 2;
		} else {
			return -1;  /* 22..27, 31, 255: reserved */
		}
	}
	return 0;
}

/* Charset formats 0, 1 and 2: glyph 0 is .notdef (CID 0), then either
 * one CID per glyph or ranges (first, count - 1). */
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

int folio_cff_read_cids(uint16_t **out, size_t *n_glyphs, int *cid_keyed,
	const unsigned char *cff, size_t len)
{
	span s = {cff, len}, item, top;
	unsigned count;
	size_t at, end;
	long charset, charstrings;

	*out = NULL;
	*n_glyphs = 0;
	*cid_keyed = 0;
	if (len < 4 || cff[0] != 1)
		return -1;
	at = cff[2];  /* header size */
	if (read_index(&s, at, &count, &item, &end) < 0)        /* Name */
		return -1;
	if (read_index(&s, end, &count, &top, &end) < 0 || count < 1)
		return -1;                                      /* Top DICT */
	if (read_top_dict(&top, &charset, &charstrings, cid_keyed) < 0 ||
	    charstrings <= 0 || (size_t)charstrings >= len)
		return -1;
	if (read_index(&s, (size_t)charstrings, &count, &item, &end) < 0 ||
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
