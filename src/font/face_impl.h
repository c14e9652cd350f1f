/*
 * face_impl.h - what a folio_face is inside src/font/ (private).
 *
 * Shared by fontset.c (loading, metrics) and subset.c (hb-subset). Only
 * files under src/font/ include this header, so HarfBuzz types stay out
 * of every other module. A face is immutable once loaded: the hb_face_t
 * and hb_font_t are made immutable, so any number of threads may read
 * them at once.
 */
#ifndef FOLIO_FONT_FACE_IMPL_H
#define FOLIO_FONT_FACE_IMPL_H

#include <stdatomic.h>
#include <stdint.h>

#include <hb.h>

#include "font/font.h"

struct folio_face {
	hb_face_t *hb;       /* owns a reference to the mapped file */
	hb_font_t *font;     /* scale = units per em: positions are units */
	char *path;          /* resolved file path */
	unsigned index;      /* face index in a .ttc, else 0 */
	char *ps_name;       /* PostScript name, or a name made from path */
	unsigned upem;
	folio_outlines outlines;
	double ascender;     /* em */
	double descender;    /* em, negative */
	/* What the cmap and hmtx say of each BMP code point, filled on
	 * first use (CP_* in fontset.c): layout and the PDF writer ask
	 * about the same few thousand characters for every document of a
	 * batch, and HarfBuzz's lookup costs about 270 instructions. Racing
	 * workers store the same value, hence relaxed atomics. */
	_Atomic uint32_t *bmp;
	/* PDF programs of small code point sets made before (subset.c):
	 * page numbers draw the same few digits in most documents. */
	struct subset_cache *subsets;
	long long file_size; /* for folio_fontset_describe */
	long long file_mtime_ns;
};

/* The cache behind folio_face_pdf_program, one per face (subset.c);
 * NULL when out of memory. _free(NULL) is a no-op. */
struct subset_cache *folio_subset_cache_new(void);
void folio_subset_cache_free(struct subset_cache *c);

#endif
