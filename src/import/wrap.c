/* Text copied from a PDF breaks every paragraph into lines of the page's
 * width. When most body lines share one length, a line of that length
 * that does not end a sentence runs on into the next one: they are
 * joined into one paragraph (every character kept, the count reported). */
#include <string.h>

#include "import/import_impl.h"

#define MIN_LINE 12         /* shorter lines say nothing of a width */
#define MAX_WIDTH 120
#define MIN_WRAPPED 4       /* lines at the width before a page counts */

/* Marks that end a paragraph's last line. */
static int ends_paragraph(uint32_t c)
{
	return c == 0x3002 || c == 0xFF01 || c == 0xFF1F || c == 0xFF1B ||
		c == 0xFF1A || c == ':' || c == 0x2026 || c == 0x201D ||
		c == 0xFF09 || c == 0x3011 || c == 0x300B || c == '.' ||
		c == '!' || c == '?';
}

static int plain(const imp_para *p)
{
	return p->role == R_BODY && p->n > 0 && p->item == IMP_ITEM_NONE &&
		p->outline == 0;
}

/* Does q start a paragraph of its own (a heading or clause number)? */
static int starts_block(const imp_para *q)
{
	size_t rest;
	int val;

	return imp_number_form(q->v, q->n, &rest, &val) != NF_NONE ||
		imp_unnumbered_heading(q->v, q->n);
}

/* The most common length of the body lines, if enough of them share it
 * (give or take one character), else 0. */
static size_t page_width(const importer *im)
{
	size_t count[MAX_WIDTH + 2], i, best = 0, long_lines = 0, near;

	memset(count, 0, sizeof(count));
	for (i = im->body_start; i < im->n; i++) {
		const imp_para *p = &im->p[i];
		if (!plain(p) || p->n < MIN_LINE)
			continue;
		long_lines++;
		if (p->n <= MAX_WIDTH)
			count[p->n]++;
	}
	for (i = MIN_LINE; i <= MAX_WIDTH; i++)
		if (count[i] >= count[best])
			best = i;
	if (best == 0)
		return 0;
	near = count[best - 1] + count[best] + count[best + 1];
	return near >= MIN_WRAPPED && 5 * near >= 2 * long_lines ? best : 0;
}

int imp_unwrap(importer *im)
{
	size_t width, i, j, total;
	uint32_t *v;

	/* A Word paragraph is a paragraph: nothing was wrapped. */
	if (im->paragraphs || (width = page_width(im)) == 0)
		return 0;
	for (i = im->body_start; i < im->n; i++) {
		imp_para *p = &im->p[i];
		imp_para *last = p;
		if (!plain(p) || starts_block(p))
			continue;
		/* the run of lines this paragraph spans */
		total = p->n;
		for (j = i + 1; j < im->n; j++) {
			imp_para *q = &im->p[j];
			/* an indented line starts a paragraph of its own */
			if (last->n + 2 < width || last->n > width + 1 ||
			    ends_paragraph(last->v[last->n - 1]) || !plain(q) ||
			    q->att != p->att || starts_block(q) ||
			    q->indent >= 2)
				break;
			total += q->n;
			last = q;
		}
		if (j == i + 1)
			continue;
		v = folio_arena_alloc(im->doc->arena, total * sizeof(*v));
		if (v == NULL)
			return folio_error_set(im->err, FOLIO_ELIMIT,
				"%s: document exceeds the memory limit",
				im->name);
		memcpy(v, p->v, p->n * sizeof(*v));
		total = p->n;
		for (last = p + 1; last < &im->p[j]; last++) {
			memcpy(v + total, last->v, last->n * sizeof(*v));
			total += last->n;
			last->n = 0;  /* its text is in p now */
			if (im->report != NULL)
				im->report->joined_lines++;
		}
		p->v = v;
		p->n = total;
		p->trail = 0;  /* a wrapped line ends in no form blank */
		i = j - 1;
	}
	return 0;
}
