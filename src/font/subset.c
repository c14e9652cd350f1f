/*
 * subset.c - true font subsets with hb-subset, for PDF and EPUB embedding.
 *
 * A CJK font is 5-17 MB; a subset with renumbered glyphs and only the
 * tables an embedding reads is a few kilobytes per hundred characters.
 * Layout tables (GSUB, GPOS, GDEF, mort, ...), vertical metrics and
 * embedded bitmaps are dropped: folio sets text horizontally, glyph by
 * glyph, from the cmap. TrueType and CFF faces go through the same
 * subsetter; only the outline tables kept differ.
 */
#include "font/font.h"
#include "font/face_impl.h"
#include "font/cff.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <hb-subset.h>

#define MAX_SUBSET_CPS ((size_t)1 << 20)
/* Sets this small are kept per face and given again when they recur:
 * the page-number face's digits repeat in nearly every document of a
 * batch (190 of 200), and each subset of a CJK face costs the plan's
 * fixed part whatever its size. */
#define CACHE_MAX_CPS 16
#define CACHE_MAX_ENTRIES 64
#define MAX_TABLES 256

static const hb_tag_t common_tables[] = {
	HB_TAG('c', 'm', 'a', 'p'), HB_TAG('h', 'e', 'a', 'd'),
	HB_TAG('h', 'h', 'e', 'a'), HB_TAG('h', 'm', 't', 'x'),
	HB_TAG('m', 'a', 'x', 'p'), HB_TAG('p', 'o', 's', 't'),
	HB_TAG('n', 'a', 'm', 'e'), HB_TAG('O', 'S', '/', '2')
};

/* What a subset is for: a whole OpenType file (EPUB, and TrueType in a
 * PDF), or the bare CFF table a PDF embeds as FontFile3. */
typedef enum subset_kind {
	SUBSET_FILE,
	SUBSET_CFF_TABLE
} subset_kind;

static int is_kept(hb_tag_t tag, folio_outlines outlines, subset_kind kind)
{
	size_t i;

	/* The PDF reads nothing but the charstrings, charset and FDSelect:
	 * the other tables were 5-10 % of each subset's instructions. */
	if (kind == SUBSET_CFF_TABLE)
		return tag == HB_TAG('C', 'F', 'F', ' ');
	for (i = 0; i < sizeof(common_tables) / sizeof(*common_tables); i++)
		if (common_tables[i] == tag)
			return 1;
	if (outlines == FOLIO_OUTLINES_CFF)
		return tag == HB_TAG('C', 'F', 'F', ' ');
	return tag == HB_TAG('g', 'l', 'y', 'f') ||
		tag == HB_TAG('l', 'o', 'c', 'a');
}

/* Drop by listing every table of the source that is not kept, rather
 * than trusting hb-subset's defaults, which keep GSUB/GPOS/vmtx... */
static void drop_other_tables(hb_set_t *drop, const folio_face *face,
	subset_kind kind)
{
	hb_tag_t tags[32];
	unsigned offset = 0, count;

	do {
		unsigned i;
		count = sizeof(tags) / sizeof(*tags);
		hb_face_get_table_tags(face->hb, offset, &count, tags);
		for (i = 0; i < count; i++)
			if (!is_kept(tags[i], face->outlines, kind))
				hb_set_add(drop, tags[i]);
		offset += count;
	} while (count == sizeof(tags) / sizeof(*tags) && offset < MAX_TABLES);
}

/* The subsetter's input for cps[0..n) of face. */
static int subset_input(hb_subset_input_t **out, const folio_face *face,
	const uint32_t *cps, size_t n, subset_kind kind, folio_error *err)
{
	hb_subset_input_t *input;
	size_t i;

	*out = NULL;
	if (n > MAX_SUBSET_CPS)
		return folio_error_set(err, FOLIO_ELIMIT,
			"%s: subset of %zu characters, over the %zu limit",
			face->path, n, MAX_SUBSET_CPS);
	input = hb_subset_input_create_or_fail();
	if (input == NULL)
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	for (i = 0; i < n; i++)
		hb_set_add(hb_subset_input_unicode_set(input), cps[i]);
	drop_other_tables(hb_subset_input_set(input,
		HB_SUBSET_SETS_DROP_TABLE_TAG), face, kind);
	/* Without hints HarfBuzz flattens CFF charstrings anyway (the
	 * output is byte for byte the same); saying so skips its closure
	 * over the font's subroutines: FandolFang's subset for the seed
	 * went from 35 to 17-25 ms and from ~230 to ~100 page faults. */
	hb_subset_input_set_flags(input, HB_SUBSET_FLAGS_NO_HINTING |
		(face->outlines == FOLIO_OUTLINES_CFF ?
		HB_SUBSET_FLAGS_DESUBROUTINIZE : 0));
	if (!hb_set_allocation_successful(hb_subset_input_unicode_set(input))) {
		hb_subset_input_destroy(input);
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	}
	*out = input;
	return 0;
}

/* The subset as a face of its own (the caller destroys it). */
static int make_subset(hb_face_t **out, const folio_face *face,
	const uint32_t *cps, size_t n, folio_error *err)
{
	hb_subset_input_t *input = NULL;
	hb_face_t *sub = NULL;
	hb_blob_t *blob;
	int rc;

	*out = NULL;
	if ((rc = subset_input(&input, face, cps, n, SUBSET_FILE, err)) < 0)
		goto done;
	sub = hb_subset_or_fail(face->hb, input);
	if (sub == NULL) {
		rc = folio_error_set(err, FOLIO_ELIB,
			"%s: HarfBuzz could not subset the font", face->path);
		goto done;
	}
	/* Parse the serialised subset back: the face hb-subset returns is a
	 * builder, whose tables cannot be listed or looked up by cmap. */
	blob = hb_face_reference_blob(sub);
	*out = hb_face_create(blob, 0);
	hb_blob_destroy(blob);
	if (hb_face_get_glyph_count(*out) == 0) {
		hb_face_destroy(*out);
		*out = NULL;
		rc = folio_error_set(err, FOLIO_ELIB,
			"%s: HarfBuzz produced an empty subset", face->path);
	}
done:
	hb_face_destroy(sub);
	hb_subset_input_destroy(input);
	return rc;
}

int folio_face_subset(folio_buf *out, const folio_face *face,
	const uint32_t *cps, size_t n, folio_error *err)
{
	hb_face_t *sub;
	hb_blob_t *blob;
	const char *data;
	unsigned len = 0;
	int rc;

	if ((rc = make_subset(&sub, face, cps, n, err)) < 0)
		return rc;
	blob = hb_face_reference_blob(sub);
	data = hb_blob_get_data(blob, &len);
	rc = folio_buf_append(out, data, len);
	if (rc < 0)
		rc = folio_error_set(err, rc, "%s: font subset of %u bytes "
			"does not fit the output buffer", face->path, len);
	hb_blob_destroy(blob);
	hb_face_destroy(sub);
	return rc;
}

static int s16(const unsigned char *p)
{
	return (int16_t)(uint16_t)((unsigned)p[0] << 8 | p[1]);
}

/* Font units to 1/1000 em, rounded. */
static int thousandths(double v, unsigned upem)
{
	return (int)lround(v * 1000.0 / upem);
}

/* FontDescriptor values from head (bbox), hhea (ascent, descent), OS/2
 * (cap height) and post (italic angle, fixed pitch) of the original
 * face: the subset's tables are copies. */
static void descriptor_metrics(folio_font_program *p, const folio_face *f)
{
	hb_blob_t *b;
	const unsigned char *d;
	unsigned len = 0;

	b = hb_face_reference_table(f->hb, HB_TAG('h', 'e', 'a', 'd'));
	d = (const unsigned char *)hb_blob_get_data(b, &len);
	if (len >= 44) {
		p->bbox[0] = thousandths(s16(d + 36), f->upem);
		p->bbox[1] = thousandths(s16(d + 38), f->upem);
		p->bbox[2] = thousandths(s16(d + 40), f->upem);
		p->bbox[3] = thousandths(s16(d + 42), f->upem);
	}
	hb_blob_destroy(b);
	p->ascent = (int)lround(f->ascender * 1000);
	p->descent = (int)lround(f->descender * 1000);
	p->cap_height = p->ascent;
	b = hb_face_reference_table(f->hb, HB_TAG('O', 'S', '/', '2'));
	d = (const unsigned char *)hb_blob_get_data(b, &len);
	if (len >= 90 && (d[0] << 8 | d[1]) >= 2 && s16(d + 88) > 0)
		p->cap_height = thousandths(s16(d + 88), f->upem);
	hb_blob_destroy(b);
	b = hb_face_reference_table(f->hb, HB_TAG('p', 'o', 's', 't'));
	d = (const unsigned char *)hb_blob_get_data(b, &len);
	if (len >= 16) {
		int32_t fixed = (int32_t)((uint32_t)d[4] << 24 |
			(uint32_t)d[5] << 16 | (uint32_t)d[6] << 8 | d[7]);
		p->italic_angle = fixed / 65536.0;
		p->fixed_pitch = (d[12] | d[13] | d[14] | d[15]) != 0;
	}
	hb_blob_destroy(b);
}

/* The new glyph id of cp in the plan's subset, 0 (.notdef) if the face
 * lacks it. */
static hb_codepoint_t new_glyph(const hb_subset_plan_t *plan, uint32_t cp)
{
	hb_codepoint_t old = hb_map_get(
		hb_subset_plan_unicode_to_old_glyph_mapping(plan), cp), g;

	if (old == HB_MAP_VALUE_INVALID)
		return 0;
	g = hb_map_get(hb_subset_plan_old_to_new_glyph_mapping(plan), old);
	return g == HB_MAP_VALUE_INVALID ? 0 : g;
}

typedef struct cached_program {
	uint32_t cps[CACHE_MAX_CPS];
	size_t n;
	folio_font_program prog;
} cached_program;

struct subset_cache {
	pthread_mutex_t lock;
	cached_program entries[CACHE_MAX_ENTRIES];
	size_t n;
};

struct subset_cache *folio_subset_cache_new(void)
{
	struct subset_cache *c = calloc(1, sizeof(*c));

	if (c != NULL && pthread_mutex_init(&c->lock, NULL) != 0) {
		free(c);
		c = NULL;
	}
	return c;
}

void folio_subset_cache_free(struct subset_cache *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++)
		folio_font_program_free(&c->entries[i].prog);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

/* A deep copy of src into out (zeroed first). */
static int program_copy(folio_font_program *out, const folio_font_program *src)
{
	size_t n = src->n ? src->n : 1;

	*out = *src;
	memset(&out->program, 0, sizeof(out->program));
	out->program.limit = src->program.limit;
	out->cids = malloc(n * sizeof(*out->cids));
	out->widths = malloc(n * sizeof(*out->widths));
	if (out->cids == NULL || out->widths == NULL ||
	    folio_buf_append(&out->program, src->program.data,
		src->program.len) < 0) {
		folio_font_program_free(out);
		return FOLIO_ENOMEM;
	}
	memcpy(out->cids, src->cids, src->n * sizeof(*out->cids));
	memcpy(out->widths, src->widths, src->n * sizeof(*out->widths));
	return 0;
}

/* 1 and a copy in out when the face made this set before; 0 if not;
 * FOLIO_ENOMEM. */
static int cache_take(folio_font_program *out, const folio_face *face,
	const uint32_t *cps, size_t n)
{
	struct subset_cache *c = face->subsets;
	size_t i;
	int rc = 0;

	if (c == NULL || n > CACHE_MAX_CPS)
		return 0;
	pthread_mutex_lock(&c->lock);
	for (i = 0; i < c->n && rc == 0; i++)
		if (c->entries[i].n == n && memcmp(c->entries[i].cps, cps,
			n * sizeof(*cps)) == 0)
			rc = program_copy(out, &c->entries[i].prog) < 0 ?
				FOLIO_ENOMEM : 1;
	pthread_mutex_unlock(&c->lock);
	return rc;
}

/* Keep a copy of prog for cps when there is room (best effort: a full
 * cache or no memory only means the next one is made again). */
static void cache_keep(const folio_face *face, const uint32_t *cps,
	size_t n, const folio_font_program *prog)
{
	struct subset_cache *c = face->subsets;
	size_t i;

	if (c == NULL || n > CACHE_MAX_CPS)
		return;
	pthread_mutex_lock(&c->lock);
	for (i = 0; i < c->n; i++)
		if (c->entries[i].n == n && memcmp(c->entries[i].cps, cps,
			n * sizeof(*cps)) == 0)
			break;  /* another worker made it meanwhile */
	if (i == c->n && c->n < CACHE_MAX_ENTRIES &&
	    program_copy(&c->entries[c->n].prog, prog) == 0) {
		if (n)
			memcpy(c->entries[c->n].cps, cps, n * sizeof(*cps));
		c->entries[c->n].n = n;
		c->n++;
	}
	pthread_mutex_unlock(&c->lock);
}

static int make_pdf_program(folio_font_program *out, const folio_face *face,
	const uint32_t *cps, size_t n, folio_error *err);

int folio_face_pdf_program(folio_font_program *out, const folio_face *face,
	const uint32_t *cps, size_t n, folio_error *err)
{
	int rc;

	memset(out, 0, sizeof(*out));
	if (n > MAX_SUBSET_CPS)
		return folio_error_set(err, FOLIO_ELIMIT,
			"%s: subset of %zu characters, over the %zu limit",
			face->path, n, MAX_SUBSET_CPS);
	rc = cache_take(out, face, cps, n);
	if (rc == 1)
		return 0;
	if (rc < 0)
		return folio_error_set(err, FOLIO_ENOMEM, "out of memory");
	rc = make_pdf_program(out, face, cps, n, err);
	if (rc == 0)
		cache_keep(face, cps, n, out);
	return rc;
}

static int make_pdf_program(folio_font_program *out, const folio_face *face,
	const uint32_t *cps, size_t n, folio_error *err)
{
	int cff = face->outlines == FOLIO_OUTLINES_CFF;
	hb_subset_input_t *input = NULL;
	hb_subset_plan_t *plan = NULL;
	hb_face_t *sub = NULL;
	hb_blob_t *blob = NULL;
	uint16_t *cid_of = NULL;
	size_t n_glyphs = 0, i;
	const char *data;
	unsigned len = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	out->outlines = face->outlines;
	if ((rc = subset_input(&input, face, cps, n, cff ? SUBSET_CFF_TABLE :
		SUBSET_FILE, err)) < 0)
		goto done;
	/* Through a plan, whose glyph maps say which glyph draws each code
	 * point: no need to parse the subset back and look in its cmap. */
	plan = hb_subset_plan_create_or_fail(face->hb, input);
	sub = plan ? hb_subset_plan_execute_or_fail(plan) : NULL;
	if (sub == NULL) {
		rc = folio_error_set(err, FOLIO_ELIB,
			"%s: HarfBuzz could not subset the font", face->path);
		goto done;
	}
	out->cids = calloc(n ? n : 1, sizeof(*out->cids));
	out->widths = calloc(n ? n : 1, sizeof(*out->widths));
	if (out->cids == NULL || out->widths == NULL) {
		rc = folio_error_set(err, FOLIO_ENOMEM, "out of memory");
		goto done;
	}
	out->n = n;
	/* The builder face hb-subset returns gives a table by its tag, and
	 * the whole file serialised as its blob. */
	blob = cff ? hb_face_reference_table(sub, HB_TAG('C', 'F', 'F', ' ')) :
		hb_face_reference_blob(sub);
	data = hb_blob_get_data(blob, &len);
	if (data == NULL || len == 0) {
		rc = folio_error_set(err, FOLIO_ELIB,
			"%s: HarfBuzz produced an empty subset", face->path);
		goto done;
	}
	if (cff && folio_cff_read_cids(&cid_of, &n_glyphs, &out->cid_keyed,
		(const unsigned char *)data, len) < 0) {
		rc = folio_error_set(err, FOLIO_ELIB,
			"%s: the CFF table of its subset cannot be read "
			"back (%u bytes)", face->path, len);
		goto done;
	}
	if ((rc = folio_buf_append(&out->program, data, len)) < 0) {
		rc = folio_error_set(err, rc, "%s: font subset of %u bytes "
			"does not fit the output buffer", face->path, len);
		goto done;
	}
	for (i = 0; i < n; i++) {
		hb_codepoint_t g = new_glyph(plan, cps[i]);

		if (cid_of != NULL)
			out->cids[i] = g < n_glyphs ? cid_of[g] : 0;
		else
			out->cids[i] = (uint16_t)g;
		/* A character the face lacks draws .notdef one em wide,
		 * as layout placed it (missing-glyph mode "box"). */
		out->widths[i] = folio_face_has_glyph(face, cps[i]) ?
			(int)lround(folio_face_advance(face, cps[i]) * 1000.0) :
			1000;
	}
	descriptor_metrics(out, face);
done:
	free(cid_of);
	hb_blob_destroy(blob);
	hb_face_destroy(sub);
	hb_subset_plan_destroy(plan);
	hb_subset_input_destroy(input);
	if (rc < 0)
		folio_font_program_free(out);
	return rc;
}

void folio_font_program_free(folio_font_program *p)
{
	if (p == NULL)
		return;
	folio_buf_free(&p->program);
	free(p->cids);
	free(p->widths);
	memset(p, 0, sizeof(*p));
}
